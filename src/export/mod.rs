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
