//! `ita-report check`: every package validated and its contradictions reported, as `build`
//! would find them, without building.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use super::{Verb, discover, emit_all, shown, summary};
use crate::check::Checked;
use crate::framework::Frameworks;
use crate::message;
use crate::world::Fonts;

/// The options of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Package files or folders searched for `*.json` (default: inputs/).
    pub paths: Vec<PathBuf>,
    /// Folder with overriding templates; its `frameworks/` replaces the embedded year
    /// frameworks of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Extra font folder, for the check that every character has a font; may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// Treat contradictions found in the data as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

impl CheckArgs {
    /// Loads the frameworks and fonts once and checks every package.
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let started = Frameworks::load(self.templates.as_deref())
            .and_then(|f| Ok((f, Fonts::load(&self.font_dirs)?)));
        match started {
            Ok((frameworks, fonts)) => {
                check(&self.paths, &frameworks, &fonts, self.deny_warnings, err)
            }
            Err(d) => {
                let _ = d.emit(err);
                ExitCode::from(2)
            }
        }
    }
}

/// Whether a package's findings stop it: only with `--deny-warnings`, and only contradictions.
fn denied(checked: &Checked, deny_warnings: bool) -> bool {
    deny_warnings && checked.warnings() > 0
}

fn check(
    paths: &[PathBuf],
    frameworks: &Frameworks,
    fonts: &Fonts,
    deny_warnings: bool,
    err: &mut StandardStream,
) -> ExitCode {
    let files = match discover(paths, None) {
        Ok(files) => files,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let mut failed = Vec::new();
    for file in &files {
        let name = shown(file);
        let checked = crate::check::file(file, &name, frameworks, Some(fonts));
        emit_all(&checked.diagnostics, err);
        let count = checked.warnings();
        if checked.loaded.is_none() {
            failed.push(name);
        } else if denied(&checked, deny_warnings) {
            let _ = writeln!(
                err,
                "{}",
                message!(
                    "ไม่ผ่าน: {name}: คำเตือน {count} รายการ ซึ่ง --deny-warnings ไม่ยอมให้ผ่าน",
                    "failed: {name}: {count} warning(s), denied by --deny-warnings"
                )
            );
            failed.push(name);
        } else if count > 0 {
            let _ = writeln!(
                err,
                "{}",
                message!(
                    "ผ่าน: {name} (คำเตือน {count} รายการ)",
                    "ok: {name} ({count} warning(s))"
                )
            );
        } else {
            let _ = writeln!(err, "{}", message!("ผ่าน: {name}", "ok: {name}"));
        }
    }
    summary(Verb::Checked, files.len(), &failed, err)
}
