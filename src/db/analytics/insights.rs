//! The reads behind the reseller profile, the action lists (`/insights/…`), a reseller's own
//! `/my/insights` and the map, beside the roll-up sums of [`super::sales`]. Every query starts
//! from [`super::conditions`], so the tenant comes first and the filters mean the same as on
//! the dashboard. Queries that need line detail (declarations, customers, prices, feedback)
//! read [`LINES`], the approved lines shaped like a roll-up (`s` with `day`), so the same
//! conditions apply to them.

use super::conditions;
use crate::analytics::filter::SalesFilter;
use crate::db::{Db, Param, Where};
use crate::{bind_params, with_db};
use chrono::NaiveDate;

/// Approved declaration lines as `s` (the sale date as `day`, unknown customer type and
/// channel as `''`, like the roll-ups), with their reseller `r` and product `p`.
const LINES: &str = "(select l.id, l.tenant_id, l.reseller_id, l.product_id, \
     l.declaration_id, l.sale_date as day, l.quantity, l.unit_price_cents, l.amount_cents, \
     coalesce(l.customer_type, '') as customer_type, coalesce(l.channel, '') as channel, \
     l.source, l.customer_hash, l.feedback, l.rating \
     from declaration_lines l where l.review_status = 'approved') s \
     join resellers r on r.id = s.reseller_id join products p on p.id = s.product_id";

/// `filter`'s conditions (its own period included) for a query over [`LINES`].
fn line_conditions(tenant_id: i64, filter: &SalesFilter) -> Where {
    conditions(filter, tenant_id, filter.period)
}

/// Runs `select … from LINES where {w} {tail}` and returns its rows.
async fn over_lines<R>(db: &Db, select: &str, w: &Where, tail: &str) -> Result<Vec<R>, sqlx::Error>
where
    R: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let sql = format!("{select} from {LINES} where {} {tail}", w.sql());
    with_db!(db, p => bind_params!(sqlx::query_as::<_, R>(&sql), w.params).fetch_all(p).await)
}

/// Distinct declarations with approved lines matching the filter.
pub async fn declarations(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<i64, sqlx::Error> {
    let w = line_conditions(tenant_id, filter);
    let rows: Vec<(i64,)> =
        over_lines(db, "select count(distinct s.declaration_id)", &w, "").await?;
    Ok(rows.first().map_or(0, |d| d.0))
}

/// `(reseller, created_at)` of the submitted declarations holding at least one approved line,
/// by reseller then time. Only the reseller attributes of `filter` may be set (the caller
/// keeps those): they are the conditions on `r`, with the declaration as `s`.
pub async fn declarations_with_approved_lines(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let w = conditions(filter, tenant_id, None);
    let sql = format!(
        "select s.reseller_id, s.created_at from declarations s join resellers r on r.id = s.reseller_id \
         where {} and s.status = 'submitted' and exists (select 1 from declaration_lines l \
         where l.declaration_id = s.id and l.review_status = 'approved') order by s.reseller_id, s.created_at",
        w.sql()
    );
    with_db!(db, p => bind_params!(sqlx::query_as(&sql), w.params).fetch_all(p).await)
}

/// A product's ratings and comments over the filter.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProductRatings {
    pub sku: String,
    pub name: String,
    /// Lines with a rating.
    pub ratings: i64,
    pub rating_sum: i64,
    /// Lines with a written comment.
    pub comments: i64,
    pub stars_1: i64,
    pub stars_2: i64,
    pub stars_3: i64,
    pub stars_4: i64,
    pub stars_5: i64,
}

impl ProductRatings {
    pub fn average(&self) -> Option<f64> {
        (self.ratings > 0).then(|| self.rating_sum as f64 / self.ratings as f64)
    }
}

