//! ita-report: the Thai official documents of the yearly ITA assessment, from JSON to PDF.
//!
//! Data flows one way: [`load`] (JSON → validated [`model::Package`], via [`rules`], with the
//! year's [`framework`]; [`consistency`] findings as warnings) →
//! [`analysis`] (derived facts and [`narrative`]) → [`templates`] (minijinja → Typst source) →
//! [`linebreak`] (Thai word boundaries written into that source, with [`thai::words`]) →
//! [`world`] (in-process Typst compile) → [`text_layer`] (split Thai clusters rejoined, break marks taken out) →
//! [`pdf`] (export, atomic write). [`Engine`] holds what
//! is loaded once per process (fonts, templates) and runs the steps for one package; the
//! [`cli`] decides what to build and prints diagnostics; [`web`] serves the same steps to a
//! browser.

pub mod analysis;
pub mod archive;
pub mod batch;
pub mod catalogue;
pub mod cli;

pub mod confine;
pub mod consistency;
pub mod diagnostic;
pub mod documents;
pub mod emblem;
pub mod filename;
pub mod framework;
pub mod import;
pub mod layout_lang;
pub mod limits;
pub mod linebreak;
pub mod load;
pub mod model;
pub mod narrative;
pub mod pdf;
pub mod qr;
pub mod rules;
pub mod schema;
pub mod settable;
pub mod sharing;
pub mod spans;
pub mod spelling;
pub mod strict;
pub mod templates;
pub mod text_layer;
pub mod thai;
pub mod web;
pub mod world;

use std::path::{Path, PathBuf};

use minijinja::Value;
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, Failure};
use crate::load::Loaded;
use crate::model::{Numerals, Package};
use crate::templates::Templates;
use crate::world::{Compiler, Fonts, Job};

pub use documents::DocKind;

/// How to build one package.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// One PDF per document instead of one per package.
    pub split: bool,
    /// Font family, overriding the package's choice.
    pub font: Option<String>,
    /// Archival PDFs: PDF/A-3b with the package and its facts attached (also when the
    /// package says `"archive": true`).
    pub archive: bool,
}

impl BuildOptions {
    /// Whether a package's PDFs are archival: asked for on the command line or by the package.
    pub fn archival(&self, package: &Package) -> bool {
        self.archive || package.archive
    }
}

/// One output file's worth: a document set compiled and exported.
pub struct Artifact {
    /// File name without extension: the input's stem, plus `-memo` etc. when split.
    pub stem: String,
    pub kinds: Vec<DocKind>,
    /// The generated Typst source.
    pub typst: String,
    pub document: PagedDocument,
    pub pdf: Vec<u8>,
}

/// Everything built from one package.
pub struct Built {
    pub artifacts: Vec<Artifact>,
    pub warnings: Vec<Diagnostic>,
}

/// Fonts and templates, loaded once and shared by every package of a run.
pub struct Engine {
    templates: Templates,
    compiler: Compiler,
}

impl Engine {
    /// Loads the bundled fonts plus `font_dirs`, and the templates (embedded, overridden by
    /// files in `templates_dir`; the year frameworks are loaded separately, see
    /// [`framework::Frameworks::load`]).
    pub fn new(templates_dir: Option<&Path>, font_dirs: &[PathBuf]) -> Result<Self, Diagnostic> {
        Ok(Self {
            templates: Templates::new(templates_dir)?,
            compiler: Compiler::new(Fonts::load(font_dirs)?),
        })
    }

    /// The fonts every document is set in (bundled plus the font folders given).
    pub fn fonts(&self) -> &Fonts {
        self.compiler.fonts()
    }

    /// The Typst source the templates write for `kinds` of a package, before Thai line
    /// breaking is written into it ([`linebreak::apply`]).
    pub fn typst_source(
        &self,
        loaded: &Loaded,
        kinds: &[DocKind],
        options: &BuildOptions,
    ) -> Result<String, Failure> {
        let emblem = emblem::find(loaded)?;
        let facts = narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
        self.render_source(loaded, &facts, kinds, options, emblem.as_deref())
    }

