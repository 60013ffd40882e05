//! Number formatting for SVG: coordinates, value labels and text measurement.

use crate::i18n::{money, number, t, Lang};

use super::ValueKind;

/// The spaces `i18n::money` puts in French amounts (narrow no-break, no-break).
const FR_GROUP: char = '\u{202F}';
const NBSP: char = '\u{A0}';

/// A coordinate with at most one decimal: enough below a pixel, and identical output for identical
/// input (no `-0`, no float noise in the markup).
pub(crate) fn coord(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        format!("{sign}{}.{}", abs / 10, abs % 10)
    }
}

impl ValueKind {
    /// The exact value, as in tables: `1 234,56 €`, `1 234`.
    pub fn format(&self, value: i64, lang: Lang) -> String {
        match self {
            ValueKind::Money(currency) => money(value, currency, lang),
            ValueKind::Count => number(value, lang),
        }
    }

    /// The value rounded to whole currency units, for labels on the chart itself where cents are
    /// noise: `1 235 €`, `€1,235`.
    pub fn format_short(&self, value: i64, lang: Lang) -> String {
        match self {
            ValueKind::Money(currency) => {
                let units = (value as f64 / 100.0).round() as i64;
                whole_money(units * 100, currency, lang)
            }
            ValueKind::Count => number(value, lang),
        }
    }

    /// The value axis title: `Sales value (EUR)`, `Quantity`.
    pub fn axis_title(&self, lang: Lang) -> String {
        match self {
            ValueKind::Money(currency) => {
                format!(
                    "{} ({})",
                    t(lang, "chart.axis.value"),
                    currency.to_uppercase()
                )
            }
            ValueKind::Count => t(lang, "chart.axis.quantity").to_string(),
        }
    }
}

/// `money` without the `,00`: the locale rules (sign position, separators) stay those of
/// `i18n::money`, only the zero decimals go.
fn whole_money(cents: i64, currency: &str, lang: Lang) -> String {
    let full = money(cents, currency, lang);
    match lang {
        // "1 234,00 €": the decimals sit before the no-break space and the sign.
        Lang::Fr => full.replacen(&format!(",00{NBSP}"), &NBSP.to_string(), 1),
        // "€1,234.00" or "CHF 1,234.00": the decimals end the string.
        Lang::En => full
            .strip_suffix(".00")
            .map_or(full.clone(), str::to_string),
    }
}

/// A ratio as a whole percentage for axis ticks: `20 %` / `20%`.
pub(crate) fn whole_percent(ratio: f64, lang: Lang) -> String {
    let n = number((ratio * 100.0).round() as i64, lang);
    match lang {
        Lang::Fr => format!("{n}{FR_GROUP}%"),
        Lang::En => format!("{n}%"),
    }
}

/// Approximate rendered width of `text` in DejaVu Sans at `size` px. DejaVu averages ~0.6 em per
/// character for mixed text (digits are 0.64 em); erring wide keeps labels from colliding.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            FR_GROUP | NBSP | ' ' | '.' | ',' | ':' | 'i' | 'l' | 'j' | '\'' | '’' => 0.33,
            'm' | 'w' | 'M' | 'W' | '€' | '%' => 0.9,
            c if c.is_uppercase() => 0.7,
            _ => 0.61,
        })
        .sum::<f64>()
        * size
}

/// `text` cut to `max` characters with an ellipsis; the full text stays in a `<title>` tooltip and
/// in the data table.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// An element id built from the caller's chart id: only `[A-Za-z0-9_-]` survive, so the
/// `aria-labelledby` references can never break out of the attribute or clash with CSS syntax.
pub(crate) fn element_id(id: &str, suffix: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = if clean.is_empty() {
        "chart".to_string()
    } else {
        clean
    };
    format!("{clean}-{suffix}")
}

/// A share of a total; 0 when the total is 0 (an empty chart shows 0 %, not NaN).
pub(crate) fn share(part: i64, total: i64) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_stable_decimal() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.345), "12.3");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(-3.25), "-3.3");
    }

    #[test]
    fn short_money_drops_the_cents_in_both_languages() {
        let eur = ValueKind::Money("EUR".into());
        assert_eq!(
            eur.format_short(12_345_678, Lang::Fr),
            "123\u{202F}457\u{A0}€"
        );
        assert_eq!(eur.format_short(10_000_000, Lang::En), "€100,000");
        let chf = ValueKind::Money("CHF".into());
        assert_eq!(chf.format_short(100_000, Lang::En), "CHF\u{A0}1,000");
        assert_eq!(chf.format_short(100_000, Lang::Fr), "1\u{202F}000\u{A0}CHF");
    }

    #[test]
    fn ids_cannot_escape_their_attribute() {
        assert_eq!(element_id("a\" onload=x", "title"), "a--onload-x-title");
        assert_eq!(element_id("", "desc"), "chart-desc");
    }
}
