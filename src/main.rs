//! The `yarlung` binary: parses the command line, runs it, exits with its code.

mod args;
mod cli;
mod cli_proof;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: Typst allocates and frees small blocks by the million, which mimalloc does in
/// about two thirds of the C library's time (see ARCHITECTURE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    let cli = args::Cli::parse();
    yarlung::report::set_level(match (cli.quiet, cli.verbose) {
        (true, _) => yarlung::report::QUIET,
        (_, true) => yarlung::report::VERBOSE,
        _ => yarlung::report::NORMAL,
    });
    ExitCode::from(cli.run())
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
