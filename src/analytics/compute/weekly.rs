//! Weekly trend with the previous year's same ISO week overlaid (seasonality).
//!
//! Rows cover every ISO week that overlaps the period, empty weeks included, so charts
//! get a continuous axis. Only days inside the period count; for a partial first or last
//! week, the previous year counts the same weekdays of the same ISO week, so a Wednesday
//! to Sunday is compared with a Wednesday to Sunday and the overlay never looks like a
//! drop that is only a shorter week.
//!
//! Week 53: the previous ISO year has no week 53 (53-week years are never consecutive),
//! so `previous_year_amount` is `None` for it. Comparing with week 52 was rejected: week
//! 52 already sits under this year's week 52, and showing it twice would invent a
//! season. Likewise a previous year's week 53 is overlaid on nothing.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekRow {
    pub iso_year: i32,
    pub iso_week: u32,
    /// The Monday of the ISO week, even when the period starts later in the week.
    pub week_start: NaiveDate,
    /// Days of this week inside the period; under 7 marks a partial first or last week.
    pub days_in_period: u32,
    pub amount: i64,
    /// The same weekdays of the same ISO week one ISO year earlier; `None` for week 53.
    /// Zero means nothing was declared then (the caller knows whether data existed).
    pub previous_year_amount: Option<i64>,
}

/// The same ISO week and weekday one ISO year earlier, if that year has the week.
fn same_day_previous_iso_year(date: NaiveDate) -> Option<NaiveDate> {
    let week = date.iso_week();
    NaiveDate::from_isoywd_opt(week.year() - 1, week.week(), date.weekday())
}

/// The dates the caller must load for [`weekly_trend`] over `period`: from the earliest
/// previous-year day it compares with to the end of the period.
pub fn history_needed(period: Period) -> Period {
    // The mapping keeps the order of days, so the first day that has a previous-year
    // counterpart gives the earliest one; only week-53 days have none.
    let earliest = period
        .from()
        .iter_days()
        .take_while(|day| *day <= period.to())
        .find_map(same_day_previous_iso_year)
        .map_or(period.from(), |day| day.min(period.from()));
    Period::new(earliest, period.to()).expect("earliest is not after the period's end")
}

