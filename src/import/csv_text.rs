//! CSV text: encoding and delimiter detection, and a shape check before parsing.
//!
//! Encoding: a BOM decides (UTF-8, UTF-16 LE/BE); without one, NUL bytes on every other byte
//! mean BOM-less UTF-16; valid UTF-8 is UTF-8; anything else is Windows-1252 (what Excel on a
//! French or English Windows writes; it decodes every byte, so it is the safe last resort).
//!
//! Delimiter: among `;` `,` tab `|`, the one whose count (outside quotes) is the same on most of
//! the first lines and above zero; ties go to the larger count, then to that order.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::error::ReadError;
use super::read::Limits;

/// Decodes the bytes of a text file to a string.
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc);
    }
    if let Some(enc) = utf16_by_nul_pattern(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text.into_owned(), enc);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), UTF_8),
        Err(_) => (
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            WINDOWS_1252,
        ),
    }
}

/// Mostly-ASCII UTF-16 has a NUL in every other byte: odd positions for LE, even for BE.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether decoded text looks like a table at all (not a binary file or an HTML page).
pub fn looks_like_text(text: &str) -> Result<(), ReadError> {
    let sample: String = text.chars().take(4096).collect();
    let control = sample
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if control * 20 > sample.chars().count().max(1) {
        return Err(ReadError::UnsupportedFormat(
            "a binary file that is not a spreadsheet".into(),
        ));
    }
    let head = sample.trim_start().to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<table")
    {
        return Err(ReadError::UnsupportedFormat(
            "a web page saved with a spreadsheet name: open it and save it as xlsx or csv".into(),
        ));
    }
    if head.starts_with("<?xml") {
        return Err(ReadError::UnsupportedFormat(
            "an XML file (Excel 2003 XML is not supported)".into(),
        ));
    }
    Ok(())
}

const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];

/// Counts each candidate delimiter per line over the first lines, quotes respected.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut per_line: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for b in text.bytes().take(64 * 1024) {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if counts.iter().any(|c| *c > 0) {
                    per_line.push(counts);
                }
                counts = [0; 4];
                if per_line.len() >= 30 {
                    break;
                }
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    if counts.iter().any(|c| *c > 0) {
        per_line.push(counts);
    }
    // Score: lines sharing the most common non-zero count, then that count.
    let mut best = (0usize, 0usize, b';');
    for (i, d) in CANDIDATES.iter().enumerate() {
        let mut freq: Vec<(usize, usize)> = Vec::new();
        for line in &per_line {
            let c = line[i];
            if c == 0 {
                continue;
            }
            match freq.iter_mut().find(|(n, _)| *n == c) {
                Some(slot) => slot.1 += 1,
                None => freq.push((c, 1)),
            }
        }
        let Some(&(count, lines)) = freq.iter().max_by_key(|(n, lines)| (*lines, *n)) else {
            continue;
        };
        if (lines, count) > (best.0, best.1) {
            best = (lines, count, *d);
        }
    }
    best.2
}

/// Counts fields per record without building them, so a line with ten million delimiters is
/// refused in linear time and constant memory; also refuses too many records.
pub fn check_shape(text: &str, delimiter: u8, limits: &Limits) -> Result<(), ReadError> {
    let mut fields = 1u64;
    let mut records = 0u64;
    let mut in_quotes = false;
    let mut line_has_data = false;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if line_has_data {
                    records += 1;
                }
                fields = 1;
                line_has_data = false;
                if records > u64::from(limits.max_rows) {
                    return Err(ReadError::TooManyRows {
                        limit: limits.max_rows,
                    });
                }
                continue;
            }
            b if b == delimiter && !in_quotes => {
                fields += 1;
                // Empty trailing fields are harmless; only refuse well past the cap, where
                // real data is certain to be cut (rows.rs refuses data beyond the cap).
                if fields > u64::from(limits.max_cols) * 4 + 1024 {
                    return Err(ReadError::TooManyColumns {
                        row: records as u32 + 1,
                        limit: limits.max_cols,
                    });
                }
            }
            _ => {}
        }
        if b != b'\r' {
            line_has_data = true;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        let text = "Réf;Qté\nA1;3\n";
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&utf8_bom).0, text);
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        assert_eq!(decode(&le_bom).0, text);
        assert_eq!(decode(&le).0, text);
        assert_eq!(decode(&be).0, text);
        let (cp1252, _, _) = WINDOWS_1252.encode(text);
        let (got, enc) = decode(&cp1252);
        assert_eq!((got.as_str(), enc), (text, WINDOWS_1252));
    }

    #[test]
    fn delimiters_are_chosen_by_consistency_with_quotes_respected() {
        assert_eq!(detect_delimiter("a;b;c\n1;2,5;3\n4;5,5;6\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1,\"2;5\",3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(detect_delimiter("a|b\n1|2\n"), b'|');
        assert_eq!(detect_delimiter("\"x, y\";b\n\"1,2,3\";2\n"), b';');
    }

    #[test]
    fn binary_and_html_are_not_csv() {
        assert!(looks_like_text("\u{1}\u{2}\u{3}\u{4}PNG").is_err());
        assert!(looks_like_text("<html><table>").is_err());
        assert!(looks_like_text("Réf;Qté\n").is_ok());
    }
}
