//! Sign-off (审签, 付印): `yarlung approve N --role ROLE --name NAME` records an approval of
//! round N in `proofs/approvals.yaml`; `yarlung build --final` builds only inputs that are
//! exactly those of a round every role `proof: approvers:` lists has approved.

use std::path::{Path, PathBuf};

use super::record::{PROOFS_DIR, Round, State};
use crate::error::{Error, Result};
use crate::profile::Approval;
use crate::project::config::ProofConfig;

/// The approvals' ledger, relative to the project root.
pub fn ledger_file() -> PathBuf {
    Path::new(PROOFS_DIR).join("approvals.yaml")
}

/// The approvals recorded in the project at `root`, in the order they were given.
pub fn ledger(root: &Path) -> Result<Vec<Approval>> {
    let rel = ledger_file();
    if !root.join(&rel).is_file() {
        return Ok(vec![]);
    }
    let text = std::fs::read_to_string(root.join(&rel)).map_err(|e| Error::io(&rel, e))?;
    if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(vec![]);
    }
    crate::project::yaml::parse(&rel, text.as_bytes())
}

/// Records `approval` (of a round that exists, by a role the config lists) in the ledger
/// of the project at `root`; nothing is written when it is refused.
pub fn approve(root: &Path, config: &ProofConfig, mut approval: Approval) -> Result<Approval> {
    let round = Round::load(root, approval.round)?;
    if !config.approvers.is_empty() && !config.approvers.contains(&approval.role) {
        return Err(Error::Usage(format!(
            "`{}` is not a role that approves proofs here; yarlung.yaml lists under proof: approvers: {}",
            approval.role,
            config.approvers.join(", ")
        )));
    }
    if approval.name.trim().is_empty() || approval.role.trim().is_empty() {
        return Err(Error::Usage("an approval needs the approver's --role and --name".into()));
    }
    // A damaged ledger is refused before anything is added to it.
    ledger(root)?;
    approval.inputs_digest = round.inputs_digest;
    let rel = ledger_file();
    let mut text = match std::fs::read_to_string(root.join(&rel)) {
        Ok(text) => text,
        Err(_) => "# Approvals of proof rounds (审签), written by `yarlung approve`; newest last.\n".into(),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text += &entry(&approval);
    crate::output::write::write_atomic(&root.join(&rel), text.as_bytes())?;
    Ok(approval)
}

/// `approval` as a YAML list item (strings quoted as JSON, which YAML reads the same).
fn entry(approval: &Approval) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = format!(
        "- round: {}\n  role: {}\n  name: {}\n  time: {}\n  inputs-digest: {}\n",
        approval.round,
        q(&approval.role),
        q(&approval.name),
        q(&approval.time),
        q(&approval.inputs_digest)
    );
    if let Some(note) = &approval.note {
        out += &format!("  note: {}\n", q(note));
    }
    out
}

/// The approvals that allow a final build of the inputs `state`: those of the last round
/// with exactly these inputs, one for every listed role (any one when none are listed).
pub fn approved(root: &Path, config: &ProofConfig, state: &State) -> Result<Vec<Approval>> {
    let numbers = Round::numbers(root)?;
    let Some(&last) = numbers.last() else {
        return Err(Error::Usage(
            "no proof round has been made, so nothing is approved for print: make one with `yarlung proof`, \
             have it approved with `yarlung approve`, then build --final"
                .into(),
        ));
    };
    let mut matching = None;
    for &n in numbers.iter().rev() {
        let round = Round::load(root, n)?;
        if round.inputs_digest == state.inputs_digest {
            matching = Some(round);
            break;
        }
    }
    let Some(round) = matching else {
        let last = Round::load(root, last)?;
        let differ = differing_files(&last, state);
        return Err(Error::Usage(format!(
            "the inputs differ from every proof round, so they are not approved for print; since round {} these \
             changed: {}; see `yarlung changes`, then make a new round with `yarlung proof` and have it approved",
            last.round,
            differ.join(", ")
        )));
    };
    let given: Vec<Approval> = ledger(root)?
        .into_iter()
        .filter(|a| a.round == round.round && a.inputs_digest == round.inputs_digest)
        .collect();
    let missing: Vec<&String> =
        config.approvers.iter().filter(|r| !given.iter().any(|a| &a.role == *r)).collect();
    if given.is_empty() || !missing.is_empty() {
        let who = if missing.is_empty() {
            "anyone".to_string()
        } else {
            missing.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
        };
        let role = missing.first().map_or("ROLE", |r| r.as_str());
        return Err(Error::Usage(format!(
            "round {n} (the inputs now) is not approved by {who}; approve with `yarlung approve {n} --role {role} --name NAME`",
            n = round.round
        )));
    }
    Ok(given)
}

/// The input files that differ between `round` and `state` (changed, added or removed).
fn differing_files(round: &Round, state: &State) -> Vec<String> {
    let map = |inputs: &[crate::pipeline::manifest::FileEntry]| {
        inputs
            .iter()
            .map(|f| (f.path.clone(), f.digests.sha256.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    super::record::differing(&map(&round.inputs), &map(&state.inputs), |a, b| a == b)
}
