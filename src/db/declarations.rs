//! Declarations, their lines and the imports that bring them (the flows are built on top in
//! `crate::declarations`). Lines are written in bulk (`super::bulk`): multi-row inserts on SQLite,
//! `COPY` on PostgreSQL.

use super::bulk::{self, V};
use super::{now, Db, Param, Tx, Where};
use crate::{bind_params, with_db, with_tx};
use chrono::NaiveDate;

pub mod drafts;
mod imports;
mod lines;
mod tokens;
pub use imports::*;
pub use lines::*;
pub use tokens::*;

/// The columns `insert_lines` writes, in the order of `line_values`.
const LINE_COLUMNS: [&str; 21] = [
    "tenant_id",
    "reseller_id",
    "declaration_id",
    "import_id",
    "source",
    "created_at",
    "product_id",
    "sale_date",
    "quantity",
    "unit_price_cents",
    "amount_cents",
    "customer_type",
    "customer_postal_code",
    "customer_hash",
    "channel",
    "feedback",
    "rating",
    "source_sheet",
    "source_row",
    "review_status",
    "review_reason",
];

/// Lines an import's reader hands to its writer at a time, each batch written by one
/// `insert_lines` call: large enough that a call's fixed costs (preparing its statements,
/// a `COPY` on PostgreSQL) are spread thin, small enough to keep a few batches in memory.
pub const LINE_BATCH: usize = 4096;

/// True when the reseller has declared (non-withdrawn, non-rejected) lines in the date range.
pub async fn has_lines_in(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<bool, sqlx::Error> {
    Ok(count_lines_in(db, tenant_id, reseller_id, from, to).await? > 0)
}

/// Live (approved or pending) lines of the reseller in the date range.
pub async fn count_lines_in(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let sql = "select count(*) from declaration_lines where tenant_id = $1 and reseller_id = $2 \
               and sale_date between $3 and $4 and review_status in ('approved', 'pending')";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(from).bind(to).fetch_one(p).await)
}

/// A line ready to be inserted; the import, declaration and source are per batch.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub product_id: i64,
    pub sale_date: NaiveDate,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
    pub customer_type: Option<String>,
    pub customer_postal_code: Option<String>,
    pub customer_hash: Option<String>,
    pub channel: Option<&'static str>,
    pub feedback: Option<String>,
    pub rating: Option<i64>,
    pub source_sheet: Option<String>,
    pub source_row: Option<i64>,
    /// `draft`, `pending` or `approved`.
    pub review_status: &'static str,
    /// Comma-separated review reason codes (see `declarations::review`).
    pub review_reason: Option<&'static str>,
}

/// Where a batch of lines belongs.
#[derive(Debug, Clone, Copy)]
pub struct LineOwner<'a> {
    pub tenant_id: i64,
    pub reseller_id: i64,
    pub declaration_id: i64,
    pub import_id: Option<i64>,
    pub source: &'a str,
    pub created_at: i64,
}

/// Inserts lines: in multi-row statements on SQLite, by `COPY` on PostgreSQL
/// (several times faster there than multi-row inserts).
pub async fn insert_lines(
    tx: &mut Tx,
    owner: LineOwner<'_>,
    lines: &[NewLine],
) -> anyhow::Result<u64> {
    let row = |i: usize| line_values(&owner, &lines[i]);
    bulk::append(tx, "declaration_lines", &LINE_COLUMNS, lines.len(), row).await?;
    Ok(lines.len() as u64)
}

