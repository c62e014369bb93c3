//! A folder of customised templates against this version's built-in ones: what it changes
//! (`ita-report templates diff DIR`) and the built-in ones to start from
//! (`ita-report templates export DIR`).
//!
//! An override replaces a whole file, so a customised file stops receiving the program's
//! fixes to it: the diff shows an office what it would lose or keep before an upgrade, and
//! overriding only `style.typ` keeps every other file current.

use std::path::Path;

use similar::TextDiff;

use super::{ENGINE, embedded, names};

/// What one file of the folder is to the program.
#[derive(Debug, PartialEq)]
pub enum Status {
    /// Same bytes as the built-in template.
    Same,
    /// Differs: the unified diff from the built-in text to the folder's.
    Changed(String),
    /// `engine.typ`: always the built-in one, whatever the folder holds.
    Ignored,
    /// No built-in template has this name (`.typ` files only; frameworks and the catalogue
    /// are data, not templates).
    Unknown,
}

/// Every `.typ` file of `dir` with its status, by name.
pub fn compare(dir: &Path) -> std::io::Result<Vec<(String, Status)>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".typ") || !entry.file_type()?.is_file() {
            continue;
        }
        let status = match embedded(&name) {
            _ if name == ENGINE => Status::Ignored,
            None => Status::Unknown,
            Some(builtin) => {
                let bytes =
                    crate::confine::read(dir, Path::new(&name), crate::limits::TEMPLATE_BYTES)
                        .map_err(|refusal| std::io::Error::other(refusal.to_string()))?;
                let text = String::from_utf8_lossy(&bytes);
                if text == builtin {
                    Status::Same
                } else {
                    let diff = TextDiff::from_lines(builtin, text.as_ref());
                    let header = (
                        format!("built-in/{name}"),
                        format!("{}/{name}", dir.display()),
                    );
                    Status::Changed(diff.unified_diff().header(&header.0, &header.1).to_string())
                }
            }
        };
        out.push((name, status));
    }
    Ok(out)
}

/// Every built-in template an office may take as a starting point: (name, text), without
/// `engine.typ`, which no folder can replace.
pub fn builtins() -> Vec<(String, &'static str)> {
    names()
        .into_iter()
        .filter(|n| n != ENGINE)
        .filter_map(|n| embedded(&n).map(|text| (n, text)))
        .collect()
}
