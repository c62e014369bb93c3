//! The analysis follows from the data: narrative per sample snapshotted, statements checked
//! against the tables, the province summary counted from its rows, the OIT detail scored from
//! its items, and check's findings on the samples snapshotted.

use ita_report::analysis::Facts;
use ita_report::documents::DocKind;
use ita_report::engine::BuildOptions;

use crate::common::{build, load_sample, page_texts, root, samples, squeeze};

fn facts_of(path: &str) -> (ita_report::load::Loaded, Facts) {
    let loaded = load_sample(&root().join(path));
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    (loaded, facts)
}

fn report_text(path: &str, kind: DocKind) -> String {
    let loaded = load_sample(&root().join(path));
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let artifact = built
        .artifacts
        .iter()
        .find(|a| a.kinds == [kind])
        .expect("the document is built");
    // Without the page numbers ("- ๒ -") that head each page after the first.
    let pages: Vec<String> = page_texts(&artifact.document)
        .iter()
        .map(|p| squeeze(p))
        .collect();
    pages
        .iter()
        .enumerate()
        .map(
            |(i, p)| match (i, p.strip_prefix('-').and_then(|r| r.split_once('-'))) {
                (1.., Some((_, rest))) => rest.to_owned(),
                _ => p.clone(),
            },
        )
        .collect()
}

