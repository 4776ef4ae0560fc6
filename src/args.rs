//! The command line's clap types, each with its help text, and the checked options a
//! build's arguments give (dispatched by `cli.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use yarlung::Profile;

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
    Proof(ProofArgs),
    /// Show which facts, translations and figures changed since a proof round, and on which
    /// pages (visual diffs in out/proof/changes/).
    Changes(ChangesArgs),
    /// Record an approval (sign-off) of a proof round in proofs/approvals.yaml.
    Approve(ApproveArgs),
    /// Build, then rebuild the documents whose inputs change, until stopped.
    Watch(BuildArgs),
    /// The proof room: build and rebuild like watch, and show the pages, findings, proof
    /// rounds and approvals in the browser (127.0.0.1 only, unless --host says otherwise).
    Serve(ServeArgs),
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
    /// Also make the event and online materials: roll-up banners, display boards, the
    /// WeChat long image and article covers.
    #[arg(long)]
    pub materials: bool,
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
    /// The arguments of a plain build in `profile` of `shared`'s project: the documents
    /// `only` names (all when empty), every edition, one per core, nothing strict.
    pub fn plain(shared: &SharedArgs, only: &[String], profile: ProfileArg) -> Self {
        Self {
            only: only.to_vec(),
            edition: None,
            profile,
            jobs: 0,
            impose: false,
            timings: false,
            strict: false,
            final_: false,
            format: ReportFormat::Human,
            shared: shared.clone(),
        }
    }

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

/// Arguments of `proof`.
#[derive(Debug, Args)]
pub struct ProofArgs {
    /// Only these documents (repeatable, `*` patterns); a round normally holds them all.
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// How many documents compile at once (default: one per core).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Project, font and diagnostic options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Arguments of `changes`.
#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The round to compare from (default: the last one).
    #[arg(long, value_name = "N")]
    pub from: Option<u32>,
    /// The round to compare with (default: the inputs now, laid out in out/proof/current/).
    #[arg(long, value_name = "M")]
    pub to: Option<u32>,
    /// Lay out only these documents of the inputs now (repeatable, `*` patterns).
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// A table on standard output, or JSON for tools.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    /// How many documents compile at once (default: one per core).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Project, font and diagnostic options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Arguments of `approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The round approved.
    #[arg(value_name = "N")]
    pub round: u32,
    /// The approver's role (one of `proof: approvers:` in yarlung.yaml, e.g. 责任编辑).
    #[arg(long)]
    pub role: String,
    /// The approver's name.
    #[arg(long)]
    pub name: String,
    /// A note recorded with the approval.
    #[arg(long)]
    pub note: Option<String>,
    /// Project options.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on; anything but the loopback address lets other machines in.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Open the room in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Only these documents (repeatable, `*` patterns).
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Only the documents of this edition.
    #[arg(long, value_name = "NAME")]
    pub edition: Option<String>,
    /// Project, font and diagnostic options.
    #[command(flatten)]
    pub shared: SharedArgs,
}
