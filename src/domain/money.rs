//! Money is integer minor units (cents); this module parses user-typed amounts into cents.

/// Parses "12.50", "12,50", "1 234,56 €", "1,234.56" into cents. Returns None for anything else.
/// The last `.` or `,` followed by one or two digits is the decimal separator; other dots,
/// commas, spaces and apostrophes are thousands separators.
pub fn parse_cents(input: &str) -> Option<i64> {
    let cleaned: String = input
        .trim()
        .trim_end_matches('€')
        .trim_start_matches('€')
        .trim_end_matches("EUR")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (int_part, frac_part) = match digits.rfind(['.', ',']) {
        Some(pos) if digits.len() - pos - 1 <= 2 && digits.len() - pos > 1 => {
            (&digits[..pos], &digits[pos + 1..])
        }
        _ => (digits, ""),
    };
    let int_digits: String = int_part
        .chars()
        .filter(|c| *c != '.' && *c != ',')
        .collect();
    if int_digits.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let units: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().ok()?
    };
    let cents: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().ok()? * 10,
        _ => frac_part.parse().ok()?,
    };
    let total = units.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -total } else { total })
}

/// Formats cents as a plain decimal with a dot ("1234.56"), as machine-readable outputs use.
pub fn cents_to_decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (cents / 100).abs(), (cents % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_french_and_english_amounts() {
        assert_eq!(parse_cents("12,50"), Some(1250));
        assert_eq!(parse_cents("12.5"), Some(1250));
        assert_eq!(parse_cents("1 234,56 €"), Some(123456));
        assert_eq!(parse_cents("1,234.56"), Some(123456));
        assert_eq!(parse_cents("1.234"), Some(123400));
        assert_eq!(parse_cents("7"), Some(700));
        assert_eq!(parse_cents("-3,05"), Some(-305));
        assert_eq!(parse_cents("abc"), None);
        assert_eq!(parse_cents(""), None);
        assert_eq!(parse_cents("99999999999999999999"), None);
    }

    proptest! {
        #[test]
        fn decimal_output_parses_back(cents in -10_000_000_000i64..10_000_000_000i64) {
            prop_assert_eq!(parse_cents(&cents_to_decimal(cents)), Some(cents));
        }
    }
}
