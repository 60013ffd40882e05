//! Locale formatting of money, numbers, percentages, dates and weeks.
//!
//! French follows CLDR: a narrow no-break space (U+202F) groups thousands and precedes `%`, a
//! no-break space (U+00A0) separates the amount from the currency sign, so neither ever wraps
//! onto its own line.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::Lang;

/// Thousands separator in French (NARROW NO-BREAK SPACE).
pub(crate) const FR_GROUP: char = '\u{202F}';
/// Between an amount and its currency sign in French (NO-BREAK SPACE).
pub(crate) const NBSP: char = '\u{A0}';

fn group(digits: &str, lang: Lang) -> String {
    let sep = match lang {
        Lang::Fr => FR_GROUP,
        Lang::En => ',',
    };
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn decimal_mark(lang: Lang) -> char {
    match lang {
        Lang::Fr => ',',
        Lang::En => '.',
    }
}

fn currency_symbol(currency: &str) -> Option<&'static str> {
    match currency.to_ascii_uppercase().as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    }
}

/// An amount in minor units (cents) with its ISO 4217 currency: `1 234,56 €` / `€1,234.56`.
///
/// Currencies without a known sign show their code (`1 234,56 CHF` / `CHF 1,234.56`). All
/// currencies are assumed to have two decimals, as in the rest of Relais.
pub fn money(cents: i64, currency: &str, lang: Lang) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let amount = format!(
        "{}{}{:02}",
        group(&(abs / 100).to_string(), lang),
        decimal_mark(lang),
        abs % 100
    );
    match (lang, currency_symbol(currency)) {
        (Lang::Fr, symbol) => format!("{sign}{amount}{NBSP}{}", symbol.unwrap_or(currency)),
        (Lang::En, Some(symbol)) => format!("{sign}{symbol}{amount}"),
        (Lang::En, None) => format!("{sign}{currency}{NBSP}{amount}"),
    }
}

/// A whole number with thousands grouped: `1 234 567` / `1,234,567`.
pub fn number(n: i64, lang: Lang) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(&n.unsigned_abs().to_string(), lang))
}

/// A decimal number rounded to `digits` decimals: `1 234,5` / `1,234.5`; `—` when not finite.
pub fn decimal(x: f64, digits: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let formatted = format!("{:.*}", digits, x.abs());
    let (int, frac) = formatted
        .split_once('.')
        .unwrap_or((formatted.as_str(), ""));
    // "-0,0" reads as an error to a user: only show the sign when something non-zero remains.
    let is_zero = formatted.chars().all(|c| c == '0' || c == '.');
    let sign = if x < 0.0 && !is_zero { "-" } else { "" };
    let mut out = format!("{sign}{}", group(int, lang));
    if !frac.is_empty() {
        out.push(decimal_mark(lang));
        out.push_str(frac);
    }
    out
}

/// A ratio shown as a percentage with one decimal: 0.123 → `12,3 %` / `12.3%`.
pub fn percent(ratio: f64, lang: Lang) -> String {
    let value = decimal(ratio * 100.0, 1, lang);
    if !ratio.is_finite() {
        return value;
    }
    match lang {
        Lang::Fr => format!("{value}{FR_GROUP}%"),
        Lang::En => format!("{value}%"),
    }
}

/// A calendar date: `23/11/2026` / `2026-11-23`.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A date and time already converted to the tenant's time zone: `23/11/2026 14:05` /
/// `2026-11-23 14:05`.
pub fn datetime(dt: NaiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::Fr => dt.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => dt.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// How long ago, in days: 0 → today, 1 → yesterday, 3 → `il y a 3 jours` / `3 days ago`;
/// negative values are in the future (`dans 3 jours` / `in 3 days`).
pub fn relative_days(days: i64, lang: Lang) -> String {
    match (lang, days) {
        (Lang::Fr, 0) => "aujourd’hui".to_string(),
        (Lang::En, 0) => "today".to_string(),
        (Lang::Fr, 1) => "hier".to_string(),
        (Lang::En, 1) => "yesterday".to_string(),
        (Lang::Fr, -1) => "demain".to_string(),
        (Lang::En, -1) => "tomorrow".to_string(),
        (Lang::Fr, n) if n > 0 => format!("il y a {} jours", number(n, lang)),
        (Lang::En, n) if n > 0 => format!("{} days ago", number(n, lang)),
        (Lang::Fr, n) => format!("dans {} jours", number(-n, lang)),
        (Lang::En, n) => format!("in {} days", number(-n, lang)),
    }
}

/// A month and its year: `novembre 2026` / `November 2026`.
pub fn month(d: NaiveDate, lang: Lang) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = d.month0() as usize;
    match lang {
        Lang::Fr => format!("{} {}", FR[i], d.year()),
        Lang::En => format!("{} {}", EN[i], d.year()),
    }
}

