//! Header meaning: which column holds which field.
//!
//! Headers are normalised (`super::normalise`: lowercase, accents stripped, units in
//! parentheses kept aside as hints) and matched against a FR/EN/RU synonym table. An exact
//! synonym beats a synonym contained in a longer header; each field takes its best column and
//! each column serves one field. A caller's mapping (remembered for this reseller, or a user's
//! correction) overrides the detected one.
//!
//! Unit price or line amount: the header decides when it says so ("PU", "Montant"). A bare
//! "Prix", "Price", "€" or "Valeur" is ambiguous; `resolve_money` then looks at the data (see
//! its doc).

use serde::{Deserialize, Serialize};

use super::cell::{parse_number, Cell, NumberStyle};
use super::normalise::{normalise, normalise_header};
use super::synonyms::{AMBIGUOUS_MONEY, SYNONYMS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    SaleDate,
    Product,
    Quantity,
    UnitPrice,
    LineAmount,
    CustomerType,
    CustomerPostalCode,
    CustomerId,
    Channel,
    Feedback,
    Rating,
    ProductName,
}

impl Field {
    pub fn as_str(&self) -> &'static str {
        match self {
            Field::SaleDate => "sale_date",
            Field::Product => "product",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::LineAmount => "line_amount",
            Field::CustomerType => "customer_type",
            Field::CustomerPostalCode => "customer_postal_code",
            Field::CustomerId => "customer_id",
            Field::Channel => "channel",
            Field::Feedback => "feedback",
            Field::Rating => "rating",
            Field::ProductName => "product_name",
        }
    }
}

fn is_ambiguous_money(header: &str) -> bool {
    let (base, hint) = normalise_header(header);
    let probe = if base.is_empty() { hint } else { base };
    AMBIGUOUS_MONEY.contains(&probe.as_str())
}

