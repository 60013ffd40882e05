//! Users, their server-side sessions and their single-use emailed links.

use super::{now, Db, Tx};
use crate::{with_db, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub tenant_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub locale: Option<String>,
    pub disabled: bool,
    pub last_login_at: Option<i64>,
}

const COLUMNS: &str =
    "id, email, name, password_hash, role, tenant_id, organisation_id, locale, disabled, last_login_at";

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub tenant_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub password_hash: Option<String>,
}

pub async fn create(tx: &mut Tx, u: NewUser<'_>) -> Result<i64, sqlx::Error> {
    let sql = "insert into users (email, name, role, tenant_id, organisation_id, password_hash, created_at) \
               values ($1, $2, $3, $4, $5, $6, $7) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(u.email.trim().to_lowercase()).bind(u.name).bind(u.role).bind(u.tenant_id)
        .bind(u.organisation_id).bind(&u.password_hash).bind(now())
        .fetch_one(c).await)
}

pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from users where email = $1");
    with_db!(db, p => sqlx::query_as::<_, User>(&sql).bind(email.trim().to_lowercase()).fetch_optional(p).await)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from users where id = $1");
    with_db!(db, p => sqlx::query_as::<_, User>(&sql).bind(id).fetch_optional(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub reseller_code: Option<String>,
    pub reseller_name: Option<String>,
    pub has_password: bool,
    pub last_login_at: Option<i64>,
}

/// Staff of the tenant and users of the reseller organisations in its network.
pub async fn list_for_tenant(db: &Db, tenant_id: i64) -> Result<Vec<TenantUser>, sqlx::Error> {
    let sql = "select u.id, u.email, u.role, r.code as reseller_code, r.name as reseller_name, \
               (u.password_hash is not null) as has_password, u.last_login_at \
               from users u left join resellers r on r.organisation_id = u.organisation_id and r.tenant_id = $1 \
               where u.tenant_id = $1 or r.id is not null \
               order by u.role, u.email";
    with_db!(db, p => sqlx::query_as::<_, TenantUser>(sql).bind(tenant_id).fetch_all(p).await)
}

/// Users of one reseller organisation (shown on the reseller's page).
pub async fn list_for_organisation(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<User>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from users where organisation_id = $1 order by email");
    with_db!(db, p => sqlx::query_as::<_, User>(&sql).bind(organisation_id).fetch_all(p).await)
}

pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str) -> Result<(), sqlx::Error> {
    with_tx!(tx, c => sqlx::query("update users set password_hash = $1 where id = $2")
        .bind(hash).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_locale(db: &Db, user_id: i64, locale: &str) -> Result<(), sqlx::Error> {
    with_db!(db, p => sqlx::query("update users set locale = $1 where id = $2")
        .bind(locale).bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn touch_login(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    with_db!(db, p => sqlx::query("update users set last_login_at = $1 where id = $2")
        .bind(now()).bind(user_id).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

// --- sessions -------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub tenant_id: Option<i64>,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub async fn create_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    tenant_id: Option<i64>,
    csrf_token: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let sql = "insert into sessions (id, user_id, tenant_id, csrf_token, created_at, last_seen_at, expires_at) \
               values ($1, $2, $3, $4, $5, $5, $6)";
    with_db!(db, p => sqlx::query(sql)
        .bind(id_hash).bind(user_id).bind(tenant_id).bind(csrf_token).bind(now()).bind(expires_at)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A live (unexpired) session by the hash of its cookie value.
pub async fn session(db: &Db, id_hash: &str) -> Result<Option<Session>, sqlx::Error> {
    let sql = "select id, user_id, tenant_id, csrf_token, expires_at from sessions \
               where id = $1 and expires_at > $2";
    with_db!(db, p => sqlx::query_as::<_, Session>(sql).bind(id_hash).bind(now()).fetch_optional(p).await)
}

/// Slides the expiry forward; called at most once a minute per session to spare writes.
pub async fn extend_session(db: &Db, id_hash: &str, expires_at: i64) -> Result<(), sqlx::Error> {
    with_db!(db, p => sqlx::query("update sessions set last_seen_at = $1, expires_at = $2 where id = $3")
        .bind(now()).bind(expires_at).bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_session_tenant(db: &Db, id_hash: &str, tenant_id: i64) -> Result<(), sqlx::Error> {
    with_db!(db, p => sqlx::query("update sessions set tenant_id = $1 where id = $2")
        .bind(tenant_id).bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    with_db!(db, p => sqlx::query("delete from sessions where id = $1").bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user (after a password change or reset).
pub async fn delete_sessions_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    with_tx!(tx, c => sqlx::query("delete from sessions where user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_expired_sessions(db: &Db) -> Result<u64, sqlx::Error> {
    with_db!(db, p => sqlx::query("delete from sessions where expires_at <= $1").bind(now()).execute(p).await.map(|r| r.rows_affected()))
}

// --- single-use links -------------------------------------------------------------------------

pub async fn create_link_token(
    tx: &mut Tx,
    user_id: i64,
    kind: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let sql = "insert into user_tokens (user_id, kind, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(user_id).bind(kind).bind(token_hash).bind(now()).bind(expires_at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The user a link belongs to, if it is unused and unexpired (does not consume it).
pub async fn peek_link_token(
    db: &Db,
    kind: &str,
    token_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "select user_id from user_tokens where token_hash = $1 and kind = $2 \
               and used_at is null and expires_at > $3";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(token_hash).bind(kind).bind(now()).fetch_optional(p).await)
}

/// Marks a link used and returns its user — atomically, so a link works exactly once.
pub async fn consume_link_token(
    tx: &mut Tx,
    kind: &str,
    token_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "update user_tokens set used_at = $1 where token_hash = $2 and kind = $3 \
               and used_at is null and expires_at > $1 returning user_id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(now()).bind(token_hash).bind(kind).fetch_optional(c).await)
}

pub async fn delete_expired_link_tokens(db: &Db) -> Result<u64, sqlx::Error> {
    with_db!(db, p => sqlx::query("delete from user_tokens where expires_at <= $1")
        .bind(now() - 30 * 86400).execute(p).await.map(|r| r.rows_affected()))
}
