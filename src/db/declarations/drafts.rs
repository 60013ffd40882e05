//! The web form's drafts (migration 0006; the flow is `crate::declarations::form`): a draft is a `declarations` row with
//! status `draft`, its lines are in `declaration_draft_lines` until the submit moves them into
//! `declaration_lines`. Every query filters by tenant; the caller passes the reseller and the
//! source it may see.

use super::{self as decl, NewDeclaration};
use crate::db::points::Exec;
use crate::db::{now, Db, Tx};
use crate::{with_db, with_exec, with_tx};
use chrono::NaiveDate;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub reseller_id: i64,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub source: String,
    pub created_at: i64,
}

impl Draft {
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.period_start.zip(self.period_end)
    }
}

/// A draft line as the user typed it.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct DraftLine {
    pub id: i64,
    pub position: i64,
    #[sqlx(flatten)]
    pub values: LineValues,
    pub customer_hash: Option<String>,
}

/// A line's fields as typed (the form sends them, a draft line keeps them). The end-customer
/// identifier is not among them: only its keyed hash is ever stored.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct LineValues {
    pub product: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub sale_date: String,
    pub customer_type: String,
    pub customer_postal_code: String,
    pub channel: String,
    pub feedback: String,
    pub rating: String,
}

/// What becomes of a line's stored end-customer hash on save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashChange {
    Keep,
    Set(String),
    Clear,
}

/// Who may see a draft: its source, and for reseller users their reseller.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub tenant_id: i64,
    /// None for staff (any reseller of the tenant).
    pub reseller_id: Option<i64>,
    pub source: &'a str,
}

