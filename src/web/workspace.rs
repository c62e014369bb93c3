//! The workspace folder: which package files a request may name, and saving them safely.
//!
//! Every name that comes from a request is checked here before anything touches the file
//! system: a relative path of plain components ending in `.json` (no `..`, no absolute path,
//! no drive or root), then resolved with [`crate::confine`], which follows symlinks and refuses
//! a real path outside the workspace. Reads are bounded by [`crate::limits::PACKAGE_BYTES`].
//!
//! A package's version is its ETag, a hash of its bytes. Saving compares the version the
//! browser edited (`If-Match`) with the file's current one under a lock, and writes through a
//! temporary file and a rename, so a second browser is told of a conflict instead of
//! overwriting, and a reader never sees half a file.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::confine::{self, Refusal};
use crate::limits::PACKAGE_BYTES;
use crate::spanned::string_end;

/// A folder of package files the server may read and write.
pub struct Workspace {
    /// The folder, as its real path.
    root: PathBuf,
    /// Held while a save compares versions and writes, so two saves cannot both pass.
    saving: Mutex<()>,
}

/// Why a request about a package file was refused. Each has a Thai message for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The name is not a relative path of plain components ending in `.json`.
    BadName(String),
    /// No such package file in the workspace.
    Missing(String),
    /// The name resolves (through a symlink) to a file outside the workspace.
    Outside(String),
    /// The file is larger than the package limit.
    TooLarge(String),
    /// The file's version is not the one the editor started from.
    Conflict { current: String },
    /// The body is not one JSON object.
    NotJson(String),
    /// A new package would replace a file that exists.
    Exists(String),
    /// A file name made from the data is longer than the file system takes.
    NameTooLong(String),
    /// Reading or writing failed.
    Io(String),
}

impl Refused {
    /// The message shown in the page, in Thai, with the technical detail after it.
    pub fn message(&self) -> String {
        match self {
            Refused::BadName(name) => {
                format!("ชื่อแฟ้ม `{name}` ใช้ไม่ได้: ต้องเป็นแฟ้ม .json ภายในโฟลเดอร์งานเท่านั้น")
            }
            Refused::Missing(name) => format!("ไม่พบแฟ้ม `{name}` ในโฟลเดอร์งาน"),
            Refused::Outside(name) => format!("แฟ้ม `{name}` ชี้ออกไปนอกโฟลเดอร์งาน จึงไม่เปิดให้"),
            Refused::TooLarge(name) => format!(
                "แฟ้ม `{name}` ใหญ่เกินขนาดที่รับได้ ({} MB)",
                PACKAGE_BYTES / 1024 / 1024
            ),
            Refused::Conflict { .. } => "มีผู้อื่นบันทึกแฟ้มนี้หลังจากที่ท่านเปิดมาแก้ไข จึงยังไม่ได้บันทึกทับ: \
                 ข้อความที่ท่านแก้ไขยังอยู่ในหน้านี้ โปรดเปิดแฟ้มฉบับล่าสุดในหน้าต่างใหม่ นำการแก้ไขไปรวม แล้วบันทึกอีกครั้ง"
                .to_owned(),
            Refused::NotJson(detail) => {
                format!("ข้อมูลที่ส่งมาไม่ใช่ JSON หนึ่งออบเจกต์ จึงไม่ได้บันทึก ({detail})")
            }
            Refused::Io(detail) => format!("อ่านหรือเขียนแฟ้มไม่สำเร็จ ({detail})"),
            Refused::NameTooLong(name) => format!(
                "ชื่อแฟ้ม `{name}` ที่ได้จากชื่อหน่วยงานยาวเกินกว่าที่ระบบแฟ้มรับได้ จึงไม่ได้สร้างแฟ้มใด: โปรดใช้ชื่อหน่วยงานที่สั้นลง"
            ),
            Refused::Exists(name) => {
                format!("มีแฟ้ม `{name}` อยู่แล้วในโฟลเดอร์งาน จึงไม่ได้สร้างทับ: เปิดแฟ้มนั้นจากรายการเพื่อแก้ไข")
            }
        }
    }
}

