//! Downloads of what the dashboards show: charts as PNG or PDF (from the same SVG the page
//! embeds) and tables as CSV or XLSX.
//!
//! Everything here is pure and synchronous (bytes in, bytes out): handlers call it inside
//! `spawn_blocking`, since rasterising a large map takes tens of milliseconds.

pub mod fec;
mod image;
pub mod payouts;
mod table;

pub use image::{svg_to_pdf, svg_to_png, MAX_PIXELS};
pub use table::{table_to_csv, table_to_xlsx, Cell};

use std::borrow::Cow;

/// A text cell for a CSV or TSV file, made inert for spreadsheets: text that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be run as a formula when the file is opened
/// (`=HYPERLINK(…)` in a reseller's comment becomes a live link), so it gets a leading `'`
/// (OWASP's rule for CSV injection). Only text written from data goes through here; numbers the
/// export itself formats (a negative amount) stay numbers.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Why an export could not be produced. None of these is the user's fault except `TooLarge`;
/// callers log the detail and answer with a generic error.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("invalid SVG: {0}")]
    Svg(#[from] resvg::usvg::Error),
    #[error("the image would be {width}×{height} pixels, more than the {MAX_PIXELS} allowed")]
    TooLarge { width: u32, height: u32 },
    #[error("PNG encoding failed: {0}")]
    Png(String),
    #[error("PDF conversion failed: {0}")]
    Pdf(String),
    #[error("XLSX writing failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

#[cfg(test)]
mod tests;
