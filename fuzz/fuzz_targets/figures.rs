//! Fuzzes the figure check and the figure pipeline: any bytes as `images/fig.png` (and as
//! `.jpg`) must be accepted or refused with a message; bytes the check accepts must then
//! decode, convert (to sRGB, and to the print CMYK) and downsample, or be refused with a
//! message, within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("yarlung-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for name in ["fig.png", "fig.jpg"] {
        let path = dir.join(name);
        if std::fs::write(&path, data).is_ok() {
            if let Ok(found) = yarlung::figures::files::inspect(&path) {
                let (w, h) = found.size;
                let size = ((w / 2).max(1), (h / 2).max(1));
                let _ = yarlung::figures::process(data, Some(size), yarlung::Profile::Screen);
                let _ = yarlung::figures::process(data, Some(size), yarlung::Profile::Print);
            }
        }
    }
});
