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

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all(&[(path.to_path_buf(), bytes)])
}

/// Writes every file or none: every target is checked first (not a folder, a name the file
/// system takes), each file goes to a temporary file beside it (named with this host and
/// process, see [`crate::sharing`]), and only when all are written and synced are they renamed
/// into place ([`commit`], which puts back what it replaced if a later rename fails).
pub fn write_all(files: &[(PathBuf, &[u8])]) -> std::io::Result<()> {
    for (path, _) in files {
        check_target(path)?;
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for (path, bytes) in files {
            let dir = parent(path);
            std::fs::create_dir_all(dir)?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("output");
            let tmp = dir.join(crate::sharing::temp_name(name));
            staged.push((tmp.clone(), path.clone()));
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        commit(&staged)
    })();
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A target that a rename could not replace, refused before anything is written.
fn check_target(path: &Path) -> std::io::Result<()> {
    let name_len = path.file_name().map_or(0, |n| n.len());
    if name_len > crate::filename::LIMIT {
        return Err(std::io::Error::other(format!(
            "the name of `{}` is {name_len} bytes, more than the {} a file system takes",
            path.display(),
            crate::filename::LIMIT
        )));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(std::io::Error::other(format!(
            "`{}` is a folder",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Renames each temporary file onto its target, in order. If one rename fails, the targets
/// already renamed get their earlier content back (kept as a hard link, or a copy where links
/// are not supported, until all are in place) or are removed if they were new: all or
/// nothing. A target is never missing in between: a rename replaces it in one step.
pub fn commit(staged: &[(PathBuf, PathBuf)]) -> std::io::Result<()> {
    // What each target held before: its backup, or None when it did not exist.
    let mut done: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    let mut result = Ok(());
    for (tmp, path) in staged {
        let backup = match backup(path) {
            Ok(backup) => backup,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        if let Err(e) = std::fs::rename(tmp, path) {
            if let Some(b) = &backup {
                let _ = std::fs::remove_file(b);
            }
            result = Err(e);
            break;
        }
        done.push((path, backup));
    }
    for (path, backup) in done.into_iter().rev() {
        match (&result, backup) {
            (Ok(()), Some(b)) => {
                let _ = std::fs::remove_file(b);
            }
            (Ok(()), None) => {}
            (Err(_), Some(b)) => {
                let _ = std::fs::rename(b, path);
            }
            (Err(_), None) => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
    result
}

/// A second name for the file at `path` (a hard link, else a copy), if there is one.
fn backup(path: &Path) -> std::io::Result<Option<PathBuf>> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let name = path
        .file_name()
        .map_or("output".into(), |n| n.to_string_lossy());
    let backup = parent(path).join(crate::sharing::temp_name(&format!("{name}.old")));
    let _ = std::fs::remove_file(&backup);
    if std::fs::hard_link(path, &backup).is_err() {
        std::fs::copy(path, &backup)?;
    }
    Ok(Some(backup))
}

/// Removes temporary files an interrupted run left in `dir` (a run killed before its
/// rename): those of this host whose process is gone, those of other hosts only when
/// abandoned for long ([`crate::sharing::abandoned`]).
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    crate::sharing::remove_abandoned(dir)
}

/// Whether the PDF at `path` carries a signature: a signature dictionary with its
/// `/ByteRange [a b c d]` (what every PDF signature has, whichever tool made it; the empty
/// fields of a build have none). Read in pieces: the file is not held in memory.
pub fn is_signed(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    const KEY: &[u8] = b"/ByteRange";
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 16];
    // The end of the previous piece, so that a signature across two pieces is found.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(false);
        }
        carry.extend_from_slice(&buffer[..n]);
        let mut from = 0;
        while let Some(at) = find(&carry[from..], KEY) {
            let after = &carry[from + at + KEY.len()..];
            if byte_range(after) {
                return Ok(true);
            }
            from += at + 1;
        }
        let keep = carry.len().saturating_sub(128);
        carry.drain(..keep);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `text` starts with `[` and four whole numbers (spaces allowed) and `]`.
fn byte_range(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&text[..text.len().min(100)]);
    let Some(inside) = text.trim_start().strip_prefix('[') else {
        return false;
    };
    let Some((numbers, _)) = inside.split_once(']') else {
        return false;
    };
    let numbers: Vec<&str> = numbers.split_ascii_whitespace().collect();
    numbers.len() == 4
        && numbers
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_digit()))
}
