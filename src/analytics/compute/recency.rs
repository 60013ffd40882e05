//! Recency of a reseller's declarations: the colour used on the map, in lists and badges.
//!
//! Thresholds are calendar months before `as_of` (same day of the month, clamped to the
//! month's end: 2026-04-30 minus 2 months is 2026-02-28), because managers think "since
//! mid-February", not "since 59 days". A sale exactly on the threshold date is still on
//! the more recent side.
//!
//! A reseller whose status is `Prospect` is blue even if it has declared sales: the
//! status is the manager's decision about the relationship, and the prospection map and
//! the follow-up lists must not treat a prospect on trial as a lapsed customer. The sales
//! still show on its profile; converting it to active makes its recency count.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::domain::network::ResellerStatus;

/// Recency class (product words: active, to follow up, lapsed, never declared, prospect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recency {
    /// Green: last declared sale within 2 months.
    Active,
    /// Yellow: last declared sale 2 to 4 months ago.
    FollowUp,
    /// Red: last declared sale more than 4 months ago.
    Lapsed,
    /// Purple: in the network but never declared.
    NeverDeclared,
    /// Blue: a prospect, whatever it declared.
    Prospect,
}

impl Recency {
    /// The colour name the templates map to a CSS class; the label is never only a colour.
    pub fn colour(self) -> &'static str {
        match self {
            Recency::Active => "green",
            Recency::FollowUp => "yellow",
            Recency::Lapsed => "red",
            Recency::NeverDeclared => "purple",
            Recency::Prospect => "blue",
        }
    }
}

/// The first dates that still count as active and as to-follow-up for `as_of`.
///
/// Exposed so that SQL filters ("resellers to follow up") use the very same dates as
/// [`classify`]: `last_sale >= active_since` is green, `>= follow_up_since` is yellow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecencyBounds {
    pub active_since: NaiveDate,
    pub follow_up_since: NaiveDate,
}

pub const ACTIVE_MONTHS: u32 = 2;
pub const FOLLOW_UP_MONTHS: u32 = 4;

impl RecencyBounds {
    pub fn for_date(as_of: NaiveDate) -> Self {
        // `checked_sub_months` clamps to the month's end; it fails only near the start
        // of the calendar, where every real sale date is on the recent side anyway.
        let months_before = |n| {
            as_of
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN)
        };
        RecencyBounds {
            active_since: months_before(ACTIVE_MONTHS),
            follow_up_since: months_before(FOLLOW_UP_MONTHS),
        }
    }
}

/// Classifies a reseller. A `last_sale` after `as_of` (a back-dated report) counts as active.
pub fn classify(status: ResellerStatus, last_sale: Option<NaiveDate>, as_of: NaiveDate) -> Recency {
    if status == ResellerStatus::Prospect {
        return Recency::Prospect;
    }
    let Some(last_sale) = last_sale else {
        return Recency::NeverDeclared;
    };
    let bounds = RecencyBounds::for_date(as_of);
    if last_sale >= bounds.active_since {
        Recency::Active
    } else if last_sale >= bounds.follow_up_since {
        Recency::FollowUp
    } else {
        Recency::Lapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn active(last: NaiveDate, as_of: NaiveDate) -> Recency {
        classify(ResellerStatus::Active, Some(last), as_of)
    }

    #[test]
    fn sale_on_the_two_month_boundary_is_still_active() {
        let as_of = d(2026, 4, 15);
        assert_eq!(active(d(2026, 2, 15), as_of), Recency::Active);
        assert_eq!(active(d(2026, 2, 14), as_of), Recency::FollowUp);
    }

    #[test]
    fn sale_on_the_four_month_boundary_is_still_to_follow_up() {
        let as_of = d(2026, 4, 15);
        assert_eq!(active(d(2025, 12, 15), as_of), Recency::FollowUp);
        assert_eq!(active(d(2025, 12, 14), as_of), Recency::Lapsed);
    }

    #[test]
    fn month_end_is_clamped_to_the_shorter_month() {
        // 2026-04-30 − 2 months = 2026-02-28 (no 30 February), − 4 months = 2025-12-30.
        let as_of = d(2026, 4, 30);
        assert_eq!(
            RecencyBounds::for_date(as_of),
            RecencyBounds {
                active_since: d(2026, 2, 28),
                follow_up_since: d(2025, 12, 30)
            }
        );
        assert_eq!(active(d(2026, 2, 28), as_of), Recency::Active);
        assert_eq!(active(d(2026, 2, 27), as_of), Recency::FollowUp);
        assert_eq!(active(d(2025, 12, 30), as_of), Recency::FollowUp);
        assert_eq!(active(d(2025, 12, 29), as_of), Recency::Lapsed);
    }

    #[test]
    fn leap_year_february_keeps_its_29th() {
        let as_of = d(2028, 4, 30);
        assert_eq!(RecencyBounds::for_date(as_of).active_since, d(2028, 2, 29));
    }

    #[test]
    fn sale_today_or_in_the_future_is_active() {
        let as_of = d(2026, 4, 15);
        assert_eq!(active(as_of, as_of), Recency::Active);
        assert_eq!(active(d(2026, 5, 1), as_of), Recency::Active);
    }

    #[test]
    fn network_member_without_sales_is_never_declared_whatever_its_status() {
        let as_of = d(2026, 4, 15);
        assert_eq!(
            classify(ResellerStatus::Active, None, as_of),
            Recency::NeverDeclared
        );
        assert_eq!(
            classify(ResellerStatus::Inactive, None, as_of),
            Recency::NeverDeclared
        );
    }

    #[test]
    fn inactive_status_still_shows_how_recent_its_sales_are() {
        let as_of = d(2026, 4, 15);
        let recency = classify(ResellerStatus::Inactive, Some(d(2026, 4, 1)), as_of);
        assert_eq!(recency, Recency::Active);
    }

    #[test]
    fn prospect_is_blue_even_when_it_has_declared() {
        let as_of = d(2026, 4, 15);
        assert_eq!(
            classify(ResellerStatus::Prospect, None, as_of),
            Recency::Prospect
        );
        let recency = classify(ResellerStatus::Prospect, Some(d(2026, 4, 14)), as_of);
        assert_eq!(recency, Recency::Prospect);
        assert_eq!(recency.colour(), "blue");
    }

    fn severity(r: Recency) -> u8 {
        match r {
            Recency::Active => 0,
            Recency::FollowUp => 1,
            Recency::Lapsed => 2,
            Recency::NeverDeclared | Recency::Prospect => unreachable!("dated sale"),
        }
    }

    proptest! {
        #[test]
        fn later_last_sale_is_never_less_recent(
            as_of_days in 0i64..20_000,
            a in 0i64..20_000,
            b in 0i64..20_000,
        ) {
            let base = d(1990, 1, 1);
            let day = |n: i64| base + chrono::Days::new(n as u64);
            let (earlier, later) = (day(a.min(b)), day(a.max(b)));
            let as_of = day(as_of_days);
            prop_assert!(severity(active(earlier, as_of)) >= severity(active(later, as_of)));
        }
    }
}
