//! Thai clusters put back together before PDF export, so the PDF's text can be searched.
//!
//! Typst 0.15 groups the glyphs of a shaped run into text items by vertical offset. When the
//! font's mark-to-mark positioning lifts one mark of a cluster (์ over ิ in โพธิ์, ุ under ฎ),
//! the cluster is cut into two items, and each carries the cluster's whole text: the PDF then
//! states "ธิ์" twice, and pdftotext or PyMuPDF extract "โพธิ์ธิ์" (typst issue 7610; krilla
//! issue 411 is the related ToUnicode problem). Here such a continuation is appended to the
//! item it continues, its lift kept as each glyph's own vertical offset: the glyphs sit
//! exactly where they were, and the cluster's text is written once.

use typst::layout::{Abs, Em, Frame, FrameItem, Point};
use typst::model::Document;
use typst::text::TextItem;
use typst_layout::PagedDocument;

/// The document with every split cluster rejoined (unchanged when none is split).
pub fn rejoin(document: &PagedDocument) -> PagedDocument {
    let mut pages = document.pages().to_vec();
    let mut changed = false;
    for page in &mut pages {
        changed |= rejoin_frame(&mut page.frame);
    }
    if !changed {
        return document.clone();
    }
    PagedDocument::new(pages.into_iter().collect(), document.info().clone())
}

fn rejoin_frame(frame: &mut Frame) -> bool {
    let mut changed = false;
    let mut out: Vec<(Point, FrameItem)> = Vec::with_capacity(frame.items().len());
    for (pos, item) in frame.items().cloned() {
        let item = match item {
            FrameItem::Group(mut group) => {
                changed |= rejoin_frame(&mut group.frame);
                FrameItem::Group(group)
            }
            other => other,
        };
        if let (FrameItem::Text(next), Some((at, FrameItem::Text(text)))) = (&item, out.last_mut()) {
            if continues(*at, text, pos, next) {
                append(*at, text, pos, next);
                changed = true;
                continue;
            }
        }
        out.push((pos, item));
    }
    if changed {
        frame.clear();
        frame.push_multiple(out);
    }
    changed
}

/// Whether `next` (at `pos`) is the rest of the last cluster of `text` (at `at`): same font
/// and paint, starting where `text` ends, for the same characters of the same source.
fn continues(at: Point, text: &TextItem, pos: Point, next: &TextItem) -> bool {
    let (Some(last), Some(first)) = (text.glyphs.last(), next.glyphs.first()) else { return false };
    let same_style = text.font == next.font
        && text.size == next.size
        && text.fill == next.fill
        && text.stroke == next.stroke
        && text.lang == next.lang;
    let touching = (at.x + text.width() - pos.x).abs() < Abs::pt(0.01);
    let cluster = &text.text[last.range()];
    same_style
        && touching
        && (at.y - pos.y).abs() < text.size
        && last.span.0 == first.span.0
        && next.glyphs.iter().all(|g| &next.text[g.range()] == cluster)
}

/// Appends the glyphs of `next` to `text`, their vertical distance kept as glyph offsets.
fn append(at: Point, text: &mut TextItem, pos: Point, next: &TextItem) {
    let start = text.glyphs.last().map_or(0, |g| g.range.start);
    let end = text.glyphs.last().map_or(0, |g| g.range.end);
    // Offsets are Y-up in em; frame positions are Y-down.
    let lift = Em::from_abs(at.y - pos.y, text.size);
    for glyph in &next.glyphs {
        let mut glyph = glyph.clone();
        glyph.range = start..end;
        glyph.y_offset += lift;
        text.glyphs.push(glyph);
    }
}