    /// The Typst source, with the facts derived and the emblem looked up once per package.
    fn render_source(
        &self,
        loaded: &Loaded,
        facts: &analysis::Facts,
        kinds: &[DocKind],
        options: &BuildOptions,
        emblem: Option<&str>,
    ) -> Result<String, Failure> {
        let package = &loaded.package;
        let asked = options.font.as_deref().or(package.font.as_deref());
        let fonts = self.compiler.fonts();
        let family = fonts.choose(asked)?;
        let scale = fonts.scale(&family);
        let (ascent, descent) = fonts.line_metrics(&family);
        let title = match kinds {
            [DocKind::Memo] => package
                .memo
                .as_ref()
                .map_or(String::new(), |m| m.subject.clone()),
            _ => format!(
                "{} ประจำปีงบประมาณ พ.ศ. {}",
                package.agency.name,
                thai::digits(&package.fiscal_year.to_string(), package.numerals)
            ),
        };
        let context = minijinja::context! {
            package => Value::from_serialize(package),
            facts => Value::from_serialize(facts),
            framework => Value::from_serialize(&*loaded.framework),
            numerals => match package.numerals { Numerals::Thai => "thai", Numerals::Arabic => "arabic" },
            documents => Value::from_serialize(documents::setups(package, kinds)),
            font => minijinja::context! { family => family, scale => scale, ascent => ascent, descent => descent },
            emblem => emblem,
            archive => options.archival(package).then(|| minijinja::context! {
                package => archive::PACKAGE,
                facts => archive::FACTS,
                name => archive_name(&loaded.source.name),
            }),
            // The letter's QR code as rows of `0`/`1` modules. Encodability is a validation
            // rule, so a validated package always encodes.
            qr => package.letter.as_ref().and_then(|l| l.qr.as_ref()).and_then(|q| qr::matrix(&q.url).ok()),
            title => title,
            input_name => loaded.source.name.clone(),
        };
        Ok(self.templates.render(&context)?)
    }

    /// Builds the PDFs of one loaded package. Nothing is written: `out_dir` names the
    /// generated source in messages (`<out_dir>/<stem>.typ`, where `--emit-typst` puts it).
    pub fn build(
        &self,
        loaded: &Loaded,
        stem: &str,
        out_dir: &Path,
        options: &BuildOptions,
    ) -> Result<Built, Failure> {
        let package = &loaded.package;
        let kinds = DocKind::available(package);
        if kinds.is_empty() {
            return Err(Diagnostic::error(message!(
                "แฟ้มนี้ไม่มีข้อมูลสำหรับเอกสารใดเลย",
                "the package holds no data for any document"
            ))
            .with_note(message!(
                "เพิ่ม `scores`, `measures` หรือ `memo` ดูรูปแบบข้อมูลใน README.md",
                "add `scores`, `measures` or `memo`; see the input format in README.md"
            ))
            .into());
        }
        let sets: Vec<(String, Vec<DocKind>)> = if options.split {
            kinds
                .iter()
                .map(|k| (format!("{stem}-{}", k.name()), vec![*k]))
                .collect()
        } else {
            vec![(stem.to_owned(), kinds.clone())]
        };
        let archive = options.archival(package);
        let mut date = package
            .date
            .as_deref()
            .and_then(|d| thai::Date::parse(d).ok());
        let mut dated = Vec::new();
        if archive && date.is_none() {
            // PDF/A needs a date: the documents' own, else the end of the fiscal year assessed.
            let (found, warning) = archive_date(loaded);
            date = Some(found);
            dated.extend(warning);
        }

        let mut artifacts = Vec::new();
        // Notes (what `check` could not decide) are for `check`; contradictions are shown here too.
        let mut warnings: Vec<Diagnostic> = loaded
            .warnings
            .iter()
            .filter(|d| d.severity == diagnostic::Severity::Warning)
            .cloned()
            .collect();
        let emblem = emblem::find(loaded)?;
        let facts = narrative::derive(package, &loaded.framework, &loaded.frameworks);
        let names = linebreak::package_names(package);
        let segmenter = thai::words::Segmenter::new(vec![thai::words::standard(), &names]);
        warnings.extend(settable::warnings(loaded, self.compiler.fonts()));
        if kinds.iter().any(|k| k.has_emblem()) && emblem.is_none() {
            warnings.push(emblem::missing_warning(loaded));
        }
        warnings.extend(dated);
        // An archival PDF carries the package exactly as read and the facts derived from it.
        let attached: Vec<(String, Vec<u8>)> = if archive {
            let facts_json = serde_json::to_vec_pretty(&facts)
                .map_err(|e| Diagnostic::error(format!("cannot write the facts: {e}")))?;
            vec![
                (
                    archive::PACKAGE.to_owned(),
                    loaded.source.text.as_bytes().to_vec(),
                ),
                (archive::FACTS.to_owned(), facts_json),
            ]
        } else {
            Vec::new()
        };
        for (stem, kinds) in sets {
            let typ_path = out_dir.join(format!("{stem}.typ"));
            let typ_name = typ_path.display().to_string();
            let typst = self.render_source(loaded, &facts, &kinds, options, emblem.as_deref())?;
            let typst = linebreak::apply(&typst, &segmenter);
            let job = Job {
                source: &typst,
                source_name: &typ_name,
                root: &loaded.dir,
                today: date,
                virtual_files: &attached,
            };
            // On a failure the messages carry the source; the caller writes it out only
            // when asked to (`--emit-typst`), so that nothing stray is left.
            let compiled = self.compiler.compile(&job)?;
            warnings.extend(compiled.warnings);
            let document = layout_lang::restore(&text_layer::repair(&compiled.document));
            let ident = format!("ita-report/{stem}/{}", package.fiscal_year);
            let pdf = pdf::export(&document, &ident, date, archive)?;
            // Every build, archival or not, gets its signature fields: a plain memo is signed
            // in Acrobat as often as an archived one.
            let pdf =
                archive::fields::add(&pdf, &archive::fields::spots(&document)).map_err(|e| {
                    Diagnostic::error(format!("{stem}: cannot add the signature fields: {e}"))
                })?;
            artifacts.push(Artifact {
                stem,
                kinds,
                typst,
                document,
                pdf,
            });
        }
        Ok(Built {
            artifacts,
            warnings,
        })
    }
}

