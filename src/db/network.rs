//! The reseller network of a tenant: reseller organisations and their memberships.

use super::{now, Db, Param, Tx, Where};
use crate::{bind_params, with_db, with_tx};
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Reseller {
    pub id: i64,
    pub tenant_id: i64,
    pub organisation_id: i64,
    pub code: String,
    pub name: String,
    pub reseller_type: String,
    pub brand_organisation: String,
    pub country: String,
    pub region: String,
    pub city: String,
    pub postal_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub potential: String,
    pub status: String,
    pub manager_id: Option<i64>,
    pub manager_email: Option<String>,
    pub contact_email: String,
    pub last_sale: Option<chrono::NaiveDate>,
}

const SELECT: &str =
    "select r.id, r.tenant_id, r.organisation_id, r.code, r.name, r.reseller_type, \
    r.brand_organisation, r.country, r.region, r.city, r.postal_code, r.latitude, r.longitude, \
    r.potential, r.status, r.manager_id, m.email as manager_email, r.contact_email, \
    (select max(l.sale_date) from declaration_lines l where l.tenant_id = r.tenant_id \
       and l.reseller_id = r.id and l.review_status = 'approved') as last_sale \
    from resellers r left join users m on m.id = r.manager_id";

/// The editable attributes of a reseller membership.
#[derive(Debug, Clone, Default)]
pub struct ResellerInput {
    pub code: String,
    pub name: String,
    pub reseller_type: String,
    pub brand_organisation: String,
    pub country: String,
    pub region: String,
    pub city: String,
    pub postal_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub potential: String,
    pub status: String,
    pub manager_id: Option<i64>,
    pub contact_email: String,
}

#[derive(Debug, Default, Clone)]
pub struct ResellerFilter {
    pub reseller_type: Option<String>,
    pub brand_organisation: Option<String>,
    pub region: Option<String>,
    pub potential: Option<String>,
    pub status: Option<String>,
    pub manager_id: Option<i64>,
    pub q: Option<String>,
}

impl ResellerFilter {
    fn to_where(&self, tenant_id: i64) -> Where {
        let mut w = Where::new();
        w.and("r.tenant_id = {}", Param::I64(tenant_id));
        let text = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        if let Some(v) = text(&self.reseller_type) {
            w.and("r.reseller_type = {}", Param::Text(v));
        }
        if let Some(v) = text(&self.brand_organisation) {
            w.and("r.brand_organisation = {}", Param::Text(v));
        }
        if let Some(v) = text(&self.region) {
            w.and("r.region = {}", Param::Text(v));
        }
        if let Some(v) = text(&self.potential) {
            w.and("r.potential = {}", Param::Text(v));
        }
        if let Some(v) = text(&self.status) {
            w.and("r.status = {}", Param::Text(v));
        }
        if let Some(v) = self.manager_id {
            w.and("r.manager_id = {}", Param::I64(v));
        }
        if let Some(q) = text(&self.q) {
            let pattern = format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], ""));
            w.and(
                "(lower(r.code) like {} or lower(r.name) like {} or lower(r.city) like {} or r.postal_code like {})",
                Param::Text(pattern),
            );
        }
        w
    }
}

pub async fn list(
    db: &Db,
    tenant_id: i64,
    filter: &ResellerFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Reseller>, i64), sqlx::Error> {
    let w = filter.to_where(tenant_id);
    let n = w.next_placeholder();
    let sql = format!(
        "{SELECT} where {} order by r.name, r.code limit ${n} offset ${}",
        w.sql(),
        n + 1
    );
    let count_sql = format!("select count(*) from resellers r where {}", w.sql());
    let mut params = w.params.clone();
    params.push(Param::I64(limit));
    params.push(Param::I64(offset));
    let rows = with_db!(db, p => bind_params!(sqlx::query_as::<_, Reseller>(&sql), params).fetch_all(p).await)?;
    let total = with_db!(db, p => bind_params!(sqlx::query_scalar::<_, i64>(&count_sql), w.params).fetch_one(p).await)?;
    Ok((rows, total))
}

