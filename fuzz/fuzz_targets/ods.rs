//! The ods reader: the input is a selector byte and a `content.xml`, zipped into a document
//! here, so that the mutations reach the XML and the repeat scan.

#![no_main]

use libfuzzer_sys::fuzz_target;
use relais::import::testkit;
use relais_fuzz::{exercise, init};

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    exercise(&testkit::ods(content), "f.ods", selector);
});
