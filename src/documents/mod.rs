//! The document kinds, one module each: what a kind is called, which template sets it, how
//! its pages are set up, when a package holds it, and the rules its data must keep.
//!
//! Everything the program knows about one kind lives in that kind's module, so adding a kind
//! is one module here, one arm in [`DocKind::spec`] and one template; the registry test
//! (`tests/it/documents.rs`) fails when a kind is missing from [`ALL`] or its template is not
//! embedded. The shared parts of the documents (the layout, the entry point) are in
//! [`crate::templates`].

mod announcement;
mod cover;
mod letter;
mod measures;
mod memo;
mod oit;
mod progress;
mod report;

use serde::Serialize;

use crate::diagnostic::JsonPath;
use crate::framework::Framework;
use crate::model::{Package, Signer};
use crate::rules::{Checker, Problem};

/// The documents a package can produce, in the order they appear in a combined PDF
/// (the order of the provincial package: memo → letter → cover → report → measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// บันทึกข้อความ, the covering memo.
    Memo,
    /// หนังสือภายนอก, the distribution letter.
    Letter,
    /// The cover page of the report.
    Cover,
    /// The analysis report.
    Report,
    /// The OIT result item by item, with the weak-point tables.
    Oit,
    /// The measures appendix (มาตรการ).
    Measures,
    /// ประกาศ, an announcement.
    Announcement,
    /// A progress report.
    Progress,
}

/// Every kind, in combined order.
pub const ALL: [DocKind; 8] = [
    DocKind::Memo,
    DocKind::Letter,
    DocKind::Cover,
    DocKind::Report,
    DocKind::Oit,
    DocKind::Measures,
    DocKind::Announcement,
    DocKind::Progress,
];

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
    /// The kind's declaration.
    pub fn spec(self) -> &'static Spec {
        match self {
            DocKind::Memo => &memo::SPEC,
            DocKind::Letter => &letter::SPEC,
            DocKind::Cover => &cover::SPEC,
            DocKind::Report => &report::SPEC,
            DocKind::Oit => &oit::SPEC,
            DocKind::Measures => &measures::SPEC,
            DocKind::Announcement => &announcement::SPEC,
            DocKind::Progress => &progress::SPEC,
        }
    }

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

/// Every rule a package breaks beyond its shape: the rules of its own data
/// ([`crate::rules::check`]), then those of each document it holds data for.
pub fn check(package: &Package, framework: Option<&Framework>) -> Vec<Problem> {
    let mut c = Checker::new(framework);
    crate::rules::check(&mut c, package);
    for kind in ALL {
        let spec = kind.spec();
        if (spec.present)(package) {
            (spec.rules)(package, &mut c, JsonPath::default().key(spec.name));
        }
    }
    crate::outline::rules(package, &mut c);
    c.into_problems()
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
