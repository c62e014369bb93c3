//! `manifest.json` after the build: kept true when a PDF is signed, and a folder checked
//! against it (`verify --manifest DIR`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use super::shown;
use crate::archive::{self, Manifest, ManifestEntry, verify};
use crate::diagnostic::{Diagnostic, Message};
use crate::message;

/// After `sign` wrote `output` (signed from `input`): the manifest of `output`'s folder gets
/// the signed file's hash, under the entry of its name, else as a copy of the entry of
/// `input` when that is listed in the same manifest (signed under another name). Nothing when
/// neither is listed.
pub fn signed(input: &Path, output: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = folder(output);
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let listed = Manifest::read(dir).files;
    let find =
        |file: Option<String>| file.and_then(|f| listed.iter().find(|e| e.file == f).cloned());
    let same_folder = folder(input) == dir;
    let entry = find(name(output)).or_else(|| find(name(input).filter(|_| same_folder)));
    let Some(mut entry) = entry else {
        return Ok(());
    };
    entry.file = name(output).unwrap_or_default();
    entry.sha256 = archive::sha256(bytes);
    crate::batch::update_manifest(dir, vec![entry]).map_err(|e| {
        Diagnostic::error(message!(
            "ลงนามแล้ว แต่ปรับ {m} ไม่ได้: {e}",
            "signed, but {m} cannot be updated: {e}",
            m = shown(&dir.join(archive::MANIFEST))
        ))
    })
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `verify --manifest DIR`: every file the manifest lists is there with the hash recorded,
/// or was signed since (the recorded bytes are a revision of it and every signature added
/// holds); every PDF of the folder is listed. A line per file; exit 1 when any fails.
pub fn verify(dir: &Path, err: &mut StandardStream) -> ExitCode {
    let path = dir.join(archive::MANIFEST);
    let name = shown(&path);
    // A national run lists some thousand files (a few MB); far more is not a manifest.
    let manifest: Manifest = match crate::confine::read_limited(&path, 64 << 20)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(manifest) => manifest,
        Err(e) => {
            let _ = Diagnostic::error(message!("อ่าน {name} ไม่ได้: {e}", "cannot read {name}: {e}"))
                .emit(err);
            return ExitCode::from(2);
        }
    };
    let _ = writeln!(err, "{name}:");
    let mut lines: Vec<(bool, Message)> = manifest.files.iter().map(|e| listed(dir, e)).collect();
    let mut unlisted: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".pdf") && !manifest.files.iter().any(|e| e.file == *f))
        .collect();
    unlisted.sort();
    for file in unlisted {
        let file = crate::diagnostic::terminal_safe(&file);
        lines.push((
            false,
            message!(
                "{file}: ไม่อยู่ใน manifest.json",
                "{file}: not listed in manifest.json"
            ),
        ));
    }
    for (ok, text) in &lines {
        let verdict = if *ok {
            message!("ผ่าน  ", "ok  ")
        } else {
            message!("ไม่ผ่าน", "FAIL")
        };
        let _ = writeln!(err, "  {verdict} {}", text.shown());
    }
    let (count, bad) = (lines.len(), lines.iter().filter(|(ok, _)| !ok).count());
    let _ = writeln!(
        err,
        "{}",
        if bad == 0 {
            message!(
                "ตรวจ {count} แฟ้ม: ผ่านทั้งหมด",
                "verified {count} file(s): all ok"
            )
        } else {
            message!(
                "ตรวจ {count} แฟ้ม: ไม่ผ่าน {bad} แฟ้ม",
                "verified {count} file(s): {bad} failed"
            )
        }
    );
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What holds of one listed file.
fn listed(dir: &Path, entry: &ManifestEntry) -> (bool, Message) {
    let file = crate::diagnostic::terminal_safe(&entry.file);
    // A name with a folder in it is not one this program writes: not followed out of `dir`.
    let plain = Path::new(&entry.file).file_name().map(|n| n.len()) == Some(entry.file.len());
    // Read within the PDF reader's own bound: a file grown huge is refused, not loaded.
    let limit = archive::pdfobj::PDF_BYTES as u64;
    let bytes = match plain.then(|| crate::confine::read_limited(&dir.join(&entry.file), limit)) {
        Some(Ok(bytes)) => bytes,
        Some(Err(refusal @ crate::confine::Refusal::TooLarge { .. })) => {
            let (thai, english) = (refusal.thai(), refusal.to_string());
            return (false, message!("{file}: {thai}", "{file}: {english}"));
        }
        _ => return (false, message!("{file}: ไม่มีแฟ้มนี้", "{file}: missing")),
    };
    if archive::sha256(&bytes) == entry.sha256 {
        return (
            true,
            message!(
                "{file}: ตรงกับ SHA-256 ที่บันทึกไว้",
                "{file}: matches its SHA-256"
            ),
        );
    }
    match signed_since(&bytes, &entry.sha256) {
        Ok(count) => (
            true,
            message!(
                "{file}: ลงนามหลังบันทึก ({count} ลายมือชื่อ สมบูรณ์ทุกรายการ) ฉบับที่บันทึกไว้อยู่ในแฟ้มครบทุกไบต์",
                "{file}: signed since it was recorded ({count} signature(s), all intact); the recorded bytes are its earlier revision"
            ),
        ),
        Err(why) => {
            let why = why.shown().to_owned();
            (false, message!("{file}: {why}", "{file}: {why}"))
        }
    }
}

