//! Checks made before calamine sees a zip-based file (xlsx, xlsm, xlsb, ods).
//!
//! calamine trusts what a file declares: it inflates whatever the zip holds, reserves the
//! shared-string count an xlsx announces, and expands an ods sheet's repeated rows and cells
//! into one dense grid. A small hostile upload could therefore exhaust memory or abort the
//! process (an allocation failure is not a panic). These checks read only the zip directory and
//! stream the few parts that matter, with bounded buffers.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::error::ReadError;
use super::read::Limits;

/// What the zip's entries say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipKind {
    Xlsx { macro_enabled: bool },
    Xlsb,
    Ods,
}

/// Below this, an entry's compression ratio does not matter: it cannot hurt.
const RATIO_FREE_BYTES: u64 = 1 << 20;

/// Walks the central directory: entry count, total declared size, per-entry ratio, then the
/// format-specific checks. The zip crate stops inflating an entry at its declared size, so the
/// declared sizes are the ones to check.
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<ZipKind, ReadError> {
    let mut zip =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
    if zip.len() > limits.max_zip_entries {
        return Err(ReadError::TooLarge(format!(
            "{} entries in the archive",
            zip.len()
        )));
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip
            .by_index_data(i)
            .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
        let (size, packed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if total > limits.max_uncompressed {
            return Err(ReadError::TooLarge(format!(
                "more than {} bytes once uncompressed",
                limits.max_uncompressed
            )));
        }
        if size > RATIO_FREE_BYTES && size / packed.max(1) > limits.max_ratio {
            return Err(ReadError::TooLarge(format!(
                "entry compressed more than {}:1",
                limits.max_ratio
            )));
        }
        if entry.encrypted() {
            return Err(ReadError::Encrypted);
        }
        names.push((
            entry.name().map(|n| n.to_string()).unwrap_or_default(),
            size,
        ));
    }
    let has = |n: &str| names.iter().any(|(x, _)| x.eq_ignore_ascii_case(n));
    let kind = if has("xl/workbook.bin") {
        ZipKind::Xlsb
    } else if has("xl/workbook.xml") {
        let macro_enabled = names
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("xl/vbaProject.bin"));
        ZipKind::Xlsx { macro_enabled }
    } else if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
        ZipKind::Ods
    } else {
        return Err(ReadError::UnsupportedFormat(
            "a zip archive that is not a spreadsheet (xlsx, xlsm, xlsb or ods)".into(),
        ));
    };
    match kind {
        ZipKind::Xlsx { .. } => {
            for (name, size) in &names {
                if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
                    check_shared_string_count(&mut zip, name, *size)?;
                }
            }
        }
        ZipKind::Ods => {
            let content = zip
                .by_name("content.xml")
                .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
            OdsScan::new(limits).run(content)?;
        }
        ZipKind::Xlsb => {}
    }
    Ok(kind)
}

/// calamine reserves `uniqueCount` strings up front; a forged count would abort the process.
/// Each string takes at least `<si><t/></si>` (13 bytes), so a count above size / 13 is a lie.
fn check_shared_string_count(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    size: u64,
) -> Result<(), ReadError> {
    let entry = zip
        .by_name(name)
        .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
    let mut head = Vec::with_capacity(4096);
    entry
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| ReadError::Corrupt(format!("shared strings: {e}")))?;
    let head = String::from_utf8_lossy(&head);
    let Some(sst) = head.find("<sst").map(|i| &head[i..]) else {
        return Ok(());
    };
    let tag = &sst[..sst.find('>').unwrap_or(sst.len())];
    if let Some(count) = attr(tag, "uniqueCount") {
        let n: u64 = count.trim().parse().unwrap_or(u64::MAX);
        if n > size / 13 + 16 {
            return Err(ReadError::Corrupt(
                "the shared strings count is implausible".into(),
            ));
        }
    }
    Ok(())
}

/// The value of `name="…"` in a start tag, when present.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('=').filter(|_| before_ok) {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let body = &rest[1..];
                return body.find(quote).map(|end| &body[..end]);
            }
        }
        from = at + name.len();
    }
    None
}

/// The most rows and columns calamine expands an ods sheet to (its own caps).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;
/// Longest start tag kept whole; longer ones (huge formulas) are cut, which only loses
/// attributes after the first 64 KiB — ours come first in every writer seen.
const MAX_TAG: usize = 64 * 1024;

