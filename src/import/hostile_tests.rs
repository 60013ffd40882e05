//! Hostile files, each built in code: the import must refuse them with the right error, never
//! panic, and stay within bounded memory (peak RSS growth measured from /proc/self/status).

use std::io::Write;

use super::error::ReadError;
use super::fixture_tests::{fixture, patch_zip_entry};
use super::read::{open, Limits};
use super::table::first_rows;

/// Peak resident memory (VmHWM) in KiB, after resetting it so the next reading is this test's.
fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak_kib()
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Opens and reads every row of every sheet, as an import would.
pub(super) fn read_all(bytes: &[u8], name: &str, limits: &Limits) -> Result<usize, ReadError> {
    let mut wb = open(bytes, name, limits)?;
    let names: Vec<String> = wb.sheets.iter().map(|s| s.name.clone()).collect();
    let mut n = 0;
    for s in names {
        n += first_rows(&mut wb, &s, usize::MAX)?.len();
    }
    Ok(n)
}

/// Asserts the error kind and that peak memory grew by less than 200 MB.
pub(super) fn assert_refused(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
    want: fn(&ReadError) -> bool,
) {
    let before = reset_peak();
    let got = read_all(bytes, name, limits);
    let grown_mb = peak_kib().saturating_sub(before) / 1024;
    match got {
        Err(e) => assert!(want(&e), "{name}: unexpected error {e:?}"),
        Ok(n) => panic!("{name}: accepted with {n} rows"),
    }
    assert!(grown_mb < 200, "{name}: peak memory grew by {grown_mb} MB");
}

/// A minimal xlsx from a worksheet XML (and optional shared strings).
fn xlsx_with_sheet(sheet_xml: &[u8], shared_strings: Option<&str>) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .large_file(sheet_xml.len() > u32::MAX as usize / 2);
    let mut put = |name: &str, data: &[u8]| {
        z.start_file(name, opts).unwrap();
        z.write_all(data).unwrap();
    };
    put("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#);
    put("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
    put("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ventes" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    );
    if shared_strings.is_some() {
        rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    rels.push_str("</Relationships>");
    put("xl/_rels/workbook.xml.rels", rels.as_bytes());
    put("xl/worksheets/sheet1.xml", sheet_xml);
    if let Some(ss) = shared_strings {
        put("xl/sharedStrings.xml", ss.as_bytes());
    }
    z.finish().unwrap().into_inner()
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

#[test]
fn the_hand_built_xlsx_helper_makes_a_readable_file() {
    let xml = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Réf</t></is></c><c r="B1"><v>3</v></c></row></sheetData></worksheet>"#
    );
    assert_eq!(
        read_all(
            &xlsx_with_sheet(xml.as_bytes(), None),
            "x.xlsx",
            &Limits::default()
        )
        .unwrap(),
        1
    );
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    // 64 MB of zeros deflate to about 64 KB: a 1000:1 ratio.
    let mut sheet = format!("{SHEET_HEAD}<sheetData>").into_bytes();
    sheet.resize(64 << 20, b' ');
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let bomb = xlsx_with_sheet(&sheet, None);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    assert_refused(
        &bomb,
        "bomb.xlsx",
        &Limits::default(),
        |e| matches!(e, ReadError::TooLarge(m) if m.contains("compressed")),
    );
    let tight = Limits {
        max_uncompressed: 10 << 20,
        max_ratio: 100_000,
        ..Limits::default()
    };
    assert_refused(
        &bomb,
        "bomb.xlsx",
        &tight,
        |e| matches!(e, ReadError::TooLarge(m) if m.contains("uncompressed")),
    );
}

#[test]
fn a_huge_declared_dimension_is_never_allocated() {
    let xml = format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#
    );
    let file = xlsx_with_sheet(xml.as_bytes(), None);
    assert_refused(&file, "dim.xlsx", &Limits::default(), |e| {
        matches!(
            e,
            ReadError::TooManyColumns {
                row: 1048576,
                limit: 256
            }
        )
    });
    // Within the column cap the same far-apart cells read as two rows, not a dense grid.
    let xml = xml.replace("XFD1048576", "B1048576");
    let before = reset_peak();
    assert_eq!(
        read_all(
            &xlsx_with_sheet(xml.as_bytes(), None),
            "dim.xlsx",
            &Limits::default()
        )
        .unwrap(),
        2
    );
    assert!(peak_kib().saturating_sub(before) < 200 * 1024);
}

#[test]
fn rows_beyond_the_cap_are_an_error_not_a_truncation() {
    let xml = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="11"><c r="A11"><v>2</v></c></row></sheetData></worksheet>"#
    );
    let limits = Limits {
        max_rows: 10,
        ..Limits::default()
    };
    assert_refused(
        &xlsx_with_sheet(xml.as_bytes(), None),
        "rows.xlsx",
        &limits,
        |e| matches!(e, ReadError::TooManyRows { limit: 10 }),
    );
}

#[test]
fn xml_entities_are_not_expanded() {
    let mut doctype = String::from(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">"#,
    );
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doctype.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    doctype.push(']');
    doctype.push('>');
    let sheet = format!(
        r#"{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c><c r="B1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
    );
    let strings = format!(
        r#"{doctype}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>"#
    );
    let file = xlsx_with_sheet(sheet.as_bytes(), Some(&strings));
    let before = reset_peak();
    // quick-xml does not resolve DTD entities: the file is refused or the text stays short.
    match read_all(&file, "lol.xlsx", &Limits::default()) {
        Err(e) => assert!(matches!(e, ReadError::Corrupt(_)), "{e:?}"),
        Ok(_) => {
            let mut wb = open(&file, "lol.xlsx", &Limits::default()).unwrap();
            for (_, cells) in first_rows(&mut wb, "Ventes", 10).unwrap() {
                for c in cells {
                    assert!(c.as_text().unwrap_or_default().len() < 1000);
                }
            }
        }
    }
    assert!(peak_kib().saturating_sub(before) < 200 * 1024);
}

