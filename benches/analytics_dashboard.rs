//! Server time of the full manufacturer dashboard (every widget) and the map, over a demo
//! database: p50 and p95 of 30 runs each, default filters (last 30 days) and all time.
//!
//! `relais --database URL demo --lines N` first, then
//! `RELAIS_BENCH_DATABASE_URL=URL cargo bench --bench analytics_dashboard`.

use relais::analytics::filter::{FilterQuery, SalesFilter};
use relais::analytics::{dashboard, map};
use relais::db::Db;
use std::time::Instant;

const RUNS: usize = 30;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank]
}

async fn time<F, Fut>(label: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm the caches once
    let mut ms = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        f().await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{label:<40} p50 {:>8.1} ms   p95 {:>8.1} ms",
        percentile(&ms, 50.0),
        percentile(&ms, 95.0)
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url =
        std::env::var("RELAIS_BENCH_DATABASE_URL").unwrap_or_else(|_| "sqlite://relais.db".into());
    let db = Db::connect(&url, 4).await?;
    let tenant = relais::db::tenants::by_slug(&db, "verdure")
        .await?
        .expect("demo tenant verdure");
    let today = relais::http::views::today(&tenant.time_zone);
    let default = FilterQuery::default().resolve(today);
    let all = SalesFilter::all_time();
    for (name, f) in [("default (last 30 days)", default), ("all time", all)] {
        time(&format!("dashboard, {name}"), || async {
            dashboard::dashboard(&db, tenant.id, &f)
                .await
                .expect("dashboard");
        })
        .await;
        time(&format!("map, {name}"), || async {
            map::recency(&db, tenant.id, &f, today).await.expect("map");
        })
        .await;
    }
    Ok(())
}
