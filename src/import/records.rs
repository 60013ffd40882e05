//! Fixed-column imports (the manufacturer's catalogue and reseller network): the file's headers
//! are expected names like `sku` or `postal_code`, matched after normalisation or by a few
//! FR/EN synonyms, and every row below comes out as a map from expected name to cell.

use std::collections::HashMap;
use std::ops::ControlFlow;

use super::cell::Cell;
use super::error::ReadError;
use super::normalise::normalise;
use super::sheets::Sheets;
use super::table::{first_rows, header_texts, is_total_row, HEADER_SCAN_ROWS};

/// Synonyms for the catalogue and network column names, already normalised.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "sku",
        &[
            "ref",
            "reference",
            "code article",
            "code produit",
            "article",
        ],
    ),
    (
        "name",
        &[
            "nom",
            "designation",
            "libelle",
            "product name",
            "raison sociale",
        ],
    ),
    ("category", &["categorie", "famille", "gamme"]),
    (
        "unit_price",
        &[
            "prix",
            "prix unitaire",
            "pu",
            "price",
            "unit price",
            "prix public",
        ],
    ),
    (
        "ean",
        &["gtin", "ean13", "code barre", "code barres", "gencod"],
    ),
    ("brand", &["marque"]),
    (
        "code",
        &["code revendeur", "reseller code", "id", "identifiant"],
    ),
    ("type", &["type revendeur", "reseller type"]),
    (
        "organisation",
        &["organization", "enseigne", "groupe", "group"],
    ),
    ("country", &["pays"]),
    ("region", &["departement"]),
    ("city", &["ville", "commune"]),
    (
        "postal_code",
        &["code postal", "cp", "zip", "zip code", "postcode"],
    ),
    ("latitude", &["lat"]),
    ("longitude", &["lon", "lng", "long"]),
    ("potential", &["potentiel"]),
    ("status", &["statut", "etat"]),
    (
        "manager_email",
        &[
            "email manager",
            "email responsable",
            "responsable email",
            "manager",
        ],
    ),
    (
        "contact_email",
        &["email", "e mail", "email contact", "courriel", "mail"],
    ),
];

fn matches(expected: &str, header: &str) -> bool {
    let h = normalise(header);
    h == normalise(expected)
        || SYNONYMS
            .iter()
            .any(|(name, syns)| *name == expected && syns.contains(&h.as_str()))
}

/// Where the records were found, and which expected columns are absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsInfo {
    pub sheet: String,
    pub header_row: u32,
    pub missing: Vec<String>,
    pub rows: u64,
}

/// Streams `(row number, expected name -> cell)` for every non-blank, non-total row below the
/// header. The header row is the one among the first rows matching most expected names; a
/// sheet without any match is `ReadError::NoTable`.
pub fn read_records<'h, F>(
    wb: &mut dyn Sheets,
    expected_headers: &[&'h str],
    mut f: F,
) -> Result<RecordsInfo, ReadError>
where
    F: FnMut(u32, HashMap<&'h str, Cell>) -> ControlFlow<()>,
{
    // (matched columns, sheet, header row, (column index, expected name))
    type Found<'h> = (usize, String, u32, Vec<(usize, &'h str)>);
    let mut best: Option<Found<'h>> = None;
    let sheets: Vec<String> = wb
        .sheets()
        .iter()
        .filter(|s| s.visible)
        .map(|s| s.name.clone())
        .collect();
    for sheet in sheets {
        for (row, cells) in first_rows(wb, &sheet, HEADER_SCAN_ROWS)? {
            let texts = header_texts(&cells);
            let mut columns = Vec::new();
            for name in expected_headers {
                let found = texts
                    .iter()
                    .position(|t| t.as_deref().is_some_and(|t| matches(name, t)));
                if let Some(i) = found.filter(|i| !columns.iter().any(|(c, _)| c == i)) {
                    columns.push((i, *name));
                }
            }
            if !columns.is_empty() && best.as_ref().is_none_or(|b| columns.len() > b.0) {
                best = Some((columns.len(), sheet.clone(), row, columns));
            }
        }
    }
    let (_, sheet, header_row, columns) = best.ok_or(ReadError::NoTable)?;
    let missing = expected_headers
        .iter()
        .filter(|n| !columns.iter().any(|(_, c)| c == *n))
        .map(|n| n.to_string())
        .collect();
    let mut rows = 0;
    wb.rows(&sheet, None, &mut |row, cells| {
        if row <= header_row || cells.iter().all(Cell::is_blank) || is_total_row(cells) {
            return ControlFlow::Continue(());
        }
        rows += 1;
        let record = columns
            .iter()
            .map(|(i, name)| (*name, cells.get(*i).cloned().unwrap_or(Cell::Empty)))
            .collect();
        f(row, record)
    })?;
    Ok(RecordsInfo {
        sheet,
        header_row,
        missing,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::super::read::{open, Limits};
    use super::*;

    #[test]
    fn catalogue_rows_come_out_by_expected_name() {
        let csv = "Catalogue 2026\n\nRéférence;Nom;Catégorie;Prix unitaire;EAN;Marque;Remarque\nTD-450;Tondeuse;Jardin;199,90;3760123456789;Verdi;x\nSC-20;Sécateur;Outils;19,90;;Verdi;\n";
        let expected = ["sku", "name", "category", "unit_price", "ean", "brand"];
        let mut got = Vec::new();
        let mut wb = open(csv.as_bytes(), "catalogue.csv", &Limits::default()).unwrap();
        let info = read_records(&mut wb, &expected, |row, rec| {
            got.push((row, rec["sku"].clone(), rec["ean"].clone()));
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(info.header_row, 3);
        assert!(info.missing.is_empty());
        assert_eq!(
            got,
            vec![
                (
                    4,
                    Cell::Text("TD-450".into()),
                    Cell::Text("3760123456789".into())
                ),
                (5, Cell::Text("SC-20".into()), Cell::Empty),
            ]
        );
    }

    #[test]
    fn network_headers_match_with_underscores_or_synonyms() {
        let csv = "code,name,postal_code,Ville,Latitude,lng,contact email\nR1,Jardins du Sud,13001,Marseille,43.3,5.4,a@b.fr\n";
        let expected = [
            "code",
            "name",
            "type",
            "city",
            "postal_code",
            "latitude",
            "longitude",
            "contact_email",
        ];
        let mut n = 0;
        let mut wb = open(csv.as_bytes(), "network.csv", &Limits::default()).unwrap();
        let info = read_records(&mut wb, &expected, |_, rec| {
            assert_eq!(rec["city"], Cell::Text("Marseille".into()));
            assert_eq!(rec["longitude"], Cell::Text("5.4".into()));
            n += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!((n, info.missing), (1, vec!["type".to_string()]));
    }
}
