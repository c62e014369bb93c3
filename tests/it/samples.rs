//! The samples in inputs/: generated Typst snapshotted, figures read back from the laid-out
//! pages, and the same input giving the same bytes.

use ita_report::documents::DocKind;
use ita_report::engine::BuildOptions;

use crate::common::{build, engine, load_sample, page_texts, samples, squeeze};

#[test]
fn generated_typst_matches_snapshots() {
    for path in samples() {
        let loaded = load_sample(&path);
        let kinds = DocKind::available(&loaded.package);
        let source = engine()
            .typst_source(&loaded, &kinds, &BuildOptions::default())
            .unwrap_or_else(|f| panic!("{f}"));
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        // The documents, not the shared layer every sample includes (layout.typ is measured
        // by the layout tests): an edit there should not rewrite every snapshot.
        let documents = &source[source.find("// ---- document:").expect("a document marker")..];
        insta::assert_snapshot!(format!("typst-{name}"), documents);
    }
}

#[test]
fn every_indicator_score_is_printed() {
    for path in samples() {
        let loaded = load_sample(&path);
        let built = build(&loaded, &BuildOptions::default());
        let text = squeeze(&page_texts(&built.artifacts[0].document).concat());
        let Some(scores) = loaded.package.scores.as_ref() else {
            continue;
        };
        for indicator in &scores.indicators {
            let shown = ita_report::thai::score(indicator.score, loaded.package.numerals);
            assert!(
                text.contains(&shown),
                "{}: indicator {} score {shown} missing",
                path.display(),
                indicator.number
            );
        }
    }
}

#[test]
fn same_input_gives_same_bytes() {
    for path in samples() {
        let first = build(&load_sample(&path), &BuildOptions::default());
        ita_report::engine::evict_caches();
        let second = build(&load_sample(&path), &BuildOptions::default());
        assert_eq!(
            first.artifacts[0].pdf,
            second.artifacts[0].pdf,
            "{}",
            path.display()
        );
    }
}

#[test]
fn split_gives_one_pdf_per_document_in_order() {
    let loaded =
        load_sample(&crate::common::root().join("inputs/2567-roiet-education-office.json"));
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let kinds: Vec<_> = built.artifacts.iter().map(|a| a.kinds.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            vec![DocKind::Memo],
            vec![DocKind::Cover],
            vec![DocKind::Report],
            vec![DocKind::Oit],
            vec![DocKind::Measures]
        ]
    );
    let stems: Vec<_> = built.artifacts.iter().map(|a| a.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            "sample-memo",
            "sample-cover",
            "sample-report",
            "sample-oit",
            "sample-measures"
        ]
    );
}

#[test]
fn every_agency_name_is_found_in_the_text_once_per_printing() {
    // Clusters that Typst cuts in two (โพธิ์, ศักดิ์) are rejoined before export, so the text of
    // the pages (and of the PDF, which is written from it) holds each name as printed.
    let loaded = load_sample(&crate::common::root().join("inputs/2566-roiet-province.json"));
    let built = build(&loaded, &BuildOptions::default());
    let text = squeeze(&page_texts(&built.artifacts[0].document).concat());
    let agencies = &loaded.package.province.as_ref().unwrap().agencies;
    assert_eq!(agencies.len(), 204);
    for agency in agencies {
        assert!(
            text.contains(&squeeze(&agency.name)),
            "{} cannot be found",
            agency.name
        );
    }
    assert!(
        !text.contains("ธิ์ธิ์") && !text.contains("ดิ์ดิ์"),
        "no cluster is stated twice"
    );
    // The line-break marks are in the laid-out text, and taken out before export.
    assert!(
        !text.contains(&ita_report::linebreak::glue::MARKS[..]),
        "no break mark in the PDF's text"
    );
    assert!(text.contains("โพธิ์ชัย") && text.contains("ชูศักดิ์"));
}
