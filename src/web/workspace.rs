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
                crate::message!(
                "ชื่อแฟ้ม \"{name}\" ใช้ไม่ได้: ต้องเป็นแฟ้ม .json ภายในโฟลเดอร์งานเท่านั้น",
                "the file name \"{name}\" cannot be used: only .json files inside the workspace"
            )
            .shown()
            .to_owned()
            }
            Refused::Missing(name) => crate::message!(
                "ไม่พบแฟ้ม \"{name}\" ในโฟลเดอร์งาน",
                "no file \"{name}\" in the workspace"
            )
            .shown()
            .to_owned(),
            Refused::Outside(name) => crate::message!(
                "แฟ้ม \"{name}\" ชี้ออกไปนอกโฟลเดอร์งาน จึงไม่เปิดให้",
                "the file \"{name}\" points outside the workspace, so it is not opened"
            )
            .shown()
            .to_owned(),
            Refused::TooLarge(name) => crate::message!(
                "แฟ้ม \"{name}\" ใหญ่เกินขนาดที่รับได้ ({} MB)",
                "the file \"{name}\" is larger than taken ({} MB)", PACKAGE_BYTES / 1024 / 1024
            )
            .shown()
            .to_owned(),
            Refused::Conflict { .. } => crate::message!(
                "มีผู้อื่นบันทึกแฟ้มนี้หลังจากที่ท่านเปิดมาแก้ไข จึงยังไม่ได้บันทึกทับ: ข้อความที่ท่านแก้ไขยังอยู่ในหน้านี้ โปรดเลือกฉบับของแต่ละช่องที่ต่างกันแล้วบันทึกอีกครั้ง",
                "someone else saved this file after you opened it, so it was not overwritten: your edits are still on this page; choose the version of each field that differs and save again"
            )
            .shown()
            .to_owned(),
            Refused::NotJson(_) => crate::message!(
                "ข้อมูลที่ส่งมาไม่อยู่ในรูปแบบของแฟ้มข้อมูล จึงไม่ได้บันทึก",
                "what was sent is not in the form of a package file, so it was not saved"
            )
            .shown()
            .to_owned(),
            Refused::Io(detail) => crate::message!(
                "อ่านหรือเขียนแฟ้มไม่สำเร็จ ({detail})",
                "reading or writing the file failed ({detail})"
            )
            .shown()
            .to_owned(),
            Refused::NameTooLong(name) => {
                crate::message!(
                "ชื่อแฟ้ม \"{name}\" ยาวเกินกว่าที่ระบบแฟ้มรับได้ จึงไม่ได้สร้างแฟ้มใด: โปรดใช้ชื่อที่สั้นลง",
                "the file name \"{name}\" is longer than the file system takes; no file was made: use a shorter name"
            )
            .shown()
            .to_owned()
            }
            Refused::Exists(name) => {
                crate::message!(
                "มีแฟ้ม \"{name}\" อยู่แล้วในโฟลเดอร์งาน จึงไม่ได้เขียนทับ",
                "a file \"{name}\" exists in the workspace, so it was not overwritten"
            )
            .shown()
            .to_owned()
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

/// The folder inside the workspace that deleted files and the files an import replaced go
/// to, each under a dated name, until restored. Hidden, so `build`, `check` and the list pass
/// it by.
pub const RECYCLE: &str = ".recycle";

/// The folder an imported results sheet is kept in, so that an agency's package can be
/// started from it later.
pub const SHEETS: &str = "ผลคะแนน";

/// A file in the recycle folder: where it came from and when it went there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recycled {
    /// Its name in the recycle folder.
    pub entry: String,
    /// The package name it had (and gets back when restored).
    pub original: String,
    /// When it was moved, `YYYY-MM-DD HH:MM` (UTC).
    pub when: String,
}

impl Workspace {
    fn hold(&self) -> std::sync::MutexGuard<'_, ()> {
        self.saving
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The path of package `name` in the folder (a symlink itself, not its target), once
    /// [`Workspace::resolve`] has found it inside.
    fn place(&self, name: &str) -> Result<PathBuf, Refused> {
        self.resolve(name)?;
        Ok(self.root.join(checked_name(name)?))
    }

    /// Moves package `name` into the recycle folder under a dated name; answers that name.
    pub fn recycle(&self, name: &str) -> Result<String, Refused> {
        let _held = self.hold();
        self.recycle_held(name)
    }

