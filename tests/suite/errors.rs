//! Bad input ends in a clear message and the right exit code, and loses nothing.

use crate::common::{Fixture, Pdf, run};

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let fixture = Fixture::new();
    fixture.edit("data/provinces/hubei.yaml", "batch: 10", "batch: [10");
    let run = fixture.run(&["build", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("data/provinces/hubei.yaml:"), "{}", run.stderr);
    assert!(!fixture.pdf("leaflet-hubei").exists());
}

#[test]
fn wrong_type_names_file_line_and_field() {
    let fixture = Fixture::new();
    fixture.edit("data/provinces/hunan.yaml", "value: 136", "value: many");
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(line.starts_with("error: data/provinces/hunan.yaml:"), "{}", run.stderr);
    assert!(line.contains("results.talent-jobs.metrics[0].value"), "{}", run.stderr);
}

#[test]
fn unknown_key_is_rejected() {
    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "output: out", "output: out\ncolour: red");
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("yarlung.yaml:") && run.stderr.contains("colour"), "{}", run.stderr);
}

#[test]
fn unknown_document_lists_the_documents() {
    let fixture = Fixture::new();
    let run = fixture.run(&["build", "--only", "poster"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "no document named `poster`; the documents are: brochure, brochure.bo-zh, leaflet-hubei, \
             leaflet-hubei.bo-zh, leaflet-hunan, leaflet-hunan.bo-zh, leaflet-anhui, leaflet-anhui.bo-zh"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn figure_outside_the_project_is_refused() {
    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "images/fig2-computing-centre.png", "../fig2.png");
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("field `documents") || run.stderr.contains("field `figures.fig2`"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_cannot_read_outside_the_root() {
    let fixture = Fixture::new();
    std::fs::write(fixture.root().join("templates/escape.typ"), "#read(\"../../../../../../etc/hostname\")")
        .unwrap();
    fixture.edit("yarlung.yaml", "templates/brochure.typ", "templates/escape.typ");
    let run = fixture.run(&["build", "--only", "brochure"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("templates/escape.typ"), "{}", run.stderr);
    assert!(!fixture.pdf("brochure").exists());
}

#[test]
fn failed_build_keeps_the_previous_pdf() {
    let fixture = Fixture::new();
    let first = fixture.run(&["build", "--only", "leaflet-anhui"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let good = std::fs::read(fixture.pdf("leaflet-anhui")).unwrap();
    std::fs::write(fixture.root().join("templates/leaflet.typ"), "#let x = (\n").unwrap();
    let second = fixture.run(&["build", "--only", "leaflet-anhui"]);
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(second.stderr.contains("templates/leaflet.typ:"), "{}", second.stderr);
    assert_eq!(std::fs::read(fixture.pdf("leaflet-anhui")).unwrap(), good);
    let stray: Vec<_> = std::fs::read_dir(fixture.root().join("out/print"))
        .unwrap()
        .flatten()
        .filter(|e| {
            !["leaflet-anhui.pdf", "leaflet-anhui.bo-zh.pdf", "manifest.json"]
                .contains(&e.file_name().to_str().unwrap_or(""))
        })
        .collect();
    assert!(stray.is_empty(), "temporary files left behind");
}

#[test]
fn facts_print_literally() {
    let fixture = Fixture::new();
    let tricky = r##"#panic("x") ]#read("/etc/passwd")[ $x$ <l> @r *b* \ "##;
    fixture.edit("data/provinces/anhui.yaml", "title: 干部跟岗学习", &format!("title: '{tricky}'"));
    let run = fixture.run(&["build", "--only", "leaflet-anhui"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = Pdf::open(&fixture.pdf("leaflet-anhui")).text();
    let expected: String = tricky.split_whitespace().collect();
    assert!(text.contains(&expected), "literal text missing; got {text}");
}

#[test]
fn help_exists_for_every_command() {
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_yarlung")).args(args).output().unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: yarlung"));
    }
    assert_eq!(run(&["build", "--profile", "poster"]).code, 2);
}
