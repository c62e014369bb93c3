//! Generated sources that keep the spans of what they share with the first one compiled.
//!
//! Typst numbers the nodes of a parsed file evenly over the whole span range, so two
//! generated sources that differ anywhere (one agency's name has a word more, one score one
//! more digit) give every later node another span. Typst's layout cache is keyed on content,
//! and content carries its span: nothing laid out for one package would be reused for the
//! next, though packages of a province share most of their paragraphs, table cells and pages.
//! Typst's own incremental reparsing keeps the spans of nodes an edit does not touch, so each
//! main source is made from an earlier one by editing only the lines that differ.
//!
//! Spans never reach a PDF: the bytes are those of a fresh parse (tested); only the time
//! differs.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use similar::{DiffTag, TextDiff};
use typst::syntax::{FileId, Source};

/// More changed lines than this share of the text: parse afresh (nothing much to reuse).
const MOST: f64 = 0.5;

/// The source later ones are edited from: the first of a process, replaced by any that had
/// to be parsed afresh because it shared too little with it (a package of another shape).
#[derive(Default)]
pub struct Spans {
    base: Mutex<Option<Source>>,
}

impl Spans {
    /// The main source for `text`: the base source with the lines that differ replaced, or
    /// a fresh parse, which then becomes the base (packages come in runs of one shape: a
    /// province's agencies, or one package rebuilt).
    pub fn source(&self, id: FileId, text: &str) -> Source {
        let base = self
            .base
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        if let Some(edited) = base.filter(|b| b.id() == id).and_then(|b| edited(b, text)) {
            return edited;
        }
        let fresh = Source::new(id, text.to_owned());
        *self
            .base
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(fresh.clone());
        fresh
    }
}

/// `base` edited into `text`, line by line; `None` when most lines differ.
fn edited(mut source: Source, text: &str) -> Option<Source> {
    let old = source.text().to_owned();
    // The deadline only bounds the time on texts far apart (a coarser diff, still correct).
    let diff = TextDiff::configure()
        .deadline(Instant::now() + Duration::from_millis(200))
        .diff_lines(old.as_str(), text);
    let offsets = |slices: &[&str]| -> Vec<usize> {
        std::iter::once(0)
            .chain(slices.iter().scan(0, |at, s| {
                *at += s.len();
                Some(*at)
            }))
            .collect()
    };
    let (old_at, new_at) = (offsets(diff.old_slices()), offsets(diff.new_slices()));
    let changed: usize = diff
        .ops()
        .iter()
        .filter(|op| op.tag() != DiffTag::Equal)
        .map(|op| op.new_range().len())
        .sum();
    if changed as f64 > MOST * diff.new_slices().len().max(1) as f64 {
        return None;
    }
    // From the end, so that the byte offsets of the edits still to come stay valid.
    for op in diff
        .ops()
        .iter()
        .rev()
        .filter(|op| op.tag() != DiffTag::Equal)
    {
        let (old_lines, new_lines) = (op.old_range(), op.new_range());
        let replace = old_at[old_lines.start]..old_at[old_lines.end];
        source.edit(
            replace,
            &text[new_at[new_lines.start]..new_at[new_lines.end]],
        );
    }
    (source.text() == text).then_some(source)
}
