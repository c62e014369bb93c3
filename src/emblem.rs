//! Finding the agency's Garuda emblem, which the repository does not ship.
//!
//! The package may name a file (`emblem`, relative to the package); otherwise `garuda.svg` or
//! `garuda.png` beside the package is used. Without one the forms keep the emblem's space
//! empty and the build warns, naming what to supply.

use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded, Segment};

/// File names looked for beside the package when it names no emblem.
pub const DEFAULT_NAMES: [&str; 2] = ["garuda.svg", "garuda.png"];

/// The emblem as a path inside the package's folder (what the Typst world may read), or
/// `None` when there is none. A named file that is missing or outside the folder is an error.
pub fn find(loaded: &Loaded) -> Result<Option<String>, Diagnostic> {
    match &loaded.package.emblem {
        Some(name) => {
            let path = std::path::Path::new(name);
            let inside = path.is_relative()
                && path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
            let problem = if !inside {
                Some("must be a path inside the package's folder (no `..`, not absolute)")
            } else if !loaded.dir.join(path).is_file() {
                Some("does not exist beside the package")
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("svg" | "png" | "jpg" | "jpeg")) {
                Some("must be an SVG, PNG or JPEG image")
            } else {
                None
            };
            match problem {
                None => Ok(Some(format!("/{}", name.replace('\\', "/")))),
                Some(problem) => {
                    let segment = [Segment::Key("emblem".into())];
                    let range = load::locate(&loaded.source.text, &segment, false).unwrap_or(0..0);
                    Err(Diagnostic::error(format!("the emblem `{name}` {problem}"))
                        .at(loaded.source.clone(), range)
                        .with_json_path("emblem"))
                }
            }
        }
        None => Ok(DEFAULT_NAMES
            .iter()
            .find(|n| loaded.dir.join(n).is_file())
            .map(|n| format!("/{n}"))),
    }
}

/// The warning for a form printed without an emblem.
pub fn missing_warning(loaded: &Loaded) -> Diagnostic {
    Diagnostic::warning(format!(
        "{}: no Garuda emblem; its space on the form is left empty",
        loaded.source.name
    ))
    .with_note(format!(
        "put garuda.svg or garuda.png in {} or set `emblem` in the package",
        loaded.dir.display()
    ))
}
