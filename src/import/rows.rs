//! One data row -> one `ParsedLine`, or the row's errors.
//!
//! Every problem of a row is reported (not only the first), each with the column's header as
//! written in the file, so the reseller can fix the row in one go. Returns and credit notes
//! (negative quantities) are errors: a declaration states sales only.

use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

use super::cell::{parse_number, Cell, NumberStyle};
use super::date::parse_date;
use super::error::{ErrorCode, RowError};
use super::mapping::{Field, Mapping};
use super::normalise::normalise;
use super::table::is_total_row;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Store,
    Online,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedLine {
    pub sheet: String,
    pub row: u32,
    pub sale_date: NaiveDate,
    pub product_code: String,
    pub product_name: Option<String>,
    pub quantity: i64,
    pub unit_price_cents: Option<i64>,
    pub amount_cents: Option<i64>,
    /// `individual`, `landscaper`, `local_authority`, `business`, `other`, or the raw text.
    pub customer_type: Option<String>,
    pub customer_postal_code: Option<String>,
    /// Raw; the application hashes it before storing.
    pub customer_id: Option<String>,
    pub channel: Option<Channel>,
    pub feedback: Option<String>,
    pub rating: Option<u8>,
}

/// What a row is checked against.
#[derive(Debug, Clone)]
pub struct LineRules {
    /// The declared period, inclusive. Without a date column every line gets its last day.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub today: NaiveDate,
    pub number_style: NumberStyle,
    pub day_first: bool,
}

/// Parses the data rows of one table.
pub struct LineParser {
    pub sheet: String,
    pub mapping: Mapping,
    pub rules: LineRules,
    customer_types: Memo<String>,
    channels: Memo<Option<Channel>>,
}

/// The normalised forms of the few distinct texts a column such as the customer type holds,
/// so that a million rows normalise a handful of values. Past `MEMO_MAX` distinct texts (a
/// column of free text) new values are normalised each time and not kept.
struct Memo<T>(RefCell<HashMap<String, T>>);

const MEMO_MAX: usize = 1024;

impl<T: Clone> Memo<T> {
    fn new() -> Self {
        Memo(RefCell::new(HashMap::new()))
    }

    fn get(&self, raw: &str, normalise: impl FnOnce(&str) -> T) -> T {
        if let Some(v) = self.0.borrow().get(raw) {
            return v.clone();
        }
        let v = normalise(raw);
        let mut map = self.0.borrow_mut();
        if map.len() < MEMO_MAX {
            map.insert(raw.to_string(), v.clone());
        }
        v
    }
}

/// The outcome of one data row.
pub type LineResult = Result<ParsedLine, Vec<RowError>>;

impl LineParser {
    pub fn new(sheet: String, mapping: Mapping, rules: LineRules) -> LineParser {
        LineParser {
            sheet,
            mapping,
            rules,
            customer_types: Memo::new(),
            channels: Memo::new(),
        }
    }

