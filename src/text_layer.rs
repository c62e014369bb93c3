//! The PDF's text layer made to hold exactly the words on the page, before export.
//!
//! Two things Typst 0.15 would otherwise write into it:
//!
//! - **Split clusters, written twice.** Typst groups the glyphs of a shaped run into text
//!   items by vertical offset. When the font's mark-to-mark positioning lifts one mark of a
//!   cluster (์ over ิ in โพธิ์, ุ under ฎ), the cluster is cut into two items, and each
//!   carries the cluster's whole text: the PDF then states "ธิ์" twice, and pdftotext or
//!   PyMuPDF extract "โพธิ์ธิ์" (typst issue 7610; krilla issue 411 is the related ToUnicode
//!   problem). Such a continuation is appended to the item it continues, its lift kept as
//!   each glyph's own vertical offset: the glyphs sit exactly where they were, and the
//!   cluster's text is written once.
//! - **The line-break marks.** [`crate::linebreak`] writes U+200B between Thai words and
//!   U+2060 inside them, in the text itself, so that a paragraph is shaped in long runs (one
//!   text item per line rather than per word: a third less work for styling, shaping and the
//!   PDF). Shaping drops their glyphs, but each stays in the text of the glyph before it, and
//!   would reach the PDF as that glyph's actual text: copied or searched text would carry
//!   invisible characters between words. They are taken out of each item's text here, the
//!   glyphs' ranges moved to match.

use typst::layout::{Abs, Em, Frame, FrameItem, Point};
use typst::model::Document;
use typst::text::TextItem;
use typst_layout::PagedDocument;

/// The document with every split cluster rejoined and every line-break mark taken out of
/// its text (unchanged when there is nothing to do).
pub fn repair(document: &PagedDocument) -> PagedDocument {
    let mut pages = document.pages().to_vec();
    let mut changed = false;
    for page in &mut pages {
        changed |= repair_frame(&mut page.frame);
    }
    if !changed {
        return document.clone();
    }
    PagedDocument::new(pages.into_iter().collect(), document.info().clone())
}

fn repair_frame(frame: &mut Frame) -> bool {
    let mut changed = false;
    let mut out: Vec<(Point, FrameItem)> = Vec::with_capacity(frame.items().len());
    for (pos, item) in frame.items().cloned() {
        let item = match item {
            FrameItem::Group(mut group) => {
                changed |= repair_frame(&mut group.frame);
                FrameItem::Group(group)
            }
            FrameItem::Text(mut text) => {
                changed |= unmark(&mut text);
                FrameItem::Text(text)
            }
            other => other,
        };
        if let (FrameItem::Text(next), Some((at, FrameItem::Text(text)))) = (&item, out.last_mut())
            && continues(*at, text, pos, next)
        {
            append(*at, text, pos, next);
            changed = true;
            continue;
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
    let (Some(last), Some(first)) = (text.glyphs.last(), next.glyphs.first()) else {
        return false;
    };
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

/// Takes the line-break marks out of `text`'s text, moving each glyph's range to match.
fn unmark(text: &mut TextItem) -> bool {
    if !text.text.contains(&crate::linebreak::glue::MARKS[..]) {
        return false;
    }
    // `kept[i]`: how many bytes before byte `i` of the old text stay.
    let mut kept = Vec::with_capacity(text.text.len() + 1);
    let mut cleaned = String::with_capacity(text.text.len());
    for c in text.text.chars() {
        kept.extend(std::iter::repeat_n(cleaned.len(), c.len_utf8()));
        if !crate::linebreak::glue::MARKS.contains(&c) {
            cleaned.push(c);
        }
    }
    kept.push(cleaned.len());
    let moved = |at: u16| kept[usize::from(at)] as u16;
    for glyph in &mut text.glyphs {
        glyph.range = moved(glyph.range.start)..moved(glyph.range.end);
    }
    text.text = cleaned.into();
    true
}
