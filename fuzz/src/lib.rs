//! What every fuzz target runs on the file it builds: the ways the server reads an uploaded
//! file, in this process, with small limits so that each run is fast (the checks are the same).
//! A target's input starts with a selector byte: bit 0 declares a period (the line parser's
//! date rules), bit 1 also reads the file as a catalogue (the fixed-column way).
//!
//! A run must return (never panic, hang or abort); libFuzzer's memory limits turn an allocation
//! that grows with what a file declares rather than what it holds into a crash report. The
//! import core turns a panic inside calamine into a refused file (`read::shielded`); `init`
//! lets it, while any other panic still reaches libfuzzer-sys, which aborts and reports it.

use relais::import::analyse::{analyse, Options};
use relais::import::read::{open, Limits};
use relais::import::records::read_records;
use std::ops::ControlFlow;

/// The separator between a worksheet and its shared strings in the xlsx target's input.
pub const SST_SEPARATOR: &[u8] = b"\0sst\0";

fn limits() -> Limits {
    Limits {
        max_rows: 20_000,
        max_dense_cells: 200_000,
        max_uncompressed: 64 << 20,
        ..Limits::default()
    }
}

/// Replaces libfuzzer-sys's panic hook, which aborts even on a panic that is caught: without
/// it, a calamine panic the import core refuses as a damaged file would be reported as a crash.
pub fn init() {
    std::panic::set_hook(Box::new(|_| {}));
}

pub fn exercise(file: &[u8], name: &str, selector: u8) {
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 8, d).expect("a day of August");
    let mut options = Options::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("a day"));
    options.limits = limits();
    if selector & 1 != 0 {
        options.period = Some((day(1), day(31)));
    }
    if let Ok(mut analysis) = analyse(file, name, &options) {
        let _ = analysis.mapped_headers();
        let _ = analysis.for_each_line(|_| ControlFlow::Continue(()));
    }
    if selector & 2 != 0 {
        if let Ok(mut book) = open(file, name, &limits()) {
            let _ = read_records(
                &mut book,
                relais::reference_import::PRODUCT_COLUMNS,
                |_, _| ControlFlow::Continue(()),
            );
        }
    }
}
