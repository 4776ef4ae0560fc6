//! Takes the SHA-256 and SM3 of every shipped font when the binary is built, so that the
//! manifests list the embedded fonts' digests without hashing them on every run.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};
use sm3::Sm3;

fn main() {
    println!("cargo:rerun-if-changed=fonts");
    let mut names: Vec<String> = std::fs::read_dir("fonts")
        .expect("the fonts folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".otf") || name.ends_with(".ttf"))
        .collect();
    names.sort();
    let mut out =
        String::from("/// The SHA-256 and SM3 of each shipped font file, taken when the binary was built.\n");
    out.push_str("pub const EMBEDDED_DIGESTS: &[(&str, &str, &str)] = &[\n");
    for name in names {
        let data = std::fs::read(Path::new("fonts").join(&name)).expect("a font file");
        let sha256: String = Sha256::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
        let sm3: String = Sm3::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "    ({name:?}, {sha256:?}, {sm3:?}),");
    }
    out.push_str("];\n");
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("font_digests.rs"), out).expect("writes the digests");
}
