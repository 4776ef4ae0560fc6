//! The command line: every clap type with its help text, and the one dispatch from a
//! parsed command to the library.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use yarlung::report::{self, Terminal};
use yarlung::{Build, Error, Profile, Project};

/// Turns YAML facts and figures into print-ready PDFs through Typst templates.
#[derive(Debug, Parser)]
#[command(name = "yarlung", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors and warnings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: what is loaded and rebuilt, every file written.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the documents' PDFs into out/<profile>/<document>.pdf.
    Build(BuildArgs),
    /// Validate config, facts, figures and templates without writing PDFs.
    Check(BuildArgs),
    /// Render pages to PNG in out/preview/, with a contact sheet per document.
    Preview(PreviewArgs),
    /// Write a self-contained source bundle that stock Typst 0.15.1 compiles.
    Bundle(BundleArgs),
    /// Build the archive profile and write its records as a transfer package an archive
    /// imports (DA/T 48 envelopes or a folder, with a catalogue of SM3 and SHA-256 digests);
    /// with --verify, check a package's digests instead.
    Package(PackageArgs),
    /// Exchange translations with a translator's tool: export XLIFF or PO, import it back.
    #[command(subcommand)]
    Translations(TranslationsCommand),
    /// Make the next proof round: every document and edition with proof marks in
    /// out/proof/round-N/, its record (digests, facts, page map) in proofs/round-N.json.
    Proof(crate::cli_proof::ProofArgs),
    /// Show which facts, translations and figures changed since a proof round, and on which
    /// pages (visual diffs in out/proof/changes/).
    Changes(crate::cli_proof::ChangesArgs),
    /// Record an approval (sign-off) of a proof round in proofs/approvals.yaml.
    Approve(crate::cli_proof::ApproveArgs),
    /// Build, then rebuild the documents whose inputs change, until stopped.
    Watch(BuildArgs),
    /// Create a new project in DIR (which must be empty or not exist) that builds at once.
    Init(InitArgs),
    /// Print a shell completion script (e.g. `yarlung completions bash > yarlung.bash`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    Manpage,
    /// Serves as a worker process of `yarlung build` (started by it, not by hand).
    #[command(hide = true)]
    Worker,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the project in.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `yarlung translations …`.
#[derive(Debug, Subcommand)]
pub enum TranslationsCommand {
    /// Write every translatable text (Chinese source, translation, state, the field path as
    /// its id) for a translator's tool.
    Export(ExportArgs),
    /// Write the texts and states of a translator's file back into data/i18n/<lang>/.
    Import(ImportArgs),
}

/// Arguments of `translations export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `xliff` (XLIFF 1.2), `xliff2` (XLIFF 2.0) or `po` (gettext).
    #[arg(long, value_enum, default_value = "xliff")]
    pub format: ExchangeFormat,
    /// The language (default: the one language the editions translate into).
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// The file to write.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The project and the shared options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Arguments of `translations import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The language, when the file does not name it.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// The XLIFF or PO file to read.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The project and the shared options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// The formats of `translations export`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExchangeFormat {
    /// XLIFF 1.2.
    Xliff,
    /// XLIFF 2.0.
    Xliff2,
    /// gettext PO.
    Po,
}

/// Arguments of `package`.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Only these documents (repeatable, `*` patterns).
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Only the documents of this edition.
    #[arg(long, value_name = "NAME")]
    pub edition: Option<String>,
    /// How many documents are made at once (0: one per core).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Count preflight warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// `eep`: one DA/T 48-2009 envelope per record; `folder`: the PDFs and their metadata.
    #[arg(long, value_enum, default_value = "eep")]
    pub format: PackageFormat,
    /// Check the package in DIR: recompute every digest it records and list what differs.
    #[arg(long)]
    pub verify: bool,
    /// The package's folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The project and the shared options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// How `package` writes its records.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PackageFormat {
    /// One DA/T 48-2009 envelope (EEP) per record.
    Eep,
    /// The PDFs and their DA/T 46 metadata in a folder.
    Folder,
}

/// Arguments of `bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// Which documents and profile, and the project.
    #[command(flatten)]
    pub build: BuildArgs,
    /// The folder to write the bundle into.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// Which documents, and the project.
    #[command(flatten)]
    pub build: BuildArgs,
    /// Only these pages, e.g. `1-4` or `3`.
    #[arg(long, value_name = "RANGE")]
    pub pages: Option<yarlung::render::preview::PageRange>,
    /// Resolution in pixels per inch.
    #[arg(long, value_name = "N", default_value_t = 96.0, value_parser = parse_ppi)]
    pub ppi: f32,
    /// Render the print pages' plates instead: one grey PNG per plate (C, M, Y, K) per page,
    /// black where the plate puts full ink, and a sheet of the four in their inks.
    #[arg(long)]
    pub separations: bool,
}

/// A resolution on the command line outside 10–1200 ppi.
#[derive(Debug)]
pub struct BadPpi(String);

impl std::fmt::Display for BadPpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a resolution between 10 and 1200", self.0)
    }
}

impl std::error::Error for BadPpi {}

/// Accepts a resolution between 10 and 1200 ppi.
fn parse_ppi(text: &str) -> Result<f32, BadPpi> {
    match text.parse::<f32>() {
        Ok(ppi) if (10.0..=1200.0).contains(&ppi) => Ok(ppi),
        _ => Err(BadPpi(text.to_string())),
    }
}

