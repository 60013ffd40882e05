//! Any bytes, under any file name: the format is told from the content, so this reaches the
//! containers themselves (zip directories, compound files) and every reader behind them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais_fuzz::{exercise, init};

const NAMES: [&str; 6] = ["f.xlsx", "f.xls", "f.ods", "f.csv", "f.xlsb", "f"];

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    exercise(bytes, NAMES[selector as usize % NAMES.len()], selector >> 6);
});
