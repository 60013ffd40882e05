//! The xls reader: the input is a selector byte and a BIFF8 Workbook stream, put into a
//! compound file here so that the mutations reach the records (and the sheet walk that checks
//! them); an input that is already a compound file is read as it is.

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais::import::testkit;
use relais_fuzz::{exercise, init};

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// The compound files the test kit writes hold up to about 7 MB.
const MAX_STREAM: usize = 6 << 20;

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if rest.starts_with(&OLE2) {
        exercise(rest, "f.xls", selector);
    } else if rest.len() <= MAX_STREAM {
        exercise(&testkit::xls(rest), "f.xls", selector);
    }
});
