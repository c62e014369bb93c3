//! Page-flow decisions taken on a finished layout, outside Typst's passes.
//!
//! Typst decides every layout question on the positions of its previous pass, and a decision
//! that moves text changes those positions: a chain of such decisions stops converging. The
//! decisions here are the engine's: [`anchored`] writes markers into the source (an anchor at
//! each paragraph break of a document's own flow, an end marker at each document's end);
//! [`revise`] reads where they were laid out and, when a rule is broken, returns the source
//! to build again with the remedy written in:
//!
//! - a table under half a page that moved whole to the next page, leaving more than
//!   [`MOST_BLANK`] of the page before it blank, may split there (`flow-table(split: true)`:
//!   its header repeats, and two rows at least stand on each side);
//! - a document of several pages whose last page holds less than [`LEAST_LAST`] of its text
//!   area gets a blank floated to the foot of the page before (`flow-blank`, in place of the
//!   first anchor on that page), of the height that moves enough of its last lines over.
//!
//! The markers and remedies are defined in `engine.typ`. A build that needs no remedy costs
//! one layout; the same source always gives the same decisions.

use typst::foundations::{Label, Selector, Value};
use typst::introspection::MetadataElem;
use typst::layout::{Frame, FrameItem, Point};
use typst::syntax::{SyntaxKind, SyntaxNode};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// A last page must hold at least this share of the text area's height.
pub const LEAST_LAST: f64 = 0.2;
/// A table that fits by splitting moves whole only if the page it leaves is less blank.
/// Measured from the table's start marker, which lies a line's descent and the paragraph
/// spacing (about 2% of the area) under the last line: 38% there is 40% under the text.
pub const MOST_BLANK: f64 = 0.38;
/// Beyond the missing height, a line more is moved: lines go over whole.
const LINE: f64 = 24.0;
/// The comment `main.typ` writes before each document's block.
const DOCUMENT: &str = "// ---- document:";

/// `source` with the engine's markers: `#flow-anchor(k)` after each paragraph break at the
/// top level of each document's block, and `#flow-document-end` at its end. Markers are
/// metadata: they take no space, and the pages are those of the source without them.
pub fn anchored(source: &str) -> String {
    let root = typst::syntax::parse(source);
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut offset = 0;
    let mut document = false;
    for child in root.children() {
        match child.kind() {
            SyntaxKind::LineComment => document = child.leaf_text().starts_with(DOCUMENT),
            SyntaxKind::ContentBlock if document => {
                mark(child, offset, &mut inserts);
                document = false;
            }
            SyntaxKind::Space | SyntaxKind::Hash => {}
            _ => document = false,
        }
        offset += child.len();
    }
    let mut out = String::with_capacity(source.len() + inserts.len() * 20);
    let mut at = 0;
    for (k, (pos, text)) in inserts.iter().enumerate() {
        out.push_str(&source[at..*pos]);
        out.push_str(&text.replace("{k}", &k.to_string()));
        at = *pos;
    }
    out.push_str(&source[at..]);
    out
}

/// The markers of one document's block (`#[…]`, starting at `offset`).
fn mark(block: &SyntaxNode, offset: usize, inserts: &mut Vec<(usize, String)>) {
    let mut at = offset;
    for part in block.children() {
        if part.kind() == SyntaxKind::Markup {
            let mut inner = at;
            for child in part.children() {
                inner += child.len();
                if child.kind() == SyntaxKind::Parbreak {
                    // On a line of its own: a heading or list marker after it stays at the
                    // start of its line.
                    inserts.push((inner, "#flow-anchor({k})\n".to_owned()));
                }
            }
        }
        if part.kind() == SyntaxKind::RightBracket {
            inserts.push((at, "\n#flow-document-end\n".to_owned()));
        }
        at += part.len();
    }
}

/// A marker as laid out: its page (from 0), its distance from the page's top, its value.
struct Marker {
    page: usize,
    y: f64,
    value: Value,
}

fn markers(document: &PagedDocument, name: &str) -> Vec<Marker> {
    let Some(label) = Label::new(PicoStr::intern(name)) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    let mut out = Vec::new();
    for element in introspector.elements().query(&Selector::Label(label)) {
        let Some(meta) = element.to_packed::<MetadataElem>() else {
            continue;
        };
        let Some(position) = element.location().and_then(|l| introspector.position(l)) else {
            continue;
        };
        out.push(Marker {
            page: position.page.get() - 1,
            y: position.point.y.to_pt(),
            value: meta.value.clone(),
        });
    }
    out
}

fn field(value: &Value, key: &str) -> Option<Value> {
    match value {
        Value::Dict(dict) => dict.get(key).ok().cloned(),
        _ => None,
    }
}

fn points(value: Option<Value>) -> Option<f64> {
    match value? {
        Value::Length(l) => Some(l.abs.to_pt()),
        _ => None,
    }
}

/// One document of the PDF as laid out: its pages and the text area's top and bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Extent {
    pub first: usize,
    pub last: usize,
    pub top: f64,
    pub bottom: f64,
    /// Where its text ends on its last page.
    pub end: f64,
}

impl Extent {
    /// The share of the text area's height its last page fills.
    pub fn last_fill(&self) -> f64 {
        (self.end - self.top) / (self.bottom - self.top)
    }

    /// A document of several pages whose last page is short.
    pub fn short(&self) -> bool {
        self.last > self.first && self.last_fill() < LEAST_LAST
    }
}

