//! Bytes of a file -> sheets -> rows of cells, streamed.
//!
//! The format comes from the content (zip entries, OLE2 signature, else text), never from the
//! name alone: a renamed file is read as what it is. Every format goes through a guard before
//! calamine sees it (`super::guard`, `super::xls_scan`, `super::csv_text::check_shape`).
//!
//! Streaming per format (calamine 0.38):
//! - xlsx/xlsm and xlsb: `worksheet_cells_reader` yields cells in file order; rows are
//!   assembled one at a time, so memory is one row plus calamine's shared strings.
//! - xls and ods: calamine reads every sheet into a dense grid when the file is opened; the
//!   guards bound that grid (`Limits::max_dense_cells`) before it exists, then rows are handed
//!   out of the grid.
//! - csv: decoded once into a string (the upload is already size-capped), parsed lazily.
//!
//! Caps: a non-empty cell at or beyond `max_cols` is an error (`TooManyColumns`) rather than a
//! silent loss of data; empty or whitespace cells there are ignored. A row at or beyond
//! `max_rows` is an error (`TooManyRows`), never a truncation.

use std::io::Cursor;
use std::ops::ControlFlow;

use calamine::{Data, DataRef, Ods, Reader, SheetVisible, Xls, XlsOptions, Xlsb, Xlsx};

use super::cell::Cell;
use super::csv_text;
use super::date::date_to_serial;
use super::error::ReadError;
use super::guard::{check_zip, ZipKind};
use super::sheets::{RowFn, Sheets};
use super::xls_scan::check_xls;

/// Resource limits for one file. The defaults suit sell-out declarations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Sum of the zip entries' declared uncompressed sizes.
    pub max_uncompressed: u64,
    /// Largest uncompressed/compressed ratio of any entry above 1 MiB.
    pub max_ratio: u64,
    pub max_zip_entries: usize,
    pub max_rows: u32,
    pub max_cols: u32,
    /// Largest grid calamine may materialise for formats it cannot stream (xls, ods): about
    /// 56 bytes a cell (value + formula), so 4 M cells ≈ 220 MB at worst.
    pub max_dense_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_uncompressed: 500 * 1024 * 1024,
            max_ratio: 200,
            max_zip_entries: 10_000,
            max_rows: 2_000_000,
            max_cols: 256,
            max_dense_cells: 4_000_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetInfo {
    pub name: String,
    pub visible: bool,
}

type Src<'a> = Cursor<&'a [u8]>;

enum Inner<'a> {
    Xlsx(Box<Xlsx<Src<'a>>>),
    Xlsb(Box<Xlsb<Src<'a>>>),
    Xls(Box<Xls<Src<'a>>>),
    Ods(Box<Ods<Src<'a>>>),
    Csv { text: String, delimiter: u8 },
}

/// An opened file. Rows are read on demand with `for_each_row`, as often as needed.
pub struct Workbook<'a> {
    pub format: Format,
    pub sheets: Vec<SheetInfo>,
    pub is_1904: bool,
    limits: Limits,
    inner: Inner<'a>,
    declared_rows: Option<u64>,
}

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Runs a call into calamine. Its readers index record data without checking lengths in
/// places, so a malformed file can make one panic: that is a damaged file, refused as such,
/// not a fault of the process reading it. (Our own code runs outside this net, so that a bug
/// of ours still fails loudly, in tests and under the fuzzer.)
fn shielded<T>(call: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).unwrap_or_else(|_| {
        Err(ReadError::Corrupt(
            "the reader failed on the file's content".into(),
        ))
    })
}

fn corrupt(e: impl std::fmt::Display) -> ReadError {
    let text = e.to_string();
    if text.contains("password protected") {
        ReadError::Encrypted
    } else {
        ReadError::Corrupt(text)
    }
}

/// Opens a file from its bytes. `filename` is only a hint (csv sheet name, error messages).
pub fn open<'a>(
    bytes: &'a [u8],
    filename: &str,
    limits: &Limits,
) -> Result<Workbook<'a>, ReadError> {
    let src = || Cursor::new(bytes);
    let (format, inner) = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        match check_zip(bytes, limits)? {
            ZipKind::Xlsx { macro_enabled } => {
                let f = if macro_enabled {
                    Format::Xlsm
                } else {
                    Format::Xlsx
                };
                let x = shielded(|| Xlsx::new(src()).map_err(corrupt))?;
                (f, Inner::Xlsx(Box::new(x)))
            }
            ZipKind::Xlsb => (
                Format::Xlsb,
                Inner::Xlsb(Box::new(shielded(|| Xlsb::new(src()).map_err(corrupt))?)),
            ),
            ZipKind::Ods => (
                Format::Ods,
                Inner::Ods(Box::new(shielded(|| Ods::new(src()).map_err(corrupt))?)),
            ),
        }
    } else if bytes.starts_with(&OLE2) {
        check_xls(bytes, limits)?;
        (
            Format::Xls,
            Inner::Xls(Box::new(shielded(|| {
                Xls::new_with_options(src(), XlsOptions::default()).map_err(corrupt)
            })?)),
        )
    } else {
        if let Some(kind) = known_binary(bytes) {
            return Err(ReadError::UnsupportedFormat(format!(
                "{kind}, not a spreadsheet ({filename})"
            )));
        }
        let (text, _) = csv_text::decode(bytes);
        csv_text::looks_like_text(&text)?;
        let delimiter = csv_text::detect_delimiter(&text);
        csv_text::check_shape(&text, delimiter, limits)?;
        (Format::Csv, Inner::Csv { text, delimiter })
    };
    let (sheets, is_1904) = match &inner {
        Inner::Xlsx(x) => (meta(x.sheets_metadata()), x.has_1904_epoch()),
        Inner::Xlsb(x) => (meta(x.sheets_metadata()), x.has_1904_epoch()),
        Inner::Xls(x) => (meta(x.sheets_metadata()), x.has_1904_epoch()),
        Inner::Ods(x) => (meta(x.sheets_metadata()), false),
        Inner::Csv { .. } => (
            vec![SheetInfo {
                name: csv_sheet_name(filename),
                visible: true,
            }],
            false,
        ),
    };
    Ok(Workbook {
        format,
        sheets,
        is_1904,
        limits: limits.clone(),
        inner,
        declared_rows: None,
    })
}

