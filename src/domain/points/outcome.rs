//! What a computation returns: the entries, each participant's standing, and the leaderboards.
//!
//! Ranks are competition ranks on total points (confirmed + pending, since leaderboards show the live
//! race): equal points share a rank and the next rank skips, "1, 1, 3". Within a rank, rows are listed by
//! reseller id so that the order is stable.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::def::{CapKind, ChallengeDef, PointsStatus, TierSchedule};
use super::engine::LineEntry;
use super::segment::League;
use super::tiers::{TierEntry, TierProgress};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub challenge_id: i64,
    pub version: i64,
    /// In serving order (declared_on, line_id), rules in definition order within a line.
    pub line_entries: Vec<LineEntry>,
    /// In serving order.
    pub tier_entries: Vec<TierEntry>,
    /// Every eligible reseller, with or without sales, sorted by reseller id.
    pub participants: Vec<ParticipantSummary>,
    pub skipped: Skipped,
    pub budget: Option<BudgetUse>,
}

/// Lines that earned nothing because they do not belong to the challenge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Sale date before the start or after the end.
    pub outside_dates: u64,
    /// The reseller is not eligible (or unknown).
    pub not_participating: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetUse {
    pub budget: i64,
    pub used: i64,
    /// The first line whose points the budget cut: from there on, later lines earn nothing.
    pub exhausted_by_line: Option<i64>,
}

/// The caps that cut at least one of a participant's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapsHit {
    pub per_participant: bool,
    pub budget: bool,
    /// First day of each month whose cap was hit.
    pub months: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantSummary {
    pub reseller_id: i64,
    pub league: Option<League>,
    /// Lines inside the challenge, whether or not a rule paid for them.
    pub lines: u64,
    /// Plain sums over those lines (credits included), for the standings; the tier basis is separate.
    pub units: i64,
    pub amount_cents: i64,
    pub points_confirmed: i64,
    pub points_pending: i64,
    /// Earned but cut by caps or the budget.
    pub points_capped: i64,
    pub tier_basis: i64,
    pub tier_basis_confirmed: i64,
    /// Highest tier reached (index in `levels`), counting pending lines.
    pub tier_reached: Option<u16>,
    pub next_tier: Option<TierProgress>,
    pub caps_hit: CapsHit,
    pub rank: u32,
    /// Rank within the league; equal to `rank` when there are no leagues.
    pub league_rank: u32,
}

impl ParticipantSummary {
    pub(super) fn new(
        reseller_id: i64,
        league: Option<League>,
        lines: u64,
        units: i64,
        amount_cents: i64,
    ) -> Self {
        ParticipantSummary {
            reseller_id,
            league,
            lines,
            units,
            amount_cents,
            points_confirmed: 0,
            points_pending: 0,
            points_capped: 0,
            tier_basis: 0,
            tier_basis_confirmed: 0,
            tier_reached: None,
            next_tier: None,
            caps_hit: CapsHit::default(),
            rank: 0,
            league_rank: 0,
        }
    }

    pub fn points(&self) -> i64 {
        self.points_confirmed.saturating_add(self.points_pending)
    }

    pub(super) fn add(
        &mut self,
        status: PointsStatus,
        earned: i64,
        points: i64,
        capped_by: Option<CapKind>,
    ) {
        match status {
            PointsStatus::Confirmed => {
                self.points_confirmed = self.points_confirmed.saturating_add(points)
            }
            PointsStatus::Pending => {
                self.points_pending = self.points_pending.saturating_add(points)
            }
        }
        self.points_capped = self.points_capped.saturating_add(earned - points);
        match capped_by {
            Some(CapKind::PerParticipant) => self.caps_hit.per_participant = true,
            Some(CapKind::Budget) => self.caps_hit.budget = true,
            Some(CapKind::PerParticipantMonth) | None => {}
        }
    }

    pub(super) fn note_month_cap(&mut self, start: NaiveDate, month: u32) {
        let first = start
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(month)));
        if let Some(first) = first.filter(|f| self.caps_hit.months.last() != Some(f)) {
            self.caps_hit.months.push(first);
            self.caps_hit.months.sort_unstable();
            self.caps_hit.months.dedup();
        }
    }

    pub(super) fn set_tiers(&mut self, schedule: &TierSchedule, basis: i64, confirmed: i64) {
        self.tier_basis = basis;
        self.tier_basis_confirmed = confirmed;
        self.tier_reached = schedule.reached(basis).map(|k| k as u16);
        self.next_tier = schedule.progress(basis);
    }
}

/// Competition ranks ("1, 1, 3") for the participants at `members`, which are ordered by points (desc).
fn rank(members: &[usize], participants: &[ParticipantSummary], mut set: impl FnMut(usize, u32)) {
    let mut previous: Option<(i64, u32)> = None;
    for (position, &i) in members.iter().enumerate() {
        let points = participants[i].points();
        let rank = match previous {
            Some((p, r)) if p == points => r,
            _ => position as u32 + 1,
        };
        previous = Some((points, rank));
        set(i, rank);
    }
}

impl Outcome {
    pub(super) fn assemble(
        def: &ChallengeDef,
        line_entries: Vec<LineEntry>,
        tier_entries: Vec<TierEntry>,
        mut participants: Vec<ParticipantSummary>,
        skipped: Skipped,
        budget: Option<BudgetUse>,
    ) -> Outcome {
        let mut order: Vec<usize> = (0..participants.len()).collect();
        // Participants are sorted by id, and the sort is stable: ties stay in id order.
        order.sort_by_key(|&i| std::cmp::Reverse(participants[i].points()));
        let mut ranks = vec![(0, 0); participants.len()];
        rank(&order, &participants, |i, r| ranks[i].0 = r);
        let mut by_league = order.clone();
        by_league.sort_by_key(|&i| participants[i].league);
        for group in by_league.chunk_by(|&a, &b| participants[a].league == participants[b].league) {
            rank(group, &participants, |i, r| ranks[i].1 = r);
        }
        for (p, (overall, league)) in participants.iter_mut().zip(ranks) {
            p.rank = overall;
            p.league_rank = league;
        }
        Outcome {
            challenge_id: def.id,
            version: def.version,
            line_entries,
            tier_entries,
            participants,
            skipped,
            budget,
        }
    }

    pub fn participant(&self, reseller_id: i64) -> Option<&ParticipantSummary> {
        let i = self
            .participants
            .binary_search_by_key(&reseller_id, |p| p.reseller_id)
            .ok()?;
        Some(&self.participants[i])
    }

    /// The leagues that have at least one participant, in order.
    pub fn leagues(&self) -> Vec<League> {
        let mut leagues: Vec<League> = self.participants.iter().filter_map(|p| p.league).collect();
        leagues.sort_unstable();
        leagues.dedup();
        leagues
    }

    /// The overall leaderboard (`None`) or one league's, best first.
    pub fn leaderboard(&self, league: Option<League>) -> Vec<&ParticipantSummary> {
        let mut rows: Vec<&ParticipantSummary> = self
            .participants
            .iter()
            .filter(|p| league.is_none() || p.league == league)
            .collect();
        let rank = |p: &ParticipantSummary| {
            if league.is_some() {
                p.league_rank
            } else {
                p.rank
            }
        };
        rows.sort_by_key(|p| (rank(p), p.reseller_id));
        rows
    }

    /// Entries of one line, for its statement.
    pub fn line(&self, line_id: i64) -> impl Iterator<Item = &LineEntry> {
        self.line_entries
            .iter()
            .filter(move |e| e.line_id == line_id)
    }
}
