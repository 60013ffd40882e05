//! What the scheduled emails remember: who unsubscribed from which list (`email_unsubscribes`),
//! each message recorded before it is sent (`email_sends`), and each declaration reminder step
//! claimed per reseller and period (`reminder_sends`). The unique keys of the two send tables
//! are what make "at most once" hold across restarts and servers.

use super::{now, Db};
use crate::with_db;
use chrono::NaiveDate;
use std::collections::HashSet;

pub async fn unsubscribe(db: &Db, user_id: i64, kind: &str) -> Result<(), sqlx::Error> {
    let sql = "insert into email_unsubscribes (user_id, kind, created_at) values ($1, $2, $3) on conflict do nothing";
    with_db!(db, p => sqlx::query(sql).bind(user_id).bind(kind).bind(now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The unsubscribed users of one kind, loaded once per job run.
pub async fn unsubscribed_users(db: &Db, kind: &str) -> Result<HashSet<i64>, sqlx::Error> {
    let sql = "select user_id from email_unsubscribes where kind = $1";
    let ids: Vec<i64> = with_db!(db, p => sqlx::query_scalar(sql).bind(kind).fetch_all(p).await)?;
    Ok(ids.into_iter().collect())
}

/// Records a message about to be sent; None when this (user, kind, period) was already
/// recorded, by an earlier run or by another server at the same moment.
pub async fn record_send(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    kind: &str,
    period_key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "insert into email_sends (tenant_id, user_id, kind, period_key, created_at) \
               values ($1, $2, $3, $4, $5) on conflict do nothing returning id";
    with_db!(db, p => sqlx::query_scalar(sql)
        .bind(tenant_id).bind(user_id).bind(kind).bind(period_key).bind(now())
        .fetch_optional(p).await)
}

/// Records how a recorded message went: `sent`, or `failed` with its last error.
pub async fn record_outcome(
    db: &Db,
    send_id: i64,
    status: &str,
    attempts: u32,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let sql = "update email_sends set status = $1, attempts = $2, last_error = $3, \
               sent_at = case when $1 = 'sent' then $4 else null end where id = $5";
    with_db!(db, p => sqlx::query(sql)
        .bind(status).bind(attempts as i64).bind(error).bind(now()).bind(send_id)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a reminder step for a reseller; false when it was already sent.
pub async fn claim_reminder(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    period_start: NaiveDate,
    step: usize,
) -> Result<bool, sqlx::Error> {
    let sql = "insert into reminder_sends (tenant_id, reseller_id, period_start, step, sent_at) \
               values ($1, $2, $3, $4, $5) on conflict do nothing returning id";
    let id: Option<i64> = with_db!(db, p => sqlx::query_scalar(sql)
        .bind(tenant_id).bind(reseller_id).bind(period_start.to_string()).bind(step as i64).bind(now())
        .fetch_optional(p).await)?;
    Ok(id.is_some())
}
