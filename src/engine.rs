//! The engine: fonts and templates loaded once per process, and the stages that turn one
//! loaded package into PDFs.
//!
//! loaded ([`Loaded`]: validated, facts derived once) → prepared (`Prepared`: emblem,
//! date, the package's words, attachments, warnings) → source (Typst from the templates, Thai
//! breaks written in) → laid out ([`PagedDocument`], Thai clusters rejoined) → PDF (exported,
//! with its signature fields). Each stage is a function of the one before; nothing is
//! written here (the faces write what [`Engine::build`] returns).

use std::path::{Path, PathBuf};

use minijinja::Value;
use typst_layout::PagedDocument;

use crate::diagnostic::{self, Diagnostic, Failure};
use crate::documents::Package;
use crate::documents::{self, DocKind};
use crate::load::{self, Loaded};
use crate::model::Numerals;
use crate::templates::Templates;
use crate::thai::words::{Segmenter, WordList};
use crate::world::{Compiler, Fonts, Job};
use crate::{
    analysis, archive, emblem, flow, framework, layout_lang, linebreak, message, pdf, qr, settable,
    text_layer, thai,
};
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
    /// The Typst source laid out: the generated one, with the page-flow markers and
    /// remedies the engine wrote into it (`flow`).
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
    /// Templates from a folder rather than the embedded ones (recorded in archival PDFs).
    custom_templates: bool,
}