pub async fn by_code(db: &Db, tenant_id: i64, code: &str) -> Result<Option<Reseller>, sqlx::Error> {
    let sql = format!("{SELECT} where r.tenant_id = $1 and r.code = $2");
    with_db!(db, p => sqlx::query_as::<_, Reseller>(&sql).bind(tenant_id).bind(code).fetch_optional(p).await)
}

pub async fn by_id(db: &Db, tenant_id: i64, id: i64) -> Result<Option<Reseller>, sqlx::Error> {
    let sql = format!("{SELECT} where r.tenant_id = $1 and r.id = $2");
    with_db!(db, p => sqlx::query_as::<_, Reseller>(&sql).bind(tenant_id).bind(id).fetch_optional(p).await)
}

/// The membership of an organisation in a tenant's network (not what its users may act as:
/// see [`of_reseller_user`]).
pub async fn by_organisation(
    db: &Db,
    tenant_id: i64,
    organisation_id: i64,
) -> Result<Option<Reseller>, sqlx::Error> {
    let sql = format!("{SELECT} where r.tenant_id = $1 and r.organisation_id = $2");
    with_db!(db, p => sqlx::query_as::<_, Reseller>(&sql).bind(tenant_id).bind(organisation_id).fetch_optional(p).await)
}

/// The membership of a tenant's network that a reseller user was granted (what it acts as).
pub async fn of_reseller_user(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
) -> Result<Option<Reseller>, sqlx::Error> {
    let sql = format!(
        "{SELECT} join reseller_access g on g.reseller_id = r.id and g.tenant_id = r.tenant_id \
         where r.tenant_id = $1 and g.user_id = $2"
    );
    with_db!(db, p => sqlx::query_as::<_, Reseller>(&sql).bind(tenant_id).bind(user_id).fetch_optional(p).await)
}

/// Distinct regions of the network, for filter menus.
pub async fn regions(db: &Db, tenant_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let sql = "select distinct region from resellers where tenant_id = $1 and region <> '' order by region";
    with_db!(db, p => sqlx::query_scalar::<_, String>(sql).bind(tenant_id).fetch_all(p).await)
}

/// A reseller as the analytics lists show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct ResellerLabel {
    pub code: String,
    pub name: String,
    pub id: i64,
}

