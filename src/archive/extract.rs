//! Getting the package back out of an archival PDF: only the files its current revision
//! lists, with what its signatures say of them, and never over another file.
//!
//! A signed PDF vouches for its attachments only as far as its last signature reaches: a
//! package replaced or removed in an update after it is not what was signed, and neither is
//! one a broken signature covers. [`read`] finds that out (and whether the package is the one
//! the folder's manifest lists) so that the command can refuse without `--force`; [`write()`]
//! writes the files only where no other file, from another PDF of the same run or from
//! before, would be replaced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Message;
use crate::message;

use super::{ManifestEntry, attachments, sha256, verify};

/// What a PDF carries and what vouches for it.
pub struct Extraction {
    /// The attachments of the current revision, under the names they will be written as.
    pub files: Vec<(String, Vec<u8>)>,
    /// The PDF's signatures, in file order.
    pub signatures: Vec<verify::Signature>,
    /// Why the files are not what the signatures (or the manifest) vouch for, if they are not.
    pub doubt: Option<Message>,
}

/// Reads the attachments of `pdf` and judges them against its signatures and `listed`, the
/// manifest's entry for the file (if a manifest lists it).
pub fn read(pdf: &[u8], listed: Option<&ManifestEntry>) -> Result<Extraction, Message> {
    let report = verify::inspect(pdf).map_err(Message::from)?;
    let current = attachments(pdf).map_err(Message::from)?;
    let files = named(&current)?;
    let mut doubt = None;
    for s in &report.signatures {
        let field = &s.field;
        if let Err(why) = &s.intact {
            doubt.get_or_insert(message!(
                "ลายมือชื่อในช่อง `{field}` ไม่สมบูรณ์: {why}",
                "the signature in `{field}` is not intact: {why}"
            ));
        } else if s.changed_after() {
            doubt.get_or_insert(message!(
                "เอกสารถูกแก้ไขหลังลายมือชื่อในช่อง `{field}` ในแบบที่ลายมือชื่อไม่อนุญาต",
                "the document was changed after the signature in `{field}` in a way it does not allow"
            ));
        }
    }
    // The last signature's revision holds what was signed last; later updates may add
    // signatures and validation data, not other files.
    if let Some(last) = report.signatures.iter().max_by_key(|s| s.covers_to)
        && doubt.is_none()
    {
        let signed = pdf.get(..last.covers_to).map(attachments);
        if !matches!(signed, Some(Ok(ref files)) if *files == current) {
            let field = &last.field;
            doubt = Some(message!(
                "แฟ้มแนบถูกเปลี่ยนหลังลายมือชื่อในช่อง `{field}`: สิ่งที่ถอดได้ไม่ใช่สิ่งที่ลงนามไว้",
                "the attached files were changed after the signature in `{field}`: they are not what was signed"
            ));
        }
    }
    // The manifest names the package as the build was given it (a path): its file name is
    // what the PDF attaches.
    let package = listed.map(|entry| {
        let name = Path::new(&entry.package).file_name();
        name.map_or(entry.package.clone(), |n| n.to_string_lossy().into_owned())
    });
    if doubt.is_none()
        && let (Some(entry), Some(package)) = (listed, &package)
        && !files
            .iter()
            .any(|(name, data)| name == package && sha256(data) == entry.package_sha256)
    {
        doubt = Some(message!(
            "แฟ้มข้อมูลแนบไม่ใช่ `{package}` ตามที่ manifest.json บันทึกไว้สำหรับ PDF นี้ (ชื่อหรือค่า SHA-256 ต่างกัน)",
            "the attached package is not the `{package}` manifest.json lists for this PDF (another name or SHA-256)"
        ));
    }
    Ok(Extraction {
        files,
        signatures: report.signatures,
        doubt,
    })
}

/// The attachments under the names to write them as: no folders, no control characters,
/// no hidden files; two under one name, or facts named for another package, are refused.
fn named(files: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, Message> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, data) in files {
        let safe = safe_name(name);
        if out.iter().any(|(n, _)| *n == safe) {
            return Err(message!(
                "PDF แนบแฟ้มชื่อ `{safe}` ไว้มากกว่าหนึ่งแฟ้ม",
                "the PDF attaches more than one file named `{safe}`"
            ));
        }
        out.push((safe, data.clone()));
    }
    let packages: Vec<&str> = out
        .iter()
        .filter_map(|(n, _)| n.strip_suffix(".json"))
        .filter(|stem| !stem.ends_with(".facts"))
        .collect();
    for (name, _) in &out {
        if let Some(stem) = name.strip_suffix(".facts.json")
            && !packages.contains(&stem)
        {
            return Err(message!(
                "PDF แนบ `{name}` ซึ่งเป็นข้อเท็จจริงของแฟ้มข้อมูลอื่น ไม่ใช่ของแฟ้มข้อมูลที่แนบมา",
                "the PDF attaches `{name}`, the facts of another package than the one it carries"
            ));
        }
    }
    Ok(out)
}

/// A name from the file is only a name: no folders, no control characters, not hidden.
fn safe_name(name: &str) -> String {
    let safe: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if safe.is_empty() || safe.starts_with('.') {
        "attachment".to_owned()
    } else {
        safe
    }
}

/// Writes `files` (from the PDF `from`) into `dir`. `taken` holds the names this run wrote
/// and from which PDF: another PDF's file is never replaced, nor a file that was there
/// before with other bytes unless `force`. Nothing is written when anything is refused.
pub fn write(
    files: &[(String, Vec<u8>)],
    from: &Path,
    dir: &Path,
    taken: &mut BTreeMap<String, PathBuf>,
    force: bool,
) -> Result<Vec<PathBuf>, Message> {
    for (name, data) in files {
        let path = dir.join(name);
        let shown = path.display();
        if let Some(other) = taken.get(name).filter(|p| p.as_path() != from) {
            let other = other.display();
            return Err(message!(
                "`{shown}` เพิ่งถอดจาก `{other}` ในการทำงานนี้ จะไม่เขียนทับด้วยแฟ้มของ PDF อื่น: ถอดแต่ละ PDF ลงโฟลเดอร์ของตน (-o)",
                "`{shown}` was just extracted from `{other}`; it is not replaced by another PDF's file: extract each PDF into its own folder (-o)"
            ));
        }
        if !force && std::fs::read(&path).is_ok_and(|old| old != *data) {
            return Err(message!(
                "มี `{shown}` อยู่แล้วและเนื้อหาต่างกัน: ใช้ --force เพื่อเขียนทับ",
                "`{shown}` exists with other contents: --force replaces it"
            ));
        }
    }
    let mut written = Vec::new();
    for (name, data) in files {
        let path = dir.join(name);
        crate::pdf::write_atomic(&path, data).map_err(|e| {
            let shown = path.display();
            message!("เขียน `{shown}` ไม่ได้: {e}", "cannot write `{shown}`: {e}")
        })?;
        taken.insert(name.clone(), from.to_path_buf());
        written.push(path);
    }
    Ok(written)
}
