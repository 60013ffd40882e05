//! Bringing the append-only points ledger to what the engine says is due.
//!
//! The ledger is never edited: a correction is a new entry. For every key (challenge, reseller, line,
//! kind, rule or tier, version, status) the ledger's sum must equal the engine's desired points, so the
//! adjustment is simply `desired − already booked`. Consequences, all by construction:
//! - a line that is rejected drops out of the computation, its keys are desired at 0: reversed;
//! - a pending line that gets approved moves: −x pending, +x confirmed;
//! - a new rule version reverses the old version's keys and books the new version's;
//! - reconciling again right after appends nothing.
//!
//! `existing` must cover the same scope as the computation (the whole challenge, all versions), or keys
//! outside the computation would be read as no longer due and reversed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::def::{EntryKind, PointsStatus};
use super::engine::LineEntry;
use super::outcome::Outcome;
use super::tiers::TierEntry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LedgerKey {
    pub challenge_id: i64,
    pub reseller_id: i64,
    /// None for tier bonuses: they belong to the participant, not to the line that reached the tier.
    pub line_id: Option<i64>,
    pub kind: EntryKind,
    /// Rule index for line entries, tier index for tier bonuses.
    pub index: u16,
    pub version: i64,
    pub status: PointsStatus,
}

/// An amount of points under a key: a desired amount, a ledger row, or an adjustment to append.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub key: LedgerKey,
    pub points: i64,
}

impl Outcome {
    /// What the ledger should hold for this challenge (entries cut to 0 by caps are left out).
    pub fn postings(&self) -> impl Iterator<Item = Posting> + '_ {
        let lines = self.line_entries.iter().map(|e| self.line_posting(e));
        let tiers = self.tier_entries.iter().map(|e| self.tier_posting(e));
        lines.chain(tiers).filter(|p| p.points != 0)
    }

    /// One rule's points on one line, under this computation's challenge and version.
    pub fn line_posting(&self, e: &LineEntry) -> Posting {
        Posting {
            key: LedgerKey {
                challenge_id: self.challenge_id,
                reseller_id: e.reseller_id,
                line_id: Some(e.line_id),
                kind: e.kind,
                index: e.rule,
                version: self.version,
                status: e.status,
            },
            points: e.points,
        }
    }

    /// A participant's tier bonus, under this computation's challenge and version.
    pub fn tier_posting(&self, e: &TierEntry) -> Posting {
        Posting {
            key: LedgerKey {
                challenge_id: self.challenge_id,
                reseller_id: e.reseller_id,
                line_id: None,
                kind: EntryKind::Tier,
                index: e.tier,
                version: self.version,
                status: e.status,
            },
            points: e.points,
        }
    }
}

/// The entries to append so that, per key, the ledger sums to the desired points. Sorted by key.
pub fn reconcile(
    desired: impl IntoIterator<Item = Posting>,
    existing: impl IntoIterator<Item = Posting>,
) -> Vec<Posting> {
    let mut due: BTreeMap<LedgerKey, i64> = BTreeMap::new();
    for p in desired {
        *due.entry(p.key).or_default() += p.points;
    }
    for p in existing {
        *due.entry(p.key).or_default() -= p.points;
    }
    due.into_iter()
        .filter(|(_, points)| *points != 0)
        .map(|(key, points)| Posting { key, points })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(line: i64, status: PointsStatus, version: i64) -> LedgerKey {
        LedgerKey {
            challenge_id: 1,
            reseller_id: 7,
            line_id: Some(line),
            kind: EntryKind::Unit,
            index: 0,
            version,
            status,
        }
    }

    fn post(key: LedgerKey, points: i64) -> Posting {
        Posting { key, points }
    }

    #[test]
    fn a_fresh_ledger_gets_the_desired_entries_and_then_nothing() {
        let desired = vec![
            post(key(1, PointsStatus::Confirmed, 1), 6),
            post(key(2, PointsStatus::Pending, 1), 4),
        ];
        let first = reconcile(desired.clone(), vec![]);
        assert_eq!(first, desired);
        assert_eq!(reconcile(desired, first), vec![]);
    }

    #[test]
    fn approval_moves_points_from_pending_to_confirmed() {
        let ledger = vec![post(key(2, PointsStatus::Pending, 1), 4)];
        let desired = vec![post(key(2, PointsStatus::Confirmed, 1), 4)];
        assert_eq!(
            reconcile(desired, ledger),
            vec![
                post(key(2, PointsStatus::Pending, 1), -4),
                post(key(2, PointsStatus::Confirmed, 1), 4)
            ]
        );
    }

    #[test]
    fn a_rejected_line_is_reversed_and_a_new_version_replaces_the_old() {
        // Ledger: line 1 earned 6 then was corrected to 5 (6 − 1); line 2 earned 4. Line 2 is now
        // rejected and version 2 pays line 1 eight points.
        let ledger = vec![
            post(key(1, PointsStatus::Confirmed, 1), 6),
            post(key(1, PointsStatus::Confirmed, 1), -1),
            post(key(2, PointsStatus::Confirmed, 1), 4),
        ];
        let desired = vec![post(key(1, PointsStatus::Confirmed, 2), 8)];
        assert_eq!(
            reconcile(desired, ledger),
            vec![
                post(key(1, PointsStatus::Confirmed, 1), -5),
                post(key(1, PointsStatus::Confirmed, 2), 8),
                post(key(2, PointsStatus::Confirmed, 1), -4),
            ]
        );
    }
}
