//! The Tibetan–Chinese edition at the region's standard, read from the laid-out frames and
//! the PDFs: Tibetan never smaller than the Chinese it translates, no line that starts with
//! a shad or a tsheg, and every highlight a bilingual leaflet shows in both languages.

use std::path::PathBuf;

use typst::layout::{FrameItem, Point, Transform};
use yarlung::pipeline::{Job, Silent};
use yarlung::{Build, Options, Profile, Project};

use crate::common::{Pdf, example, repo};

/// A laid-out text run: page, whether it is Tibetan, whether bold, size (pt), left and
/// right edge and baseline (pt), and its text.
struct Run {
    page: usize,
    tibetan: bool,
    bold: bool,
    size: f64,
    left: f64,
    right: f64,
    baseline: f64,
    text: String,
}

/// The runs of the example's document `name`, laid out for the screen.
fn runs(name: &str) -> Vec<Run> {
    let options =
        Options { only: vec![name.into()], ..Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR"))) };
    let project = Project::open(&options).expect("example project opens");
    let build = Build::new(&project, &options, &Silent);
    let figured = build.figured(Job { document: 0, profile: Profile::Screen }).expect("compiles");
    let mut out = Vec::new();
    for (i, page) in figured.compiled.document.pages().iter().enumerate() {
        yarlung::figures::frames::walk(&page.frame, Transform::identity(), &mut |item, ts| {
            let FrameItem::Text(text) = item else { return };
            let scale = ts.sy.get().abs();
            let start = Point::zero().transform(ts);
            let end = Point::new(text.width(), typst::layout::Abs::zero()).transform(ts);
            out.push(Run {
                page: i + 1,
                tibetan: text.font.font().info().family.contains("Tibetan"),
                bold: text.font.font().info().variant.weight.to_number() >= 600,
                size: text.size.to_pt() * scale,
                left: start.x.to_pt(),
                right: end.x.to_pt(),
                baseline: start.y.to_pt(),
                text: text.text.to_string(),
            });
        });
    }
    out
}

/// The Tibetan of `key` in the example's translations file `file`.
fn translation(file: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(repo().join("data/i18n/bo").join(file)).ok()?;
    let map: serde_json::Value = serde_saphyr::from_str(&text).ok()?;
    map[key]["text"].as_str().map(str::to_string)
}

/// Whether `c` is a shad (U+0F0D–0F12) or a tsheg (U+0F0B), which never start a line.
fn opens_no_line(c: char) -> bool {
    c == '\u{0F0B}' || ('\u{0F0D}'..='\u{0F12}').contains(&c)
}

#[test]
fn no_tibetan_line_starts_with_a_shad_or_a_tsheg() {
    for name in ["leaflet-hubei.bo-zh", "leaflet-hunan.bo-zh", "brochure.bo-zh"] {
        let runs = runs(name);
        let mut checked = 0;
        for run in runs.iter().filter(|r| r.tibetan) {
            let Some(first) = run.text.trim_start().chars().next() else { continue };
            checked += 1;
            if !opens_no_line(first) {
                continue;
            }
            // Something ends right before it on its baseline: it continues a line.
            let continues = runs.iter().any(|o| {
                o.page == run.page
                    && (o.baseline - run.baseline).abs() < 1.0
                    && (o.right - run.left).abs() < 2.0
            });
            assert!(continues, "{name} p. {}: a line starts with “{}”", run.page, run.text);
        }
        assert!(checked > 20, "{name}: only {checked} Tibetan runs");
    }
}

#[test]
fn tibetan_is_set_no_smaller_than_the_chinese_it_translates() {
    let facts = std::fs::read_to_string(repo().join("data/provinces/hubei.yaml")).unwrap();
    let facts: serde_json::Value = serde_saphyr::from_str(&facts).unwrap();
    let runs = runs("leaflet-hubei.bo-zh");
    let pages = runs.iter().map(|r| r.page).max().unwrap_or(0);
    let tibetan: Vec<Line> = (1..=pages).flat_map(|p| lines(&runs, p)).collect();
    // the size of the largest line holding the first words of `text`
    let size = |is_tibetan: bool, text: &str| {
        let key: String =
            text.chars().filter(|c| !c.is_whitespace()).take(if is_tibetan { 8 } else { 4 }).collect();
        let found: Vec<f64> = if is_tibetan {
            tibetan.iter().filter(|l| l.text.contains(&key)).map(|l| l.size).collect()
        } else {
            runs.iter().filter(|r| !r.tibetan && r.text.contains(&key)).map(|r| r.size).collect()
        };
        found.into_iter().fold(None, |a: Option<f64>, s| Some(a.map_or(s, |a| a.max(s))))
    };
    let mut pairs = 0;
    let mut fields = Vec::new();
    for (theme, result) in facts["results"].as_object().unwrap() {
        for (i, h) in result["highlights"].as_array().unwrap().iter().enumerate() {
            let key = format!("provinces.hubei.results.{theme}.highlights[{i}].title");
            fields.push((key, h["title"].as_str().unwrap().to_string()));
        }
    }
    for (key, chinese) in fields {
        let Some(tibetan) = translation("provinces/hubei.yaml", &key) else { continue };
        let (Some(zh), Some(bo)) = (size(false, &chinese), size(true, &tibetan)) else { continue };
        pairs += 1;
        assert!(bo + 0.05 >= zh, "{key}: Tibetan at {bo:.1} pt beside Chinese at {zh:.1} pt");
    }
    assert!(pairs >= 2, "only {pairs} pairs found on the leaflet");
}

#[test]
fn a_bilingual_leaflet_gives_every_highlight_it_shows_in_both_languages() {
    for province in ["hubei", "hunan", "anhui"] {
        let pdf = Pdf::open(&example().root().join(format!("out/print/leaflet-{province}.bo-zh.pdf")));
        let text = pdf.text();
        let facts = std::fs::read_to_string(repo().join(format!("data/provinces/{province}.yaml"))).unwrap();
        let facts: serde_json::Value = serde_saphyr::from_str(&facts).unwrap();
        let mut shown = 0;
        for (theme, result) in facts["results"].as_object().unwrap() {
            for (i, h) in result["highlights"].as_array().unwrap().iter().enumerate() {
                let chinese: String = h["title"].as_str().unwrap().split_whitespace().collect();
                if !text.contains(&chinese) {
                    continue; // a highlight the leaflet leaves out (fewer, never half)
                }
                shown += 1;
                let file = format!("provinces/{province}.yaml");
                for field in ["title", "text"] {
                    let key = format!("provinces.{province}.results.{theme}.highlights[{i}].{field}");
                    let tibetan: String =
                        translation(&file, &key).unwrap_or_default().split_whitespace().collect();
                    let head: String = tibetan.chars().take(12).collect();
                    assert!(
                        !head.is_empty() && text.contains(&head),
                        "{province}: {key} shows without its Tibetan"
                    );
                }
            }
        }
        assert!(shown >= 2, "{province}: only {shown} highlights shown");
    }
}

/// A line holding Tibetan on a page: its left and right edge and baseline (pt), its
/// largest size (pt) and its text.
struct Line {
    left: f64,
    right: f64,
    baseline: f64,
    size: f64,
    text: String,
    tibetan: bool,
    bold: bool,
}

/// The lines holding Tibetan on page `page` of `runs`, top to bottom: runs of either
/// script on one baseline less than their size apart are one line (a Chinese quote or
/// number inside a Tibetan line belongs to it).
fn lines(runs: &[Run], page: usize) -> Vec<Line> {
    let mut own: Vec<&Run> = runs.iter().filter(|r| r.page == page).collect();
    own.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.left.total_cmp(&b.left)));
    let mut out: Vec<Line> = Vec::new();
    for run in own {
        match out.last_mut() {
            Some(l)
                if (l.baseline - run.baseline).abs() < 1.5 && run.left - l.right < l.size.max(run.size) =>
            {
                l.right = l.right.max(run.right);
                l.size = l.size.max(run.size);
                l.text.push_str(&run.text);
                l.tibetan |= run.tibetan;
                l.bold |= run.tibetan && run.bold;
            }
            _ => out.push(Line {
                left: run.left,
                right: run.right,
                baseline: run.baseline,
                size: run.size,
                text: run.text.clone(),
                tibetan: run.tibetan,
                bold: run.tibetan && run.bold,
            }),
        }
    }
    out.retain(|l| l.tibetan);
    out
}

