//! Counts a file declares — a shared-strings `uniqueCount`, ods repeats, xls sheet offsets —
//! are never trusted: the guards read the XML as XML (namespaces, comments, CDATA) and the BIFF
//! stream as calamine will, and bound what calamine would allocate before it runs. Each hostile
//! file is built here from its parts (`super::testkit`).

use super::error::ReadError;
use super::hostile_tests::{assert_refused, read_all};
use super::read::Limits;
use super::testkit::{biff_sheet, biff_workbook, ods, xls, xlsx, ODS_HEAD, ODS_TAIL};

const SHEET: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;

fn is_forged_count(e: &ReadError) -> bool {
    matches!(e, ReadError::Corrupt(m) if m.contains("shared strings"))
}

#[test]
fn a_namespaced_shared_string_table_with_a_forged_count_is_refused() {
    let strings = br#"<?xml version="1.0"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1000000000000"><x:si><x:t>x</x:t></x:si></x:sst>"#;
    let file = xlsx(SHEET, Some(strings));
    assert!(file.len() < 2048, "{}", file.len());
    assert_refused(&file, "ns.xlsx", &Limits::default(), is_forged_count);
}

#[test]
fn a_forged_count_behind_a_long_prologue_is_refused() {
    let mut strings = String::from(r#"<?xml version="1.0"?><!-- "#);
    strings.push_str(&"<sst uniqueCount=\"1\"> ".repeat(400));
    strings.push_str(r#"--><?pi <sst?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#);
    assert_refused(
        &xlsx(SHEET, Some(strings.as_bytes())),
        "prologue.xlsx",
        &Limits::default(),
        is_forged_count,
    );
}

#[test]
fn a_count_far_above_the_strings_present_is_refused() {
    // Plausible for the part's size (1 MB of a comment that does not compress), but the part
    // holds a single string.
    let mut state = 1u64;
    let noise: String = (0..1 << 20)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            char::from(b'a' + (state >> 59) as u8)
        })
        .collect();
    let strings = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="50000"><si><t>x</t></si><!-- {noise} --></sst>"#
    );
    assert_refused(
        &xlsx(SHEET, Some(strings.as_bytes())),
        "padded.xlsx",
        &Limits::default(),
        is_forged_count,
    );
    // An honest count reads.
    let honest = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Ref</t></si></sst>"#;
    assert_eq!(
        read_all(&xlsx(SHEET, Some(honest)), "ok.xlsx", &Limits::default()).unwrap(),
        1
    );
}

/// One sheet whose body is `rows`, with the fixture-like table prefix.
fn ods_table(name: &str, rows: &str) -> String {
    format!(r#"<table:table table:name="{name}">{rows}</table:table>"#)
}

#[test]
fn a_quote_in_an_ods_comment_does_not_blind_the_scan() {
    // The apostrophe in the comment once sent a quote-tracking text scan past every tag after it.
    let body = r#"<!-- the reseller's export --><table:table table:name="Ventes"><table:table-row><table:table-cell office:value-type="string"><text:p>Réf</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
    let file = ods(format!("{ODS_HEAD}{body}{ODS_TAIL}").as_bytes());
    assert!(file.len() < 2048, "{}", file.len());
    assert_refused(&file, "comment.ods", &Limits::default(), |e| {
        matches!(e, ReadError::TooLarge(_) | ReadError::TooManyColumns { .. })
    });
}

const WIDE_ROW: &str = r#"<table:table-row table:number-rows-repeated="100"><table:table-cell table:number-columns-repeated="50" office:value-type="float" office:value="1"/></table:table-row>"#;

#[test]
fn ods_sheets_share_one_cell_budget() {
    let limits = Limits {
        max_dense_cells: 10_000,
        ..Limits::default()
    };
    // 5,000 cells a sheet: one or two sheets fit, three do not.
    let two = format!(
        "{ODS_HEAD}{}{}{ODS_TAIL}",
        ods_table("A", WIDE_ROW),
        ods_table("B", WIDE_ROW)
    );
    assert!(read_all(&ods(two.as_bytes()), "two.ods", &limits).is_ok());
    let three = format!(
        "{ODS_HEAD}{}{}{}{ODS_TAIL}",
        ods_table("A", WIDE_ROW),
        ods_table("B", WIDE_ROW),
        ods_table("C", WIDE_ROW)
    );
    assert_refused(&ods(three.as_bytes()), "three.ods", &limits, |e| {
        matches!(e, ReadError::TooLarge(_))
    });
}

#[test]
fn a_table_nested_in_a_cell_does_not_reset_the_count() {
    let limits = Limits {
        max_dense_cells: 10_000,
        ..Limits::default()
    };
    let nested = r#"<table:table-row><table:table-cell office:value-type="string"><table:table table:name="inner"><table:table-row><table:table-cell/></table:table-row></table:table><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let content = format!(
        "{ODS_HEAD}{}{ODS_TAIL}",
        ods_table("A", &format!("{WIDE_ROW}{WIDE_ROW}{nested}"))
    );
    assert_refused(&ods(content.as_bytes()), "nested.ods", &limits, |e| {
        matches!(e, ReadError::TooLarge(_))
    });
}

#[test]
fn markup_inside_cdata_or_comments_is_text_not_cells() {
    let fake = r#"<table:table-cell table:number-columns-repeated="300" office:value-type="float" office:value="1"/>"#;
    let rows = format!(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p><![CDATA[{fake}]]></text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Réf</text:p></table:table-cell></table:table-row><!-- <table:table-row>{fake}</table:table-row> -->"#
    );
    let content = format!("{ODS_HEAD}{}{ODS_TAIL}", ods_table("A", &rows));
    assert_eq!(
        read_all(&ods(content.as_bytes()), "cdata.ods", &Limits::default()).unwrap(),
        1
    );
}

#[test]
fn the_hand_built_xls_reads() {
    let sheet = biff_sheet(&[(0, 0, 1.0), (1, 1, 2.0)]);
    let file = xls(&biff_workbook(&[("Ventes", 0)], &[sheet]));
    assert_eq!(read_all(&file, "built.xls", &Limits::default()).unwrap(), 2);
}

#[test]
fn xls_sheets_pointing_at_one_substream_share_one_cell_budget() {
    let limits = Limits {
        max_dense_cells: 100_000,
        ..Limits::default()
    };
    // A 10,000-cell grid (A1 to CV100), named twenty times.
    let sheet = biff_sheet(&[(0, 0, 1.0), (99, 99, 2.0)]);
    let names: Vec<String> = (0..20).map(|i| format!("S{i}")).collect();
    let bound: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), 0)).collect();
    let file = xls(&biff_workbook(&bound, &[sheet]));
    assert!(file.len() < 8192, "{}", file.len());
    assert_refused(&file, "aliases.xls", &limits, |e| {
        matches!(e, ReadError::TooLarge(_))
    });
    assert!(read_all(&file, "aliases.xls", &Limits::default()).is_ok());
}

#[test]
fn an_xls_sheet_offset_beyond_the_stream_is_refused() {
    let sheet = biff_sheet(&[(0, 0, 1.0)]);
    let mut stream = biff_workbook(&[("Ventes", 0)], &[sheet]);
    // The BoundSheet8 record follows the 20-byte BOF: its offset field is at 24..28.
    stream[24..28].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
    assert_refused(&xls(&stream), "offset.xls", &Limits::default(), |e| {
        matches!(e, ReadError::Corrupt(_))
    });
}
