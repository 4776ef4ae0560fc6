//! Fuzzes the output-profile loader: any bytes given as a print shop's ICC profile must be
//! accepted as a CMYK output profile or refused with a message; one that is accepted must
//! then convert colours.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(profile) = yarlung::press::OutputProfile::load(data.to_vec(), None) {
        let press = yarlung::press::Press::new(&Default::default(), profile);
        let _ = yarlung::press::convert::to_cmyk(&[0, 0, 0, 128, 64, 32], yarlung::press::convert::Pixels::Rgb, None, &press);
    }
});
