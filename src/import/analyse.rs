//! The whole way through for a sell-out declaration: detect the table and its mapping from the
//! first rows, then stream every data row as a parsed line or its errors.
//!
//! Detection reads only the first `HEADER_SCAN_ROWS` + `SAMPLE_ROWS` rows; `for_each_line`
//! reads the sheet again from the start, one row at a time, so memory does not grow with the
//! file (xlsx, xlsb, csv; xls and ods are bounded by `Limits::max_dense_cells`).

use std::ops::ControlFlow;

use chrono::NaiveDate;
use serde::Serialize;

use super::cell::{Cell, NumberStyle};
use super::date::DateOrder;
use super::error::ReadError;
use super::mapping::{ColumnRef, Field, Mapping};
use super::read::{open, Format, Limits, SheetInfo};
use super::rows::{LineParser, LineResult, LineRules};
use super::sheets::Sheets;
use super::table::{choose_table, first_rows, header_signature, HEADER_SCAN_ROWS};

/// Data rows looked at to decide number style, date order, price vs amount and EAN.
const SAMPLE_ROWS: usize = 200;

#[derive(Debug, Clone)]
pub struct Options {
    /// The reader's limits, for whoever opens the file (`analyse`, or `crate::reader`).
    pub limits: Limits,
    /// The declared period, inclusive.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Dates after this day are errors.
    pub today: NaiveDate,
    /// Read this sheet instead of choosing one.
    pub sheet: Option<String>,
    /// A remembered or corrected mapping; wins over detection.
    pub mapping_override: Vec<(Field, ColumnRef)>,
    /// How numbers written as text are read in lines that come without a file to detect it
    /// from: the API's JSON (a decimal point) or the web form (the user's language).
    pub text_numbers: NumberStyle,
}

impl Options {
    pub fn new(today: NaiveDate) -> Self {
        Options {
            limits: Limits::default(),
            period: None,
            today,
            sheet: None,
            mapping_override: Vec::new(),
            text_numbers: NumberStyle::DecimalPoint,
        }
    }
}

/// Totals over the streamed lines, for previews and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LineStats {
    pub lines: u64,
    pub rejected_rows: u64,
    pub quantity_sum: i64,
    pub amount_cents_sum: i64,
}

/// What was detected in a file, and the handle to stream its lines.
pub struct Analysis<'a> {
    pub format: Format,
    pub sheets: Vec<SheetInfo>,
    pub sheet: String,
    pub header_row: u32,
    /// Header cells as written, by column index.
    pub headers: Vec<Option<String>>,
    pub header_signature: String,
    pub mapping: Mapping,
    /// Required fields without a column; `for_each_line` refuses to run while not empty.
    pub missing_required: Vec<Field>,
    /// Overrides naming a column that does not exist.
    pub ignored_overrides: Vec<(Field, ColumnRef)>,
    pub number_style: NumberStyle,
    pub day_first: bool,
    workbook: Box<dyn Sheets + 'a>,
    parser: LineParser,
}

/// Opens a file in this process and detects its table and mapping. For trusted bytes only
/// (tests, benchmarks, fuzzing): the server reads uploads with `crate::reader` and
/// `analyse_sheets`.
pub fn analyse<'a>(
    bytes: &'a [u8],
    filename: &str,
    options: &Options,
) -> Result<Analysis<'a>, ReadError> {
    analyse_sheets(Box::new(open(bytes, filename, &options.limits)?), options)
}

