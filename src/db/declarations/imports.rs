//! Declaration imports: the import rows, their stored file, details and status, and the
//! rejected rows read back.

use crate::db::{audit, now, Db, Tx};
use crate::{with_db, with_tx};
use chrono::NaiveDate;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub tenant_id: i64,
    pub reseller_id: Option<i64>,
    pub user_id: Option<i64>,
    pub filename: String,
    pub content_hash: String,
    pub size_bytes: i64,
    pub status: String,
    pub sheet: Option<String>,
    pub header_signature: Option<String>,
    pub mapping_json: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub summary_json: Option<String>,
    pub created_at: i64,
    pub committed_at: Option<i64>,
    pub undone_at: Option<i64>,
    /// The one-time token the preview's commit form carries while the import is pending.
    pub commit_token: Option<String>,
}

const IMPORT_COLUMNS: &str = "id, tenant_id, reseller_id, user_id, filename, content_hash, size_bytes, status, sheet, \
    header_signature, mapping_json, period_start, period_end, summary_json, created_at, committed_at, undone_at, \
    commit_token";

/// What a new declarations import records.
pub struct NewImport<'a> {
    pub tenant_id: i64,
    pub reseller_id: i64,
    pub user_id: Option<i64>,
    pub filename: &'a str,
    pub content_hash: &'a str,
    pub size_bytes: i64,
    pub status: &'a str,
}

pub async fn insert_import(tx: &mut Tx, i: &NewImport<'_>) -> Result<i64, sqlx::Error> {
    let sql = "insert into imports (tenant_id, reseller_id, user_id, kind, filename, content_hash, size_bytes, \
               status, created_at) values ($1, $2, $3, 'declarations', $4, $5, $6, $7, $8) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(i.tenant_id).bind(i.reseller_id).bind(i.user_id).bind(i.filename).bind(i.content_hash)
        .bind(i.size_bytes).bind(i.status).bind(now())
        .fetch_one(c).await)
}

/// A catalogue or network import (`relais import products|resellers`, the upload pages),
/// recorded once applied.
pub struct ReferenceImport<'a> {
    pub tenant_id: i64,
    pub user_id: Option<i64>,
    /// `products` or `resellers`.
    pub kind: &'a str,
    pub filename: &'a str,
    pub content_hash: &'a str,
    pub size_bytes: i64,
    pub sheet: Option<&'a str>,
    pub summary_json: &'a str,
}

/// Records an applied reference import: its row in `imports`, and its audit entry with
/// `counts` (rows created, updated, rejected).
pub async fn record_reference_import(
    tx: &mut Tx,
    i: &ReferenceImport<'_>,
    counts: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let sql = "insert into imports (tenant_id, user_id, kind, filename, content_hash, size_bytes, status, sheet, \
               summary_json, created_at, committed_at) values ($1, $2, $3, $4, $5, $6, 'committed', $7, $8, $9, $9)";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(i.tenant_id).bind(i.user_id).bind(i.kind).bind(i.filename).bind(i.content_hash)
        .bind(i.size_bytes).bind(i.sheet).bind(i.summary_json).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    let entry = audit::Entry {
        tenant_id: Some(i.tenant_id),
        user_id: i.user_id,
        action: "import",
        entity: i.kind,
        entity_id: i.filename.to_string(),
        detail: counts,
    };
    audit::record(tx, entry).await
}