impl Workspace {
    /// Opens the workspace folder; it must exist.
    pub fn open(folder: &Path) -> Result<Workspace, String> {
        let root = folder.canonicalize().map_err(|e| {
            format!(
                "workspace folder `{}` cannot be opened: {e}",
                folder.display()
            )
        })?;
        if !root.is_dir() {
            return Err(format!("workspace `{}` is not a folder", folder.display()));
        }
        Ok(Workspace {
            root,
            saving: Mutex::new(()),
        })
    }

    /// The folder's real path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Removes the temporary files saves left when the server was killed before their
    /// rename (in the folder and its subfolders, symlinks not followed), as a build run
    /// removes its own ([`crate::pdf::remove_stale`]). Answers what was removed.
    pub fn remove_stale(&self) -> Vec<PathBuf> {
        walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .max_depth(16)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir())
            .flat_map(|e| crate::pdf::remove_stale(e.path()))
            .collect()
    }

    /// The package files of the workspace (`*.json`, in subfolders too), as names relative
    /// to it with `/` between folders, sorted. Symlinks are not followed.
    pub fn packages(&self) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .into_iter()
            // As `build` and `check` walk: no hidden files, output folders or manifests.
            .filter_entry(|e| crate::load::walk::kept(e, None))
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "json")
            })
            .filter_map(|e| {
                let relative = e.path().strip_prefix(&self.root).ok()?;
                let parts: Option<Vec<&str>> = relative
                    .components()
                    .map(|c| c.as_os_str().to_str())
                    .collect();
                Some(parts?.join("/"))
            })
            .filter(|name| checked_name(name).is_ok())
            .collect();
        names.sort();
        names
    }

    /// The real path of the package file `name`, if it is one the server may touch.
    pub fn resolve(&self, name: &str) -> Result<PathBuf, Refused> {
        let relative = checked_name(name)?;
        confine::resolve(&self.root, &relative).map_err(|refusal| match refusal {
            Refusal::Missing | Refusal::NotAFile => Refused::Missing(name.to_owned()),
            Refusal::Outside { .. } => Refused::Outside(name.to_owned()),
            Refusal::TooLarge { .. } => Refused::TooLarge(name.to_owned()),
            Refusal::Io(e) => Refused::Io(e),
        })
    }

    /// The bytes of a package file and their version.
    pub fn read(&self, name: &str) -> Result<(Vec<u8>, String), Refused> {
        let real = self.resolve(name)?;
        let bytes =
            confine::read(&self.root, &real, PACKAGE_BYTES).map_err(|refusal| match refusal {
                Refusal::TooLarge { .. } => Refused::TooLarge(name.to_owned()),
                Refusal::Outside { .. } => Refused::Outside(name.to_owned()),
                Refusal::Missing | Refusal::NotAFile => Refused::Missing(name.to_owned()),
                Refusal::Io(e) => Refused::Io(e),
            })?;
        let tag = etag(&bytes);
        Ok((bytes, tag))
    }

    /// Saves `text` as package `name` if the file is still at version `expected`; returns the
    /// new version. The text must be one JSON object; it is written in the stable form of
    /// [`pretty`], keeping every field and the order of the fields as sent.
    /// The text is validated without building it in memory, and re-indented only up to the
    /// package limit: deep nesting would otherwise multiply it many times over.
    pub fn save(&self, name: &str, text: &str, expected: &str) -> Result<String, Refused> {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map_err(|e| Refused::NotJson(e.to_string()))?;
        if !text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            return Err(Refused::NotJson(
                "the top level is not an object".to_owned(),
            ));
        }
        let formatted = pretty_within(text, PACKAGE_BYTES as usize)
            .ok_or_else(|| Refused::TooLarge(name.to_owned()))?;
        let _held = self
            .saving
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (_, current) = self.read(name)?;
        if current != expected {
            return Err(Refused::Conflict { current });
        }
        let real = self.resolve(name)?;
        crate::pdf::write_atomic(&real, formatted.as_bytes())
            .map_err(|e| Refused::Io(e.to_string()))?;
        Ok(etag(formatted.as_bytes()))
    }
}

