//! Analytics-scope API tokens: bearer tokens held by a manufacturer's user (`user_id` set,
//! `reseller_id` null in `api_tokens`), for tools that read the analytics API. Only the
//! SHA-256 of a token is stored; the token itself is shown once, at creation.

use crate::auth::{random_token, token_hash};
use crate::db::analytics::tokens;
use crate::db::Db;

/// Creates a token for a staff user of the tenant and returns it (the only time it exists).
pub async fn create(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    name: &str,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    tokens::insert(db, tenant_id, user_id, name, &token_hash(&token)).await?;
    Ok(token)
}

/// `(tenant id, user id)` of a live analytics token, recording its use.
pub async fn owner(db: &Db, token: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    tokens::use_token(db, &token_hash(token)).await
}