/// Buckets dated amounts into the ISO weeks of `period`, oldest first.
pub fn weekly_trend(points: &[(NaiveDate, i64)], period: Period) -> Vec<WeekRow> {
    let mut daily: HashMap<NaiveDate, i64> = HashMap::new();
    for (date, amount) in points {
        *daily.entry(*date).or_default() += amount;
    }
    let on = |day: NaiveDate| daily.get(&day).copied().unwrap_or(0);

    let mut rows: Vec<WeekRow> = Vec::new();
    for day in period
        .from()
        .iter_days()
        .take_while(|day| *day <= period.to())
    {
        let week = day.iso_week();
        let starts_new_row = rows
            .last()
            .is_none_or(|row| (row.iso_year, row.iso_week) != (week.year(), week.week()));
        if starts_new_row {
            let days_from_monday = u64::from(day.weekday().num_days_from_monday());
            let has_previous =
                NaiveDate::from_isoywd_opt(week.year() - 1, week.week(), day.weekday());
            rows.push(WeekRow {
                iso_year: week.year(),
                iso_week: week.week(),
                week_start: day - Days::new(days_from_monday),
                days_in_period: 0,
                amount: 0,
                previous_year_amount: has_previous.map(|_| 0),
            });
        }
        let row = rows.last_mut().expect("a row was pushed above");
        row.days_in_period += 1;
        row.amount += on(day);
        if let (Some(total), Some(before)) = (
            row.previous_year_amount.as_mut(),
            same_day_previous_iso_year(day),
        ) {
            *total += on(before);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn period(from: NaiveDate, to: NaiveDate) -> Period {
        Period::new(from, to).unwrap()
    }

    #[test]
    fn weeks_follow_the_iso_calendar_across_new_year() {
        // 2026-01-01 is a Thursday: 2025-12-29 (Monday) starts 2026-W01.
        let points = [
            (d(2025, 12, 28), 100),
            (d(2025, 12, 29), 200),
            (d(2026, 1, 4), 300),
        ];
        let rows = weekly_trend(&points, period(d(2025, 12, 22), d(2026, 1, 4)));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].iso_year, rows[0].iso_week, rows[0].amount),
            (2025, 52, 100)
        );
        assert_eq!(
            (rows[1].iso_year, rows[1].iso_week, rows[1].amount),
            (2026, 1, 500)
        );
        assert_eq!(rows[1].week_start, d(2025, 12, 29));
    }

    #[test]
    fn empty_weeks_are_rows_with_zero() {
        let rows = weekly_trend(&[], period(d(2026, 3, 2), d(2026, 3, 22)));
        assert_eq!(
            rows.iter().map(|r| r.iso_week).collect::<Vec<_>>(),
            vec![10, 11, 12]
        );
        assert!(rows
            .iter()
            .all(|r| r.amount == 0 && r.previous_year_amount == Some(0)));
    }

    #[test]
    fn previous_year_is_the_same_iso_week_not_the_same_date() {
        // 2026-W11 is 9–15 March 2026; 2025-W11 is 10–16 March 2025.
        let points = [
            (d(2026, 3, 10), 1_000),
            (d(2025, 3, 10), 400),  // Monday of 2025-W11
            (d(2025, 3, 16), 600),  // Sunday of 2025-W11
            (d(2025, 3, 9), 9_999), // same date as 2026-03-09 but in 2025-W10
        ];
        let rows = weekly_trend(&points, period(d(2026, 3, 9), d(2026, 3, 15)));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].amount, 1_000);
        assert_eq!(rows[0].previous_year_amount, Some(1_000));
        assert_eq!(rows[0].days_in_period, 7);
    }

    #[test]
    fn partial_weeks_compare_the_same_weekdays_of_the_previous_year() {
        // Period Wednesday 2026-03-11 to Sunday 15: 2025-W11's Monday and Tuesday are out.
        let points = [
            (d(2025, 3, 10), 400),
            (d(2025, 3, 12), 50),
            (d(2026, 3, 9), 7),
        ];
        let rows = weekly_trend(&points, period(d(2026, 3, 11), d(2026, 3, 15)));
        assert_eq!(rows[0].days_in_period, 5);
        assert_eq!(rows[0].week_start, d(2026, 3, 9));
        assert_eq!(rows[0].amount, 0);
        assert_eq!(rows[0].previous_year_amount, Some(50));
    }

    #[test]
    fn week_53_has_no_previous_year_value() {
        // 2026 has 53 ISO weeks: W53 runs 2026-12-28 to 2027-01-03; 2025 has 52.
        let points = [
            (d(2026, 12, 30), 800),
            (d(2025, 12, 22), 300),
            (d(2025, 12, 29), 5),
        ];
        let rows = weekly_trend(&points, period(d(2026, 12, 21), d(2027, 1, 3)));
        assert_eq!(
            (rows[0].iso_week, rows[0].previous_year_amount),
            (52, Some(300))
        );
        assert_eq!((rows[1].iso_year, rows[1].iso_week), (2026, 53));
        assert_eq!(rows[1].amount, 800);
        assert_eq!(rows[1].previous_year_amount, None);
    }

    #[test]
    fn week_after_a_53_week_year_compares_with_week_1() {
        // 2027-W01 (4–10 Jan 2027) ↔ 2026-W01 (29 Dec 2025 – 4 Jan 2026).
        let points = [(d(2025, 12, 29), 70), (d(2026, 12, 28), 9_999)];
        let rows = weekly_trend(&points, period(d(2027, 1, 4), d(2027, 1, 10)));
        assert_eq!((rows[0].iso_year, rows[0].iso_week), (2027, 1));
        assert_eq!(rows[0].previous_year_amount, Some(70));
    }

    #[test]
    fn history_needed_reaches_back_to_the_previous_years_week() {
        let needed = history_needed(period(d(2026, 3, 9), d(2026, 3, 15)));
        assert_eq!(
            (needed.from(), needed.to()),
            (d(2025, 3, 10), d(2026, 3, 15))
        );
        // A period inside week 53 compares with nothing before it.
        let only_53 = period(d(2026, 12, 28), d(2027, 1, 3));
        assert_eq!(history_needed(only_53), only_53);
    }

    proptest! {
        #[test]
        fn weekly_amounts_add_up_to_the_period_total(
            start in 0u64..20_000,
            len in 0u64..400,
            points in prop::collection::vec((0u64..21_000, -10_000i64..10_000), 0..100),
        ) {
            let base = d(1990, 1, 1);
            let range = period(base + Days::new(start), base + Days::new(start + len));
            let points: Vec<_> = points.into_iter().map(|(n, a)| (base + Days::new(n), a)).collect();
            let rows = weekly_trend(&points, range);
            prop_assert_eq!(rows.iter().map(|r| r.amount).sum::<i64>(), range.total(&points));
            prop_assert_eq!(rows.iter().map(|r| u64::from(r.days_in_period)).sum::<u64>(), range.days());
        }
    }
}
