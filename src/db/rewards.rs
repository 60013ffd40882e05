//! The rewards catalogue and the redemptions (reward orders) placed against points.

use super::{now, Db, Tx};
use crate::{with_db, with_tx};
use chrono::NaiveDate;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Reward {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub points_cost: i64,
    /// None = unlimited.
    pub stock: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct RewardInput<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub points_cost: i64,
    pub stock: Option<i64>,
    pub active: bool,
}

pub async fn list(db: &Db, tenant_id: i64, active_only: bool) -> Result<Vec<Reward>, sqlx::Error> {
    let sql = if active_only {
        "select id, name, description, points_cost, stock, active from rewards where tenant_id = $1 and active = true order by points_cost, id"
    } else {
        "select id, name, description, points_cost, stock, active from rewards where tenant_id = $1 order by points_cost, id"
    };
    with_db!(db, p => sqlx::query_as::<_, Reward>(sql).bind(tenant_id).fetch_all(p).await)
}

pub async fn by_id(tx: &mut Tx, tenant_id: i64, id: i64) -> Result<Option<Reward>, sqlx::Error> {
    let sql = "select id, name, description, points_cost, stock, active from rewards where tenant_id = $1 and id = $2";
    with_tx!(tx, c => sqlx::query_as::<_, Reward>(sql).bind(tenant_id).bind(id).fetch_optional(c).await)
}

pub async fn insert(tx: &mut Tx, tenant_id: i64, r: &RewardInput<'_>) -> Result<i64, sqlx::Error> {
    let sql = "insert into rewards (tenant_id, name, description, points_cost, stock, active, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $7) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(r.name).bind(r.description)
        .bind(r.points_cost).bind(r.stock).bind(r.active).bind(now()).fetch_one(c).await)
}

/// Saves an edit. `shown` is the stock the form showed: when it and the new stock are both
/// numbers, their difference is applied to the stock as it is now (orders placed since the form
/// was shown keep their units; never below zero); otherwise the new stock is set as typed.
pub async fn update(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    r: &RewardInput<'_>,
    shown: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let delta = shown.zip(r.stock).map(|(before, after)| after - before);
    let sql = "update rewards set name = $3, description = $4, points_cost = $5, active = $7, updated_at = $8, \
               stock = case when $9 is null or stock is null then $6 \
                            when stock + $9 < 0 then 0 else stock + $9 end \
               where tenant_id = $1 and id = $2";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(r.name).bind(r.description)
        .bind(r.points_cost).bind(r.stock).bind(r.active).bind(now()).bind(delta)
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Takes one unit of stock if there is one: the condition in the statement is what makes two
/// concurrent orders unable to take the last unit twice. 0 rows = out of stock or inactive.
pub async fn take_stock(tx: &mut Tx, tenant_id: i64, id: i64) -> Result<u64, sqlx::Error> {
    let sql = "update rewards set stock = stock - 1, updated_at = $3 \
               where tenant_id = $1 and id = $2 and active = true and (stock is null or stock > 0)";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(now()).execute(c).await.map(|r| r.rows_affected()))
}

pub async fn return_stock(tx: &mut Tx, tenant_id: i64, id: i64) -> Result<u64, sqlx::Error> {
    let sql = "update rewards set stock = stock + 1, updated_at = $3 where tenant_id = $1 and id = $2 and stock is not null";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(now()).execute(c).await.map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Redemption {
    pub id: i64,
    pub reseller_id: i64,
    pub reseller_code: String,
    pub reseller_name: String,
    pub reward_id: i64,
    pub reward_name: String,
    pub points: i64,
    pub status: String,
    pub created_at: i64,
    pub approved_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub cancelled_at: Option<i64>,
}

const REDEMPTION: &str = "select d.id, d.reseller_id, r.code as reseller_code, r.name as reseller_name, d.reward_id, \
    w.name as reward_name, d.points, d.status, d.created_at, d.approved_at, d.shipped_at, d.cancelled_at \
    from redemptions d join resellers r on r.id = d.reseller_id join rewards w on w.id = d.reward_id";

pub async fn list_redemptions(
    db: &Db,
    tenant_id: i64,
    reseller_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Redemption>, sqlx::Error> {
    let sql = format!(
        "{REDEMPTION} where d.tenant_id = $1 and ($2 = 0 or d.reseller_id = $2) order by d.id desc limit $3"
    );
    with_db!(db, p => sqlx::query_as::<_, Redemption>(&sql).bind(tenant_id).bind(reseller_id.unwrap_or(0)).bind(limit).fetch_all(p).await)
}

pub async fn redemption(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
) -> Result<Option<Redemption>, sqlx::Error> {
    let sql = format!("{REDEMPTION} where d.tenant_id = $1 and d.id = $2");
    with_tx!(tx, c => sqlx::query_as::<_, Redemption>(&sql).bind(tenant_id).bind(id).fetch_optional(c).await)
}

/// Redemptions whose status changed within `[from, to]` (tenant days as UTC timestamps).
pub async fn redemptions_between(
    db: &Db,
    tenant_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Redemption>, sqlx::Error> {
    let sql = format!(
        "{REDEMPTION} where d.tenant_id = $1 and (d.created_at between $2 and $3 or d.shipped_at between $2 and $3 \
         or d.cancelled_at between $2 and $3) order by d.id"
    );
    with_db!(db, p => sqlx::query_as::<_, Redemption>(&sql).bind(tenant_id).bind(from).bind(to).fetch_all(p).await)
}

pub async fn insert_redemption(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    reward_id: i64,
    user_id: Option<i64>,
    points: i64,
    order_key: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let sql = "insert into redemptions (tenant_id, reseller_id, reward_id, user_id, points, status, created_at, order_key) \
               values ($1, $2, $3, $4, $5, 'requested', $6, $7) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(reward_id).bind(user_id)
        .bind(points).bind(now()).bind(order_key).fetch_one(c).await)
}

/// The order a reseller's order form with `order_key` already placed, if any.
pub async fn redemption_by_order_key(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    order_key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql =
        "select id from redemptions where tenant_id = $1 and reseller_id = $2 and order_key = $3";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(order_key)
        .fetch_optional(c).await)
}

/// Moves a redemption between states; 0 rows when it was not in one of `from`.
pub async fn set_redemption_status(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    from: &[&str],
    to: &str,
    by: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let from = from
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(",");
    let column = match to {
        "approved" => "approved_at",
        "shipped" => "shipped_at",
        _ => "cancelled_at",
    };
    let sql = format!(
        "update redemptions set status = $3, {column} = $4, decided_by = $5 where tenant_id = $1 and id = $2 and status in ({from})"
    );
    with_tx!(tx, c => sqlx::query(&sql).bind(tenant_id).bind(id).bind(to).bind(now()).bind(by)
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Shipped redemptions of a period, by the day they shipped (tenant time zone), for the journal:
/// (day, redemption id, reward name, points).
pub async fn shipped_between(
    db: &Db,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    tz: &str,
) -> Result<Vec<(NaiveDate, i64, String, i64)>, sqlx::Error> {
    let sql = format!(
        "{REDEMPTION} where d.tenant_id = $1 and d.status = 'shipped' order by d.shipped_at, d.id"
    );
    let rows = with_db!(db, p => sqlx::query_as::<_, Redemption>(&sql).bind(tenant_id).fetch_all(p).await)?;
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Paris);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let day = chrono::DateTime::from_timestamp(r.shipped_at?, 0)?
                .with_timezone(&tz)
                .date_naive();
            (from <= day && day <= to).then_some((day, r.id, r.reward_name, r.points))
        })
        .collect())
}
