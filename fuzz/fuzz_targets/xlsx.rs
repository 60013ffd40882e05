//! The xlsx reader: the input is a selector byte, a worksheet's XML and, after
//! `SST_SEPARATOR`, the shared-strings XML; they are zipped into a workbook here, so that the
//! mutations reach the XML (and the guard that reads it) instead of the zip's checksums.

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais::import::testkit;
use relais_fuzz::{exercise, init, SST_SEPARATOR};

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((&selector, parts)) = data.split_first() else {
        return;
    };
    let split = parts
        .windows(SST_SEPARATOR.len())
        .position(|w| w == SST_SEPARATOR);
    let (sheet, strings) = match split {
        Some(at) => (&parts[..at], Some(&parts[at + SST_SEPARATOR.len()..])),
        None => (parts, None),
    };
    exercise(&testkit::xlsx(sheet, strings), "f.xlsx", selector);
});