/// Streams `content.xml` and computes, per sheet, what calamine will allocate: the cells it
/// pushes while reading (repeated non-empty cells are copied, trailing empty ones are not) and
/// the dense grid spanning the first to the last non-empty row, repeats expanded.
struct OdsScan<'l> {
    limits: &'l Limits,
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

impl<'l> OdsScan<'l> {
    fn new(limits: &'l Limits) -> Self {
        OdsScan {
            limits,
            rows: 0,
            first_row: None,
            end_row: 0,
            width: 0,
            pushed: 0,
            row_repeat: 1,
            row_width: 0,
            row_pending_empty: 0,
            row_has_data: false,
        }
    }

    fn run(mut self, content: impl Read) -> Result<(), ReadError> {
        let mut tag: Vec<u8> = Vec::with_capacity(1024);
        let mut in_tag = false;
        let mut quote = 0u8;
        let mut buf = vec![0u8; 64 * 1024];
        let mut reader = content;
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| ReadError::Corrupt(format!("ods content: {e}")))?;
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                if !in_tag {
                    if b == b'<' {
                        in_tag = true;
                        tag.clear();
                    }
                    continue;
                }
                if quote != 0 {
                    if b == quote {
                        quote = 0;
                    }
                } else if b == b'"' || b == b'\'' {
                    quote = b;
                } else if b == b'>' && (!tag.starts_with(b"!--") || tag.ends_with(b"--")) {
                    in_tag = false;
                    self.on_tag(&tag)?;
                    continue;
                }
                if tag.len() < MAX_TAG {
                    tag.push(b);
                }
            }
        }
        Ok(())
    }

    fn on_tag(&mut self, raw: &[u8]) -> Result<(), ReadError> {
        let text = String::from_utf8_lossy(raw);
        let self_closing = text.ends_with('/');
        // The name runs to the first space or '/', a leading '/' (end tag) being part of it.
        let name_end = text
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_whitespace() || *c == '/')
            .map_or(text.len(), |(i, _)| i);
        let (name, attrs) = text.split_at(name_end);
        let number = |key: &str| {
            attr(attrs, key)
                .map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX))
                .unwrap_or(1)
        };
        match name {
            "table:table" if !self_closing => *self = OdsScan::new(self.limits),
            "/table:table" => self.end_sheet()?,
            "table:table-row" => {
                self.row_repeat = number("table:number-rows-repeated")
                    .min(ODS_MAX_ROWS.saturating_sub(self.rows));
                self.row_width = 0;
                self.row_pending_empty = 0;
                self.row_has_data = false;
                if self_closing {
                    self.end_row();
                }
            }
            "/table:table-row" => self.end_row(),
            "table:table-cell" | "table:covered-table-cell" => {
                let has_value = attr(attrs, "office:value-type").is_some()
                    || attr(attrs, "table:formula").is_some();
                let data = has_value || !self_closing;
                let room = ODS_MAX_COLS.saturating_sub(self.row_width);
                self.row_width += self.row_pending_empty.min(room);
                let repeat = number("table:number-columns-repeated")
                    .min(ODS_MAX_COLS.saturating_sub(self.row_width));
                if data {
                    self.row_width += repeat;
                    self.row_pending_empty = 0;
                    self.row_has_data = true;
                } else {
                    self.row_pending_empty = repeat;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_row(&mut self) {
        self.pushed = self.pushed.saturating_add(self.row_width);
        if self.row_has_data {
            self.width = self.width.max(self.row_width);
            self.first_row.get_or_insert(self.rows);
            self.end_row = self.rows + self.row_repeat;
        }
        self.rows += self.row_repeat;
    }

    fn end_sheet(&mut self) -> Result<(), ReadError> {
        let span = self.first_row.map_or(0, |first| self.end_row - first);
        if span > u64::from(self.limits.max_rows) {
            return Err(ReadError::TooManyRows {
                limit: self.limits.max_rows,
            });
        }
        if self.width > u64::from(self.limits.max_cols) {
            return Err(ReadError::TooManyColumns {
                row: 0,
                limit: self.limits.max_cols,
            });
        }
        let area = span.saturating_mul(self.width);
        if area > self.limits.max_dense_cells || self.pushed > self.limits.max_dense_cells {
            return Err(ReadError::TooLarge(format!(
                "an ods sheet expands to more than {} cells",
                self.limits.max_dense_cells
            )));
        }
        Ok(())
    }
}
