//! Declaration cadence: how often a reseller usually declares and whether it is late.
//!
//! The usual cadence is the median gap between consecutive declaration days rather than
//! the mean, so that one long holiday break does not make every later delay look normal.
//! An alert needs at least [`MIN_DECLARATIONS_FOR_ALERT`] declarations (two gaps): with a
//! single gap there is no "usual" to depart from.

use chrono::NaiveDate;
use serde::Serialize;

use super::stats::median;

pub const MIN_DECLARATIONS_FOR_ALERT: usize = 3;
/// The current gap must exceed this many usual gaps to raise an alert.
pub const ALERT_FACTOR: f64 = 2.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cadence {
    /// Distinct declaration days up to `as_of`.
    pub declaration_count: usize,
    pub first_declaration: Option<NaiveDate>,
    pub last_declaration: Option<NaiveDate>,
    /// Median gap in days between consecutive declaration days; `None` below two days.
    pub median_gap_days: Option<f64>,
    /// Days from the last declaration to `as_of`.
    pub current_gap_days: Option<i64>,
    /// `current_gap_days / median_gap_days`: sorts the cadence list, most overdue first.
    pub lateness_ratio: Option<f64>,
    pub alert: bool,
}

/// Computes the cadence of `dates` as seen on `as_of`.
///
/// Duplicates are merged (several declarations on one day are one declaration day, or
/// the median would drop towards zero) and days after `as_of` are left out, so a past
/// `as_of` replays what the cadence was on that day.
pub fn cadence(dates: &[NaiveDate], as_of: NaiveDate) -> Cadence {
    let mut days: Vec<NaiveDate> = dates.iter().copied().filter(|d| *d <= as_of).collect();
    days.sort_unstable();
    days.dedup();

    let gaps: Vec<f64> = days
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days() as f64)
        .collect();
    let median_gap_days = median(&gaps);
    let last_declaration = days.last().copied();
    let current_gap_days = last_declaration.map(|last| (as_of - last).num_days());
    // Gaps between distinct days are at least one, so the ratio never divides by zero.
    let lateness_ratio = median_gap_days
        .zip(current_gap_days)
        .map(|(m, c)| c as f64 / m);
    let alert = days.len() >= MIN_DECLARATIONS_FOR_ALERT
        && lateness_ratio.is_some_and(|ratio| ratio > ALERT_FACTOR);

    Cadence {
        declaration_count: days.len(),
        first_declaration: days.first().copied(),
        last_declaration,
        median_gap_days,
        current_gap_days,
        lateness_ratio,
        alert,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn no_declarations_give_no_numbers_and_no_alert() {
        let c = cadence(&[], d(2026, 4, 1));
        assert_eq!(c.declaration_count, 0);
        assert_eq!(c.median_gap_days, None);
        assert_eq!(c.current_gap_days, None);
        assert!(!c.alert);
    }

    #[test]
    fn single_declaration_has_a_current_gap_but_no_cadence() {
        let c = cadence(&[d(2026, 3, 1)], d(2026, 4, 1));
        assert_eq!(c.current_gap_days, Some(31));
        assert_eq!(c.median_gap_days, None);
        assert_eq!(c.lateness_ratio, None);
        assert!(!c.alert);
    }

    #[test]
    fn weekly_declarer_late_by_more_than_two_weeks_raises_an_alert() {
        // Gaps 7, 7, 8 → median 7; 2026-03-23 → 2026-04-07 is 15 days > 2 × 7.
        let dates = [d(2026, 3, 1), d(2026, 3, 8), d(2026, 3, 15), d(2026, 3, 23)];
        let c = cadence(&dates, d(2026, 4, 7));
        assert_eq!(c.declaration_count, 4);
        assert_eq!(c.first_declaration, Some(d(2026, 3, 1)));
        assert_eq!(c.last_declaration, Some(d(2026, 3, 23)));
        assert_eq!(c.median_gap_days, Some(7.0));
        assert_eq!(c.current_gap_days, Some(15));
        assert!(c.alert);
    }

    #[test]
    fn gap_of_exactly_twice_the_cadence_is_not_yet_an_alert() {
        let dates = [d(2026, 3, 1), d(2026, 3, 8), d(2026, 3, 15)];
        assert!(!cadence(&dates, d(2026, 3, 29)).alert); // 14 = 2 × 7
        assert!(cadence(&dates, d(2026, 3, 30)).alert); // 15 > 14
    }

    #[test]
    fn two_declarations_never_alert_however_late() {
        let c = cadence(&[d(2026, 1, 1), d(2026, 1, 8)], d(2026, 6, 1));
        assert_eq!(c.median_gap_days, Some(7.0));
        assert!(!c.alert);
    }

    #[test]
    fn even_number_of_gaps_takes_the_mean_of_the_middle_two() {
        // Gaps 10, 20, 30, 100 → median 25; one long break does not stretch the cadence.
        let dates = [
            d(2026, 1, 1),
            d(2026, 1, 11),
            d(2026, 1, 31),
            d(2026, 3, 2),
            d(2026, 6, 10),
        ];
        let c = cadence(&dates, d(2026, 6, 20));
        assert_eq!(c.median_gap_days, Some(25.0));
        assert_eq!(c.lateness_ratio, Some(0.4));
    }

    #[test]
    fn duplicate_days_and_days_after_as_of_are_ignored() {
        let dates = [
            d(2026, 3, 8),
            d(2026, 3, 1),
            d(2026, 3, 8),
            d(2026, 3, 15),
            d(2026, 5, 1),
        ];
        let c = cadence(&dates, d(2026, 3, 20));
        assert_eq!(c.declaration_count, 3);
        assert_eq!(c.median_gap_days, Some(7.0));
        assert_eq!(c.current_gap_days, Some(5));
    }
}
