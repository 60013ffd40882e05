//! Reading a reference file's rows: the file is opened by a worker process and its records
//! parsed on a blocking thread; `RowReader` turns one record's cells into values, collecting
//! each problem with its row and column.

use super::{ImportReport, RefError, RowIssue};
use crate::import::cell::{parse_number, Cell, NumberStyle};
use crate::import::read::Limits;
use crate::import::records::read_records;
use crate::reader::Reader;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// Reads one record's cells, collecting problems with their column and row.
pub(super) struct RowReader<'a> {
    pub(super) row: u32,
    pub(super) cells: HashMap<&'a str, Cell>,
    pub(super) issues: Vec<RowIssue>,
    pub(super) lang: &'a str,
    pub(super) style: NumberStyle,
}

impl<'a> RowReader<'a> {
    pub(super) fn issue(&mut self, column: &str, code: RefError, value: Option<String>) {
        self.issues.push(RowIssue {
            row: self.row,
            column: column.to_string(),
            code,
            message: code.message(self.lang).to_string(),
            value,
        });
    }

    pub(super) fn text(&mut self, column: &str) -> Option<String> {
        match self.cells.get(column) {
            Some(Cell::Error(e)) => {
                let e = e.clone();
                self.issue(column, RefError::ErrorCell, Some(e));
                None
            }
            Some(c) => c.as_text(),
            None => None,
        }
    }

    pub(super) fn required(&mut self, column: &str) -> String {
        match self.text(column) {
            Some(v) => v,
            None => {
                if !matches!(self.cells.get(column), Some(Cell::Error(_))) {
                    self.issue(column, RefError::Missing, None);
                }
                String::new()
            }
        }
    }

    pub(super) fn number(&mut self, column: &str) -> Option<crate::import::cell::Decimal> {
        let cell = self.cells.get(column)?.clone();
        if cell.is_blank() {
            return None;
        }
        if let Cell::Error(e) = &cell {
            self.issue(column, RefError::ErrorCell, Some(e.clone()));
            return None;
        }
        match parse_number(&cell, self.style) {
            Ok(d) => Some(d),
            Err(_) => {
                self.issue(column, RefError::NotANumber, cell.as_text());
                None
            }
        }
    }

    pub(super) fn coordinate(&mut self, column: &str, limit: f64) -> Option<f64> {
        let d = self.number(column)?;
        let v = d.mantissa as f64 / 10f64.powi(d.scale as i32);
        if v.abs() > limit {
            self.issue(column, RefError::OutOfRange, Some(v.to_string()));
            return None;
        }
        Some(v)
    }

    pub(super) fn parsed<T>(
        &mut self,
        column: &str,
        default: T,
        parse: impl Fn(&str) -> Option<T>,
    ) -> T {
        match self.text(column) {
            None => default,
            Some(v) => match parse(&v) {
                Some(x) => x,
                None => {
                    self.issue(column, RefError::UnknownValue, Some(v));
                    default
                }
            },
        }
    }

    pub(super) fn email(&mut self, column: &str) -> String {
        match self.text(column) {
            Some(v) if crate::accounts::valid_email(&v) => v.to_lowercase(),
            Some(v) => {
                self.issue(column, RefError::EmailInvalid, Some(v));
                String::new()
            }
            None => String::new(),
        }
    }
}

/// The good rows of a file (with their row numbers) and the report so far.
pub(super) type Scanned<T> = (Vec<(u32, T)>, ImportReport);

/// Scans the file, read by a worker process, on a blocking thread; returns the good rows
/// (with their row numbers) and the report so far.
pub(super) async fn scan<T, P>(
    reader: &Reader,
    bytes: &[u8],
    filename: &str,
    columns: &'static [&'static str],
    required: &'static [&'static str],
    lang: &str,
    parse_row: P,
) -> anyhow::Result<Result<Scanned<T>, Box<ImportReport>>>
where
    T: Send + 'static,
    P: FnMut(&mut RowReader<'_>) -> Option<(String, T)> + Send + 'static,
{
    let reader = reader.clone();
    let (bytes, filename, lang) = (bytes.to_vec(), filename.to_string(), lang.to_string());
    Ok(tokio::task::spawn_blocking(move || {
        scan_rows(
            &reader, &bytes, &filename, columns, required, &lang, parse_row,
        )
    })
    .await?)
}

fn scan_rows<T>(
    reader: &Reader,
    bytes: &[u8],
    filename: &str,
    columns: &'static [&'static str],
    required: &[&str],
    lang: &str,
    mut parse_row: impl FnMut(&mut RowReader<'_>) -> Option<(String, T)>,
) -> Result<Scanned<T>, Box<ImportReport>> {
    let refused = |e| {
        Box::new(ImportReport::refused(
            filename,
            crate::import::read_error_message(&e, lang),
        ))
    };
    let mut book = reader
        .open(bytes, filename, &Limits::default())
        .map_err(refused)?;
    let mut records = Vec::new();
    let mut report = ImportReport::refused(filename, String::new());
    report.message = None;
    let mut seen = std::collections::HashSet::new();
    let style = NumberStyle::Unknown;
    let info = read_records(&mut book, columns, |row, cells| {
        report.rows_read += 1;
        let mut reader = RowReader {
            row,
            cells,
            issues: vec![],
            lang,
            style,
        };
        let parsed = parse_row(&mut reader);
        if let Some((key, value)) = parsed.filter(|_| reader.issues.is_empty()) {
            if seen.insert(key.clone()) {
                records.push((row, value));
            } else {
                reader.issue(columns[0], RefError::DuplicateInFile, Some(key));
            }
        }
        if !reader.issues.is_empty() {
            report.rejected += 1;
            report.errors.extend(reader.issues);
        }
        ControlFlow::Continue(())
    });
    let info = info.map_err(refused)?;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| info.missing.iter().any(|m| m == c))
        .collect();
    if !missing.is_empty() {
        let msg = if lang == "fr" {
            format!("Colonnes obligatoires absentes : {}.", missing.join(", "))
        } else {
            format!("Required columns are missing: {}.", missing.join(", "))
        };
        return Err(Box::new(ImportReport::refused(filename, msg)));
    }
    report.sheet = Some(info.sheet);
    report.status = "committed";
    Ok((records, report))
}
