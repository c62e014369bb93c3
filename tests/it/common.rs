//! Shared helpers: one engine per test process, and text read back from laid-out frames.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ita_report::framework::Frameworks;
use ita_report::load::{self, Loaded};
use ita_report::{BuildOptions, Built, Engine};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

/// The repository root (tests run with the package folder as working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The engine with bundled fonts and embedded templates, loaded once.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(None, &[]).expect("bundled fonts and templates load"))
}

/// The embedded year frameworks, loaded once.
pub fn frameworks() -> &'static Frameworks {
    static FRAMEWORKS: OnceLock<Frameworks> = OnceLock::new();
    FRAMEWORKS.get_or_init(|| Frameworks::load(None).expect("embedded frameworks load"))
}

/// Loads a package file, panicking with the diagnostics when it is invalid.
pub fn load_sample(path: &Path) -> Loaded {
    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    load::load_file(path, &name, frameworks()).unwrap_or_else(|f| panic!("{name} is invalid:\n{f}"))
}

/// Loads package text, panicking with the diagnostics when it is invalid.
pub fn load_text(text: &str, name: &str) -> Loaded {
    load::load_str(text, name, frameworks()).unwrap_or_else(|f| panic!("{name} is invalid:\n{f}"))
}

/// Builds a loaded package into a scratch folder (written only on Typst errors).
pub fn build(loaded: &Loaded, options: &BuildOptions) -> Built {
    let scratch = std::env::temp_dir().join("ita-report-tests");
    engine()
        .build(loaded, "sample", &scratch, options)
        .unwrap_or_else(|f| panic!("build failed:\n{f}"))
}

/// The text of every page, one string per page, read from the laid-out frames (not from
/// the PDF: poppler's extraction duplicates some Thai clusters).
pub fn page_texts(document: &PagedDocument) -> Vec<String> {
    document.pages().iter().map(|page| {
        let mut out = String::new();
        frame_text(&page.frame, &mut out);
        out
    }).collect()
}

fn frame_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => frame_text(&group.frame, out),
            FrameItem::Text(text) => out.push_str(text.text.as_str()),
            _ => {}
        }
    }
}

/// Text with all whitespace removed, so line breaks do not matter when searching.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sample package files in inputs/.
pub fn samples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("inputs"))
        .expect("inputs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "inputs/ holds sample packages");
    files
}
