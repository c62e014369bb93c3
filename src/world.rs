//! The Typst world: fonts, the generated main source, and compilation in-process.
//!
//! Only this module touches `typst::World`. Fonts are explicit (the bundled Laksaman and
//! Sarabun plus folders the user names), never the machine's system fonts, so a document looks
//! the same everywhere; they are loaded once per process in a [`Compiler`] and shared by every
//! document of a batch. A document may read files only from its input's folder (e.g. the
//! agency's Garuda emblem), and `today()` is the package's date, so output is reproducible.

use std::path::{Path, PathBuf};

use sha2::Digest;
use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, Failure, SourceFile};
use crate::spans::Spans;

/// Fonts shipped inside the binary: (file name, bytes).
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "Laksaman.ttf",
        include_bytes!("../fonts/laksaman/Laksaman.ttf"),
    ),
    (
        "Laksaman-Bold.ttf",
        include_bytes!("../fonts/laksaman/Laksaman-Bold.ttf"),
    ),
    (
        "Laksaman-Italic.ttf",
        include_bytes!("../fonts/laksaman/Laksaman-Italic.ttf"),
    ),
    (
        "Laksaman-BoldItalic.ttf",
        include_bytes!("../fonts/laksaman/Laksaman-BoldItalic.ttf"),
    ),
    (
        "Sarabun_400Regular.ttf",
        include_bytes!("../fonts/sarabun/Sarabun_400Regular.ttf"),
    ),
    (
        "Sarabun_700Bold.ttf",
        include_bytes!("../fonts/sarabun/Sarabun_700Bold.ttf"),
    ),
    (
        "Sarabun_400Regular_Italic.ttf",
        include_bytes!("../fonts/sarabun/Sarabun_400Regular_Italic.ttf"),
    ),
    (
        "Sarabun_700Bold_Italic.ttf",
        include_bytes!("../fonts/sarabun/Sarabun_700Bold_Italic.ttf"),
    ),
];

/// The families tried, in order, when a package names none.
pub const PREFERRED_FAMILIES: &[&str] = &["TH Sarabun New", "TH SarabunPSK", "Laksaman"];

/// Laksaman is TH SarabunPSK redrawn 150.42 % larger (DESIGN.md): the height of its ก,
/// divided by this, is the height of TH Sarabun's ก, the yardstick for every other font.
const LAKSAMAN_OVER_TH_SARABUN: f64 = 1.5042;

/// The font set of a process.
pub struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The files the fonts were read from, and for each font the index of its file (a `.ttc`
    /// holds several), so that an archival PDF can name the files it is set in.
    files: Vec<FontFile>,
    file_of: Vec<usize>,
}

/// A font file of the set: its name without the folder, and its bytes.
pub struct FontFile {
    pub name: String,
    data: Bytes,
    /// Hashed when first asked for: most runs never ask, and a font folder can be large.
    sha256: std::sync::OnceLock<String>,
}

impl FontFile {
    /// The SHA-256 of the file's bytes, as lowercase hex.
    pub fn sha256(&self) -> &str {
        self.sha256
            .get_or_init(|| format!("{:x}", sha2::Sha256::digest(&*self.data)))
    }
}

