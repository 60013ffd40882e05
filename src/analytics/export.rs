//! `relais export lines`: the approved lines of a tenant with their reseller and product
//! attributes, as CSV or XLSX, for other tools (the DuckDB benchmark reads this CSV).
//!
//! Rows are streamed from the database to the writer one at a time, so memory stays flat
//! whatever the number of lines: the CSV writer is buffered, and the XLSX worksheet is in
//! rust_xlsxwriter's constant-memory mode (each row is flushed to a temporary file).

use crate::db::analytics::export::{approved_lines, ExportRow};
use crate::db::Db;
use crate::export::csv_text;
use anyhow::Context;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// The columns, in order. The first twelve are the published contract.
pub const COLUMNS: [&str; 17] = [
    "sale_date",
    "reseller_code",
    "sku",
    "category",
    "quantity",
    "amount",
    "region",
    "reseller_type",
    "manager_email",
    "customer_type",
    "channel",
    "source",
    "reseller_name",
    "product_name",
    "unit_price",
    "brand_organisation",
    "potential",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// Cents as a plain decimal ("1234.50"), exact (no floating point).
fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

/// The row's seventeen fields as text, in the order of [`COLUMNS`].
fn texts(r: &ExportRow) -> [String; 17] {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.sale_date.to_string(),
        r.reseller_code.clone(),
        r.sku.clone(),
        r.category.clone(),
        r.quantity.to_string(),
        decimal(r.amount_cents),
        r.region.clone(),
        r.reseller_type.clone(),
        o(&r.manager_email),
        o(&r.customer_type),
        o(&r.channel),
        r.source.clone(),
        r.reseller_name.clone(),
        r.product_name.clone(),
        decimal(r.unit_price_cents),
        r.brand_organisation.clone(),
        r.potential.clone(),
    ]
}

/// Where rows go.
enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
    Xlsx {
        workbook: Box<rust_xlsxwriter::Workbook>,
        row: u32,
    },
}

impl Sink {
    fn write(&mut self, r: &ExportRow) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => {
                // Text from resellers and managers is neutralised; the numbers and the date
                // are the export's own.
                for (col, text) in texts(r).iter().enumerate() {
                    let cell = match col {
                        0 | 4 | 5 | 14 => Cow::Borrowed(text.as_str()),
                        _ => csv_text(text),
                    };
                    w.write_field(cell.as_bytes())?;
                }
                // An empty record after the fields ends the line.
                w.write_record(None::<&[u8]>)?;
            }
            Sink::Xlsx { workbook, row } => {
                *row += 1;
                let sheet = workbook.worksheet_from_index(0)?;
                for (col, text) in texts(r).iter().enumerate() {
                    let col = col as u16;
                    match col {
                        4 => sheet.write_number(*row, col, r.quantity as f64)?,
                        5 => sheet.write_number(*row, col, r.amount_cents as f64 / 100.0)?,
                        14 => sheet.write_number(*row, col, r.unit_price_cents as f64 / 100.0)?,
                        _ => sheet.write_string(*row, col, text)?,
                    };
                }
            }
        }
        Ok(())
    }
}

/// Writes the approved lines of `tenant_id` dated in `[from, to]` (either bound optional) to
/// `output` (`None`: standard output; XLSX needs a file). Returns the number of lines.
pub async fn lines(
    db: &Db,
    tenant_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    format: Format,
    output: Option<&Path>,
) -> anyhow::Result<u64> {
    if format == Format::Xlsx && output.is_none() {
        anyhow::bail!("XLSX needs --output FILE");
    }
    let mut sink = match format {
        Format::Csv => {
            let out: Box<dyn Write + Send> = match output {
                Some(p) => Box::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("cannot create {}", p.display()))?,
                ),
                None => Box::new(std::io::stdout()),
            };
            let mut w = csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(out);
            w.write_record(COLUMNS)?;
            Sink::Csv(Box::new(w))
        }
        Format::Xlsx => {
            let mut workbook = Box::new(rust_xlsxwriter::Workbook::new());
            let sheet = workbook.add_worksheet_with_constant_memory()?;
            sheet.set_name("lines")?;
            for (col, name) in COLUMNS.iter().enumerate() {
                sheet.write_string(0, col as u16, *name)?;
            }
            Sink::Xlsx { workbook, row: 0 }
        }
    };
    let from = from.unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("valid date"));
    let to = to.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date"));
    let count = approved_lines(db, tenant_id, from, to, |row| sink.write(row)).await?;
    match sink {
        Sink::Csv(mut w) => w.flush()?,
        Sink::Xlsx { mut workbook, .. } => {
            let path = output.context("XLSX needs an output file")?;
            workbook
                .save(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(count)
}