/// The generated paragraphs of every sample (and the two-year fixture), one block each.
#[test]
fn narrative_matches_snapshots() {
    let mut paths = samples();
    paths.push(root().join("tests/fixtures/analysis/two-years-no-text.json"));
    for path in paths {
        let loaded = load_sample(&path);
        let facts =
            ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
        let mut out = String::new();
        out.push_str("overall:\n");
        for p in &facts.overall.0 {
            out.push_str(&format!("  {p}\n"));
        }
        for tool in &facts.tools {
            out.push_str(&format!("{}:\n", tool.tool));
            for p in &tool.narrative.0 {
                out.push_str(&format!("  {p}\n"));
            }
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        insta::assert_snapshot!(format!("narrative-{name}"), out);
    }
}

/// `check` on the samples: every contradiction with its JSON path.
#[test]
fn check_findings_on_samples_match_snapshots() {
    for path in samples() {
        let loaded = load_sample(&path);
        let lines: Vec<String> = loaded.warnings.iter().map(|d| d.to_string()).collect();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        insta::assert_snapshot!(format!("check-{name}"), lines.join("\n"));
    }
}

#[test]
fn seed_002_statements_are_true_of_its_table() {
    let text = report_text("inputs/2568-roiet-municipality.json", DocKind::Report);
    assert!(text.contains("93.14"), "the overall score");
    for (expected, what) in [
        // IIT: 3 (100) highest, 4 and 5 (99.96) next, 1 (95.55) lowest.
        (
            "ตัวชี้วัดที่ได้คะแนนสูงสุดคือตัวชี้วัดที่3ใช้อำนาจคะแนนเท่ากับ100.00คะแนนรองลงมาคือตัวชี้วัดที่4ใช้ทรัพย์สินของราชการและตัวชี้วัดที่5แก้ไขปัญหาการทุจริตซึ่งได้คะแนนเท่ากันคือ99.96คะแนนและตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่1การปฏิบัติหน้าที่คะแนนเท่ากับ95.55คะแนน",
            "IIT",
        ),
        // EIT: 6 (99.74), then 7 (99.64), lowest 8 (99.56).
        (
            "สูงสุดคือตัวชี้วัดที่6คุณภาพการดำเนินงานคะแนนเท่ากับ99.74คะแนนรองลงมาคือตัวชี้วัดที่7ประสิทธิภาพการสื่อสารคะแนนเท่ากับ99.64คะแนนและตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่8การปรับปรุงการทำงานคะแนนเท่ากับ99.56คะแนน",
            "EIT",
        ),
        // OIT: 10 (85) highest, 9 (81.50) lowest and below the target.
        (
            "สูงสุดคือตัวชี้วัดที่10การป้องกันการทุจริตคะแนนเท่ากับ85.00คะแนนและตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือตัวชี้วัดที่9การเปิดเผยข้อมูลคะแนนเท่ากับ81.50คะแนน",
            "OIT",
        ),
        (
            "ตัวชี้วัดที่ได้คะแนนต่ำกว่าค่าเป้าหมาย85คะแนนได้แก่ตัวชี้วัดที่9การเปิดเผยข้อมูล",
            "OIT below target",
        ),
    ] {
        assert!(text.contains(expected), "{what} statement missing");
    }

    // Independently of the wording: every extreme named is the extreme of the table.
    let (_, facts) = facts_of("inputs/2568-roiet-municipality.json");
    for tool in &facts.tools {
        let scores: Vec<i64> = tool
            .indicators
            .iter()
            .map(|i| i.score.hundredths())
            .collect();
        let (max, min) = (*scores.iter().max().unwrap(), *scores.iter().min().unwrap());
        assert!(
            tool.extremes
                .highest
                .iter()
                .all(|i| i.score.hundredths() == max)
        );
        assert!(
            tool.extremes
                .lowest
                .iter()
                .all(|i| i.score.hundredths() == min)
        );
        assert_eq!(
            tool.extremes.highest.len(),
            scores.iter().filter(|&&s| s == max).count()
        );
        for i in &tool.extremes.second {
            assert!(i.score.hundredths() < max && i.score.hundredths() > min);
            assert!(
                scores
                    .iter()
                    .all(|&s| s == max || s <= i.score.hundredths())
            );
        }
    }
}

#[test]
fn seed_000_province_counts_agree_with_its_rows() {
    let (loaded, facts) = facts_of("inputs/2566-roiet-province.json");
    let province = facts.province.expect("a province summary");
    assert_eq!(province.count, 204);
    assert_eq!(
        loaded.package.province.as_ref().unwrap().agencies.len(),
        204
    );
    let counts: Vec<(Option<&str>, usize)> = province
        .levels
        .iter()
        .map(|g| (g.band.as_ref().map(|b| b.name.as_str()), g.agencies.len()))
        .collect();
    assert_eq!(
        counts,
        [
            (Some("ผ่านดีเยี่ยม"), 61),
            (Some("ผ่านดี"), 87),
            (Some("ผ่าน"), 46),
            (Some("ต้องปรับปรุง"), 9),
            (Some("ต้องปรับปรุงโดยด่วน"), 1),
        ]
    );
    assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), 204);
    assert_eq!((province.pass, province.fail), (194, 10));
    assert_eq!(province.mean, 9502);
    // Ranks run from 1, ties share one, and a list is in descending score order.
    assert_eq!(province.ranked[0].rank, 1);
    for group in &province.levels {
        assert!(
            group
                .agencies
                .windows(2)
                .all(|w| w[0].score.hundredths() >= w[1].score.hundredths())
        );
    }

    let text = report_text("inputs/2566-roiet-province.json", DocKind::Report);
    for expected in [
        "ทั้ง๒๐๔แห่งมีค่าคะแนนการประเมิน๙๕.๐๒คะแนนอยู่ในลำดับที่๑๐ของประเทศ",
        "ระดับผ่านดีเยี่ยม๖๑หน่วยงาน",
        "ระดับผ่านดี๘๗หน่วยงาน",
        "ระดับผ่าน๔๖หน่วยงาน",
        "ระดับต้องปรับปรุง๙หน่วยงาน",
        "ระดับต้องปรับปรุงโดยด่วน๑หน่วยงาน",
        "รวม*๒๐๔แห่ง",
        "จำนวน๑๙๔แห่งและไม่ผ่านเกณฑ์การประเมินได้คะแนนต่ำกว่า๘๕คะแนนจำนวน๑๐แห่ง",
        "องค์การบริหารส่วนตำบลน้ำใสจตุรพักตรพิมาน๖๘.๒๘",
    ] {
        assert!(
            text.contains(&expected.replace('*', "")),
            "missing: {expected}"
        );
    }
    // The ranked lists' header is repeated on every page they run over.
    let loaded = load_sample(&root().join("inputs/2566-roiet-province.json"));
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let report = built
        .artifacts
        .iter()
        .find(|a| a.kinds == [DocKind::Report])
        .unwrap();
    let pages = page_texts(&report.document);
    let list_pages: Vec<&String> = pages
        .iter()
        .filter(|p| squeeze(p).contains("ลำดับในจังหวัด"))
        .collect();
    assert!(
        list_pages.len() >= 5,
        "204 rows take several pages, found {}",
        list_pages.len()
    );
    for page in &pages {
        let squeezed = squeeze(page);
        let rows_here = loaded
            .package
            .province
            .as_ref()
            .unwrap()
            .agencies
            .iter()
            .any(|a| {
                let score = ita_report::thai::score(a.score, loaded.package.numerals);
                squeezed.contains(&squeeze(&format!(
                    "{}{}{score}",
                    a.name,
                    a.district.as_deref().unwrap_or_default()
                )))
            });
        if rows_here {
            assert!(
                squeezed.contains("ที่หน่วยงานอำเภอคะแนนITAลำดับในจังหวัด"),
                "a page of agencies without the header: {}",
                &squeezed[..squeezed.len().min(600)]
            );
        }
    }
}

