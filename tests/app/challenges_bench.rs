//! Benchmark (ignored by default): recompute one challenge (5 rules, 2 tiers, caps) over
//! 1,000,000 declaration lines — facts read from the database, the engine, the reconciliation
//! and the ledger rows written. Run with
//! `cargo test --release --test app challenges_bench -- --ignored --nocapture`;
//! the figures go to docs/benchmarks.md.

use crate::challenges_support::header;
use relais::db::Db;
use relais::with_db;
use std::time::Instant;

const RESELLERS: i64 = 10_000;
const PRODUCTS: i64 = 5_000;
const LINES: i64 = 1_000_000;

async fn exec(db: &Db, sql: &str) {
    with_db!(db, p => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected())).unwrap();
}

/// Rows come from recursive counters inside the database: a million rows in a few seconds.
async fn generate(db: &Db) -> i64 {
    let t = crate::seed::tenant(db, "bench").await;
    let counter = |n: i64| {
        format!(
            "with recursive n(i) as (select 0 union all select i + 1 from n where i < {}) ",
            n - 1
        )
    };
    exec(
        db,
        &format!(
            "{} insert into organisations (name, created_at) select 'Org ' || i, 0 from n",
            counter(RESELLERS)
        ),
    )
    .await;
    let org0: i64 = with_db!(db, p => sqlx::query_scalar("select min(id) from organisations").fetch_one(p).await).unwrap();
    exec(db, &format!(
        "{} insert into resellers (tenant_id, organisation_id, code, name, reseller_type, brand_organisation, region, potential, status, created_at, updated_at) \
         select {t}, {org0} + i, 'R' || i, 'Reseller ' || i, case i % 3 when 0 then 'distributor' when 1 then 'reseller' else 'franchisee' end, \
         case i % 2 when 0 then 'mono' else 'multi' end, 'Bretagne', case i % 3 when 0 then 'A' when 1 then 'B' else 'C' end, 'active', 0, 0 from n",
        counter(RESELLERS))).await;
    exec(db, &format!(
        "{} insert into products (tenant_id, sku, name, category, list_price_cents, created_at, updated_at) \
         select {t}, 'P' || i, 'Product ' || i, 'cat' || (i % 20), 1000, 0, 0 from n", counter(PRODUCTS))).await;
    let r0: i64 =
        with_db!(db, p => sqlx::query_scalar("select min(id) from resellers").fetch_one(p).await)
            .unwrap();
    let p0: i64 =
        with_db!(db, p => sqlx::query_scalar("select min(id) from products").fetch_one(p).await)
            .unwrap();
    exec(db, &format!(
        "{} insert into declarations (tenant_id, reseller_id, status, source, created_at) select {t}, {r0} + i, 'submitted', 'form', 0 from n",
        counter(RESELLERS))).await;
    let d0: i64 = with_db!(db, p => sqlx::query_scalar("select min(id) from declarations").fetch_one(p).await).unwrap();
    // Sales spread over 2025; declared 0–29 days after the sale; 5% await review.
    exec(db, &format!(
        "{} insert into declaration_lines (tenant_id, reseller_id, declaration_id, product_id, sale_date, quantity, unit_price_cents, \
         amount_cents, customer_type, source, review_status, created_at) \
         select {t}, {r0} + (i * 7919) % {RESELLERS}, {d0} + (i * 7919) % {RESELLERS}, {p0} + (i * 104729) % {PRODUCTS}, \
         date('2025-01-01', '+' || (i % 365) || ' days'), 1 + i % 5, 2500, (1 + i % 5) * 2500, \
         case when i % 4 = 0 then 'individual' else null end, 'form', case when i % 20 = 0 then 'pending' else 'approved' end, \
         1735732800 + (i % 365) * 86400 + (i % 30) * 86400 from n",
        counter(LINES))).await;
    exec(db, "analyze").await;
    t
}

fn definition() -> relais::domain::points::def::ChallengeDef {
    serde_json::from_value(serde_json::json!({
        "id": 0, "start": "2025-01-01", "end": "2025-12-31", "version": 1, "league_mode": "type_and_potential",
        "rules": [
            { "kind": "per_unit", "points": 2, "products": { "categories": ["cat1", "cat2", "cat3", "cat4", "cat5"] } },
            { "kind": "per_amount", "points": 1, "per_cents": 1000 },
            { "kind": "quality", "points": 3, "requires": "either" },
            { "kind": "timeliness", "points": 2, "within_days": 7 },
            { "kind": "multiplier", "factor_permille": 1500, "segment": { "brand_organisations": ["Multi"] } }
        ],
        "tiers": { "basis": "units", "cumulative": true, "payout": "all_sales",
                   "levels": [ { "threshold": 200, "bonus": 1 }, { "threshold": 400, "bonus": 2 } ] },
        "caps": { "per_participant": 20000, "per_participant_month": 2500, "budget": 20000000 }
    }))
    .unwrap()
}

#[tokio::test]
#[ignore]
async fn challenges_bench_recompute_a_million_lines() {
    // Phase timings of each recomputation (facts, engine, ledger read, reconcile, explain, insert).
    let _ = tracing_subscriber::fmt()
        .with_env_filter("relais::challenges=debug")
        .try_init();
    // RELAIS_BENCH_DIR keeps the database afterwards, to look at query plans.
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("RELAIS_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().to_path_buf());
    let (db, _) = crate::helpers::fresh_db(&path).await;
    let started = Instant::now();
    let t = generate(&db).await;
    println!(
        "generated {LINES} lines in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let id = relais::challenges::create(&db, t, None, &header("Bench"), &definition())
        .await
        .unwrap();
    let started = Instant::now();
    relais::challenges::launch(&db, t, id, None).await.unwrap();
    let first = started.elapsed();
    let entries: i64 = with_db!(&db, p => sqlx::query_scalar("select count(*) from points_entries").fetch_one(p).await).unwrap();
    println!(
        "first recomputation (empty ledger, {entries} entries written): {:.2} s",
        first.as_secs_f64()
    );
    for _ in 0..2 {
        let started = Instant::now();
        let done = relais::challenges::recompute(&db, t, id).await.unwrap();
        println!(
            "recomputation with the ledger up to date ({} lines read, {} appended): {:.2} s",
            done.lines,
            done.appended,
            started.elapsed().as_secs_f64()
        );
        assert_eq!(done.appended, 0);
    }
    // A review session's worth of changes: 1% of the lines rejected, 1% of the pending approved.
    exec(&db, "update declaration_lines set review_status = 'rejected', review_reason = 'bench' where id % 100 = 1").await;
    exec(&db, "update declaration_lines set review_status = 'approved' where review_status = 'pending' and id % 100 = 2").await;
    let started = Instant::now();
    let done = relais::challenges::recompute(&db, t, id).await.unwrap();
    println!(
        "recomputation after 1% of the lines changed review status ({} appended): {:.2} s",
        done.appended,
        started.elapsed().as_secs_f64()
    );
    let mut def = definition();
    def.rules[0].kind = relais::domain::points::def::RuleKind::PerUnit { points: 3 };
    let started = Instant::now();
    relais::challenges::save(&db, t, id, None, &header("Bench"), &def)
        .await
        .unwrap();
    println!(
        "new version (reverse all, book all): {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
