//! The proof-round commands on the command line: `proof`, `changes` and `approve` (their clap
//! types and what each runs in the library's [`yarlung::proof`]).

use std::path::PathBuf;

use crate::args::{ApproveArgs, BuildArgs, ChangesArgs, ProfileArg, ProofArgs, ReportFormat, SharedArgs};
use yarlung::proof::{self, approve, changes, record::Round};
use yarlung::report::{self, Terminal};
use yarlung::{Error, Project};

/// The build options of a proof command: every document and edition (or `only`).
fn build_args(shared: &SharedArgs, only: &[String], jobs: usize) -> BuildArgs {
    BuildArgs { jobs, ..BuildArgs::plain(shared, only, ProfileArg::Print) }
}

/// Lays out the proof of the project's inputs now into `out/proof/<folder>/` (the next
/// round's folder when `folder` is `None`); returns its record, or the exit code of a
/// failed build.
fn laid_out(args: &BuildArgs, folder: Option<&str>) -> yarlung::Result<Result<Round, u8>> {
    let options = args.options();
    let project = Project::open(&options)?;
    let next = proof::next(&project, &options, folder)?;
    let options = proof::options(&options, &next);
    report::progress_start(project.plans.len());
    let observer = Terminal { format: options.diagnostic_format };
    let outcomes = yarlung::pipeline::in_pool(options.jobs, || {
        proof::build(&project, &options, &observer).make(yarlung::Finish::Write { impose: false })
    });
    let code = report::outcomes(&project.root, &project.timings, &outcomes, false);
    if code != 0 {
        return Ok(Err(code));
    }
    proof::record(&project, &options, next, &outcomes).map(Ok)
}

/// `yarlung proof`: makes the next round and records it.
pub fn run_proof(args: &ProofArgs) -> yarlung::Result<u8> {
    let build = build_args(&args.shared, &args.only, args.jobs);
    let round = match laid_out(&build, None)? {
        Ok(round) => round,
        Err(code) => return Ok(code),
    };
    let root = Project::open(&build.options())?.root;
    let path = proof::write(&root, &round)?;
    let n = round.round;
    eprintln!(
        "proof round {n}: {} document(s) in {}, record {} (inputs {})",
        round.documents.len(),
        root.join("out/proof").join(format!("round-{n}")).display(),
        path.display(),
        &round.inputs_digest[..8]
    );
    if n > 1 {
        eprintln!("what changed since round {}: yarlung changes --from {} --to {n}", n - 1, n - 1);
    }
    Ok(0)
}

/// `yarlung changes`: what changed from one round to another or to the inputs now.
pub fn run_changes(args: &ChangesArgs) -> yarlung::Result<u8> {
    let build = build_args(&args.shared, &args.only, args.jobs);
    let project = Project::open(&build.options())?;
    let root = project.root.clone();
    let last = *Round::numbers(&root)?.last().ok_or_else(|| {
        Error::Usage("no proof round has been made yet; make the first with `yarlung proof`".into())
    })?;
    let from = Round::load(&root, args.from.unwrap_or(last))?;
    let (to, label) = match args.to {
        Some(m) => (Round::load(&root, m)?, format!("round {m}")),
        None => match laid_out(&build, Some("current"))? {
            Ok(round) => (round, "now".to_string()),
            Err(code) => return Ok(code),
        },
    };
    let dir = root.join(&project.config.output).join("proof").join("changes");
    let changes = changes::compare(&root, &from, &to, &label, &dir)?;
    let text = match args.format {
        ReportFormat::Human => changes.table(),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&changes).map_err(|e| Error::internal("the changes", e))? + "\n"
        }
    };
    print!("{text}");
    Ok(0)
}

/// `yarlung approve`: records an approval of a round.
pub fn run_approve(args: &ApproveArgs) -> yarlung::Result<u8> {
    let options = build_args(&args.shared, &[], 1).options();
    let project = Project::open(&options)?;
    let time = proof::stamp(&options);
    let approval = yarlung::profile::Approval {
        round: args.round,
        role: args.role.clone(),
        name: args.name.clone(),
        time,
        inputs_digest: String::new(),
        note: args.note.clone(),
    };
    let approval = approve::approve(&project.root, &project.config.proof, approval)?;
    eprintln!(
        "round {} approved by {} ({}); recorded in {}",
        approval.round,
        approval.name,
        approval.role,
        PathBuf::from(&project.root).join(approve::ledger_file()).display()
    );
    Ok(0)
}
