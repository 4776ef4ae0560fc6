//! The time each phase of a piece of work took, for `--timings`.

use std::time::{Duration, Instant};

/// The time each phase of a piece of work took, in order.
#[derive(Debug, Clone)]
pub struct Timings {
    /// When the current phase started.
    since: Instant,
    /// The finished phases.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Self { since: Instant::now(), phases: Vec::new() }
    }
}

impl Timings {
    /// Ends the current phase, naming it `phase`, and starts the next.
    pub fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.phases.push((phase, now - self.since));
        self.since = now;
    }

    /// The time of all finished phases.
    pub fn total(&self) -> Duration {
        self.phases.iter().map(|(_, d)| *d).sum()
    }

    /// The phases as `compile 512 ms, export 130 ms, …`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.phases.iter().map(|(p, d)| format!("{p} {}", millis(*d))).collect();
        parts.join(", ")
    }
}

/// `1.2 s` or `85 ms`.
pub fn millis(d: Duration) -> String {
    match d.as_millis() {
        ms if ms >= 10_000 => format!("{:.1} s", d.as_secs_f64()),
        ms => format!("{ms} ms"),
    }
}
