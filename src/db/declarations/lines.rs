//! Reads over declaration lines named by id (those a review decided, those whose points
//! changed). Ids are our own integers, written into the statement in chunks: no bound-value
//! limit to mind, and `persistent(false)` keeps each one-off list out of the statement cache.

use super::super::points::id_list;
use super::super::Tx;
use crate::with_tx;
use chrono::NaiveDate;

/// Ids per statement.
const CHUNK: usize = 500;

/// Per reseller, the first and last sale dates of the lines (one row per reseller and chunk of
/// ids: a reseller may come back once per chunk).
pub async fn line_date_spans(
    tx: &mut Tx,
    tenant_id: i64,
    line_ids: &[i64],
) -> Result<Vec<(i64, NaiveDate, NaiveDate)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in line_ids.chunks(CHUNK) {
        let sql = format!(
            "select reseller_id, min(sale_date), max(sale_date) from declaration_lines \
             where tenant_id = $1 and id in ({}) group by reseller_id",
            id_list(chunk)
        );
        out.extend(
            with_tx!(tx, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate)>(&sql)
                .persistent(false).bind(tenant_id).fetch_all(c).await)?,
        );
    }
    Ok(out)
}

/// `(id, review status, review reason)` of the lines.
pub async fn review_statuses(
    tx: &mut Tx,
    tenant_id: i64,
    line_ids: &[i64],
) -> Result<Vec<(i64, String, Option<String>)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in line_ids.chunks(CHUNK) {
        let sql = format!(
            "select id, review_status, review_reason from declaration_lines where tenant_id = $1 and id in ({})",
            id_list(chunk)
        );
        out.extend(
            with_tx!(tx, c => sqlx::query_as::<_, (i64, String, Option<String>)>(&sql)
                .persistent(false).bind(tenant_id).fetch_all(c).await)?,
        );
    }
    Ok(out)
}