/// The documents of a laid-out PDF (those whose block carried `#flow-document-end`).
pub fn extents(document: &PagedDocument) -> Vec<Extent> {
    let mut out: Vec<Extent> = Vec::new();
    for end in markers(document, "flow-document-end") {
        // Each document starts a page (`main.typ` sets the page anew).
        let first = out.last().map_or(0, |e| e.last + 1).min(end.page);
        let (Some(top), Some(bottom)) = (
            points(field(&end.value, "top")),
            points(field(&end.value, "bottom")),
        ) else {
            continue;
        };
        out.push(Extent {
            first,
            last: end.page,
            top,
            bottom,
            end: end.y,
        });
    }
    out
}

/// The source to build again when the laid-out `document` breaks a rule the engine decides:
/// short tables split first (they move every later page), then blanks for short last pages.
/// `None` when nothing is to change.
pub fn revise(source: &str, document: &PagedDocument) -> Option<String> {
    splits(source, document).or_else(|| blanks(source, document))
}

/// Tables moved whole to the next page though more than [`MOST_BLANK`] of the page they
/// left stays blank: set to split (`split: true`). Tables are found by their order: the
/// k-th `flow-probe` marker is the k-th `#flow-table(` call of the source.
fn splits(source: &str, document: &PagedDocument) -> Option<String> {
    let probes = markers(document, "flow-probe");
    let ends = markers(document, "flow-end");
    let calls: Vec<usize> = source
        .match_indices("#flow-table(")
        .map(|(i, _)| i)
        .collect();
    if probes.len() != ends.len() || probes.len() != calls.len() {
        return None;
    }
    let extents = extents(document);
    let mut chosen = Vec::new();
    for (k, (probe, end)) in probes.iter().zip(&ends).enumerate() {
        let moved = matches!(field(&end.value, "moved"), Some(Value::Bool(true)));
        let Some(area) = extents
            .iter()
            .find(|e| e.first <= probe.page && probe.page <= e.last)
        else {
            continue;
        };
        let blank = (area.bottom - probe.y) / (area.bottom - area.top);
        if moved && end.page > probe.page && blank > MOST_BLANK {
            chosen.push(calls[k] + "#flow-table(".len());
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let mut out = source.to_owned();
    for at in chosen.into_iter().rev() {
        out.insert_str(at, "split: true, ");
    }
    Some(out)
}

/// Blanks floated to the foot of the page before a short last page.
fn blanks(source: &str, document: &PagedDocument) -> Option<String> {
    let anchors = markers(document, "flow-anchor");
    let placed = markers(document, "flow-blank");
    let mut out = source.to_owned();
    let mut changed = false;
    for extent in extents(document).iter().filter(|e| e.short()) {
        let before = extent.last - 1;
        let area = extent.bottom - extent.top;
        let missing = LEAST_LAST * area - (extent.end - extent.top) + LINE;
        let slack = extent.bottom - lowest_text(document, before, extent.bottom);
        let height = missing + slack;
        // More blank than this would only move the problem to the page before.
        if height > 0.5 * area {
            continue;
        }
        let blank = |k: &Value| format!("#flow-blank({}, {height:.1}pt)", int(k));
        if let Some(old) = placed.iter().find(|b| b.page == before) {
            // A blank already there (too short: its lines went over with less): made taller.
            let k = field(&old.value, "k").unwrap_or(Value::None);
            let h = points(field(&old.value, "height")).unwrap_or(0.0);
            let was = format!("#flow-blank({}, {h:.1}pt)", int(&k));
            changed |= replace_once(&mut out, &was, &blank(&k));
            continue;
        }
        // The first anchor well inside the page (one at its very top may belong to the
        // page before), with room for the blank under it.
        let anchor = anchors.iter().find(|a| {
            a.page == before && a.y > extent.top + 1.0 && a.y + height + LINE < extent.bottom
        });
        if let Some(anchor) = anchor {
            let was = format!("#flow-anchor({})\n", int(&anchor.value));
            changed |= replace_once(&mut out, &was, &(blank(&anchor.value) + "\n"));
        }
    }
    changed.then_some(out)
}

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(k) => *k,
        _ => -1,
    }
}

fn replace_once(text: &mut String, was: &str, by: &str) -> bool {
    match text.find(was) {
        Some(at) => {
            text.replace_range(at..at + was.len(), by);
            true
        }
        None => false,
    }
}

/// The foot of the lowest line of text on `page` above `bottom` (page numbers and marks in
/// the margins left out); the top of the page when it holds none.
fn lowest_text(document: &PagedDocument, page: usize, bottom: f64) -> f64 {
    let mut lowest = 0.0_f64;
    if let Some(page) = document.pages().get(page) {
        walk(&page.frame, Point::zero(), &mut |y, size| {
            // The descent of a line: about a third of its size.
            let foot = y + 0.35 * size;
            if y <= bottom {
                lowest = lowest.max(foot);
            }
        });
    }
    lowest
}

fn walk(frame: &Frame, origin: Point, found: &mut impl FnMut(f64, f64)) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => {
                let shifted = at + Point::new(group.transform.tx, group.transform.ty);
                walk(&group.frame, shifted, found);
            }
            FrameItem::Text(text) => found(at.y.to_pt(), text.size.to_pt()),
            _ => {}
        }
    }
}
