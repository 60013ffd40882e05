//! The manufacturer's product catalogue and the codes that point to its products.

use super::{now, Db, Param, Tx, Where};
use crate::{bind_params, with_db, with_tx};
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub brand: String,
    pub ean: Option<String>,
    pub unit: String,
    pub list_price_cents: i64,
    pub active: bool,
}

const COLUMNS: &str = "id, sku, name, category, brand, ean, unit, list_price_cents, active";

#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub brand: String,
    pub ean: Option<String>,
    pub list_price_cents: i64,
}

pub async fn list(
    db: &Db,
    tenant_id: i64,
    q: Option<&str>,
    category: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Product>, i64), sqlx::Error> {
    let mut w = Where::new();
    w.and("tenant_id = {}", Param::I64(tenant_id));
    if let Some(c) = category.filter(|c| !c.is_empty()) {
        w.and("category = {}", Param::Text(c.to_string()));
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        w.and(
            "(lower(sku) like {} or lower(name) like {} or ean like {} or lower(brand) like {})",
            Param::Text(pattern),
        );
    }
    let n = w.next_placeholder();
    let sql = format!(
        "select {COLUMNS} from products where {} order by category, name limit ${n} offset ${}",
        w.sql(),
        n + 1
    );
    let count_sql = format!("select count(*) from products where {}", w.sql());
    let mut params = w.params.clone();
    params.push(Param::I64(limit));
    params.push(Param::I64(offset));
    let rows = with_db!(db, p => bind_params!(sqlx::query_as::<_, Product>(&sql), params).fetch_all(p).await)?;
    let total = with_db!(db, p => bind_params!(sqlx::query_scalar::<_, i64>(&count_sql), w.params).fetch_one(p).await)?;
    Ok((rows, total))
}

pub async fn by_sku(db: &Db, tenant_id: i64, sku: &str) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from products where tenant_id = $1 and sku = $2");
    with_db!(db, p => sqlx::query_as::<_, Product>(&sql).bind(tenant_id).bind(sku).fetch_optional(p).await)
}

pub async fn categories(db: &Db, tenant_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let sql = "select distinct category from products where tenant_id = $1 and category <> '' order by category";
    with_db!(db, p => sqlx::query_scalar::<_, String>(sql).bind(tenant_id).fetch_all(p).await)
}

/// A product's label in the analytics.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductLabel {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
}

/// The tenant's products by id.
pub async fn product_labels(
    db: &Db,
    tenant_id: i64,
) -> Result<HashMap<i64, ProductLabel>, sqlx::Error> {
    let sql = "select id, sku, name, category from products where tenant_id = $1";
    let rows = with_db!(db, p => sqlx::query_as::<_, ProductLabel>(sql).bind(tenant_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// Inserts the product or updates the one with the same SKU; returns true when created. The
/// insert goes first and gives way on the unique SKU: a look-up then insert lets two imports of
/// the same new SKU both insert, and the second fails.
pub async fn upsert(tx: &mut Tx, tenant_id: i64, p: &ProductInput) -> Result<bool, sqlx::Error> {
    let ts = now();
    let sql =
        "insert into products (tenant_id, sku, name, category, brand, ean, list_price_cents, \
               created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
               on conflict (tenant_id, sku) do nothing returning id";
    let created: Option<i64> = with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(tenant_id).bind(&p.sku).bind(&p.name).bind(&p.category).bind(&p.brand)
        .bind(&p.ean).bind(p.list_price_cents).bind(ts).fetch_optional(c).await)?;
    if created.is_some() {
        return Ok(true);
    }
    let sql = "update products set name = $1, category = $2, brand = $3, ean = $4, \
               list_price_cents = $5, updated_at = $6 where tenant_id = $7 and sku = $8";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(&p.name).bind(&p.category).bind(&p.brand).bind(&p.ean).bind(p.list_price_cents)
        .bind(ts).bind(tenant_id).bind(&p.sku).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(false)
}
