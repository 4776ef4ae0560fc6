//! The source bundle rebuilds yarlung's pages: each profile's bundle, compiled by Typst as
//! the stock command line does (`--root`, `--font-path fonts --ignore-system-fonts`,
//! `--input facts=…`), renders like the pages yarlung makes.

use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use yarlung::pipeline::{Job, Silent};
use yarlung::{Build, Options, Profile, Project};

use crate::common::Fixture;

/// A World as the stock command line sets it up for a bundle.
struct Stock {
    root: PathBuf,
    main: FileId,
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Stock {
    /// The World compiling `template` of the bundle in `root` with `facts` as input.
    fn new(root: &Path, template: &str, facts: &str) -> Self {
        let mut inputs = Dict::new();
        inputs.insert("facts".into(), facts.into_value());
        let fonts: Vec<Font> = std::fs::read_dir(root.join("fonts"))
            .unwrap()
            .flat_map(|e| {
                Font::iter(Bytes::new(std::fs::read(e.unwrap().path()).unwrap())).collect::<Vec<_>>()
            })
            .collect();
        Self {
            root: root.to_path_buf(),
            main: id(template),
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }
}

/// The id of a root-relative path.
fn id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).unwrap()).intern()
}

impl World for Stock {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        let bytes = self.file(id)?;
        Ok(Source::new(id, String::from_utf8(bytes.to_vec()).map_err(|_| FileError::InvalidUtf8)?))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = self.root.join(id.vpath().get_without_slash());
        std::fs::read(&path).map(Bytes::new).map_err(|e| FileError::from_io(e, &path))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2025, 9, 1)
    }
}

/// How far two renderings of a page differ: the share of pixels whose channels differ by
/// more than 48 (of 255).
fn differing(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions(), "the pages have different sizes");
    let far = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > 48))
        .count();
    far as f64 / f64::from(a.width() * a.height())
}

#[test]
fn the_bundle_of_every_profile_renders_yarlungs_pages() {
    let fixture = Fixture::new();
    for profile in Profile::ALL {
        let dir = fixture.root().join(format!("bundle-{}", profile.name()));
        let run = fixture.run(&[
            "bundle",
            "--profile",
            profile.name(),
            "--only",
            "leaflet-hubei",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let options = Options {
            only: vec!["leaflet-hubei".into()],
            profiles: vec![profile],
            ..Options::new(fixture.root())
        };
        let project = Project::open(&options).unwrap();
        let mut build = Build::new(&project, &options, &Silent);
        build.ctx.late_figures = false;
        for (document, plan) in project.plans.iter().enumerate() {
            let ours = build.figured(Job { document, profile }).unwrap().compiled.document;
            let facts = format!("/facts/{}.json", plan.name);
            let stock = Stock::new(&dir, "templates/leaflet.typ", &facts);
            let theirs = typst::compile::<PagedDocument>(&stock).output.expect("the bundle compiles");
            assert_eq!(ours.pages().len(), theirs.pages().len());
            let ours = yarlung::render::preview::render(&ours, 30.0, None);
            let theirs = yarlung::render::preview::render(&theirs, 30.0, None);
            for ((n, a), (_, b)) in ours.iter().zip(&theirs) {
                let share = differing(a, b);
                assert!(
                    share < 0.01,
                    "{} ({}) page {n}: {:.1} % of pixels differ",
                    plan.name,
                    profile.name(),
                    share * 100.0
                );
            }
        }
    }
}