#[test]
fn seed_001_oit_scores_follow_from_its_items() {
    let (loaded, facts) = facts_of("inputs/2567-roiet-education-office.json");
    let oit = facts.oit.expect("OIT detail");
    let by_number: Vec<(u8, usize, usize, i64)> = oit
        .indicators
        .iter()
        .map(|i| (i.number, i.passed, i.items, i.share.hundredths()))
        .collect();
    assert_eq!(by_number, [(9, 17, 30, 5667), (10, 0, 13, 0)]);
    assert_eq!(
        (oit.passed, oit.items, oit.share.hundredths()),
        (17, 43, 3953)
    );
    assert!(
        oit.from_items && oit.score.is_some_and(|s| s.hundredths() == 3953),
        "2567 forms OIT from its items"
    );
    // The scores the package states agree with the items.
    let scores = loaded.package.scores.as_ref().unwrap();
    assert_eq!(
        scores.tools[&ita_report::model::Tool::Oit].hundredths(),
        3953
    );
    assert!(
        oit.urgent.given && oit.improve.given,
        "the seed words its own weak-point tables"
    );

    // The seed prints the items in its report's part ๑ (its outline), with no total line.
    let text = report_text("inputs/2567-roiet-education-office.json", DocKind::Report);
    for expected in [
        "ตัวชี้วัดที่๙การเปิดเผยข้อมูลประกอบด้วย๕ตัวชี้วัดย่อยได้คะแนน๕๖.๖๗คะแนน(ผ่าน๑๗ข้อจาก๓๐ข้อ)",
        "๑๕คู่มือหรือมาตรฐานการให้บริการ๐ข้อมูลไม่ปรากฏจากหน้าเว็บไซต์หลัก",
        "๔๓การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน๐",
        "สรุปประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อนที่จะต้องแก้ไขโดยเร่งด่วน",
        "สรุปประเด็นที่จะต้องพัฒนาให้ดีขึ้น",
    ] {
        assert!(text.contains(expected), "missing: {expected}");
    }
}

/// A package of the repository as JSON, to edit before loading.
fn json_of(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}

/// Seed 001's package with its weak-point tables left to be generated from the items.
fn without_weak_points() -> serde_json::Value {
    let mut value = json_of("inputs/2567-roiet-education-office.json");
    let oit = value["oit"].as_object_mut().unwrap();
    oit.remove("urgent");
    oit.remove("improve");
    value
}

#[test]
fn weak_points_are_generated_from_items_scored_zero() {
    let value = without_weak_points();
    let loaded = crate::common::load_text(&value.to_string(), "generated.json");
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks)
            .oit
            .unwrap();
    // Indicator 10 passed no item: urgent as a whole. Indicator 9's zeros are to improve.
    assert_eq!(
        facts
            .urgent
            .rows
            .iter()
            .map(|r| r.indicator)
            .collect::<Vec<_>>(),
        [10]
    );
    assert_eq!(
        facts
            .improve
            .rows
            .iter()
            .map(|r| r.indicator)
            .collect::<Vec<_>>(),
        [9]
    );
    assert_eq!(facts.urgent.rows[0].text.0.len(), 13);
    let improve = &facts.improve.rows[0].text.0;
    assert_eq!(improve.len(), 13, "items 15–18, 21–27, 29, 30");
    assert_eq!(
        improve[0],
        "ข้อ ๑๕ คู่มือหรือมาตรฐานการให้บริการ (ข้อมูลไม่ปรากฏจากหน้าเว็บไซต์หลัก)"
    );
    assert!(
        !improve.iter().any(|l| l.contains("ข้อ ๒๘ ")),
        "item 28 scored 100"
    );
}

