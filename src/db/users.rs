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
    pub disabled: bool,
    pub last_login_at: Option<i64>,
}

/// Staff of the tenant and the reseller users it granted access to its network.
pub async fn list_for_tenant(db: &Db, tenant_id: i64) -> Result<Vec<TenantUser>, sqlx::Error> {
    let sql = "select u.id, u.email, u.role, r.code as reseller_code, r.name as reseller_name, \
               (u.password_hash is not null) as has_password, u.disabled, u.last_login_at \
               from users u left join reseller_access g on g.user_id = u.id and g.tenant_id = $1 \
               left join resellers r on r.id = g.reseller_id and r.tenant_id = $1 \
               where u.tenant_id = $1 or g.id is not null \
               order by u.role, u.email";
    with_db!(db, p => sqlx::query_as::<_, TenantUser>(sql).bind(tenant_id).fetch_all(p).await)
}

/// The users with access to one reseller of a tenant (shown on the reseller's page).
pub async fn list_for_reseller(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<User>, sqlx::Error> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "select {columns} from users u join reseller_access g on g.user_id = u.id \
         where g.tenant_id = $1 and g.reseller_id = $2 order by u.email"
    );
    with_db!(db, p => sqlx::query_as::<_, User>(&sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)
}

/// Disables a staff user of the tenant (staff belong to one tenant: disabling is how they lose
/// access). True when this call disabled them.
pub async fn disable_staff(tx: &mut Tx, tenant_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let sql = "update users set disabled = $1 where id = $2 and tenant_id = $3 \
               and role <> 'reseller' and disabled = $4";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(true).bind(user_id).bind(tenant_id).bind(false)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Sets the password of an enabled user; false when there is no such user.
pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str) -> Result<bool, sqlx::Error> {
    let n = with_tx!(tx, c => sqlx::query("update users set password_hash = $1 where id = $2 and disabled = $3")
        .bind(hash).bind(user_id).bind(false).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
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

/// Creates a link and spends every other link of the user: one link is valid at a time, so
/// an old email cannot be used once a newer one was sent.
pub async fn create_link_token(
    tx: &mut Tx,
    user_id: i64,
    kind: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    spend_links_of(tx, user_id).await?;
    let sql = "insert into user_tokens (user_id, kind, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(user_id).bind(kind).bind(token_hash).bind(now()).bind(expires_at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks every unused link of the user used (a password was set or changed).
pub async fn spend_links_of(tx: &mut Tx, user_id: i64) -> Result<u64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query("update user_tokens set used_at = $1 where user_id = $2 and used_at is null")
        .bind(now()).bind(user_id).execute(c).await.map(|r| r.rows_affected()))
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

/// Marks a link used and returns its user. The update is conditional on the link being unused,
/// and exactly one row changes for the one caller that gets the user: of concurrent uses of one
/// link, one succeeds.
pub async fn consume_link_token(
    tx: &mut Tx,
    kind: &str,
    token_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "update user_tokens set used_at = $1 where token_hash = $2 and kind = $3 \
               and used_at is null and expires_at > $1 returning user_id";
    let users = with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(now()).bind(token_hash).bind(kind).fetch_all(c).await)?;
    Ok(match users.as_slice() {
        [user] => Some(*user),
        _ => None,
    })
}

pub async fn delete_expired_link_tokens(db: &Db) -> Result<u64, sqlx::Error> {
    with_db!(db, p => sqlx::query("delete from user_tokens where expires_at <= $1")
        .bind(now() - 30 * 86400).execute(p).await.map(|r| r.rows_affected()))
}