#[test]
fn a_forged_shared_string_count_is_refused() {
    let xml = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
    );
    let strings = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000000"><si><t>x</t></si></sst>"#;
    assert_refused(
        &xlsx_with_sheet(xml.as_bytes(), Some(strings)),
        "sst.xlsx",
        &Limits::default(),
        |e| matches!(e, ReadError::Corrupt(m) if m.contains("shared strings")),
    );
}

#[test]
fn truncated_files_are_errors_at_every_length() {
    for name in ["sellout_fr.xlsx", "sellout_fr.xls", "sellout_fr.ods"] {
        let bytes = fixture(name);
        // From 8 bytes on, the signature says zip or OLE2; shorter prefixes are just text.
        for cut in (8..bytes.len()).step_by(97) {
            let got =
                std::panic::catch_unwind(|| read_all(&bytes[..cut], name, &Limits::default()));
            match got {
                Err(_) => panic!("{name} cut at {cut}: panicked"),
                Ok(Ok(_)) if name.ends_with(".xls") => {} // an intact Workbook stream can survive a cut tail
                Ok(Ok(n)) => panic!("{name} cut at {cut}: accepted with {n} rows"),
                Ok(Err(_)) => {}
            }
        }
    }
}

#[test]
fn a_png_renamed_xlsx_is_refused() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    assert_refused(
        png,
        "ventes.xlsx",
        &Limits::default(),
        |e| matches!(e, ReadError::UnsupportedFormat(m) if m.contains("PNG")),
    );
    assert_refused(b"PK\x03\x04garbage", "x.xlsx", &Limits::default(), |e| {
        matches!(e, ReadError::Corrupt(_))
    });
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("photo.jpg", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"not a sheet").unwrap();
    let plain_zip = z.finish().unwrap().into_inner();
    assert_refused(&plain_zip, "x.xlsx", &Limits::default(), |e| {
        matches!(e, ReadError::UnsupportedFormat(_))
    });
}

#[test]
fn a_csv_line_with_ten_million_columns_is_refused_in_bounded_memory() {
    let line = ";".repeat(10_000_000) + "x\n";
    assert_refused(line.as_bytes(), "wide.csv", &Limits::default(), |e| {
        matches!(e, ReadError::TooManyColumns { row: 1, .. })
    });
    // Data just past the column cap is an error too, not a silent loss.
    let row = format!("{}x\n", ";".repeat(300));
    assert_refused(row.as_bytes(), "wide.csv", &Limits::default(), |e| {
        matches!(e, ReadError::TooManyColumns { row: 1, limit: 256 })
    });
}

/// Replaces the bytes after the first occurrence of `marker` in `bytes`.
fn patch_after(bytes: &[u8], marker: &[u8], new: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("marker")
        + marker.len();
    let mut out = bytes.to_vec();
    out[at..at + new.len()].copy_from_slice(new);
    out
}

#[test]
fn xls_with_a_far_cell_or_forged_dimensions_is_refused_before_calamine() {
    let xls = fixture("sellout_fr.xls");
    // A Number record (0x0203, 14 bytes) moved to row 65535, column 200: a 16 M-cell grid.
    let far = patch_after(&xls, b"\x03\x02\x0e\x00", &[0xFF, 0xFF, 200, 0]);
    assert_refused(&far, "far.xls", &Limits::default(), |e| {
        matches!(e, ReadError::TooLarge(_))
    });
    // DIMENSIONS (0x0200, 14 bytes) declaring four billion rows.
    let dims = patch_after(
        &xls,
        b"\x00\x02\x0e\x00",
        &[0, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF],
    );
    assert_refused(&dims, "dims.xls", &Limits::default(), |e| {
        matches!(e, ReadError::TooLarge(_))
    });
    // First row after the last: calamine would underflow.
    let upside_down = patch_after(&xls, b"\x00\x02\x0e\x00", &[9, 0, 0, 0, 2, 0, 0, 0]);
    assert_refused(&upside_down, "dims.xls", &Limits::default(), |e| {
        matches!(e, ReadError::Corrupt(_))
    });
}

#[test]
fn ods_repeat_explosions_are_refused_before_calamine() {
    let ods = fixture("sellout_fr.ods");
    let rows = patch_zip_entry(&ods, "content.xml", |xml| {
        let total = xml.find("TOTAL GÉNÉRAL").expect("the total row");
        let at = xml[..total].rfind("<table:table-row").expect("a row");
        let mut x = xml.clone();
        x.insert_str(
            at + "<table:table-row".len(),
            r#" table:number-rows-repeated="1000000""#,
        );
        x
    });
    assert_refused(&rows, "rows.ods", &Limits::default(), |e| {
        matches!(e, ReadError::TooLarge(_))
    });
    let cols = patch_zip_entry(&ods, "content.xml", |xml| {
        xml.replacen(
            r#"<table:table-cell office:value-type="string""#,
            r#"<table:table-cell table:number-columns-repeated="16000" office:value-type="string""#,
            1,
        )
    });
    assert_refused(&cols, "cols.ods", &Limits::default(), |e| {
        matches!(e, ReadError::TooManyColumns { .. })
    });
    // Trailing empty repeats, as LibreOffice writes for formatted sheets, are harmless.
    let trailing = patch_zip_entry(&ods, "content.xml", |xml| {
        xml.replacen("</table:table>", r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#, 1)
    });
    assert!(read_all(&trailing, "trailing.ods", &Limits::default()).is_ok());
}
