//! The csv reader: the input is a selector byte and the file (decoding, delimiter detection,
//! the shape check and the streamed records).

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais_fuzz::{exercise, init};

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    exercise(text, "f.csv", selector);
});
