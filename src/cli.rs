//! The one dispatch from a parsed command line (`args.rs`) to the library, and what each
//! command prints.

use std::io::Write;

use clap::CommandFactory;

use crate::args::*;
use yarlung::report::{self, Terminal};
use yarlung::{Build, Error, Profile, Project};

impl Cli {
    /// Runs the command and returns the process exit code: 0 success, 1 a document failed
    /// (or an internal fault), 2 bad input or usage.
    pub fn run(&self) -> u8 {
        let outcome = match &self.command {
            Command::Build(args) => {
                build(args, |b| spawning(b).make(yarlung::Finish::Write { impose: args.impose }))
            }
            Command::Check(args) => build(args, |b| checking(spawning(b)).make(yarlung::Finish::Check)),
            Command::Preview(args) => {
                build(&args.build, |b| yarlung::render::pages(b, args.ppi, args.pages, args.separations))
            }
            Command::Worker => {
                let observer = Terminal { format: yarlung::DiagnosticFormat::Human };
                yarlung::pipeline::in_pool(1, || yarlung::pipeline::workers::serve(&observer)).map(|()| 0)
            }
            Command::Bundle(args) => bundle(args),
            Command::Package(args) => package(args),
            Command::Translations(command) => translations(command),
            Command::Proof(args) => crate::cli_proof::run_proof(args),
            Command::Changes(args) => crate::cli_proof::run_changes(args),
            Command::Approve(args) => crate::cli_proof::run_approve(args),
            Command::Serve(args) => serve(args),
            Command::Watch(args) => yarlung::watch::run(&args.options(), args.timings).map(|()| 0),
            Command::Init(args) => init(args),
            Command::Completions(args) => {
                let mut script = Vec::new();
                clap_complete::generate(args.shell, &mut Cli::command(), "yarlung", &mut script);
                print(&script)
            }
            Command::Manpage => {
                let mut page = Vec::new();
                clap_mangen::Man::new(Cli::command())
                    .render(&mut page)
                    .map_err(|e| Error::internal("the manual page", e))
                    .and_then(|()| print(&page))
            }
        };
        outcome.unwrap_or_else(|error| report::error(&error))
    }
}

/// Opens the project, runs `make` on its build and reports the outcomes and preflight.
fn build(
    args: &BuildArgs,
    make: impl FnOnce(Build) -> Vec<yarlung::Result<yarlung::Made>> + Send,
) -> yarlung::Result<u8> {
    let mut options = args.options();
    let project = Project::open(&options)?;
    if args.final_ {
        // The inputs of the whole project, as rounds record them, whatever is built now.
        let whole = Project::open(&yarlung::Options { only: vec![], edition: None, ..options.clone() })?;
        let state = yarlung::proof::record::State::of(&whole)?;
        options.approvals = yarlung::proof::approve::approved(&project.root, &project.config.proof, &state)?;
    }
    report::progress_start(options.profiles.len() * project.plans.len());
    let observer = Terminal { format: options.diagnostic_format };
    let outcomes =
        yarlung::pipeline::in_pool(options.jobs, || make(Build::new(&project, &options, &observer)));
    let code = report::outcomes(&project.root, &project.timings, &outcomes, args.timings);
    let json = args.format == ReportFormat::Json;
    Ok(code.max(report::preflight(&project.findings, &outcomes, project.strict, json)))
}

/// `build`, writing nothing: not even processed figures to the disk cache.
fn checking(mut build: Build) -> Build {
    build.ctx.persist = false;
    build
}

/// `build`, allowed to make many documents in worker processes.
fn spawning(mut build: Build) -> Build {
    build.spawn_workers = true;
    build
}

/// `yarlung serve`: the proof room, until the process is ended.
fn serve(args: &ServeArgs) -> yarlung::Result<u8> {
    let build = BuildArgs {
        edition: args.edition.clone(),
        ..BuildArgs::plain(&args.shared, &args.only, ProfileArg::Screen)
    };
    let mut options = build.options();
    options.profiles = vec![Profile::Screen, Profile::Print];
    let address = yarlung::serve::Address { host: args.host.clone(), port: args.port };
    yarlung::serve::run(&options, &address, |url, token| {
        eprintln!("serving {url} (approval token {token})");
        if args.open {
            let _ = std::process::Command::new("xdg-open").arg(url).spawn();
        }
    })?;
    Ok(0)
}

fn bundle(args: &BundleArgs) -> yarlung::Result<u8> {
    let options = args.build.options();
    let project = Project::open(&options)?;
    let observer = Terminal { format: options.diagnostic_format };
    let profile = options.profiles.first().copied().unwrap_or(Profile::Print);
    let files = Build::new(&project, &options, &observer).bundle(profile, &args.dir)?;
    eprintln!("wrote {} files to {}", files.len(), args.dir.display());
    Ok(0)
}

