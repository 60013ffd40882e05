//! Cell values as read from any format, and number parsing.
//!
//! Numbers are parsed into an exact `Decimal` (never a float) so that money becomes integer
//! cents with one rounding step (half away from zero) and quantities can be checked for
//! wholeness without float noise.
//!
//! Separator rule (deterministic, see `NumberStyle`):
//! - spaces (U+0020, U+00A0, U+202F) and apostrophes are thousands separators: the groups after
//!   the first must then have exactly three digits;
//! - when both `.` and `,` appear, the last one is the decimal separator;
//! - one kind repeated (`1.234.567`) is a thousands separator;
//! - a single separator is decimal, except when it is followed by exactly three digits and
//!   preceded by one to three digits not starting with 0 (`1.234`, `12,500`): that case is
//!   ambiguous and the file's `NumberStyle` decides (`DecimalComma`: a dot is thousands and a
//!   comma decimal; `DecimalPoint`: the reverse; `Unknown`: decimal, the literal reading).
//!   `NumberStyle::detect` picks the style from the unambiguous values of the same file.

use std::fmt;

/// One cell as the spreadsheet shows it. Formulas arrive as their cached values.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An Excel date serial, kept raw so the epoch (1900 with its leap-year bug, or 1904) is
    /// applied in one place: `super::date::serial_to_datetime`.
    Date {
        serial: f64,
        is_1904: bool,
    },
    /// A formula error such as `#N/A` or `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// Empty cells and whitespace-only text count as blank.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// `as_text` without copying text cells.
    pub fn as_str(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then_some(std::borrow::Cow::Borrowed(t))
            }
            other => other.as_text().map(std::borrow::Cow::Owned),
        }
    }

    /// The text of a cell, for headers and labels; numbers are written plainly.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            Cell::Int(i) => Some(i.to_string()),
            Cell::Float(f) => Some(float_text(*f)),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Date { serial, is_1904 } => Some(
                super::date::serial_to_datetime(*serial, *is_1904)
                    .map(|d| d.date().to_string())
                    .unwrap_or_else(|| float_text(*serial)),
            ),
            Cell::Error(e) => Some(e.clone()),
        }
    }
}

