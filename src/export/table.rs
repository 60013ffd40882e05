//! Tables as CSV (for any tool) and XLSX (typed cells, for Excel users).

use chrono::{Datelike, NaiveDate};
use relais_templates::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

use super::ExportError;

/// One table cell, typed so each format can write it natively.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Number(f64),
    /// Minor units (cents) with an ISO 4217 code.
    Money {
        cents: i64,
        currency: String,
    },
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

/// CSV in UTF-8 with a byte-order mark, so Excel shows accents right on double-click.
///
/// The dialect follows the user's language the way Excel itself does, so the file opens in
/// columns with no import wizard: French uses `;` between fields and a decimal comma (a comma
/// separator would clash with decimal commas), English uses `,` and a decimal point. Numbers
/// carry no thousands separator and money no currency sign, so spreadsheets read them as numbers;
/// dates are ISO (`2026-11-23`), which every locale parses. Fields are quoted when needed (RFC 4180),
/// and text that a spreadsheet would run as a formula is neutralised (`super::csv_text`).
pub fn table_to_csv(lang: Lang, headers: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let (delimiter, decimal) = match lang {
        Lang::Fr => (b';', ','),
        Lang::En => (b',', '.'),
    };
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail; `csv` only errors on I/O.
        let _ = writer.write_record(headers);
        for row in rows {
            let _ = writer.write_record(row.iter().map(|cell| csv_field(cell, decimal)));
        }
        let _ = writer.flush();
    }
    out
}

fn csv_field(cell: &Cell, decimal: char) -> String {
    match cell {
        Cell::Text(s) => super::csv_text(s).into_owned(),
        Cell::Integer(n) => n.to_string(),
        Cell::Number(x) if x.is_finite() => x.to_string().replace('.', &decimal.to_string()),
        Cell::Number(_) | Cell::Empty => String::new(),
        Cell::Money { cents, .. } => {
            let sign = if *cents < 0 { "-" } else { "" };
            let abs = cents.unsigned_abs();
            format!("{sign}{}{decimal}{:02}", abs / 100, abs % 100)
        }
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// An XLSX workbook of one sheet: bold frozen header row with a filter, numbers as numbers,
/// money with its currency format, dates as real Excel dates, columns fitted to their content.
pub fn table_to_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name))?;
    let header = Format::new().set_bold().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, title) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Integer(n) => {
                    // Exact up to 2^53, far beyond any count here; Excel stores only doubles.
                    sheet.write_number(r, c, *n as f64)?;
                }
                Cell::Number(x) if x.is_finite() => {
                    sheet.write_number(r, c, *x)?;
                }
                Cell::Number(_) | Cell::Empty => {}
                Cell::Money { cents, currency } => {
                    let format = Format::new().set_num_format(money_format(currency));
                    sheet.write_number_with_format(r, c, *cents as f64 / 100.0, &format)?;
                }
                Cell::Date(d) => {
                    let value =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_date_with_format(r, c, &value, &date)?;
                }
            }
        }
    }
    if !headers.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;
    }
    sheet.autofit();
    Ok(workbook.save_to_buffer()?)
}

/// `#,##0.00 "€"`: Excel shows the amount with the reader's own separators and the sign.
fn money_format(currency: &str) -> String {
    let sign = match currency.to_ascii_uppercase().as_str() {
        "EUR" => "€".to_string(),
        "USD" => "$".to_string(),
        "GBP" => "£".to_string(),
        other => other.to_string(),
    };
    format!("#,##0.00 \"{sign}\"")
}

/// Excel refuses sheet names over 31 characters, empty, or containing `[]:*?/\`.
fn sheet_title(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    let clean = clean.trim_matches('\'').trim().to_string();
    if clean.is_empty() {
        "Data".to_string()
    } else {
        clean
    }
}
