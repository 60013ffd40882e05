//! Benchmark (ignored by default): the weekly digests of a tenant with 5,000 resellers and 50
//! channel managers. Run with
//! `cargo test --release --test app jobs_bench -- --ignored --nocapture`
//! (add RELAIS_TEST_POSTGRES_URL for PostgreSQL); the figures go to docs/benchmarks.md.

use crate::helpers::spawn_app_with;
use crate::jobs_data::monday_digest;
use chrono::{Duration, NaiveDate};
use relais::db::Db;
use relais::jobs_app::{manager_digest, AppJobs};
use relais::with_db;
use relais_jobs::JobContext;
use std::time::Instant;

const RESELLERS: i64 = 5_000;
const MANAGERS: i64 = 50;
/// Declarations per reseller (one a month) and lines per declaration.
const DECLARATIONS: i64 = 8;
const LINES: i64 = 20;
const PRODUCTS: i64 = 200;

async fn exec(db: &Db, sql: String) {
    with_db!(db, p => sqlx::query(&sql).execute(p).await.map(|r| r.rows_affected())).unwrap();
}

/// Rows are generated here, so values are written inline: multi-row inserts of 500 rows.
async fn insert_rows(db: &Db, head: &str, rows: Vec<String>) {
    for chunk in rows.chunks(500) {
        exec(db, format!("{head} values {}", chunk.join(","))).await;
    }
}

async fn generate(db: &Db) -> i64 {
    let now = relais::db::now();
    let t = crate::seed::tenant(db, "bench").await;
    let digest_day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let digest_ts = monday_digest().timestamp();
    insert_rows(
        db,
        "insert into users (email, name, role, tenant_id, created_at)",
        (0..MANAGERS)
            .map(|m| format!("('manager{m}@bench.example', 'Manager {m}', 'manager', {t}, {now})"))
            .collect(),
    )
    .await;
    let first_manager: i64 =
        with_db!(db, p => sqlx::query_scalar("select min(id) from users where tenant_id = $1")
        .bind(t).fetch_one(p).await)
        .unwrap();
    insert_rows(
        db,
        "insert into products (tenant_id, sku, name, list_price_cents, created_at, updated_at)",
        (0..PRODUCTS)
            .map(|i| {
                format!(
                    "({t}, 'SKU-{i:04}', 'Product {i}', {}, {now}, {now})",
                    1000 + i * 37
                )
            })
            .collect(),
    )
    .await;
    let first_product: i64 =
        with_db!(db, p => sqlx::query_scalar("select min(id) from products where tenant_id = $1")
        .bind(t).fetch_one(p).await)
        .unwrap();
    insert_rows(
        db,
        "insert into organisations (name, created_at)",
        (0..RESELLERS)
            .map(|i| format!("('Org {i}', {now})"))
            .collect(),
    )
    .await;
    let first_org: i64 = with_db!(db, p => sqlx::query_scalar("select min(id) from organisations").fetch_one(p).await).unwrap();
    insert_rows(db, "insert into resellers (tenant_id, organisation_id, code, name, reseller_type, brand_organisation, manager_id, created_at, updated_at)",
        (0..RESELLERS).map(|i| format!("({t}, {}, 'R{i:05}', 'Reseller {i}', 'reseller', 'multi', {}, {now}, {now})",
            first_org + i, first_manager + i % MANAGERS)).collect()).await;
    insert_rows(
        db,
        "insert into users (email, role, organisation_id, created_at)",
        (0..RESELLERS)
            .map(|i| {
                format!(
                    "('reseller{i}@bench.example', 'reseller', {}, {now})",
                    first_org + i
                )
            })
            .collect(),
    )
    .await;
    let first_reseller: i64 =
        with_db!(db, p => sqlx::query_scalar("select min(id) from resellers where tenant_id = $1")
        .bind(t).fetch_one(p).await)
        .unwrap();

    let mut lines = 0;
    for batch in 0..(RESELLERS / 500) {
        let (mut decls, mut rows) = (Vec::new(), Vec::new());
        for i in batch * 500..(batch + 1) * 500 {
            let r = first_reseller + i;
            // Each reseller stops declaring some days before the digest: some turn yellow or
            // red this week, some fall behind their cadence.
            let stop = i % 200;
            for k in 0..DECLARATIONS {
                let day = digest_day - Duration::days(stop + 30 * k + 3);
                decls.push(format!(
                    "({t}, {r}, '{day}', '{day}', 'submitted', 'file', {}, {})",
                    digest_ts - (stop + 30 * k) * 86400,
                    digest_ts - (stop + 30 * k) * 86400
                ));
            }
        }
        let after: i64 =
            with_db!(db, p => sqlx::query_scalar("select coalesce(max(id), 0) from declarations")
            .fetch_one(p).await)
            .unwrap();
        insert_rows(db, "insert into declarations (tenant_id, reseller_id, period_start, period_end, status, source, created_at, submitted_at)", decls).await;
        let ids: Vec<i64> = with_db!(db, p => sqlx::query_scalar("select id from declarations where id > $1 order by id")
            .bind(after).fetch_all(p).await).unwrap();
        for (n, i) in (batch * 500..(batch + 1) * 500).enumerate() {
            let r = first_reseller + i;
            let stop = i % 200;
            for k in 0..DECLARATIONS {
                let decl = ids[n * DECLARATIONS as usize + k as usize];
                let declared = digest_ts - (stop + 30 * k) * 86400;
                for l in 0..LINES {
                    let day = digest_day - Duration::days(stop + 30 * k + 3 + l % 25);
                    let product = first_product + (i * 7 + l * 13 + k) % PRODUCTS;
                    let qty = 1 + (i + l) % 5;
                    let amount = qty * (1000 + (l * 37) % 5000) * (if k < 2 { 1 } else { 2 });
                    let (status, reason, reviewed) = match (i + l) % 50 {
                        0 => ("'pending'", "null".to_string(), "null".to_string()),
                        1 => (
                            "'rejected'",
                            "'Unknown product code'".to_string(),
                            (digest_ts - 86400).to_string(),
                        ),
                        _ => ("'approved'", "null".to_string(), "null".to_string()),
                    };
                    rows.push(format!("({t}, {r}, {decl}, {product}, '{day}', {qty}, {}, {amount}, 'file', {status}, {reason}, {reviewed}, {declared})", amount / qty));
                }
            }
        }
        lines += rows.len() as i64;
        insert_rows(db, "insert into declaration_lines (tenant_id, reseller_id, declaration_id, product_id, sale_date, quantity, \
             unit_price_cents, amount_cents, source, review_status, review_reason, reviewed_at, created_at)", rows).await;
    }
    lines
}