/// The ISO week containing `d`: `S47 2026` / `2026-W47`. Uses the ISO week-numbering year, so
/// 2027-01-01 is in `2026-W53`.
pub fn iso_week(d: NaiveDate, lang: Lang) -> String {
    let week = d.iso_week();
    match lang {
        Lang::Fr => format!("S{:02} {}", week.week(), week.year()),
        Lang::En => format!("{}-W{:02}", week.year(), week.week()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_french_uses_narrow_group_and_no_break_space_before_the_sign() {
        assert_eq!(money(123456, "EUR", Lang::Fr), "1\u{202F}234,56\u{A0}€");
        assert_eq!(money(-5, "EUR", Lang::Fr), "-0,05\u{A0}€");
        assert_eq!(
            money(123456789, "CHF", Lang::Fr),
            "1\u{202F}234\u{202F}567,89\u{A0}CHF"
        );
    }

    #[test]
    fn money_in_english_puts_the_sign_first() {
        assert_eq!(money(123456, "EUR", Lang::En), "€1,234.56");
        assert_eq!(money(-123456, "usd", Lang::En), "-$1,234.56");
        assert_eq!(money(100, "CHF", Lang::En), "CHF\u{A0}1.00");
        assert_eq!(money(0, "EUR", Lang::En), "€0.00");
    }

    #[test]
    fn numbers_and_decimals_group_thousands() {
        assert_eq!(number(1234567, Lang::Fr), "1\u{202F}234\u{202F}567");
        assert_eq!(number(-1234, Lang::En), "-1,234");
        assert_eq!(number(999, Lang::En), "999");
        assert_eq!(decimal(1234.56, 1, Lang::Fr), "1\u{202F}234,6");
        assert_eq!(decimal(1234.56, 0, Lang::En), "1,235");
        assert_eq!(decimal(-0.01, 1, Lang::En), "0.0");
        assert_eq!(decimal(f64::NAN, 1, Lang::En), "—");
    }

    #[test]
    fn percent_has_one_decimal() {
        assert_eq!(percent(0.123, Lang::Fr), "12,3\u{202F}%");
        assert_eq!(percent(0.123, Lang::En), "12.3%");
        assert_eq!(percent(-0.5, Lang::En), "-50.0%");
    }

    #[test]
    fn dates_follow_each_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date(d, Lang::Fr), "23/11/2026");
        assert_eq!(date(d, Lang::En), "2026-11-23");
        let dt = d.and_hms_opt(14, 5, 0).unwrap();
        assert_eq!(datetime(dt, Lang::Fr), "23/11/2026 14:05");
        assert_eq!(datetime(dt, Lang::En), "2026-11-23 14:05");
    }

    #[test]
    fn iso_weeks_use_the_iso_year() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(iso_week(d, Lang::En), "2026-W48");
        assert_eq!(iso_week(d, Lang::Fr), "S48 2026");
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(iso_week(new_year, Lang::En), "2026-W53");
    }

    #[test]
    fn relative_days_reads_naturally() {
        assert_eq!(relative_days(0, Lang::Fr), "aujourd’hui");
        assert_eq!(relative_days(1, Lang::En), "yesterday");
        assert_eq!(relative_days(3, Lang::Fr), "il y a 3 jours");
        assert_eq!(relative_days(3, Lang::En), "3 days ago");
        assert_eq!(relative_days(-2, Lang::En), "in 2 days");
    }
}
