//! The command line around the build: `init`, `completions`, `manpage`, `watch`, and the
//! closing table of a build.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Fixture, run};

/// Runs the binary with `args` and returns (exit code, standard output, standard error).
fn output(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(args)
        .env_remove("YARLUNG_PROJECT")
        .env_remove("YARLUNG_FONT_PATHS")
        .output()
        .expect("run yarlung");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_creates_a_project_that_builds_and_refuses_a_non_empty_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("new");
    let project = project.to_str().expect("utf-8 temp path");
    let made = run(&["init", project]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let built = run(&["build", "--project", project]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    // The placeholder figure is good enough for print where it is placed.
    assert!(!built.stderr.contains("ppi"), "{}", built.stderr);
    for name in ["brochure", "leaflet-hubei"] {
        let pdf = Path::new(project).join(format!("out/print/{name}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
    }
    let again = run(&["init", project]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
}

#[test]
fn completions_and_manpage_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, stderr) = output(&["completions", shell]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("watch") && stdout.contains("profile"), "{shell}: {stdout}");
    }
    let (code, stdout, stderr) = output(&["manpage"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(".TH yarlung") && stdout.contains("watch"), "{stdout}");
}

#[test]
fn a_build_ends_with_a_table_and_prints_timings_on_request() {
    let fixture = Fixture::new();
    let run = fixture.run(&["check", "--timings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ok brochure"), "{}", run.stderr);
    assert!(run.stderr.contains("document") && run.stderr.contains("warnings"), "{}", run.stderr);
    assert!(run.stderr.contains("timings: leaflet-hubei (print): layout"), "{}", run.stderr);
    let quiet = fixture.run(&["check", "--quiet"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("ok brochure"), "{}", quiet.stderr);
}

/// The modification time and length of `path`, when it exists.
fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Polls until `path` exists with a stamp other than `before`, for at most 90 s.
fn wait_for_change(path: &Path, before: Option<(std::time::SystemTime, u64)>) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(90) {
        let now = stamp(path);
        if now.is_some() && now != before {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn watch_rebuilds_after_an_edit_and_survives_a_broken_one() {
    let fixture = Fixture::new();
    let root = fixture.root().to_str().expect("utf-8 temp path").to_owned();
    let log = fixture.root().join("watch.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(["watch", "--only", "leaflet-hubei", "--project", &root])
        .env_remove("YARLUNG_PROJECT")
        .env_remove("YARLUNG_FONT_PATHS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start yarlung watch");
    let pdf = fixture.pdf("leaflet-hubei");
    let first = wait_for_change(&pdf, None);
    // Give the watcher a moment to be set up after the first build.
    let ready = Instant::now();
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("watching")
        && ready.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let before = stamp(&pdf);
    let good = std::fs::read(&pdf).unwrap_or_default();
    // A broken save: an error is printed, the PDF stays.
    fixture.edit("data/provinces/hubei.yaml", "value: 15", "value: \"broken");
    let errored = Instant::now();
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("error:")
        && errored.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let kept = std::fs::read(&pdf).unwrap_or_default() == good;
    // The fix: the leaflet is rebuilt with the new number.
    fixture.edit("data/provinces/hubei.yaml", "value: \"broken", "value: 16");
    let rebuilt = wait_for_change(&pdf, before);
    child.kill().ok();
    child.wait().ok();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(first, "the first build wrote no PDF:\n{log}");
    assert!(log.contains("error: data/provinces/hubei.yaml:"), "the broken save printed no error:\n{log}");
    assert!(kept, "the broken save changed the last good PDF:\n{log}");
    assert!(rebuilt, "the edit was not rebuilt:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
    // The rebuild (laid out from what the last one found) is the PDF a fresh build makes.
    let watched = std::fs::read(&pdf).unwrap_or_default();
    let fresh = fixture.run(&["build", "--only", "leaflet-hubei", "--quiet"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert!(
        std::fs::read(&pdf).unwrap_or_default() == watched,
        "the watched rebuild differs from a fresh build"
    );
}

#[test]
fn env_vars_name_the_project_and_font_folders() {
    let fixture = Fixture::new();
    let check = |fonts: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_yarlung"));
        command
            .args(["check", "--only", "leaflet-hubei", "--quiet"])
            .env("YARLUNG_PROJECT", fixture.root())
            .env_remove("YARLUNG_FONT_PATHS")
            .current_dir(std::env::temp_dir());
        if let Some(fonts) = fonts {
            command.env("YARLUNG_FONT_PATHS", fonts);
        }
        command.output().expect("run yarlung")
    };
    let ok = check(None);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let missing = check(Some("/nonexistent-yarlung-fonts"));
    assert_eq!(missing.status.code(), Some(2), "{}", String::from_utf8_lossy(&missing.stderr));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent-yarlung-fonts"));
}

#[cfg(unix)]
#[test]
fn outputs_get_the_mode_the_umask_gives_new_files() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new();
    let root = fixture.root().to_str().expect("utf-8 path").to_owned();
    for (umask, expected) in [("022", 0o644), ("027", 0o640)] {
        let script =
            format!("umask {umask} && exec \"$0\" build --quiet --only leaflet-hubei --project \"$1\"",);
        let status = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_yarlung"), &root])
            .env_remove("SOURCE_DATE_EPOCH")
            .status()
            .expect("runs");
        assert!(status.success());
        for file in ["out/print/leaflet-hubei.pdf", "out/print/manifest.json"] {
            let mode = std::fs::metadata(fixture.root().join(file)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, expected, "{file} under umask {umask}: {mode:o}");
        }
    }
}