    fn recycle_held(&self, name: &str) -> Result<String, Refused> {
        let from = self.place(name)?;
        let folder = self.root.join(RECYCLE);
        std::fs::create_dir_all(&folder).map_err(|e| Refused::Io(e.to_string()))?;
        let (date, time) = now_utc();
        let mut entry = format!(
            "{date}_{}~{}",
            time.replace(':', ""),
            name.replace('%', "%25").replace('/', "%2F")
        );
        // Two moves of one name in one minute keep both.
        let mut n = 1;
        while folder.join(&entry).exists() {
            n += 1;
            entry = format!(
                "{date}_{}-{n}~{}",
                time.replace(':', ""),
                name.replace('%', "%25").replace('/', "%2F")
            );
        }
        if entry.len() > 255 {
            return Err(Refused::NameTooLong(name.to_owned()));
        }
        std::fs::rename(&from, folder.join(&entry)).map_err(|e| Refused::Io(e.to_string()))?;
        Ok(entry)
    }

    /// The files in the recycle folder, newest first.
    pub fn recycled(&self) -> Vec<Recycled> {
        let Ok(entries) = std::fs::read_dir(self.root.join(RECYCLE)) else {
            return Vec::new();
        };
        let mut found: Vec<Recycled> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|entry| recycled_entry(&entry))
            .collect();
        found.sort_by(|a, b| b.entry.cmp(&a.entry));
        found
    }

    /// Moves a recycled file back to its name; refused when a file of that name exists.
    pub fn restore(&self, entry: &str) -> Result<String, Refused> {
        let found = recycled_entry(entry).ok_or_else(|| Refused::Missing(entry.to_owned()))?;
        let relative = checked_name(&found.original)?;
        let _held = self.hold();
        let from = self.root.join(RECYCLE).join(entry);
        if std::fs::symlink_metadata(&from).is_err() {
            return Err(Refused::Missing(found.original));
        }
        let to = self.root.join(&relative);
        if std::fs::symlink_metadata(&to).is_ok() {
            return Err(Refused::Exists(found.original));
        }
        self.make_parent(&relative)?;
        std::fs::rename(&from, &to).map_err(|e| Refused::Io(e.to_string()))?;
        Ok(found.original)
    }

    /// The folders of a new name, made inside the workspace (never through a symlink out).
    fn make_parent(&self, relative: &Path) -> Result<(), Refused> {
        let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(());
        };
        std::fs::create_dir_all(self.root.join(parent)).map_err(|e| Refused::Io(e.to_string()))?;
        let real = self
            .root
            .join(parent)
            .canonicalize()
            .map_err(|e| Refused::Io(e.to_string()))?;
        if !real.starts_with(&self.root) {
            return Err(Refused::Outside(relative.display().to_string()));
        }
        Ok(())
    }

    /// Renames package `from` to `to`; refused when `to` exists.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), Refused> {
        let target = checked_name(to)?;
        if to.len() > 255 {
            return Err(Refused::NameTooLong(to.to_owned()));
        }
        let _held = self.hold();
        let source = self.place(from)?;
        if std::fs::symlink_metadata(self.root.join(&target)).is_ok() {
            return Err(Refused::Exists(to.to_owned()));
        }
        self.make_parent(&target)?;
        std::fs::rename(source, self.root.join(&target)).map_err(|e| Refused::Io(e.to_string()))
    }

    /// Writes `files`, the ones that exist moved to the recycle folder first (dated copies);
    /// answers the names of the copies. Names are plain file names, as for [`Workspace::create_all`].
    pub fn replace_all(&self, files: &[(String, String)]) -> Result<Vec<String>, Refused> {
        for (name, _) in files {
            if checked_name(name)?.components().count() != 1 {
                return Err(Refused::BadName(name.clone()));
            }
        }
        let mut kept = Vec::new();
        {
            let _held = self.hold();
            for (name, _) in files {
                if std::fs::symlink_metadata(self.root.join(name)).is_ok() {
                    kept.push(self.recycle_held(name)?);
                }
            }
        }
        self.create_all(files)?;
        Ok(kept)
    }

    /// Writes a new package file `name` (subfolders allowed, made inside the workspace);
    /// refused when it exists.
    pub fn create_in(&self, name: &str, text: &str) -> Result<String, Refused> {
        let relative = checked_name(name)?;
        if relative.components().any(|c| c.as_os_str().len() > 255) {
            return Err(Refused::NameTooLong(name.to_owned()));
        }
        let _held = self.hold();
        let path = self.root.join(&relative);
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(Refused::Exists(name.to_owned()));
        }
        self.make_parent(&relative)?;
        crate::pdf::write_atomic(&path, text.as_bytes()).map_err(|e| Refused::Io(e.to_string()))?;
        Ok(etag(text.as_bytes()))
    }

    /// Which of `names` exist in the folder.
    pub fn existing(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .filter(|name| {
                checked_name(name)
                    .is_ok_and(|r| std::fs::symlink_metadata(self.root.join(r)).is_ok())
            })
            .map(|name| (*name).to_owned())
            .collect()
    }

    /// Keeps an uploaded results sheet in [`SHEETS`] as `YYYY-file name` (the year it is of,
    /// read back by [`Workspace::sheets`]); a sheet of the same bytes is kept once.
    pub fn keep_sheet(&self, year: i32, file: &str, bytes: &[u8]) -> Result<String, Refused> {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let base: String = base.chars().filter(|c| !c.is_control()).collect();
        let stem = if base.starts_with(&format!("{year}-")) {
            base
        } else {
            format!("{year}-{base}")
        };
        let folder = self.root.join(SHEETS);
        std::fs::create_dir_all(&folder).map_err(|e| Refused::Io(e.to_string()))?;
        let mut name = stem.clone();
        let mut n = 1;
        let _held = self.hold();
        loop {
            let path = folder.join(&name);
            match std::fs::read(&path) {
                Ok(old) if old == bytes => return Ok(format!("{SHEETS}/{name}")),
                Ok(_) => {
                    n += 1;
                    name = match stem.rsplit_once('.') {
                        Some((s, x)) => format!("{s}-{n}.{x}"),
                        None => format!("{stem}-{n}"),
                    };
                }
                Err(_) => break,
            }
        }
        if name.len() > 255 || name.starts_with('.') || name.is_empty() {
            return Err(Refused::BadName(name));
        }
        crate::pdf::write_atomic(&folder.join(&name), bytes)
            .map_err(|e| Refused::Io(e.to_string()))?;
        Ok(format!("{SHEETS}/{name}"))
    }

    /// The results sheets of the workspace (`.xlsx`, `.xlsm`, `.ods`, `.csv` anywhere but
    /// hidden folders), as relative names with the year each is of: the `YYYY-` its name
    /// starts with, if any. At most `limit`.
    pub fn sheets(&self, limit: usize) -> Vec<(String, Option<i32>)> {
        walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .max_depth(4)
            .into_iter()
            .filter_entry(|e| crate::load::walk::kept(e, None))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let relative = e
                    .path()
                    .strip_prefix(&self.root)
                    .ok()?
                    .to_str()?
                    .replace('\\', "/");
                let extension = relative.rsplit_once('.')?.1.to_ascii_lowercase();
                ["xlsx", "xlsm", "ods", "csv"]
                    .contains(&extension.as_str())
                    .then_some(relative)
            })
            .take(limit)
            .map(|name| {
                let file = name.rsplit('/').next().unwrap_or(&name);
                let year = file
                    .get(..4)
                    .and_then(|y| y.parse().ok())
                    .filter(|_| file[4..].starts_with('-'));
                (name, year)
            })
            .collect()
    }

    /// The bytes of a results sheet [`Workspace::sheets`] names, bounded like an upload.
    pub fn read_sheet(&self, name: &str) -> Result<Vec<u8>, Refused> {
        if name.split('/').any(|p| p.is_empty() || p.starts_with('.')) || name.contains('\\') {
            return Err(Refused::BadName(name.to_owned()));
        }
        let limit = crate::limits::SHEET_BYTES;
        confine::read(&self.root, Path::new(name), limit).map_err(|refusal| match refusal {
            Refusal::TooLarge { .. } => Refused::TooLarge(name.to_owned()),
            Refusal::Outside { .. } => Refused::Outside(name.to_owned()),
            Refusal::Missing | Refusal::NotAFile => Refused::Missing(name.to_owned()),
            Refusal::Io(e) => Refused::Io(e),
        })
    }
}

/// A recycle folder entry's parts, if it is one this workspace wrote.
fn recycled_entry(entry: &str) -> Option<Recycled> {
    let (stamp, encoded) = entry.split_once('~')?;
    if entry.contains('/') || entry.contains('\\') || stamp.len() < 15 {
        return None;
    }
    let original = encoded.replace("%2F", "/").replace("%25", "%");
    checked_name(&original).ok()?;
    let (date, time) = (stamp.get(..10)?, stamp.get(11..15)?);
    Some(Recycled {
        entry: entry.to_owned(),
        original,
        when: format!("{date} {}:{}", &time[..2], &time[2..]),
    })
}

/// Today's date `YYYY-MM-DD` and the time `HH:MM` (UTC), for dated copies.
fn now_utc() -> (String, String) {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!("{:02}:{:02}", rest / 3600, rest % 3600 / 60),
    )
}