#[test]
fn justified_tibetan_lines_meet_the_measure() {
    let mut paragraphs = 0;
    for name in ["leaflet-hubei.bo-zh", "leaflet-anhui.bo-zh", "brochure.bo-zh"] {
        let runs = runs(name);
        let pages = runs.iter().map(|r| r.page).max().unwrap_or(0);
        for page in 1..=pages {
            // body text: the bold titles are set ragged
            let lines: Vec<Line> = lines(&runs, page).into_iter().filter(|l| !l.bold).collect();
            // Paragraphs: lines with one left edge, one after the other at one pitch.
            let mut used = vec![false; lines.len()];
            for i in 0..lines.len() {
                if used[i] {
                    continue;
                }
                let mut para = vec![i];
                let mut pitch = None;
                for j in i + 1..lines.len() {
                    let (last, next) = (&lines[*para.last().unwrap()], &lines[j]);
                    if used[j] || (next.left - last.left).abs() > 0.3 {
                        continue;
                    }
                    let step = next.baseline - last.baseline;
                    // a paragraph's lines, not rows of labels: about 1.75 em apart
                    if step > 2.2 * last.size || pitch.is_some_and(|p: f64| (p - step).abs() > 0.3) {
                        break;
                    }
                    pitch = Some(step);
                    para.push(j);
                }
                para.iter().for_each(|&k| used[k] = true);
                if para.len() < 3 {
                    continue;
                }
                paragraphs += 1;
                let measure = para.iter().map(|&k| lines[k].right).fold(f64::MIN, f64::max);
                for &k in &para[..para.len() - 1] {
                    let line = &lines[k];
                    if (measure - line.right).abs() > 0.5 {
                        for &k in &para {
                            let l = &lines[k];
                            eprintln!(
                                "{:.1} {:.1}-{:.1} {:.1} {}",
                                l.baseline, l.left, l.right, l.size, l.text
                            );
                        }
                    }
                    assert!(
                        (measure - line.right).abs() <= 0.5,
                        "{name} p. {page}: a justified Tibetan line at y {:.1} pt ends {:.2} pt short of the measure",
                        line.baseline,
                        measure - line.right
                    );
                }
            }
        }
    }
    assert!(paragraphs >= 10, "only {paragraphs} justified Tibetan paragraphs of three lines or more");
}

