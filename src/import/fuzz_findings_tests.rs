//! What the fuzz targets found (docs/fuzzing.md), each input rebuilt here from its parts and
//! kept as a regression test: every one is refused as a damaged or oversized file, in bounded
//! time and memory — never a panic, an endless loop or an allocation that aborts.

use super::error::ReadError;
use super::hostile_tests::{assert_refused, read_all};
use super::read::Limits;
use super::testkit::{biff_record, biff_sheet, biff_workbook, ods, xls, ODS_HEAD, ODS_TAIL};

fn is_corrupt(e: &ReadError) -> bool {
    matches!(e, ReadError::Corrupt(_))
}

/// xls target, two bytes: a Workbook stream holding a FILEPASS record without its data, which
/// calamine reads as a u16 (a slice index past the end: a panic).
#[test]
fn an_xls_record_shorter_than_calamine_reads_is_a_damaged_file() {
    let file = xls(&biff_record(0x002F, &[]));
    assert_refused(&file, "short.xls", &Limits::default(), is_corrupt);
}

/// xls target, from the fixture's stream: a FORMULA record that ends where its parsed formula
/// should start (calamine slices the formula's length out of nothing).
#[test]
fn a_formula_record_without_its_formula_is_a_damaged_file() {
    let mut sheet = biff_sheet(&[(0, 0, 1.0)]);
    let eof = sheet.len() - 4;
    let mut formula = vec![0u8; 20];
    formula[0..2].copy_from_slice(&1u16.to_le_bytes());
    sheet.splice(eof..eof, biff_record(0x0006, &formula));
    let file = xls(&biff_workbook(&[("Ventes", 0)], &[sheet]));
    assert_refused(&file, "formula.xls", &Limits::default(), is_corrupt);
}

/// ods target: a table whose end tag never comes. calamine's table loop does not stop at the
/// end of the part: it read the same end-of-file event forever.
#[test]
fn an_ods_table_never_closed_is_refused_instead_of_read_forever() {
    let content = format!(
        r#"{ODS_HEAD}<!-- l'export --><table:table table:name="Ventes"><table:table->{ODS_TAIL}"#
    );
    assert_refused(
        &ods(content.as_bytes()),
        "open.ods",
        &Limits::default(),
        is_corrupt,
    );
}

/// The same loop in calamine's reading of a cell's annotation.
#[test]
fn an_ods_annotation_never_closed_is_refused_instead_of_read_forever() {
    let content = format!(
        r#"{ODS_HEAD}<table:table table:name="Ventes"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note</text:p></table:table-cell></table:table-row></table:table>{ODS_TAIL}"#
    );
    assert_refused(
        &ods(content.as_bytes()),
        "note.ods",
        &Limits::default(),
        is_corrupt,
    );
}

/// A cell's text is copied into every repeat: 60,000 spaces (one `text:s` element) in a cell
/// repeated over 200 columns and 19,000 rows, within the cell cap, would be 228 GB.
#[test]
fn text_copied_into_repeated_ods_cells_counts_against_the_limits() {
    let content = format!(
        r#"{ODS_HEAD}<table:table table:name="Ventes"><table:table-row table:number-rows-repeated="19000"><table:table-cell table:number-columns-repeated="200" office:value-type="string"><text:p><text:s text:c="60000"/></text:p></table:table-cell></table:table-row></table:table>{ODS_TAIL}"#
    );
    let file = ods(content.as_bytes());
    assert!(file.len() < 2048, "{}", file.len());
    assert_refused(
        &file,
        "spaces.ods",
        &Limits::default(),
        |e| matches!(e, ReadError::TooLarge(m) if m.contains("text")),
    );
    // A modest text in a modest table reads.
    let small = content
        .replace("19000", "3")
        .replace("\"200\"", "\"2\"")
        .replace("60000", "3");
    assert_eq!(
        read_all(&ods(small.as_bytes()), "small.ods", &Limits::default()).unwrap(),
        0,
        "blank text makes blank rows"
    );
}
