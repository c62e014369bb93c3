//! Which files of a folder are packages, as users keep folders: the packages beside the
//! output of earlier builds, an editor's backup files, a synced folder's hidden state.
//!
//! `build`, `check` and `serve` walk folders with [`packages`] (or [`kept`]) and so skip the
//! same things: hidden files and folders (a name starting with `.`, which is also how the
//! program's own state is named: `.ita-report-state.json`, `.ita-report-warnings/`, its
//! temporary files), `manifest.json`, and the output folder of the run. An output folder of
//! an earlier build is walked, but holds nothing else the program wrote that is read: a
//! folder is not skipped for having been built into, since a clerk may keep the PDFs beside
//! the packages (`-o` the package folder itself) and those packages must still be found.

use std::path::{Path, PathBuf};

use walkdir::DirEntry;

/// The files the program writes that are not hidden.
const WRITTEN: [&str; 1] = [crate::archive::MANIFEST];

/// The `*.json` package files under `root`, sorted; `output` (the run's output folder) and
/// what [`kept`] leaves out are skipped.
pub fn packages(root: &Path, output: Option<&Path>) -> Vec<PathBuf> {
    let output = output.and_then(|o| o.canonicalize().ok());
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| kept(e, output.as_deref()))
        .filter_map(Result::ok)
        .map(DirEntry::into_path)
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .collect();
    found.sort();
    found
}

/// Whether a walk goes into (or lists) `entry`. The folder the walk starts from is always
/// walked: a user who names a folder means it. `output`, when given, is canonical.
pub fn kept(entry: &DirEntry, output: Option<&Path>) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') {
        return false;
    }
    if !entry.file_type().is_dir() {
        return !WRITTEN.contains(&name.as_ref());
    }
    !output.is_some_and(|o| entry.path().canonicalize().is_ok_and(|p| p == o))
}
