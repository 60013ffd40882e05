//! Tenants: the manufacturers. Each one is a separate world of data.

use super::{now, Db};
use crate::with_db;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Tenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
    pub locale: String,
    pub declaration_period: String,
}

const COLUMNS: &str = "id, slug, name, currency, time_zone, locale, declaration_period";

pub async fn create(db: &Db, slug: &str, name: &str, locale: &str) -> Result<Tenant, sqlx::Error> {
    let sql = format!(
        "insert into tenants (slug, name, locale, created_at) values ($1, $2, $3, $4) returning {COLUMNS}"
    );
    with_db!(db, p => sqlx::query_as::<_, Tenant>(&sql)
        .bind(slug).bind(name).bind(locale).bind(now())
        .fetch_one(p).await)
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Tenant>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from tenants where slug = $1");
    with_db!(db, p => sqlx::query_as::<_, Tenant>(&sql).bind(slug).fetch_optional(p).await)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Tenant>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from tenants where id = $1");
    with_db!(db, p => sqlx::query_as::<_, Tenant>(&sql).bind(id).fetch_optional(p).await)
}

pub async fn list(db: &Db) -> Result<Vec<Tenant>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from tenants order by slug");
    with_db!(db, p => sqlx::query_as::<_, Tenant>(&sql).fetch_all(p).await)
}

/// The tenants that granted a reseller user access to their reseller record (a multi-brand
/// reseller's user may act in several).
pub async fn of_reseller_user(db: &Db, user_id: i64) -> Result<Vec<Tenant>, sqlx::Error> {
    let sql = format!(
        "select {} from tenants t join reseller_access g on g.tenant_id = t.id \
         where g.user_id = $1 order by t.name",
        COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    with_db!(db, p => sqlx::query_as::<_, Tenant>(&sql).bind(user_id).fetch_all(p).await)
}