fn meta(sheets: &[calamine::Sheet]) -> Vec<SheetInfo> {
    sheets
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| SheetInfo {
            name: s.name.clone(),
            visible: s.visible == SheetVisible::Visible,
        })
        .collect()
}

/// A csv has one sheet; it is named after the file so errors read naturally.
fn csv_sheet_name(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    if stem.is_empty() {
        "csv".into()
    } else {
        stem.into()
    }
}

fn known_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"Rar!", "a RAR archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF", "a 7-zip archive"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, k)| *k)
}

/// Assembles streamed cells into rows and enforces the caps. The row's vector and its text
/// buffers are reused from row to row: a million-row sheet allocates for its widest row, not
/// for every cell.
struct RowSink<'f, F> {
    limits: Limits,
    row: Option<u32>,
    cells: Vec<Cell>,
    /// Emptied text buffers of earlier rows.
    spare: Vec<String>,
    f: &'f mut F,
}

impl<F: FnMut(u32, &[Cell]) -> ControlFlow<()>> RowSink<'_, F> {
    /// `row` and `col` are 0-based. Returns Break when the consumer stopped.
    fn push(&mut self, row: u32, col: u32, cell: Value<'_>) -> Result<ControlFlow<()>, ReadError> {
        if self.row != Some(row) {
            if self.flush().is_break() {
                return Ok(ControlFlow::Break(()));
            }
            self.row = Some(row);
        }
        if cell.is_blank() {
            return Ok(ControlFlow::Continue(()));
        }
        if row >= self.limits.max_rows {
            return Err(ReadError::TooManyRows {
                limit: self.limits.max_rows,
            });
        }
        if col >= self.limits.max_cols {
            return Err(ReadError::TooManyColumns {
                row: row + 1,
                limit: self.limits.max_cols,
            });
        }
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, Cell::Empty);
        }
        self.cells[col] = match cell {
            Value::Cell(c) => c,
            Value::Text(t) => {
                let mut buf = self.spare.pop().unwrap_or_default();
                buf.push_str(t);
                text_cell(buf)
            }
        };
        Ok(ControlFlow::Continue(()))
    }

    /// Hands the current row over; rows without any value are not handed over.
    fn flush(&mut self) -> ControlFlow<()> {
        let flow = match self.row {
            Some(r) if !self.cells.is_empty() => (self.f)(r + 1, &self.cells),
            _ => ControlFlow::Continue(()),
        };
        for cell in self.cells.drain(..) {
            if let Cell::Text(mut s) | Cell::Error(mut s) = cell {
                s.clear();
                self.spare.push(s);
            }
        }
        flow
    }
}

/// A value on its way into a row: text is copied into one of the row's reused buffers.
enum Value<'a> {
    Cell(Cell),
    Text(&'a str),
}

