//! Fuzzes the project configuration loader (`yarlung.yaml`): parsing and the checks that
//! follow it must end in a value or a clean error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = yarlung::project::config::ProjectConfig::from_bytes(data).map_err(|e| e.to_string());
});
