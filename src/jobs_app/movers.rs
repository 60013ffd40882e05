//! Challenge leaderboard movers, for the manager digest: how far each participant's rank moved
//! in each live challenge since a week ago.
//!
//! Ranks are not kept over time (the standings hold today's), so last week's rank is rebuilt
//! from the append-only ledger: a participant's entries of the challenge booked before that day
//! are its points then, ranked the way the leaderboard ranks them.

use crate::challenges::standings::ranked;
use crate::db::challenges as store;
use crate::db::points::challenge_points_before;
use crate::db::Db;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One participant whose rank changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub reseller_id: i64,
    pub challenge_id: i64,
    pub challenge: String,
    pub previous_rank: i64,
    pub rank: i64,
    pub participants: i64,
}

impl Movement {
    /// Places gained (positive) or lost (negative).
    pub fn places(&self) -> i64 {
        self.previous_rank - self.rank
    }
}

/// The movements since `week_ago` in the tenant's live challenges: running ones, and those
/// that ended during the week. A challenge that started less than a week ago has no rank to
/// move from and is left out. None when no challenge qualifies (the digest then has no movers
/// section at all).
pub async fn since(
    db: &Db,
    tenant_id: i64,
    week_ago: NaiveDate,
) -> Result<Option<Vec<Movement>>, sqlx::Error> {
    let live: Vec<_> = store::list(db, tenant_id)
        .await?
        .into_iter()
        .filter(|c| {
            c.start_date < week_ago
                && (c.status == "running" || (c.status == "closed" && c.end_date >= week_ago))
        })
        .collect();
    if live.is_empty() {
        return Ok(None);
    }
    let ids: Vec<i64> = live.iter().map(|c| c.id).collect();
    let before = challenge_points_before(db, tenant_id, &ids, week_ago).await?;
    let mut points_then: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    for (challenge, reseller, points) in before {
        points_then
            .entry(challenge)
            .or_default()
            .insert(reseller, points);
    }
    let mut out = Vec::new();
    for c in live {
        let board = ranked(store::standings(db, tenant_id, c.id).await?);
        let ids: Vec<i64> = board.iter().map(|s| s.reseller_id).collect();
        let then = competition_ranks(&ids, points_then.get(&c.id).unwrap_or(&HashMap::new()));
        for s in &board {
            let previous_rank = then[&s.reseller_id];
            if previous_rank != s.rank {
                out.push(Movement {
                    reseller_id: s.reseller_id,
                    challenge_id: c.id,
                    challenge: c.name.clone(),
                    previous_rank,
                    rank: s.rank,
                    participants: board.len() as i64,
                });
            }
        }
    }
    Ok(Some(out))
}

/// Competition ranks ("1, 1, 3") of `ids` on `points`, most points first; an id without points
/// has 0 (it had earned nothing yet).
pub fn competition_ranks(ids: &[i64], points: &HashMap<i64, i64>) -> HashMap<i64, i64> {
    let of = |id: &i64| points.get(id).copied().unwrap_or(0);
    let mut sorted: Vec<i64> = ids.to_vec();
    sorted.sort_by_key(|id| std::cmp::Reverse(of(id)));
    let mut out = HashMap::new();
    let mut previous: Option<(i64, i64)> = None;
    for (i, id) in sorted.iter().enumerate() {
        let rank = match previous {
            Some((p, r)) if p == of(id) => r,
            _ => i as i64 + 1,
        };
        previous = Some((of(id), rank));
        out.insert(*id, rank);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_ties_and_count_missing_points_as_zero() {
        let points = HashMap::from([(1, 30), (2, 50), (3, 30)]);
        let ranks = competition_ranks(&[1, 2, 3, 4, 5], &points);
        let got: Vec<i64> = (1..=5).map(|id| ranks[&id]).collect();
        assert_eq!(got, vec![2, 1, 2, 4, 4]);
    }

    #[test]
    fn places_are_positive_when_climbing() {
        let m = Movement {
            reseller_id: 1,
            challenge_id: 1,
            challenge: "c".into(),
            previous_rank: 5,
            rank: 2,
            participants: 9,
        };
        assert_eq!(m.places(), 3);
    }
}