pub async fn create(
    db: &Db,
    owner: Owner<'_>,
    reseller_id: i64,
    period: Option<(NaiveDate, NaiveDate)>,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id = decl::insert_declaration(
        &mut tx,
        &NewDeclaration {
            tenant_id: owner.tenant_id,
            reseller_id,
            period,
            status: "draft",
            source: owner.source,
            import_id: None,
            created_by: Some(user_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The draft, only when this owner may see it (else None: the caller answers 404).
pub async fn find(db: &Db, owner: Owner<'_>, id: i64) -> Result<Option<Draft>, sqlx::Error> {
    let sql =
        "select id, reseller_id, period_start, period_end, source, created_at from declarations \
               where tenant_id = $1 and id = $2 and status = 'draft' and source = $3 \
               and ($4 = 0 or reseller_id = $4)";
    with_db!(db, p => sqlx::query_as::<_, Draft>(sql)
        .bind(owner.tenant_id).bind(id).bind(owner.source).bind(owner.reseller_id.unwrap_or(0))
        .fetch_optional(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftSummary {
    pub id: i64,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub created_at: i64,
    pub lines: i64,
    pub updated_at: Option<i64>,
}

/// The reseller's drafts of this source, newest first.
pub async fn list(
    db: &Db,
    owner: Owner<'_>,
    reseller_id: i64,
) -> Result<Vec<DraftSummary>, sqlx::Error> {
    let sql = "select d.id, d.period_start, d.period_end, d.created_at, count(l.id) as lines, \
               max(l.updated_at) as updated_at \
               from declarations d left join declaration_draft_lines l on l.declaration_id = d.id \
               where d.tenant_id = $1 and d.reseller_id = $2 and d.status = 'draft' and d.source = $3 \
               group by d.id, d.period_start, d.period_end, d.created_at order by d.id desc";
    with_db!(db, p => sqlx::query_as::<_, DraftSummary>(sql)
        .bind(owner.tenant_id).bind(reseller_id).bind(owner.source).fetch_all(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmittedSummary {
    pub id: i64,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub submitted_at: Option<i64>,
    pub lines: i64,
    pub pending: i64,
    pub rejected: i64,
}

/// The reseller's latest submitted declarations of this source, with their lines' statuses.
pub async fn submitted(
    db: &Db,
    owner: Owner<'_>,
    reseller_id: i64,
    limit: i64,
) -> Result<Vec<SubmittedSummary>, sqlx::Error> {
    let sql = "select d.id, d.period_start, d.period_end, d.submitted_at, \
               (select count(*) from declaration_lines l where l.declaration_id = d.id) as lines, \
               (select count(*) from declaration_lines l where l.declaration_id = d.id and l.review_status = 'pending') as pending, \
               (select count(*) from declaration_lines l where l.declaration_id = d.id and l.review_status = 'rejected') as rejected \
               from declarations d where d.tenant_id = $1 and d.reseller_id = $2 and d.status = 'submitted' \
               and d.source = $3 order by d.id desc limit $4";
    with_db!(db, p => sqlx::query_as::<_, SubmittedSummary>(sql)
        .bind(owner.tenant_id).bind(reseller_id).bind(owner.source).bind(limit).fetch_all(p).await)
}

const LINE_COLUMNS: &str =
    "id, position, product, quantity, unit_price, amount, sale_date, customer_type, \
    customer_postal_code, customer_hash, channel, feedback, rating";

/// The draft's lines; read through the transaction (`Exec::Tx`) that is about to change them.
pub async fn lines(
    exec: Exec<'_>,
    tenant_id: i64,
    declaration_id: i64,
) -> Result<Vec<DraftLine>, sqlx::Error> {
    let sql = format!(
        "select {LINE_COLUMNS} from declaration_draft_lines where tenant_id = $1 and declaration_id = $2 \
         order by position, id"
    );
    with_exec!(exec, c => sqlx::query_as::<_, DraftLine>(&sql).bind(tenant_id).bind(declaration_id).fetch_all(c).await)
}

/// Locks the draft until `tx` ends, so that a save and a submit of it take turns (see
/// `Tx::for_update`); false when it is no longer a draft of this owner (submitted meanwhile).
pub async fn lock_draft(tx: &mut Tx, owner: Owner<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "select id from declarations where tenant_id = $1 and id = $2 and status = 'draft' and source = $3 \
         and ($4 = 0 or reseller_id = $4){}",
        tx.for_update()
    );
    let found = with_tx!(tx, c => sqlx::query_scalar::<_, i64>(&sql)
        .bind(owner.tenant_id).bind(id).bind(owner.source).bind(owner.reseller_id.unwrap_or(0))
        .fetch_optional(c).await)?;
    Ok(found.is_some())
}

/// Whether the declaration is still a draft.
pub async fn is_draft(db: &Db, tenant_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let sql =
        "select count(*) from declarations where tenant_id = $1 and id = $2 and status = 'draft'";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(id).fetch_one(p).await)
        .map(|n| n > 0)
}

/// The reseller of a declaration this owner submitted (the form's earlier draft), if it is one.
pub async fn submitted_by(db: &Db, owner: Owner<'_>, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let sql = "select reseller_id from declarations where tenant_id = $1 and id = $2 and status = 'submitted' \
               and source = $3 and ($4 = 0 or reseller_id = $4)";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql)
        .bind(owner.tenant_id).bind(id).bind(owner.source).bind(owner.reseller_id.unwrap_or(0))
        .fetch_optional(p).await)
}

pub async fn insert_line(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
    v: &LineValues,
    customer_hash: Option<&str>,
) -> Result<(), sqlx::Error> {
    let sql = "insert into declaration_draft_lines (tenant_id, declaration_id, position, product, quantity, \
               unit_price, amount, sale_date, customer_type, customer_postal_code, customer_hash, channel, \
               feedback, rating, updated_at) values ($1, $2, \
               (select coalesce(max(position), 0) + 1 from declaration_draft_lines where declaration_id = $2), \
               $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(declaration_id).bind(&v.product).bind(&v.quantity).bind(&v.unit_price)
        .bind(&v.amount).bind(&v.sale_date).bind(&v.customer_type).bind(&v.customer_postal_code)
        .bind(customer_hash).bind(&v.channel).bind(&v.feedback).bind(&v.rating).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Updates a line of the draft; a line id of another draft changes nothing.
pub async fn update_line(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
    line_id: i64,
    v: &LineValues,
    hash: &HashChange,
) -> Result<u64, sqlx::Error> {
    let (set_hash, value) = match hash {
        HashChange::Keep => (0_i64, None),
        HashChange::Set(h) => (1, Some(h.as_str())),
        HashChange::Clear => (1, None),
    };
    let sql = "update declaration_draft_lines set product = $4, quantity = $5, unit_price = $6, amount = $7, \
               sale_date = $8, customer_type = $9, customer_postal_code = $10, channel = $11, feedback = $12, \
               rating = $13, customer_hash = case when $14 = 1 then $15 else customer_hash end, updated_at = $16 \
               where tenant_id = $1 and declaration_id = $2 and id = $3";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(declaration_id).bind(line_id).bind(&v.product).bind(&v.quantity)
        .bind(&v.unit_price).bind(&v.amount).bind(&v.sale_date).bind(&v.customer_type)
        .bind(&v.customer_postal_code).bind(&v.channel).bind(&v.feedback).bind(&v.rating)
        .bind(set_hash).bind(value).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

pub async fn remove_line(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
    line_id: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "delete from declaration_draft_lines where tenant_id = $1 and declaration_id = $2 and id = $3";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(declaration_id).bind(line_id)
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Deletes a draft with its lines; 0 when it is no longer a draft.
pub async fn delete(db: &Db, tenant_id: i64, declaration_id: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    clear_lines(&mut tx, tenant_id, declaration_id).await?;
    let sql = "delete from declarations where tenant_id = $1 and id = $2 and status = 'draft'";
    let n = with_tx!(&mut tx, c => sqlx::query(sql).bind(tenant_id).bind(declaration_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n)
}

pub async fn clear_lines(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "delete from declaration_draft_lines where tenant_id = $1 and declaration_id = $2";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(declaration_id)
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Turns the draft into a submitted declaration covering `period`; 0 when it was no longer a
/// draft (submitted meanwhile in another tab): the caller then writes nothing.
pub async fn mark_submitted(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
    period: (NaiveDate, NaiveDate),
) -> Result<u64, sqlx::Error> {
    let sql = "update declarations set status = 'submitted', submitted_at = $3, \
               period_start = coalesce(period_start, $4), period_end = coalesce(period_end, $5) \
               where tenant_id = $1 and id = $2 and status = 'draft'";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(declaration_id).bind(now())
        .bind(period.0).bind(period.1).execute(c).await.map(|r| r.rows_affected()))
}

/// Ids of the declaration's committed lines.
pub async fn line_ids(
    tx: &mut Tx,
    tenant_id: i64,
    declaration_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql =
        "select id from declaration_lines where tenant_id = $1 and declaration_id = $2 order by id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(declaration_id).fetch_all(c).await)
}

/// A product the form can offer or resolve by name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductChoice {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub ean: Option<String>,
    pub list_price_cents: i64,
    pub active: bool,
}

/// Every product of the tenant (the form lists the active ones).
pub async fn products(db: &Db, tenant_id: i64) -> Result<Vec<ProductChoice>, sqlx::Error> {
    let sql =
        "select id, sku, name, ean, list_price_cents, active from products where tenant_id = $1 \
               order by name, sku";
    with_db!(db, p => sqlx::query_as::<_, ProductChoice>(sql).bind(tenant_id).fetch_all(p).await)
}

/// The reseller's own product codes: `(code, product id)`.
pub async fn reseller_codes(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql =
        "select code, product_id from product_aliases where tenant_id = $1 and reseller_id = $2 \
               order by code";
    with_db!(db, p => sqlx::query_as::<_, (String, i64)>(sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}