impl Engine {
    /// Whether `original` (a PDF's unsigned revision) is byte for byte a PDF this version
    /// builds, archival, from `package` (the attached package, named `name`): the combined
    /// PDF or one of the `--split` ones. Emblems are read from `dir` as a build beside them
    /// would. Returns the stem of the PDF that matches, `None` when none does.
    pub fn reproduces(
        &self,
        original: &[u8],
        package: &[u8],
        name: &str,
        dir: &Path,
        frameworks: &framework::Frameworks,
        options: &BuildOptions,
    ) -> Result<Option<String>, Failure> {
        let text = std::str::from_utf8(package).map_err(|_| {
            Diagnostic::error(format!("the attached package `{name}` is not UTF-8"))
        })?;
        let mut loaded = load::load_str(text, name, frameworks)?;
        loaded.dir = dir.to_path_buf();
        let stem = archive_name(name);
        let scratch = std::env::temp_dir();
        for split in [false, true] {
            let options = BuildOptions {
                split,
                archive: true,
                ..options.clone()
            };
            let built = self.build(&loaded, &stem, &scratch, &options)?;
            if let Some(found) = built.artifacts.into_iter().find(|a| a.pdf == original) {
                return Ok(Some(found.stem));
            }
        }
        Ok(None)
    }
}

/// The date of an archival PDF whose package has no `date`: the memo's, letter's or
/// announcement's date, else 30 September of the fiscal year, with a warning saying so.
fn archive_date(loaded: &Loaded) -> (thai::Date, Option<Diagnostic>) {
    let p = &loaded.package;
    if let Some(date) = documents::dates(p).find_map(|d| thai::Date::parse(d).ok()) {
        return (date, None);
    }
    let end = thai::Date {
        year: p.fiscal_year - 543,
        month: 9,
        day: 30,
    };
    let (name, year) = (&loaded.source.name, p.fiscal_year);
    let warning = Diagnostic::warning(message!(
        "{name}: แฟ้มไม่มีวันที่ PDF สำหรับเก็บถาวรจึงลงวันที่วันสุดท้ายของปีงบประมาณ {year} (30 กันยายน)",
        "{name}: the package has no date; the archival PDF is dated the last day of fiscal year {year} (30 September)"
    ))
    .with_note(message!("กำหนด `date` เป็นวันที่ลงนามในเอกสาร", "set `date` to the date the documents are signed"));
    (end, Some(warning))
}

/// The attachments' file name stem: the package file's name without its folder and `.json`.
fn archive_name(shown: &str) -> String {
    let name = shown.rsplit(['/', '\\']).next().unwrap_or(shown);
    name.strip_suffix(".json").unwrap_or(name).to_owned()
}

/// Frees Typst's memoized results older than three packages; call between packages in long
/// runs. (Keeping ten halved nothing of the time and doubled the peak memory: 204 packages on
/// 2 cores, 295 → 147 MiB for the first 24, the same wall time within noise.)
pub fn evict_caches() {
    comemo::evict(3);
}
