//! yarlung turns YAML facts and figures into print-ready PDFs through Typst templates.
//!
//! Data flows one way: [`Options`] → [`Project`] (config, facts, figures, fonts) →
//! one [`world::YarlungWorld`] per document → compile → export → atomic write.

pub mod bundle;
pub mod config;
pub mod document;
pub mod embed;
pub mod error;
pub mod facts;
pub mod figures;
pub mod fonts;
pub mod frames;
pub mod imaging;
pub mod impose;
pub mod incremental;
pub mod init;
pub mod inputs;
pub mod manifest;
pub mod marks;
pub mod output;
pub mod plan;
pub mod preflight;
pub mod preview;
pub mod profile;
pub mod report;
pub mod seeded;
pub mod skim;
pub mod watch;
pub mod watchdog;
pub mod world;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use typst::foundations::Datetime;
pub use typst_kit::diagnostics::DiagnosticFormat;
use typst_kit::fonts::FontStore;

use crate::config::ProjectConfig;
use crate::document::{CompileContext, Compiled};
pub use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::figures::FigureFile;
use crate::inputs::{Attachment, TemplateInputs};
use crate::plan::DocumentPlan;
pub use crate::profile::Profile;

/// What a build or check is asked to do, already validated by the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project folder (holding `yarlung.yaml`).
    pub project: PathBuf,
    /// Build only the document with this name.
    pub only: Option<String>,
    /// The output profiles, each written to `out/<profile>/`.
    pub profiles: Vec<Profile>,
    /// Extra font folders.
    pub font_paths: Vec<PathBuf>,
    /// A fixed timestamp (`SOURCE_DATE_EPOCH`) that overrides the configured date.
    pub source_date_epoch: Option<i64>,
    /// How Typst diagnostics are printed.
    pub diagnostic_format: DiagnosticFormat,
    /// How many documents are compiled at once (0: one per core).
    pub jobs: usize,
    /// Also write saddle-stitch printer spreads of multiple-of-4 documents (print profile).
    pub impose: bool,
    /// Count preflight warnings as errors.
    pub strict: bool,
}

/// A loaded, checked project: everything a document needs before it compiles.
pub struct Project {
    /// The canonical project root; the World reads nothing outside it.
    pub root: PathBuf,
    /// `yarlung.yaml`.
    pub config: ProjectConfig,
    /// The facts from the data folder.
    pub facts: Facts,
    /// The checked figure files.
    pub figures: Vec<FigureFile>,
    /// The documents to make.
    pub plans: Vec<DocumentPlan>,
    /// The fonts, shared by every document.
    pub fonts: Arc<FontStore>,
    /// The fixed date of the build (year, month, day).
    pub date: (i32, u8, u8),
    /// The figure sources and the cache of processed figures.
    pub images: imaging::Store,
    /// Preflight findings about the project as a whole (unused figure files).
    pub findings: Vec<preflight::Finding>,
    /// Whether preflight warnings fail a document (`--strict`).
    pub strict: bool,
    /// How long loading the config and facts, the figures and the fonts took.
    pub timings: report::Timings,
}

/// A document laid out once for every profile, with figure stand-ins (see
/// [`Project::layout`]).
pub struct Laid {
    /// The compilation with the stand-ins.
    pub compiled: Compiled,
    /// The stand-ins the layout served.
    pub standins: Vec<imaging::Served>,
    /// The template's CMYK colours with their RGB twins.
    pub colours: frames::Twins,
}

/// What a laid-out document needs for one profile (see [`Project::requests`]): the processed
/// images, for each placement the index of its image, and the placements.
type Needs = (Vec<imaging::Request>, Vec<usize>, Vec<imaging::Placement>);

/// The version of a laid-out document for one profile, waiting for its figures (see
/// [`Project::derive`]).
pub struct Derived {
    /// The derived compilation, its placements filled in.
    pub compiled: Compiled,
    /// The stand-ins the layout served.
    pub standins: Vec<imaging::Served>,
    /// The processed images the document needs.
    pub requests: Vec<imaging::Request>,
    /// For each placement in `compiled.placements`, the index of its image in `requests`.
    pub assignment: Vec<usize>,
}