/// What the paragraphs must say of a set of indicators, worked out here from the raw numbers:
/// highest, runner-up and lowest score; largest rise with its runner-up, largest fall.
/// (The fixture's scores do not tie, which the assertions check; its changes do.)
fn expected_statements(rows: &[(u8, i64, i64)], name: &dyn Fn(u8) -> String) -> Vec<String> {
    let t = |v: &str| ita_report::thai::thai_digits(v);
    let hundredths = |v: i64| t(&format!("{}.{:02}", v.abs() / 100, v.abs() % 100));
    let who = |n: u8| format!("ตัวชี้วัดที่{}{}", t(&n.to_string()), squeeze(&name(n)));
    let mut by_score = rows.to_vec();
    by_score.sort_by_key(|r| -r.1);
    assert!(
        by_score.windows(2).all(|w| w[0].1 != w[1].1),
        "no ties in the fixture"
    );
    let scored = |r: &(u8, i64, i64)| format!("{}คะแนนเท่ากับ{}คะแนน", who(r.0), hundredths(r.1));
    let (high, low) = (&by_score[0], &by_score[by_score.len() - 1]);
    let mut out = vec![if by_score.len() > 2 {
        format!(
            "สูงสุดคือ{}รองลงมาคือ{}และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ{}",
            scored(high),
            scored(&by_score[1]),
            scored(low)
        )
    } else {
        format!(
            "สูงสุดคือ{}และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ{}",
            scored(high),
            scored(low)
        )
    }];
    // Changes may tie: a group of equal changes is named together, "A และB (เพิ่มขึ้น …)".
    let mut rises: Vec<i64> = rows.iter().map(|r| r.2).filter(|&c| c > 0).collect();
    rises.sort_unstable_by(|a, b| b.cmp(a));
    rises.dedup();
    let group = |change: i64, word: &str| {
        let names: Vec<String> = rows
            .iter()
            .filter(|r| r.2 == change)
            .map(|r| who(r.0))
            .collect();
        let (last, rest) = names.split_last().unwrap();
        let and = if rest.is_empty() { "" } else { "และ" };
        format!(
            "{}{and}{last}({word}{}คะแนน)",
            rest.concat(),
            hundredths(change)
        )
    };
    let mut changes = String::new();
    if let Some(&first) = rises.first() {
        changes.push_str(&format!(
            "ตัวชี้วัดที่คะแนนเพิ่มขึ้นมากที่สุดคือ{}",
            group(first, "เพิ่มขึ้น")
        ));
        if let Some(&second) = rises.get(1) {
            changes.push_str(&format!("รองลงมาคือ{}", group(second, "เพิ่มขึ้น")));
        }
    }
    if let Some(fall) = rows.iter().map(|r| r.2).filter(|&c| c < 0).min() {
        let and = if changes.is_empty() { "" } else { "และ" };
        changes.push_str(&format!(
            "{and}ตัวชี้วัดที่คะแนนลดลงมากที่สุดคือ{}",
            group(fall, "ลดลง")
        ));
    }
    out.push(changes);
    out
}

