//! Fuzzes the facts loader: any bytes as `project.yaml`, `figures.yaml` or a province file
//! must give a value or a clean error, never a panic, a hang or unbounded memory.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use yarlung::project::facts::{FigureFacts, Project, Province};

fuzz_target!(|data: &[u8]| {
    let name = Path::new("data/provinces/fuzz.yaml");
    if let Ok(province) = yarlung::project::yaml::parse::<Province>(name, data) {
        // Whatever parses must also print: exercise the metric formatting.
        for results in province.results.values() {
            for metric in &results.metrics {
                let _ = (metric.text(), metric.amount());
            }
        }
    }
    let _ = yarlung::project::yaml::parse::<Project>(name, data);
    let _ = yarlung::project::yaml::parse::<Vec<FigureFacts>>(name, data);
    // The error text itself must be printable.
    if let Err(error) = yarlung::project::yaml::parse::<Province>(name, data) {
        let _ = error.to_string();
    }
});