/// `words` (one or more whole words) appears in `text` between word boundaries: the test
/// `" {text} "` contains `" {words} "`, without building either string.
fn contains_word(text: &str, words: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = text[from..].find(words) {
        let i = from + pos;
        let end = i + words.len();
        if (i == 0 || text[..i].ends_with(' '))
            && (end == text.len() || text[end..].starts_with(' '))
        {
            return true;
        }
        // Matches may overlap: look again from the next character.
        from = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Every field a header could mean, with a score; an ambiguous money header yields both money
/// fields with a tie-breaking preference (bare "prix"/"price" lean to unit price).
pub fn candidates(header: &str) -> Vec<(Field, u32)> {
    let (base, hint) = normalise_header(header);
    let probe = if base.is_empty() { hint.clone() } else { base };
    if probe.is_empty() {
        return Vec::new();
    }
    if AMBIGUOUS_MONEY.contains(&probe.as_str()) {
        let per_unit = hint
            .split(' ')
            .any(|w| matches!(w, "unite" | "unit" | "u" | "piece" | "pc"));
        let leans_unit = per_unit || probe.starts_with("pri");
        return vec![
            (Field::UnitPrice, if leans_unit { 81 } else { 80 }),
            (Field::LineAmount, if leans_unit { 80 } else { 81 }),
        ];
    }
    let mut out: Vec<(Field, u32)> = Vec::new();
    for (field, strength, words) in SYNONYMS {
        for w in *words {
            let score = if probe == *w {
                *strength
            } else if contains_word(&probe, w) {
                // A longer header containing the synonym: weaker, longer synonyms first.
                strength / 2 + w.len() as u32
            } else {
                continue;
            };
            match out.iter_mut().find(|(f, _)| f == field) {
                Some(slot) => slot.1 = slot.1.max(score),
                None => out.push((*field, score)),
            }
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.1));
    out
}

/// How much a row looks like a header: cells with a meaning, plus a bonus when the two
/// required fields are both there.
pub fn header_score(texts: &[Option<String>]) -> u32 {
    let mut score = 0;
    let (mut product, mut quantity) = (false, false);
    for t in texts.iter().flatten() {
        let c = candidates(t);
        if !c.is_empty() {
            score += 1;
        }
        product |= c.iter().any(|(f, _)| *f == Field::Product);
        quantity |= c.iter().any(|(f, _)| *f == Field::Quantity);
    }
    if product && quantity {
        score + 2
    } else {
        score
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedColumn {
    pub field: Field,
    /// 0-based column index in the sheet.
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
}

/// A caller's choice of column: by header text (normalised comparison) or by 0-based index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnRef {
    Header(String),
    Index(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<MappedColumn>,
    /// Columns with a header that map to no field: `(index, header)`.
    pub unmapped: Vec<(usize, String)>,
    /// A money column whose header did not say unit or line, if any.
    pub ambiguous_money: Option<usize>,
    /// The product column's values look like EAN codes (8 or 13 digits).
    pub product_is_ean: bool,
}

impl Mapping {
    /// Maps headers (cells of the header row) to fields.
    pub fn detect(headers: &[Option<String>]) -> Mapping {
        let mut all: Vec<(u32, usize, Field)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(h) = h {
                all.extend(candidates(h).into_iter().map(|(f, s)| (s, i, f)));
            }
        }
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut m = Mapping::default();
        for (_, index, field) in all {
            if m.get(field).is_none() && !m.columns.iter().any(|c| c.index == index) {
                let header = headers[index].clone().unwrap_or_default();
                m.columns.push(MappedColumn {
                    field,
                    index,
                    header,
                });
            }
        }
        m.ambiguous_money = m
            .columns
            .iter()
            .filter(|c| matches!(c.field, Field::UnitPrice | Field::LineAmount))
            .find(|c| is_ambiguous_money(&c.header))
            .map(|c| c.index);
        m.refresh_unmapped(headers);
        m
    }

    pub fn get(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// Applies a caller's mapping: each given field moves to the given column, taking it from
    /// any field that had it. Unknown headers or indexes are ignored and returned.
    pub fn apply_overrides(
        &mut self,
        headers: &[Option<String>],
        overrides: &[(Field, ColumnRef)],
    ) -> Vec<(Field, ColumnRef)> {
        let mut ignored = Vec::new();
        for (field, col) in overrides {
            let index = match col {
                ColumnRef::Index(i) if *i < headers.len() => Some(*i),
                ColumnRef::Index(_) => None,
                ColumnRef::Header(h) => {
                    let want = normalise(h);
                    headers
                        .iter()
                        .position(|x| x.as_deref().map(normalise).as_deref() == Some(&want))
                }
            };
            let Some(index) = index else {
                ignored.push((*field, col.clone()));
                continue;
            };
            self.columns
                .retain(|c| c.field != *field && c.index != index);
            let header = headers[index].clone().unwrap_or_default();
            self.columns.push(MappedColumn {
                field: *field,
                index,
                header,
            });
            if self.ambiguous_money == Some(index) {
                self.ambiguous_money = None;
            }
        }
        self.columns.sort_by_key(|c| c.index);
        self.refresh_unmapped(headers);
        ignored
    }

    /// Required fields without a column. The sale date may come from the declared period.
    pub fn missing_required(&self, has_period: bool) -> Vec<Field> {
        let mut need = vec![Field::Product, Field::Quantity];
        if !has_period {
            need.insert(0, Field::SaleDate);
        }
        need.into_iter()
            .filter(|f| self.get(*f).is_none())
            .collect()
    }

    fn refresh_unmapped(&mut self, headers: &[Option<String>]) {
        self.unmapped = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((i, h.clone()?)))
            .filter(|(i, _)| !self.columns.iter().any(|c| c.index == *i))
            .collect();
    }

    /// Decides an ambiguous money column from sample rows.
    ///
    /// With another money column `M` and the quantity `q`: if the ambiguous `P` ≈ `M / q` on
    /// most comparable rows, `P` is the unit price; if `P` ≈ `q × M`, it is the line amount.
    /// "≈" is within one cent or 0.5 %; "most" is at least 60 % of rows where `q` > 1 (rows with
    /// `q` = 1 cannot tell). Without evidence the header's leaning stands.
    pub fn resolve_money(&mut self, rows: &[Vec<Cell>], style: NumberStyle) {
        let Some(p_idx) = self.ambiguous_money else {
            return;
        };
        let (Some(q), Some(p)) = (
            self.get(Field::Quantity),
            self.columns.iter().find(|c| c.index == p_idx),
        ) else {
            return;
        };
        let other_field = if p.field == Field::UnitPrice {
            Field::LineAmount
        } else {
            Field::UnitPrice
        };
        let Some(m) = self.get(other_field) else {
            return;
        };
        let (q_idx, m_idx) = (q.index, m.index);
        let (mut unit_votes, mut amount_votes, mut comparable) = (0u32, 0u32, 0u32);
        let cents = |row: &Vec<Cell>, i: usize| {
            row.get(i)
                .and_then(|c| parse_number(c, style).ok())
                .and_then(|d| d.to_cents())
        };
        for row in rows {
            let qty = row
                .get(q_idx)
                .and_then(|c| parse_number(c, style).ok())
                .and_then(|d| d.to_i64());
            let (Some(qty), Some(pv), Some(mv)) = (qty, cents(row, p_idx), cents(row, m_idx))
            else {
                continue;
            };
            if qty <= 1 {
                continue;
            }
            comparable += 1;
            let close = |a: i64, b: i64| (a - b).abs() <= 1.max(b.abs() / 200);
            if close(pv.saturating_mul(qty), mv) {
                unit_votes += 1;
            } else if close(pv, mv.saturating_mul(qty)) {
                amount_votes += 1;
            }
        }
        let decided = if comparable > 0 && unit_votes * 10 >= comparable * 6 {
            Some(Field::UnitPrice)
        } else if comparable > 0 && amount_votes * 10 >= comparable * 6 {
            Some(Field::LineAmount)
        } else {
            None
        };
        if let Some(field) = decided {
            let partner = if field == Field::UnitPrice {
                Field::LineAmount
            } else {
                Field::UnitPrice
            };
            for c in &mut self.columns {
                if c.index == p_idx {
                    c.field = field;
                } else if c.index == m_idx {
                    c.field = partner;
                }
            }
            self.ambiguous_money = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_between_word_boundaries_only() {
        for (text, words, expected) in [
            ("prix unitaire ht", "prix unitaire", true),
            ("prix unitaire ht", "ht", true),
            ("prix unitaires", "prix unitaire", false),
            ("xab ab ab", "ab ab", true),
            ("aa a", "a a", false),
            ("qte", "qte", true),
            ("", "qte", false),
        ] {
            let padded = format!(" {text} ").contains(&format!(" {words} "));
            assert_eq!(contains_word(text, words), expected, "{text:?} {words:?}");
            assert_eq!(padded, expected, "{text:?} {words:?}");
        }
    }

    fn headers(hs: &[&str]) -> Vec<Option<String>> {
        hs.iter()
            .map(|h| (!h.is_empty()).then(|| h.to_string()))
            .collect()
    }

    fn field_of(m: &Mapping, f: Field) -> Option<String> {
        m.get(f).map(|c| c.header.clone())
    }

    #[test]
    fn french_english_and_russian_headers_map_to_fields() {
        type Case<'a> = (&'a [&'a str], &'a [(Field, &'a str)]);
        let cases: &[Case] = &[
            (
                &[
                    "Date de vente",
                    "Réf.",
                    "Désignation",
                    "Qté vendue",
                    "PU HT",
                    "Montant HT",
                    "Type client",
                    "CP",
                    "N° client",
                    "Canal",
                    "Avis",
                    "Note",
                ],
                &[
                    (Field::SaleDate, "Date de vente"),
                    (Field::Product, "Réf."),
                    (Field::ProductName, "Désignation"),
                    (Field::Quantity, "Qté vendue"),
                    (Field::UnitPrice, "PU HT"),
                    (Field::LineAmount, "Montant HT"),
                    (Field::CustomerType, "Type client"),
                    (Field::CustomerPostalCode, "CP"),
                    (Field::CustomerId, "N° client"),
                    (Field::Channel, "Canal"),
                    (Field::Feedback, "Avis"),
                    (Field::Rating, "Note"),
                ],
            ),
            (
                &[
                    "Sale date",
                    "SKU",
                    "Units sold",
                    "Unit price",
                    "Line total",
                    "Customer type",
                    "ZIP",
                    "Customer ID",
                    "Channel",
                    "Feedback",
                    "Rating",
                ],
                &[
                    (Field::SaleDate, "Sale date"),
                    (Field::Product, "SKU"),
                    (Field::Quantity, "Units sold"),
                    (Field::UnitPrice, "Unit price"),
                    (Field::LineAmount, "Line total"),
                    (Field::CustomerPostalCode, "ZIP"),
                    (Field::CustomerId, "Customer ID"),
                    (Field::Rating, "Rating"),
                ],
            ),
            (
                &[
                    "Дата продажи",
                    "Артикул",
                    "Наименование",
                    "Кол-во",
                    "Цена",
                    "Сумма",
                    "Тип клиента",
                    "Индекс",
                    "Канал",
                    "Отзыв",
                    "Оценка",
                ],
                &[
                    (Field::SaleDate, "Дата продажи"),
                    (Field::Product, "Артикул"),
                    (Field::ProductName, "Наименование"),
                    (Field::Quantity, "Кол-во"),
                    (Field::UnitPrice, "Цена"),
                    (Field::LineAmount, "Сумма"),
                    (Field::CustomerType, "Тип клиента"),
                    (Field::CustomerPostalCode, "Индекс"),
                    (Field::Rating, "Оценка"),
                ],
            ),
        ];
        for (hs, want) in cases {
            let m = Mapping::detect(&headers(hs));
            for (f, h) in *want {
                assert_eq!(field_of(&m, *f).as_deref(), Some(*h), "{f:?} in {hs:?}");
            }
            assert!(m.unmapped.is_empty(), "{:?}", m.unmapped);
        }
    }

    #[test]
    fn a_specific_code_column_beats_a_vague_product_column() {
        let m = Mapping::detect(&headers(&["Produit", "Code article", "Quantité"]));
        assert_eq!(
            field_of(&m, Field::Product).as_deref(),
            Some("Code article")
        );
        assert_eq!(m.unmapped, vec![(0, "Produit".to_string())]);
    }

    #[test]
    fn overrides_move_fields_and_missing_fields_are_reported() {
        let hs = headers(&["Date", "Ref", "Colonne X", "Divers"]);
        let mut m = Mapping::detect(&hs);
        assert_eq!(m.missing_required(false), vec![Field::Quantity]);
        let ignored = m.apply_overrides(
            &hs,
            &[
                (Field::Quantity, ColumnRef::Header("colonne x".into())),
                (Field::Rating, ColumnRef::Index(9)),
            ],
        );
        assert_eq!(ignored, vec![(Field::Rating, ColumnRef::Index(9))]);
        assert_eq!(field_of(&m, Field::Quantity).as_deref(), Some("Colonne X"));
        assert!(m.missing_required(false).is_empty());
        assert_eq!(m.unmapped, vec![(3, "Divers".to_string())]);
        m.apply_overrides(&hs, &[(Field::Product, ColumnRef::Index(0))]);
        assert_eq!(field_of(&m, Field::Product).as_deref(), Some("Date"));
        assert_eq!(m.missing_required(true), Vec::<Field>::new());
        assert_eq!(m.missing_required(false), vec![Field::SaleDate]);
    }

    fn row(q: i64, a: f64, b: f64) -> Vec<Cell> {
        vec![Cell::Int(q), Cell::Float(a), Cell::Float(b)]
    }

    #[test]
    fn an_ambiguous_price_is_decided_by_the_data() {
        // "Prix" ≈ Montant / Qté: unit price.
        let hs = headers(&["Qté", "Prix", "Montant"]);
        let mut m = Mapping::detect(&hs);
        assert_eq!(m.ambiguous_money, Some(1));
        m.resolve_money(
            &[row(2, 5.0, 10.0), row(3, 1.5, 4.5), row(1, 7.0, 7.0)],
            NumberStyle::Unknown,
        );
        assert_eq!(field_of(&m, Field::UnitPrice).as_deref(), Some("Prix"));
        assert_eq!(field_of(&m, Field::LineAmount).as_deref(), Some("Montant"));

        // "€" ≈ Qté × PU: line amount.
        let hs = headers(&["Qté", "€", "PU"]);
        let mut m = Mapping::detect(&hs);
        m.resolve_money(&[row(2, 10.0, 5.0), row(4, 6.0, 1.5)], NumberStyle::Unknown);
        assert_eq!(field_of(&m, Field::LineAmount).as_deref(), Some("€"));
        assert_eq!(field_of(&m, Field::UnitPrice).as_deref(), Some("PU"));

        // "Price" next to "Unit price", data says Price is the line amount.
        let hs = headers(&["Qty", "Price", "Unit price"]);
        let mut m = Mapping::detect(&hs);
        m.resolve_money(
            &[row(3, 30.0, 10.0), row(2, 8.0, 4.0)],
            NumberStyle::Unknown,
        );
        assert_eq!(field_of(&m, Field::LineAmount).as_deref(), Some("Price"));

        // Alone, a bare "Prix" is a unit price.
        let m = Mapping::detect(&headers(&["Qté", "Prix"]));
        assert_eq!(field_of(&m, Field::UnitPrice).as_deref(), Some("Prix"));
    }
}