/// Detects the table and mapping of an opened file.
pub fn analyse_sheets<'a>(
    mut workbook: Box<dyn Sheets + 'a>,
    options: &Options,
) -> Result<Analysis<'a>, ReadError> {
    let choice = choose_table(workbook.as_mut(), options.sheet.as_deref())?;
    let mut mapping = Mapping::detect(&choice.headers);
    let ignored_overrides = mapping.apply_overrides(&choice.headers, &options.mapping_override);

    let sample: Vec<Vec<Cell>> = first_rows(
        workbook.as_mut(),
        &choice.sheet,
        HEADER_SCAN_ROWS + SAMPLE_ROWS,
    )?
    .into_iter()
    .filter(|(r, _)| *r > choice.header_row)
    .map(|(_, cells)| cells)
    .collect();
    let texts = |fields: &[Field]| -> Vec<String> {
        let cols: Vec<usize> = fields
            .iter()
            .filter_map(|f| mapping.get(*f))
            .map(|c| c.index)
            .collect();
        sample
            .iter()
            .flat_map(|row| {
                cols.iter().filter_map(|i| match row.get(*i) {
                    Some(Cell::Text(t)) => Some(t.clone()),
                    _ => None,
                })
            })
            .collect()
    };
    let number_style = NumberStyle::detect(
        texts(&[Field::Quantity, Field::UnitPrice, Field::LineAmount])
            .iter()
            .map(String::as_str),
    );
    let day_first = DateOrder::detect(texts(&[Field::SaleDate]).iter().map(String::as_str))
        == DateOrder::DayFirst;
    if options.mapping_override.is_empty() {
        mapping.resolve_money(&sample, number_style);
    }
    mapping.product_is_ean = looks_like_ean(&mapping, &sample);
    let missing_required = mapping.missing_required(options.period.is_some());

    let parser = LineParser::new(
        choice.sheet.clone(),
        mapping.clone(),
        LineRules {
            period: options.period,
            today: options.today,
            number_style,
            day_first,
        },
    );
    Ok(Analysis {
        format: workbook.format(),
        sheets: workbook.sheets().to_vec(),
        sheet: choice.sheet,
        header_row: choice.header_row,
        header_signature: header_signature(&choice.headers),
        headers: choice.headers,
        mapping,
        missing_required,
        ignored_overrides,
        number_style,
        day_first,
        workbook,
        parser,
    })
}

/// Most product values are 8 or 13 digits (EAN-8, EAN-13).
fn looks_like_ean(mapping: &Mapping, sample: &[Vec<Cell>]) -> bool {
    let Some(col) = mapping.get(Field::Product).map(|c| c.index) else {
        return false;
    };
    let values: Vec<String> = sample
        .iter()
        .filter_map(|r| r.get(col)?.as_text())
        .collect();
    let ean = values
        .iter()
        .filter(|v| matches!(v.len(), 8 | 13) && v.bytes().all(|b| b.is_ascii_digit()))
        .count();
    !values.is_empty() && ean * 10 >= values.len() * 8
}

impl<'a> Analysis<'a> {
    /// The opened file, to analyse it again with other options (a remembered mapping).
    pub fn into_sheets(self) -> Box<dyn Sheets + 'a> {
        self.workbook
    }

    /// `(field, header as written)` pairs, for the preview and for mapping memory.
    pub fn mapped_headers(&self) -> Vec<(Field, String)> {
        self.mapping
            .columns
            .iter()
            .map(|c| (c.field, c.header.clone()))
            .collect()
    }

    /// How many rows below the header the sheet says it has (its declared dimension; for a
    /// progress estimate only, never trusted for sizes).
    pub fn rows_expected(&self) -> Option<u64> {
        self.workbook
            .declared_rows()
            .map(|last| last.saturating_sub(u64::from(self.header_row)))
    }

    /// Streams every data row below the header: a line, or all the row's errors. Blank and
    /// total rows are skipped. The callback may stop early with `Break`.
    pub fn for_each_line<F>(&mut self, mut f: F) -> Result<LineStats, ReadError>
    where
        F: FnMut(LineResult) -> ControlFlow<()>,
    {
        if !self.missing_required.is_empty() {
            let names: Vec<&str> = self.missing_required.iter().map(Field::as_str).collect();
            return Err(ReadError::MissingColumns(names.join(", ")));
        }
        let mut stats = LineStats::default();
        let header_row = self.header_row;
        let parser = &self.parser;
        self.workbook.rows(&self.sheet, None, &mut |row, cells| {
            if row <= header_row {
                return ControlFlow::Continue(());
            }
            match parser.parse(row, cells) {
                None => ControlFlow::Continue(()),
                Some(result) => {
                    match &result {
                        Ok(line) => {
                            stats.lines += 1;
                            stats.quantity_sum += line.quantity;
                            stats.amount_cents_sum += line.amount_cents.unwrap_or(0);
                        }
                        Err(_) => stats.rejected_rows += 1,
                    }
                    f(result)
                }
            }
        })?;
        Ok(stats)
    }
}