#[tokio::test]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn jobs_bench_weekly_digests_for_5000_resellers_and_50_managers() {
    let app = spawn_app_with(|s| s.jobs.mail_per_second = 0.0).await;
    let started = Instant::now();
    let lines = generate(&app.db).await;
    let backend = if app.db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}: generated {RESELLERS} resellers, {MANAGERS} managers, {lines} lines in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let jobs = AppJobs::new(app.state.clone());
    let tenant = relais::db::tenants::by_slug(&app.db, "bench")
        .await
        .unwrap()
        .unwrap();
    let at = monday_digest();

    let t0 = Instant::now();
    let built = manager_digest::build(
        &jobs,
        &tenant,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        at,
    )
    .await
    .unwrap();
    let build_secs = t0.elapsed().as_secs_f64();
    assert_eq!(built.len() as i64, MANAGERS);
    let items = built
        .iter()
        .filter(|p| p.email.text.contains("/network/R"))
        .count();
    println!("manager digests built (queries + rendering, no sending): {} in {build_secs:.2} s ({items} with reseller items)", built.len());

    let t1 = Instant::now();
    let managers = jobs.run_job("manager-digest", "bench", at).await.unwrap();
    let manager_secs = t1.elapsed().as_secs_f64();
    println!("manager-digest job, sent to the file outbox: {managers:?} in {manager_secs:.2} s");

    let t2 = Instant::now();
    let resellers = jobs.run_job("reseller-digest", "bench", at).await.unwrap();
    let reseller_secs = t2.elapsed().as_secs_f64();
    println!("reseller-digest job, sent to the file outbox: {resellers:?} in {reseller_secs:.2} s");

    let t3 = Instant::now();
    let reminders = jobs
        .run_job("declaration-reminders", "bench", at + Duration::days(7))
        .await
        .unwrap();
    println!(
        "declaration-reminders job on 30 November: {reminders:?} in {:.2} s",
        t3.elapsed().as_secs_f64()
    );
    assert!(
        manager_secs + reseller_secs < 30.0,
        "the weekly digests take under 30 s"
    );
}
