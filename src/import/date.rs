//! Date parsing: Excel serials (1900 and 1904 systems) and the ways people type dates in
//! French, English and Russian files.
//!
//! Rule for `03/08/2026`: day first (the default for French and Russian files) unless the
//! column proves otherwise. `DateOrder::detect` says month-first only when some value has a
//! second part above 12 (`08/25/2026`) and no value has a first part above 12; a column that
//! mixes both is read day-first and the impossible values become `date_invalid` rows.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::cell::Cell;

/// Converts an Excel serial to a date-time.
///
/// 1900 system: Excel counts 1900-02-29, which never existed (the Lotus 1-2-3 leap-year bug),
/// so serials from 61 on are one day ahead of a plain count from 1899-12-31; serial 60 is that
/// phantom day and has no date. 1904 system: days since 1904-01-01.
pub fn serial_to_datetime(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else if days == 60 || days == 0 {
        return None;
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    let date = epoch.checked_add_signed(Duration::days(days))?;
    Some(date.and_time(NaiveTime::MIN) + Duration::seconds(secs.min(86_399)))
}

/// The inverse, for writing dates back (annotated copy, tests).
pub fn date_to_serial(date: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch");
    (date - epoch).num_days() as f64
}

/// Whether `a/b/yyyy` is day/month or month/day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

impl DateOrder {
    pub fn detect<'a>(samples: impl IntoIterator<Item = &'a str>) -> DateOrder {
        let (mut first_big, mut second_big) = (false, false);
        for s in samples {
            if let Some((a, b, _)) = numeric_parts(s) {
                first_big |= a > 12;
                second_big |= b > 12;
            }
        }
        if second_big && !first_big {
            DateOrder::MonthFirst
        } else {
            DateOrder::DayFirst
        }
    }
}

/// Why a value is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotADate;

/// Parses a date cell; numbers are Excel serials of the 1900 system.
pub fn parse_date(cell: &Cell, day_first: bool) -> Result<NaiveDate, NotADate> {
    match cell {
        Cell::Date { serial, is_1904 } => serial_to_datetime(*serial, *is_1904).map(|d| d.date()),
        Cell::Int(i) => serial_to_datetime(*i as f64, false).map(|d| d.date()),
        Cell::Float(f) => serial_to_datetime(*f, false).map(|d| d.date()),
        Cell::Text(s) => parse_date_text(s, day_first),
        _ => None,
    }
    .ok_or(NotADate)
}

/// `d/m/y`-like numeric parts (separators `/`, `.`, `-`), ignoring a trailing time.
fn numeric_parts(s: &str) -> Option<(u32, u32, i32)> {
    let date_part = s.trim().split([' ', 'T']).next()?;
    let parts: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() == 4 {
        return None; // ISO order, handled separately
    }
    let year = parts[2].parse::<i32>().ok()?;
    let year = match parts[2].len() {
        2 => {
            if year < 70 {
                2000 + year
            } else {
                1900 + year
            }
        }
        4 => year,
        _ => return None,
    };
    Some((parts[0].parse().ok()?, parts[1].parse().ok()?, year))
}

fn parse_date_text(s: &str, day_first: bool) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // ISO: 2026-08-03, 2026/08/03, optionally with a time.
    let head = s.split([' ', 'T']).next()?;
    let iso: Vec<&str> = head.split(['-', '/', '.']).collect();
    if iso.len() == 3
        && iso[0].len() == 4
        && iso.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return NaiveDate::from_ymd_opt(
            iso[0].parse().ok()?,
            iso[1].parse().ok()?,
            iso[2].parse().ok()?,
        );
    }
    if let Some((a, b, y)) = numeric_parts(s) {
        let (d, m) = if day_first { (a, b) } else { (b, a) };
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    parse_with_month_name(s)
}

