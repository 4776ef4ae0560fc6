//! Proof rounds (校样, 核红, 审签): `yarlung proof` makes the next round, every document and
//! edition in the proof profile with the proof marks, written to `out/proof/round-N/`, and
//! keeps the round's record in `proofs/round-N.json` ([`record`]); `yarlung changes` says
//! which facts changed since a round and on which pages ([`changes`], with the pages'
//! visual diff, [`diff`]); `yarlung approve` records sign-off and `build --final` builds
//! only approved inputs ([`approve`]).

pub mod approve;
pub mod changes;
pub mod diff;
pub mod record;

use crate::error::{Error, Result};
use crate::pipeline::{Build, Made, Observer};
use crate::profile::{Profile, ProofMarks};
use crate::project::{Options, Project};
use record::{Document, Round, State};

/// The next proof build of a project: its inputs now, the round before and the marks.
pub struct Next {
    /// The inputs now.
    pub state: State,
    /// The last round made, if any.
    pub previous: Option<Round>,
    /// What every page will carry.
    pub marks: ProofMarks,
}

/// The next proof of `project`, written to `out/proof/<folder>/` (`round-N`, or
/// `current` for a look at the inputs now that is no round).
pub fn next(project: &Project, options: &Options, folder: Option<&str>) -> Result<Next> {
    let state = State::of(project)?;
    let previous = Round::last(&project.root)?;
    let round = previous.as_ref().map_or(1, |r| r.round + 1);
    let changed = previous.as_ref().map(|r| state.changed_since(r)).unwrap_or_default();
    let marks = ProofMarks {
        round,
        folder: folder.map_or_else(|| format!("round-{round}"), str::to_string),
        date: today(options),
        digest: state.inputs_digest[..8].to_string(),
        watermark: project.config.proof.watermark.clone(),
        changed,
    };
    Ok(Next { state, previous, marks })
}

/// The day (`YYYY-MM-DD`, UTC): `SOURCE_DATE_EPOCH`'s when given, else today.
fn today(options: &Options) -> String {
    now(options).date().to_string()
}

/// The time stamps of rounds and approvals: `SOURCE_DATE_EPOCH` when given, else now.
pub fn now(options: &Options) -> time::OffsetDateTime {
    options
        .source_date_epoch
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc)
}

/// The time stamp of a round or approval (UTC, RFC 3339, to the second).
pub fn stamp(options: &Options) -> String {
    let t = now(options);
    format!("{}T{:02}:{:02}:{:02}Z", t.date(), t.hour(), t.minute(), t.second())
}

/// `options` for the proof build of `next`: the proof profile, the marks.
pub fn options(options: &Options, next: &Next) -> Options {
    Options { profiles: vec![Profile::Proof], proof: Some(next.marks.clone()), ..options.clone() }
}

/// The proof build of `project`: figures decoded (the page images show them).
pub fn build<'a>(project: &'a Project, options: &Options, observer: &'a dyn Observer) -> Build<'a> {
    let mut build = Build::new(project, options, observer);
    build.ctx.late_figures = false;
    build
}

/// The record of the round `next` made with these `outcomes` (all made).
pub fn record(project: &Project, options: &Options, next: Next, outcomes: &[Result<Made>]) -> Result<Round> {
    let mut documents = Vec::new();
    for made in outcomes {
        let made = made.as_ref().map_err(|e| Error::Usage(format!("the proof is not complete: {e}")))?;
        let path = made.path.as_deref().unwrap_or(std::path::Path::new(""));
        documents.push(Document {
            name: made.name.clone(),
            pages: made.pages,
            pdf: crate::project::display_path(path, &project.root),
            sha256: made.digests.as_ref().map(|d| d.sha256.clone()).unwrap_or_default(),
            page_map: made.page_map.clone().unwrap_or_default(),
        });
    }
    let State { inputs, inputs_digest, facts, translations, figures } = next.state;
    let made = stamp(options);
    Ok(Round {
        round: next.marks.round,
        made,
        tool: format!("yarlung {}", env!("CARGO_PKG_VERSION")),
        inputs_digest,
        inputs,
        facts,
        translations,
        figures,
        documents,
    })
}

/// Writes `round`'s record to `proofs/round-N.json` under `root`.
pub fn write(root: &std::path::Path, round: &Round) -> Result<std::path::PathBuf> {
    let path = root.join(Round::file(round.round));
    let mut json = serde_json::to_vec_pretty(round).map_err(|e| Error::internal("the round's record", e))?;
    json.push(b'\n');
    crate::output::write::write_atomic(&path, &json)?;
    Ok(path)
}