/// Ratings per product over the lines with a rating or a comment (in no particular order).
pub async fn product_ratings(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Vec<ProductRatings>, sqlx::Error> {
    let mut w = line_conditions(tenant_id, filter);
    w.and_raw("(s.rating is not null or coalesce(s.feedback, '') <> '')");
    let star = |n: u8| {
        format!("cast(sum(case when s.rating = {n} then 1 else 0 end) as bigint) as stars_{n}")
    };
    let select = format!(
        "select p.sku, p.name, count(s.rating) as ratings, cast(coalesce(sum(s.rating), 0) as bigint) as rating_sum, \
         cast(sum(case when coalesce(s.feedback, '') <> '' then 1 else 0 end) as bigint) as comments, {}",
        (1..=5).map(star).collect::<Vec<_>>().join(", ")
    );
    over_lines(db, &select, &w, "group by p.sku, p.name").await
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    pub day: NaiveDate,
    pub reseller_code: String,
    pub reseller_name: String,
    pub sku: String,
    pub product_name: String,
    pub rating: Option<i64>,
    pub feedback: String,
}

/// The latest `limit` comments containing `search` (case-insensitive; empty: all), newest first.
pub async fn comments(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    search: &str,
    limit: i64,
) -> Result<Vec<Comment>, sqlx::Error> {
    let mut w = line_conditions(tenant_id, filter);
    w.and_raw("coalesce(s.feedback, '') <> ''");
    let search = search.trim();
    if !search.is_empty() {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        w.and(
            "lower(s.feedback) like {} escape '\\'",
            Param::Text(format!("%{escaped}%")),
        );
    }
    let tail = format!("order by s.day desc, s.id desc limit {limit}");
    over_lines(
        db,
        "select s.day, r.code as reseller_code, r.name as reseller_name, p.sku, p.name as product_name, \
         s.rating, s.feedback",
        &w,
        &tail,
    )
    .await
}

/// The quantity of a product sold on a day at one unit price.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PricePoint {
    pub product_id: i64,
    pub day: NaiveDate,
    pub unit_price_cents: i64,
    pub quantity: i64,
}

/// Quantities per product, day and unit price over the filter.
pub async fn price_points(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Vec<PricePoint>, sqlx::Error> {
    let w = line_conditions(tenant_id, filter);
    over_lines(
        db,
        "select s.product_id, s.day, s.unit_price_cents, cast(sum(s.quantity) as bigint) as quantity",
        &w,
        "group by s.product_id, s.day, s.unit_price_cents",
    )
    .await
}

/// A known customer's purchase of a product.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Purchase {
    pub customer_hash: String,
    pub product_id: i64,
    pub reseller_id: i64,
    pub day: NaiveDate,
}

/// The purchases over the filter whose customer is known (by its hash).
pub async fn purchases(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Vec<Purchase>, sqlx::Error> {
    let mut w = line_conditions(tenant_id, filter);
    w.and_raw("coalesce(s.customer_hash, '') <> ''");
    over_lines(
        db,
        "select s.customer_hash, s.product_id, s.reseller_id, s.day",
        &w,
        "",
    )
    .await
}

/// A reseller as the map places it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MapRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub region: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub status: String,
}

/// The resellers matching `filter`, by code. Only the reseller attributes of `filter` may be
/// set (the caller keeps those): they apply to the reseller row itself.
pub async fn map_resellers(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Vec<MapRow>, sqlx::Error> {
    let w = conditions(filter, tenant_id, None);
    let w_sql = w
        .sql()
        .replace("s.reseller_id", "r.id")
        .replace("s.tenant_id", "r.tenant_id");
    let sql = format!(
        "select r.id, r.code, r.name, r.city, r.region, r.latitude, r.longitude, r.status \
         from resellers r where {w_sql} order by r.code"
    );
    with_db!(db, p => bind_params!(sqlx::query_as::<_, MapRow>(&sql), w.params).fetch_all(p).await)
}

/// A reseller as a peer in a benchmark.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Peer {
    pub id: i64,
    pub reseller_type: String,
    pub potential: String,
}

/// The active resellers of the tenant, and `reseller_id` whatever its status.
pub async fn peers(db: &Db, tenant_id: i64, reseller_id: i64) -> Result<Vec<Peer>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select id, reseller_type, potential from resellers where tenant_id = $1 and (status = 'active' or id = $2)")
        .bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}
