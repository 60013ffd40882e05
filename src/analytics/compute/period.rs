//! Period comparison: a range against the range of the same length just before it.
//!
//! The dashboard's "vs previous period" figures. Ranges are inclusive, so 1–31 March
//! (31 days) compares with 29 January–28 February (the 31 days before), not with
//! February as a month: equal lengths keep the comparison fair whatever the months.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::error::AnalyticsError;

/// An inclusive range of calendar dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, AnalyticsError> {
        if to < from {
            return Err(AnalyticsError::InvalidRange { from, to });
        }
        Ok(Period { from, to })
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Number of days, both ends included (a one-day period has 1).
    pub fn days(&self) -> u64 {
        (self.to - self.from).num_days() as u64 + 1
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The period of the same length ending the day before this one starts.
    ///
    /// Saturates at the start of the calendar, which no sale date reaches.
    pub fn previous(&self) -> Period {
        let to = self
            .from
            .checked_sub_days(Days::new(1))
            .unwrap_or(NaiveDate::MIN);
        let from = self
            .from
            .checked_sub_days(Days::new(self.days()))
            .unwrap_or(NaiveDate::MIN);
        Period { from, to }
    }

    /// Sum of the amounts dated inside the period.
    pub fn total(&self, points: &[(NaiveDate, i64)]) -> i64 {
        points
            .iter()
            .filter(|(date, _)| self.contains(*date))
            .map(|(_, amount)| amount)
            .sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    pub current: i64,
    pub previous: i64,
    /// `current − previous`.
    pub change: i64,
    /// Change in percent of the previous value; `None` when the previous value is 0,
    /// where any growth would be infinite and the UI shows "new" instead.
    pub change_pct: Option<f64>,
}

/// Compares two totals. The percentage is relative to `|previous|`, so that a rise is
/// positive even from a negative previous total (more credit notes than sales).
pub fn compare(current: i64, previous: i64) -> Comparison {
    let change = current - previous;
    let change_pct =
        (previous != 0).then(|| change as f64 / previous.unsigned_abs() as f64 * 100.0);
    Comparison {
        current,
        previous,
        change,
        change_pct,
    }
}

/// Totals `points` over `period` and over the period before it, and compares them.
pub fn compare_with_previous(points: &[(NaiveDate, i64)], period: Period) -> Comparison {
    compare(period.total(points), period.previous().total(points))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn range_ending_before_it_starts_is_rejected() {
        let err = Period::new(d(2026, 3, 2), d(2026, 3, 1)).unwrap_err();
        assert_eq!(
            err,
            AnalyticsError::InvalidRange {
                from: d(2026, 3, 2),
                to: d(2026, 3, 1)
            }
        );
    }

    #[test]
    fn march_compares_with_the_31_days_before_it() {
        let march = Period::new(d(2026, 3, 1), d(2026, 3, 31)).unwrap();
        assert_eq!(march.days(), 31);
        let previous = march.previous();
        assert_eq!(
            (previous.from(), previous.to()),
            (d(2026, 1, 29), d(2026, 2, 28))
        );
    }

    #[test]
    fn single_day_compares_with_the_day_before() {
        let day = Period::new(d(2026, 3, 1), d(2026, 3, 1)).unwrap();
        let previous = day.previous();
        assert_eq!(
            (previous.from(), previous.to()),
            (d(2026, 2, 28), d(2026, 2, 28))
        );
    }

    #[test]
    fn change_is_relative_to_the_previous_total() {
        let c = compare(15_000, 12_000);
        assert_eq!(c.change, 3_000);
        assert_eq!(c.change_pct, Some(25.0));
        assert_eq!(compare(9_000, 12_000).change_pct, Some(-25.0));
    }

    #[test]
    fn no_previous_sales_give_no_percentage() {
        assert_eq!(compare(5_000, 0).change_pct, None);
        assert_eq!(compare(0, 0).change_pct, None);
    }

    #[test]
    fn rise_from_a_negative_total_is_positive() {
        assert_eq!(compare(1_000, -1_000).change_pct, Some(200.0));
    }

    #[test]
    fn totals_take_only_the_dates_inside_each_period_both_ends_included() {
        let week = Period::new(d(2026, 3, 8), d(2026, 3, 14)).unwrap();
        let points = [
            (d(2026, 3, 1), 100),  // previous: 1–7 March
            (d(2026, 3, 7), 200),  // previous, last day
            (d(2026, 3, 8), 1000), // current, first day
            (d(2026, 3, 14), 500), // current, last day
            (d(2026, 3, 15), 9999),
            (d(2026, 2, 28), 9999),
        ];
        let c = compare_with_previous(&points, week);
        assert_eq!((c.current, c.previous), (1500, 300));
        assert_eq!(c.change_pct, Some(400.0));
    }

    proptest! {
        #[test]
        fn previous_period_has_the_same_length_and_ends_the_day_before(
            start in 0u64..40_000, len in 0u64..800,
        ) {
            let from = d(1970, 1, 1) + Days::new(start);
            let period = Period::new(from, from + Days::new(len)).unwrap();
            let previous = period.previous();
            prop_assert_eq!(previous.days(), period.days());
            prop_assert_eq!(previous.to() + Days::new(1), period.from());
        }
    }
}
