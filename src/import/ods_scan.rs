//! Pre-scan of an ods `content.xml` before calamine reads it.
//!
//! calamine reads every named sheet of an ods when the file is opened: each row's cells are
//! pushed once (a repeated non-empty cell is copied, text and formula included; trailing empty
//! ones are not), then expanded into a dense grid from the first to the last non-empty row,
//! repeated rows copied again; every sheet is kept. Nothing bounds that but the format's own
//! caps (1,048,576 rows, 16,384 columns, 100 M cells a sheet: gigabytes), and a table or a cell
//! annotation left open makes its reading loop forever on the end of the part.
//!
//! This scan follows calamine 0.38's own reading step by step — the same XML reader with the
//! same settings, the same elements, the same attribute rules, the same places where a cell's
//! content is skipped — but only counts: the cells and the text each sheet will hold, added
//! over the workbook. A file that would expand beyond `Limits::max_dense_cells` cells or
//! `Limits::max_uncompressed` bytes of text, or that calamine would read forever, is refused
//! before calamine starts; where calamine would stop with an error, so does the scan. Any
//! difference between the two errs towards counting more. (A calamine upgrade must be checked
//! against this file; the ods fuzz target watches it.)

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::error::ReadError;
use super::guard::{raw_attrs, xml_reader};
use super::read::Limits;

/// The most rows and columns calamine expands an ods sheet to (its own caps).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;
/// What calamine keeps for a cell besides its text: the value and the formula string.
const CELL_BYTES: u64 = 56;

fn corrupt(what: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(format!("ods content: {what}"))
}

type Xml<R> = quick_xml::Reader<R>;

/// What one cell holds as calamine reads it.
struct CellValue {
    /// Not calamine's empty value: it is pushed, and makes its row non-empty.
    data: bool,
    /// Bytes of its value's text and of its formula.
    text: u64,
    /// Its end tag was read with it.
    closed: bool,
}

/// Counts of one sheet, as `read_table` and `get_range` will build it.
#[derive(Default)]
struct Sheet {
    rows: u64,
    first_row: Option<u64>,
    end_row: u64,
    width: u64,
    pushed: u64,
    text: u64,
}

pub(super) struct OdsScan<'l> {
    limits: &'l Limits,
    workbook_cells: u64,
    workbook_text: u64,
}

