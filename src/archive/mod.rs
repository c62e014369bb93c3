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
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

pub mod appearance;
pub mod cades;
pub mod fields;
pub mod keystore;
pub mod pdfobj;
pub mod revisions;
pub mod sign;
pub mod trust;
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

/// The files attached to a PDF, by name, with their bytes.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let objects = Objects::read(pdf)?;
    let mut out = Vec::new();
    for (_, dict) in objects.all() {
        if pdfobj::value(dict, "/Type") != Some("/Filespec") {
            continue;
        }
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
        out.push((name, stream));
    }
    if out.is_empty() {
        return Err("the PDF has no attached files".to_owned());
    }
    Ok(out)
}

/// Writes the attachments of `pdf` into `dir`; returns the paths written.
pub fn extract(pdf: &Path, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let bytes = std::fs::read(pdf)
        .map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", pdf.display())))?;
    let files =
        attachments(&bytes).map_err(|e| Diagnostic::error(format!("`{}`: {e}", pdf.display())))?;
    let mut written = Vec::new();
    for (name, data) in files {
        // A name from the file is only a name: no folders.
        let safe: String = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("attachment")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let path = dir.join(if safe.is_empty() || safe.starts_with('.') {
            "attachment".to_owned()
        } else {
            safe
        });
        crate::pdf::write_atomic(&path, &data)
            .map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}