/// Shortest text for a float, integral floats without ".0" (EAN codes stored as numbers).
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An exact decimal number: `mantissa * 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

impl Decimal {
    pub fn is_whole(&self) -> bool {
        self.mantissa % 10i128.pow(self.scale) == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The integer value, when whole and within i64.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_whole() {
            return None;
        }
        i64::try_from(self.mantissa / 10i128.pow(self.scale)).ok()
    }

    /// Rounds to two decimals, half away from zero, and returns cents.
    pub fn to_cents(&self) -> Option<i64> {
        let cents = if self.scale <= 2 {
            self.mantissa.checked_mul(10i128.pow(2 - self.scale))?
        } else {
            let div = 10i128.pow(self.scale - 2);
            let q = self.mantissa / div;
            let r = self.mantissa % div;
            if r.abs() * 2 >= div {
                q + self.mantissa.signum()
            } else {
                q
            }
        };
        i64::try_from(cents).ok()
    }

    /// From a float as Excel would display it (15 significant digits), so that cached formula
    /// results like 2.9999999999999996 read as 3.
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        // Whole numbers (most quantities) skip the formatting below.
        if f.fract() == 0.0 && f.abs() < 1e15 {
            return Some(Decimal {
                mantissa: f as i128,
                scale: 0,
            });
        }
        Self::from_f64_cents(f).or_else(|| Self::from_f64_displayed(f))
    }

    /// Money as spreadsheets store it, without formatting the float: when `f` is within one
    /// unit in the last place of the double nearest a whole number of cents `c/100` (below
    /// 1e9), it is closer to `c/100` than half a unit of its 15th significant digit, so Excel
    /// displays exactly `c/100` (a property test checks it against `from_f64_displayed`).
    fn from_f64_cents(f: f64) -> Option<Decimal> {
        if f.abs() >= 1e9 {
            return None;
        }
        let cents = (f * 100.0).round();
        let nearest = cents / 100.0;
        if nearest.to_bits().abs_diff(f.to_bits()) > 1 || nearest.signum() != f.signum() {
            return None;
        }
        let mut d = Decimal {
            mantissa: cents as i128,
            scale: 2,
        };
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        Some(d)
    }

    /// The float rounded to the 15 significant digits Excel displays.
    fn from_f64_displayed(f: f64) -> Option<Decimal> {
        parse_plain(&format!("{f:.14e}"))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = 10i128.pow(self.scale);
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let (i, r) = ((self.mantissa / p).abs(), (self.mantissa % p).abs());
        if self.scale == 0 {
            write!(f, "{sign}{i}")
        } else {
            write!(f, "{sign}{i}.{r:0w$}", w = self.scale as usize)
        }
    }
}

/// Parses `[-]digits[.digits][e[+-]digits]` exactly (Rust's float formatting and ISO text).
fn parse_plain(s: &str) -> Option<Decimal> {
    let (num, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, num) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 36 {
        return None;
    }
    let mut mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let mut scale = frac.len() as i32 - exp;
    while scale < 0 {
        mantissa = mantissa.checked_mul(10)?;
        scale += 1;
    }
    // Drop trailing zeros so that 3.000 and 3 compare equal.
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > 30 {
        return None;
    }
    Some(Decimal {
        mantissa: if neg { -mantissa } else { mantissa },
        scale: scale as u32,
    })
}

/// How a file writes its decimals; decides the ambiguous `1.234` / `1,234` case only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// French, Russian: `1 234,56`, `1.234,56`.
    DecimalComma,
    /// English: `1,234.56`.
    DecimalPoint,
    #[default]
    Unknown,
}

impl NumberStyle {
    /// Votes over sample texts: a value whose reading does not depend on the style shows
    /// which separator is decimal. A tie (or no evidence) stays `Unknown`.
    pub fn detect<'a>(samples: impl IntoIterator<Item = &'a str>) -> NumberStyle {
        let (mut comma, mut point) = (0u32, 0u32);
        for s in samples {
            let Some((core, _)) = strip_decorations(s) else {
                continue;
            };
            let core: String = core.chars().filter(|c| !is_group_space(*c)).collect();
            match classify(&core) {
                Sep::Decimal(',') => comma += 1,
                Sep::Decimal(_) => point += 1,
                _ => {}
            }
        }
        match comma.cmp(&point) {
            std::cmp::Ordering::Greater => NumberStyle::DecimalComma,
            std::cmp::Ordering::Less => NumberStyle::DecimalPoint,
            std::cmp::Ordering::Equal => NumberStyle::Unknown,
        }
    }
}

#[derive(Debug, PartialEq)]
enum Sep {
    None,
    /// This character is certainly the decimal separator.
    Decimal(char),
    /// This character is certainly a thousands separator (and there are no decimals).
    Thousands(char),
    /// A single separator followed by exactly three digits.
    Ambiguous(char),
    Invalid,
}

/// Looks at the dots and commas of a string of digits, dots and commas.
fn classify(core: &str) -> Sep {
    let seps: Vec<(usize, char)> = core
        .char_indices()
        .filter(|(_, c)| *c == '.' || *c == ',')
        .collect();
    let Some(&(last_i, last_c)) = seps.last() else {
        return Sep::None;
    };
    let kinds_differ = seps.iter().any(|(_, c)| *c != last_c);
    if kinds_differ {
        // The last one is decimal; the others must all be the other kind.
        let others_same = seps[..seps.len() - 1].iter().all(|(_, c)| *c != last_c);
        return if others_same {
            Sep::Decimal(last_c)
        } else {
            Sep::Invalid
        };
    }
    if seps.len() > 1 {
        return Sep::Thousands(last_c);
    }
    let before = &core[..last_i];
    let after = &core[last_i + 1..];
    if after.len() == 3 && (1..=3).contains(&before.len()) && !before.starts_with('0') {
        Sep::Ambiguous(last_c)
    } else {
        Sep::Decimal(last_c)
    }
}

fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’')
}

/// Removes currency, sign, percent and parentheses. Returns the digits-and-separators core and
/// the sign and percent flags; `None` when nothing numeric remains.
fn strip_decorations(s: &str) -> Option<(String, (bool, bool))> {
    let mut t = s.trim().to_lowercase();
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].to_string();
    }
    let mut percent = false;
    // Currency codes and symbols, longest first so "руб." goes before "р.".
    for token in [
        "€", "$", "£", "₽", "eur", "usd", "gbp", "rub", "руб.", "руб", "р.", "ht", "ttc",
    ] {
        t = t.replace(token, " ");
    }
    if t.contains('%') {
        percent = true;
        t = t.replace('%', " ");
    }
    let mut t = t.trim().trim_matches(is_group_space).to_string();
    for minus in ['-', '−', '–'] {
        if let Some(rest) = t.strip_prefix(minus) {
            negative = !negative;
            t = rest.trim().to_string();
        } else if let Some(rest) = t.strip_suffix(minus) {
            negative = !negative;
            t = rest.trim().to_string();
        }
    }
    let t = t.strip_prefix('+').unwrap_or(&t).trim().to_string();
    let ok = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_group_space(c))
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',');
    ok.then_some((t, (negative, percent)))
}

/// Why a value is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber;

/// Parses a text the way people type numbers in FR/EN/RU spreadsheets (see the module doc).
pub fn parse_number_text(s: &str, style: NumberStyle) -> Result<Decimal, NotANumber> {
    let (core, (negative, percent)) = strip_decorations(s).ok_or(NotANumber)?;
    // Space-like groups: every group after the first has exactly three digits (the last group
    // may carry decimals: "1 234,56").
    let groups: Vec<&str> = core.split(is_group_space).collect();
    for (i, g) in groups.iter().enumerate().skip(1) {
        let digits_before_sep = g.find(['.', ',']).unwrap_or(g.len());
        let is_last = i == groups.len() - 1;
        if digits_before_sep != 3 || (!is_last && digits_before_sep != g.len()) {
            return Err(NotANumber);
        }
    }
    let core: String = groups.concat();
    let plain = match classify(&core) {
        Sep::None => core,
        Sep::Invalid => return Err(NotANumber),
        Sep::Decimal(d) => {
            let thousands = if d == ',' { '.' } else { ',' };
            check_groups(&core, thousands, Some(d))?;
            core.replace(thousands, "").replace(d, ".")
        }
        Sep::Thousands(t) => {
            check_groups(&core, t, None)?;
            core.replace(t, "")
        }
        Sep::Ambiguous(c) => {
            let is_thousands = matches!(
                (c, style),
                ('.', NumberStyle::DecimalComma) | (',', NumberStyle::DecimalPoint)
            );
            if is_thousands {
                core.replace(c, "")
            } else {
                core.replace(c, ".")
            }
        }
    };
    let mut d = parse_plain(&plain).ok_or(NotANumber)?;
    if percent {
        d.scale += 2;
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
    }
    if negative {
        d.mantissa = -d.mantissa;
    }
    Ok(d)
}

/// Thousands groups must be 1-3 digits then groups of exactly 3.
fn check_groups(core: &str, thousands: char, decimal: Option<char>) -> Result<(), NotANumber> {
    let int = decimal.and_then(|d| core.split(d).next()).unwrap_or(core);
    if !int.contains(thousands) {
        return Ok(());
    }
    let parts: Vec<&str> = int.split(thousands).collect();
    let first_ok = (1..=3).contains(&parts[0].len());
    if first_ok && parts[1..].iter().all(|p| p.len() == 3) {
        Ok(())
    } else {
        Err(NotANumber)
    }
}

/// A number from any cell: numeric cells exactly (as displayed), text by `parse_number_text`.
pub fn parse_number(cell: &Cell, style: NumberStyle) -> Result<Decimal, NotANumber> {
    match cell {
        Cell::Int(i) => Ok(Decimal {
            mantissa: *i as i128,
            scale: 0,
        }),
        Cell::Float(f) => Decimal::from_f64(*f).ok_or(NotANumber),
        Cell::Text(s) => parse_number_text(s, style),
        _ => Err(NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn num(s: &str, style: NumberStyle) -> String {
        parse_number_text(s, style)
            .map(|d| d.to_string())
            .unwrap_or_else(|_| "ERR".into())
    }

    #[test]
    fn separators_follow_the_documented_rule() {
        use NumberStyle::*;
        let cases = [
            ("1 234,56", Unknown, "1234.56"),
            ("1\u{a0}234,5", Unknown, "1234.5"),
            ("1\u{202f}234\u{202f}567", Unknown, "1234567"),
            ("1'234.50", Unknown, "1234.5"),
            ("1.234,56", Unknown, "1234.56"),
            ("1,234.56", Unknown, "1234.56"),
            ("1.234.567", Unknown, "1234567"),
            ("12,5", Unknown, "12.5"),
            ("0,125", DecimalPoint, "0.125"),
            ("1.234", Unknown, "1.234"),
            ("1.234", DecimalComma, "1234"),
            ("1,234", DecimalComma, "1.234"),
            ("1,234", DecimalPoint, "1234"),
            ("12 34", Unknown, "ERR"),
            ("1,23,456", Unknown, "ERR"),
            ("1.234,5.6", Unknown, "ERR"),
            ("abc", Unknown, "ERR"),
            ("", Unknown, "ERR"),
        ];
        for (s, style, want) in cases {
            assert_eq!(num(s, style), want, "{s:?} {style:?}");
        }
    }

    #[test]
    fn currency_percent_and_signs_are_understood() {
        use NumberStyle::Unknown;
        assert_eq!(num("12,50 €", Unknown), "12.5");
        assert_eq!(num("€12.50", Unknown), "12.5");
        assert_eq!(num("$ 1,234.00", Unknown), "1234");
        assert_eq!(num("£3", Unknown), "3");
        assert_eq!(num("1 500 ₽", Unknown), "1500");
        assert_eq!(num("1 500 руб.", Unknown), "1500");
        assert_eq!(num("99,90 EUR", Unknown), "99.9");
        assert_eq!(num("12,5 € HT", Unknown), "12.5");
        assert_eq!(num("20%", Unknown), "0.2");
        assert_eq!(num("-3", Unknown), "-3");
        assert_eq!(num("3-", Unknown), "-3");
        assert_eq!(num("(12,50)", Unknown), "-12.5");
        assert_eq!(num("−4", Unknown), "-4");
    }

    #[test]
    fn style_detection_votes_on_unambiguous_values() {
        assert_eq!(
            NumberStyle::detect(["12,5", "1.234", "3"]),
            NumberStyle::DecimalComma
        );
        assert_eq!(
            NumberStyle::detect(["1,234.5", "7.25"]),
            NumberStyle::DecimalPoint
        );
        assert_eq!(NumberStyle::detect(["1.234", "3"]), NumberStyle::Unknown);
    }

    #[test]
    fn cents_round_half_away_from_zero() {
        let c = |s| {
            parse_number_text(s, NumberStyle::Unknown)
                .unwrap()
                .to_cents()
                .unwrap()
        };
        assert_eq!(c("12.345"), 1235);
        assert_eq!(c("-12.345"), -1235);
        assert_eq!(c("12.344"), 1234);
        assert_eq!(c("0.005"), 1);
        assert_eq!(c("7"), 700);
    }

    #[test]
    fn floats_read_as_excel_displays_them() {
        let d = parse_number(&Cell::Float(0.1 + 0.2), NumberStyle::Unknown).unwrap();
        assert_eq!(d.to_string(), "0.3");
        let q = parse_number(&Cell::Float(2.9999999999999996), NumberStyle::Unknown).unwrap();
        assert_eq!(q.to_i64(), Some(3));
        let half = parse_number(&Cell::Float(2.5), NumberStyle::Unknown).unwrap();
        assert!(!half.is_whole());
        assert_eq!(
            parse_number(&Cell::Float(12.345), NumberStyle::Unknown)
                .unwrap()
                .to_cents(),
            Some(1235)
        );
    }

    fn group(int: u64, sep: &str) -> String {
        let s = int.to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    }

    proptest! {
        #[test]
        fn cents_round_trip_in_french_and_english_styles(cents in -10_000_000_000i64..10_000_000_000) {
            let (units, frac) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
            let sign = if cents < 0 { "-" } else { "" };
            let written = [
                (format!("{sign}{},{frac:02} €", group(units, "\u{a0}")), NumberStyle::DecimalComma),
                (format!("{sign}{},{frac:02}", group(units, "\u{202f}")), NumberStyle::Unknown),
                (format!("{sign}{},{frac:02}", group(units, ".")), NumberStyle::DecimalComma),
                (format!("{sign}${}.{frac:02}", group(units, ",")), NumberStyle::DecimalPoint),
                (format!("{sign}{}.{frac:02}", group(units, "'")), NumberStyle::Unknown),
            ];
            for (text, style) in written {
                let parsed = parse_number_text(&text, style).map(|d| d.to_cents());
                prop_assert_eq!(parsed, Ok(Some(cents)), "{}", text);
            }
        }

        #[test]
        fn floats_with_cents_read_as_excel_displays_them(
            cents in -100_000_000_000i64..100_000_000_000,
            noise in -3i32..=3,
            scale in 0u32..4,
        ) {
            // Cents and their neighbouring floats, also as sums and products of money.
            let exact = cents as f64 / 100.0;
            let f = f64::from_bits((exact.to_bits() as i64 + i64::from(noise)) as u64);
            for v in [f, f * 3.0, f / 10f64.powi(scale as i32), f + 0.1] {
                if v.is_finite() && v.fract() != 0.0 {
                    if let Some(fast) = Decimal::from_f64_cents(v) {
                        prop_assert_eq!(Some(fast), Decimal::from_f64_displayed(v), "{}", v);
                    }
                }
            }
        }

        #[test]
        fn integers_with_thousands_round_trip(n in 0u64..1_000_000_000_000) {
            prop_assert_eq!(parse_number_text(&group(n, " "), NumberStyle::Unknown).unwrap().to_i64(), Some(n as i64));
            prop_assert_eq!(parse_number_text(&group(n, "."), NumberStyle::DecimalComma).unwrap().to_i64(), Some(n as i64));
            prop_assert_eq!(parse_number_text(&group(n, ","), NumberStyle::DecimalPoint).unwrap().to_i64(), Some(n as i64));
        }
    }
}
