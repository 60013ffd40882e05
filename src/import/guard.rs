//! Checks made before calamine sees a zip-based file (xlsx, xlsm, xlsb, ods).
//!
//! calamine trusts what a file declares: it inflates whatever the zip holds, reserves the
//! shared-string count an xlsx announces, and expands an ods sheet's repeated rows and cells
//! into one dense grid. A small hostile upload could therefore exhaust memory or abort the
//! process (an allocation failure is not a panic). These checks read the zip directory, then
//! stream the parts that matter through the XML reader calamine itself uses, configured as
//! calamine configures it, so that namespaces, comments, CDATA and processing instructions are
//! seen exactly as calamine will see them; a text search can be led astray by any of them.

use std::io::{BufRead, BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::error::ReadError;
use super::ods_scan::OdsScan;
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
        names.push(entry.name().map(|n| n.to_string()).unwrap_or_default());
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    let kind = if has("xl/workbook.bin") {
        ZipKind::Xlsb
    } else if has("xl/workbook.xml") {
        let macro_enabled = names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("xl/vbaProject.bin"));
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
            // By index: entries sharing a name (in any case) are all checked.
            for (i, name) in names.iter().enumerate() {
                if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
                    check_shared_string_count(&mut zip, i)?;
                }
            }
        }
        ZipKind::Ods => {
            let content = zip
                .by_name("content.xml")
                .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
            OdsScan::new(limits).run(BufReader::new(content))?;
        }
        ZipKind::Xlsb => {}
    }
    Ok(kind)
}

/// An XML reader over one part, set up as calamine sets up its own: end names and comments
/// unchecked, text untrimmed. Empty elements stay `Empty` events (calamine expands them to a
/// start and an end, which the scans treat alike).
pub(super) fn xml_reader<R: BufRead>(part: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(part);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    config.expand_empty_elements = false;
    reader
}

/// The attributes of a start tag, raw (not unescaped), split as calamine splits them: a key
/// runs to the next `=`, a value lies between matching quotes; a key without `=` or a value
/// without quotes is an error, after which nothing more is read.
pub(super) fn raw_attrs<'e>(
    e: &'e BytesStart<'_>,
) -> impl Iterator<Item = Result<(&'e str, &'e str), ()>> + 'e {
    let raw = e.attributes_raw();
    let bytes = raw.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let Some(&quote) = bytes.get(pos).filter(|q| **q == b'"' || **q == b'\'') else {
            pos = bytes.len();
            return Some(Err(()));
        };
        pos += 1;
        let value_start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        let value = &raw[value_start..pos];
        pos += 1;
        Some(Ok((key, value)))
    })
}

/// Every value of attribute `key` in a start tag. calamine takes the first; a check that looks
/// at all of them cannot be outflanked by a duplicate.
pub(super) fn raw_attr_values<'e>(e: &'e BytesStart<'_>, key: &str) -> Vec<&'e str> {
    raw_attrs(e)
        .map_while(Result::ok)
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .collect()
}

/// calamine reserves room for `uniqueCount` strings as soon as it meets the table's start tag
/// (matched by local name, so `<x:sst>` counts). The whole part is read here and the declared
/// count compared with the strings actually present: a count beyond twice those (plus slack
/// for sloppy writers) is a lie, whatever the part's size.
fn check_shared_string_count(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> Result<(), ReadError> {
    let entry = zip
        .by_index(index)
        .map_err(|e| ReadError::Corrupt(format!("zip: {e}")))?;
    let mut xml = xml_reader(BufReader::new(entry));
    let mut buf = Vec::with_capacity(1024);
    let (mut declared, mut present) = (0u64, 0u64);
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for v in raw_attr_values(&e, "uniqueCount") {
                        declared = declared.max(declared_count(v));
                    }
                }
                "si" => present += 1,
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(ReadError::Corrupt(format!("shared strings: {e}"))),
        }
        buf.clear();
    }
    if declared > present.saturating_mul(2).saturating_add(1024) {
        return Err(ReadError::Corrupt(
            "the shared strings count is implausible".into(),
        ));
    }
    Ok(())
}

/// A count as calamine reads it (decimal digits, any number of leading zeros); a value it
/// would not parse reserves nothing. Too many digits for a u64 is treated as the largest count.
fn declared_count(raw: &str) -> u64 {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match raw.trim_start_matches('0') {
        "" => 0,
        digits => digits.parse().unwrap_or(u64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_split_as_calamine_splits_them() {
        let mut xml = xml_reader(
            &br#"<x:sst a = "1" uniqueCount='2' b="u=3" uniqueCount="4" c=5 uniqueCount="6"/>"#[..],
        );
        let mut buf = Vec::new();
        let Ok(Event::Empty(e)) = xml.read_event_into(&mut buf) else {
            panic!("an empty element");
        };
        // An unquoted value ends the scan, as it ends calamine's.
        assert_eq!(raw_attr_values(&e, "uniqueCount"), ["2", "4"]);
        assert_eq!(raw_attr_values(&e, "a"), ["1"]);
    }

    #[test]
    fn counts_are_read_as_calamine_reads_them() {
        assert_eq!(declared_count("0042"), 42);
        assert_eq!(declared_count("+42"), 0);
        assert_eq!(declared_count("4 2"), 0);
        assert_eq!(declared_count(""), 0);
        assert_eq!(declared_count("000"), 0);
        assert_eq!(declared_count(&"9".repeat(30)), u64::MAX);
    }
}