    /// `None` for rows that are not data: blank or total rows.
    pub fn parse(&self, row: u32, cells: &[Cell]) -> Option<LineResult> {
        if cells.iter().all(Cell::is_blank) || is_total_row(cells) {
            return None;
        }
        let mut errors = Vec::new();
        let mut fail = |field: Field, code: ErrorCode, cell: Option<&Cell>| {
            errors.push(RowError {
                sheet: self.sheet.clone(),
                row,
                column: self.mapping.get(field).map(|c| c.header.clone()),
                code,
                value: cell.and_then(Cell::as_text),
            });
        };
        let cell_of = |field: Field| {
            self.mapping
                .get(field)
                .map(|c| cells.get(c.index).unwrap_or(&Cell::Empty))
        };
        // A formula error in any mapped column makes that column's value unknown.
        let usable =
            |field: Field, fail: &mut dyn FnMut(Field, ErrorCode, Option<&Cell>)| match cell_of(
                field,
            ) {
                Some(c @ Cell::Error(_)) => {
                    fail(field, ErrorCode::ErrorCell, Some(c));
                    None
                }
                Some(c) => Some(c),
                None => None,
            };
        let style = self.rules.number_style;

        let product = usable(Field::Product, &mut fail).and_then(Cell::as_text);
        if product.is_none() && !matches!(cell_of(Field::Product), Some(Cell::Error(_))) {
            fail(Field::Product, ErrorCode::ProductMissing, None);
        }

        let quantity = usable(Field::Quantity, &mut fail).and_then(|c| {
            let code = match parse_number(c, style) {
                Err(_) => ErrorCode::QuantityNotANumber,
                Ok(d) if !d.is_whole() => ErrorCode::QuantityNotWhole,
                Ok(d) => match d.to_i64() {
                    Some(0) => ErrorCode::QuantityZero,
                    Some(q) if q < 0 => ErrorCode::QuantityNegative,
                    Some(q) => return Some(q),
                    None => ErrorCode::QuantityNotANumber,
                },
            };
            fail(Field::Quantity, code, Some(c));
            None
        });

        let sale_date = match (self.mapping.get(Field::SaleDate), self.rules.period) {
            (None, Some((_, end))) => Some(end),
            (None, None) => None,
            (Some(_), _) => usable(Field::SaleDate, &mut fail).and_then(|c| {
                let code = if c.is_blank() {
                    ErrorCode::DateMissing
                } else {
                    match parse_date(c, self.rules.day_first) {
                        Err(_) => ErrorCode::DateInvalid,
                        Ok(d) if d > self.rules.today => ErrorCode::DateInFuture,
                        Ok(d) if self.rules.period.is_some_and(|(a, b)| d < a || d > b) => {
                            ErrorCode::DateOutsidePeriod
                        }
                        Ok(d) => return Some(d),
                    }
                };
                fail(Field::SaleDate, code, Some(c));
                None
            }),
        };

        let mut money = |field: Field, code: ErrorCode| {
            let c = usable(field, &mut fail).filter(|c| !c.is_blank())?;
            match parse_number(c, style)
                .ok()
                .filter(|d| !d.is_negative())
                .and_then(|d| d.to_cents())
            {
                Some(cents) => Some(cents),
                None => {
                    fail(field, code, Some(c));
                    None
                }
            }
        };
        let unit_price_cents = money(Field::UnitPrice, ErrorCode::PriceInvalid);
        let amount_cents = money(Field::LineAmount, ErrorCode::AmountInvalid);

        let rating = usable(Field::Rating, &mut fail)
            .filter(|c| !c.is_blank())
            .and_then(|c| {
                let r = parse_rating(c, style);
                if r.is_none() {
                    fail(Field::Rating, ErrorCode::RatingInvalid, Some(c));
                }
                r
            });
        let text = |field: Field| cell_of(field).and_then(Cell::as_text);
        let str_of = |field: Field| cell_of(field).and_then(Cell::as_str);

        if !errors.is_empty() {
            return Some(Err(errors));
        }
        // Without errors every required value is present (the mapping guarantees the columns).
        let (Some(sale_date), Some(product_code), Some(quantity)) = (sale_date, product, quantity)
        else {
            return None;
        };
        Some(Ok(ParsedLine {
            sheet: self.sheet.clone(),
            row,
            sale_date,
            product_code,
            product_name: text(Field::ProductName),
            quantity,
            unit_price_cents,
            amount_cents,
            customer_type: str_of(Field::CustomerType)
                .map(|t| self.customer_types.get(&t, normalise_customer_type)),
            customer_postal_code: text(Field::CustomerPostalCode),
            customer_id: text(Field::CustomerId),
            channel: str_of(Field::Channel).and_then(|t| self.channels.get(&t, normalise_channel)),
            feedback: text(Field::Feedback),
            rating,
        }))
    }
}

/// 1 to 5, as a number, "4/5" or stars.
fn parse_rating(c: &Cell, style: NumberStyle) -> Option<u8> {
    let value = match c {
        Cell::Text(t) if t.contains('★') || t.contains('*') => {
            let stars = t.chars().filter(|c| *c == '★' || *c == '*').count();
            (t.chars()
                .all(|c| c == '★' || c == '*' || c == '☆' || c.is_whitespace()))
            .then_some(stars as i64)
        }
        Cell::Text(t) if t.contains('/') => {
            let (n, d) = t.split_once('/')?;
            (d.trim() == "5").then(|| parse_number(&Cell::Text(n.into()), style).ok()?.to_i64())?
        }
        _ => parse_number(c, style).ok()?.to_i64(),
    }?;
    (1..=5).contains(&value).then_some(value as u8)
}

