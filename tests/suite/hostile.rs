//! Hostile input (issue 7): every bad fact, figure, font or template ends in a clear error
//! with the right exit code, and loses nothing.
//!
//! The corpus is one table, [`CASES`]: a case names a mutation of the example project, the
//! command to run, the exit code and the parts the message must contain (file, then field or
//! figure). Adding a case is one entry. Every case also checks that no PDF of a failed run
//! and no temporary file is left in `out/`, and (through `common::run`) that nothing panicked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{Fixture, Pdf};

/// One hostile input and what yarlung must answer.
struct Case {
    /// A short unique name, printed when the case fails.
    name: &'static str,
    /// Turns the example project into the hostile one.
    setup: fn(&Fixture),
    /// The command; `{root}` stands for the project folder.
    args: &'static [&'static str],
    /// The exit code: 0 accepted, 1 a document failed to compile, 2 bad input.
    code: i32,
    /// Substrings the standard error must contain.
    expect: &'static [&'static str],
}

/// The print PDF a build with `--only leaflet-hubei` writes.
const HUBEI: &[&str] = &["build", "--only", "leaflet-hubei"];
/// A check of one document (writes nothing).
const CHECK_HUBEI: &[&str] = &["check", "--only", "leaflet-hubei"];
/// A check of every document.
const CHECK: &[&str] = &["check"];

/// The province file most cases mutate.
const HUBEI_FACTS: &str = "data/provinces/hubei.yaml";
/// The figure file most figure cases mutate (figure `fig2`, a Hubei figure).
const FIG2: &str = "images/fig2-computing-centre.png";

