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
    // (Its OIT detail prints inside the report, as the seed's part ๑: see its outline.)
    let kinds: Vec<_> = built.artifacts.iter().map(|a| a.kinds.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            vec![DocKind::Memo],
            vec![DocKind::Cover],
            vec![DocKind::Report],
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

#[test]
fn seed_001_prints_part_for_part() {
    // The education office's report as its seed: part ๑ with the OIT items (๑., ๑.๑), part ๒
    // numbering from ๑. again, the list after "ดังนี้", each indicator's heading, score table
    // and the items commented on, the weak points, then the measures as ๒.
    let loaded =
        load_sample(&crate::common::root().join("inputs/2567-roiet-education-office.json"));
    let built = build(&loaded, &BuildOptions::default());
    let text = squeeze(&page_texts(&built.artifacts[0].document).concat());
    let mut from = 0;
    for part in [
        "ส่วนที่๑ผลการประเมินคุณธรรม",
        "๑.ผลคะแนนรายข้อย่อย(OIT)",
        "๑.๑ตัวชี้วัดที่๙การเปิดเผยข้อมูล",
        "๑.๒ตัวชี้วัดที่๑๐",
        "ส่วนที่๒การวิเคราะห์ข้อมูล",
        "๑.การวิเคราะห์ผลการประเมิน",
        "ดังนี้๑)ตัวชี้วัดการเปิดเผยข้อมูล๕๖.๖๗คะแนน๒)ตัวชี้วัดการป้องกันการทุจริต๐คะแนน",
        "ตัวชี้วัดการเปิดเผยข้อมูลในภาพรวมมีค่าคะแนนเท่ากับ๕๖.๖๗",
        "ลำดับที่ตัวชี้วัดย่อยคะแนน",
        "๐๑๙แผนการจัดซื้อจัดจ้าง",
        "ตัวชี้วัดการป้องกันการทุจริตในภาพรวมมีค่าคะแนนเท่ากับ๐.๐๐",
        "สรุปประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อน",
        "สรุปประเด็นที่จะต้องพัฒนาให้ดีขึ้น",
        "๒.มาตรการ/แนวทางส่งเสริม",
    ] {
        let at = text[from..]
            .find(part)
            .unwrap_or_else(|| panic!("`{part}` after the part before it"));
        from += at + part.len();
    }
    // Nothing the seed does not have: no summary box, no analysis heading of the program's.
    for absent in ["ผลเทียบกับค่าเป้าหมาย", "ผ่าน๑๗ข้อจาก๔๓ข้อคิดเป็น"]
    {
        assert!(!text.contains(absent), "`{absent}` is printed");
    }
}

#[test]
fn an_oit_part_printed_in_the_report_is_not_printed_twice() {
    // Seed 001's outline moves the OIT parts into its report and leaves the OIT detail empty;
    // without `outline.oit: []` they would print twice, and the package is refused there.
    let path = crate::common::root().join("inputs/2567-roiet-education-office.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    value["outline"].as_object_mut().unwrap().remove("oit");
    let shown = ita_report::load::load_str(
        &value.to_string(),
        "twice.json",
        crate::common::frameworks(),
    )
    .expect_err("refused")
    .to_string();
    assert!(shown.contains("outline.report[3].part"), "{shown}");
    assert!(
        shown.contains("จะพิมพ์ทั้งในรายงานและในรายละเอียด OIT"),
        "{shown}"
    );
}

#[test]
fn a_formed_score_is_marked_where_it_prints() {
    // 2564 forms every tool from its indicators and the total from the tools: the note under
    // the indicator table says which printed scores the program computed. Given scores carry
    // no note.
    let indicators: Vec<serde_json::Value> = [90, 85, 80, 75, 70, 88, 86, 84, 70, 60]
        .iter()
        .enumerate()
        .map(|(k, s)| serde_json::json!({ "number": k + 1, "score": s }))
        .collect();
    let text_of = |scores: serde_json::Value| {
        let package = serde_json::json!({
            "agency": { "name": "องค์การมหาชนทดสอบ", "kind": "public_organisation" },
            "fiscal_year": 2564,
            "scores": scores
        });
        let loaded = crate::common::load_text(&package.to_string(), "formed.json");
        let built = build(&loaded, &BuildOptions::default());
        squeeze(&page_texts(&built.artifacts[0].document).concat())
    };
    let formed = text_of(serde_json::json!({ "indicators": indicators }));
    assert!(
        formed.contains("คะแนนรวม๗๕.๘๐หมายเหตุ:คะแนนแบบวัดIITEITและOITคำนวณจากคะแนนตัวชี้วัดและคะแนนรวมคำนวณจากคะแนนแบบวัดตามน้ำหนักที่กำหนดของปีงบประมาณพ.ศ.๒๕๖๔"),
        "{formed}"
    );
    let given = text_of(serde_json::json!({
        "indicators": indicators, "total": 75.8,
        "tools": { "IIT": 80, "EIT": 86, "OIT": 65 }
    }));
    assert!(given.contains("คะแนนรวม๗๕.๘๐"), "{given}");
    assert!(!given.contains("คำนวณจากคะแนน"), "{given}");
}
