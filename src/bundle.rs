//! The source bundle: a self-contained folder that stock Typst compiles to the same
//! pages yarlung makes — templates, facts (YAML and JSON), figures, fonts and a README.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::figures::frames;
use crate::output::write::write_atomic;
use crate::pipeline::Build;
use crate::pipeline::compile::{self, TYPST_VERSION};
use crate::pipeline::job::Generated;
use crate::profile::Profile;
use crate::project::inputs;
use crate::project::plan::DocumentPlan;

impl Build<'_> {
    /// The generated files of `plan` as the final build pass serves them: the figures
    /// processed for their placed sizes, and the facts pointing at them.
    fn final_files(&self, plan: &DocumentPlan, profile: Profile) -> Result<Generated> {
        let standins = self.project.images.standins(&plan.figures);
        let compiled = compile::compile(&self.ctx, plan, self.generated(plan, profile, &standins)?)?;
        let placements = frames::placements(&compiled.document, &standins);
        let processed = self.project.images.finals(&placements, profile, plan.ppi, true)?;
        self.generated(plan, profile, &processed)
    }

    /// Writes the bundle of `profile` into `dir` and returns the files written. Figures are
    /// the processed images the build embeds (whole), so stock Typst renders the same pages.
    pub fn bundle(&self, profile: Profile, dir: &Path) -> Result<Vec<PathBuf>> {
        let project = self.project;
        let mut written = Vec::new();
        let mut put = |rel: &str, bytes: &[u8]| -> Result<()> {
            let rel = rel.trim_start_matches('/');
            let path = dir.join(rel);
            write_atomic(&path, bytes)?;
            written.push(PathBuf::from(rel));
            Ok(())
        };
        for rel in project.input_files() {
            let bytes =
                std::fs::read(project.root.join(&rel)).map_err(|e| Error::io(&project.root.join(&rel), e))?;
            put(&rel.to_string_lossy(), &bytes)?;
        }
        for (name, data) in crate::fonts::EMBEDDED {
            put(&format!("fonts/{name}"), data)?;
        }
        let mut commands = Vec::new();
        for plan in &project.plans {
            for (path, bytes) in self.final_files(plan, profile)? {
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
                epoch = project.epoch(),
                name = plan.name,
                template = plan.template.to_string_lossy().replace('\\', "/"),
                standards = match profile {
                    Profile::Archive => " --pdf-standard a-3b,ua-1",
                    _ => "",
                },
            ));
        }
        let script = format!(
            "#!/bin/sh\n# Rebuilds the {} PDFs with stock Typst {TYPST_VERSION}.\nset -e\ncd \"$(dirname \"$0\")\"\n{}\n",
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
             Typst command-line compiler, version {TYPST_VERSION}:\n\n\
             - `templates/` — the Typst templates (built-in Typst only, no packages);\n\
             - `facts/<document>.json` — the facts each document was made from, as the\n  \
               template reads them (`sys.inputs.facts`); `data/` holds the original YAML;\n\
             - `images/` — the figures; `fonts/` — the embedded fonts (SIL OFL 1.1);\n\
             - `build.sh` — the commands below.\n\n\
             ```sh\n{}\n```\n\n\
             The pages render as yarlung's: yarlung compiles each profile from the same\n\
             templates and facts. What differs lies in the PDF file, not on the page:\n\
             yarlung embeds each figure cropped to the part a page shows (here each figure\n\
             is whole, at the size its largest placement needs), and for the print\n\
             profile widens each page by a slug with crop marks, records the BleedBox and\n\
             converts the figures to the output profile's CMYK (stock Typst writes trim\n\
             and bleed only, and embeds the figures as they are).\n\
             The documents' date is fixed at {:04}-{:02}-{:02}.\n",
            commands.join("\n"),
            self.project.date.0,
            self.project.date.1,
            self.project.date.2,
            profile = profile.name(),
        )
    }
}