/// A 900 × 600 PNG with the colour profile `icc` in its `iCCP` chunk.
fn tagged_png(icc: &[u8]) -> Vec<u8> {
    use image::ImageEncoder;
    let image = image::RgbImage::from_fn(900, 600, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 90]));
    let mut out = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
    encoder.set_icc_profile(icc.to_vec()).unwrap();
    encoder.write_image(image.as_raw(), 900, 600, image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// The corpus.
const CASES: &[Case] = &[
    // ---------------------------------------------------------------- YAML syntax and encoding
    Case {
        name: "yaml-syntax-error",
        setup: |f| f.edit(HUBEI_FACTS, "batch: 10", "batch: [10"),
        args: CHECK_HUBEI,
        code: 2,
        expect: &["data/provinces/hubei.yaml:"],
    },
    Case {
        name: "tab-indentation",
        setup: |f| f.edit(HUBEI_FACTS, "\n  talent-jobs:", "\n\ttalent-jobs:"),
        args: CHECK_HUBEI,
        code: 2,
        expect: &["data/provinces/hubei.yaml:13:", "tabs"],
    },
    Case {
        name: "empty-file",
        setup: |f| write(f, HUBEI_FACTS, b""),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml: ", "empty"],
    },
    Case {
        name: "only-comments",
        setup: |f| write(f, "data/figures.yaml", b"# nothing yet\n\n   # still nothing\n"),
        args: CHECK,
        code: 2,
        expect: &["data/figures.yaml: ", "empty"],
    },
    Case {
        name: "invalid-utf8",
        setup: |f| append(f, "data/project.yaml", b"note: \xff\xfe latin-1 \xe9\n"),
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml:", "invalid UTF-8", "save the file as UTF-8"],
    },
    Case {
        name: "utf8-bom-is-accepted",
        setup: |f| {
            let mut bytes = b"\xef\xbb\xbf".to_vec();
            bytes.extend(read(f, HUBEI_FACTS));
            write(f, HUBEI_FACTS, &bytes);
            let mut config = b"\xef\xbb\xbf".to_vec();
            config.extend(read(f, "yarlung.yaml"));
            write(f, "yarlung.yaml", &config);
        },
        args: HUBEI,
        code: 0,
        expect: &["wrote out/print/leaflet-hubei.pdf"],
    },
    Case {
        name: "two-yaml-documents",
        setup: |f| append(f, HUBEI_FACTS, b"---\nid: hubei\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:", "more than one YAML document"],
    },
    // ---------------------------------------------------------------- types and keys
    Case {
        name: "wrong-type-number",
        setup: |f| f.edit("data/provinces/hunan.yaml", "value: 136", "value: many"),
        args: CHECK,
        code: 2,
        expect: &[
            "data/provinces/hunan.yaml:",
            "field `results.talent-jobs.metrics[0].value`",
            "expected a number",
        ],
    },
    Case {
        name: "wrong-type-whole-number",
        setup: |f| f.edit(HUBEI_FACTS, "batch: 10", "batch: tenth"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:7:", "field `batch`", "whole number"],
    },
    Case {
        name: "wrong-type-mapping",
        setup: |f| f.edit("yarlung.yaml", "trim: { width: 297, height: 210 }", "trim: A4"),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml:", "field `documents[1].trim`"],
    },
    Case {
        name: "missing-value",
        setup: |f| f.edit(HUBEI_FACTS, "name: 湖北\n", "name:\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:", "field `name`", "missing"],
    },
    Case {
        name: "unknown-key-config",
        setup: |f| f.edit("yarlung.yaml", "output: out", "output: out\ncolour: red"),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml:", "colour"],
    },
    Case {
        name: "unknown-key-facts",
        setup: |f| f.edit(HUBEI_FACTS, "slogan:", "motto: 荆楚\nslogan:"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:", "unknown field `motto`", "slogan"],
    },
    Case {
        name: "missing-key",
        setup: |f| f.edit(HUBEI_FACTS, "slogan: 荆楚情 雅砻心\n", ""),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:", "missing field `slogan`"],
    },
    Case {
        name: "duplicate-key",
        setup: |f| f.edit(HUBEI_FACTS, "order: 1\n", "order: 1\norder: 2\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml:4:", "`order` appears twice"],
    },
    Case {
        name: "province-id-mismatch",
        setup: |f| f.edit(HUBEI_FACTS, "id: hubei", "id: hubie"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml", "field `id`", "hubie"],
    },
    // ---------------------------------------------------------------- numbers
    Case {
        name: "negative-metric",
        setup: |f| f.edit(HUBEI_FACTS, "value: 15\n", "value: -15\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml", "field `results.talent-jobs.metrics[0].value`", "≥ 0"],
    },
    Case {
        name: "nan-metric",
        setup: |f| f.edit(HUBEI_FACTS, "value: 15\n", "value: .nan\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml", "field `results.talent-jobs.metrics[0].value`"],
    },
    Case {
        name: "metric-overflows-with-scale",
        setup: |f| f.edit(HUBEI_FACTS, "value: 1.7\n", "value: 1e308\n"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml", "field `results.industry.metrics[0].value`", "10^15"],
    },
    // ---------------------------------------------------------------- budgets
    Case {
        name: "file-over-1-mb",
        setup: |f| append(f, "data/project.yaml", format!("xx: {}\n", "a".repeat(2 << 20)).as_bytes()),
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml: ", "limited to 1048576 bytes"],
    },
    Case {
        name: "alias-amplification",
        setup: |f| {
            // A 600 kB anchor used 999 times would be 600 MB of text.
            let refs = vec!["*big"; 999].join(", ");
            let text = read_string(f, "data/project.yaml");
            let text = replace_block(&text, "headline:", &format!("headline: [{refs}]"));
            let text = replace_block(&text, "title:", "");
            let text = format!("title: &big {}\n{text}", "长".repeat(200_000));
            write(f, "data/project.yaml", text.as_bytes());
        },
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml:", "field `headline`", "2 MB"],
    },
    Case {
        name: "too-many-aliases",
        setup: |f| {
            let refs = vec!["*t"; 1100].join(", ");
            let text = read_string(f, "data/project.yaml");
            let text = replace_block(&text, "headline:", &format!("headline: [{refs}]"));
            write(f, "data/project.yaml", text.replacen("\ntitle: ", "\ntitle: &t ", 1).as_bytes());
        },
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml:", "aliases"],
    },
    Case {
        name: "billion-laughs",
        setup: |f| {
            let mut bomb = String::from("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
            for i in 1..10 {
                let refs = vec![format!("*l{}", i - 1); 9].join(", ");
                bomb.push_str(&format!("lol{i}: &l{i} [{refs}]\n"));
            }
            bomb.push_str("headline: *l9\n");
            let text = read_string(f, "data/project.yaml");
            write(f, "data/project.yaml", (bomb + &replace_block(&text, "headline:", "")).as_bytes());
        },
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml:1:", "lol0"],
    },
    Case {
        name: "deep-flow-nesting",
        setup: |f| {
            let text = read_string(f, "data/project.yaml");
            let deep = format!("headline: {}{}", "[".repeat(5000), "]".repeat(5000));
            write(f, "data/project.yaml", replace_block(&text, "headline:", &deep).as_bytes());
        },
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml:", "field `headline`", "nested too deep"],
    },
    Case {
        name: "long-caption-is-over-full",
        setup: |f| {
            let caption = "湖北援藏企业西藏雅江计算科技有限公司的“雅江1号”智算中心机房。";
            f.edit("data/figures.yaml", caption, &"长".repeat(5000));
        },
        args: HUBEI,
        code: 1,
        expect: &["leaflet-hubei", "do not fit", "mm too much"],
    },
    // ---------------------------------------------------------------- references between facts
    Case {
        name: "unknown-province",
        setup: |f| f.edit("data/figures.yaml", "province: hubei", "province: tibet"),
        args: CHECK,
        code: 2,
        expect: &[
            "data/figures.yaml",
            "field `[1].province`",
            "unknown province `tibet`",
            "anhui, hubei, hunan",
        ],
    },
    Case {
        name: "unknown-section",
        setup: |f| f.edit("data/figures.yaml", "section: industry", "section: sports"),
        args: CHECK,
        code: 2,
        expect: &["data/figures.yaml", "field `[0].section`", "unknown section `sports`"],
    },
    Case {
        name: "unknown-theme",
        setup: |f| f.edit(HUBEI_FACTS, "\n  health:", "\n  sports:"),
        args: CHECK,
        code: 2,
        expect: &["data/provinces/hubei.yaml", "field `results.sports`", "unknown theme `sports`"],
    },
    Case {
        name: "unknown-headline-metric",
        setup: |f| f.edit("data/project.yaml", "hunan.talent-jobs.trainees", "hunan.talent-jobs.nobody"),
        args: CHECK,
        code: 2,
        expect: &["data/project.yaml", "field `headline[1]`", "hunan.talent-jobs.nobody"],
    },
    Case {
        name: "figure-without-file",
        setup: |f| f.edit("yarlung.yaml", "  fig7: images/fig7-chili-farm.png\n", ""),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `figures.fig7`", "no file"],
    },
    // ---------------------------------------------------------------- colour profiles
    Case {
        name: "figure-in-adobe-rgb",
        setup: |f| write(f, FIG2, &tagged_png(&moxcms::ColorProfile::new_adobe_rgb().encode().unwrap())),
        args: HUBEI,
        code: 0,
        expect: &["wrote out/print/leaflet-hubei.pdf"],
    },
    Case {
        name: "figure-in-prophoto",
        setup: |f| write(f, FIG2, &tagged_png(&moxcms::ColorProfile::new_pro_photo_rgb().encode().unwrap())),
        args: HUBEI,
        code: 0,
        expect: &["wrote out/print/leaflet-hubei.pdf"],
    },
    Case {
        name: "figure-with-broken-profile",
        setup: |f| {
            write(
                f,
                FIG2,
                &tagged_png(&[b"\0\0\0\xc8".as_slice(), &[0; 12], b"RGB ", &[0; 16], b"acsp"].concat()),
            )
        },
        args: HUBEI,
        code: 0,
        expect: &["figure `fig2`", "colour profile cannot be read", "taken as sRGB"],
    },
    // ---------------------------------------------------------------- figure paths
    Case {
        name: "figure-file-missing",
        setup: |f| std::fs::remove_file(f.root().join(FIG2)).unwrap(),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `figures.fig2`", "cannot be opened"],
    },
    Case {
        name: "figure-path-climbs-out",
        setup: |f| f.edit("yarlung.yaml", FIG2, "../fig2.png"),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `figures.fig2`", "inside the project"],
    },
    Case {
        name: "figure-path-absolute",
        setup: |f| f.edit("yarlung.yaml", FIG2, "/etc/passwd"),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `figures.fig2`", "inside the project"],
    },
    Case {
        name: "figure-symlink-outside",
        setup: |f| {
            let link = f.root().join(FIG2);
            std::fs::remove_file(&link).unwrap();
            std::os::unix::fs::symlink(crate::common::repo().join(FIG2), &link).unwrap();
        },
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `figures.fig2`", "outside the project"],
    },
    Case {
        name: "template-path-climbs-out",
        setup: |f| f.edit("yarlung.yaml", "templates/leaflet.typ", "templates/../../leaflet.typ"),
        args: CHECK,
        code: 2,
        expect: &["yarlung.yaml", "field `documents[1].template`", "inside the project"],
    },
    // ---------------------------------------------------------------- figure contents
    Case {
        name: "image-zero-bytes",
        setup: |f| write(f, FIG2, b""),
        args: CHECK,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "empty"],
    },
    Case {
        name: "image-truncated",
        setup: |f| {
            let bytes = read(f, FIG2);
            write(f, FIG2, &bytes[..bytes.len() / 3]);
        },
        args: CHECK_HUBEI,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "damaged or incomplete"],
    },
    Case {
        name: "image-corrupt",
        setup: |f| {
            let mut bytes = read(f, FIG2);
            for byte in bytes.iter_mut().skip(200).step_by(7) {
                *byte ^= 0x55;
            }
            write(f, FIG2, &bytes);
        },
        args: CHECK_HUBEI,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "damaged"],
    },
    Case {
        name: "image-header-100000-square",
        setup: |f| write(f, FIG2, &png_header(100_000, 100_000)),
        args: CHECK,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "100000 × 100000 px", "30000"],
    },
    Case {
        name: "image-decompression-bomb",
        setup: |f| write(f, FIG2, &png_header(20_000, 20_000)),
        args: CHECK,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "megapixels", "scale it down"],
    },
    Case {
        name: "text-named-png",
        setup: |f| write(f, FIG2, b"this is not a picture\n"),
        args: CHECK,
        code: 2,
        expect: &[FIG2, "figure `fig2`", "not a JPEG or PNG"],
    },
    Case {
        name: "jpeg-named-png-is-read-as-jpeg",
        setup: |f| write(f, FIG2, &jpeg(64, 48)),
        args: CHECK,
        code: 0,
        expect: &[
            FIG2,
            "figure `fig2`",
            "holds JPEG data but its name ends in `.png`",
            "read as what it holds",
        ],
    },
    Case {
        name: "jpeg-named-jpg-is-accepted",
        setup: |f| {
            write(f, "images/photo.jpg", &jpeg(1200, 800));
            f.edit("yarlung.yaml", FIG2, "images/photo.jpg");
        },
        args: HUBEI,
        code: 0,
        expect: &["wrote out/print/leaflet-hubei.pdf"],
    },
    // ---------------------------------------------------------------- fonts
    Case {
        name: "font-folder-missing",
        setup: |_| {},
        args: &["check", "--only", "leaflet-hubei", "--font-path", "{root}/no-such-fonts"],
        code: 2,
        expect: &["no-such-fonts", "does not exist", "--font-path"],
    },
    Case {
        name: "font-path-is-a-file",
        setup: |_| {},
        args: &["check", "--only", "leaflet-hubei", "--font-path", "{root}/yarlung.yaml"],
        code: 2,
        expect: &["yarlung.yaml", "not a folder"],
    },
    Case {
        name: "font-garbage",
        setup: |f| write(f, "fonts/Bad.ttf", b"not a font at all"),
        args: &["check", "--only", "leaflet-hubei", "--font-path", "{root}/fonts"],
        code: 2,
        expect: &["fonts/Bad.ttf", "not a usable font"],
    },
    Case {
        name: "font-truncated",
        setup: |f| {
            let font = std::fs::read(crate::common::repo().join("fonts/NotoSansCJKsc-Regular.otf")).unwrap();
            write(f, "fonts/sub/Truncated.otf", &font[..6000]);
        },
        args: &["check", "--only", "leaflet-hubei", "--font-path", "{root}/fonts"],
        code: 2,
        expect: &["fonts/sub/Truncated.otf", "damaged"],
    },
    // ---------------------------------------------------------------- templates
    Case {
        name: "template-missing",
        setup: |f| std::fs::remove_file(f.root().join("templates/leaflet.typ")).unwrap(),
        args: CHECK_HUBEI,
        code: 2,
        expect: &["yarlung.yaml", "templates/leaflet.typ", "does not exist"],
    },
    Case {
        name: "template-is-a-folder",
        setup: |f| {
            std::fs::remove_file(f.root().join("templates/leaflet.typ")).unwrap();
            std::fs::create_dir(f.root().join("templates/leaflet.typ")).unwrap();
        },
        args: CHECK_HUBEI,
        code: 2,
        expect: &["yarlung.yaml", "templates/leaflet.typ", "is a folder"],
    },
    Case {
        name: "output-folder-is-a-file",
        setup: |f| write(f, "out", b"not a folder\n"),
        args: HUBEI,
        code: 2,
        expect: &["out: ", "is a file where yarlung writes an output folder", "output:"],
    },
    Case {
        name: "template-syntax-error",
        setup: |f| prepend(f, "templates/leaflet.typ", "#let = 1\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:1:", "document `leaflet-hubei`"],
    },
    Case {
        name: "template-assert-fails",
        setup: |f| prepend(f, "templates/leaflet.typ", "#assert(1 == 2, message: \"boom\")\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:1:", "boom"],
    },
    Case {
        name: "template-while-true",
        setup: |f| prepend(f, "templates/leaflet.typ", "#while true {}\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:1:", "always true"],
    },
    Case {
        name: "template-endless-loop",
        setup: |f| prepend(f, "templates/leaflet.typ", "#let i = 0\n#while i >= 0 { i += 1 }\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:2:", "infinite"],
    },
    Case {
        name: "template-unbounded-recursion",
        setup: |f| prepend(f, "templates/leaflet.typ", "#let f(n) = f(n + 1)\n#f(0)\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:1:", "maximum function call depth"],
    },
    Case {
        name: "template-recursive-show",
        setup: |f| prepend(f, "templates/leaflet.typ", "#show heading: it => heading(it.body)\n= x\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ", "document `leaflet-hubei`"],
    },
    Case {
        name: "template-reads-outside",
        setup: |f| prepend(f, "templates/leaflet.typ", "#read(\"../../../../../../../etc/passwd\")\n"),
        args: HUBEI,
        code: 1,
        expect: &["templates/leaflet.typ:1:", "document `leaflet-hubei`"],
    },
    Case {
        name: "template-invalid-utf8",
        setup: |f| append(f, "templates/leaflet.typ", b"\n\xff\xfe\n"),
        args: HUBEI,
        code: 1,
        expect: &["UTF-8", "templates/leaflet.typ"],
    },
];

#[test]
fn corpus_has_enough_distinct_cases() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len(), "case names must be unique");
    assert!(CASES.len() >= 30);
}