/// The result of making one document in one profile.
#[derive(Debug)]
pub struct Made {
    /// The document's name.
    pub name: String,
    /// The profile it was made for.
    pub profile: Profile,
    /// Its page count.
    pub pages: usize,
    /// Where the file was written, when it was.
    pub path: Option<PathBuf>,
    /// The size of the written file in bytes.
    pub bytes: usize,
    /// Warnings of yarlung's own (Typst warnings are printed as they occur).
    pub warnings: Vec<String>,
    /// What preflight found (warnings only: errors fail the document).
    pub findings: Vec<preflight::Finding>,
    /// The SHA-256 of the written PDF.
    pub sha256: Option<String>,
    /// Further files written for the document (the imposed brochure).
    pub also: Vec<PathBuf>,
    /// How long each phase of making it took.
    pub timings: report::Timings,
}

/// The slug beyond the bleed that holds the crop marks, in millimetres.
pub const SLUG_MM: f64 = 7.0;

impl Project {
    /// Loads config, facts, figures and fonts, and plans the documents.
    pub fn open(options: &Options) -> Result<Self> {
        let root = options.project.canonicalize().map_err(|e| {
            Error::input(&options.project, format!("cannot open the project folder: {e}; check --project"))
        })?;
        let mut timings = report::Timings::default();
        let config = ProjectConfig::load(&root)?;
        let facts = Facts::load(&root, &config.data)?;
        timings.lap("load facts");
        let figures = figures::resolve(&root, &config, &facts)?;
        let images = imaging::Store::open(&root, &root.join(&config.output), &figures)?;
        let used: Vec<PathBuf> = config.figures.values().cloned().collect();
        let findings = preflight::unused_figures(&root, &used);
        timings.lap("figures");
        let plans = plan::documents(&config, &facts, options.only.as_deref())?;
        let fonts = Arc::new(fonts::store(&options.font_paths)?);
        timings.lap("fonts");
        let date = match options.source_date_epoch {
            Some(epoch) => civil_date(epoch).ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={epoch} is out of range; expected seconds since 1970"
                ))
            })?,
            None => config::parse_date(&config.date)
                .ok_or_else(|| Error::field(config::CONFIG_FILE, "date", "expected YYYY-MM-DD"))?,
        };
        Ok(Self {
            root,
            config,
            facts,
            figures,
            plans,
            fonts,
            date,
            images,
            findings,
            strict: options.strict,
            timings,
        })
    }

    /// The date as a Typst value.
    fn datetime(&self) -> Datetime {
        let (y, m, d) = self.date;
        Datetime::from_ymd(y, m, d).unwrap_or_else(|| Datetime::from_ymd(1970, 1, 1).expect("valid date"))
    }

    /// The folder the PDFs of `profile` are written to.
    pub fn output_dir(&self, profile: Profile) -> PathBuf {
        self.root.join(&self.config.output).join(profile.name())
    }

    /// The compile context shared by the documents of one run.
    pub fn context(&self, options: &Options) -> CompileContext<'_> {
        CompileContext {
            root: &self.root,
            fonts: self.fonts.clone(),
            date: self.datetime(),
            format: options.diagnostic_format,
            worlds: None,
            late_figures: false,
            attach: options.profiles.contains(&Profile::Archive),
            shared: Arc::default(),
        }
    }

    /// Compiles one planned document for `profile` with its figures processed for their
    /// placed sizes (see [`imaging`]). Typst's warnings are printed.
    pub fn compile(&self, ctx: &CompileContext, plan: &DocumentPlan, profile: Profile) -> Result<Compiled> {
        let laid = self.layout(ctx, plan, profile)?;
        document::print_warnings(&laid.compiled, ctx.format);
        let derived = self.derive(&laid, profile);
        self.images.prepare(&derived.requests, true);
        self.with_figures(derived, true, ctx.late_figures)
    }

    /// Compiles the (profile, document) `pairs` with their figures processed for their
    /// placed sizes, and hands each compilation to `then` as soon as it is ready.
    ///
    /// Each document is laid out once, in parallel, with figure stand-ins (see
    /// [`Project::layout`]); its version for each profile is derived from that layout
    /// ([`Project::derive`]). A document whose figures need no decoding (all processed
    /// already and embedded after export, see [`CompileContext::late_figures`]) is finished
    /// at once, while the others are still laid out. For the rest, each figure is decoded
    /// once and processed for every profile and document at once (written to the disk cache
    /// with `persist`). Profiles are then made one after another, those of the same figure
    /// resolution (print, archive) next to each other so they share the decoded figures; in
    /// each, the documents get their figures in parallel, the one with the most decoded
    /// figure pixels last and alone. Outside watch mode, Typst's caches are emptied before the
    /// figures are processed, after each export and between profiles, so memory holds little
    /// more than one profile's figures. `then` receives the outcome and its timings. Returns what `then`
    /// returns, in the order of `pairs`.
    pub fn compile_all<T: Send>(
        &self,
        ctx: &CompileContext,
        pairs: &[(Profile, &DocumentPlan)],
        persist: bool,
        then: impl Fn(Profile, &DocumentPlan, Result<Compiled>, report::Timings) -> T + Sync,
    ) -> Vec<T> {
        let mut plans: Vec<&DocumentPlan> = Vec::new();
        for &(_, plan) in pairs {
            if !plans.iter().any(|p| std::ptr::eq(*p, plan)) {
                plans.push(plan);
            }
        }
        let index = |plan: &DocumentPlan| plans.iter().position(|p| std::ptr::eq(*p, plan)).unwrap_or(0);
        report::progress_note(&format!("laying out {} document(s)", plans.len()));
        // Per plan: its layout, how long that took, the pairs finished at once and, for the
        // others, what their figures need.
        type LaidOut<T> = (Result<Laid>, std::time::Duration, Vec<(usize, T)>, Vec<(usize, Needs)>);
        let laid: Vec<LaidOut<T>> = plans
            .par_iter()
            .map(|plan| {
                let start = std::time::Instant::now();
                LAYING_OUT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let laid = self.layout(ctx, plan, Profile::Print);
                LAYING_OUT.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                let took = start.elapsed();
                let Ok(laid) = laid else { return (laid, took, vec![], vec![]) };
                document::print_warnings(&laid.compiled, ctx.format);
                let mine: Vec<(usize, Needs)> = (0..pairs.len())
                    .filter(|&i| std::ptr::eq(pairs[i].1, *plan))
                    .map(|i| (i, self.requests(&laid, pairs[i].0)))
                    .collect();
                let early = ctx.late_figures
                    && mine.iter().all(|(_, (requests, ..))| {
                        requests.iter().all(|r| self.images.ready(r) && self.images.embeds_late(r))
                    });
                if !early {
                    return (Ok(laid), took, vec![], mine);
                }
                let done = mine
                    .into_iter()
                    .enumerate()
                    .map(|(n, (i, needs))| {
                        let (profile, plan) = pairs[i];
                        let mut timings = report::Timings::default();
                        if n == 0 {
                            timings.phases.push(("layout", took));
                        }
                        let derived = self.derive_with(&laid, profile, needs);
                        timings.lap("derive");
                        report::progress_advance(&plan.name, profile);
                        (i, self.finish_pair(ctx, pairs[i], Ok(derived), timings, persist, &then))
                    })
                    .collect();
                (Ok(laid), took, done, vec![])
            })
            .collect();
        let mut out: Vec<Option<T>> = (0..pairs.len()).map(|_| None).collect();
        let mut needs: Vec<Option<Needs>> = (0..pairs.len()).map(|_| None).collect();
        let mut laid: Vec<(Result<Laid>, std::time::Duration)> = laid
            .into_iter()
            .map(|(laid, took, done, pending)| {
                for (i, outcome) in done {
                    out[i] = Some(outcome);
                }
                for (i, need) in pending {
                    needs[i] = Some(need);
                }
                (laid, took)
            })
            .collect();
        // The documents not finished yet, by profile: those of the same figure resolution
        // are made one after the other, so their decoded figures are kept and shared
        // (print and archive).
        let rest: Vec<usize> = (0..pairs.len()).filter(|&i| out[i].is_none()).collect();
        if rest.is_empty() {
            return out.into_iter().flatten().collect();
        }
        // Typst's caches are not needed for what follows (figures, export): their memory is.
        if ctx.worlds.is_none() {
            release_caches();
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for group in rest.chunk_by(|&a, &b| pairs[a].0 == pairs[b].0) {
            groups.push(group.to_vec());
        }
        groups.sort_by(|a, b| {
            imaging::target_ppi(pairs[b[0]].0).total_cmp(&imaging::target_ppi(pairs[a[0]].0))
        });
        let mut shown: Vec<bool> = plans
            .iter()
            .map(|plan| (0..pairs.len()).any(|i| out[i].is_some() && std::ptr::eq(pairs[i].1, *plan)))
            .collect();
        let mut firsts = vec![false; pairs.len()];
        for group in &groups {
            for &i in group {
                firsts[i] = !std::mem::replace(&mut shown[index(pairs[i].1)], true);
            }
        }
        report::progress_note("processing figures");
        // Every profile's figures are processed at once, so that each figure is decoded once.
        let requests: Vec<imaging::Request> = rest
            .iter()
            .filter_map(|&i| needs[i].as_ref())
            .flat_map(|(requests, ..)| requests.clone())
            .collect();
        self.images.prepare(&requests, persist);
        for (n, group) in groups.iter().enumerate() {
            let group_needs: Vec<Option<Needs>> = group.iter().map(|&i| needs[i].take()).collect();
            let derived: Vec<(Result<Derived>, report::Timings)> = group
                .par_iter()
                .zip(group_needs)
                .map(|(&i, need)| {
                    let (profile, plan) = pairs[i];
                    let (laid, took) = &laid[index(plan)];
                    let mut timings = report::Timings::default();
                    if firsts[i] {
                        timings.phases.push(("layout", *took));
                    }
                    let derived = match laid {
                        Ok(laid) => {
                            let need = need.unwrap_or_else(|| self.requests(laid, profile));
                            Ok(self.derive_with(laid, profile, need))
                        }
                        Err(error) => Err(error.duplicate()),
                    };
                    timings.lap("derive");
                    report::progress_advance(&plan.name, profile);
                    (derived, timings)
                })
                .collect();
            let group_pairs: Vec<(Profile, &DocumentPlan)> = group.iter().map(|&i| pairs[i]).collect();
            let made = self.finish_group(ctx, &group_pairs, derived, persist, &then);
            for (&i, outcome) in group.iter().zip(made) {
                out[i] = outcome;
            }
            let next = groups.get(n + 1).map(|g| imaging::target_ppi(pairs[g[0]].0));
            if next != Some(imaging::target_ppi(pairs[group[0]].0)) {
                self.images.forget_rasters();
            }
            if ctx.worlds.is_none() {
                release_caches();
            }
        }
        // The layouts are no longer needed.
        laid.clear();
        out.into_iter().flatten().collect()
    }

    /// Gives each of one profile's `derived` documents its figures (processed by
    /// [`Project::compile_all`] already) and hands it to `then`: the one with the most
    /// decoded figure pixels last and alone, once the others have let go of their pages (its
    /// decoded figures are most of the memory); all at once when none are decoded.
    fn finish_group<T: Send>(
        &self,
        ctx: &CompileContext,
        pairs: &[(Profile, &DocumentPlan)],
        derived: Vec<(Result<Derived>, report::Timings)>,
        persist: bool,
        then: &(impl Fn(Profile, &DocumentPlan, Result<Compiled>, report::Timings) -> T + Sync),
    ) -> Vec<Option<T>> {
        // The pixels a document's figures hold in memory once decoded (none for JPEGs
        // embedded after export).
        let pixels = |derived: &Result<Derived>| -> u64 {
            derived.as_ref().map_or(0, |d| {
                d.requests
                    .iter()
                    .filter(|r| !(ctx.late_figures && self.images.embeds_late(r)))
                    .map(|r| u64::from(r.size.0) * u64::from(r.size.1))
                    .sum()
            })
        };
        let heaviest =
            (0..derived.len()).max_by_key(|&i| pixels(&derived[i].0)).filter(|&i| pixels(&derived[i].0) > 0);
        let finish = |(derived, timings): (Result<Derived>, report::Timings),
                      &pair: &(Profile, &DocumentPlan)| {
            self.finish_pair(ctx, pair, derived, timings, persist, then)
        };
        let mut jobs: Vec<Option<(Result<Derived>, report::Timings)>> =
            derived.into_iter().map(Some).collect();
        let last = heaviest.and_then(|i| jobs[i].take().map(|job| (i, job)));
        let mut out: Vec<Option<T>> = jobs
            .into_par_iter()
            .zip(pairs.par_iter())
            .map(|(job, pair)| job.map(|job| finish(job, pair)))
            .collect();
        if let Some((i, job)) = last {
            // Only the heaviest document's decoded figures are worth keeping for the next
            // profile; the others' go now, with what Typst still caches of them.
            let keep: Vec<imaging::Request> = job.0.as_ref().map(|d| d.requests.clone()).unwrap_or_default();
            self.images.keep_rasters(&keep);
            if ctx.worlds.is_none() {
                release_caches();
            }
            out[i] = Some(finish(job, &pairs[i]));
        }
        out
    }

    /// Gives a derived document its figures and hands it (with `timings`, to which the
    /// figures' time is added) to `then`.
    fn finish_pair<T>(
        &self,
        ctx: &CompileContext,
        (profile, plan): (Profile, &DocumentPlan),
        derived: Result<Derived>,
        mut timings: report::Timings,
        persist: bool,
        then: &impl Fn(Profile, &DocumentPlan, Result<Compiled>, report::Timings) -> T,
    ) -> T {
        let compiled = derived.and_then(|derived| self.with_figures(derived, persist, ctx.late_figures));
        timings.lap("figures");
        let outcome = then(profile, plan, compiled, timings);
        report::progress_advance(&plan.name, profile);
        outcome
    }

    /// Lays `plan` out once for every profile: for print (CMYK colours, bleed), with the
    /// archive's attachments when `ctx` asks for them, and a stand-in for each figure.
    /// `profile` only names the World kept for it in watch mode.
    pub fn layout(&self, ctx: &CompileContext, plan: &DocumentPlan, profile: Profile) -> Result<Laid> {
        let standins = self.images.standins(&plan.figures);
        let generated = self.generated(plan, Profile::Print, ctx.attach, &standins)?;
        let compiled = document::compile(ctx, plan, profile, generated)?;
        let colours = frames::Twins::of(&compiled.document);
        Ok(Laid { compiled, standins, colours })
    }

    /// The version of a laid-out document for `profile` (see [`frames::derive`]), with where
    /// its figures are placed and the processed images they need.
    pub fn derive(&self, laid: &Laid, profile: Profile) -> Derived {
        self.derive_with(laid, profile, self.requests(laid, profile))
    }

    /// [`Project::derive`] with what [`Project::requests`] found for `profile` already.
    fn derive_with(&self, laid: &Laid, profile: Profile, needs: Needs) -> Derived {
        let (requests, assignment, placements) = needs;
        let compiled = Compiled {
            document: frames::derive(&laid.compiled.document, profile, &laid.colours),
            padding: laid.compiled.padding,
            world: laid.compiled.world.clone(),
            warnings: laid.compiled.warnings.clone(),
            violation: laid.compiled.violation.clone(),
            placements,
            embeds: vec![],
        };
        Derived { compiled, standins: laid.standins.clone(), requests, assignment }
    }

    /// Where the figures of a laid-out document are placed in `profile` (which only trims the
    /// bleed of the layout, see [`frames::derive`]), the processed images they need and, for
    /// each placement, the index of its image.
    fn requests(&self, laid: &Laid, profile: Profile) -> Needs {
        // The archive shows its figures at the print's resolution and quality; cropped as
        // for print (the bleed lies outside its pages), each is the very image print uses.
        let bleed = profile.bleed_mm() > 0.0 || profile == Profile::Archive;
        let placements = frames::placements(&laid.compiled.document, &laid.standins, bleed);
        let (requests, assignment) = self.images.requests(&placements, profile);
        (requests, assignment, placements)
    }

    /// Puts the processed figures of a derived document in place of their stand-ins; with
    /// `late`, JPEG figures as one-pixel stand-ins that [`embed::apply`] replaces in the
    /// exported PDF (listed in [`Compiled::embeds`]).
    fn with_figures(&self, derived: Derived, persist: bool, late: bool) -> Result<Compiled> {
        let Derived { mut compiled, standins, requests, assignment } = derived;
        let images = requests
            .par_iter()
            .map(|request| {
                let late = if late { self.images.late(request, persist)? } else { None };
                let (image, embed) = match late {
                    Some((image, embed)) => (image, Some(embed)),
                    None => (self.images.raster(request, persist)?, None),
                };
                let Some(source) = self.images.source(&request.id) else { return Ok(None) };
                let (w, h) = (f64::from(source.size.0), f64::from(source.size.1));
                let (x, y, cw, ch) = request.crop;
                let crop = [f64::from(x) / w, f64::from(y) / h, f64::from(cw) / w, f64::from(ch) / h];
                Ok(Some((frames::Swap { image, crop }, embed)))
            })
            .collect::<Result<Vec<_>>>()?;
        let swaps: Vec<Option<&frames::Swap>> = assignment
            .iter()
            .map(|&i| images.get(i).and_then(Option::as_ref).map(|(swap, _)| swap))
            .collect();
        if swaps.iter().any(Option::is_some) {
            compiled.document = frames::swap(&compiled.document, &standins, &swaps);
        }
        // Every request stems from a placement, so each embed has its stand-in in the pages.
        compiled.embeds = images.into_iter().flatten().filter_map(|(_, embed)| embed).collect();
        Ok(compiled)
    }

    /// The files the World serves from memory for `plan` in the layout (see
    /// [`Project::layout`]), with the archive's attachments when `attach` is set.
    pub fn generated_files(&self, plan: &DocumentPlan, attach: bool) -> Result<Vec<(String, Vec<u8>)>> {
        self.generated(plan, Profile::Print, attach, &self.images.standins(&plan.figures))
    }

    /// The files the World serves from memory for `plan` in `profile` when the template lays
    /// it out for that profile itself (as stock Typst does with the source bundle).
    pub fn generated_with(
        &self,
        plan: &DocumentPlan,
        profile: Profile,
        images: &[imaging::Served],
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.generated(plan, profile, profile == Profile::Archive, images)
    }

    /// The files the World serves from memory for `plan`, by root-relative virtual path:
    /// the facts JSON for `profile` (with each figure's path pointing at its image in
    /// `images`), the generated figure images and, with `attach`, the files the archive
    /// attaches (the facts and the manifest of inputs).
    fn generated(
        &self,
        plan: &DocumentPlan,
        profile: Profile,
        attach: bool,
        images: &[imaging::Served],
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let mut generated = Vec::new();
        let mut attachments = Vec::new();
        if attach {
            for file in &self.facts.files {
                let path = format!("/{}", file.to_string_lossy().replace('\\', "/"));
                attachments.push(Attachment {
                    description: format!("Facts the document was made from ({})", &path[1..]),
                    path,
                    relationship: "source",
                    mime_type: "application/yaml",
                });
            }
            let sources = serde_json::json!({
                "tool": format!("yarlung {}", env!("CARGO_PKG_VERSION")),
                "typst": "0.15.1",
                "inputs": manifest::inputs(&self.root, &self.input_files())?,
            });
            let bytes = serde_json::to_vec_pretty(&sources).unwrap_or_default();
            generated.push((inputs::SOURCES_PATH.to_string(), bytes));
            attachments.push(Attachment {
                path: inputs::SOURCES_PATH.into(),
                relationship: "data",
                mime_type: "application/json",
                description: "Manifest: every input file with its SHA-256".into(),
            });
        }
        let mut figures = self.figures.clone();
        for figure in &mut figures {
            if let Some(image) = images.iter().find(|i| i.id == figure.id && i.generated) {
                figure.path = PathBuf::from(image.vpath.trim_start_matches('/'));
                generated.push((image.vpath.clone(), image.bytes.to_vec()));
            }
        }
        let facts = TemplateInputs::new(plan, profile, self.date, &self.facts, &figures, attachments);
        generated.push((inputs::FACTS_PATH.to_string(), facts.to_json()));
        Ok(generated)
    }

    /// Every (profile, document) pair of a run, in a stable order.
    fn pairs(&self, options: &Options) -> Vec<(Profile, &DocumentPlan)> {
        options.profiles.iter().flat_map(|&p| self.plans.iter().map(move |plan| (p, plan))).collect()
    }

    /// Runs `work` in a thread pool of `jobs` threads (0: one per core).
    fn in_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> T {
        match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
            Ok(pool) => pool.install(work),
            Err(_) => work(),
        }
    }

    /// Compiles every planned document in every profile; with `write`, exports and writes
    /// each PDF and, per profile whose documents all succeeded, its manifest.
    /// Returns one outcome per document and profile, in plan order.
    pub fn make(&self, options: &Options, write: bool) -> Vec<Result<Made>> {
        let mut ctx = self.context(options);
        ctx.late_figures = true;
        let pairs = self.pairs(options);
        let mut outcomes: Vec<Result<Made>> = Self::in_pool(options.jobs, || {
            self.compile_all(&ctx, &pairs, write, |profile, plan, compiled, timings| {
                compiled.and_then(|compiled| {
                    self.finish_one(&ctx, plan, profile, compiled, timings, write.then_some(options.impose))
                })
            })
        });
        if write {
            for &profile in &options.profiles {
                let made: Vec<&Made> = outcomes
                    .iter()
                    .filter_map(|o| o.as_ref().ok())
                    .filter(|m| m.profile == profile)
                    .collect();
                if made.len() == self.plans.len()
                    && let Err(error) = self.write_manifest(profile, &made)
                {
                    outcomes.push(Err(error));
                }
            }
        }
        outcomes
    }

    /// Checks one compiled document and, with `write` = `Some(impose)`, writes its PDF (and,
    /// when `impose` is set, its imposed printer spreads); `timings` holds the compile phases.
    pub fn finish_one(
        &self,
        ctx: &CompileContext,
        plan: &DocumentPlan,
        profile: Profile,
        mut compiled: Compiled,
        timings: report::Timings,
        write: Option<bool>,
    ) -> Result<Made> {
        let mut warnings = Vec::new();
        if compiled.padding > 0 {
            warnings.push(format!(
                "{} page(s) were added to reach the page rule; add content or remove pages to avoid padding",
                compiled.padding
            ));
        }
        let pages = compiled.document.pages().len();
        let findings = preflight::document(&self.root, &self.facts.files, plan, profile, &compiled);
        if findings.iter().any(|f| f.fails(self.strict)) {
            return Err(Error::Preflight { name: plan.name.clone(), findings });
        }
        let mut made = Made {
            name: plan.name.clone(),
            profile,
            pages,
            path: None,
            bytes: 0,
            warnings,
            findings,
            sha256: None,
            also: vec![],
            timings,
        };
        let Some(impose) = write else {
            return Ok(made);
        };
        let mut pdf = document::export(&compiled, &plan.name, profile, ctx.date, ctx.format)?;
        let embeds = std::mem::take(&mut compiled.embeds);
        made.timings.lap("export");
        // The laid-out pages and their decoded figures are no longer needed; outside watch
        // mode Typst's caches (which hold the figures too) are emptied as well.
        drop(compiled);
        if ctx.worlds.is_none() {
            release_caches();
        }
        let failed = |message| Error::Document { name: plan.name.clone(), message };
        if impose && profile == Profile::Print && plan.pages.multiple_of == Some(4) {
            let source = embed::finish(pdf.clone(), &embeds, None).map_err(failed)?;
            let imposed = impose::impose(ctx, &plan.name, source, pages, plan.trim, profile.bleed_mm())?;
            let path = self.output_dir(profile).join(format!("{}-imposed.pdf", plan.name));
            output::write_atomic(&path, &imposed)?;
            made.also.push(path);
        }
        let slug = (profile == Profile::Print).then_some(SLUG_MM);
        pdf = embed::finish(pdf, &embeds, slug).map_err(failed)?;
        made.timings.lap("embed");
        let path = self.output_dir(profile).join(format!("{}.pdf", plan.name));
        if ctx.worlds.is_some() {
            output::write_quick(&path, &pdf)?;
        } else {
            output::write_atomic(&path, &pdf)?;
        }
        made.timings.lap("write");
        made.path = Some(path);
        made.bytes = pdf.len();
        made.sha256 = Some(manifest::sha256(&pdf));
        Ok(made)
    }

    /// The project files a build reads: config, facts, templates and figures.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files = vec![PathBuf::from(config::CONFIG_FILE)];
        files.extend(self.facts.files.iter().cloned());
        let mut dirs: Vec<PathBuf> =
            self.plans.iter().filter_map(|p| p.template.parent().map(Path::to_path_buf)).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            if let Ok(entries) = std::fs::read_dir(self.root.join(&dir)) {
                let mut typ: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "typ") && p.is_file())
                    .filter_map(|p| p.file_name().map(|n| dir.join(n)))
                    .collect();
                typ.sort();
                files.extend(typ);
            }
        }
        files.extend(self.figures.iter().map(|f| f.path.clone()));
        files
    }

    /// Writes `out/<profile>/manifest.json` for the documents made in `profile`.
    fn write_manifest(&self, profile: Profile, made: &[&Made]) -> Result<()> {
        let dir = self.output_dir(profile);
        let outputs = made
            .iter()
            .filter_map(|m| {
                let plan = self.plans.iter().find(|p| p.name == m.name)?;
                Some(manifest::OutputEntry {
                    document: m.name.clone(),
                    path: display_path(m.path.as_deref()?, &self.root),
                    sha256: m.sha256.clone()?,
                    pages: m.pages,
                    trim: plan.trim,
                    bleed: profile.bleed_mm(),
                    standards: profile.standard_names(),
                })
            })
            .collect();
        let (y, mo, d) = self.date;
        let manifest = manifest::Manifest {
            tool: format!("yarlung {}", env!("CARGO_PKG_VERSION")),
            typst: "0.15.1".into(),
            profile: profile.name().into(),
            date: format!("{y:04}-{mo:02}-{d:02}"),
            inputs: manifest::inputs(&self.root, &self.input_files())?,
            outputs,
            warnings: made
                .iter()
                .flat_map(|m| m.warnings.iter().map(|w| format!("{}: {w}", m.name)))
                .collect(),
        };
        manifest.write_merged(&dir.join(manifest::MANIFEST_FILE), &self.root)
    }

    /// Renders the planned documents' pages to `out/preview/<document>-<page>.png`, plus a
    /// contact sheet `out/preview/<document>-sheet.png` of the rendered pages.
    pub fn preview(
        &self,
        options: &Options,
        ppi: f32,
        range: Option<preview::PageRange>,
    ) -> Vec<Result<Made>> {
        let ctx = self.context(options);
        let dir = self.root.join(&self.config.output).join("preview");
        let pairs = self.pairs(options);
        Self::in_pool(options.jobs, || {
            self.compile_all(&ctx, &pairs, true, |profile, plan, compiled, _| {
                let compiled = compiled?;
                let pages = preview::render(&compiled.document, ppi, range);
                for (n, image) in &pages {
                    preview::write_png(&dir.join(format!("{}-{n}.png", plan.name)), image)?;
                }
                let images: Vec<_> = pages.into_iter().map(|(_, image)| image).collect();
                let columns = if images.first().is_some_and(|i| i.width() > i.height()) { 2 } else { 4 };
                let sheet = dir.join(format!("{}-sheet.png", plan.name));
                preview::write_png(&sheet, &preview::contact_sheet(&images, columns))?;
                Ok(Made {
                    name: plan.name.clone(),
                    profile,
                    pages: images.len(),
                    path: Some(sheet),
                    bytes: 0,
                    warnings: vec![],
                    findings: vec![],
                    sha256: None,
                    also: vec![],
                    timings: report::Timings::default(),
                })
            })
        })
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    /// glibc: releases free memory at the top of the heap and inside it.
    fn malloc_trim(pad: usize) -> i32;
    /// glibc: sets an allocator parameter.
    fn mallopt(param: i32, value: i32) -> i32;
}

/// Sets the process's allocator up for a build: blocks of 4 MiB and more (decoded and
/// resampled figures, PDF buffers) get their own mappings, which go back to the system as
/// soon as they are freed. glibc otherwise raises that threshold after the first large
/// block is freed (up to 32 MiB), and the figures of a cold build then pile up in its
/// per-thread heaps: some 20 MB more peak memory for the same work.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's `M_MMAP_THRESHOLD`.
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt only changes allocator parameters; it is called before any thread
        // starts.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 4 << 20);
        }
    }
}

/// The layouts running now; Typst's caches are kept while any is (see [`release_caches`]).
static LAYING_OUT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Empties Typst's caches and hands the freed memory back to the system, so that the next
/// phase of a build (decoded figures, PDF export) does not add to what the last one left.
/// The caches stay while a document is being laid out (a document finished early).
fn release_caches() {
    if LAYING_OUT.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        typst::comemo::evict(0);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}

/// Converts seconds since the Unix epoch to a UTC calendar date.
pub fn civil_date(epoch: i64) -> Option<(i32, u8, u8)> {
    let days = epoch.div_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (1900..=9999).contains(&year).then_some((year as i32, month, day))
}

/// Shows `path` relative to `base` when it lies inside it.
pub fn display_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}
