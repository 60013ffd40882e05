//! Any bytes, under any file name, through the import core's reader and mapper and every line:
//! it must return a result (never panic, hang or allocate without bound).

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais::import::analyse::{analyse, Options};
use relais::import::read::Limits;
use std::ops::ControlFlow;

const NAMES: [&str; 6] = ["f.xlsx", "f.xls", "f.ods", "f.csv", "f.xlsb", "f"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[selector as usize % NAMES.len()];
    let mut options = Options::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
    // Smaller limits keep each run fast; the checks are the same.
    options.limits = Limits {
        max_rows: 20_000,
        max_dense_cells: 200_000,
        max_uncompressed: 64 << 20,
        ..Limits::default()
    };
    if selector & 0x80 != 0 {
        options.period = Some((
            chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
        ));
    }
    if let Ok(mut analysis) = analyse(bytes, name, &options) {
        let _ = analysis.mapped_headers();
        let _ = analysis.for_each_line(|_| ControlFlow::Continue(()));
    }
});