impl Workspace {
    /// Writes a new package file `name` (a plain file name, in the workspace folder itself)
    /// with `text`; refuses when a file of that name exists. Returns its version.
    pub fn create(&self, name: &str, text: &str) -> Result<String, Refused> {
        self.create_all(&[(name.to_owned(), text.to_owned())])?;
        Ok(etag(text.as_bytes()))
    }

    /// Writes new package files, all or none: refused when any name is not a plain file
    /// name or any file exists.
    pub fn create_all(&self, files: &[(String, String)]) -> Result<(), Refused> {
        let mut staged = Vec::new();
        for (name, text) in files {
            let relative = checked_name(name)?;
            if relative.components().count() != 1 {
                return Err(Refused::BadName(name.clone()));
            }
            // Most file systems take 255 bytes in a name; Thai letters are 3 bytes each.
            if name.len() > 255 {
                return Err(Refused::NameTooLong(name.clone()));
            }
            staged.push((self.root.join(&relative), text.as_bytes()));
        }
        let _held = self
            .saving
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((name, _)) = files
            .iter()
            .zip(&staged)
            .find(|(_, (path, _))| std::fs::symlink_metadata(path).is_ok())
            .map(|(f, _)| f)
        {
            return Err(Refused::Exists(name.clone()));
        }
        crate::pdf::write_all(&staged).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidFilename => Refused::NameTooLong(
                files
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .max_by_key(|name| name.len())
                    .unwrap_or_default()
                    .to_owned(),
            ),
            _ => Refused::Io(e.to_string()),
        })
    }
}

/// The version of a file's bytes, as an HTTP entity tag (quoted).
pub fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `name` as a relative path, if it is plain components (no `..`, `.`, root or drive, no
/// empty part, no backslash) and ends in `.json`.
fn checked_name(name: &str) -> Result<PathBuf, Refused> {
    let bad = || Refused::BadName(name.to_owned());
    if name.is_empty() || !name.ends_with(".json") || name.contains('\\') || name.contains('\0') {
        return Err(bad());
    }
    if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(bad());
    }
    let path = PathBuf::from(name);
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(bad());
    }
    Ok(path)
}

/// JSON text re-indented in one stable form (two spaces, one value per line, `"key": value`,
/// empty `{}` and `[]`, a final newline) with keys, strings and numbers exactly as given: the
/// form of `serde_json::to_string_pretty`, but in the order of the text, so a saved package
/// differs from the file it came from only where it was edited. `text` must be valid JSON.
pub fn pretty(text: &str) -> String {
    pretty_within(text, usize::MAX).unwrap_or_default()
}

/// [`pretty`], or `None` as soon as the result would be longer than `limit` bytes.
pub fn pretty_within(text: &str, limit: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(limit) + 1);
    let mut depth = 0usize;
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while i < bytes.len() {
        // Every step adds at most one line's indent to what was there: checked per step.
        if out.len() > limit {
            return None;
        }
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                out.push_str(&text[i..end]);
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let next = skip_ws(bytes, i + 1);
                if bytes.get(next) == Some(&close) {
                    out.push(open as char);
                    out.push(close as char);
                    i = next + 1;
                    continue;
                }
                out.push(open as char);
                depth += 1;
                newline(&mut out, depth);
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(close as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            b if b.is_ascii_whitespace() => {}
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b':')
                    && !bytes[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                out.push_str(&text[start..i]);
                continue;
            }
        }
        i += 1;
    }
    out.push('\n');
    (out.len() <= limit).then_some(out)
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}
