//! The source bundle: a self-contained folder that stock Typst 0.15.1 compiles to the same
//! pages yarlung makes — templates, facts (YAML and JSON), figures, fonts and a README.

use std::path::{Path, PathBuf};

use crate::document::CompileContext;
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::plan::DocumentPlan;
use crate::profile::Profile;
use crate::{Options, Project, inputs};

/// Files served from memory: root-relative virtual path and bytes.
type Generated = Vec<(String, Vec<u8>)>;

impl Project {
    /// The generated files of `plan` as the final build pass serves them: the figures
    /// processed for their placed sizes, and the facts pointing at them.
    fn final_files(&self, ctx: &CompileContext, plan: &DocumentPlan, profile: Profile) -> Result<Generated> {
        let laid = self.layout(ctx, plan, profile)?;
        let derived = self.derive(&laid, profile);
        let processed = self.images.finals(&derived.compiled.placements, profile, true)?;
        self.generated_with(plan, profile, &processed)
    }

    /// Writes the bundle of `profile` into `dir` and returns the files written. Figures are
    /// the processed images the build embeds (whole), so stock Typst renders the same pages.
    pub fn bundle(&self, options: &Options, profile: Profile, dir: &Path) -> Result<Vec<PathBuf>> {
        let ctx = self.context(options);
        let mut written = Vec::new();
        let mut put = |rel: &str, bytes: &[u8]| -> Result<()> {
            let rel = rel.trim_start_matches('/');
            let path = dir.join(rel);
            write_atomic(&path, bytes)?;
            written.push(PathBuf::from(rel));
            Ok(())
        };
        for rel in self.input_files() {
            let bytes =
                std::fs::read(self.root.join(&rel)).map_err(|e| Error::io(&self.root.join(&rel), e))?;
            put(&rel.to_string_lossy(), &bytes)?;
        }
        for (name, data) in crate::fonts::EMBEDDED {
            put(&format!("fonts/{name}"), data)?;
        }
        let mut commands = Vec::new();
        for plan in &self.plans {
            for (path, bytes) in self.final_files(&ctx, plan, profile)? {
                if path == inputs::FACTS_PATH {
                    put(&format!("facts/{}.json", plan.name), &bytes)?;
                } else {
                    put(&path, &bytes)?;
                }
            }
            commands.push(format!(
                "typst compile --root . --font-path fonts --ignore-system-fonts \\\n  \
                 --creation-timestamp {epoch} --input facts=/facts/{name}.json \\\n  \
                 {template} {name}.pdf{standards}",
                epoch = self.epoch(),
                name = plan.name,
                template = plan.template.to_string_lossy().replace('\\', "/"),
                standards = match profile {
                    Profile::Archive => " --pdf-standard a-3b,ua-1",
                    _ => "",
                },
            ));
        }
        let script = format!(
            "#!/bin/sh\n# Rebuilds the {} PDFs with stock Typst 0.15.1.\nset -e\ncd \"$(dirname \"$0\")\"\n{}\n",
            profile.name(),
            commands.join("\n")
        );
        put("build.sh", script.as_bytes())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir.join("build.sh"), std::fs::Permissions::from_mode(0o755));
        }
        put("README.md", self.bundle_readme(profile, &commands).as_bytes())?;
        Ok(written)
    }

    /// The bundle's README.
    fn bundle_readme(&self, profile: Profile, commands: &[String]) -> String {
        format!(
            "# Source bundle ({profile})\n\n\
             Everything needed to rebuild these documents without yarlung, with the stock\n\
             Typst command-line compiler, version 0.15.1:\n\n\
             - `templates/` — the Typst templates (built-in Typst only, no packages);\n\
             - `facts/<document>.json` — the facts each document was made from, as the\n  \
               template reads them (`sys.inputs.facts`); `data/` holds the original YAML;\n\
             - `images/` — the figures; `fonts/` — the embedded fonts (SIL OFL 1.1);\n\
             - `build.sh` — the commands below.\n\n\
             ```sh\n{}\n```\n\n\
             The pages render as yarlung's, with these differences: yarlung embeds each\n\
             figure cropped to the part a page shows (here each figure is whole, at the\n\
             size its largest placement needs); yarlung lays a document out once, for\n\
             print, and makes the screen and archive versions by trimming the bleed and\n\
             turning the colours into their RGB twins, so a full-bleed figure keeps its\n\
             print scale there (the template fits it to the trim itself); and for the\n\
             print profile yarlung widens each page by a slug with crop marks and\n\
             records the BleedBox (stock Typst writes trim and bleed only).\n\
             The documents' date is fixed at {:04}-{:02}-{:02}.\n",
            commands.join("\n"),
            self.date.0,
            self.date.1,
            self.date.2,
            profile = profile.name(),
        )
    }

    /// The build date as seconds since the Unix epoch (midnight UTC).
    pub fn epoch(&self) -> i64 {
        let (y, m, d) = self.date;
        let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }
}
