//! The roll-ups against a direct aggregation of the lines, on the fixed dataset of `analytics`.

use crate::analytics::{d, fixture};
use crate::helpers::spawn_app;
use relais::analytics::rollup::Scope;
use relais::db::analytics::rollup;
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

/// Commits a file of `(day, sku, quantity, customer type, channel)` rows for R1 as the
/// CLI does, on 2026-03-31 (so March sales are recent and approved).
async fn commit_file(
    db: &Db,
    tenant: i64,
    reseller: i64,
    rows: &[(&str, &str, i64, &str, &str)],
    overlap: relais::declarations::Overlap,
) -> relais::declarations::Report {
    use relais::declarations::{commit::commit_import, pipeline::Input, Request};
    use relais::domain::network::Source;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Date", "SKU", "Qté", "Type client", "Canal"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (i, (day, sku, q, customer, channel)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, *day).unwrap();
        ws.write(r, 1, *sku).unwrap();
        ws.write(r, 2, *q as f64).unwrap();
        ws.write(r, 3, *customer).unwrap();
        ws.write(r, 4, *channel).unwrap();
    }
    let req = Request {
        tenant_id: tenant,
        currency: "EUR".into(),
        reseller_id: reseller,
        user_id: None,
        source: Source::File,
        input: Input::File {
            filename: "sales.xlsx".into(),
            bytes: std::sync::Arc::new(wb.save_to_buffer().unwrap()),
        },
        period: None,
        mapping: Vec::new(),
        sheet: None,
        overlap,
        today: d("2026-03-31"),
        lang: "en".into(),
        reader: crate::helpers::test_reader(),
    };
    commit_import(db, "secret", &req, None, None).await.unwrap()
}

#[tokio::test]
async fn analytics_rollup_follows_imports_that_add_or_replace_lines() {
    use relais::declarations::{Overlap, Status};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let db = &app.db;
    // Days and keys that already have rows (R1's P2 business/online file line of 10 March, the
    // monthly rows of March) get the new sums added; blank customer types and channels are ''.
    let report = commit_file(
        db,
        f.alpha,
        f.r1,
        &[
            ("2026-03-10", "P2", 2, "Entreprise", "En ligne"),
            ("2026-03-10", "P2", 3, "Entreprise", "En ligne"),
            ("2026-03-10", "P1", 1, "", ""),
            ("2026-03-11", "P3", 4, "Particulier", "Magasin"),
            ("2026-02-27", "P1", 1, "Paysagiste", ""),
        ],
        Overlap::Add,
    )
    .await;
    assert_eq!((report.status, report.accepted), (Status::Committed, 5));
    assert_eq!(rolled(db, f.alpha).await, direct(db, f.alpha).await);
    narrow_consistent(db, f.alpha).await;
    // A second file over the same days, added, then one that replaces the period.
    commit_file(
        db,
        f.alpha,
        f.r1,
        &[("2026-03-10", "P2", 1, "Entreprise", "En ligne")],
        Overlap::Add,
    )
    .await;
    assert_eq!(rolled(db, f.alpha).await, direct(db, f.alpha).await);
    narrow_consistent(db, f.alpha).await;
    let report = commit_file(
        db,
        f.alpha,
        f.r1,
        &[
            ("2026-03-05", "P1", 7, "Particulier", "Magasin"),
            ("2026-03-12", "P3", 1, "", "Magasin"),
        ],
        Overlap::Replace,
    )
    .await;
    assert!(report.replaced_lines > 0, "{report:?}");
    assert_eq!(rolled(db, f.alpha).await, direct(db, f.alpha).await);
    narrow_consistent(db, f.alpha).await;
    // The other tenant is untouched, and a rebuild finds nothing to change.
    assert_eq!(rolled(db, f.beta).await, direct(db, f.beta).await);
    let before = rolled(db, f.alpha).await;
    rollup::rebuild(db, f.alpha).await.unwrap();
    assert_eq!(rolled(db, f.alpha).await, before);
}