#[test]
fn two_years_of_scores_and_no_text_give_a_complete_report() {
    let path = "tests/fixtures/analysis/two-years-no-text.json";
    let (loaded, facts) = facts_of(path);
    assert!(
        loaded.warnings.is_empty(),
        "consistent data: {:?}",
        loaded.warnings
    );
    let level = facts.level.as_ref().unwrap();
    assert_eq!(
        level.derived.as_deref(),
        Some("ผ่าน"),
        "total 89.17 with OIT 84.38 below 85"
    );
    let earlier = &facts.history[0].level;
    assert_eq!(
        (earlier.stated.as_deref(), earlier.derived.as_deref()),
        (None, Some("ผ่าน")),
        "2566: 86.37, OIT 80.25"
    );
    assert_eq!(facts.previous.as_ref().map(|p| p.change), Some(280));

    // The raw numbers, read from the file without the program.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap();
    let values = |v: &serde_json::Value| -> Vec<(u8, i64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["number"].as_u64().unwrap() as u8,
                    (i["score"].as_f64().unwrap() * 100.0).round() as i64,
                )
            })
            .collect()
    };
    let before: std::collections::BTreeMap<u8, i64> = values(&json["history"][0]["indicators"])
        .into_iter()
        .collect();
    let rows: Vec<(u8, i64, i64)> = values(&json["scores"]["indicators"])
        .into_iter()
        .map(|(n, v)| (n, v, v - before[&n]))
        .collect();
    let name = |n: u8| {
        facts
            .indicators
            .iter()
            .find(|i| i.number == n)
            .unwrap()
            .name
            .clone()
    };

    let text = report_text(path, DocKind::Report);
    let mut expected = expected_statements(&rows, &name);
    for tool in &facts.tools {
        let of_tool: Vec<_> = rows
            .iter()
            .copied()
            .filter(|r| loaded.framework.indicator(r.0).unwrap().tool == tool.tool)
            .collect();
        expected.extend(expected_statements(&of_tool, &name));
    }
    expected.extend([
        "ได้คะแนนภาพรวม๘๙.๑๗คะแนนซึ่งสูงกว่าค่าเป้าหมาย๘๕คะแนนผลการประเมินอยู่ในระดับผ่านเมื่อเทียบกับปีพ.ศ.๒๕๖๖ซึ่งได้๘๖.๓๗คะแนนเพิ่มขึ้น๒.๘๐คะแนน".to_owned(),
        "มีค่าคะแนนเท่ากับ๙๒.๐๒คะแนนเมื่อเทียบกับปีพ.ศ.๒๕๖๖เพิ่มขึ้น๑.๕๑คะแนน".to_owned(),
        "ภาพที่๑คะแนนภาพรวมปีงบประมาณพ.ศ.๒๕๖๖–๒๕๖๗".to_owned(),
        "ภาพที่๒คะแนนรายตัวชี้วัดปีงบประมาณพ.ศ.๒๕๖๗".to_owned(),
        "ตารางที่๑สรุปผลการประเมินรายตัวชี้วัด".to_owned(),
        "ตารางที่๒ผลการประเมินปีงบประมาณพ.ศ.๒๕๖๖–๒๕๖๗".to_owned(),
        "ค่าเป้าหมาย๘๕".to_owned(),
        // Indicator 1 in the table: this year, last year, difference.
        "๑การปฏิบัติหน้าที่๙๔.๖๐๙๒.๑๐+๒.๕๐".to_owned(),
        // Both years' levels in the history table: 2566's derived by the 2566 framework.
        "๒๕๖๖๙๐.๕๑๙๐.๓๘๘๐.๒๕๘๖.๓๗ผ่าน".to_owned(),
        "๒๕๖๗๙๒.๐๒๙๒.๗๐๘๔.๓๘๘๙.๑๗ผ่าน".to_owned(),
    ]);
    for e in &expected {
        assert!(text.contains(e.as_str()), "missing: {e}");
    }
}

#[test]
fn equal_indicators_read_as_one_clause_after_the_overall_result() {
    // Ten indicators all at 90.00: "… โดยทุกตัวชี้วัดได้คะแนนเท่ากัน", never "ในภาพรวมโดย…".
    let indicators: Vec<serde_json::Value> = (1..=10)
        .map(|k| serde_json::json!({ "number": k, "score": 90.0 }))
        .collect();
    let package = serde_json::json!({
        "agency": { "name": "เทศบาลตำบลทดสอบ" },
        "fiscal_year": 2567,
        "scores": { "total": 90.0, "indicators": indicators }
    });
    let loaded = crate::common::load_text(&package.to_string(), "equal.json");
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    let overall = &facts.overall.0[0];
    assert!(overall.contains(" โดยทุกตัวชี้วัดได้คะแนนเท่ากัน"), "{overall}");
    assert!(!overall.contains("ในภาพรวมโดย"), "{overall}");
}

/// The OIT detail of a package given as JSON, as one squeezed text.
fn oit_text(value: &serde_json::Value) -> String {
    // The default outline: the sample's own prints the OIT parts in its report.
    let mut value = value.clone();
    value.as_object_mut().unwrap().remove("outline");
    let loaded = crate::common::load_text(&value.to_string(), "oit.json");
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let artifact = built
        .artifacts
        .iter()
        .find(|a| a.kinds == [DocKind::Oit])
        .expect("the OIT detail is built");
    squeeze(&page_texts(&artifact.document).concat())
}