/// Maps the ways resellers write their customer types to stable codes; unknown text is kept.
pub fn normalise_customer_type(raw: &str) -> String {
    const TYPES: [(&str, &[&str]); 5] = [
        (
            "individual",
            &[
                "particulier",
                "particuliers",
                "prive",
                "client prive",
                "individual",
                "individuals",
                "private",
                "private customer",
                "consumer",
                "b2c",
                "частное лицо",
                "частник",
                "физлицо",
                "физ лицо",
                "физическое лицо",
            ],
        ),
        (
            "landscaper",
            &[
                "paysagiste",
                "paysagistes",
                "entrepreneur paysagiste",
                "jardinier",
                "landscaper",
                "landscapers",
                "landscaping",
                "gardener",
                "ландшафтный дизайнер",
                "ландшафтник",
                "садовник",
            ],
        ),
        (
            "local_authority",
            &[
                "collectivite",
                "collectivites",
                "collectivite locale",
                "collectivites locales",
                "mairie",
                "commune",
                "municipalite",
                "local authority",
                "municipality",
                "council",
                "city council",
                "администрация",
                "муниципалитет",
                "госучреждение",
            ],
        ),
        (
            "business",
            &[
                "entreprise",
                "entreprises",
                "professionnel",
                "professionnels",
                "pro",
                "pros",
                "societe",
                "b2b",
                "business",
                "company",
                "professional",
                "компания",
                "организация",
                "юрлицо",
                "юр лицо",
                "юридическое лицо",
                "бизнес",
            ],
        ),
        (
            "other",
            &["autre", "autres", "other", "другое", "прочее", "прочие"],
        ),
    ];
    let n = normalise(raw);
    TYPES
        .iter()
        .find(|(_, words)| words.contains(&n.as_str()))
        .map(|(code, _)| code.to_string())
        .unwrap_or_else(|| raw.trim().to_string())
}

