//! The one way the program reads a file it was pointed at by data: confined to a folder.
//!
//! A package may name files (its emblem), Typst may ask for files (the emblem, images an SVG
//! refers to), and `--templates` and `--font-dir` hold files. Each is read here: the real path
//! (every symlink resolved) must lie inside the folder it belongs to, and the file must be no
//! larger than the limit of its kind. Refusals name the path as the user wrote it and never
//! show what the file holds.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The file does not exist (or a part of its path does not).
    Missing,
    /// The real path lies outside the folder (through `..`, an absolute path or a symlink).
    Outside { real: PathBuf },
    /// The path is a folder or another kind of non-file.
    NotAFile,
    /// Larger than the limit, in bytes.
    TooLarge { size: u64, limit: u64 },
    /// Reading failed.
    Io(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Missing => f.write_str("does not exist"),
            Refusal::Outside { real } => write!(
                f,
                "lies outside its folder (it resolves to `{}`)",
                real.display()
            ),
            Refusal::NotAFile => f.write_str("is not a file"),
            Refusal::TooLarge { size, limit } => write!(
                f,
                "is {} MB, more than the limit of {} MB",
                mb(*size),
                mb(*limit)
            ),
            Refusal::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

impl Refusal {
    /// The same in Thai, to follow the file's name.
    pub fn thai(&self) -> String {
        match self {
            Refusal::Missing => "ไม่มีอยู่".to_owned(),
            Refusal::Outside { real } => format!("อยู่นอกโฟลเดอร์ของตน (ชี้ไปที่ `{}`)", real.display()),
            Refusal::NotAFile => "ไม่ใช่แฟ้ม".to_owned(),
            Refusal::TooLarge { size, limit } => {
                format!("มีขนาด {} MB เกินขีดจำกัด {} MB", mb(*size), mb(*limit))
            }
            Refusal::Io(e) => format!("อ่านไม่ได้: {e}"),
        }
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_048_576.0)
}

/// The real path of `path` (relative to `folder` when relative), if it lies inside `folder`.
pub fn resolve(folder: &Path, path: &Path) -> Result<PathBuf, Refusal> {
    let root = folder.canonicalize().map_err(|_| Refusal::Missing)?;
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        folder.join(path)
    };
    let real = joined.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refusal::Missing,
        _ => Refusal::Io(e.to_string()),
    })?;
    if !real.starts_with(&root) {
        return Err(Refusal::Outside { real });
    }
    if !real.is_file() {
        return Err(Refusal::NotAFile);
    }
    Ok(real)
}

/// Reads `path` (relative to `folder` when relative) if it lies inside `folder` and holds at
/// most `limit` bytes.
pub fn read(folder: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let real = resolve(folder, path)?;
    read_limited(&real, limit)
}

/// Reads a file the user named on the command line (no folder to stay in), up to `limit`.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refusal::Missing,
        _ => Refusal::Io(e.to_string()),
    })?;
    let size = file
        .metadata()
        .map_err(|e| Refusal::Io(e.to_string()))?
        .len();
    if size > limit {
        return Err(Refusal::TooLarge { size, limit });
    }
    // The size may change while reading: read one byte past the limit to notice.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}