impl Value<'_> {
    fn is_blank(&self) -> bool {
        match self {
            Value::Cell(c) => c.is_blank(),
            Value::Text(t) => t.trim().is_empty(),
        }
    }
}

fn from_ref<'a>(v: &'a DataRef<'_>, is_1904: bool) -> Value<'a> {
    Value::Cell(match v {
        DataRef::String(s) => return Value::Text(s),
        DataRef::SharedString(s) => return Value::Text(s),
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) if d.is_duration() => Cell::Float(d.as_f64()),
        DataRef::DateTime(d) => Cell::Date {
            serial: d.as_f64(),
            is_1904,
        },
        DataRef::DateTimeIso(s) => iso_cell(s.clone()),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    })
}

fn from_data(v: &Data, is_1904: bool) -> Value<'_> {
    Value::Cell(match v {
        Data::String(s) => return Value::Text(s),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) if d.is_duration() => Cell::Float(d.as_f64()),
        Data::DateTime(d) => Cell::Date {
            serial: d.as_f64(),
            is_1904,
        },
        Data::DateTimeIso(s) => iso_cell(s.clone()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    })
}

/// Formula errors that arrive as text (ods stores them so, csv exports write them out) are
/// errors all the same.
fn text_cell(s: String) -> Cell {
    const ERRORS: [&str; 9] = [
        "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#N/D", "#NV",
    ];
    let t = s.trim();
    if ERRORS.contains(&t) || (t.starts_with("Err:") && t[4..].bytes().all(|b| b.is_ascii_digit()))
    {
        Cell::Error(t.to_string())
    } else {
        Cell::Text(s)
    }
}

/// ods dates arrive as ISO text; they become serials like every other format's dates.
fn iso_cell(s: String) -> Cell {
    match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d") {
        Ok(d) => Cell::Date {
            serial: date_to_serial(d),
            is_1904: false,
        },
        Err(_) => Cell::Text(s),
    }
}

/// The spreadsheet row number of a sheet's last declared row, if it declares any.
fn last_row(d: calamine::Dimensions) -> Option<u64> {
    (d.end.0 >= d.start.0 && d.end != (0, 0)).then(|| u64::from(d.end.0) + 1)
}

impl Workbook<'_> {
    /// The row number of the last row the sheet read last by `for_each_row` says it has: its
    /// declared dimension for xlsx and xlsb, the grid for xls and ods (noted while reading),
    /// the line count for csv (an upper bound: quoted fields may hold line breaks).
    /// Untrusted (a file may declare anything): good for a progress estimate only.
    pub fn declared_rows(&self) -> Option<u64> {
        match &self.inner {
            Inner::Csv { text, .. } => {
                let breaks = text.bytes().filter(|b| *b == b'\n').count() as u64;
                Some(breaks + u64::from(!text.ends_with('\n')))
            }
            _ => self.declared_rows,
        }
    }

    /// Streams the rows of a sheet that hold at least one value, in file order, with the row
    /// number the spreadsheet shows (1-based). The callback may stop early with `Break`.
    pub fn for_each_row<F>(&mut self, sheet: &str, mut f: F) -> Result<(), ReadError>
    where
        F: FnMut(u32, &[Cell]) -> ControlFlow<()>,
    {
        if !self.sheets.iter().any(|s| s.name == sheet) {
            return Err(ReadError::SheetNotFound(sheet.to_string()));
        }
        let is_1904 = self.is_1904;
        let mut sink = RowSink {
            limits: self.limits.clone(),
            row: None,
            cells: Vec::new(),
            spare: Vec::new(),
            f: &mut f,
        };
        match &mut self.inner {
            Inner::Xlsx(x) => {
                let mut reader = shielded(|| x.worksheet_cells_reader(sheet).map_err(corrupt))?;
                self.declared_rows = last_row(reader.dimensions());
                while let Some(c) = shielded(|| reader.next_cell().map_err(corrupt))? {
                    let (r, col) = c.get_position();
                    if sink
                        .push(r, col, from_ref(c.get_value(), is_1904))?
                        .is_break()
                    {
                        return Ok(());
                    }
                }
            }
            Inner::Xlsb(x) => {
                let mut reader = shielded(|| x.worksheet_cells_reader(sheet).map_err(corrupt))?;
                self.declared_rows = last_row(reader.dimensions());
                while let Some(c) = shielded(|| reader.next_cell().map_err(corrupt))? {
                    let (r, col) = c.get_position();
                    if sink
                        .push(r, col, from_ref(c.get_value(), is_1904))?
                        .is_break()
                    {
                        return Ok(());
                    }
                }
            }
            Inner::Xls(x) => {
                let range = shielded(|| x.worksheet_range(sheet).map_err(corrupt))?;
                self.declared_rows = range.end().map(|(r, _)| u64::from(r) + 1);
                return grid_rows(range, is_1904, &mut sink);
            }
            Inner::Ods(x) => {
                let range = shielded(|| x.worksheet_range(sheet).map_err(corrupt))?;
                self.declared_rows = range.end().map(|(r, _)| u64::from(r) + 1);
                return grid_rows(range, is_1904, &mut sink);
            }
            Inner::Csv { text, delimiter } => {
                let mut rdr = csv::ReaderBuilder::new()
                    .delimiter(*delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut record = csv::StringRecord::new();
                // The csv crate skips blank lines and its line counter is off with CRLF, so the
                // row is counted here: line breaks before the record's first byte, minus those
                // inside earlier quoted fields (a quoted multi-line field is one Excel row).
                let bytes = text.as_bytes();
                let (mut scanned, mut breaks, mut breaks_in_fields) = (0usize, 0u64, 0u64);
                while rdr
                    .read_record(&mut record)
                    .map_err(|e| ReadError::Corrupt(format!("csv: {e}")))?
                {
                    let mut start = record
                        .position()
                        .map_or(0, |p| p.byte() as usize)
                        .max(scanned);
                    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                        start += 1;
                    }
                    breaks += bytes[scanned..start]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count() as u64;
                    scanned = start;
                    let r = u32::try_from(breaks - breaks_in_fields).unwrap_or(u32::MAX);
                    for (col, field) in record.iter().enumerate() {
                        breaks_in_fields += field.matches('\n').count() as u64;
                        if sink.push(r, col as u32, Value::Text(field))?.is_break() {
                            return Ok(());
                        }
                    }
                }
            }
        }
        let _ = sink.flush();
        Ok(())
    }
}

