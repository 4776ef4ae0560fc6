//! Fuzzes the figure check: any bytes as `images/fig.png` (and as `.jpg`) must be accepted
//! or refused with a message, within the decoding limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("yarlung-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for name in ["fig.png", "fig.jpg"] {
        let path = dir.join(name);
        if std::fs::write(&path, data).is_ok() {
            let _ = yarlung::figures::inspect(&path);
        }
    }
});