/// The tenant's resellers by id.
pub async fn reseller_labels(
    db: &Db,
    tenant_id: i64,
) -> Result<HashMap<i64, ResellerLabel>, sqlx::Error> {
    let rows: Vec<ResellerLabel> = with_db!(db, p => sqlx::query_as(
        "select code, name, id from resellers where tenant_id = $1")
        .bind(tenant_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Manager {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// Channel managers and admins of the tenant (owners a reseller can be assigned to).
pub async fn managers(db: &Db, tenant_id: i64) -> Result<Vec<Manager>, sqlx::Error> {
    let sql = "select id, email, name from users where tenant_id = $1 and role in ('manager', 'admin') order by email";
    with_db!(db, p => sqlx::query_as::<_, Manager>(sql).bind(tenant_id).fetch_all(p).await)
}

pub enum Upserted {
    Created(i64),
    Updated(i64),
}

const INSERT_RESELLER: &str = "insert into resellers (tenant_id, organisation_id, code, name, reseller_type, brand_organisation, \
    country, region, city, postal_code, latitude, longitude, potential, status, manager_id, \
    contact_email, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)";

/// Binds `INSERT_RESELLER`'s values onto a query, for either backend.
macro_rules! bind_reseller {
    ($q:expr, $tenant_id:expr, $organisation_id:expr, $r:expr) => {
        $q.bind($tenant_id)
            .bind($organisation_id)
            .bind(&$r.code)
            .bind(&$r.name)
            .bind(&$r.reseller_type)
            .bind(&$r.brand_organisation)
            .bind(&$r.country)
            .bind(&$r.region)
            .bind(&$r.city)
            .bind(&$r.postal_code)
            .bind($r.latitude)
            .bind($r.longitude)
            .bind(&$r.potential)
            .bind(&$r.status)
            .bind($r.manager_id)
            .bind(&$r.contact_email)
            .bind(now())
    };
}

/// Creates the reseller (and its organisation) or updates the one with the same code. A new
/// code's insert gives way on the unique code: when another import inserted it meanwhile, that
/// reseller is updated instead of the insert failing.
pub async fn upsert(
    tx: &mut Tx,
    tenant_id: i64,
    r: &ResellerInput,
) -> Result<Upserted, sqlx::Error> {
    let find = "select id from resellers where tenant_id = $1 and code = $2";
    let existing = with_tx!(tx, c => sqlx::query_scalar::<_, i64>(find).bind(tenant_id).bind(&r.code).fetch_optional(c).await)?;
    let id = match existing {
        Some(id) => id,
        None => {
            let organisation_id = new_organisation(tx, &r.name).await?;
            let sql =
                format!("{INSERT_RESELLER} on conflict (tenant_id, code) do nothing returning id");
            let created = with_tx!(tx, c => bind_reseller!(sqlx::query_scalar::<_, i64>(&sql), tenant_id, organisation_id, r)
                .fetch_optional(c).await)?;
            if let Some(id) = created {
                return Ok(Upserted::Created(id));
            }
            // Inserted meanwhile: the organisation made for it is not needed.
            with_tx!(tx, c => sqlx::query("delete from organisations where id = $1").bind(organisation_id)
                .execute(c).await.map(|r| r.rows_affected()))?;
            with_tx!(tx, c => sqlx::query_scalar::<_, i64>(find).bind(tenant_id).bind(&r.code).fetch_one(c).await)?
        }
    };
    update(tx, tenant_id, id, r).await?;
    Ok(Upserted::Updated(id))
}

async fn new_organisation(tx: &mut Tx, name: &str) -> Result<i64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "insert into organisations (name, created_at) values ($1, $2) returning id")
        .bind(name).bind(now()).fetch_one(c).await)
}

/// Adds a reseller to the network; a new organisation is created unless one is given
/// (an organisation already in another manufacturer's network).
pub async fn create(
    tx: &mut Tx,
    tenant_id: i64,
    organisation_id: Option<i64>,
    r: &ResellerInput,
) -> Result<i64, sqlx::Error> {
    let organisation_id = match organisation_id {
        Some(id) => id,
        None => new_organisation(tx, &r.name).await?,
    };
    let sql = format!("{INSERT_RESELLER} returning id");
    with_tx!(tx, c => bind_reseller!(sqlx::query_scalar::<_, i64>(&sql), tenant_id, organisation_id, r)
        .fetch_one(c).await)
}

pub async fn update(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    r: &ResellerInput,
) -> Result<(), sqlx::Error> {
    let sql = "update resellers set code = $1, name = $2, reseller_type = $3, brand_organisation = $4, \
               country = $5, region = $6, city = $7, postal_code = $8, latitude = $9, longitude = $10, \
               potential = $11, status = $12, manager_id = $13, contact_email = $14, updated_at = $15 \
               where tenant_id = $16 and id = $17";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(&r.code).bind(&r.name).bind(&r.reseller_type).bind(&r.brand_organisation)
        .bind(&r.country).bind(&r.region).bind(&r.city).bind(&r.postal_code)
        .bind(r.latitude).bind(r.longitude).bind(&r.potential).bind(&r.status).bind(r.manager_id)
        .bind(&r.contact_email).bind(now()).bind(tenant_id).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Serialises the writers of these resellers' lines, roll-ups and points (a commit, an undo, a
/// review, a submitted form, an order, an expiry) until `tx` ends, and returns the ids that are
/// resellers of the tenant. SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time;
/// PostgreSQL needs row locks, taken in id order so that two transactions locking several
/// resellers cannot deadlock. Without them, two transactions for one reseller each read the other's
/// rows as they were before it (a balance, a roll-up row, a ledger) and both write from it.
/// Take them first in the transaction, before any other row is written.
pub async fn lock_resellers(
    tx: &mut Tx,
    tenant_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let list = super::points::id_list(&ids);
    let sql = format!(
        "select id from resellers where tenant_id = $1 and id in ({list}) order by id{}",
        tx.for_update()
    );
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(&sql).persistent(false).bind(tenant_id).fetch_all(c).await)
}
