//! The `check` operation: what every face says of a package without building it.
//!
//! The command line, the clerk's workspace and the hub each used to put `check` together from
//! the layers under it, and each put it together differently (the workspace did not confine
//! the emblem, the hub's intake did not look for characters no font has). Here it is one
//! definition: the package loaded (shape, rules, contradictions), its emblem found within
//! its folder as `build` finds it, and every character checked against the fonts.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Failure, Severity};
use crate::framework::Frameworks;
use crate::load::{self, Loaded};
use crate::world::Fonts;
use crate::{emblem, settable};

/// What `check` says of one package.
pub struct Checked {
    /// The package, when it loaded (its errors stopped it otherwise).
    pub loaded: Option<Loaded>,
    /// Every message `check` gives for it, in its order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// What `check` says of a load's result: the package and its warnings (with the
    /// characters no font of `fonts` has, when given), or the diagnostics that stopped it.
    /// An emblem `build` could not use stops the package here too.
    pub fn of(result: Result<Loaded, Failure>, fonts: Option<&Fonts>) -> Checked {
        let result = result.and_then(|l| emblem::find(&l).map(|_| l).map_err(Failure::from));
        match result {
            Ok(mut loaded) => {
                if let Some(fonts) = fonts {
                    let unsettable = settable::warnings(&loaded, fonts);
                    loaded.warnings.extend(unsettable);
                }
                let diagnostics = loaded.warnings.clone();
                Checked {
                    loaded: Some(loaded),
                    diagnostics,
                }
            }
            Err(Failure(diagnostics)) => Checked {
                loaded: None,
                diagnostics,
            },
        }
    }

    /// Errors and contradictions: the count `check` reports (notes aside).
    pub fn problems(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Note)
            .count()
    }

    /// The errors: what stops a build.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The contradictions found in data that loaded (`--deny-warnings` refuses them).
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// `check` of a package file.
pub fn file(path: &Path, name: &str, frameworks: &Frameworks, fonts: Option<&Fonts>) -> Checked {
    Checked::of(load::load_file(path, name, frameworks), fonts)
}

/// `check` of a package's bytes that stand (or will stand) at `path`, whose folder holds
/// the files the package names.
pub fn bytes(
    bytes: Vec<u8>,
    path: &Path,
    name: &str,
    frameworks: &Frameworks,
    fonts: Option<&Fonts>,
) -> Checked {
    Checked::of(load::load_bytes(bytes, path, name, frameworks), fonts)
}