fn line_values<'q>(owner: &LineOwner<'q>, l: &'q NewLine) -> [V<'q>; 21] {
    [
        V::I(Some(owner.tenant_id)),
        V::I(Some(owner.reseller_id)),
        V::I(Some(owner.declaration_id)),
        V::I(owner.import_id),
        V::T(Some(owner.source)),
        V::I(Some(owner.created_at)),
        V::I(Some(l.product_id)),
        V::D(l.sale_date),
        V::I(Some(l.quantity)),
        V::I(Some(l.unit_price_cents)),
        V::I(Some(l.amount_cents)),
        V::T(l.customer_type.as_deref()),
        V::T(l.customer_postal_code.as_deref()),
        V::T(l.customer_hash.as_deref()),
        V::T(l.channel),
        V::T(l.feedback.as_deref()),
        V::I(l.rating),
        V::T(l.source_sheet.as_deref()),
        V::I(l.source_row),
        V::T(Some(l.review_status)),
        V::T(l.review_reason),
    ]
}

/// A rejected row to keep with its import.
#[derive(Debug, Clone)]
pub struct StoredRowError {
    pub sheet: String,
    pub row: i64,
    pub column: Option<String>,
    pub code: &'static str,
    pub value: Option<String>,
}

pub async fn insert_row_errors(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
    errors: &[StoredRowError],
) -> Result<u64, sqlx::Error> {
    if errors.is_empty() {
        return Ok(0);
    }
    let mut done = 0;
    // 7 bound values a row; rejected rows are few, so these statements are not cached.
    for chunk in errors.chunks(4000) {
        let head = "insert into import_row_errors (tenant_id, import_id, sheet, row_number, column_header, code, value) ";
        done += with_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(head);
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(tenant_id)
                    .push_bind(import_id)
                    .push_bind(e.sheet.as_str())
                    .push_bind(e.row)
                    .push_bind(e.column.as_deref())
                    .push_bind(e.code)
                    .push_bind(e.value.as_deref());
            });
            qb.build().persistent(false).execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(done)
}

// --- declarations ---------------------------------------------------------------------------------

pub struct NewDeclaration<'a> {
    pub tenant_id: i64,
    pub reseller_id: i64,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub status: &'a str,
    pub source: &'a str,
    pub import_id: Option<i64>,
    pub created_by: Option<i64>,
}

pub async fn insert_declaration(tx: &mut Tx, d: &NewDeclaration<'_>) -> Result<i64, sqlx::Error> {
    let sql = "insert into declarations (tenant_id, reseller_id, period_start, period_end, status, source, import_id, \
               created_by, created_at, submitted_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
               case when $5 = 'submitted' then $9 else null end) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(d.tenant_id).bind(d.reseller_id).bind(d.period.map(|p| p.0)).bind(d.period.map(|p| p.1))
        .bind(d.status).bind(d.source).bind(d.import_id).bind(d.created_by).bind(now())
        .fetch_one(c).await)
}

pub async fn set_declaration_period(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    period: (NaiveDate, NaiveDate),
) -> Result<(), sqlx::Error> {
    let sql = "update declarations set period_start = $3, period_end = $4 where tenant_id = $1 and id = $2";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(period.0).bind(period.1).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Withdraws the reseller's live lines dated in `[from, to]` that another import or declaration
/// brought (the "replace" choice); returns how many.
pub async fn withdraw_period(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    keep_declaration: i64,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let sql = "update declaration_lines set review_status = 'withdrawn', review_reason = $6, reviewed_at = $7 \
               where tenant_id = $1 and reseller_id = $2 and sale_date between $3 and $4 and declaration_id <> $5 \
               and review_status in ('approved', 'pending')";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(reseller_id).bind(from).bind(to).bind(keep_declaration).bind(reason).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Withdraws every live line of an import (undo); returns how many. An import's lines are
/// those of its one declaration (found by `declarations_import`, the tenant checked there),
/// which `declaration_lines_declaration` finds without a scan of the tenant's lines.
pub async fn withdraw_import(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let sql = "update declaration_lines set review_status = 'withdrawn', review_reason = $3, reviewed_at = $4 \
               where declaration_id = (select id from declarations where tenant_id = $1 and import_id = $2) \
               and review_status in ('approved', 'pending', 'rejected')";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(import_id).bind(reason).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    let sql =
        "update declarations set status = 'withdrawn' where tenant_id = $1 and import_id = $2";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(import_id).execute(c).await.map(|r| r.rows_affected()))
}

/// Per reseller, the first and last sale dates of an import's lines, whatever their status.
pub async fn import_date_spans(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
) -> Result<Vec<(i64, NaiveDate, NaiveDate)>, sqlx::Error> {
    let sql = "select reseller_id, min(sale_date), max(sale_date) from declaration_lines \
               where declaration_id = (select id from declarations where tenant_id = $1 and import_id = $2) \
               group by reseller_id";
    with_tx!(tx, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate)>(sql)
        .bind(tenant_id).bind(import_id).fetch_all(c).await)
}

