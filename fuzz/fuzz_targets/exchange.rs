//! The translator's files: arbitrary bytes read as XLIFF (1.2 or 2.0) and as PO, then
//! whatever reads written again and read back the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yarlung::exchange::{self, Format, po, xliff};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = exchange::read(text);
    for units in [xliff::read(text).ok().map(|(_, u)| u), po::read(text).ok().map(|(_, u)| u)].into_iter().flatten() {
        for format in [Format::Xliff, Format::Xliff2, Format::Po] {
            let written = exchange::export(&units, format, "bo");
            let (_, back) = exchange::read(&written).expect("what yarlung writes reads back");
            assert_eq!(back.len(), units.len());
        }
    }
});
