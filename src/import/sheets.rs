//! What table detection, line parsing, fixed-column records and the annotated copy read rows
//! from: a workbook opened in this process (`super::read::Workbook`: tests, benchmarks, fuzzing)
//! or one read by a worker process (`crate::reader`), which is how every untrusted upload is
//! read. Everything above this trait runs on typed cells and never sees the file's bytes.

use std::ops::ControlFlow;

use super::cell::Cell;
use super::error::ReadError;
use super::read::{Format, SheetInfo};

/// The callback rows are handed to: row number as the spreadsheet shows it, and its cells.
pub type RowFn<'f> = dyn FnMut(u32, &[Cell]) -> ControlFlow<()> + 'f;

pub trait Sheets: Send {
    fn format(&self) -> Format;

    /// The worksheets, in the workbook's order.
    fn sheets(&self) -> &[SheetInfo];

    /// The last row the sheet read last by `rows` says it has (see
    /// `Workbook::declared_rows`): a progress estimate, never trusted for sizes.
    fn declared_rows(&self) -> Option<u64>;

    /// Streams the rows of `sheet` that hold a value, in file order, as
    /// `Workbook::for_each_row` does; with `limit`, at most that many. The callback may stop
    /// early with `Break`.
    fn rows(
        &mut self,
        sheet: &str,
        limit: Option<usize>,
        f: &mut RowFn<'_>,
    ) -> Result<(), ReadError>;
}
