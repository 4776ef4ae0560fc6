//! The commands that do not build from a loaded project: `watch`, `init`, `completions`
//! and `manpage`.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::args::{Cli, Command};

/// Runs `command`, which is one of `watch`, `init`, `completions` or `manpage`.
pub fn run(command: &Command) -> ExitCode {
    match command {
        Command::Watch(args) => match yarlung::watch::run(&args.options(), args.timings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(&error),
        },
        Command::Init(args) => match yarlung::init::scaffold(&args.dir) {
            Ok(files) => {
                if yarlung::report::level() > yarlung::report::QUIET {
                    eprintln!(
                        "created a project of {files} files in {dir}; build it with\n  yarlung build --project {dir}",
                        dir = args.dir.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        },
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "yarlung", &mut script);
            print(&script)
        }
        Command::Manpage => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print(&page),
                Err(error) => {
                    eprintln!("error: cannot make the manual page: {error}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Build(_) | Command::Check(_) | Command::Preview(_) | Command::Bundle(_) => {
            eprintln!("error: `{command:?}` is run from main");
            ExitCode::from(2)
        }
    }
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) is no error.
fn print(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            ExitCode::from(1)
        }
    }
}

/// Prints `error` and returns its exit code.
fn fail(error: &yarlung::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(error.exit_code())
}