/// Arguments of `build` and `check`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Only this document (e.g. `brochure`, `leaflet-hubei`: all its editions; or one,
    /// `leaflet-hubei.bo-zh`); repeat it for several, `*` matches any characters
    /// (`--only 'leaflet-*'`).
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Only the documents of this edition (e.g. `zh`, `bo-zh`).
    #[arg(long, value_name = "NAME")]
    pub edition: Option<String>,
    /// The output profile (`all` builds the three).
    #[arg(long, value_enum, default_value = "print")]
    pub profile: ProfileArg,
    /// How many documents compile at once (default: one per core).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Also write printer spreads of the brochure in saddle-stitch order (print profile).
    #[arg(long)]
    pub impose: bool,
    /// Print how long each phase took (load facts, figures, compile, export, write).
    #[arg(long)]
    pub timings: bool,
    /// Count preflight warnings as errors (exit code 1, nothing written).
    #[arg(long)]
    pub strict: bool,
    /// Build for print only inputs exactly those of a proof round every listed approver has
    /// approved (`yarlung approve`); the approvals go into the manifest.
    #[arg(long = "final")]
    pub final_: bool,
    /// How the preflight report is printed: a table on standard error, or JSON on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    /// Project, font and diagnostic options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Options shared by every command that reads a project.
#[derive(Debug, Clone, Args)]
pub struct SharedArgs {
    /// The project folder, holding yarlung.yaml.
    #[arg(long, value_name = "DIR", env = "YARLUNG_PROJECT", default_value = ".")]
    pub project: PathBuf,
    /// Extra font folders, searched recursively, after the embedded fonts.
    #[arg(long = "font-path", value_name = "DIR", env = "YARLUNG_FONT_PATHS", value_delimiter = ':')]
    pub font_paths: Vec<PathBuf>,
    /// Fix the documents' date to this Unix timestamp (overrides `date` in yarlung.yaml).
    #[arg(long, value_name = "SECONDS", env = "SOURCE_DATE_EPOCH")]
    pub source_date_epoch: Option<i64>,
    /// How Typst diagnostics are printed.
    #[arg(long, value_enum, default_value = "human")]
    pub diagnostic_format: DiagnosticFormatArg,
    /// The print shop's CMYK output profile (ICC) for the print PDFs, instead of the one in
    /// yarlung.yaml or the shipped FOGRA39L coated-offset profile.
    #[arg(long, value_name = "FILE")]
    pub output_profile: Option<PathBuf>,
    /// How long one document may take to compile, in seconds, before it fails.
    #[arg(long, value_name = "SECONDS", env = "YARLUNG_COMPILE_TIMEOUT", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub compile_timeout: u64,
    /// For tests of worker processes: the worker given this document aborts (on its first
    /// try; with --abort-worker-every, on every try).
    #[arg(long, value_name = "NAME", hide = true)]
    pub abort_worker: Option<String>,
    /// With --abort-worker: abort on every try.
    #[arg(long, hide = true)]
    pub abort_worker_every: bool,
}

/// The output profiles on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    /// For the print shop: 3 mm bleed, trim box, CMYK.
    Print,
    /// For e-mail and the web: no bleed, RGB.
    Screen,
    /// For the archive: PDF/A-3b.
    Archive,
    /// All three profiles.
    All,
}

/// Formats of the preflight report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A table on standard error.
    Human,
    /// JSON on standard output.
    Json,
}

/// Diagnostic formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiagnosticFormatArg {
    /// With source excerpts.
    Human,
    /// One line each.
    Short,
}

impl ProfileArg {
    /// The profiles this choice stands for.
    pub fn profiles(self) -> Vec<Profile> {
        match self {
            Self::Print => vec![Profile::Print],
            Self::Screen => vec![Profile::Screen],
            Self::Archive => vec![Profile::Archive],
            Self::All => Profile::ALL.to_vec(),
        }
    }
}

impl BuildArgs {
    /// The checked options of a build or check.
    pub fn options(&self) -> yarlung::Options {
        yarlung::Options {
            project: self.shared.project.clone(),
            only: self.only.clone(),
            profiles: self.profile.profiles(),
            jobs: self.jobs,
            impose: self.impose,
            strict: self.strict,
            font_paths: self.shared.font_paths.clone(),
            source_date_epoch: self.shared.source_date_epoch,
            output_profile: self.shared.output_profile.clone(),
            edition: self.edition.clone(),
            compile_timeout: std::time::Duration::from_secs(self.shared.compile_timeout),
            abort_worker: self.shared.abort_worker.clone().map(|document| yarlung::project::AbortWorker {
                document,
                every: self.shared.abort_worker_every,
            }),
            proof: None,
            approvals: vec![],
            diagnostic_format: match self.shared.diagnostic_format {
                DiagnosticFormatArg::Human => yarlung::DiagnosticFormat::Human,
                DiagnosticFormatArg::Short => yarlung::DiagnosticFormat::Short,
            },
        }
    }
}

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
        let state = yarlung::proof::record::State::of(&project)?;
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
        only: args.only.clone(),
        edition: args.edition.clone(),
        profile: ProfileArg::Archive,
        jobs: args.jobs,
        impose: false,
        timings: false,
        final_: false,
        strict: args.strict,
        format: ReportFormat::Human,
        shared: args.shared.clone(),
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
    let build = BuildArgs {
        only: vec![],
        edition: None,
        profile: ProfileArg::Print,
        jobs: 0,
        impose: false,
        timings: false,
        final_: false,
        strict: false,
        format: ReportFormat::Human,
        shared: shared.clone(),
    };
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
    let files = yarlung::init::scaffold(&args.dir)?;
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
