//! Shared helpers: one engine per test process, and text read back from laid-out frames.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ita_report::engine::{BuildOptions, Built, Engine};
use ita_report::framework::Frameworks;
use ita_report::load::{self, Loaded};
use ita_report::world::{Compiler, Fonts, Job};
use typst::layout::{Frame, FrameItem, Point};
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
    let name = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut loaded = load::load_file(path, &name, frameworks())
        .unwrap_or_else(|f| panic!("{name} is invalid:\n{f}"));
    // Read beside no files: what a user puts in inputs/ (the README suggests garuda.svg)
    // must not change what the tests see. tests/fixtures holds folders only.
    loaded.dir = root().join("tests/fixtures");
    loaded
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
    document
        .pages()
        .iter()
        .map(|page| {
            let mut out = String::new();
            frame_text(&page.frame, &mut out);
            out
        })
        .collect()
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

/// Compiles Typst source as the engine would for `loaded`, without the engine's own passes.
pub fn compile_source(source: &str, loaded: &Loaded) -> PagedDocument {
    static COMPILER: OnceLock<Compiler> = OnceLock::new();
    let compiler =
        COMPILER.get_or_init(|| Compiler::new(Fonts::load(&[]).expect("bundled fonts load")));
    let job = Job {
        source,
        source_name: "test.typ",
        root: &loaded.dir,
        today: None,
        virtual_files: &[],
    };
    compiler
        .compile(&job)
        .unwrap_or_else(|f| panic!("{f}"))
        .document
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

/// A laid-out text run or image, with its position on the page (pt, from the top left;
/// a text's `y` is its baseline).
#[derive(Debug)]
pub struct Item {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The text and its size, or `None` for an image.
    pub text: Option<(String, f64)>,
}

/// Every text run and image of a page, in the order the layout placed them.
pub fn items(document: &PagedDocument, page: usize) -> Vec<Item> {
    let mut out = Vec::new();
    walk(&document.pages()[page].frame, Point::zero(), &mut out);
    out
}

fn walk(frame: &Frame, origin: Point, out: &mut Vec<Item>) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => {
                let shifted = at + Point::new(group.transform.tx, group.transform.ty);
                walk(&group.frame, shifted, out);
            }
            FrameItem::Text(text) => out.push(Item {
                x: at.x.to_pt(),
                y: at.y.to_pt(),
                width: text.width().to_pt(),
                height: text.size.to_pt(),
                text: Some((text.text.to_string(), text.size.to_pt())),
            }),
            FrameItem::Image(_, size, _) => out.push(Item {
                x: at.x.to_pt(),
                y: at.y.to_pt(),
                width: size.x.to_pt(),
                height: size.y.to_pt(),
                text: None,
            }),
            _ => {}
        }
    }
}

/// The vertical lines drawn on a page (table rules, borders): x, top and bottom, in points.
pub fn vertical_rules(document: &PagedDocument, page: usize) -> Vec<(f64, f64, f64)> {
    fn walk_rules(frame: &Frame, origin: Point, out: &mut Vec<(f64, f64, f64)>) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                FrameItem::Group(group) => walk_rules(
                    &group.frame,
                    at + Point::new(group.transform.tx, group.transform.ty),
                    out,
                ),
                FrameItem::Shape(shape, _) => {
                    if let typst::visualize::Geometry::Line(delta) = shape.geometry
                        && delta.x.to_pt().abs() < 0.01
                        && delta.y.to_pt().abs() > 1.0
                        && shape.stroke.is_some()
                    {
                        let (a, b) = (at.y.to_pt(), (at.y + delta.y).to_pt());
                        out.push((at.x.to_pt(), a.min(b), a.max(b)));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk_rules(&document.pages()[page].frame, Point::zero(), &mut out);
    out
}

/// The text runs of a page with runs that touch on one baseline joined: Thai line breaking
/// sets each word that needs a joiner as runs of its own, so a phrase can span several.
pub fn runs(document: &PagedDocument, page: usize) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for item in items(document, page) {
        if let (Some(last), Some((text, size))) = (out.last_mut(), item.text.as_ref())
            && let Some((last_text, last_size)) = last.text.as_mut()
        {
            let touching =
                (last.y - item.y).abs() < 0.1 && (item.x - (last.x + last.width)).abs() < 0.5;
            if touching && (*last_size - size).abs() < 0.01 {
                last_text.push_str(text);
                last.width = item.x + item.width - last.x;
                continue;
            }
        }
        out.push(item);
    }
    out
}

/// One line rebuilt from the text runs of a page: runs on one baseline that touch.
#[derive(Debug, Clone)]
pub struct Line {
    pub page: usize,
    /// Baseline, from the top of the page.
    pub y: f64,
    pub x0: f64,
    pub x1: f64,
    pub size: f64,
    pub text: String,
}

pub fn lines(document: &PagedDocument) -> Vec<Line> {
    let mut out = Vec::new();
    for page in 0..document.pages().len() {
        let mut runs: Vec<_> = items(document, page)
            .into_iter()
            .filter_map(|i| {
                i.text
                    .map(|(text, size)| (i.x, i.y, i.x + i.width, size, text))
            })
            .collect();
        runs.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
        let mut current: Option<Line> = None;
        for (x0, y, x1, size, text) in runs {
            if let Some(line) = current.as_mut()
                && (line.y - y).abs() < 0.5
                && x0 - line.x1 < 0.8 * size
                && x0 >= line.x0
            {
                line.x1 = line.x1.max(x1);
                line.text.push_str(&text);
                continue;
            }
            out.extend(current.take());
            current = Some(Line {
                page,
                y,
                x0,
                x1,
                size,
                text,
            });
        }
        out.extend(current);
    }
    out
}

/// A folder for one test, removed when dropped. (Not the `tempfile` crate: its dependencies
/// would switch on features of crates the program shares, and rebuild Typst for the tests.)
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(prefix: &str) -> Scratch {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ita-report-test-{prefix}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
