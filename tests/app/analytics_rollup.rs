//! The roll-ups against a direct aggregation of the lines, on the fixed dataset of `analytics`.

use crate::analytics::{d, fixture};
use crate::helpers::spawn_app;
use relais::analytics::rollup::{self, Scope};
use relais::db::{self, Db};

/// Sums per (day, reseller, product, customer, channel, source) straight from the lines.
async fn direct(
    db: &Db,
    tenant: i64,
) -> Vec<(String, i64, i64, String, String, String, i64, i64, i64)> {
    let sql = "select cast(sale_date as text), reseller_id, product_id, coalesce(customer_type, ''), coalesce(channel, ''), source, \
               cast(sum(quantity) as bigint), cast(sum(amount_cents) as bigint), count(*) from declaration_lines \
               where tenant_id = $1 and review_status = 'approved' group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6";
    relais::with_db!(db, p => sqlx::query_as(sql).bind(tenant).fetch_all(p).await).unwrap()
}

async fn rolled(
    db: &Db,
    tenant: i64,
) -> Vec<(String, i64, i64, String, String, String, i64, i64, i64)> {
    let sql = "select cast(day as text), reseller_id, product_id, customer_type, channel, source, quantity, amount_cents, lines \
               from sales_daily where tenant_id = $1 order by 1, 2, 3, 4, 5, 6";
    relais::with_db!(db, p => sqlx::query_as(sql).bind(tenant).fetch_all(p).await).unwrap()
}

/// The narrower and coarser roll-ups must equal `sales_daily` summed up.
async fn narrow_consistent(db: &Db, tenant: i64) {
    let month = if db.is_postgres() {
        "cast(date_trunc('month', day) as date)"
    } else {
        "substr(day, 1, 8) || '01'"
    };
    for (table, keys, grouped) in [
        (
            "sales_daily_reseller",
            "day, reseller_id, source".to_string(),
            None,
        ),
        (
            "sales_daily_product",
            "day, product_id, source".to_string(),
            None,
        ),
        ("sales_daily_total", "day, source".to_string(), None),
        (
            "sales_monthly_reseller",
            "day, reseller_id, source".to_string(),
            Some(format!("{month}, reseller_id, source")),
        ),
        (
            "sales_monthly_product",
            "day, product_id, source".to_string(),
            Some(format!("{month}, product_id, source")),
        ),
    ] {
        let from_lines = grouped.unwrap_or_else(|| keys.clone());
        let sql = format!(
            "select count(*) from (select {from_lines}, cast(sum(quantity) as bigint) q, cast(sum(amount_cents) as bigint) a, cast(sum(lines) as bigint) n \
             from sales_daily where tenant_id = $1 group by {from_lines} \
             except select {keys}, quantity, amount_cents, lines from {table} where tenant_id = $1) x"
        );
        let missing: i64 =
            relais::with_db!(db, p => sqlx::query_scalar(&sql).bind(tenant).fetch_one(p).await)
                .unwrap();
        let sql = format!("select count(*) from {table} where tenant_id = $1");
        let rows: i64 =
            relais::with_db!(db, p => sqlx::query_scalar(&sql).bind(tenant).fetch_one(p).await)
                .unwrap();
        let sql = format!(
            "select count(*) from (select distinct {from_lines} from sales_daily where tenant_id = $1) x"
        );
        let expected: i64 =
            relais::with_db!(db, p => sqlx::query_scalar(&sql).bind(tenant).fetch_one(p).await)
                .unwrap();
        assert_eq!(
            (missing, rows),
            (0, expected),
            "{table} differs from sales_daily"
        );
    }
}

#[tokio::test]
async fn analytics_rollup_equals_direct_aggregation_after_inserts_and_withdrawals() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let db = &app.db;
    assert_eq!(rolled(db, f.alpha).await, direct(db, f.alpha).await);
    narrow_consistent(db, f.alpha).await;
    // A replaced period: R1's March lines withdrawn, then a review approves the pending line.
    let mut tx = db.begin().await.unwrap();
    db::declarations::withdraw_period(
        &mut tx,
        f.alpha,
        f.r1,
        d("2026-03-01"),
        d("2026-03-10"),
        0,
        "test",
    )
    .await
    .unwrap();
    rollup::apply(
        &mut tx,
        f.alpha,
        Scope::Range {
            reseller_id: f.r1,
            from: d("2026-03-01"),
            to: d("2026-03-10"),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let pending: Vec<i64> = relais::with_db!(db, p => sqlx::query_scalar("select id from declaration_lines where review_status = 'pending'").fetch_all(p).await).unwrap();
    let mut tx = db.begin().await.unwrap();
    db::declarations::review_lines(&mut tx, f.alpha, &pending, "approved", None, f.m1)
        .await
        .unwrap();
    rollup::apply(&mut tx, f.alpha, Scope::Lines(&pending))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rolled(db, f.alpha).await, direct(db, f.alpha).await);
    narrow_consistent(db, f.alpha).await;
    // Applying twice changes nothing; a rebuild gives the same rows.
    let mut tx = db.begin().await.unwrap();
    rollup::apply(
        &mut tx,
        f.alpha,
        Scope::Range {
            reseller_id: f.r2,
            from: d("2025-01-01"),
            to: d("2026-12-31"),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before = rolled(db, f.alpha).await;
    rollup::rebuild(db, f.alpha).await.unwrap();
    assert_eq!(rolled(db, f.alpha).await, before);
    narrow_consistent(db, f.alpha).await;
    assert_eq!(rolled(db, f.beta).await, direct(db, f.beta).await);
}