// --- mapping memory and aliases ------------------------------------------------------------------

pub async fn remembered_mapping(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    signature: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = "select mapping_json from import_mappings where tenant_id = $1 and reseller_id = $2 and header_signature = $3";
    with_db!(db, p => sqlx::query_scalar::<_, String>(sql).bind(tenant_id).bind(reseller_id).bind(signature).fetch_optional(p).await)
}

pub async fn remember_mapping(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    signature: &str,
    mapping_json: &str,
) -> Result<(), sqlx::Error> {
    let sql = "insert into import_mappings (tenant_id, reseller_id, header_signature, mapping_json, updated_at) \
               values ($1, $2, $3, $4, $5) on conflict (tenant_id, reseller_id, header_signature) \
               do update set mapping_json = excluded.mapping_json, updated_at = excluded.updated_at";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(signature).bind(mapping_json).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Remembers that this reseller's `code` means the product (replacing an earlier choice); a
/// product of another tenant changes nothing. One upsert: a delete then insert next to another
/// transaction doing the same fails on the unique index `product_aliases_code`.
pub async fn set_reseller_alias(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    code: &str,
    product_id: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "insert into product_aliases (tenant_id, reseller_id, code, product_id, created_at) \
               select $1, $2, $3, id, $5 from products where tenant_id = $1 and id = $4 \
               on conflict (tenant_id, coalesce(reseller_id, 0), code) \
               do update set product_id = excluded.product_id, created_at = excluded.created_at";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(code).bind(product_id).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Every code that names a product for this reseller: `(code, product id, list price, is the
/// reseller's own alias)`; SKUs, EANs, tenant aliases, then the reseller's aliases.
pub async fn product_codes(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<(String, i64, i64, i64)>, sqlx::Error> {
    let sql = "select a.code, p.id, p.list_price_cents, cast(0 as bigint) as rank from product_aliases a join products p on p.id = a.product_id \
                 where a.tenant_id = $1 and a.reseller_id is null \
               union all select p.ean, p.id, p.list_price_cents, 1 from products p where p.tenant_id = $1 and p.ean is not null \
               union all select p.sku, p.id, p.list_price_cents, 2 from products p where p.tenant_id = $1 \
               union all select a.code, p.id, p.list_price_cents, 3 from product_aliases a join products p on p.id = a.product_id \
                 where a.tenant_id = $1 and a.reseller_id = $2 \
               order by 4";
    with_db!(db, p => sqlx::query_as::<_, (String, i64, i64, i64)>(sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}

/// Quantities of the reseller's approved lines, by product, for the review rule.
pub async fn approved_quantities(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let sql = "select product_id, quantity from declaration_lines where tenant_id = $1 and reseller_id = $2 \
               and review_status = 'approved'";
    with_db!(db, p => sqlx::query_as::<_, (i64, i64)>(sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}

// --- line lists and review -------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub id: i64,
    pub reseller_code: String,
    pub reseller_name: String,
    pub sku: String,
    pub product_name: String,
    pub sale_date: NaiveDate,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
    pub list_price_cents: i64,
    pub source: String,
    pub source_row: Option<i64>,
    pub import_id: Option<i64>,
    pub review_status: String,
    pub review_reason: Option<String>,
}

/// Every value of `declaration_lines.review_status`.
pub const REVIEW_STATUSES: [&str; 5] = ["draft", "pending", "approved", "rejected", "withdrawn"];

/// Filters of a line list; the tenant is always applied.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub reseller_id: Option<i64>,
    pub import_id: Option<i64>,
    pub declaration_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub status: Option<String>,
}

pub async fn list_lines(
    db: &Db,
    tenant_id: i64,
    f: &LineFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<LineRow>, i64), sqlx::Error> {
    let mut w = Where::new();
    w.and("l.tenant_id = {}", Param::I64(tenant_id));
    if let Some(r) = f.reseller_id {
        w.and("l.reseller_id = {}", Param::I64(r));
    }
    if let Some(i) = f.import_id {
        // Through the import's declaration: lines are indexed by declaration, not by import.
        w.and(
            "l.declaration_id = (select d.id from declarations d where d.tenant_id = l.tenant_id and d.import_id = {})",
            Param::I64(i),
        );
    }
    if let Some(d) = f.declaration_id {
        w.and("l.declaration_id = {}", Param::I64(d));
    }
    if let Some(d) = f.from {
        w.and("l.sale_date >= {}", Param::Date(d));
    }
    if let Some(d) = f.to {
        w.and("l.sale_date <= {}", Param::Date(d));
    }
    if let Some(s) = f.status.as_deref() {
        match REVIEW_STATUSES.iter().find(|known| **known == s) {
            // A literal, so that the partial index of pending lines can serve the review list.
            Some(known) => w.and_raw(&format!("l.review_status = '{known}'")),
            None => w.and("l.review_status = {}", Param::Text(s.to_string())),
        };
    }
    let n = w.next_placeholder();
    let sql = format!(
        "select l.id, r.code as reseller_code, r.name as reseller_name, p.sku, p.name as product_name, l.sale_date, \
         l.quantity, l.unit_price_cents, l.amount_cents, p.list_price_cents, l.source, l.source_row, l.import_id, \
         l.review_status, l.review_reason \
         from declaration_lines l join resellers r on r.id = l.reseller_id join products p on p.id = l.product_id \
         where {} order by l.sale_date desc, l.id desc limit ${n} offset ${}",
        w.sql(),
        n + 1
    );
    let count_sql = format!("select count(*) from declaration_lines l where {}", w.sql());
    let rows = with_db!(db, p => bind_params!(sqlx::query_as::<_, LineRow>(&sql), w.params).bind(limit).bind(offset).fetch_all(p).await)?;
    let total = with_db!(db, p => bind_params!(sqlx::query_scalar::<_, i64>(&count_sql), w.params).fetch_one(p).await)?;
    Ok((rows, total))
}

/// The resellers whose lines these are (lines of other tenants count for none).
pub async fn line_resellers(
    tx: &mut Tx,
    tenant_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "select distinct reseller_id from declaration_lines where tenant_id = $1 and id in ({})",
            super::points::id_list(chunk)
        );
        out.extend(with_tx!(tx, c => sqlx::query_scalar::<_, i64>(&sql).persistent(false).bind(tenant_id).fetch_all(c).await)?);
    }
    Ok(out)
}

/// Sets the review outcome of the tenant's lines that are still pending; returns the ids that
/// changed (a line decided by an earlier request is not among them).
pub async fn review_lines(
    tx: &mut Tx,
    tenant_id: i64,
    ids: &[i64],
    status: &str,
    reason: Option<&str>,
    by: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut changed = Vec::new();
    for &id in ids {
        let sql = "update declaration_lines set review_status = $3, review_reason = coalesce($4, review_reason), \
                   reviewed_by = $5, reviewed_at = $6 where tenant_id = $1 and id = $2 and review_status = 'pending'";
        let n = with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(status).bind(reason).bind(by).bind(now())
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 1 {
            changed.push(id);
        }
    }
    Ok(changed)
}
