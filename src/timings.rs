//! The time each phase of a piece of work took, for `--timings`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The phases of loading a project and making a document, as `--timings` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Reading and checking the config and facts.
    LoadFacts,
    /// Finding and checking the figure files.
    FigureFiles,
    /// Loading the fonts.
    Fonts,
    /// Typst's evaluation and layout of a document.
    Layout,
    /// Processing the figures and putting them in place.
    Figures,
    /// Preflight's checks of the laid-out pages.
    Preflight,
    /// Typst's PDF export.
    Export,
    /// Putting the figures and marks into the exported PDF.
    Embed,
    /// Writing the file.
    Write,
}

impl Phase {
    /// The phase's name (`layout`).
    pub fn name(self) -> &'static str {
        match self {
            Self::LoadFacts => "load facts",
            Self::FigureFiles => "figures",
            Self::Fonts => "fonts",
            Self::Layout => "layout",
            Self::Figures => "figures",
            Self::Preflight => "preflight",
            Self::Export => "export",
            Self::Embed => "embed",
            Self::Write => "write",
        }
    }
}

/// The time each phase of a piece of work took, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timings {
    /// When the current phase started.
    #[serde(skip, default = "Instant::now")]
    since: Instant,
    /// The finished phases.
    pub phases: Vec<(Phase, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Self { since: Instant::now(), phases: Vec::new() }
    }
}

impl Timings {
    /// Ends the current phase, naming it `phase`, and starts the next.
    pub fn lap(&mut self, phase: Phase) {
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
        let parts: Vec<String> =
            self.phases.iter().map(|(p, d)| format!("{} {}", p.name(), millis(*d))).collect();
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
