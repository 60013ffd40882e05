//! Analytics-scope API tokens in `api_tokens`: `user_id` set, `reseller_id` null (reseller
//! tokens are in `crate::db::declarations`). Only a token's hash is stored.

use crate::db::{now, Db};
use crate::with_db;

/// Stores a token of a staff user of the tenant, by its hash.
pub async fn insert(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    let sql =
        "insert into api_tokens (tenant_id, user_id, reseller_id, name, token_hash, created_at) \
               values ($1, $2, null, $3, $4, $5)";
    with_db!(db, p => sqlx::query(sql)
        .bind(tenant_id).bind(user_id).bind(name).bind(token_hash).bind(now())
        .execute(p).await.map(|_| ()))
}

/// `(tenant id, user id)` of the live analytics token with this hash, recording its use.
pub async fn use_token(db: &Db, token_hash: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let sql = "select id, tenant_id, user_id from api_tokens where token_hash = $1 and revoked_at is null \
               and user_id is not null and reseller_id is null";
    let row = with_db!(db, p => sqlx::query_as::<_, (i64, i64, i64)>(sql)
        .bind(token_hash).fetch_optional(p).await)?;
    let Some((id, tenant_id, user_id)) = row else {
        return Ok(None);
    };
    let sql = "update api_tokens set last_used_at = $2 where id = $1";
    with_db!(db, p => sqlx::query(sql).bind(id).bind(now()).execute(p).await.map(|_| ()))?;
    Ok(Some((tenant_id, user_id)))
}
