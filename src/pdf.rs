//! PDF export and writing files atomically.
//!
//! A PDF is written to a temporary file beside its destination and renamed into place, so a
//! reader (or an archive job) never sees half a document, and a failed build leaves nothing.

use std::io::Write;
use std::path::Path;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::diagnostic::Diagnostic;
use crate::thai::Date;

/// Exports a laid-out document. `ident` distinguishes documents (it becomes the PDF's id);
/// `date` is the only timestamp written, so the same input gives the same bytes.
pub fn export(document: &PagedDocument, ident: &str, date: Option<Date>) -> Result<Vec<u8>, Diagnostic> {
    let options = PdfOptions {
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

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
