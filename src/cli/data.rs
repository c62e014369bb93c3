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
use crate::documents::measures::MeasuresLayout;
use crate::framework::Frameworks;
use crate::import::{self, ImportOptions, NewFile, Start};
use crate::message;
use crate::model::AgencyKind;

impl From<Layout> for MeasuresLayout {
    fn from(layout: Layout) -> Self {
        match layout {
            Layout::ByIndicator => MeasuresLayout::ByIndicator,
            Layout::ByTool => MeasuresLayout::ByTool,
        }
    }
}

/// The options of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The results sheet: a header row naming ชื่อหน่วยงาน and คะแนน/IIT/EIT/OIT/ตัวชี้วัด.
    pub file: PathBuf,
    /// The fiscal year the results are of (พ.ศ.).
    #[arg(long)]
    pub year: i32,
    /// Output folder.
    #[arg(short, long, default_value = ".")]
    pub output: PathBuf,
    /// Also one package per agency, ready for its measures.
    #[arg(long)]
    pub per_agency: bool,
    /// Measures layout of the agencies' packages.
    #[arg(long, value_enum, default_value = "by-indicator")]
    pub layout: Layout,
    /// The province package's agency name (default: จังหวัด… from the sheet's title).
    #[arg(long)]
    pub agency: Option<String>,
    /// Replace package files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Folder with overriding templates, frameworks and `catalogue.json`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// The options of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The agency's name, as the results sheet writes it.
    #[arg(long)]
    pub agency: String,
    /// The fiscal year assessed (พ.ศ.); the measures are for the year after.
    #[arg(long)]
    pub year: i32,
    /// A results sheet to take the agency's scores from.
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,
    /// The district, when several agencies in the sheet share the name.
    #[arg(long)]
    pub district: Option<String>,
    /// The agency's province.
    #[arg(long)]
    pub province: Option<String>,
    /// The kind of agency (province, district_office, provincial_unit, municipality, sao,
    /// school, hospital, police_station, university, public_organisation,
    /// ministry_department): the measures are drafted for it (default: what the name says).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<AgencyKind>,
    /// Measures layout.
    #[arg(long, value_enum, default_value = "by-indicator")]
    pub layout: Layout,
    /// Output folder.
    #[arg(short, long, default_value = ".")]
    pub output: PathBuf,
    /// Replace the package file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Folder with overriding templates, frameworks and `catalogue.json`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// An agency kind by its name in the package format (`municipality`, `police_station`, …).
fn parse_kind(text: &str) -> Result<AgencyKind, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        let names: Vec<String> = AgencyKind::ALL
            .iter()
            .filter_map(|k| serde_json::to_value(k).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        format!("`{text}` is none of: {}", names.join(", "))
    })
}

fn setup(templates: Option<&Path>) -> Result<(Frameworks, Catalogue), Diagnostic> {
    Ok((Frameworks::load(templates)?, Catalogue::load(templates)?))
}

impl ImportArgs {
    /// `ita-report import`: every package of the sheet written, or none.
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let (frameworks, catalogue) = match setup(self.templates.as_deref()) {
            Ok(loaded) => loaded,
            Err(d) => return stop(&[d], 2, err),
        };
        let options = ImportOptions {
            year: self.year,
            per_agency: self.per_agency,
            layout: self.layout.into(),
            name: self.agency,
        };
        let file = &self.file;
        let imported = import::import(file, &shown(file), &options, &frameworks, &catalogue);
        let imported = match imported {
            Ok(imported) => imported,
            Err(Failure(diagnostics)) => {
                emit_all(&diagnostics, err);
                let file = shown(file);
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "ไม่สำเร็จ: {file}: ไม่ได้เขียนแฟ้มใด",
                        "failed: {file}: nothing written"
                    )
                );
                return ExitCode::from(1);
            }
        };
        emit_all(&imported.notes, err);
        write(&imported.files, &self.output, self.force, err)
    }
}

impl InitArgs {
    /// `ita-report init`: one agency's package.
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let (frameworks, catalogue) = match setup(self.templates.as_deref()) {
            Ok(loaded) => loaded,
            Err(d) => return stop(&[d], 2, err),
        };
        let made = scores(&self, &frameworks).and_then(|row| {
            // "ร้อยเอ็ด" found as a regional table's "จังหวัดร้อยเอ็ด" is that province.
            let name = match &row {
                Some(r) if results_name_adds_province(&r.name, &self.agency) => &r.name,
                _ => &self.agency,
            };
            let start = Start {
                name,
                district: self
                    .district
                    .clone()
                    .or_else(|| row.as_ref().and_then(|r| r.district.clone())),
                province: self.province.clone(),
                kind: self.kind,
                year: self.year,
                layout: self.layout.into(),
                scores: row.as_ref(),
            };
            import::init(&start, &frameworks, &catalogue)
        });
        match made {
            Ok(file) => write(&[file], &self.output, self.force, err),
            Err(Failure(diagnostics)) => stop(&diagnostics, 1, err),
        }
    }
}

/// Whether the sheet's name is the one asked with "จังหวัด" before it.
fn results_name_adds_province(sheet: &str, asked: &str) -> bool {
    let (sheet, asked) = (
        import::results::normalize(sheet),
        import::results::normalize(asked),
    );
    sheet.strip_prefix("จังหวัด") == Some(asked.as_str())
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
        let (n, names) = (existing.len(), existing.join(", "));
        let d = Diagnostic::error(message!(
            "มีแฟ้มชื่อนี้อยู่แล้ว {n} แฟ้ม: {names}",
            "{n} file(s) exist already: {names}"
        ))
        .with_note(message!(
            "ไม่ได้เขียนแฟ้มใด ใส่ --force เพื่อเขียนทับ (สิ่งที่แก้ไว้ในแฟ้มเดิมจะหายไป)",
            "nothing written; give --force to replace them (edits in them are lost)"
        ));
        return stop(&[d], 1, err);
    }
    let staged: Vec<(PathBuf, &[u8])> = paths
        .iter()
        .cloned()
        .zip(files.iter().map(|f| f.text.as_bytes()))
        .collect();
    if let Err(e) = std::fs::create_dir_all(output).and_then(|()| crate::pdf::write_all(&staged)) {
        return stop(
            &[Diagnostic::error(message!(
                "เขียนลงโฟลเดอร์ {folder} ไม่ได้: {e}",
                "cannot write into `{folder}`: {e}",
                folder = shown(output)
            ))
            .with_note(message!("ไม่ได้เขียนแฟ้มใด", "nothing written"))],
            1,
            err,
        );
    }
    for path in &paths {
        let path = shown(path);
        let _ = writeln!(err, "{}", message!("เขียน {path}", "wrote {path}"));
    }
    ExitCode::SUCCESS
}

fn stop(diagnostics: &[Diagnostic], code: u8, err: &mut StandardStream) -> ExitCode {
    emit_all(diagnostics, err);
    ExitCode::from(code)
}