/// Whether `pdf` is the file recorded with `sha256` with signatures added after it: a
/// revision of it (up to an `%%EOF`) has that hash, and it holds a signature over more than
/// that revision, every signature intact and nothing but signatures added after them.
/// Returns the number of signatures.
fn signed_since(pdf: &[u8], sha256: &str) -> Result<usize, Message> {
    let changed = || {
        message!(
            "ไม่ตรงกับ SHA-256 ที่บันทึกไว้ (แฟ้มถูกเปลี่ยน)",
            "does not match its SHA-256 (the file was changed)"
        )
    };
    let recorded = revision_ends(pdf)
        .into_iter()
        .find(|&end| archive::sha256(&pdf[..end]) == sha256)
        .ok_or_else(changed)?;
    let report = verify::inspect(pdf).map_err(|e| message!("อ่านไม่ได้: {e}", "unreadable: {e}"))?;
    let after: Vec<&verify::Signature> = report
        .signatures
        .iter()
        .filter(|s| s.covers_to > recorded)
        .collect();
    if after.is_empty() {
        return Err(changed());
    }
    for s in &report.signatures {
        if let Err(why) = &s.intact {
            let (field, why) = (&s.field, why.shown());
            return Err(message!(
                "ลายมือชื่อในช่อง `{field}` ไม่สมบูรณ์: {why}",
                "the signature in `{field}` is NOT intact: {why}"
            ));
        }
        if s.changed_after() {
            let field = &s.field;
            return Err(message!(
                "มีการแก้ไขที่ไม่ใช่ลายมือชื่อหลังลงนามในช่อง `{field}`",
                "a change that is not a signature was made after the signature in `{field}`"
            ));
        }
    }
    Ok(report.signatures.len())
}

/// The ends of a PDF's revisions: after each `%%EOF` and its end of line, at most 64.
fn revision_ends(pdf: &[u8]) -> Vec<usize> {
    const EOF: &[u8] = b"%%EOF";
    let mut ends = Vec::new();
    let mut at = 0;
    while let Some(found) = pdf[at..].windows(EOF.len()).position(|w| w == EOF) {
        let mut end = at + found + EOF.len();
        if pdf.get(end) == Some(&b'\r') {
            end += 1;
        }
        if pdf.get(end) == Some(&b'\n') {
            end += 1;
        }
        ends.push(end);
        at = end;
        if ends.len() == 64 {
            break;
        }
    }
    ends
}