impl Engine {
    /// Loads the bundled fonts plus `font_dirs`, and the templates (embedded, overridden by
    /// files in `templates_dir`; the year frameworks are loaded separately, see
    /// [`framework::Frameworks::load`]).
    pub fn new(templates_dir: Option<&Path>, font_dirs: &[PathBuf]) -> Result<Self, Diagnostic> {
        Ok(Self {
            templates: Templates::new(templates_dir)?,
            compiler: Compiler::new(Fonts::load(font_dirs)?),
            custom_templates: templates_dir.is_some(),
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
        self.render_source(loaded, &loaded.facts, kinds, options, emblem.as_deref())
    }

    /// The templates' Typst source of `kinds`, before Thai breaks are written in.
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

    /// Stage 2: what every document of the package shares, looked up once.
    fn prepare(
        &self,
        loaded: &Loaded,
        kinds: &[DocKind],
        options: &BuildOptions,
    ) -> Result<Prepared, Failure> {
        let package = &loaded.package;
        let archival = options.archival(package);
        let mut date = package
            .date
            .as_deref()
            .and_then(|d| thai::Date::parse(d).ok());
        // Notes (what `check` could not decide) are for `check`; contradictions are shown
        // here too.
        let mut warnings: Vec<Diagnostic> = loaded
            .warnings
            .iter()
            .filter(|d| d.severity == diagnostic::Severity::Warning)
            .cloned()
            .collect();
        let emblem = emblem::find(loaded)?;
        warnings.extend(settable::warnings(loaded, self.compiler.fonts()));
        if kinds.iter().any(|k| k.has_emblem()) && emblem.is_none() {
            warnings.push(emblem::missing_warning(loaded));
        }
        if archival && date.is_none() {
            // PDF/A needs a date: the documents' own, else the end of the fiscal year.
            let (found, warning) = archive_date(loaded);
            date = Some(found);
            warnings.extend(warning);
        }
        // An archival PDF carries the package exactly as read and the facts derived from it.
        let attached = if archival {
            let facts = self.facts_with_build(loaded, options)?;
            let package = loaded.source.text.as_bytes().to_vec();
            vec![
                (archive::PACKAGE.to_owned(), package),
                (archive::FACTS.to_owned(), facts),
            ]
        } else {
            Vec::new()
        };
        Ok(Prepared {
            emblem,
            date,
            archival,
            names: linebreak::package_names(package),
            attached,
            warnings,
        })
    }

    /// The facts an archival PDF carries, with the options that shape its pages
    /// ([`archive::BuildRecord`]), for `verify` to rebuild with.
    fn facts_with_build(
        &self,
        loaded: &Loaded,
        options: &BuildOptions,
    ) -> Result<Vec<u8>, Failure> {
        let asked = options.font.as_deref().or(loaded.package.font.as_deref());
        let font = self.compiler.fonts().choose(asked)?;
        let record = archive::BuildRecord {
            ita_report: env!("CARGO_PKG_VERSION").to_owned(),
            font_files: archive::fonts::expected(self.compiler.fonts(), &font),
            font,
            templates: if self.custom_templates {
                "custom"
            } else {
                "embedded"
            }
            .to_owned(),
        };
        let written = archive::facts_json(&loaded.facts, &record);
        Ok(written.map_err(|e| Diagnostic::error(format!("cannot write the facts: {e}")))?)
    }

    /// Stage 3: the Typst source of `kinds`, with Thai line breaks written in.
    fn source(
        &self,
        loaded: &Loaded,
        prepared: &Prepared,
        kinds: &[DocKind],
        options: &BuildOptions,
    ) -> Result<String, Failure> {
        let emblem = prepared.emblem.as_deref();
        let typst = self.render_source(loaded, &loaded.facts, kinds, options, emblem)?;
        let segmenter = Segmenter::new(vec![thai::words::standard(), &prepared.names]);
        Ok(linebreak::apply(&typst, &segmenter))
    }

    /// Stage 4: the source laid out into pages, with Typst's warnings. On a failure the
    /// messages carry the source, named `name`; the caller writes it out only when asked to
    /// (`--emit-typst`), so that nothing stray is left.
    fn lay_out(
        &self,
        loaded: &Loaded,
        prepared: &Prepared,
        typst: &str,
        name: &str,
    ) -> Result<(PagedDocument, Vec<Diagnostic>), Failure> {
        let job = Job {
            source: typst,
            source_name: name,
            root: &loaded.dir,
            today: prepared.date,
            virtual_files: &prepared.attached,
        };
        let mut compiled = self.compiler.compile(&job)?;
        // The record names the font files the pages use, known only now (archive::fonts).
        let fonts = self.compiler.fonts();
        let attached = &prepared.attached;
        if let Some(files) =
            archive::fonts::settle(attached, &loaded.facts, &compiled.document, fonts)
        {
            compiled = self.compiler.compile(&Job {
                virtual_files: &files,
                ..job
            })?;
        }
        let document = layout_lang::restore(&text_layer::repair(&compiled.document));
        Ok((document, compiled.warnings))
    }

    /// Stage 4 with the page flow the engine decides (`flow`): laid out with the engine's
    /// markers, then again, at most twice, while a rule is broken that a changed source
    /// mends (a short table that may split, then a short last page). The layout kept is the
    /// last one that converged with no more pages and no more short last pages than the
    /// first (a split may shorten a last page that the next build mends). Returns the source
    /// of the layout kept.
    fn lay_out_flowing(
        &self,
        loaded: &Loaded,
        prepared: &Prepared,
        typst: String,
        name: &str,
    ) -> Result<(String, PagedDocument, Vec<Diagnostic>), Failure> {
        let typst = flow::anchored(&typst);
        let (document, warnings) = self.lay_out(loaded, prepared, &typst, name)?;
        let short = |d: &PagedDocument| flow::extents(d).iter().filter(|e| e.short()).count();
        let (pages, shorts) = (document.pages().len(), short(&document));
        let mut kept = (typst.clone(), document.clone(), warnings);
        let (mut source, mut last) = (typst, document);
        for _ in 0..2 {
            let Some(revised) = flow::revise(&source, &last) else {
                break;
            };
            // A remedy that fails to compile (a customised layout.typ) is not taken.
            let Ok((document, warnings)) = self.lay_out(loaded, prepared, &revised, name) else {
                break;
            };
            let converged = !warnings
                .iter()
                .any(|w| w.message.english.contains("converge"));
            if !converged {
                break;
            }
            if document.pages().len() <= pages && short(&document) <= shorts {
                kept = (revised.clone(), document.clone(), warnings);
            }
            (source, last) = (revised, document);
        }
        Ok(kept)
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
                "เพิ่ม `scores`, `measures` หรือ `memo` ดูรูปแบบข้อมูลใน docs/src/reference/input-format.md",
                "add `scores`, `measures` or `memo`; see the input format in docs/src/reference/en/input-format.md"
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
        let mut prepared = self.prepare(loaded, &kinds, options)?;
        let mut warnings = std::mem::take(&mut prepared.warnings);
        let mut artifacts = Vec::new();
        for (stem, kinds) in sets {
            let typst = self.source(loaded, &prepared, &kinds, options)?;
            let typ_name = out_dir.join(format!("{stem}.typ")).display().to_string();
            let (typst, document, compiled) =
                self.lay_out_flowing(loaded, &prepared, typst, &typ_name)?;
            warnings.extend(compiled);
            let pdf = export(&document, &stem, package.fiscal_year, &prepared)?;
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

/// What every document of one package shares (stage 2).
struct Prepared {
    /// The emblem's path as the templates read it, when there is one.
    emblem: Option<String>,
    /// The PDF's date (an archival PDF always has one).
    date: Option<thai::Date>,
    archival: bool,
    /// The package's proper names, kept whole by the line breaker.
    names: WordList,
    /// Files attached to an archival PDF: (name, bytes).
    attached: Vec<(String, Vec<u8>)>,
    warnings: Vec<Diagnostic>,
}

/// Stage 5: the PDF of a laid-out document, with its signature fields. Every build,
/// archival or not, gets them: a plain memo is signed in Acrobat as often as an archived one.
fn export(
    document: &PagedDocument,
    stem: &str,
    year: i32,
    prepared: &Prepared,
) -> Result<Vec<u8>, Failure> {
    let ident = format!("ita-report/{stem}/{year}");
    let pdf = pdf::export(document, &ident, prepared.date, prepared.archival)?;
    let fields = archive::fields::spots(document);
    Ok(archive::fields::add(&pdf, &fields)
        .map_err(|e| Diagnostic::error(format!("{stem}: cannot add the signature fields: {e}")))?)
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