impl Fonts {
    /// The bundled fonts plus every `.ttf`, `.otf` and `.ttc` under `dirs`.
    pub fn load(dirs: &[PathBuf]) -> Result<Fonts, Diagnostic> {
        let (mut fonts, mut files, mut file_of) = (Vec::new(), Vec::new(), Vec::new());
        let mut add = |name: &str, data: Bytes| {
            let before = fonts.len();
            fonts.extend(Font::iter(data.clone()));
            file_of.resize(fonts.len(), files.len());
            if fonts.len() > before {
                files.push(FontFile {
                    name: name.to_owned(),
                    data,
                    sha256: std::sync::OnceLock::new(),
                });
            }
        };
        for (name, data) in BUNDLED {
            add(name, Bytes::new(*data));
        }
        for dir in dirs {
            if !dir.is_dir() {
                return Err(Diagnostic::error(format!(
                    "font folder `{}` does not exist or is not a folder",
                    dir.display()
                )));
            }
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        matches!(
                            e.to_ascii_lowercase().as_str(),
                            "ttf" | "otf" | "ttc" | "otc"
                        )
                    })
                })
                .collect();
            files.sort(); // the same fonts in the same order on every machine
            for path in files {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                let data = crate::confine::read(dir, relative, crate::limits::FONT_BYTES).map_err(
                    |refusal| Diagnostic::error(format!("font `{}` {refusal}", path.display())),
                )?;
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                add(&name, Bytes::new(data));
            }
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(Fonts {
            book,
            fonts,
            files,
            file_of,
        })
    }

    /// Every font file of the set, in the order loaded.
    pub fn files(&self) -> &[FontFile] {
        &self.files
    }

    /// The file a font of this set was read from.
    pub fn file_of(&self, font: &Font) -> Option<&FontFile> {
        let index = self.fonts.iter().position(|f| f == font)?;
        self.files.get(*self.file_of.get(index)?)
    }

    /// The font Typst sets a family's `variant` in (the family case-insensitive).
    pub fn select(&self, family: &str, variant: typst::text::FontVariant) -> Option<&Font> {
        let index = self.book.select(&family.to_lowercase(), variant)?;
        self.fonts.get(index)
    }

    /// Whether some font of the set has a glyph for `c` (Typst falls back to any of them).
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }

    /// Whether a family (case-insensitive) is in the set.
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }

    /// All family names, sorted, for messages.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .book
            .families()
            .map(|(name, _)| name.to_owned())
            .collect();
        names.dedup();
        names
    }

    /// The family to use: the one asked for (an error if absent), else the first preferred.
    pub fn choose(&self, asked: Option<&str>) -> Result<String, Diagnostic> {
        match asked {
            Some(family) if self.has_family(family) => Ok(family.to_owned()),
            Some(family) => Err(Diagnostic::error(format!("unknown font family `{family}`"))
                .with_note(format!("available: {}", self.families().join(", ")))
                .with_note("add a folder of fonts with --font-dir")),
            None => Ok(PREFERRED_FAMILIES
                .iter()
                .find(|f| self.has_family(f))
                .copied()
                .unwrap_or("Laksaman")
                .to_owned()),
        }
    }

    /// Factor by which official sizes (written for TH Sarabun: 16 pt body) are multiplied so
    /// that text in `family` has the same letter height.
    ///
    /// The height of the Thai letter ก is measured in the font and compared with TH Sarabun's,
    /// which is known from Laksaman (see `LAKSAMAN_OVER_TH_SARABUN`). This gives Laksaman
    /// 0.665 and Sarabun 0.681. Measuring rather than trusting the name matters: some copies
    /// of "TH Sarabun New" in circulation (web-font conversions) are drawn 1.5 times larger.
    /// A font within 3 % of TH Sarabun's height is used at its nominal size (1.0).
    pub fn scale(&self, family: &str) -> f64 {
        let reference = self
            .ko_height("laksaman")
            .map(|h| h / LAKSAMAN_OVER_TH_SARABUN);
        match (reference, self.ko_height(&family.to_lowercase())) {
            (Some(reference), Some(height)) if height > 0.0 => {
                let factor = reference / height;
                if (factor - 1.0).abs() < 0.03 {
                    1.0
                } else {
                    // Rounded so that a font update of a few units does not change every layout.
                    (factor * 1000.0).round() / 1000.0
                }
            }
            _ => 1.0,
        }
    }

    /// A word processor's single line spacing for a family: the Windows ascent and descent
    /// (em), which Word and LibreOffice use; Typst's own default takes the tighter typographic
    /// metrics, which crowd stacked Thai marks.
    pub fn line_metrics(&self, family: &str) -> (f64, f64) {
        let metrics = || {
            let index = self
                .book
                .select(&family.to_lowercase(), typst::text::FontVariant::default())?;
            let font = self.fonts.get(index)?;
            let face = ttf_parser::Face::parse(font.data(), font.index()).ok()?;
            let os2 = face.tables().os2?;
            let upem = f64::from(face.units_per_em());
            Some((
                f64::from(os2.windows_ascender()) / upem,
                -f64::from(os2.windows_descender()) / upem,
            ))
        };
        let (ascent, descent) = metrics().unwrap_or((0.8, 0.2));
        (
            (ascent * 1000.0).round() / 1000.0,
            (descent * 1000.0).round() / 1000.0,
        )
    }

    /// Height of ก (em units) in the regular face of a family.
    fn ko_height(&self, family_lower: &str) -> Option<f64> {
        let index = self
            .book
            .select(family_lower, typst::text::FontVariant::default())?;
        let font = self.fonts.get(index)?;
        let face = ttf_parser::Face::parse(font.data(), font.index()).ok()?;
        let glyph = face.glyph_index('ก')?;
        let bbox = face.glyph_bounding_box(glyph)?;
        Some(f64::from(bbox.y_max - bbox.y_min) / f64::from(face.units_per_em()))
    }
}

/// What is needed to compile documents; built once per process.
pub struct Compiler {
    library: LazyHash<Library>,
    fonts: Fonts,
    /// Main sources made by editing the first, so that what packages share keeps its spans
    /// and Typst's layout cache serves it across packages.
    spans: Spans,
}

