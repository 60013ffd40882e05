//! Where the table is: which sheet, which header row, which rows are totals.
//!
//! Resellers' files start with titles, logos, merged banners and blank rows, and end with
//! totals. The header row is the row among the first `HEADER_SCAN_ROWS` whose cells mean the
//! most fields (`super::mapping::header_score`); the sheet is the one whose header row scores
//! best, sheets named like instructions or settings only when no other sheet has a table.

use std::ops::ControlFlow;

use sha2::{Digest, Sha256};

use super::cell::Cell;
use super::error::ReadError;
use super::mapping::header_score;
use super::normalise::normalise;
use super::sheets::Sheets;

pub const HEADER_SCAN_ROWS: usize = 30;
/// A header row must recognise at least this many columns.
const MIN_HEADER_SCORE: u32 = 2;

/// Sheet names that hold instructions, lists or settings rather than sales.
fn is_side_sheet(name: &str) -> bool {
    const WORDS: [&str; 20] = [
        "instruction",
        "readme",
        "read me",
        "lisez moi",
        "lisezmoi",
        "notice",
        "notes",
        "parametre",
        "parametres",
        "settings",
        "aide",
        "help",
        "mode d emploi",
        "legende",
        "listes",
        "lists",
        "config",
        "инструкция",
        "справка",
        "параметры",
    ];
    let n = normalise(name);
    // Word prefixes, so plurals and suffixes match: "Instructions", "Paramètres 2026".
    WORDS
        .iter()
        .any(|w| n.starts_with(w) || n.contains(&format!(" {w}")))
}

/// The texts of a row's cells, as header candidates.
pub fn header_texts(cells: &[Cell]) -> Vec<Option<String>> {
    cells.iter().map(Cell::as_text).collect()
}

/// A row is a total when its first non-empty cell is a total label ("Total", "Sous-total",
/// "TOTAL GÉNÉRAL", "Grand total", "Итого", "Всего", "Total HT", ...).
pub fn is_total_row(cells: &[Cell]) -> bool {
    let Some(Cell::Text(first)) = cells.iter().find(|c| !c.is_blank()) else {
        return false;
    };
    let n = normalise(first);
    const EXACT: [&str; 6] = ["total", "totaux", "subtotal", "итог", "итого", "всего"];
    const PREFIX: [&str; 8] = [
        "total ",
        "totaux ",
        "sous total",
        "grand total",
        "sub total",
        "subtotal ",
        "итого ",
        "всего ",
    ];
    EXACT.contains(&n.as_str()) || PREFIX.iter().any(|p| n.starts_with(p))
}

/// Hex SHA-256 of the normalised header texts in order: the key under which a reseller's
/// mapping is remembered. Cosmetic changes (case, accents, spacing) keep the same signature.
pub fn header_signature(headers: &[Option<String>]) -> String {
    let mut h = Sha256::new();
    for (i, t) in headers.iter().enumerate() {
        if i > 0 {
            h.update([0x1f]);
        }
        h.update(t.as_deref().map(normalise).unwrap_or_default().as_bytes());
    }
    hex::encode(h.finalize())
}

/// The best header row among the first rows: `(index in rows, score)`; the earliest wins a tie.
pub fn find_header(rows: &[(u32, Vec<Cell>)]) -> Option<(usize, u32)> {
    let mut best: Option<(usize, u32)> = None;
    for (i, (_, cells)) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let score = header_score(&header_texts(cells));
        if score >= MIN_HEADER_SCORE && best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best
}

/// The table chosen in a workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct TableChoice {
    pub sheet: String,
    /// Row number as the spreadsheet shows it.
    pub header_row: u32,
    pub headers: Vec<Option<String>>,
    pub score: u32,
}

/// Reads the first rows of every sheet and picks the table; `only` forces a sheet.
pub fn choose_table(wb: &mut dyn Sheets, only: Option<&str>) -> Result<TableChoice, ReadError> {
    let mut names: Vec<(bool, String)> = wb
        .sheets()
        .iter()
        .filter(|s| only.is_none_or(|o| o == s.name))
        .map(|s| (s.visible && !is_side_sheet(&s.name), s.name.clone()))
        .collect();
    if names.is_empty() {
        return Err(ReadError::SheetNotFound(
            only.unwrap_or_default().to_string(),
        ));
    }
    // Preferred sheets first; a stable sort keeps the workbook's order within each group.
    names.sort_by_key(|(preferred, _)| !preferred);
    let mut best: Option<(bool, TableChoice)> = None;
    for (preferred, name) in names {
        if best.as_ref().is_some_and(|(p, _)| *p && !preferred) {
            break;
        }
        let rows = first_rows(wb, &name, HEADER_SCAN_ROWS)?;
        if let Some((i, score)) = find_header(&rows) {
            let better = best.as_ref().is_none_or(|(_, b)| score > b.score);
            if better {
                let choice = TableChoice {
                    sheet: name,
                    header_row: rows[i].0,
                    headers: header_texts(&rows[i].1),
                    score,
                };
                best = Some((preferred, choice));
            }
        }
    }
    best.map(|(_, c)| c).ok_or(ReadError::NoTable)
}

/// The first `n` non-empty rows of a sheet.
pub fn first_rows(
    wb: &mut dyn Sheets,
    sheet: &str,
    n: usize,
) -> Result<Vec<(u32, Vec<Cell>)>, ReadError> {
    let mut rows = Vec::new();
    wb.rows(sheet, Some(n), &mut |r, cells| {
        rows.push((r, cells.to_vec()));
        ControlFlow::Continue(())
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(xs: &[&str]) -> Vec<Cell> {
        xs.iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect()
    }

    #[test]
    fn total_rows_are_recognised_in_three_languages() {
        for label in [
            "Total",
            "TOTAL GÉNÉRAL",
            "Sous-total",
            "Grand total",
            "Итого",
            "Итого:",
            "Total HT",
            "Subtotal",
        ] {
            assert!(is_total_row(&texts(&["", label, "", "42"])), "{label}");
        }
        assert!(!is_total_row(&texts(&["ABC-1", "Total care kit"])));
        assert!(!is_total_row(&[
            Cell::Date {
                serial: 46000.0,
                is_1904: false
            },
            Cell::Text("Total".into())
        ]));
    }

    #[test]
    fn the_header_row_is_found_below_titles() {
        let rows = vec![
            (1, texts(&["Déclaration de ventes — Jardins du Sud"])),
            (2, texts(&["Période : août 2026"])),
            (4, texts(&["Date", "Réf", "Désignation", "Qté", "PU HT"])),
            (5, texts(&["03/08/2026", "A1", "Tondeuse", "2", "100"])),
        ];
        assert_eq!(find_header(&rows), Some((2, 7)));
        assert_eq!(find_header(&rows[..2]), None);
    }

    #[test]
    fn signatures_ignore_cosmetics_but_not_order() {
        let a = header_signature(&[Some("Réf.".into()), Some("Qté".into()), None]);
        let b = header_signature(&[Some(" REF ".into()), Some("qte".into()), None]);
        let c = header_signature(&[Some("Qté".into()), Some("Réf.".into()), None]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn side_sheets_are_recognised() {
        for n in [
            "Instructions",
            "Lisez-moi",
            "Paramètres",
            "README",
            "Notes",
            "Инструкция",
        ] {
            assert!(is_side_sheet(n), "{n}");
        }
        assert!(!is_side_sheet("Ventes août"));
    }
}
