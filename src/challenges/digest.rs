//! The points section of a reseller's weekly digest and of its home card: balance, what the week
//! brought, what expires soon, and where it stands in each running challenge.

use super::standings::ranked;
use crate::db::challenges::Standing;
use crate::db::points::{self as ledger_db, Exec};
use crate::db::{challenges as store, Db};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// Days ahead for the "expiring soon" figure.
pub const EXPIRY_NOTICE_DAYS: u64 = 30;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChallengeStanding {
    pub challenge_id: i64,
    pub name: String,
    pub end: NaiveDate,
    pub points: i64,
    pub rank: i64,
    pub participants: i64,
    pub league_rank: i64,
    pub league_size: i64,
    /// Units or cents still missing for the next tier, when there is one.
    pub next_tier_missing: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PointsDigest {
    pub available: i64,
    pub pending: i64,
    /// Net points booked on or after `since` (credits minus debits).
    pub booked_since: i64,
    pub expiring_soon: i64,
    pub challenges: Vec<ChallengeStanding>,
}

/// Ranked leaderboards already read, by challenge: a job building the digests of many resellers
/// reads and ranks each challenge's standings once, not once per reseller.
#[derive(Debug, Default)]
pub struct Boards(HashMap<i64, Vec<Standing>>);

/// For the reseller digest (jobs) and the home card: `since` is the start of the digest's week.
pub async fn points_digest(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    today: NaiveDate,
    since: NaiveDate,
) -> Result<PointsDigest, sqlx::Error> {
    points_digest_with(
        db,
        tenant_id,
        reseller_id,
        today,
        since,
        &mut Boards::default(),
    )
    .await
}

/// [`points_digest`] reusing (and filling) `boards` across resellers.
pub async fn points_digest_with(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    today: NaiveDate,
    since: NaiveDate,
    boards: &mut Boards,
) -> Result<PointsDigest, sqlx::Error> {
    let totals = ledger_db::totals(Exec::Db(db), tenant_id, reseller_id).await?;
    let booked_since = ledger_db::booked_since(db, tenant_id, reseller_id, since).await?;
    let expiring_soon =
        super::expiry::expiring_within(db, tenant_id, reseller_id, today, EXPIRY_NOTICE_DAYS)
            .await?;
    let mut challenges = Vec::new();
    for (c, _) in store::of_reseller(db, tenant_id, reseller_id).await? {
        if c.status != "running" {
            continue;
        }
        let board = match boards.0.entry(c.id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(ranked(store::standings(db, tenant_id, c.id).await?))
            }
        };
        let Some(me) = board.iter().find(|s| s.reseller_id == reseller_id) else {
            continue;
        };
        challenges.push(ChallengeStanding {
            challenge_id: c.id,
            name: c.name.clone(),
            end: c.end_date,
            points: me.points_confirmed + me.points_pending,
            rank: me.rank,
            participants: board.len() as i64,
            league_rank: me.league_rank,
            league_size: board.iter().filter(|s| s.league == me.league).count() as i64,
            next_tier_missing: me.next_tier_missing,
        });
    }
    Ok(PointsDigest {
        available: totals.available,
        pending: totals.pending,
        booked_since,
        expiring_soon,
        challenges,
    })
}