#[test]
fn hostile_inputs_end_in_clear_errors() {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 6);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(case) = CASES.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = std::panic::catch_unwind(|| check(case));
                    let problem = match outcome {
                        Ok(Ok(())) => continue,
                        Ok(Err(problem)) => problem,
                        Err(panic) => panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default(),
                    };
                    failures.lock().unwrap().push(format!("case `{}`: {problem}", case.name));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// Runs one case and checks everything it promises.
fn check(case: &Case) -> Result<(), String> {
    let fixture = Fixture::new();
    (case.setup)(&fixture);
    let inputs = inputs(fixture.root());
    let root = fixture.root().to_str().unwrap().to_owned();
    let args: Vec<String> = case.args.iter().map(|a| a.replace("{root}", &root)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = fixture.run(&args);
    let stderr = &run.stderr;
    if run.code != case.code {
        return Err(format!("exit code {} instead of {}:\n{stderr}", run.code, case.code));
    }
    for part in case.expect {
        if !stderr.contains(part) {
            return Err(format!("the message lacks {part:?}:\n{stderr}"));
        }
    }
    if stderr.contains("stack backtrace") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("a backtrace was printed:\n{stderr}"));
    }
    if case.code != 0 && !stderr.lines().any(|l| l.starts_with("error: ")) {
        return Err(format!("no line starts with `error: `:\n{stderr}"));
    }
    let out = files(&fixture.root().join("out"));
    if let Some(tmp) =
        out.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".yarlung-")))
    {
        return Err(format!("temporary file left behind: {}", tmp.display()));
    }
    let pdfs: Vec<&PathBuf> = out.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    match (case.code, args[0]) {
        (0, "build") => {
            let pdf = fixture.pdf("leaflet-hubei");
            let bytes = std::fs::read(&pdf).map_err(|e| format!("{}: {e}", pdf.display()))?;
            if !valid_pdf(&bytes) {
                return Err("the PDF written is not complete".into());
            }
        }
        (0, _) => {}
        _ if !pdfs.is_empty() => return Err(format!("a failed run left PDFs: {pdfs:?}")),
        _ => {}
    }
    if self::inputs(fixture.root()) != inputs {
        return Err("the project's input files were changed".into());
    }
    Ok(())
}

