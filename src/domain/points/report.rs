//! The figures a challenge page and a backtest show: points, cost, and how points spread per league.

use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, ParticipantSummary};
use super::segment::League;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub points_confirmed: i64,
    pub points_pending: i64,
    /// Earned but cut by caps or the budget.
    pub points_capped: i64,
    /// (confirmed + pending) × point value.
    pub cost_cents: i64,
    pub overall: Distribution,
    /// One row per league that has participants; empty without leagues.
    pub leagues: Vec<(League, Distribution)>,
    /// How many participants reached each tier (index = tier), counting pending lines.
    pub reached_tier: Vec<u64>,
    pub hit_participant_cap: u64,
    pub hit_monthly_cap: u64,
    pub hit_budget: u64,
}

/// Points per participant over a group (participants without points included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub count: u64,
    pub total: i64,
    /// The middle value; with an even count, the mean of the two middle values rounded down.
    pub median: i64,
    pub max: i64,
}

impl Distribution {
    pub fn of<'a>(participants: impl Iterator<Item = &'a ParticipantSummary>) -> Distribution {
        let mut points: Vec<i64> = participants.map(ParticipantSummary::points).collect();
        if points.is_empty() {
            return Distribution::default();
        }
        points.sort_unstable();
        let n = points.len();
        let median = if n % 2 == 1 {
            points[n / 2]
        } else {
            (points[n / 2 - 1] + points[n / 2]).div_euclid(2)
        };
        Distribution {
            count: n as u64,
            total: points.iter().sum(),
            median,
            max: points[n - 1],
        }
    }
}

impl Outcome {
    /// `point_value_cents`: what one point costs the manufacturer (reward catalogue value).
    pub fn report(&self, point_value_cents: i64) -> Report {
        let ps = &self.participants;
        let sum =
            |f: fn(&ParticipantSummary) -> i64| ps.iter().map(f).fold(0i64, i64::saturating_add);
        let points_confirmed = sum(|p| p.points_confirmed);
        let points_pending = sum(|p| p.points_pending);
        let tiers = ps
            .iter()
            .filter_map(|p| p.tier_reached)
            .max()
            .map_or(0, |t| t as usize + 1);
        let mut reached_tier = vec![0u64; tiers];
        for t in ps.iter().filter_map(|p| p.tier_reached) {
            // Reaching tier k means reaching every tier below it.
            reached_tier[..=t as usize].iter_mut().for_each(|c| *c += 1);
        }
        let count = |f: fn(&ParticipantSummary) -> bool| ps.iter().filter(|p| f(p)).count() as u64;
        Report {
            points_confirmed,
            points_pending,
            points_capped: sum(|p| p.points_capped),
            cost_cents: points_confirmed
                .saturating_add(points_pending)
                .saturating_mul(point_value_cents),
            overall: Distribution::of(ps.iter()),
            leagues: self
                .leagues()
                .into_iter()
                .map(|l| {
                    (
                        l,
                        Distribution::of(ps.iter().filter(|p| p.league == Some(l))),
                    )
                })
                .collect(),
            reached_tier,
            hit_participant_cap: count(|p| p.caps_hit.per_participant),
            hit_monthly_cap: count(|p| !p.caps_hit.months.is_empty()),
            hit_budget: count(|p| p.caps_hit.budget),
        }
    }
}