pub async fn store_file(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
    bytes: &[u8],
) -> Result<(), sqlx::Error> {
    let sql = "insert into import_files (import_id, tenant_id, bytes) values ($1, $2, $3)";
    with_tx!(tx, c => sqlx::query(sql).bind(import_id).bind(tenant_id).bind(bytes).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn file_bytes(
    db: &Db,
    tenant_id: i64,
    import_id: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let sql = "select bytes from import_files where tenant_id = $1 and import_id = $2";
    with_db!(db, p => sqlx::query_scalar::<_, Vec<u8>>(sql).bind(tenant_id).bind(import_id).fetch_optional(p).await)
}

/// The import, only when it belongs to this tenant (and this reseller when given).
pub async fn import_by_id(
    db: &Db,
    tenant_id: i64,
    reseller_id: Option<i64>,
    id: i64,
) -> Result<Option<ImportRow>, sqlx::Error> {
    let sql = format!(
        "select {IMPORT_COLUMNS} from imports where tenant_id = $1 and id = $2 and kind = 'declarations' \
         and ($3 = 0 or reseller_id = $3)"
    );
    with_db!(db, p => sqlx::query_as::<_, ImportRow>(&sql).bind(tenant_id).bind(id).bind(reseller_id.unwrap_or(0)).fetch_optional(p).await)
}

/// The committed import of the same file for the same reseller, if any.
pub async fn committed_with_hash(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "select id from imports where tenant_id = $1 and reseller_id = $2 and kind = 'declarations' \
               and content_hash = $3 and status = 'committed'";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(hash).fetch_optional(p).await)
}

/// Marks a pending import committed when `commit_token` is its current token (an import that
/// never had one takes ""), and spends the token; returns 0 when the import is not pending any
/// more or the token is another. Fails with a unique violation when the same file was committed
/// meanwhile (index `imports_committed_hash`).
pub async fn mark_committed(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
    commit_token: &str,
) -> Result<u64, sqlx::Error> {
    let sql = "update imports set status = 'committed', committed_at = $3, commit_token = null \
               where tenant_id = $1 and id = $2 and status = 'pending' and coalesce(commit_token, '') = $4";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(import_id).bind(now()).bind(commit_token)
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Gives a pending import a new one-time commit token (each new preview gets one) and returns
/// it; None when the import is not pending any more.
pub async fn renew_commit_token(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let token = crate::auth::random_token();
    let sql = "update imports set commit_token = $3 where tenant_id = $1 and id = $2 and status = 'pending'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(import_id).bind(&token).execute(c).await.map(|r| r.rows_affected()))?;
    Ok((n == 1).then_some(token))
}

/// What an import's analysis found, saved with it.
pub struct ImportDetails<'a> {
    pub sheet: Option<&'a str>,
    pub header_signature: Option<&'a str>,
    pub mapping_json: Option<&'a str>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub summary_json: &'a str,
}

pub async fn save_details(
    tx: &mut Tx,
    tenant_id: i64,
    import_id: i64,
    d: &ImportDetails<'_>,
) -> Result<(), sqlx::Error> {
    let sql = "update imports set sheet = $3, header_signature = $4, mapping_json = $5, period_start = $6, \
               period_end = $7, summary_json = $8 where tenant_id = $1 and id = $2";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(import_id).bind(d.sheet).bind(d.header_signature).bind(d.mapping_json)
        .bind(d.period.map(|p| p.0)).bind(d.period.map(|p| p.1)).bind(d.summary_json)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a committed import undone; 0 when it is not committed (an earlier undo got there).
pub async fn mark_undone(tx: &mut Tx, tenant_id: i64, import_id: i64) -> Result<u64, sqlx::Error> {
    let sql = "update imports set status = 'undone', undone_at = $3 \
               where tenant_id = $1 and id = $2 and status = 'committed'";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(import_id).bind(now()).execute(c).await.map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportListRow {
    pub id: i64,
    pub reseller_code: String,
    pub filename: String,
    pub status: String,
    pub created_at: i64,
    pub lines: i64,
    pub pending: i64,
}

/// Declaration imports, newest first: one reseller's, or the tenant's when `reseller_id` is None.
pub async fn list_imports(
    db: &Db,
    tenant_id: i64,
    reseller_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ImportListRow>, sqlx::Error> {
    let sql = "select i.id, r.code as reseller_code, i.filename, i.status, i.created_at, \
               (select count(*) from declaration_lines l join declarations d on d.id = l.declaration_id \
                 where d.import_id = i.id and l.review_status <> 'withdrawn') as lines, \
               (select count(*) from declaration_lines l join declarations d on d.id = l.declaration_id \
                 where d.import_id = i.id and l.review_status = 'pending') as pending \
               from imports i join resellers r on r.id = i.reseller_id \
               where i.tenant_id = $1 and i.kind = 'declarations' and ($2 = 0 or i.reseller_id = $2) \
               order by i.id desc limit $3";
    with_db!(db, p => sqlx::query_as::<_, ImportListRow>(sql).bind(tenant_id).bind(reseller_id.unwrap_or(0)).bind(limit).fetch_all(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredError {
    pub sheet: String,
    pub row_number: i64,
    pub column_header: Option<String>,
    pub code: String,
    pub value: Option<String>,
}

pub async fn row_errors(
    db: &Db,
    tenant_id: i64,
    import_id: i64,
    limit: i64,
) -> Result<Vec<StoredError>, sqlx::Error> {
    let sql = "select sheet, row_number, column_header, code, value from import_row_errors \
               where tenant_id = $1 and import_id = $2 order by row_number, id limit $3";
    with_db!(db, p => sqlx::query_as::<_, StoredError>(sql).bind(tenant_id).bind(import_id).bind(limit).fetch_all(p).await)
}

/// Deletes the tenant's import previews created before `cutoff` (unix seconds) and never
/// committed; returns how many. Their stored file and row errors go with them (on delete
/// cascade). An import's lines all belong to its declaration, so an import without a
/// declaration has no lines.
pub async fn delete_abandoned_imports(
    db: &Db,
    tenant_id: i64,
    cutoff: i64,
) -> Result<u64, sqlx::Error> {
    let sql =
        "delete from imports where tenant_id = $1 and status = 'pending' and created_at < $2 \
               and not exists (select 1 from declarations d where d.import_id = imports.id)";
    with_db!(db, p => sqlx::query(sql).bind(tenant_id).bind(cutoff).execute(p).await.map(|r| r.rows_affected()))
}