#[test]
fn the_bilingual_brochure_gives_every_teams_summary_in_both_languages() {
    let pdf = Pdf::open(&example().root().join("out/print/brochure.bo-zh.pdf"));
    let chinese = Pdf::open(&example().root().join("out/print/brochure.pdf"));
    let squeezed = |t: String| t.split_whitespace().collect::<String>();
    let head = |t: &str, n: usize| t.chars().take(n).collect::<String>();
    for province in ["hubei", "hunan", "anhui"] {
        let facts = std::fs::read_to_string(repo().join(format!("data/provinces/{province}.yaml"))).unwrap();
        let facts: serde_json::Value = serde_saphyr::from_str(&facts).unwrap();
        let zh: String = facts["summary"].as_str().unwrap().split_whitespace().collect();
        let key = format!("provinces.{province}.summary");
        let bo = squeezed(translation(&format!("provinces/{province}.yaml"), &key).unwrap());
        let page = (1..=pdf.pages() as u32)
            .find(|&n| squeezed(pdf.page_text(n)).contains(&head(&bo, 20)))
            .unwrap_or_else(|| panic!("{key}: its Tibetan is on no page of the bilingual brochure"));
        let text = squeezed(pdf.page_text(page));
        assert!(text.contains(&head(&zh, 15)), "{key}: p. {page} gives the Tibetan without the Chinese");
        // the Chinese edition quotes it on the province's page, with no page of summaries
        assert!(squeezed(chinese.text()).contains(&head(&zh, 15)), "{key}: not in the Chinese brochure");
    }
    assert!(!chinese.text().contains("工作队简介"), "the Chinese brochure has a page of summaries");
}
