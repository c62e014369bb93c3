//! The document kinds, one module each, and the package they are made from.
//!
//! Everything the program knows about one kind lives in that kind's module: its data (the
//! types of its field in a package), what it is called, which template sets it, how its
//! pages are set up, when a package holds it and the rules its data must keep. The one list
//! of the kinds, `kinds!` below, makes the rest from those modules: the `mod`
//! declarations, [`DocKind`], [`ALL`], [`DocKind::spec`] and the kinds' fields of
//! [`Package`], so adding a kind is one module, one line here and one template, and the
//! compiler checks it (a module without `SPEC`, its data type or its template does not
//! build; a `SPEC` named other than its key fails at compile time). The registry test
//! (`tests/it/documents.rs`) checks what the compiler cannot: the template on disk, the
//! schema's Thai title, the name in file names. The shared parts of the documents (the
//! layout, the entry point) are in `templates` (above this layer).
//!
//! The package is assembled here rather than in [`crate::model`] so that the model (the
//! parts every document shares) stays below the kinds: a kind's module imports the model,
//! never the other way.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::model::{
    Agency, HistoryYear, Numerals, Outline, Province, Recommendation, Scores, Signer,
};

/// Makes the registry from one line a kind, in the order the documents appear in a combined
/// PDF: `Variant key: DataType "what its package field holds",` for a kind with data of its
/// own under `key`, `Variant key,` for one made of the package's shared data (the report).
/// `key` is the module (`src/documents/<key>.rs`, which declares `SPEC` and `DataType`),
/// the package field, the template's stem and the file-name suffix.
macro_rules! kinds {
    ($($Kind:ident $key:ident $(: $Data:ident $doc:tt)?,)*) => {
        $(pub mod $key;)*

        /// The documents a package can produce, in the order they appear in a combined PDF.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum DocKind {
            $(
                #[doc = concat!("The kind declared in [`", stringify!($key), "`].")]
                $Kind,
            )*
        }

        /// Every kind, in combined order.
        pub const ALL: [DocKind; [$(DocKind::$Kind),*].len()] = [$(DocKind::$Kind),*];

        impl DocKind {
            /// The kind's declaration.
            pub fn spec(self) -> &'static Spec {
                match self {
                    $(DocKind::$Kind => &$key::SPEC,)*
                }
            }

            /// Whether the kind has data of its own under its name in a package (the report
            /// is made of the package's shared data).
            pub fn has_data(self) -> bool {
                match self {
                    $(DocKind::$Kind => <[&str]>::len(&[$(stringify!($Data))?]) == 1,)*
                }
            }
        }

        // A kind's `SPEC` names it by its key: templates, file names and the package's
        // field all use that one name.
        $(const _: () = assert!(
            same(stringify!($key), $key::SPEC.name),
            concat!("src/documents/", stringify!($key), ".rs: SPEC.name is not its key"),
        );)*

        /// One report package: one agency, one fiscal year, and whatever documents its data
        /// supports.
        #[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Package {
            /// The agency the documents are about and issued by.
            pub agency: Agency,
            /// Fiscal year of the assessment, Buddhist era (e.g. 2568).
            pub fiscal_year: i32,
            /// Digits used for every number the program writes and in typed text (addresses,
            /// file names and codes such as "O12" keep theirs).
            #[serde(default)]
            pub numerals: Numerals,
            /// Font family to set the documents in; default: TH Sarabun New when supplied, else
            /// Laksaman.
            #[serde(default)]
            pub font: Option<String>,
            /// Date stamped into the PDF metadata (`YYYY-MM-DD`, BE or CE year). Without it the
            /// PDF carries no date, so output stays reproducible either way.
            #[serde(default)]
            pub date: Option<String>,
            /// Title lines of the analysis report; a default title is written when absent.
            #[serde(default)]
            pub report_title: Vec<String>,
            /// This year's scores.
            #[serde(default)]
            pub scores: Option<Scores>,
            /// Results of earlier years, any order.
            #[serde(default)]
            pub history: Vec<HistoryYear>,
            /// Assessor recommendations, per tool.
            #[serde(default)]
            pub recommendations: Vec<Recommendation>,
            $($(
                #[doc = $doc]
                #[serde(default)]
                pub $key: Option<$key::$Data>,
            )?)*
            /// A province's summary of all its agencies (seed 000 §2).
            #[serde(default)]
            pub province: Option<Province>,
            /// The Garuda emblem (SVG or PNG), relative to the package file; without it
            /// `garuda.svg` or `garuda.png` beside the package is used when present.
            #[serde(default)]
            pub emblem: Option<String>,
            /// Build archival PDFs (PDF/A-3b with the package and its facts attached) without
            /// being asked with `build --archive`.
            #[serde(default)]
            pub archive: bool,
            /// The order of each document's parts; a document left out keeps the program's
            /// default order (`ita-report init` writes it out to edit).
            #[serde(default, skip_serializing_if = "Outline::is_empty")]
            pub outline: Outline,
        }
    };
}