// -------------------------------------------------------------------- literal data

#[test]
fn facts_print_literally_in_every_field() {
    let fixture = Fixture::new();
    let anhui = "data/provinces/anhui.yaml";
    // Typst markup, code, math, labels, references, raw, escapes and quotes: facts are data.
    // Each value is (file, original line, YAML value, the text the PDF must show).
    let values = [
        (anhui, "title: 干部跟岗学习", r#"'#panic("x")标题'"#, r#"#panic("x")标题"#),
        (
            anhui,
            "slogan: 皖藏同心 雪域同行",
            r#"']#read("/etc/passwd")[口号'"#,
            r#"]#read("/etc/passwd")[口号"#,
        ),
        (
            anhui,
            "text: 组织百名优秀村（社区）干部赴皖跟岗学习，并开办山南市基层干部美丽乡村建设等专题培训。",
            r#"'$x$ <l> @r *b* `r` \ " _i_ 正文'"#,
            r#"$x$<l>@r*b*`r`\"_i_正文"#,
        ),
        (anhui, "label: 培训山南干部", "'<lab> @ref 标签'", "<lab>@ref标签"),
        (anhui, "unit: 人次\n        qualifier: 多", "'`u`\\'\n        qualifier: 多", "`u`\\"),
        (
            "data/figures.yaml",
            "caption: 安徽援藏干部人才招引建设的措美哲古风电场。",
            "'= 图注 #strong[x] // c /* d */ ~ -- ...'",
            "=图注#strong[x]//c/*d*/~--...",
        ),
    ];
    for (file, line, value, _) in values {
        let (key, _) = line.split_once(": ").unwrap();
        let rest = line.split_once('\n').map_or(String::new(), |(_, rest)| format!("\n{rest}"));
        let value = value.split_once('\n').map_or(value, |(v, _)| v);
        fixture.edit(file, line, &format!("{key}: {value}{rest}"));
    }
    // The Chinese edition: a changed unit leaves its Tibetan translation translating nothing.
    let run = fixture.run(&["build", "--only", "leaflet-anhui", "--edition", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = Pdf::open(&fixture.pdf("leaflet-anhui")).text();
    for (_, _, _, printed) in values {
        assert!(text.contains(printed), "literal text {printed:?} missing; got {text}");
    }
}

// -------------------------------------------------------------------- nothing lost

#[test]
fn failed_builds_keep_good_pdfs_and_inputs() {
    let fixture = Fixture::new();
    let first = fixture.run(&["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let inputs = snapshot(fixture.root());
    let good = snapshot(&fixture.root().join("out"));
    assert!(good.keys().filter(|p| p.extension().is_some_and(|e| e == "pdf")).count() >= 4);
    /// A way to break the project, and the exit code it must cause.
    type Breakage = (&'static str, fn(&Fixture), i32);
    let breakages: [Breakage; 4] = [
        ("template", |f| prepend(f, "templates/leaflet.typ", "#let = \n"), 1),
        ("facts", |f| f.edit(HUBEI_FACTS, "batch: 10", "batch: [10"), 2),
        ("figure", |f| write(f, FIG2, b"\x89PNG\r\n\x1a\n truncated"), 2),
        ("brochure-only", |f| prepend(f, "templates/brochure.typ", "#assert(false, message: \"no\")\n"), 1),
    ];
    for (what, breakage, code) in breakages {
        let broken = Fixture::new();
        copy_tree(&fixture.root().join("out"), &broken.root().join("out"));
        breakage(&broken);
        let before = snapshot(broken.root());
        let run = broken.run(&["build"]);
        assert_eq!(run.code, code, "{what}: {}", run.stderr);
        let after = snapshot(broken.root());
        for (path, bytes) in &before {
            assert_eq!(after.get(path), Some(bytes), "{what}: {} changed", path.display());
        }
        let new: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).collect();
        if what == "brochure-only" {
            // The leaflets still build (and are replaced atomically); nothing else appears.
            assert!(new.iter().all(|p| p.extension().is_some_and(|e| e == "pdf" || e == "json")), "{new:?}");
        } else {
            assert!(new.is_empty(), "{what}: new files {new:?}");
        }
        assert!(
            !after.keys().any(|p| p.to_string_lossy().contains(".yarlung-")),
            "{what}: temporary files left behind"
        );
    }
    // The successful build itself changed no input.
    let mut now = snapshot(fixture.root());
    now.retain(|p, _| !p.starts_with("out"));
    let mut was = inputs;
    was.retain(|p, _| !p.starts_with("out"));
    assert_eq!(now, was, "a build changed the project's inputs");
}

#[test]
fn concurrent_builds_leave_valid_pdfs() {
    let fixture = Fixture::new();
    let inputs = snapshot(fixture.root());
    let root = fixture.root().to_str().unwrap().to_owned();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_yarlung"))
                .args(["build", "--project", &root])
                .env_remove("SOURCE_DATE_EPOCH")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn yarlung")
        })
        .collect();
    for child in runs {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        // Both succeed, or one fails cleanly (exit 1 with a message) — never a crash.
        assert!(
            out.status.code() == Some(0) || (out.status.code() == Some(1) && stderr.contains("error: ")),
            "{stderr}"
        );
    }
    let out = files(&fixture.root().join("out"));
    assert!(!out.iter().any(|p| p.to_string_lossy().contains(".yarlung-")), "temporary files left: {out:?}");
    for name in ["brochure", "leaflet-hubei", "leaflet-hunan", "leaflet-anhui"] {
        let bytes = std::fs::read(fixture.pdf(name)).unwrap();
        assert!(valid_pdf(&bytes), "{name}.pdf is not a complete PDF");
    }
    let mut now = snapshot(fixture.root());
    now.retain(|p, _| !p.starts_with("out"));
    assert_eq!(now, inputs);
}

#[test]
fn long_running_template_ends_at_the_deadline() {
    let fixture = Fixture::new();
    let good = fixture.run(&["build", "--only", "leaflet-hubei"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    let before = std::fs::read(fixture.pdf("leaflet-hubei")).unwrap();
    // Typst bounds `while` loops and recursion, but not a `for` loop over a huge range.
    prepend(&fixture, "templates/leaflet.typ", "#let s = 0\n#for i in range(1000000000) { s += 1 }\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(["build", "--only", "leaflet-hubei", "--project", fixture.root().to_str().unwrap()])
        .env("YARLUNG_COMPILE_TIMEOUT", "2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("document `leaflet-hubei`: templates/leaflet.typ did not finish compiling within 2 s"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(fixture.pdf("leaflet-hubei")).unwrap(), before);
    let out = files(&fixture.root().join("out"));
    assert!(!out.iter().any(|p| p.to_string_lossy().contains(".yarlung-")), "temporary files left: {out:?}");
}

// -------------------------------------------------------------------- YAML budgets, directly

#[test]
fn yaml_budgets_stop_bombs_quickly() {
    let name = Path::new("bomb.yaml");
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    let deep_flow = format!("x: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_block: String = (0..200).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
    let deep_map: String = (0..200).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect();
    let many_docs = "a: 1\n---\na: 2\n".to_string();
    for (what, yaml, expect) in [
        ("billion laughs", laughs, "aliases counted"),
        ("deep flow", deep_flow, "deep"),
        ("deep block sequence", deep_block, "deep"),
        ("deep mapping", deep_map, "deep"),
        ("documents", many_docs, "more than one YAML document"),
    ] {
        let error =
            yarlung::project::yaml::parse::<serde_json::Value>(name, yaml.as_bytes()).expect_err(what);
        let message = error.to_string();
        assert!(message.starts_with("bomb.yaml"), "{what}: {message}");
        assert!(message.contains(expect), "{what}: {message}");
    }
}

// -------------------------------------------------------------------- helpers

/// Reads a project file.
fn read(f: &Fixture, rel: &str) -> Vec<u8> {
    std::fs::read(f.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Reads a project file as text.
fn read_string(f: &Fixture, rel: &str) -> String {
    String::from_utf8(read(f, rel)).unwrap()
}

/// Writes a project file, creating its folder.
fn write(f: &Fixture, rel: &str, bytes: &[u8]) {
    let path = f.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Appends bytes to a project file.
fn append(f: &Fixture, rel: &str, bytes: &[u8]) {
    let mut all = read(f, rel);
    all.extend_from_slice(bytes);
    write(f, rel, &all);
}

/// Puts text before a project file's content.
fn prepend(f: &Fixture, rel: &str, text: &str) {
    let mut all = text.as_bytes().to_vec();
    all.extend(read(f, rel));
    write(f, rel, &all);
}

/// Replaces the top-level entry `key` (its line and the indented lines below it) with `with`.
fn replace_block(text: &str, key: &str, with: &str) -> String {
    let mut out = Vec::new();
    let (mut inside, mut found) = (false, false);
    for line in text.lines() {
        if !found && (line == key || line.starts_with(&format!("{key} "))) {
            (inside, found) = (true, true);
            out.push(with.to_string());
        } else if !(inside && (line.starts_with(' ') || line.starts_with('-'))) {
            inside = false;
            out.push(line.to_string());
        }
    }
    assert!(found, "no entry {key:?}");
    out.join("\n") + "\n"
}

/// Every file under `dir` (recursively), empty when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The contents of every file under `root`, by relative path.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(root)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p.strip_prefix(root).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// The contents of the project's input files: everything but `out/`.
fn inputs(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = snapshot(root);
    all.retain(|path, _| !path.starts_with("out"));
    all
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    for file in files(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, target).unwrap();
    }
}

/// Whether `bytes` look like a whole PDF: the header and, near the end, `%%EOF`.
fn valid_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(32)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

/// A PNG that declares `width` × `height` RGB pixels but holds only one empty row of data:
/// the shape of a decompression bomb, without the bytes.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    // A stored (uncompressed) zlib stream of one zero byte.
    let idat = [0x78, 0x01, 0x01, 0x01, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x01, 0x00, 0x01];
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &idat), (b"IEND", &[])] {
        png.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend(&body);
        png.extend(crc32(&body).to_be_bytes());
    }
    png
}

/// The CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A grey JPEG of the given size.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&image)
        .expect("encode JPEG");
    bytes
}
