//! Declaration periods: a tenant collects sell-out by ISO week or by calendar month.

use chrono::{Datelike, Duration, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Week,
    Month,
}

impl PeriodKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }
}

/// An inclusive range of calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The period of the given kind that contains `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        match kind {
            PeriodKind::Week => {
                let start = day - Duration::days(day.weekday().num_days_from_monday() as i64);
                Period {
                    start,
                    end: start + Duration::days(6),
                }
            }
            PeriodKind::Month => {
                let start = day.with_day(1).expect("day 1 exists");
                Period {
                    start,
                    end: last_day_of_month(start),
                }
            }
        }
    }

    /// The period before this one.
    pub fn previous(self, kind: PeriodKind) -> Period {
        Period::containing(kind, self.start - Duration::days(1))
    }

    /// Parses "2026-08" (a month) into its period.
    pub fn parse_month(s: &str) -> Option<Period> {
        let start = NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()?;
        Some(Period {
            start,
            end: last_day_of_month(start),
        })
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

pub fn last_day_of_month(day: NaiveDate) -> NaiveDate {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid month") - Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_contain_their_days() {
        let w = Period::containing(PeriodKind::Week, d("2026-11-26"));
        assert_eq!((w.start, w.end), (d("2026-11-23"), d("2026-11-29")));
        let m = Period::containing(PeriodKind::Month, d("2024-02-10"));
        assert_eq!((m.start, m.end), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(m.previous(PeriodKind::Month).start, d("2024-01-01"));
        assert_eq!(Period::parse_month("2026-12").unwrap().end, d("2026-12-31"));
        assert_eq!(Period::parse_month("2026-13"), None);
    }
}