kinds! {
    Memo memo: Memo "The covering memo (บันทึกข้อความ).",
    Letter letter: Letter "The distribution letter (หนังสือภายนอก).",
    Cover cover: Cover "The cover page of the report.",
    Report report,
    Oit oit: Oit "The OIT result item by item (seed 001 part 1).",
    Measures measures: Measures "The measures plan (มาตรการ).",
    Announcement announcement: Announcement "An announcement (ประกาศ).",
    Progress progress: Progress "A progress report (รายงานผลการดำเนินการ).",
}

/// Whether two names are the same, at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A kind is written as its name (`"memo"`), in templates and the facts.
impl Serialize for DocKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What one document kind declares.
pub struct Spec {
    /// The key of its data in a package, its template's stem and its file-name suffix.
    pub name: &'static str,
    /// What an official calls it (Thai, English).
    pub label: (&'static str, &'static str),
    /// The built-in template (`<name>.typ`), replaceable by a file of that name.
    pub template: &'static str,
    /// Whether the form carries the Garuda emblem.
    pub emblem: bool,
    /// Whether it goes on the numbered document of a kind printed just before it that
    /// [`leads`](Spec::leads) (seed 000: cover, then sections ๑–๓).
    pub continues: bool,
    /// Whether a kind that continues may go on its numbering (cover, report, OIT detail).
    pub leads: bool,
    /// Whether the package holds its data.
    pub present: fn(&Package) -> bool,
    /// Whether its pages are landscape.
    pub landscape: fn(&Package) -> bool,
    /// Its secrecy class (ลับ …), stamped on every page.
    pub secrecy: fn(&Package) -> Option<&str>,
    /// The date it is signed on, as written, when it has one.
    pub date: fn(&Package) -> Option<&str>,
    /// The people who sign it (their names are kept whole by the line breaker).
    pub signers: fn(&Package) -> Vec<&Signer>,
    /// The rules its data must keep beyond its shape, reported under `path` (its key).
    pub rules: fn(&Package, &mut Checker, JsonPath),
}

impl DocKind {
    /// Name used in file names and templates (`memo`, `letter`, …).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Whether the form carries the Garuda emblem.
    pub fn has_emblem(self) -> bool {
        self.spec().emblem
    }

    /// The documents whose data the package holds, in combined order.
    pub fn available(package: &Package) -> Vec<DocKind> {
        ALL.into_iter()
            .filter(|k| (k.spec().present)(package))
            .collect()
    }

    /// The kind whose data sits under `key` in a package.
    pub fn from_name(key: &str) -> Option<DocKind> {
        ALL.into_iter().find(|k| k.name() == key)
    }
}

/// The page setup of each document of a set, as the entry template (`main.typ`) reads it
/// (its margins are the house style's, `style.typ`).
#[derive(Debug, Serialize)]
pub struct Setup {
    pub name: &'static str,
    pub landscape: bool,
    pub secrecy: Option<String>,
    /// Whether it goes on the numbered document before it (see [`Spec::continues`]).
    pub continues: bool,
}

/// The page setups of `kinds` printed together, in that order.
pub fn setups(package: &Package, kinds: &[DocKind]) -> Vec<Setup> {
    let mut previous: Option<DocKind> = None;
    kinds
        .iter()
        .map(|&kind| {
            let spec = kind.spec();
            let after_numbered = previous.is_some_and(|p| p.spec().leads);
            previous = Some(kind);
            Setup {
                name: spec.name,
                landscape: (spec.landscape)(package),
                secrecy: (spec.secrecy)(package).map(str::to_owned),
                continues: spec.continues && after_numbered,
            }
        })
        .collect()
}

/// The dates the signed documents carry, in combined order.
pub fn dates(package: &Package) -> impl Iterator<Item = &str> {
    ALL.into_iter().filter_map(|k| (k.spec().date)(package))
}

/// Everyone who signs a document of the package.
pub fn signers(package: &Package) -> impl Iterator<Item = &Signer> {
    ALL.into_iter().flat_map(|k| (k.spec().signers)(package))
}

/// What a kind is unless it says otherwise: no emblem, its own numbering, portrait, no
/// secrecy class, no date, no signer, no rules beyond the package's. Each kind's `SPEC`
/// names itself, its label, template and presence, and takes the rest from here
/// (`..PLAIN`); a kind that forgot its name would have no template and fail the registry
/// test.
pub(crate) const PLAIN: Spec = Spec {
    name: "",
    label: ("", ""),
    template: "",
    emblem: false,
    continues: false,
    leads: false,
    present: |_| false,
    landscape: |_| false,
    secrecy: |_| None,
    date: |_| None,
    signers: |_| Vec::new(),
    rules: |_, _, _| {},
};
