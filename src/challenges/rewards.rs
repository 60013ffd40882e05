//! Redeeming rewards against the confirmed balance, and the manager's decisions on redemptions.
//!
//! One write transaction per order: lock the reseller's account, read the balance, take a unit of
//! stock with a conditional update, book the debit. With the lock (PostgreSQL) or the single
//! writer (SQLite, BEGIN IMMEDIATE), no two orders can spend the same points, and the conditional
//! decrement never takes the last unit twice.

use super::TenantPoints;
use crate::db::points::{self as ledger_db, Exec, NewEntry};
use crate::db::rewards as store;
use crate::db::{audit, Db};
use chrono::{Months, NaiveDate};

#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    #[error("no such reward or redemption")]
    NotFound,
    #[error("out of stock")]
    OutOfStock,
    #[error("not enough confirmed points: {available} available, {cost} needed")]
    NotEnoughPoints { available: i64, cost: i64 },
    #[error("the redemption cannot move from its current status")]
    WrongStatus,
    /// The approval, shipping or cancellation asked for has already happened.
    #[error("the redemption is already in that status")]
    AlreadyDone,
    /// This order form was already submitted (a double click): the order it placed.
    #[error("this order was already placed (redemption {0})")]
    AlreadyPlaced(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn expiry(tenant: &TenantPoints, on: NaiveDate) -> Option<NaiveDate> {
    (tenant.validity_months > 0)
        .then(|| on.checked_add_months(Months::new(tenant.validity_months as u32)))
        .flatten()
}

/// Orders one unit of a reward for `reseller_id`; returns the redemption id. An order form's
/// `order_key` makes it one order however many times it is submitted: the key is looked up
/// under the reseller's lock, and a unique index backs that check.
pub async fn redeem(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    user_id: Option<i64>,
    reward_id: i64,
    order_key: Option<&str>,
) -> Result<i64, RedeemError> {
    let mut tx = db.begin().await?;
    if crate::db::network::lock_resellers(&mut tx, tenant_id, &[reseller_id])
        .await?
        .is_empty()
    {
        return Err(RedeemError::NotFound);
    }
    if let Some(key) = order_key {
        if let Some(id) =
            store::redemption_by_order_key(&mut tx, tenant_id, reseller_id, key).await?
        {
            return Err(RedeemError::AlreadyPlaced(id));
        }
    }
    let reward = store::by_id(&mut tx, tenant_id, reward_id)
        .await?
        .filter(|r| r.active)
        .ok_or(RedeemError::NotFound)?;
    let totals = ledger_db::totals(Exec::Tx(&mut tx), tenant_id, reseller_id).await?;
    if totals.available < reward.points_cost {
        return Err(RedeemError::NotEnoughPoints {
            available: totals.available,
            cost: reward.points_cost,
        });
    }
    if store::take_stock(&mut tx, tenant_id, reward_id).await? == 0 {
        return Err(RedeemError::OutOfStock);
    }
    let id = store::insert_redemption(
        &mut tx,
        tenant_id,
        reseller_id,
        reward_id,
        user_id,
        reward.points_cost,
        order_key,
    )
    .await?;
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
    let entry = NewEntry {
        reseller_id,
        challenge_id: None,
        version: None,
        line_id: None,
        kind: "redemption",
        rule_index: None,
        state: "redeemed",
        points: -reward.points_cost,
        reason: "redeemed",
        basis: None,
        rate: None,
        factor_permille: None,
        capped_by: None,
        redemption_id: Some(id),
        booked_on: tenant.today(),
        expires_on: None,
    };
    ledger_db::insert(&mut tx, tenant_id, &[entry]).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id,
            action: "redemption.request",
            entity: "redemption",
            entity_id: id.to_string(),
            detail: serde_json::json!({ "reward_id": reward_id, "points": reward.points_cost }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Why a redemption did not move to `to`: it is not there, it is there already (an earlier
/// request moved it: nothing more to do), or it cannot go there from where it is.
async fn not_moved(
    tx: &mut crate::db::Tx,
    tenant_id: i64,
    id: i64,
    to: &str,
) -> Result<RedeemError, sqlx::Error> {
    Ok(match store::redemption(tx, tenant_id, id).await? {
        None => RedeemError::NotFound,
        Some(r) if r.status == to => RedeemError::AlreadyDone,
        Some(_) => RedeemError::WrongStatus,
    })
}

/// Approve (requested → approved) or mark shipped (requested/approved → shipped); a second
/// request for the same move changes nothing (`AlreadyDone`).
pub async fn set_redemption_status(
    db: &Db,
    tenant_id: i64,
    id: i64,
    to: &str,
    by: Option<i64>,
) -> Result<(), RedeemError> {
    let from: &[&str] = match to {
        "approved" => &["requested"],
        "shipped" => &["requested", "approved"],
        _ => return Err(RedeemError::WrongStatus),
    };
    let mut tx = db.begin().await?;
    if store::set_redemption_status(&mut tx, tenant_id, id, from, to, by).await? == 0 {
        return Err(not_moved(&mut tx, tenant_id, id, to).await?);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id: by,
            action: "redemption.status",
            entity: "redemption",
            entity_id: id.to_string(),
            detail: serde_json::json!({ "status": to }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a redemption that has not shipped: the points come back as a `refund` entry and the
/// unit goes back into stock, once (a second cancellation is `AlreadyDone`).
pub async fn cancel_redemption(
    db: &Db,
    tenant_id: i64,
    id: i64,
    by: Option<i64>,
) -> Result<(), RedeemError> {
    let mut tx = db.begin().await?;
    let r = store::redemption(&mut tx, tenant_id, id)
        .await?
        .ok_or(RedeemError::NotFound)?;
    crate::db::network::lock_resellers(&mut tx, tenant_id, &[r.reseller_id]).await?;
    if store::set_redemption_status(
        &mut tx,
        tenant_id,
        id,
        &["requested", "approved"],
        "cancelled",
        by,
    )
    .await?
        == 0
    {
        return Err(not_moved(&mut tx, tenant_id, id, "cancelled").await?);
    }
    store::return_stock(&mut tx, tenant_id, r.reward_id).await?;
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
    let today = tenant.today();
    let entry = NewEntry {
        reseller_id: r.reseller_id,
        challenge_id: None,
        version: None,
        line_id: None,
        kind: "refund",
        rule_index: None,
        state: "refund",
        points: r.points,
        reason: "cancelled",
        basis: None,
        rate: None,
        factor_permille: None,
        capped_by: None,
        redemption_id: Some(id),
        booked_on: today,
        expires_on: expiry(&tenant, today),
    };
    ledger_db::insert(&mut tx, tenant_id, &[entry]).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id: by,
            action: "redemption.cancel",
            entity: "redemption",
            entity_id: id.to_string(),
            detail: serde_json::json!({ "refund": r.points }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
