//! The reseller's own sheet, written back as xlsx with an "Erreurs / Errors" column: each
//! rejected row gets its messages (French, then English) and a red fill, so the reseller fixes
//! the file they know rather than a report. Rows are streamed in and written in constant-memory
//! mode, so a large file costs no more than its rows with errors.

use std::collections::HashMap;

use rust_xlsxwriter::{Color, Format, Workbook as XlsxOut, XlsxError};

use super::cell::Cell;
use super::error::{ReadError, RowError};
use super::sheets::Sheets;
use super::table::choose_table;

pub const ERRORS_HEADER: &str = "Erreurs / Errors";
/// Excel's last row; a csv beyond it cannot be written back.
const XLSX_MAX_ROWS: u32 = 1_048_576;

fn write_err(e: XlsxError) -> ReadError {
    ReadError::Corrupt(format!("writing the annotated copy: {e}"))
}

/// One cell of text per rejected row: "Column: message fr / message en", one line each.
fn messages(errors: &[RowError]) -> HashMap<u32, String> {
    let mut by_row: HashMap<u32, String> = HashMap::new();
    for e in errors {
        let text = by_row.entry(e.row).or_default();
        if !text.is_empty() {
            text.push('\n');
        }
        if let Some(col) = &e.column {
            text.push_str(col);
            text.push_str(" : ");
        }
        text.push_str(e.code.message("fr"));
        text.push_str(" / ");
        text.push_str(e.code.message("en"));
    }
    by_row
}

/// Writes an xlsx copy of the sheet the errors refer to (or of the detected table's sheet when
/// there are none) with the errors column after the header's last column.
pub fn annotate_xlsx(wb: &mut dyn Sheets, errors: &[RowError]) -> Result<Vec<u8>, ReadError> {
    let choice = choose_table(wb, errors.first().map(|e| e.sheet.as_str()))?;
    let error_col = choice.headers.len().max(1) as u16;
    let by_row = messages(errors);

    let mut out = XlsxOut::new();
    let sheet = out
        .add_worksheet_with_constant_memory()
        .map_err(write_err)?;
    let name: String = choice
        .sheet
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.is_empty() {
        sheet.set_name(name).map_err(write_err)?;
    }
    let plain = Format::new();
    let bad = Format::new().set_background_color(Color::RGB(0xFFC7CE));
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let bad_date = bad.clone().set_num_format("dd/mm/yyyy");
    let header = Format::new().set_bold();
    sheet.set_column_width(error_col, 60).map_err(write_err)?;

    let mut failure: Option<ReadError> = None;
    wb.rows(&choice.sheet, None, &mut |row, cells| {
        if row > XLSX_MAX_ROWS {
            failure = Some(ReadError::TooManyRows {
                limit: XLSX_MAX_ROWS,
            });
            return std::ops::ControlFlow::Break(());
        }
        let r = row - 1;
        let message = by_row.get(&row);
        let (fmt, dfmt) = if message.is_some() {
            (&bad, &bad_date)
        } else {
            (&plain, &date)
        };
        for (i, cell) in cells.iter().enumerate() {
            // Cells past the header's width move right so the errors column stays free.
            let c = if i >= error_col as usize {
                i as u16 + 1
            } else {
                i as u16
            };
            let written = match cell {
                Cell::Empty => Ok(&mut *sheet),
                Cell::Text(s) => sheet.write_string_with_format(r, c, s, fmt),
                Cell::Int(n) => sheet.write_number_with_format(r, c, *n as f64, fmt),
                Cell::Float(f) => sheet.write_number_with_format(r, c, *f, fmt),
                Cell::Bool(b) => sheet.write_boolean_with_format(r, c, *b, fmt),
                // The copy uses the 1900 system, so 1904 serials shift by 1462 days.
                Cell::Date { serial, is_1904 } => {
                    let s = if *is_1904 { serial + 1462.0 } else { *serial };
                    sheet.write_number_with_format(r, c, s, dfmt)
                }
                Cell::Error(e) => sheet.write_string_with_format(r, c, e, fmt),
            };
            if let Err(e) = written {
                failure = Some(write_err(e));
                return std::ops::ControlFlow::Break(());
            }
        }
        let extra = if row == choice.header_row {
            sheet
                .write_string_with_format(r, error_col, ERRORS_HEADER, &header)
                .map(|_| ())
        } else if let Some(m) = message {
            sheet
                .write_string_with_format(r, error_col, m, &bad)
                .map(|_| ())
        } else {
            Ok(())
        };
        match extra {
            Ok(()) => std::ops::ControlFlow::Continue(()),
            Err(e) => {
                failure = Some(write_err(e));
                std::ops::ControlFlow::Break(())
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    out.save_to_buffer().map_err(write_err)
}
