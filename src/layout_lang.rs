//! Thai laid out under the tag `zh-TH`, stated as Thai in the PDF.
//!
//! Typst 0.15 finds a paragraph's break opportunities with ICU4X's line segmenter, which for
//! any language but Chinese and Japanese runs the LSTM Thai word model over the paragraph's
//! whole text, each time the paragraph is laid out (twice when it is justified). ita-report
//! marks itself every place Thai text may break and forbids the model's others
//! ([`crate::linebreak`]), so all the model's work is thrown away; yet it was two fifths of
//! the time of building one package and a fifth of a province's batch (perf). For Chinese
//! and Japanese, Typst uses the rule-based segmenter alone, which keeps a run of Thai letters
//! whole: lines then break at the marks only, the same lines as before, without the model.
//!
//! So the shared template sets text as `lang: "zh", region: "TH"`, a tag no text of these
//! documents really carries, and [`restore`] states Thai again wherever that tag reached the
//! laid-out document before the PDF is written: each text item, the figures and images
//! (their language goes into the PDF's structure), and the document itself. The PDF is the
//! one Thai would give, byte for byte (a test compares the two). A template that sets Thai
//! text as `lang: "th"` still works: it pays for the model again.

use typst::foundations::{Content, Smart};
use typst::introspection::Tag;
use typst::layout::{Frame, FrameItem};
use typst::model::{Document, FigureElem};
use typst::text::{Lang, Locale, Region};
use typst::visualize::ImageElem;
use typst_layout::PagedDocument;

/// The tag Thai text is laid out under.
fn layout_tag() -> Locale {
    Locale::new(Lang::CHINESE, "TH".parse::<Region>().ok())
}

/// Thai, as the PDF states it.
const THAI: Locale = Locale::new(Lang::THAI, None);

/// The document with every `zh-TH` made Thai (unchanged when there is none).
pub fn restore(document: &PagedDocument) -> PagedDocument {
    let tag = layout_tag();
    let mut info = document.info().clone();
    let mut changed = false;
    if info.locale == Smart::Custom(tag) {
        info.locale = Smart::Custom(THAI);
        changed = true;
    }
    let mut pages = document.pages().to_vec();
    for page in &mut pages {
        changed |= restore_frame(&mut page.frame, tag);
    }
    if !changed {
        return document.clone();
    }
    PagedDocument::new(pages.into_iter().collect(), info)
}

fn restore_frame(frame: &mut Frame, tag: Locale) -> bool {
    let mut changed = false;
    let items: Vec<_> = frame
        .items()
        .cloned()
        .map(|(pos, mut item)| {
            match &mut item {
                FrameItem::Group(group) => changed |= restore_frame(&mut group.frame, tag),
                FrameItem::Text(text) if Locale::new(text.lang, text.region) == tag => {
                    (text.lang, text.region) = (THAI.lang, THAI.region);
                    changed = true;
                }
                FrameItem::Tag(Tag::Start(content, _)) if locale_of(content) == Some(tag) => {
                    set_locale(content, THAI);
                    changed = true;
                }
                _ => {}
            }
            (pos, item)
        })
        .collect();
    if changed {
        frame.clear();
        frame.push_multiple(items);
    }
    changed
}

/// The language a figure or an image gives its part of the PDF's structure.
fn locale_of(content: &Content) -> Option<Locale> {
    if let Some(figure) = content.to_packed::<FigureElem>() {
        figure.locale
    } else {
        content
            .to_packed::<ImageElem>()
            .and_then(|image| image.locale)
    }
}

fn set_locale(content: &mut Content, locale: Locale) {
    if let Some(figure) = content.to_packed_mut::<FigureElem>() {
        figure.locale = Some(locale);
    } else if let Some(image) = content.to_packed_mut::<ImageElem>() {
        image.locale = Some(locale);
    }
}
