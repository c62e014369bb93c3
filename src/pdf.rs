//! PDF export and writing files atomically.
//!
//! A PDF is written to a temporary file beside its destination and renamed into place, so a
//! reader (or an archive job) never sees half a document, and a failed build leaves nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::Diagnostic;
use crate::thai::Date;

/// Exports a laid-out document. `ident` distinguishes documents (it becomes the PDF's id);
/// `date` is the only timestamp written, so the same input gives the same bytes.
pub fn export(
    document: &PagedDocument,
    ident: &str,
    date: Option<Date>,
    archival: bool,
) -> Result<Vec<u8>, Diagnostic> {
    let standards = if archival {
        PdfStandards::new(&[PdfStandard::A_3b])
            .map_err(|e| Diagnostic::error(format!("PDF/A-3b: {e:?}")))?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        standards,
        ident: Smart::Custom(ident.to_owned()),
        timestamp: date
            .and_then(|d| Datetime::from_ymd_hms(d.year, d.month, d.day, 0, 0, 0))
            .map(Timestamp::new_utc),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Diagnostic::error(format!("PDF export failed: {}", messages.join("; ")))
    })
}

/// The start of every temporary file name, so that a later run can recognise its own.
const TEMP_PREFIX: &str = ".ita-report-";

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all(&[(path.to_path_buf(), bytes)])
}

/// Writes every file or none: each goes to a temporary file first, and only when all are
/// written and synced are they renamed into place.
pub fn write_all(files: &[(PathBuf, &[u8])]) -> std::io::Result<()> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    let result = (|| {
        for (path, bytes) in files {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("output");
            let tmp = dir.join(format!("{TEMP_PREFIX}{name}.{}.tmp", std::process::id()));
            staged.push((tmp.clone(), path));
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        for (tmp, path) in &staged {
            std::fs::rename(tmp, path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result
}

/// Removes temporary files an interrupted run left in `dir` (a run killed before its
/// rename). Files of a run still going (its process alive, where that can be told) stay.
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let pid: Option<u32> = rest.rsplit('.').next().and_then(|p| p.parse().ok());
        let alive = pid
            .is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if !alive && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}
