//! Standings: what the leaderboards show. Stored per participant by each recomputation; ranks of a
//! running challenge are computed when read (a partial recomputation after one reseller's import
//! changes everybody's rank), and stored once, frozen, at the close.

use crate::db::challenges::{NewStanding, Standing};
use crate::domain::points::outcome::Outcome;
use crate::domain::points::segment::{League, Potential, ResellerType};

/// A league as stored and shown: `reseller:A`.
pub fn league_code(l: League) -> String {
    let t = match l.reseller_type {
        ResellerType::Distributor => "distributor",
        ResellerType::Reseller => "reseller",
        ResellerType::Franchisee => "franchisee",
    };
    let p = match l.potential {
        Potential::A => "A",
        Potential::B => "B",
        Potential::C => "C",
    };
    format!("{t}:{p}")
}

/// Standing rows for the outcome's participants (only `scope`'s when given).
pub fn from_outcome(outcome: &Outcome, scope: Option<&[i64]>) -> Vec<NewStanding> {
    let scope: Option<std::collections::HashSet<i64>> = scope.map(|s| s.iter().copied().collect());
    outcome
        .participants
        .iter()
        .filter(|p| scope.as_ref().is_none_or(|s| s.contains(&p.reseller_id)))
        .map(|p| NewStanding {
            reseller_id: p.reseller_id,
            league: p.league.map(league_code),
            lines: p.lines as i64,
            units: p.units,
            amount_cents: p.amount_cents,
            points_confirmed: p.points_confirmed,
            points_pending: p.points_pending,
            points_capped: p.points_capped,
            tier_basis: p.tier_basis,
            tier_reached: p.tier_reached.map(i64::from),
            next_tier: p.next_tier.map(|n| i64::from(n.next_tier)),
            next_tier_missing: p.next_tier.map(|n| n.missing),
            hit_cap: p.caps_hit.per_participant
                || p.caps_hit.budget
                || !p.caps_hit.months.is_empty(),
            rank: i64::from(p.rank),
            league_rank: i64::from(p.league_rank),
        })
        .collect()
}

/// Sets competition ranks ("1, 1, 3") overall and per league, on points (confirmed + pending),
/// unless the standings are frozen; returns them best first, ties by reseller id.
pub fn ranked(mut rows: Vec<Standing>) -> Vec<Standing> {
    rows.sort_by_key(|s| {
        (
            std::cmp::Reverse(s.points_confirmed + s.points_pending),
            s.reseller_id,
        )
    });
    if rows.iter().any(|s| s.frozen) {
        rows.sort_by_key(|s| (s.rank, s.reseller_id));
        return rows;
    }
    let points = |s: &Standing| s.points_confirmed + s.points_pending;
    let mut previous: Option<(i64, i64)> = None;
    for (i, s) in rows.iter_mut().enumerate() {
        let rank = match previous {
            Some((p, r)) if p == points(s) => r,
            _ => i as i64 + 1,
        };
        previous = Some((points(s), rank));
        s.rank = rank;
    }
    let mut seen: std::collections::HashMap<Option<String>, (usize, i64, i64)> = Default::default();
    for s in rows.iter_mut() {
        let entry = seen.entry(s.league.clone()).or_insert((0, i64::MIN, 0));
        entry.0 += 1;
        if entry.1 != points(s) {
            entry.2 = entry.0 as i64;
            entry.1 = points(s);
        }
        s.league_rank = entry.2;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, league: &str, points: i64) -> Standing {
        Standing {
            challenge_id: 1,
            reseller_id: id,
            code: format!("R{id}"),
            name: String::new(),
            league: Some(league.into()),
            lines: 0,
            units: 0,
            amount_cents: 0,
            points_confirmed: points,
            points_pending: 0,
            points_capped: 0,
            tier_basis: 0,
            tier_reached: None,
            next_tier: None,
            next_tier_missing: None,
            hit_cap: false,
            rank: 0,
            league_rank: 0,
            frozen: false,
        }
    }

    #[test]
    fn ties_share_a_rank_and_leagues_rank_on_their_own() {
        let rows = ranked(vec![
            s(1, "a", 10),
            s(2, "b", 30),
            s(3, "a", 30),
            s(4, "a", 5),
        ]);
        let got: Vec<(i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.reseller_id, r.rank, r.league_rank))
            .collect();
        assert_eq!(got, vec![(2, 1, 1), (3, 1, 1), (1, 3, 2), (4, 4, 3)]);
    }
}
