//! What is left under each cap while entries are served in order (first-declared, first-served).

use chrono::{Datelike, NaiveDate};

use super::def::{CapKind, Caps};

pub(super) struct CapState {
    participant_left: Vec<i64>,
    /// participant × month, row-major; empty without a monthly cap.
    month_left: Vec<i64>,
    months: usize,
    budget_left: i64,
}

/// Months since the challenge's first month (0 for the first); sale dates are inside the challenge.
pub(super) fn month_index(start: NaiveDate, date: NaiveDate) -> usize {
    let months = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    (months(date) - months(start)).max(0) as usize
}

impl CapState {
    pub fn new(caps: &Caps, participants: usize, start: NaiveDate, end: NaiveDate) -> CapState {
        let months = month_index(start, end) + 1;
        CapState {
            participant_left: vec![caps.per_participant.unwrap_or(i64::MAX); participants],
            month_left: match caps.per_participant_month {
                Some(cap) => vec![cap; participants * months],
                None => Vec::new(),
            },
            months,
            budget_left: caps.budget.unwrap_or(i64::MAX),
        }
    }

    /// Grants up to `earned` points to participant `p`; `month` is `None` for points the monthly cap does
    /// not cover (tier bonuses). Returns the points granted and, when that is less than earned, the
    /// tightest cap (monthly, then per-participant, then budget on a tie).
    pub fn take(&mut self, earned: i64, p: usize, month: Option<usize>) -> (i64, Option<CapKind>) {
        let month_slot = month
            .filter(|_| !self.month_left.is_empty())
            .map(|m| p * self.months + m);
        let limits = [
            (
                CapKind::PerParticipantMonth,
                month_slot.map(|i| self.month_left[i]),
            ),
            (CapKind::PerParticipant, Some(self.participant_left[p])),
            (CapKind::Budget, Some(self.budget_left)),
        ];
        let mut points = earned;
        let mut capped_by = None;
        for (kind, left) in limits {
            if let Some(left) = left.filter(|left| *left < points) {
                points = left;
                capped_by = Some(kind);
            }
        }
        if let Some(i) = month_slot {
            self.month_left[i] -= points;
        }
        self.participant_left[p] -= points;
        self.budget_left -= points;
        (points, capped_by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_count_across_years() {
        assert_eq!(month_index(d(2025, 11, 15), d(2025, 11, 30)), 0);
        assert_eq!(month_index(d(2025, 11, 15), d(2026, 2, 1)), 3);
    }

    #[test]
    fn the_tightest_cap_cuts_and_everything_left_shrinks() {
        let caps = Caps {
            per_participant: Some(100),
            per_participant_month: Some(30),
            budget: Some(1000),
        };
        let mut s = CapState::new(&caps, 2, d(2026, 1, 1), d(2026, 3, 31));
        assert_eq!(s.take(20, 0, Some(0)), (20, None));
        assert_eq!(
            s.take(20, 0, Some(0)),
            (10, Some(CapKind::PerParticipantMonth))
        ); // 30 − 20
        assert_eq!(s.take(20, 0, Some(1)), (20, None)); // a new month
        assert_eq!(s.take(80, 0, None), (50, Some(CapKind::PerParticipant))); // 100 − 50; no month for tiers
        assert_eq!(s.take(5, 0, Some(2)), (0, Some(CapKind::PerParticipant)));
        assert_eq!(s.take(30, 1, Some(2)), (30, None)); // the other participant is untouched
    }

    #[test]
    fn no_caps_means_no_cut() {
        let mut s = CapState::new(&Caps::default(), 1, d(2026, 1, 1), d(2026, 1, 31));
        assert_eq!(s.take(i64::MAX / 2, 0, Some(0)), (i64::MAX / 2, None));
    }
}
