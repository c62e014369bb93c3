//! The commands that make packages rather than documents: `import`, `init`, `schema`.
//!
//! They write JSON a person goes on editing, so they never overwrite a file without
//! `--force` (an agency's package holds its own measures once edited) and write all of a
//! run's files or none.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use super::{Layout, emit_all, shown};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Failure};
use crate::framework::Frameworks;
use crate::import::{self, ImportOptions, NewFile, Start};
use crate::model::MeasuresLayout;

impl From<Layout> for MeasuresLayout {
    fn from(layout: Layout) -> Self {
        match layout {
            Layout::ByIndicator => MeasuresLayout::ByIndicator,
            Layout::ByTool => MeasuresLayout::ByTool,
        }
    }
}

/// What `init` was asked for.
pub struct InitArgs {
    pub agency: String,
    pub year: i32,
    pub scores: Option<PathBuf>,
    pub district: Option<String>,
    pub province: Option<String>,
    pub layout: MeasuresLayout,
}

fn setup(templates: Option<&Path>) -> Result<(Frameworks, Catalogue), Diagnostic> {
    Ok((Frameworks::load(templates)?, Catalogue::load(templates)?))
}

/// `ita-report import`.
pub fn import(
    file: &Path,
    options: &ImportOptions,
    output: &Path,
    force: bool,
    templates: Option<&Path>,
    err: &mut StandardStream,
) -> ExitCode {
    let (frameworks, catalogue) = match setup(templates) {
        Ok(loaded) => loaded,
        Err(d) => return stop(&[d], 2, err),
    };
    let imported = match import::import(file, &shown(file), options, &frameworks, &catalogue) {
        Ok(imported) => imported,
        Err(Failure(diagnostics)) => {
            emit_all(&diagnostics, err);
            let _ = writeln!(err, "failed: {}: nothing written", shown(file));
            return ExitCode::from(1);
        }
    };
    emit_all(&imported.notes, err);
    write(&imported.files, output, force, err)
}

/// `ita-report init`.
pub fn init(
    asked: &InitArgs,
    output: &Path,
    force: bool,
    templates: Option<&Path>,
    err: &mut StandardStream,
) -> ExitCode {
    let (frameworks, catalogue) = match setup(templates) {
        Ok(loaded) => loaded,
        Err(d) => return stop(&[d], 2, err),
    };
    let made = scores(asked, &frameworks).and_then(|row| {
        let start = Start {
            name: &asked.agency,
            district: asked
                .district
                .clone()
                .or_else(|| row.as_ref().and_then(|r| r.district.clone())),
            province: asked.province.clone(),
            year: asked.year,
            layout: asked.layout,
            scores: row.as_ref(),
        };
        import::init(&start, &frameworks, &catalogue)
    });
    match made {
        Ok(file) => write(&[file], output, force, err),
        Err(Failure(diagnostics)) => stop(&diagnostics, 1, err),
    }
}

/// The agency's row of the results sheet, when one is given.
fn scores(
    asked: &InitArgs,
    frameworks: &Frameworks,
) -> Result<Option<import::AgencyResult>, Failure> {
    let Some(path) = &asked.scores else {
        return Ok(None);
    };
    let framework = import::framework(frameworks, asked.year)?;
    let name = shown(path);
    let results = import::read_results(path, &name, framework)?;
    Ok(Some(
        import::find_agency(&results, &name, &asked.agency, asked.district.as_deref())?.clone(),
    ))
}

/// `ita-report schema`.
pub fn schema() -> ExitCode {
    let text = serde_json::to_string_pretty(&crate::schema::package()).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

/// Writes every file, or none when any exists already (without `--force`) or cannot be written.
fn write(files: &[NewFile], output: &Path, force: bool, err: &mut StandardStream) -> ExitCode {
    let paths: Vec<PathBuf> = files.iter().map(|f| output.join(&f.name)).collect();
    let existing: Vec<String> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| shown(p))
        .collect();
    if !existing.is_empty() && !force {
        let d = Diagnostic::error(format!(
            "{} file(s) exist already: {}",
            existing.len(),
            existing.join(", ")
        ))
        .with_note("nothing written; give --force to replace them (edits in them are lost)");
        return stop(&[d], 1, err);
    }
    let staged: Vec<(PathBuf, &[u8])> = paths
        .iter()
        .cloned()
        .zip(files.iter().map(|f| f.text.as_bytes()))
        .collect();
    if let Err(e) = std::fs::create_dir_all(output).and_then(|()| crate::pdf::write_all(&staged)) {
        return stop(
            &[
                Diagnostic::error(format!("cannot write into `{}`: {e}", shown(output)))
                    .with_note("nothing written"),
            ],
            1,
            err,
        );
    }
    for path in &paths {
        let path = shown(path);
        let _ = writeln!(err, "{}", crate::message!("เขียน {path}", "wrote {path}"));
    }
    ExitCode::SUCCESS
}

fn stop(diagnostics: &[Diagnostic], code: u8, err: &mut StandardStream) -> ExitCode {
    emit_all(diagnostics, err);
    ExitCode::from(code)
}
