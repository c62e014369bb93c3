//! The samples in inputs/: generated Typst snapshotted, figures read back from the laid-out
//! pages, and the same input giving the same bytes.

use ita_report::{BuildOptions, DocKind};

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
        insta::assert_snapshot!(format!("typst-{name}"), source);
    }
}

#[test]
fn every_indicator_score_is_printed() {
    for path in samples() {
        let loaded = load_sample(&path);
        let built = build(&loaded, &BuildOptions::default());
        let text = squeeze(&page_texts(&built.artifacts[0].document).concat());
        let Some(scores) = loaded.package.scores.as_ref() else { continue };
        for indicator in &scores.indicators {
            let shown = ita_report::thai::score(indicator.score, loaded.package.numerals);
            assert!(text.contains(&shown), "{}: indicator {} score {shown} missing", path.display(), indicator.number);
        }
    }
}

#[test]
fn seed_002_report_states_true_extremes() {
    let loaded = load_sample(&crate::common::root().join("inputs/2568-roiet-municipality.json"));
    let built = build(&loaded, &BuildOptions { split: true, ..Default::default() });
    let report = built.artifacts.iter().find(|a| a.kinds == [DocKind::Report]).expect("a report");
    let text = squeeze(&page_texts(&report.document).concat());
    assert!(text.contains("93.14"), "the overall score");
    for (expected, what) in [
        // IIT: highest indicator 3 (100), lowest indicator 1 (95.55).
        ("ตัวชี้วัดที่ได้คะแนนสูงสุดคือตัวชี้วัดที่3ใช้อำนาจ(100.00คะแนน)และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่1การปฏิบัติหน้าที่(95.55คะแนน)", "IIT"),
        // EIT: highest 6 (99.74), lowest 8 (99.56).
        ("สูงสุดคือตัวชี้วัดที่6คุณภาพการดำเนินงาน(99.74คะแนน)และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่8การปรับปรุงการทำงาน(99.56คะแนน)", "EIT"),
        // OIT: highest 10 (85), lowest 9 (81.50), and 9 is below the target.
        ("สูงสุดคือตัวชี้วัดที่10การป้องกันการทุจริต(85.00คะแนน)และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่9การเปิดเผยข้อมูล(81.50คะแนน)", "OIT"),
        ("ตัวชี้วัดที่ได้คะแนนต่ำกว่าค่าเป้าหมาย85.00คะแนนได้แก่ตัวชี้วัดที่9การเปิดเผยข้อมูล", "OIT below target"),
    ] {
        assert!(text.contains(expected), "{what} statement missing");
    }
}

#[test]
fn same_input_gives_same_bytes() {
    for path in samples() {
        let first = build(&load_sample(&path), &BuildOptions::default());
        ita_report::evict_caches();
        let second = build(&load_sample(&path), &BuildOptions::default());
        assert_eq!(first.artifacts[0].pdf, second.artifacts[0].pdf, "{}", path.display());
    }
}

#[test]
fn split_gives_one_pdf_per_document_in_order() {
    let loaded = load_sample(&crate::common::root().join("inputs/2567-roiet-education-office.json"));
    let built = build(&loaded, &BuildOptions { split: true, ..Default::default() });
    let kinds: Vec<_> = built.artifacts.iter().map(|a| a.kinds.clone()).collect();
    assert_eq!(kinds, vec![vec![DocKind::Memo], vec![DocKind::Report], vec![DocKind::Measures]]);
    let stems: Vec<_> = built.artifacts.iter().map(|a| a.stem.as_str()).collect();
    assert_eq!(stems, ["sample-memo", "sample-report", "sample-measures"]);
}
