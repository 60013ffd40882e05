//! The demo generator's SQL (`crate::demo`, `crate::challenges::demo`): the reference rows
//! written one by one with the generator's own timestamps, the check that the database holds
//! no demo yet, ids reserved for the rows written in bulk, the planner statistics refreshed
//! after the load, and the reads the demo challenges are built from.

use super::{Db, Tx};
use crate::{with_db, with_tx};

pub async fn insert_tenant(
    tx: &mut Tx,
    slug: &str,
    name: &str,
    declaration_period: &str,
    created_at: i64,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar(
        "insert into tenants (slug, name, currency, time_zone, locale, declaration_period, created_at) \
         values ($1, $2, 'EUR', 'Europe/Paris', 'fr', $3, $4) returning id")
        .bind(slug).bind(name).bind(declaration_period).bind(created_at)
        .fetch_one(c).await)
}

/// A demo user: staff of a tenant, or a reseller organisation's user.
pub struct DemoUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub tenant_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub password_hash: &'a str,
    pub created_at: i64,
}

pub async fn insert_user(tx: &mut Tx, u: &DemoUser<'_>) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "insert into users (email, name, password_hash, role, tenant_id, organisation_id, locale, created_at) \
         values ($1, $2, $3, $4, $5, $6, 'fr', $7) returning id")
        .bind(u.email).bind(u.name).bind(u.password_hash).bind(u.role).bind(u.tenant_id)
        .bind(u.organisation_id).bind(u.created_at)
        .fetch_one(c).await)
}

pub struct DemoProduct<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub brand: &'a str,
    pub ean: &'a str,
    pub list_price_cents: i64,
    pub active: bool,
}

pub async fn insert_product(
    tx: &mut Tx,
    tenant_id: i64,
    p: &DemoProduct<'_>,
    created_at: i64,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar(
        "insert into products (tenant_id, sku, name, category, brand, ean, list_price_cents, active, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id")
        .bind(tenant_id).bind(p.sku).bind(p.name).bind(p.category).bind(p.brand)
        .bind(p.ean).bind(p.list_price_cents).bind(p.active).bind(created_at)
        .fetch_one(c).await)
}

pub async fn insert_organisation(
    tx: &mut Tx,
    name: &str,
    created_at: i64,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "insert into organisations (name, created_at) values ($1, $2) returning id")
        .bind(name).bind(created_at).fetch_one(c).await)
}

pub struct DemoReseller<'a> {
    pub organisation_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub reseller_type: &'a str,
    pub brand_organisation: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub city: &'a str,
    pub postal_code: &'a str,
    pub latitude: f64,
    pub longitude: f64,
    pub potential: &'a str,
    pub status: &'a str,
    pub manager_id: i64,
    pub contact_email: &'a str,
    pub created_at: i64,
}

pub async fn insert_reseller(
    tx: &mut Tx,
    tenant_id: i64,
    r: &DemoReseller<'_>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar(
        "insert into resellers (tenant_id, organisation_id, code, name, reseller_type, brand_organisation, \
         country, region, city, postal_code, latitude, longitude, potential, status, manager_id, \
         contact_email, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) returning id")
        .bind(tenant_id).bind(r.organisation_id).bind(r.code).bind(r.name).bind(r.reseller_type)
        .bind(r.brand_organisation).bind(r.country).bind(r.region).bind(r.city)
        .bind(r.postal_code).bind(r.latitude).bind(r.longitude).bind(r.potential).bind(r.status)
        .bind(r.manager_id).bind(r.contact_email).bind(r.created_at)
        .fetch_one(c).await)
}

/// A product code of the tenant (`reseller_id` None) or of one reseller.
pub async fn insert_alias(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: Option<i64>,
    code: &str,
    product_id: i64,
    created_at: i64,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, c => sqlx::query(
        "insert into product_aliases (tenant_id, reseller_id, code, product_id, created_at) values ($1, $2, $3, $4, $5)")
        .bind(tenant_id).bind(reseller_id).bind(code).bind(product_id).bind(created_at)
        .execute(c).await.map(|_| ()))
}

pub async fn tenant_count(db: &Db) -> Result<i64, sqlx::Error> {
    with_db!(db, p => sqlx::query_scalar("select count(*) from tenants").fetch_one(p).await)
}

/// Which of the demo tenants' slugs already exist.
pub async fn existing_tenants(db: &Db, slugs: [&str; 2]) -> Result<Vec<String>, sqlx::Error> {
    with_db!(db, p => sqlx::query_scalar(
        "select slug from tenants where slug in ($1, $2) order by slug")
        .bind(slugs[0]).bind(slugs[1]).fetch_all(p).await)
}

/// A demo user already there: the shared demo reseller `email`, or any `….demo` address.
pub async fn existing_user(db: &Db, email: &str) -> Result<Option<String>, sqlx::Error> {
    with_db!(db, p => sqlx::query_scalar(
        "select email from users where email = $1 or email like '%.demo' limit 1")
        .bind(email).fetch_optional(p).await)
}

/// `n` fresh ids for `table`: from the PostgreSQL sequence, or after the largest SQLite rowid
/// (the write transaction holds the lock, so nobody else takes them).
pub async fn reserve_ids(tx: &mut Tx, table: &str, n: usize) -> Result<Vec<i64>, sqlx::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match tx {
        Tx::Sqlite(t) => {
            let max: i64 = sqlx::query_scalar(&format!("select coalesce(max(id), 0) from {table}"))
                .fetch_one(&mut **t)
                .await?;
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
        Tx::Postgres(t) => {
            let sql = format!("select nextval(pg_get_serial_sequence('{table}', 'id')) from generate_series(1, $1)");
            sqlx::query_scalar(&sql)
                .bind(n as i64)
                .fetch_all(&mut **t)
                .await
        }
    }
}

/// Fresh statistics for the query planner after a bulk load.
pub async fn refresh_statistics(db: &Db) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query("pragma optimize").execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query("analyze").execute(p).await.map(|_| ()),
    }
}

/// The tenant's category with the most products.
pub async fn top_category(db: &Db, tenant_id: i64) -> Result<Option<String>, sqlx::Error> {
    let sql = "select category from products where tenant_id = $1 and category <> '' group by category order by count(*) desc limit 1";
    with_db!(db, p => sqlx::query_scalar::<_, String>(sql).bind(tenant_id).fetch_optional(p).await)
}

/// The (at most six) resellers with the most confirmed points, from 2,000 up.
pub async fn richest_resellers(db: &Db, tenant_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "select reseller_id from points_entries where tenant_id = $1 group by reseller_id \
               having sum(case when state <> 'pending' then points else 0 end) >= 2000 \
               order by sum(case when state <> 'pending' then points else 0 end) desc, reseller_id limit 6";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).fetch_all(p).await)
}
