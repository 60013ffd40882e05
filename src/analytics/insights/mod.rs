//! The data behind the reseller profile, the action lists (`/insights/…`) and a reseller's own
//! `/my/insights`: queries over approved lines and the roll-ups, handed to the pure
//! computations in [`super::compute`].
//!
//! Every query starts from [`SalesFilter::conditions`], so the tenant comes first and the
//! filters mean the same as on the dashboard. Queries that need line detail (declarations,
//! customers, prices, feedback) read [`LINES`], the approved lines shaped like a roll-up (`s`
//! with `day`), so the same conditions apply to them.

pub mod cadence;
pub mod catalogue;
pub mod cross_sell;
pub mod declining;
pub mod feedback;
pub mod profile;

use super::filter::SalesFilter;
use crate::db::{Db, Where};
use crate::{bind_params, with_db};
use std::collections::HashMap;

/// Approved declaration lines as `s` (the sale date as `day`, unknown customer type and
/// channel as `''`, like the roll-ups), with their reseller `r` and product `p`.
pub(crate) const LINES: &str = "(select l.id, l.tenant_id, l.reseller_id, l.product_id, \
     l.declaration_id, l.sale_date as day, l.quantity, l.unit_price_cents, l.amount_cents, \
     coalesce(l.customer_type, '') as customer_type, coalesce(l.channel, '') as channel, \
     l.source, l.customer_hash, l.feedback, l.rating \
     from declaration_lines l where l.review_status = 'approved') s \
     join resellers r on r.id = s.reseller_id join products p on p.id = s.product_id";

/// A reseller as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct ResellerLabel {
    pub code: String,
    pub name: String,
    pub id: i64,
}

/// The tenant's resellers by id.
pub async fn reseller_labels(
    db: &Db,
    tenant_id: i64,
) -> Result<HashMap<i64, ResellerLabel>, sqlx::Error> {
    let rows: Vec<ResellerLabel> = with_db!(db, p => sqlx::query_as(
        "select code, name, id from resellers where tenant_id = $1")
        .bind(tenant_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// `filter`'s conditions (its own period included) for a query over [`LINES`].
pub(crate) fn line_conditions(tenant_id: i64, filter: &SalesFilter) -> Where {
    filter.conditions(tenant_id, filter.period)
}

/// Runs `select … from LINES where {w} {tail}` and returns its rows.
pub(crate) async fn over_lines<R>(
    db: &Db,
    select: &str,
    w: &Where,
    tail: &str,
) -> Result<Vec<R>, sqlx::Error>
where
    R: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let sql = format!("{select} from {LINES} where {} {tail}", w.sql());
    with_db!(db, p => bind_params!(sqlx::query_as::<_, R>(&sql), w.params).fetch_all(p).await)
}
