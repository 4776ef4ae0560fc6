//! Fuzzes the translations loader: any bytes as a file under `data/i18n/bo/` must be
//! accepted (every key a text of the example's facts, a unit or a template word) or refused
//! with a message naming the file, within the YAML budgets.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yarlung::project::facts::Facts;

/// The example's facts, loaded once.
fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Facts::load(&root, Path::new("data")).expect("the example's facts load")
    })
}

fuzz_target!(|data: &[u8]| {
    let facts = facts();
    let sources = yarlung::project::i18n::sources(facts);
    let templates = vec!["目录 数说 第 批".to_string()];
    let _ = yarlung::project::i18n::parse_file(Path::new("data/i18n/bo/fuzz.yaml"), data, &sources, facts, Some(&templates));
});