#[test]
fn empty_weak_point_tables_say_what_the_items_show() {
    let mut value = without_weak_points();
    let set_all = |value: &mut serde_json::Value, indicator: usize, score: u32| {
        for sub in value["oit"]["indicators"][indicator]["subindicators"]
            .as_array_mut()
            .unwrap()
        {
            for group in sub["groups"].as_array_mut().unwrap() {
                for item in group["items"].as_array_mut().unwrap() {
                    item["score"] = score.into();
                }
            }
        }
    };
    // One item of indicator 10 passed: no indicator is without a passed item.
    value["oit"]["indicators"][1]["subindicators"][0]["groups"][0]["items"][0]["score"] =
        100.into();
    let text = oit_text(&value);
    assert!(text.contains("ทุกตัวชี้วัดมีข้อที่ผ่านอย่างน้อย๑ข้อ"), "{text}");
    assert!(
        !text.contains("ไม่มีข้อที่ได้คะแนน"),
        "items scored 0 are listed to improve"
    );
    // Indicator 9 passed whole, 10 not at all: every zero is in the urgent table.
    set_all(&mut value, 0, 100);
    set_all(&mut value, 1, 0);
    let text = oit_text(&value);
    assert!(
        text.contains("ข้อที่ได้คะแนน๐ทั้งหมดอยู่ในตัวชี้วัดที่ไม่มีข้อใดผ่าน"),
        "{text}"
    );
    assert!(!text.contains("ไม่มีข้อที่ได้คะแนน"));
    // Every item passed.
    set_all(&mut value, 1, 100);
    let text = oit_text(&value);
    assert!(text.contains("ทุกตัวชี้วัดมีข้อที่ผ่านอย่างน้อย๑ข้อ") && text.contains("ไม่มีข้อที่ได้คะแนน๐"));
}

#[test]
fn in_a_year_of_uncertain_rule_a_level_outside_its_band_is_not_listed_under_it() {
    let mut value = json_of("tests/fixtures/analysis/two-years-no-text.json");
    value["fiscal_year"] = 2569.into();
    value["province"] = serde_json::json!({"agencies": [
        {"name": "เทศบาลตำบลหนึ่ง", "score": 96.0, "level": "ผ่านดีเยี่ยม"},
        {"name": "เทศบาลตำบลสอง", "score": 72.35, "level": "ผ่านดีเยี่ยม"},
        {"name": "เทศบาลตำบลสาม", "score": 75.0, "level": "ต้องปรับปรุง"}
    ]});
    let loaded = crate::common::load_text(&value.to_string(), "uncertain.json");
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    let levels = facts.province.expect("province facts").levels;
    let names = |band: Option<&str>| -> Vec<String> {
        let group = levels
            .iter()
            .find(|g| g.band.as_ref().map(|b| b.name.as_str()) == band)
            .expect("the group");
        group.agencies.iter().map(|a| a.name.clone()).collect()
    };
    assert_eq!(names(Some("ผ่านดีเยี่ยม")), ["เทศบาลตำบลหนึ่ง"]);
    assert_eq!(
        names(None),
        ["เทศบาลตำบลสอง"],
        "72.35 is outside the band of ผ่านดีเยี่ยม"
    );
    // It is placed after ต้องปรับปรุง, the band that holds its score, whose count is a least one.
    let at = |band: Option<&str>| {
        levels
            .iter()
            .position(|g| g.band.as_ref().map(|b| b.name.as_str()) == band)
            .unwrap()
    };
    assert_eq!(at(None), at(Some("ต้องปรับปรุง")) + 1);
    assert!(levels[at(Some("ต้องปรับปรุง"))].open);
}

#[test]
fn a_history_year_without_a_note_says_whether_it_reached_its_target() {
    let mut value = json_of("tests/fixtures/analysis/two-years-no-text.json");
    let mut low = value["history"][0].clone();
    low["year"] = 2565.into();
    low["total"] = 80.12.into();
    low.as_object_mut().unwrap().remove("tools");
    low.as_object_mut().unwrap().remove("indicators");
    value["history"].as_array_mut().unwrap().insert(0, low);
    let loaded = crate::common::load_text(&value.to_string(), "history.json");
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    let met: Vec<(i32, Option<bool>)> = facts
        .history
        .iter()
        .map(|h| (h.year, h.meets_target))
        .collect();
    assert_eq!(met, [(2565, Some(false)), (2566, Some(true))]);
    let built = build(&loaded, &BuildOptions::default());
    let page = squeeze(&page_texts(&built.artifacts[0].document).concat());
    // Each row's หมายเหตุ ends it, before the next row's year.
    assert!(
        page.contains("ไม่ผ่าน๒๕๖๖") && page.contains("ผ่าน๒๕๖๗"),
        "{page}"
    );
}
