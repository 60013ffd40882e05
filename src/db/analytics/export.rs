//! The lines of `relais export lines`, streamed from the database one row at a time so that
//! memory stays flat whatever their number.

use crate::db::Db;
use crate::with_db;
use chrono::NaiveDate;
use futures::TryStreamExt;

/// An approved line with its reseller and product attributes.
#[derive(Debug, sqlx::FromRow)]
pub struct ExportRow {
    pub sale_date: NaiveDate,
    pub reseller_code: String,
    pub sku: String,
    pub category: String,
    pub quantity: i64,
    pub amount_cents: i64,
    pub region: String,
    pub reseller_type: String,
    pub manager_email: Option<String>,
    pub customer_type: Option<String>,
    pub channel: Option<String>,
    pub source: String,
    pub reseller_name: String,
    pub product_name: String,
    pub unit_price_cents: i64,
    pub brand_organisation: String,
    pub potential: String,
}

/// Hands every approved line of the tenant sold in `[from, to]` to `each`, by sale date, and
/// returns how many there were; the first error of `each` stops the export.
pub async fn approved_lines(
    db: &Db,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    mut each: impl FnMut(&ExportRow) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let sql = "select l.sale_date, r.code as reseller_code, p.sku, p.category, l.quantity, l.amount_cents, r.region, \
               r.reseller_type, m.email as manager_email, l.customer_type, l.channel, l.source, r.name as reseller_name, \
               p.name as product_name, l.unit_price_cents, r.brand_organisation, r.potential \
               from declaration_lines l join resellers r on r.id = l.reseller_id join products p on p.id = l.product_id \
               left join users m on m.id = r.manager_id \
               where l.tenant_id = $1 and l.review_status = 'approved' and l.sale_date >= $2 and l.sale_date <= $3 \
               order by l.sale_date";
    let mut count = 0u64;
    with_db!(db, p => {
        let mut rows = sqlx::query_as::<_, ExportRow>(sql).bind(tenant_id).bind(from).bind(to).fetch(p);
        while let Some(row) = rows.try_next().await? {
            each(&row)?;
            count += 1;
        }
    });
    Ok(count)
}
