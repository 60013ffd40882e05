//! Test data for the jobs: a tenant with two channel managers, their resellers, and declared
//! lines placed at fixed dates around the digest of Monday 2026-11-23.

use crate::seed;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use relais::db::Db;
use relais::with_db;

/// Monday 2026-11-23 07:00 in Paris (winter time, UTC+1).
pub fn monday_digest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap()
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn ts(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

pub struct Network {
    pub tenant_id: i64,
    pub manager_a: i64,
    pub manager_b: i64,
    /// R-A1 (turns yellow) and R-A2 (lines awaiting review, one rejected) belong to manager A;
    /// R-B1 (turns red) to manager B.
    pub a1: i64,
    pub a2: i64,
    pub b1: i64,
    pub a1_user: i64,
    pub a2_user: i64,
    pub product: i64,
}

pub async fn set_manager(db: &Db, reseller: i64, manager: i64) {
    with_db!(db, p => sqlx::query("update resellers set manager_id = $1 where id = $2")
        .bind(manager).bind(reseller).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
}

pub async fn product(db: &Db, tenant: i64, sku: &str, name: &str) -> i64 {
    with_db!(db, p => sqlx::query_scalar::<_, i64>(
        "insert into products (tenant_id, sku, name, list_price_cents, created_at, updated_at) \
         values ($1, $2, $3, 1000, 0, 0) returning id")
        .bind(tenant).bind(sku).bind(name).fetch_one(p).await)
    .unwrap()
}

/// A submitted declaration with one line; returns the line id.
#[allow(clippy::too_many_arguments)]
pub async fn line(
    db: &Db,
    tenant: i64,
    reseller: i64,
    product: i64,
    sale: &str,
    amount_cents: i64,
    declared_at: i64,
    review: (&str, Option<&str>, Option<i64>),
) -> i64 {
    let sale = d(sale);
    let decl: i64 = with_db!(db, p => sqlx::query_scalar(
        "insert into declarations (tenant_id, reseller_id, period_start, period_end, status, source, created_at, submitted_at) \
         values ($1, $2, $3, $3, 'submitted', 'form', $4, $4) returning id")
        .bind(tenant).bind(reseller).bind(sale).bind(declared_at).fetch_one(p).await).unwrap();
    let (status, reason, reviewed_at) = review;
    with_db!(db, p => sqlx::query_scalar::<_, i64>(
        "insert into declaration_lines (tenant_id, reseller_id, declaration_id, product_id, sale_date, quantity, \
         unit_price_cents, amount_cents, source, review_status, review_reason, reviewed_at, created_at) \
         values ($1, $2, $3, $4, $5, 2, $6, $7, 'form', $8, $9, $10, $11) returning id")
        .bind(tenant).bind(reseller).bind(decl).bind(product).bind(sale).bind(amount_cents / 2).bind(amount_cents)
        .bind(status).bind(reason).bind(reviewed_at).bind(declared_at).fetch_one(p).await).unwrap()
}

pub const APPROVED: (&str, Option<&str>, Option<i64>) = ("approved", None, None);

pub async fn network(db: &Db) -> Network {
    let t = seed::tenant(db, "alpha").await;
    let manager_a = seed::user(db, "a.manager@test.example", "manager", t, None).await;
    let manager_b = seed::user(db, "b.manager@test.example", "manager", t, None).await;
    seed::user(db, "admin@test.example", "admin", t, None).await;
    let (a1, oa1) = seed::reseller(db, t, "R-A1", None).await;
    let (a2, oa2) = seed::reseller(db, t, "R-A2", None).await;
    let (b1, _) = seed::reseller(db, t, "R-B1", None).await;
    for (r, m) in [(a1, manager_a), (a2, manager_a), (b1, manager_b)] {
        set_manager(db, r, m).await;
    }
    let a1_user = seed::user(db, "a1.reseller@test.example", "reseller", t, Some(oa1)).await;
    let a2_user = seed::user(db, "a2.reseller@test.example", "reseller", t, Some(oa2)).await;
    let product = product(db, t, "SAW-1", "Pruning saw").await;
    let old = ts("2026-10-01T10:00:00Z");
    // R-A1: last sale 20 September: green a week ago, yellow on the 23rd of November.
    line(db, t, a1, product, "2026-09-20", 50_000, old, APPROVED).await;
    // R-B1: last sale 20 July: yellow a week ago, red now.
    line(db, t, b1, product, "2026-07-20", 70_000, old, APPROVED).await;
    // R-A2: declared last week, two lines awaiting review and one rejected with its reason.
    let last_week = ts("2026-11-18T10:00:00Z");
    line(
        db,
        t,
        a2,
        product,
        "2026-11-17",
        12_000,
        last_week,
        ("pending", None, None),
    )
    .await;
    line(
        db,
        t,
        a2,
        product,
        "2026-11-18",
        8_000,
        last_week,
        ("pending", None, None),
    )
    .await;
    line(
        db,
        t,
        a2,
        product,
        "2026-11-16",
        4_000,
        last_week,
        (
            "rejected",
            Some("Duplicate of invoice F-42"),
            Some(ts("2026-11-19T09:00:00Z")),
        ),
    )
    .await;
    Network {
        tenant_id: t,
        manager_a,
        manager_b,
        a1,
        a2,
        b1,
        a1_user,
        a2_user,
        product,
    }
}
