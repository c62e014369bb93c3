//! Thai is laid out under the tag `zh-TH`, so that Typst breaks lines only at ita-report's
//! marks without running its Thai word model, and the PDF states Thai
//! (`src/layout_lang.rs`): the bytes are those the tag `th` gives, and no PDF names another
//! language.

use std::collections::BTreeSet;
use std::io::Read;

use ita_report::engine::{BuildOptions, Engine};
use typst::layout::{Frame, FrameItem};
use typst::model::Document;
use typst::text::Locale;

use crate::common::{Scratch, build, load_sample, root, samples};

/// How the engine's template declares the layout tag (engine.typ, never overridden).
pub const LAYOUT_TAG: &str = "#let engine-lang = (lang: \"zh\", region: \"TH\")";
/// Where the shared template sets it for the text.
pub const LAYOUT_TAG_SET: &str = "  ..engine-lang,\n";

/// A templates folder whose shared template tags text `th`, as before the layout tag.
fn tagged_thai() -> Scratch {
    let scratch = Scratch::new("lang");
    let layout = std::fs::read_to_string(root().join("report-templates/layout.typ")).unwrap();
    let engine = std::fs::read_to_string(root().join("report-templates/engine.typ")).unwrap();
    assert!(
        layout.contains(LAYOUT_TAG_SET) && engine.contains(LAYOUT_TAG),
        "the shared template lays Thai out under zh-TH"
    );
    std::fs::write(
        scratch.path().join("layout.typ"),
        layout.replace(LAYOUT_TAG_SET, "  lang: \"th\",\n"),
    )
    .unwrap();
    scratch
}

/// Every `/Lang` of a PDF, in its objects and in its (deflated) content streams.
fn languages(pdf: &[u8]) -> Vec<String> {
    fn scan(bytes: &[u8], out: &mut Vec<String>) {
        let text = String::from_utf8_lossy(bytes);
        for part in text.split("/Lang").skip(1) {
            let value = part
                .trim_start()
                .strip_prefix('(')
                .and_then(|v| v.split(')').next());
            out.push(value.unwrap_or("?").to_owned());
        }
    }
    let mut out = Vec::new();
    scan(pdf, &mut out);
    let mut rest = pdf;
    while let Some(at) = rest.windows(7).position(|w| w == b"stream\n") {
        rest = &rest[at + 7..];
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(rest)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            scan(&inflated, &mut out);
        }
    }
    out
}

#[test]
fn thai_laid_out_under_the_layout_tag_gives_the_bytes_of_thai() {
    let scratch = tagged_thai();
    let thai = Engine::new(Some(scratch.path()), &[]).expect("the engine loads");
    let out = Scratch::new("lang-out");
    for path in samples() {
        let loaded = load_sample(&path);
        let tagged = build(&loaded, &BuildOptions::default());
        let plain = thai
            .build(&loaded, "sample", out.path(), &BuildOptions::default())
            .unwrap_or_else(|f| panic!("{f}"));
        for (a, b) in tagged.artifacts.iter().zip(&plain.artifacts) {
            assert!(
                a.pdf == b.pdf,
                "{}: the layout tag changed the PDF",
                path.display()
            );
        }
        let langs = languages(&tagged.artifacts[0].pdf);
        assert!(
            !langs.is_empty() && langs.iter().all(|l| l == "th"),
            "{}: languages {langs:?}",
            path.display()
        );
    }
}

#[test]
fn the_layout_tag_reaches_typst_and_leaves_the_document() {
    let loaded = load_sample(&root().join("inputs/2568-roiet-municipality.json"));
    let built = build(&loaded, &BuildOptions::default());
    let document = &built.artifacts[0].document;
    assert_eq!(
        document
            .info()
            .locale
            .custom()
            .map(|l| l.rfc_3066().to_string()),
        Some("th".to_owned())
    );
    let source = &built.artifacts[0].typst;
    assert!(
        source.contains(LAYOUT_TAG) && source.contains(LAYOUT_TAG_SET),
        "the generated source sets the layout tag"
    );
    fn tags(frame: &Frame, out: &mut BTreeSet<String>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => tags(&group.frame, out),
                FrameItem::Text(text) => {
                    out.insert(Locale::new(text.lang, text.region).rfc_3066().to_string());
                }
                _ => {}
            }
        }
    }
    let mut found = BTreeSet::new();
    document
        .pages()
        .iter()
        .for_each(|page| tags(&page.frame, &mut found));
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["th"],
        "every text item is Thai again"
    );
    // What Typst itself laid out carried the layout tag.
    let compiled = crate::common::compile_source(&built.artifacts[0].typst, &loaded);
    let mut laid_out = BTreeSet::new();
    compiled
        .pages()
        .iter()
        .for_each(|page| tags(&page.frame, &mut laid_out));
    assert!(
        laid_out.contains("zh-TH"),
        "Typst laid text out under zh-TH: {laid_out:?}"
    );
}
