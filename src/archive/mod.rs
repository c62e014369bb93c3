//! Archival PDFs: what goes inside them, getting it back out, and the manifest of a folder.
//!
//! An archival build is PDF/A-3b (the standard typst-pdf checks while writing) with two files
//! attached: the package exactly as read (relationship Source) and the derived facts as JSON
//! (relationship Data), so that years later the figures a report shows can be traced to the
//! data it was made from. `extract` reads them back from any PDF/A-3 with attachments; the
//! manifest lists every archival PDF of a folder with SHA-256 hashes.
//!
//! The same layer signs and checks: empty signature fields over the signature blocks
//! ([`fields`], added to every build), PAdES signatures in them ([`sign`], with [`keystore`]
//! for the signer's PKCS#12 file, [`cades`] for the CMS and [`appearance`] for what the
//! signature shows), and what a file says about itself ([`verify`]). All of it reads PDFs with
//! [`pdfobj`] and writes them as incremental updates with [`update`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod appearance;
pub mod cades;
pub mod dates;
pub mod extract;
pub mod fields;
pub mod fonts;
pub mod keystore;
pub mod legacy;
pub mod ltv;
pub mod pdfobj;
pub mod revisions;
pub mod revocation;
pub mod sign;
pub mod trust;
pub mod tsa;
pub mod update;
pub mod verify;

use pdfobj::Objects;

/// Where the Typst world serves the package and the facts from memory.
pub const PACKAGE: &str = "/.ita-report/package.json";
pub const FACTS: &str = "/.ita-report/facts.json";

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The options that shaped an archival PDF's pages, recorded in its facts (`build`) so that
/// `verify` rebuilds with them and can say why a rebuild differs without calling it tampering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildRecord {
    /// The ita-report version that built it (the templates embedded in it, unless `templates`
    /// says otherwise).
    pub ita_report: String,
    /// The font family the documents were set in.
    pub font: String,
    /// `embedded`, or `custom` for templates from a folder (`--templates`).
    pub templates: String,
    /// The font files the pages are set in, by name and SHA-256 ([`fonts`]); empty in a PDF
    /// made before they were recorded.
    #[serde(default)]
    pub font_files: Vec<fonts::FontFile>,
}

impl BuildRecord {
    /// The record in the facts JSON of an archival PDF, if there is one.
    pub fn of_facts(facts: &[u8]) -> Option<BuildRecord> {
        let value: serde_json::Value = serde_json::from_slice(facts).ok()?;
        serde_json::from_value(value.get("build")?.clone()).ok()
    }
}

/// The facts JSON an archival PDF carries: `facts` with `record` as its `build`.
pub fn facts_json<T: Serialize>(facts: &T, record: &BuildRecord) -> serde_json::Result<Vec<u8>> {
    let mut facts = serde_json::to_value(facts)?;
    if let Some(map) = facts.as_object_mut() {
        map.insert("build".to_owned(), serde_json::to_value(record)?);
    }
    serde_json::to_vec_pretty(&facts)
}

/// One archival PDF in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub sha256: String,
    pub package: String,
    pub package_sha256: String,
    pub agency: String,
    pub fiscal_year: i32,
    pub documents: Vec<String>,
    pub ita_report: String,
}

/// `manifest.json` of an output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub files: Vec<ManifestEntry>,
}

pub const MANIFEST: &str = "manifest.json";

impl Manifest {
    pub fn read(dir: &Path) -> Manifest {
        std::fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Adds or replaces entries (by file name) and writes the manifest atomically, sorted.
    pub fn update(dir: &Path, entries: Vec<ManifestEntry>) -> std::io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut by_file: BTreeMap<String, ManifestEntry> = Manifest::read(dir)
            .files
            .into_iter()
            .map(|e| (e.file.clone(), e))
            .collect();
        for e in entries {
            by_file.insert(e.file.clone(), e);
        }
        let manifest = Manifest {
            files: by_file.into_values().collect(),
        };
        let text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        crate::pdf::write_atomic(&dir.join(MANIFEST), &text)
    }
}

/// The files attached to a PDF's current revision, by name, with their bytes: the ones its
/// catalog lists (the /EmbeddedFiles name tree and /AF), not every file specification the
/// bytes hold: an earlier revision's, or one no catalog reaches, is not the document's.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let objects = Objects::read(pdf)?;
    let trailer = pdfobj::Trailer::read(pdf)?;
    let mut out = Vec::new();
    for spec in listed_files(&objects, &trailer) {
        let dict = resolve(&objects, &spec);
        let Some(name) = pdfobj::value(dict, "/UF")
            .or_else(|| pdfobj::value(dict, "/F"))
            .and_then(pdfobj::text)
        else {
            continue;
        };
        let Some(number) = pdfobj::value(dict, "/EF")
            .and_then(|ef| pdfobj::value(ef, "/F"))
            .and_then(pdfobj::reference)
        else {
            continue;
        };
        let stream = objects
            .stream(number)
            .map_err(|e| format!("the file `{name}`: {e}"))?;
        if !out.iter().any(|(n, s)| *n == name && *s == stream) {
            out.push((name, stream));
        }
    }
    if out.is_empty() {
        return Err("the PDF has no attached files".to_owned());
    }
    Ok(out)
}

/// The file specifications the catalog lists, as written (references or dictionaries):
/// the /EmbeddedFiles name tree's, then /AF's.
fn listed_files(objects: &Objects, trailer: &pdfobj::Trailer) -> Vec<String> {
    let Some(catalog) = objects.get(trailer.root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(names) = pdfobj::value(catalog, "/Names")
        && let Some(tree) = pdfobj::value(resolve(objects, names), "/EmbeddedFiles")
    {
        name_tree(objects, resolve(objects, tree), 0, &mut out);
    }
    if let Some(af) = pdfobj::value(catalog, "/AF") {
        out.extend(
            pdfobj::elements(resolve(objects, af))
                .into_iter()
                .map(str::to_owned),
        );
    }
    out
}

/// The values of a name tree node and its kids (at most 8 levels: a real tree of a few
/// files has one or two).
fn name_tree(objects: &Objects, node: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 8 || out.len() > 10_000 {
        return;
    }
    if let Some(names) = pdfobj::value(node, "/Names") {
        let pairs = pdfobj::elements(resolve(objects, names));
        out.extend(pairs.iter().skip(1).step_by(2).map(|v| (*v).to_owned()));
    }
    if let Some(kids) = pdfobj::value(node, "/Kids") {
        for kid in pdfobj::elements(resolve(objects, kids)) {
            name_tree(objects, resolve(objects, kid), depth + 1, out);
        }
    }
}

/// The object a value refers to, or the value itself when it is not a reference.
fn resolve<'o>(objects: &'o Objects, value: &'o str) -> &'o str {
    pdfobj::reference(value)
        .and_then(|n| objects.get(n))
        .unwrap_or(value)
}