impl Sheets for Workbook<'_> {
    fn format(&self) -> Format {
        self.format
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn declared_rows(&self) -> Option<u64> {
        Workbook::declared_rows(self)
    }

    fn rows(
        &mut self,
        sheet: &str,
        limit: Option<usize>,
        f: &mut RowFn<'_>,
    ) -> Result<(), ReadError> {
        let mut left = limit.unwrap_or(usize::MAX);
        if left == 0 {
            return Ok(());
        }
        self.for_each_row(sheet, |row, cells| {
            left -= 1;
            match f(row, cells) {
                ControlFlow::Continue(()) if left > 0 => ControlFlow::Continue(()),
                _ => ControlFlow::Break(()),
            }
        })
    }
}

fn grid_rows<F>(
    range: calamine::Range<Data>,
    is_1904: bool,
    sink: &mut RowSink<'_, F>,
) -> Result<(), ReadError>
where
    F: FnMut(u32, &[Cell]) -> ControlFlow<()>,
{
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if sink
                .push(r0 + i as u32, c0 + j as u32, from_data(v, is_1904))?
                .is_break()
            {
                return Ok(());
            }
        }
    }
    let _ = sink.flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(text: &str) -> Vec<(u32, Vec<Cell>)> {
        let mut wb = open(text.as_bytes(), "t.csv", &Limits::default()).unwrap();
        super::super::table::first_rows(&mut wb, "t", 100).unwrap()
    }

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        let rows = rows_of("a;b\r\n\r\nc;d\r\n\"multi\nline\";e\n;\nf;#N/A\n");
        let numbers: Vec<u32> = rows.iter().map(|(r, _)| *r).collect();
        assert_eq!(numbers, [1, 3, 4, 6]);
        assert_eq!(rows[2].1[0], Cell::Text("multi\nline".into()));
        assert_eq!(rows[3].1[1], Cell::Error("#N/A".into()));
    }

    #[test]
    fn unknown_and_empty_content_is_handled() {
        assert!(matches!(
            open(b"%PDF-1.4", "a.xlsx", &Limits::default()),
            Err(ReadError::UnsupportedFormat(_))
        ));
        let mut wb = open(b"", "empty.csv", &Limits::default()).unwrap();
        assert!(super::super::table::first_rows(&mut wb, "empty", 10)
            .unwrap()
            .is_empty());
        assert!(matches!(
            wb.for_each_row("nope", |_, _| ControlFlow::Continue(())),
            Err(ReadError::SheetNotFound(_))
        ));
    }
}