/// Store or online; online words are checked first ("интернет-магазин" is online).
pub fn normalise_channel(raw: &str) -> Option<Channel> {
    const ONLINE: [&str; 12] = [
        "en ligne",
        "web",
        "internet",
        "site",
        "online",
        "e commerce",
        "ecommerce",
        "marketplace",
        "интернет",
        "онлайн",
        "сайт",
        "vente en ligne",
    ];
    const STORE: [&str; 9] = [
        "magasin",
        "boutique",
        "store",
        "shop",
        "point de vente",
        "comptoir",
        "магазин",
        "розница",
        "офлайн",
    ];
    let n = normalise(raw);
    let has = |w: &&str| n == *w || n.split(' ').any(|t| t == *w) || n.contains(*w);
    if ONLINE.iter().any(has) {
        Some(Channel::Online)
    } else if STORE.iter().any(has) {
        Some(Channel::Store)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(headers: &[&str], period: Option<(NaiveDate, NaiveDate)>) -> LineParser {
        let hs: Vec<Option<String>> = headers.iter().map(|h| Some(h.to_string())).collect();
        LineParser::new(
            "Ventes".into(),
            Mapping::detect(&hs),
            LineRules {
                period,
                today: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                number_style: NumberStyle::DecimalComma,
                day_first: true,
            },
        )
    }

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn codes(r: Option<LineResult>) -> Vec<&'static str> {
        match r {
            Some(Err(e)) => e.iter().map(|e| e.code.as_str()).collect(),
            other => panic!("expected errors, got {other:?}"),
        }
    }

    #[test]
    fn a_full_french_row_parses() {
        let p = parser(
            &[
                "Date",
                "Réf",
                "Qté",
                "PU HT",
                "Montant",
                "Type client",
                "CP",
                "Client",
                "Canal",
                "Avis",
                "Note",
            ],
            None,
        );
        let row = [
            t("03/08/2026"),
            t("TD-450"),
            t("2"),
            t("199,90 €"),
            t("399,80"),
            t("Paysagiste"),
            t("13001"),
            t("C-17"),
            t("En magasin"),
            t("Très bien"),
            t("4/5"),
        ];
        let line = p.parse(7, &row).unwrap().unwrap();
        assert_eq!(line.sale_date, NaiveDate::from_ymd_opt(2026, 8, 3).unwrap());
        assert_eq!(
            (line.quantity, line.unit_price_cents, line.amount_cents),
            (2, Some(19990), Some(39980))
        );
        assert_eq!(line.customer_type.as_deref(), Some("landscaper"));
        assert_eq!(line.channel, Some(Channel::Store));
        assert_eq!(line.rating, Some(4));
        assert_eq!(line.row, 7);
    }

    #[test]
    fn every_problem_of_a_row_is_reported_with_its_column() {
        let p = parser(&["Date", "Réf", "Qté", "PU HT", "Note"], None);
        let errs = match p.parse(9, &[t("32/13/2026"), t(""), t("2,5"), t("abc"), t("9")]) {
            Some(Err(e)) => e,
            other => panic!("{other:?}"),
        };
        let got: Vec<(&str, Option<&str>)> = errs
            .iter()
            .map(|e| (e.code.as_str(), e.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("product_missing", Some("Réf")),
                ("quantity_not_whole", Some("Qté")),
                ("date_invalid", Some("Date")),
                ("price_invalid", Some("PU HT")),
                ("rating_invalid", Some("Note")),
            ]
        );
        assert_eq!(errs[1].value.as_deref(), Some("2,5"));
    }

    #[test]
    fn quantity_and_date_rules() {
        let aug = (
            NaiveDate::from_ymd_opt(2026, 8, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
        );
        let p = parser(&["Date", "Réf", "Qté"], Some(aug));
        assert_eq!(
            codes(p.parse(2, &[t("03/08/2026"), t("A"), t("0")])),
            ["quantity_zero"]
        );
        assert_eq!(
            codes(p.parse(2, &[t("03/08/2026"), t("A"), t("-1")])),
            ["quantity_negative"]
        );
        assert_eq!(
            codes(p.parse(2, &[t("03/08/2026"), t("A"), t("deux")])),
            ["quantity_not_a_number"]
        );
        assert_eq!(
            codes(p.parse(2, &[t(""), t("A"), t("1")])),
            ["date_missing"]
        );
        assert_eq!(
            codes(p.parse(2, &[t("03/07/2026"), t("A"), t("1")])),
            ["date_outside_period"]
        );
        assert_eq!(
            codes(p.parse(2, &[t("03/10/2026"), t("A"), t("1")])),
            ["date_in_future"]
        );
        assert_eq!(
            codes(p.parse(2, &[t("03/08/2026"), Cell::Error("#N/A".into()), t("1")])),
            ["error_cell"]
        );
        assert!(p.parse(2, &[t(""), t(""), t("")]).is_none());
        assert!(p.parse(2, &[t("Total"), t(""), t("12")]).is_none());
        // Without a date column the period's last day is used.
        let p = parser(&["Réf", "Qté"], Some(aug));
        assert_eq!(
            p.parse(3, &[t("A"), Cell::Float(3.0)])
                .unwrap()
                .unwrap()
                .sale_date,
            aug.1
        );
    }

    #[test]
    fn customer_types_and_channels_are_normalised() {
        assert_eq!(normalise_customer_type("Collectivité"), "local_authority");
        assert_eq!(normalise_customer_type("MAIRIE"), "local_authority");
        assert_eq!(normalise_customer_type("Pro"), "business");
        assert_eq!(normalise_customer_type("Частное лицо"), "individual");
        assert_eq!(normalise_customer_type("Golf club"), "Golf club");
        assert_eq!(normalise_channel("Site web"), Some(Channel::Online));
        assert_eq!(normalise_channel("Интернет-магазин"), Some(Channel::Online));
        assert_eq!(normalise_channel("Boutique Lyon"), Some(Channel::Store));
        assert_eq!(normalise_channel("Téléphone"), None);
    }

    #[test]
    fn ratings_accept_numbers_fractions_and_stars() {
        let s = NumberStyle::Unknown;
        assert_eq!(parse_rating(&Cell::Int(5), s), Some(5));
        assert_eq!(parse_rating(&t("★★★"), s), Some(3));
        assert_eq!(parse_rating(&t("4/5"), s), Some(4));
        assert_eq!(parse_rating(&t("4/10"), s), None);
        assert_eq!(parse_rating(&Cell::Float(3.5), s), None);
        assert_eq!(parse_rating(&Cell::Int(0), s), None);
    }
}