/// calamine's `raw_attr`: the first attribute of that key; a malformed attribute before it is
/// an error.
fn raw_attr<'e>(e: &'e BytesStart<'_>, key: &str) -> Result<Option<&'e str>, ReadError> {
    for attr in raw_attrs(e) {
        let (k, v) = attr.map_err(|()| corrupt("malformed attribute"))?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

fn unescaped(raw: &str) -> Result<String, ReadError> {
    quick_xml::escape::unescape(raw)
        .map(|v| v.into_owned())
        .map_err(corrupt)
}

/// A repeat count as calamine parses it (usize); one it cannot parse stops it.
fn parse_count(value: &str) -> Result<u64, ReadError> {
    value
        .parse::<usize>()
        .map(|n| n as u64)
        .map_err(|_| corrupt(format!("count {value:?}")))
}

impl<'l> OdsScan<'l> {
    pub(super) fn new(limits: &'l Limits) -> Self {
        OdsScan {
            limits,
            workbook_cells: 0,
            workbook_text: 0,
        }
    }

    /// calamine's `parse_content`.
    pub(super) fn run(mut self, content: impl BufRead) -> Result<(), ReadError> {
        let mut xml = xml_reader(content);
        xml.config_mut().expand_empty_elements = true;
        let mut buf = Vec::with_capacity(1024);
        loop {
            match xml.read_event_into(&mut buf).map_err(corrupt)? {
                // A table without a name is not read.
                Event::Start(e)
                    if e.name() == QName("table:table")
                        && raw_attr(&e, "table:name")?.is_some() =>
                {
                    self.table(&mut xml)?
                }
                Event::Start(e) if e.name() == QName("table:named-expressions") => {
                    named_expressions(&mut xml)?
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
            buf.clear();
        }
    }

    /// calamine's `read_table`, then what `get_range` allocates.
    fn table<R: BufRead>(&mut self, xml: &mut Xml<R>) -> Result<(), ReadError> {
        let mut sheet = Sheet::default();
        let mut buf = Vec::with_capacity(1024);
        loop {
            match xml.read_event_into(&mut buf).map_err(corrupt)? {
                Event::Start(e) if e.name() == QName("table:table-row") => {
                    let repeats = match raw_attr(&e, "table:number-rows-repeated")? {
                        Some(v) => parse_count(&unescaped(v)?)?,
                        None => 1,
                    };
                    let repeats = repeats.min(ODS_MAX_ROWS.saturating_sub(sheet.rows));
                    let (width, text, has_data) = row(xml)?;
                    sheet.pushed = sheet.pushed.saturating_add(width);
                    if has_data {
                        sheet.width = sheet.width.max(width);
                        sheet.first_row.get_or_insert(sheet.rows);
                        sheet.end_row = sheet.rows + repeats;
                        // One copy pushed, then one a repeat in the grid.
                        let copies = repeats.saturating_add(1);
                        sheet.text = sheet.text.saturating_add(text.saturating_mul(copies));
                    }
                    sheet.rows += repeats;
                }
                Event::End(e) if e.name() == QName("table:table") => break,
                // calamine reads on past the end of the part, forever.
                Event::Eof => return Err(corrupt("a table is never closed")),
                _ => {}
            }
            buf.clear();
        }
        self.add(&sheet)
    }

    fn add(&mut self, s: &Sheet) -> Result<(), ReadError> {
        let limits = self.limits;
        let span = s.first_row.map_or(0, |first| s.end_row - first);
        if span > u64::from(limits.max_rows) {
            return Err(ReadError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        if s.width > u64::from(limits.max_cols) {
            return Err(ReadError::TooManyColumns {
                row: 0,
                limit: limits.max_cols,
            });
        }
        let cells = span.saturating_mul(s.width).max(s.pushed);
        self.workbook_cells = self.workbook_cells.saturating_add(cells);
        if self.workbook_cells > limits.max_dense_cells {
            return Err(ReadError::TooLarge(format!(
                "the ods sheets expand to more than {} cells",
                limits.max_dense_cells
            )));
        }
        let bytes = s.text.saturating_add(cells.saturating_mul(CELL_BYTES));
        self.workbook_text = self.workbook_text.saturating_add(bytes);
        if self.workbook_text > limits.max_uncompressed {
            return Err(ReadError::TooLarge(format!(
                "the ods cells' text expands to more than {} bytes",
                limits.max_uncompressed
            )));
        }
        Ok(())
    }
}

/// calamine's `read_row`: the cells it pushes (empty ones between values included), the text
/// they copy, and whether the row holds a value.
fn row<R: BufRead>(xml: &mut Xml<R>) -> Result<(u64, u64, bool), ReadError> {
    let (mut width, mut text, mut has_data) = (0u64, 0u64, false);
    let mut pending_empty = 0u64;
    let (mut buf, mut skip) = (Vec::with_capacity(1024), Vec::with_capacity(1024));
    loop {
        match xml.read_event_into(&mut buf).map_err(corrupt)? {
            Event::Start(e)
                if e.name() == QName("table:table-cell")
                    || e.name() == QName("table:covered-table-cell") =>
            {
                let repeats = match raw_attr(&e, "table:number-columns-repeated")? {
                    Some(v) => parse_count(v)?,
                    None => 1,
                };
                let name = e.name().0.to_string();
                let cell = cell_value(xml, &e)?;
                width += pending_empty.min(ODS_MAX_COLS.saturating_sub(width));
                pending_empty = 0;
                let repeats = repeats.min(ODS_MAX_COLS.saturating_sub(width));
                if cell.data {
                    width += repeats;
                    has_data |= repeats > 0;
                    text = text.saturating_add(cell.text.saturating_mul(repeats));
                } else {
                    pending_empty = repeats;
                }
                if !cell.closed {
                    xml.read_to_end_into(QName(&name), &mut skip)
                        .map_err(corrupt)?;
                    skip.clear();
                }
            }
            Event::End(e) if e.name() == QName("table:table-row") => {
                return Ok((width, text, has_data))
            }
            other => return Err(corrupt(format!("{other:?} in a row"))),
        }
        buf.clear();
    }
}

/// calamine's `get_datatype`: the value from the attributes, or the text of the content for a
/// string cell (read up to the first cell end tag).
fn cell_value<R: BufRead>(xml: &mut Xml<R>, e: &BytesStart<'_>) -> Result<CellValue, ReadError> {
    let (mut is_string, mut is_error, mut value_set) = (false, false, false);
    let (mut value_text, mut empty_string_value, mut formula) = (0u64, false, 0u64);
    for attr in raw_attrs(e) {
        let (key, value) = attr.map_err(|()| corrupt("malformed attribute"))?;
        match key {
            "office:value" | "office:boolean-value" if !value_set => value_set = true,
            "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                let v = unescaped(value)?;
                value_text = v.len() as u64;
                empty_string_value = key == "office:string-value" && v.is_empty();
                value_set = true;
            }
            "office:value-type" if !value_set => is_string = value == "string",
            "calcext:value-type" => is_error = value == "error",
            "table:formula" => formula = unescaped(value)?.len() as u64,
            _ => {}
        }
    }
    if !((!value_set && is_string) || (is_error && empty_string_value)) {
        return Ok(CellValue {
            data: value_set || formula > 0,
            text: value_text + formula,
            closed: false,
        });
    }
    let mut text = formula;
    let mut buf = Vec::with_capacity(1024);
    loop {
        match xml.read_event_into(&mut buf).map_err(corrupt)? {
            Event::Text(t) => text = text.saturating_add(t.len() as u64),
            Event::GeneralRef(r) => text = text.saturating_add(r.len() as u64 + 2),
            Event::End(end)
                if end.name() == QName("table:table-cell")
                    || end.name() == QName("table:covered-table-cell") =>
            {
                return Ok(CellValue {
                    data: true,
                    text,
                    closed: true,
                });
            }
            Event::Start(s) if s.name() == QName("office:annotation") => annotation(xml)?,
            Event::Start(s) if s.name() == QName("text:s") => {
                let spaces = match raw_attr(&s, "text:c")? {
                    Some(v) => parse_count(&unescaped(v)?)?,
                    None => 1,
                };
                text = text.saturating_add(spaces);
            }
            Event::Start(s) if matches!(s.name().0, "text:p" | "text:tab" | "text:line-break") => {
                text = text.saturating_add(1)
            }
            Event::Eof => return Err(corrupt("a cell is never closed")),
            _ => {}
        }
        buf.clear();
    }
}

/// calamine skips a cell's annotation up to its end tag, forever if there is none.
fn annotation<R: BufRead>(xml: &mut Xml<R>) -> Result<(), ReadError> {
    let mut buf = Vec::with_capacity(1024);
    loop {
        match xml.read_event_into(&mut buf).map_err(corrupt)? {
            Event::End(e) if e.name() == QName("office:annotation") => return Ok(()),
            Event::Eof => return Err(corrupt("an annotation is never closed")),
            _ => {}
        }
        buf.clear();
    }
}

/// calamine's `read_named_expressions`: anything but the expressions is an error.
fn named_expressions<R: BufRead>(xml: &mut Xml<R>) -> Result<(), ReadError> {
    let mut buf = Vec::with_capacity(1024);
    loop {
        match xml.read_event_into(&mut buf).map_err(corrupt)? {
            Event::Start(e)
                if e.name() == QName("table:named-range")
                    || e.name() == QName("table:named-expression") => {}
            Event::End(e)
                if e.name() == QName("table:named-range")
                    || e.name() == QName("table:named-expression") => {}
            Event::End(e) if e.name() == QName("table:named-expressions") => return Ok(()),
            other => return Err(corrupt(format!("{other:?} in named expressions"))),
        }
        buf.clear();
    }
}
