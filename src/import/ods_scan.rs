//! Pre-scan of an ods `content.xml` before calamine reads it.
//!
//! calamine reads every sheet of an ods when the file is opened: each row's cells are pushed
//! once (a repeated non-empty cell is copied, trailing empty ones are not), then expanded into
//! a dense grid from the first to the last non-empty row, repeated rows copied; every sheet is
//! kept. Nothing bounds that but the format's own caps (1,048,576 rows, 16,384 columns, 100 M
//! cells a sheet: gigabytes). This scan reads the part with calamine's XML reader and counts
//! what calamine will allocate, sheet by sheet and for the whole workbook, so a file that would
//! expand beyond `Limits::max_dense_cells` is refused before anything is expanded.
//!
//! Wherever calamine's reading and this scan could differ (a table or a row nested inside a
//! cell, a cell that might hold a value), the scan counts more, never less.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::error::ReadError;
use super::guard::{raw_attr_values, xml_reader};
use super::read::Limits;

/// The most rows and columns calamine expands an ods sheet to (its own caps).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;

/// Counts of the sheet being read.
#[derive(Default)]
struct Sheet {
    rows: u64,
    first_row: Option<u64>,
    end_row: u64,
    width: u64,
    pushed: u64,
    row_repeat: u64,
    row_width: u64,
    row_pending_empty: u64,
    row_has_data: bool,
}

pub(super) struct OdsScan<'l> {
    limits: &'l Limits,
    /// Nesting of `table:table` elements: a sheet is an outermost one.
    tables: u32,
    /// Nesting of rows: cells of a row nested in a cell count in the outer row.
    rows: u32,
    sheet: Sheet,
    /// Cells of the sheets already read, all kept by calamine.
    workbook_cells: u64,
}

/// A repeat count as calamine parses it; one it would refuse counts as the largest.
fn repeat(e: &BytesStart<'_>, key: &str, unescape: bool) -> u64 {
    let Some(raw) = raw_attr_values(e, key).first().copied() else {
        return 1;
    };
    let value = if unescape {
        match quick_xml::escape::unescape(raw) {
            Ok(v) => v.into_owned(),
            Err(_) => return u64::MAX,
        }
    } else {
        raw.to_string()
    };
    value.parse::<usize>().map_or(u64::MAX, |n| n as u64)
}

impl<'l> OdsScan<'l> {
    pub(super) fn new(limits: &'l Limits) -> Self {
        OdsScan {
            limits,
            tables: 0,
            rows: 0,
            sheet: Sheet::default(),
            workbook_cells: 0,
        }
    }

    pub(super) fn run(mut self, content: impl BufRead) -> Result<(), ReadError> {
        let mut xml = xml_reader(content);
        let mut buf = Vec::with_capacity(1024);
        loop {
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| ReadError::Corrupt(format!("ods content: {e}")))?;
            match event {
                Event::Start(e) => self.on_start(&e, false)?,
                Event::Empty(e) => self.on_start(&e, true)?,
                Event::End(e) => self.on_end(e.name().as_ref())?,
                Event::Eof => return Ok(()),
                _ => {}
            }
            buf.clear();
        }
    }

    fn on_start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), ReadError> {
        match e.name().as_ref() {
            "table:table" if !empty => {
                if self.tables == 0 {
                    self.sheet = Sheet::default();
                }
                self.tables += 1;
            }
            "table:table-row" if self.tables > 0 => {
                if self.rows == 0 {
                    let remaining = ODS_MAX_ROWS.saturating_sub(self.sheet.rows);
                    let s = &mut self.sheet;
                    s.row_repeat = repeat(e, "table:number-rows-repeated", true).min(remaining);
                    s.row_width = 0;
                    s.row_pending_empty = 0;
                    s.row_has_data = false;
                    if empty {
                        self.end_row();
                        return Ok(());
                    }
                }
                if !empty {
                    self.rows += 1;
                }
            }
            "table:table-cell" | "table:covered-table-cell" if self.rows > 0 => {
                let raw = e.attributes_raw();
                // A cell with children may hold text; a value or formula attribute is a value.
                let data = !empty || raw.contains("value") || raw.contains("formula");
                let repeats = repeat(e, "table:number-columns-repeated", false);
                let s = &mut self.sheet;
                s.row_width += s
                    .row_pending_empty
                    .min(ODS_MAX_COLS.saturating_sub(s.row_width));
                s.row_pending_empty = 0;
                let repeats = repeats.min(ODS_MAX_COLS.saturating_sub(s.row_width));
                if data {
                    s.row_width += repeats;
                    s.row_has_data = true;
                } else {
                    s.row_pending_empty = repeats;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn on_end(&mut self, name: &str) -> Result<(), ReadError> {
        match name {
            "table:table-row" if self.rows > 0 => {
                self.rows -= 1;
                if self.rows == 0 {
                    self.end_row();
                }
            }
            "table:table" if self.tables > 0 => {
                self.tables -= 1;
                if self.tables == 0 {
                    if self.rows > 0 {
                        self.rows = 0;
                        self.end_row();
                    }
                    self.end_sheet()?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_row(&mut self) {
        let s = &mut self.sheet;
        s.pushed = s.pushed.saturating_add(s.row_width);
        if s.row_has_data {
            s.width = s.width.max(s.row_width);
            s.first_row.get_or_insert(s.rows);
            s.end_row = s.rows + s.row_repeat;
        }
        s.rows += s.row_repeat;
    }

    fn end_sheet(&mut self) -> Result<(), ReadError> {
        let s = &self.sheet;
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
        Ok(())
    }
}