/// `3 août 2026`, `Aug 3, 2026`, `3-Aug-2026`, `3 августа 2026 г.`, `lundi 3 août 2026`.
fn parse_with_month_name(s: &str) -> Option<NaiveDate> {
    let lower = s.to_lowercase();
    let mut month = None;
    let mut numbers = Vec::new();
    for token in lower.split(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '/')) {
        let token = token.trim_matches('.');
        if token.is_empty() {
            continue;
        }
        if let Some(n) = ordinal_digits(token) {
            numbers.push(n);
        } else if token.contains(':') {
            continue; // a time
        } else if let Some(m) = month_from_name(token) {
            if month.replace(m).is_some() {
                return None;
            }
        } else if !is_ignorable_word(token) {
            return None;
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [a, b] if b.len() == 4 => (a.parse().ok()?, b.parse().ok()?),
        [a, b] if a.len() == 4 => (b.parse().ok()?, a.parse().ok()?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `3`, `3rd`, `1er` -> the digits.
fn ordinal_digits(t: &str) -> Option<&str> {
    let digits = ["st", "nd", "rd", "th", "er"]
        .iter()
        .find_map(|suf| t.strip_suffix(suf))
        .unwrap_or(t);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Weekday names and "г." (год) that may surround a date.
fn is_ignorable_word(t: &str) -> bool {
    const WORDS: [&str; 26] = [
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "mon",
        "monday",
        "tue",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
        "г",
        "года",
        "le",
        "of",
        "the",
    ];
    WORDS.contains(&t)
}

/// Month from a French, English or Russian name or abbreviation (case already lowered).
fn month_from_name(token: &str) -> Option<u32> {
    const PREFIXES: [(&str, u32); 32] = [
        ("janv", 1),
        ("jan", 1),
        ("feb", 2),
        ("fév", 2),
        ("fev", 2),
        ("mar", 3),
        ("apr", 4),
        ("avr", 4),
        ("may", 5),
        ("mai", 5),
        ("jun", 6),
        ("juin", 6),
        ("jul", 7),
        ("juil", 7),
        ("aug", 8),
        ("aoû", 8),
        ("aou", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
        ("déc", 12),
        ("янв", 1),
        ("фев", 2),
        ("мар", 3),
        ("апр", 4),
        ("ма", 5),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("окт", 10),
    ];
    const MORE: [(&str, u32); 2] = [("ноя", 11), ("дек", 12)];
    if token.chars().count() < 3 && token != "ма" {
        return None;
    }
    PREFIXES
        .iter()
        .chain(MORE.iter())
        .find(|(p, _)| token.starts_with(p))
        .map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(s: &str, day_first: bool) -> Option<NaiveDate> {
        parse_date(&Cell::Text(s.into()), day_first).ok()
    }

    #[test]
    fn excel_serials_honour_the_1900_bug_and_1904() {
        let at = |s: f64, e| serial_to_datetime(s, e).map(|x| x.date());
        assert_eq!(at(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(at(59.0, false), Some(d(1900, 2, 28)));
        assert_eq!(at(60.0, false), None);
        assert_eq!(at(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(at(46237.0, false), Some(d(2026, 8, 3)));
        assert_eq!(at(46237.0 - 1462.0, true), Some(d(2026, 8, 3)));
        assert_eq!(at(0.0, true), Some(d(1904, 1, 1)));
        assert_eq!(at(-5.0, false), None);
        let dt = serial_to_datetime(46237.4166666667, false).unwrap();
        assert_eq!(dt.format("%H:%M").to_string(), "10:00");
    }

    #[test]
    fn typed_dates_in_three_languages() {
        let want = d(2026, 8, 3);
        for s in [
            "2026-08-03",
            "2026-08-03T10:00",
            "2026-08-03 10:00:00",
            "2026/08/03",
            "03/08/2026",
            "3.8.2026",
            "03-08-26",
            "3/8/2026 10:00",
            "3 août 2026",
            "3 aout 2026",
            "03 Août 2026",
            "lundi 3 août 2026",
            "Aug 3 2026",
            "Aug 3, 2026",
            "3 August 2026",
            "3-Aug-2026",
            "3 августа 2026",
            "3 августа 2026 г.",
            "3rd Aug 2026",
            "1er août 2026",
        ] {
            let expect = if s.starts_with("1er") {
                d(2026, 8, 1)
            } else {
                want
            };
            assert_eq!(text(s, true), Some(expect), "{s}");
        }
        assert_eq!(text("08/03/2026", false), Some(want));
        assert_eq!(text("08/25/2026", true), None);
        assert_eq!(text("31/02/2026", true), None);
        assert_eq!(text("soon", true), None);
        assert_eq!(text("3 truc 2026", true), None);
        assert_eq!(text("3 mai 2026", true), Some(d(2026, 5, 3)));
        assert_eq!(text("3 мая 2026", true), Some(d(2026, 5, 3)));
        assert_eq!(text("15 декабря 2025", true), Some(d(2025, 12, 15)));
    }

    #[test]
    fn month_first_only_when_the_column_proves_it() {
        assert_eq!(
            DateOrder::detect(["08/25/2026", "08/03/2026"]),
            DateOrder::MonthFirst
        );
        assert_eq!(
            DateOrder::detect(["03/08/2026", "04/08/2026"]),
            DateOrder::DayFirst
        );
        assert_eq!(
            DateOrder::detect(["25/08/2026", "08/25/2026"]),
            DateOrder::DayFirst
        );
    }

    proptest! {
        #[test]
        fn dates_round_trip_through_every_written_form(days in 0i64..60_000) {
            let date = d(1950, 1, 1) + Duration::days(days);
            let forms = [
                (date.format("%Y-%m-%d").to_string(), true),
                (date.format("%d/%m/%Y").to_string(), true),
                (date.format("%-d.%-m.%Y").to_string(), true),
                (date.format("%m/%d/%Y").to_string(), false),
                (date.format("%b %-d %Y").to_string(), true),
                (date.format("%-d %B %Y").to_string(), true),
            ];
            for (s, day_first) in forms {
                prop_assert_eq!(text(&s, day_first), Some(date), "{}", s);
            }
            let serial = date_to_serial(date);
            prop_assert_eq!(parse_date(&Cell::Float(serial), true), Ok(date));
            prop_assert_eq!(parse_date(&Cell::Date { serial: serial - 1462.0, is_1904: true }, true), Ok(date));
        }
    }
}
