//! Analytics-scope API tokens: bearer tokens held by a manufacturer's user (`user_id` set,
//! `reseller_id` null in `api_tokens`), for tools that read the analytics API. Only the
//! SHA-256 of a token is stored; the token itself is shown once, at creation.

use crate::db::{now, Db};
use crate::with_db;

/// Creates a token for a staff user of the tenant and returns it (the only time it exists).
pub async fn create(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    name: &str,
) -> Result<String, sqlx::Error> {
    let token = crate::auth::random_token();
    let sql =
        "insert into api_tokens (tenant_id, user_id, reseller_id, name, token_hash, created_at) \
               values ($1, $2, null, $3, $4, $5)";
    with_db!(db, p => sqlx::query(sql)
        .bind(tenant_id).bind(user_id).bind(name).bind(crate::auth::token_hash(&token)).bind(now())
        .execute(p).await.map(|_| ()))?;
    Ok(token)
}

/// `(tenant id, user id)` of a live analytics token, recording its use.
pub async fn owner(db: &Db, token: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let sql = "select id, tenant_id, user_id from api_tokens where token_hash = $1 and revoked_at is null \
               and user_id is not null and reseller_id is null";
    let row = with_db!(db, p => sqlx::query_as::<_, (i64, i64, i64)>(sql)
        .bind(crate::auth::token_hash(token)).fetch_optional(p).await)?;
    let Some((id, tenant_id, user_id)) = row else {
        return Ok(None);
    };
    let sql = "update api_tokens set last_used_at = $2 where id = $1";
    with_db!(db, p => sqlx::query(sql).bind(id).bind(now()).execute(p).await.map(|_| ()))?;
    Ok(Some((tenant_id, user_id)))
}
