//! API tokens of resellers (stored hashed) and the responses remembered per Idempotency-Key.

use crate::db::{now, Db, Tx};
use crate::{with_db, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub tenant_id: i64,
    pub reseller_id: Option<i64>,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const TOKEN_COLUMNS: &str =
    "id, tenant_id, reseller_id, name, created_at, last_used_at, revoked_at";

pub async fn create_reseller_token(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<i64, sqlx::Error> {
    let sql =
        "insert into api_tokens (tenant_id, user_id, reseller_id, name, token_hash, created_at) \
               values ($1, $2, $3, $4, $5, $6) returning id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(user_id).bind(reseller_id).bind(name).bind(token_hash).bind(now()).fetch_one(p).await)
}

pub async fn reseller_tokens(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<ApiToken>, sqlx::Error> {
    let sql = format!("select {TOKEN_COLUMNS} from api_tokens where tenant_id = $1 and reseller_id = $2 order by id desc");
    with_db!(db, p => sqlx::query_as::<_, ApiToken>(&sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}

pub async fn revoke_reseller_token(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    id: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "update api_tokens set revoked_at = $4 where tenant_id = $1 and reseller_id = $2 and id = $3 and revoked_at is null";
    with_db!(db, p => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(id).bind(now()).execute(p).await.map(|r| r.rows_affected()))
}

/// The live reseller token with this hash, marked used. A token is only as good as its
/// user's access: it stops working as soon as the user is disabled or loses access to the
/// token's reseller.
pub async fn use_reseller_token(
    db: &Db,
    token_hash: &str,
) -> Result<Option<ApiToken>, sqlx::Error> {
    let sql = "select t.id, t.tenant_id, t.reseller_id, t.name, t.created_at, t.last_used_at, t.revoked_at \
               from api_tokens t join users u on u.id = t.user_id and u.disabled = $2 \
               join reseller_access g on g.user_id = u.id and g.reseller_id = t.reseller_id \
               and g.tenant_id = t.tenant_id \
               where t.token_hash = $1 and t.revoked_at is null and t.reseller_id is not null";
    let token = with_db!(db, p => sqlx::query_as::<_, ApiToken>(sql).bind(token_hash).bind(false).fetch_optional(p).await)?;
    if let Some(t) = &token {
        let sql = "update api_tokens set last_used_at = $2 where id = $1";
        with_db!(db, p => sqlx::query(sql).bind(t.id).bind(now()).execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(token)
}

/// `(request hash, status code, response)` first recorded for this key.
pub async fn idempotent_response(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    key: &str,
) -> Result<Option<(String, i64, String)>, sqlx::Error> {
    let sql = "select request_hash, status_code, response_json from api_idempotency \
               where tenant_id = $1 and reseller_id = $2 and idempotency_key = $3";
    with_db!(db, p => sqlx::query_as::<_, (String, i64, String)>(sql).bind(tenant_id).bind(reseller_id).bind(key).fetch_optional(p).await)
}

/// Records the response of a keyed request that wrote nothing (refused, duplicate); false when
/// the key was recorded meanwhile by another request, whose response is then the key's.
pub async fn remember_response(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    key: &str,
    request_hash: &str,
    status: i64,
    response: &str,
) -> Result<bool, sqlx::Error> {
    let sql = "insert into api_idempotency (tenant_id, reseller_id, idempotency_key, request_hash, status_code, response_json, created_at) \
               values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, reseller_id, idempotency_key) do nothing";
    let n = with_db!(db, p => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(key).bind(request_hash).bind(status).bind(response).bind(now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Claims an Idempotency-Key inside the transaction that does the request's work; false when the
/// key is taken. On PostgreSQL a claim made by a transaction still running waits for it: the
/// key then turns out taken (it committed) or free (it rolled back).
pub async fn claim_idempotency_key(
    tx: &mut Tx,
    (tenant_id, reseller_id): (i64, i64),
    key: &str,
    request_hash: &str,
) -> Result<bool, sqlx::Error> {
    // The placeholder response is replaced by `remember_in` before the transaction commits.
    let sql = "insert into api_idempotency (tenant_id, reseller_id, idempotency_key, request_hash, status_code, response_json, created_at) \
               values ($1, $2, $3, $4, 0, '', $5) on conflict (tenant_id, reseller_id, idempotency_key) do nothing";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(key).bind(request_hash).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records the response of a claimed key, in the transaction that claimed it.
pub async fn remember_in(
    tx: &mut Tx,
    (tenant_id, reseller_id): (i64, i64),
    key: &str,
    (status, response): (i64, &str),
) -> Result<(), sqlx::Error> {
    let sql = "update api_idempotency set status_code = $4, response_json = $5 \
               where tenant_id = $1 and reseller_id = $2 and idempotency_key = $3";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(key)
        .bind(status).bind(response).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