/// One compilation: the generated source and where it may read files from.
pub struct Job<'a> {
    /// The generated Typst source.
    pub source: &'a str,
    /// Name shown in diagnostics for the generated source (the emitted `.typ` path).
    pub source_name: &'a str,
    /// The input's folder: the only place the document may read files from.
    pub root: &'a Path,
    /// The document date, used for `datetime.today()`.
    pub today: Option<crate::thai::Date>,
    /// Files that exist only in memory (the package and its facts, to attach to an archival
    /// PDF), by virtual path ("/.ita-report/package.json").
    pub virtual_files: &'a [(String, Vec<u8>)],
}

/// A compiled document and its warnings.
pub struct Compiled {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
}

impl Compiler {
    pub fn new(fonts: Fonts) -> Self {
        Self {
            library: LazyHash::new(Library::default()),
            fonts,
            spans: Spans::default(),
        }
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Compiles generated Typst source into a laid-out document.
    pub fn compile(&self, job: &Job) -> Result<Compiled, Failure> {
        let main_id = RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new("/ita-report-main.typ").expect("valid virtual path"),
        )
        .intern();
        let world = ReportWorld {
            compiler: self,
            main: self.spans.source(main_id, job.source),
            root: job.root,
            today: job
                .today
                .and_then(|d| Datetime::from_ymd(d.year, d.month, d.day)),
            virtual_files: job.virtual_files,
        };
        let result = typst::compile::<PagedDocument>(&world);
        let generated = SourceFile::new(job.source_name, job.source);
        let convert = |d: &SourceDiagnostic| world.diagnostic(d, &generated);
        let mut warnings: Vec<Diagnostic> = result.warnings.iter().map(convert).collect();
        // A missing font would silently fall back to another one: refuse it.
        let (font_errors, rest): (Vec<_>, Vec<_>) = warnings
            .drain(..)
            .partition(|d| d.message.english.contains("unknown font family"));
        warnings = rest;
        match result.output {
            Ok(document) if font_errors.is_empty() => Ok(Compiled { document, warnings }),
            Ok(_) => Err(Failure(
                font_errors
                    .into_iter()
                    .map(|d| Diagnostic {
                        severity: crate::diagnostic::Severity::Error,
                        ..d
                    })
                    .collect(),
            )),
            Err(errors) => Err(Failure(
                errors.iter().map(convert).chain(font_errors).collect(),
            )),
        }
    }
}

struct ReportWorld<'a> {
    compiler: &'a Compiler,
    main: Source,
    root: &'a Path,
    today: Option<Datetime>,
    virtual_files: &'a [(String, Vec<u8>)],
}

impl ReportWorld<'_> {
    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        if *id.get().root() != VirtualRoot::Project {
            return Err(FileError::Other(Some(
                "packages are not available to reports".into(),
            )));
        }
        let path = id.get().vpath().get_without_slash();
        if let Some((_, bytes)) = self
            .virtual_files
            .iter()
            .find(|(name, _)| name.trim_start_matches('/') == path)
        {
            return Ok(bytes.clone());
        }
        // Only files inside the input's folder, symlinks resolved (an SVG's images included).
        let bytes = crate::confine::read(self.root, Path::new(path), crate::limits::IMAGE_BYTES)
            .map_err(|refusal| match refusal {
                crate::confine::Refusal::Missing => FileError::NotFound(self.root.join(path)),
                other => FileError::Other(Some(format!("`{path}` {other}").into())),
            })?;
        crate::limits::check_image(&bytes)
            .map_err(|e| FileError::Other(Some(format!("`{path}` {e}").into())))?;
        Ok(bytes)
    }

    fn diagnostic(&self, d: &SourceDiagnostic, generated: &SourceFile) -> Diagnostic {
        let mut out = match d.severity {
            TypstSeverity::Error => Diagnostic::error(d.message.to_string()),
            TypstSeverity::Warning => Diagnostic::warning(d.message.to_string()),
        };
        if let (Some(id), Some(range)) = (d.span.id(), self.range(d.span)) {
            if id == self.main.id() {
                out = out.at(generated.clone(), range);
            } else if let Ok(source) = self.source(id) {
                let name = self.root.join(id.get().vpath().get_without_slash());
                out = out.at(
                    SourceFile::new(name.display().to_string(), source.text()),
                    range,
                );
            }
        }
        // Hints about the typst command line's options do not apply here.
        for hint in d.hints.iter().filter(|h| !h.v.contains("--root")) {
            out = out.with_note(format!("hint: {}", hint.v));
        }
        out
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.compiler.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.compiler.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let text = String::from_utf8(self.read(id)?).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        Ok(Bytes::new(self.read(id)?))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.compiler.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