/// Builds the archive profile and packages its records, or verifies a package.
fn package(args: &PackageArgs) -> yarlung::Result<u8> {
    if args.verify {
        let problems = yarlung::package::verify(&args.dir)?;
        for p in &problems {
            eprintln!("error: {}: {}", args.dir.join(&p.file).display(), p.what);
        }
        if problems.is_empty() {
            eprintln!("{}: every digest matches", args.dir.display());
            return Ok(0);
        }
        eprintln!("{} file(s) of the package differ from what it records", problems.len());
        return Ok(1);
    }
    let build = BuildArgs {
        edition: args.edition.clone(),
        jobs: args.jobs,
        strict: args.strict,
        ..BuildArgs::plain(&args.shared, &args.only, ProfileArg::Archive)
    };
    let options = build.options();
    let project = Project::open(&options)?;
    let observer = Terminal { format: options.diagnostic_format };
    let outcomes = yarlung::pipeline::in_pool(options.jobs, || {
        spawning(Build::new(&project, &options, &observer)).make(yarlung::Finish::Write { impose: false })
    });
    let code = report::outcomes(&project.root, &project.timings, &outcomes, false);
    let code = code.max(report::preflight(&project.findings, &outcomes, project.strict, false));
    if code != 0 {
        eprintln!("error: the package was not written; fix the documents above first");
        return Ok(code);
    }
    let made: Vec<&yarlung::Made> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let format = match args.format {
        PackageFormat::Eep => yarlung::package::Format::Eep,
        PackageFormat::Folder => yarlung::package::Format::Folder,
    };
    let files = yarlung::package::write(&project, &made, format, &args.dir)?;
    eprintln!("wrote a package of {} files to {}", files.len(), args.dir.display());
    Ok(0)
}

/// Exports or imports translations.
fn translations(command: &TranslationsCommand) -> yarlung::Result<u8> {
    let shared = match command {
        TranslationsCommand::Export(args) => &args.shared,
        TranslationsCommand::Import(args) => &args.shared,
    };
    let build = BuildArgs::plain(shared, &[], ProfileArg::Print);
    let project = Project::open(&build.options())?;
    let language = |asked: Option<&String>| -> yarlung::Result<String> {
        if let Some(code) = asked {
            return Ok(code.clone());
        }
        let mut known = project.translations.keys();
        match (known.next(), known.next()) {
            (Some(one), None) => Ok(one.clone()),
            (None, _) => {
                Err(Error::Usage("no edition of the project is translated; nothing to exchange".into()))
            }
            _ => Err(Error::Usage(
                "the editions translate into several languages; name one with --lang".into(),
            )),
        }
    };
    match command {
        TranslationsCommand::Export(args) => {
            let lang = language(args.lang.as_ref())?;
            let units = yarlung::exchange::units(&project, &lang)?;
            let format = match args.format {
                ExchangeFormat::Xliff => yarlung::exchange::Format::Xliff,
                ExchangeFormat::Xliff2 => yarlung::exchange::Format::Xliff2,
                ExchangeFormat::Po => yarlung::exchange::Format::Po,
            };
            let text = yarlung::exchange::export(&units, format, &lang);
            yarlung::output::write::write_atomic(&args.file, text.as_bytes())?;
            let done = units.iter().filter(|u| u.target.is_some()).count();
            eprintln!("wrote {} texts ({done} translated) to {}", units.len(), args.file.display());
        }
        TranslationsCommand::Import(args) => {
            let bytes = std::fs::read(&args.file).map_err(|e| Error::io(&args.file, e))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::input(&args.file, "is not UTF-8; save it as UTF-8"))?;
            let (named, units) = yarlung::exchange::read(&text).map_err(|m| Error::input(&args.file, m))?;
            let lang = language(args.lang.as_ref().or(named.as_ref()))?;
            let imported = yarlung::exchange::import(&project, &lang, &args.file, &units)?;
            eprintln!(
                "imported {} changed translation(s) into {} file(s)",
                imported.entries,
                imported.files.len()
            );
        }
    }
    Ok(0)
}

/// Creates a new project.
fn init(args: &InitArgs) -> yarlung::Result<u8> {
    let files = yarlung::init::scaffold(&args.dir, args.materials)?;
    if report::level() > report::QUIET {
        eprintln!(
            "created a project of {files} files in {dir}; build it with\n  yarlung build --project {dir}",
            dir = args.dir.display()
        );
    }
    Ok(0)
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) is no error.
fn print(bytes: &[u8]) -> yarlung::Result<u8> {
    match std::io::stdout().write_all(bytes) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io(std::path::Path::new("<standard output>"), error))
        }
        _ => Ok(0),
    }
}
