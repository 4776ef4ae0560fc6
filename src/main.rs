//! The `yarlung` binary: parses arguments, runs the library, maps errors to exit codes.

mod args;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    yarlung::tune_allocator();
    let cli = Cli::parse();
    yarlung::report::set_level(match (cli.quiet, cli.verbose) {
        (true, _) => yarlung::report::QUIET,
        (_, true) => yarlung::report::VERBOSE,
        _ => yarlung::report::NORMAL,
    });
    let args = match &cli.command {
        Command::Build(args) | Command::Check(args) => args,
        Command::Preview(args) => &args.build,
        Command::Bundle(args) => &args.build,
        other => return commands::run(other),
    };
    let options = args.options();
    let project = match yarlung::Project::open(&options) {
        Ok(project) => project,
        Err(error) => return fail(&error),
    };
    if !matches!(cli.command, Command::Bundle(_)) {
        yarlung::report::progress_start(options.profiles.len() * project.plans.len());
    }
    let outcomes = match &cli.command {
        Command::Build(_) => project.make(&options, true),
        Command::Check(_) => project.make(&options, false),
        Command::Preview(args) => project.preview(&options, args.ppi, args.pages),
        Command::Bundle(args) => {
            let profile = options.profiles.first().copied().unwrap_or(yarlung::Profile::Print);
            return match project.bundle(&options, profile, &args.dir) {
                Ok(files) => {
                    eprintln!("wrote {} files to {}", files.len(), args.dir.display());
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&error),
            };
        }
        other @ (Command::Watch(_) | Command::Init(_) | Command::Completions(_) | Command::Manpage) => {
            return commands::run(other);
        }
    };
    let code = yarlung::report::outcomes(&project, &outcomes, args.timings);
    let preflight = yarlung::report::preflight(&project, &outcomes, args.format == args::ReportFormat::Json);
    ExitCode::from(code.max(preflight))
}

/// Prints `error` and returns its exit code.
fn fail(error: &yarlung::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(error.exit_code())
}

/// Reports a bug in yarlung in one line, without a backtrace (even with `RUST_BACKTRACE` set):
/// the user needs to know it is not their input's fault and what to send along.
fn report_panic(info: &std::panic::PanicHookInfo) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    eprintln!(
        "error: internal error: yarlung panicked{at}: {message}\n\
         this is a bug in yarlung, not in your files; please report it with the files that trigger it"
    );
}
