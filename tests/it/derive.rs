//! Unit tests of the framework rules and the derivations: level bands and their boundaries,
//! what the rule cannot decide, ties, ranks, shares of items, the reading of quoted scores.

use std::collections::BTreeMap;
use std::sync::Arc;

use ita_report::analysis::{IndicatorFact, extremes, level_fact, ranks, share};
use ita_report::consistency::says_missing;
use ita_report::framework::{Framework, Frameworks, LevelOutcome};
use ita_report::model::{Paragraphs, Score, Tool};

fn year(y: i32) -> Arc<Framework> {
    Frameworks::load(None).unwrap().get(y).unwrap().clone()
}

fn tools(iit: f64, eit: f64, oit: f64) -> BTreeMap<Tool, Score> {
    [
        (Tool::Iit, Score(iit)),
        (Tool::Eit, Score(eit)),
        (Tool::Oit, Score(oit)),
    ]
    .into()
}

#[test]
fn every_embedded_year_parses() {
    let all = Frameworks::load(None).unwrap();
    assert_eq!(all.span(), "2562–2569");
    for y in 2562..=2569 {
        assert_eq!(all.get(y).unwrap().indicators.len(), 10);
    }
}

#[test]
fn letter_grade_band_boundaries() {
    let fw = year(2565);
    let none = BTreeMap::new();
    for (score, grade) in [
        (100.0, "AA"),
        (95.0, "AA"),
        (94.99, "A"),
        (85.0, "A"),
        (84.99, "B"),
        (75.0, "B"),
        (74.99, "C"),
        (65.0, "C"),
        (64.99, "D"),
        (55.0, "D"),
        (54.99, "E"),
        (50.0, "E"),
        (49.99, "F"),
        (0.0, "F"),
    ] {
        assert_eq!(
            fw.level(Score(score), &none),
            LevelOutcome::Decided(grade.into()),
            "{score}"
        );
    }
}

#[test]
fn five_levels_with_tool_conditions() {
    let fw = year(2566);
    let d = |s: &str| LevelOutcome::Decided(s.into());
    assert_eq!(
        fw.level(Score(95.0), &tools(95.0, 95.0, 95.0)),
        d("ผ่านดีเยี่ยม")
    );
    assert_eq!(fw.level(Score(98.0), &tools(99.0, 94.99, 100.0)), d("ผ่านดี"));
    assert_eq!(fw.level(Score(90.0), &tools(99.0, 90.0, 84.99)), d("ผ่าน"));
    assert_eq!(fw.level(Score(85.0), &tools(85.0, 85.0, 85.0)), d("ผ่านดี"));
    assert_eq!(
        fw.level(Score(84.99), &tools(99.0, 99.0, 99.0)),
        d("ต้องปรับปรุง")
    );
    assert_eq!(fw.level(Score(70.0), &BTreeMap::new()), d("ต้องปรับปรุง"));
    assert_eq!(
        fw.level(Score(69.99), &BTreeMap::new()),
        d("ต้องปรับปรุงโดยด่วน")
    );
}

#[test]
fn without_tool_scores_the_rule_narrows_but_does_not_guess() {
    let fw = year(2566);
    let some = |v: &[&str]| LevelOutcome::OneOf(v.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        fw.level(Score(95.0), &BTreeMap::new()),
        some(&["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"])
    );
    assert_eq!(
        fw.level(Score(94.99), &BTreeMap::new()),
        some(&["ผ่านดี", "ผ่าน"])
    );
    // One tool missing is as good as none.
    assert_eq!(
        fw.level(Score(96.0), &[(Tool::Iit, Score(99.0))].into()),
        some(&["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน"])
    );
}

#[test]
fn uncertain_years_leave_the_level_to_the_package() {
    assert_eq!(
        year(2568).level(Score(93.14), &tools(99.0, 99.0, 83.0)),
        LevelOutcome::Unknown
    );
}

#[test]
fn bands_follow_the_levels() {
    let bands = year(2566).bands();
    let shown: Vec<(String, i64, i64)> = bands
        .iter()
        .map(|b| (b.name.clone(), b.min.hundredths(), b.max.hundredths()))
        .collect();
    assert_eq!(
        shown,
        [
            ("ผ่านดีเยี่ยม".into(), 9500, 10000),
            ("ผ่านดี".into(), 8500, 10000),
            ("ผ่าน".into(), 8500, 10000),
            ("ต้องปรับปรุง".into(), 7000, 8499),
            ("ต้องปรับปรุงโดยด่วน".into(), 0, 6999),
        ]
    );
    let grades = year(2563).bands();
    assert_eq!(
        (grades[1].min.hundredths(), grades[1].max.hundredths()),
        (8500, 9499)
    );
}

fn fact(number: u8, score: f64) -> IndicatorFact {
    IndicatorFact {
        number,
        name: format!("ตัวชี้วัด{number}"),
        tool: Tool::Iit,
        score: Score(score),
        analysis: Paragraphs::default(),
        analysis_title: None,
        previous: None,
        change: None,
    }
}

fn numbers(v: &[IndicatorFact]) -> Vec<u8> {
    v.iter().map(|i| i.number).collect()
}

#[test]
fn extremes_keep_ties_and_the_runner_up() {
    let e = extremes(&[
        fact(1, 99.96),
        fact(2, 100.0),
        fact(3, 99.96),
        fact(4, 95.55),
        fact(5, 95.55),
    ]);
    assert_eq!(numbers(&e.highest), [2]);
    assert_eq!(numbers(&e.second), [1, 3]);
    assert_eq!(numbers(&e.lowest), [4, 5]);
    let two = extremes(&[fact(1, 90.0), fact(2, 80.0)]);
    assert!(two.second.is_empty());
    let same = extremes(&[fact(1, 90.0), fact(2, 90.0)]);
    assert_eq!(
        (numbers(&same.highest), numbers(&same.lowest)),
        (vec![1, 2], vec![1, 2])
    );
    assert!(extremes(&[]).highest.is_empty());
}

#[test]
fn ranks_share_ties_and_skip() {
    let r = ranks(&[Score(99.55), Score(99.58), Score(99.55), Score(80.0)]);
    assert_eq!(r, [2, 1, 2, 4]);
}

#[test]
fn share_of_items_rounds_half_up() {
    assert_eq!(share(17, 30).hundredths(), 5667);
    assert_eq!(share(17, 43).hundredths(), 3953);
    assert_eq!(share(0, 13).hundredths(), 0);
    assert_eq!(share(1, 8).hundredths(), 1250);
    assert_eq!(share(0, 0).hundredths(), 0);
}

#[test]
fn a_stated_level_the_rule_excludes_is_not_shown() {
    let one_of = LevelOutcome::OneOf(vec!["ผ่านดี".into(), "ผ่าน".into()]);
    assert_eq!(
        level_fact(Some("ผ่าน".into()), one_of.clone())
            .shown
            .as_deref(),
        Some("ผ่าน")
    );
    assert_eq!(
        level_fact(Some("ผ่านดีเยี่ยม".into()), one_of.clone()).shown,
        None
    );
    assert_eq!(level_fact(None, one_of).shown, None);
    let decided = LevelOutcome::Decided("ต้องปรับปรุง".into());
    assert_eq!(
        level_fact(Some("ผ่าน".into()), decided).shown.as_deref(),
        Some("ต้องปรับปรุง")
    );
    assert_eq!(
        level_fact(Some("ผ่าน".into()), LevelOutcome::Unknown)
            .shown
            .as_deref(),
        Some("ผ่าน")
    );
}

#[test]
fn missing_evidence_is_recognised() {
    assert!(says_missing("ลิงค์ไม่ได้แสดงจากหน้าเว็บไซต์หลักของหน่วยงาน"));
    assert!(says_missing("ข้อมูลไม่ปรากฏจากหน้าเว็บไซต์หลัก"));
    assert!(!says_missing("ในปีถัดไป ให้แสดงข้อมูลแผนการจัดซื้อจัดจ้าง"));
}

/// The province sample with its IIT and EIT taken out and its total moved four points below
/// what its indicators and OIT give (2566 forms IIT and EIT as the means of their indicators):
/// `check` finds the contradiction, naming the tools it formed; the true total passes.
#[test]
fn a_total_the_indicators_contradict_is_found_without_tool_scores() {
    let text =
        std::fs::read_to_string(crate::common::root().join("inputs/2566-roiet-province.json"))
            .unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let scores = value["scores"].as_object_mut().unwrap();
    scores["tools"]
        .as_object_mut()
        .unwrap()
        .retain(|k, _| k == "OIT");
    let indicators: Vec<(u64, f64)> = scores["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_u64().unwrap(), i["score"].as_f64().unwrap()))
        .collect();
    let mean = |range: std::ops::RangeInclusive<u64>| {
        let of: Vec<i64> = indicators
            .iter()
            .filter(|(n, _)| range.contains(n))
            .map(|(_, s)| (s * 100.0).round() as i64)
            .collect();
        let (sum, n) = (of.iter().sum::<i64>(), of.len() as i64);
        (2 * sum + n) / (2 * n)
    };
    let oit = (scores["tools"]["OIT"].as_f64().unwrap() * 100.0).round() as i64;
    let total = ((30 * mean(1..=5) + 30 * mean(6..=8) + 40 * oit) as f64 / 100.0).round() as i64;
    let flagged = |value: &serde_json::Value| {
        let loaded = crate::common::load_text(&value.to_string(), "formed.json");
        loaded
            .warnings
            .iter()
            .filter(|d| d.json_path.as_deref() == Some("scores.total"))
            .map(|d| d.message.english.clone())
            .collect::<Vec<_>>()
    };
    value["scores"]["total"] = serde_json::json!(total as f64 / 100.0);
    assert_eq!(flagged(&value), Vec::<String>::new());
    value["scores"]["total"] = serde_json::json!((total - 400) as f64 / 100.0);
    let found = flagged(&value);
    assert!(
        found.len() == 1 && found[0].contains("IIT") && found[0].contains("EIT"),
        "{found:?}"
    );
}

/// A package of an agency of `kind` for 2564 with the ten indicators and no tool scores:
/// IIT 90–98 (mean 94.00), EIT 81, 86, 91 (86.00), OIT 70, 80 (75.00); `total` when given.
fn formed_package(kind: &str, total: Option<&str>) -> String {
    let scores = [90, 92, 94, 96, 98, 81, 86, 91, 70, 80];
    let indicators: Vec<String> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| format!(r#"{{"number": {}, "score": {s}}}"#, i + 1))
        .collect();
    let total = total.map_or(String::new(), |t| format!(r#""total": {t}, "#));
    format!(
        r#"{{"agency": {{"name": "หน่วยงานทดสอบ {kind}", "kind": "{kind}",
            "rank": {{"rank": 4, "of": 57}}}},
          "fiscal_year": 2564,
          "scores": {{{total}"indicators": [{}]}}}}"#,
        indicators.join(", ")
    )
}

/// Every kind of agency: the tool scores the 2564 framework forms from the indicators
/// (0.3·mean(1–5) + 0.3·mean(6–8) + 0.4·mean(9, 10)) and the total are printed where the
/// package leaves them out, with the agency's rank in its group; a given total the
/// indicators contradict is flagged.
#[test]
fn every_agency_kind_gets_tool_scores_and_total_formed_from_indicators() {
    use ita_report::engine::BuildOptions;
    use ita_report::model::AgencyKind;
    for kind in AgencyKind::ALL {
        let text = formed_package(kind.key(), None);
        let loaded = crate::common::load_text(&text, "formed.json");
        assert_eq!(
            loaded.facts.total,
            Some(Score(84.0)),
            "{kind:?}: 28.2 + 25.8 + 30"
        );
        assert!(loaded.facts.derived.total);
        let built = crate::common::build(&loaded, &BuildOptions::default());
        let pages = crate::common::page_texts(&built.artifacts[0].document).join("\n");
        let text = crate::common::squeeze(&pages);
        for shown in [
            "IIT(๙๔.๐๐)",
            "EIT(๘๖.๐๐)",
            "OIT(๗๕.๐๐)",
            "คะแนนรวม๘๔.๐๐",
            "คะแนนภาพรวม๘๔.๐๐",
        ] {
            assert!(text.contains(shown), "{kind:?}: `{shown}` in\n{pages}");
        }
        let group = format!("ลำดับที่๔จาก๕๗หน่วยงานของหน่วยงานประเภท{}", kind.thai());
        assert!(
            text.contains(&crate::common::squeeze(&group)),
            "{kind:?}: {group} in\n{pages}"
        );

        // 85.45 given where the indicators give 84.00: check says so at scores.total.
        let wrong = formed_package(kind.key(), Some("85.45"));
        let loaded = crate::common::load_text(&wrong, "wrong.json");
        let flagged = loaded.warnings.iter().any(|w| {
            let w = w.to_string();
            w.contains("scores.total") && w.contains("84.00")
        });
        assert!(
            flagged,
            "{kind:?}: {:#?}",
            loaded
                .warnings
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
        );
        // The documents print the total given, not the formed one.
        assert_eq!(loaded.facts.total, Some(Score(85.45)));
        assert!(!loaded.facts.derived.total);
    }
}

/// A year without a level rule prints "–" in the history table's level column, not a blank.
#[test]
fn history_level_without_a_rule_is_a_dash() {
    use ita_report::engine::BuildOptions;
    let text = r#"{"agency": {"name": "หน่วยงานทดสอบ"}, "fiscal_year": 2566,
      "scores": {"total": 90, "tools": {"IIT": 90, "EIT": 90, "OIT": 90}},
      "history": [{"year": 2560, "total": 80.5}]}"#;
    let loaded = crate::common::load_text(text, "history.json");
    let built = crate::common::build(&loaded, &BuildOptions::default());
    let pages =
        crate::common::squeeze(&crate::common::page_texts(&built.artifacts[0].document).join("\n"));
    assert!(pages.contains("๒๕๖๐–––๘๐.๕๐–"), "{pages}");
}

/// Indicators without a total the year cannot form (2566: OIT is the share of its items, not
/// the mean of indicators 9 and 10; 2568: the tools' weights are not known): the report
/// prints no total, level or chart of totals, and `check` says so at `scores` with what is
/// missing, instead of passing in silence. 2564 forms it: no such note.
#[test]
fn a_total_the_year_cannot_form_is_noted_where_the_report_leaves_it_out() {
    use ita_report::diagnostic::Severity;
    let notes = |year: i32| -> Vec<String> {
        let text = formed_package("hospital", None).replace("2564", &year.to_string());
        let loaded = crate::common::load_text(&text, "unformed.json");
        loaded
            .warnings
            .iter()
            .filter(|d| d.severity == Severity::Note && d.json_path.as_deref() == Some("scores"))
            .map(|d| d.message.english.clone())
            .collect()
    };
    let year_2566 = notes(2566);
    assert!(
        year_2566.len() == 1
            && year_2566[0].contains("no total")
            && year_2566[0].contains("OIT is not given"),
        "{year_2566:?}"
    );
    let year_2568 = notes(2568);
    assert!(
        year_2568.len() == 1 && year_2568[0].contains("weights of IIT, EIT, OIT"),
        "{year_2568:?}"
    );
    assert_eq!(notes(2564), Vec::<String>::new());
    // An agency assessed on OIT alone (seed 001) has no total to expect: no note.
    let oit_only = r#"{"agency": {"name": "หน่วยงานทดสอบ"}, "fiscal_year": 2566,
      "scores": {"tools": {"OIT": 39.53}, "indicators": [
        {"number": 9, "score": 56.67}, {"number": 10, "score": 0}]}}"#;
    let loaded = crate::common::load_text(oit_only, "oit-only.json");
    let noted: Vec<&String> = loaded
        .warnings
        .iter()
        .map(|d| &d.message.english)
        .filter(|m| m.contains("no total"))
        .collect();
    assert!(noted.is_empty(), "{noted:?}");
}

/// The history table's หมายเหตุ holds what the data gives; "ผ่าน / ไม่ผ่าน" for a year without
/// a note only where the outline asks (`remarks`, on in the default outline). An outline of
/// the agency's own that does not ask prints no column no data fills; `remarks` on another
/// part is refused where it is written.
#[test]
fn the_history_table_remarks_only_what_the_data_or_the_outline_gives() {
    use ita_report::engine::BuildOptions;
    let text = |outline: &str| {
        format!(
            r#"{{"agency": {{"name": "หน่วยงานทดสอบ"}}, "fiscal_year": 2566,
              "scores": {{"total": 90, "tools": {{"IIT": 90, "EIT": 90, "OIT": 90}}}},
              "history": [{{"year": 2565, "total": 80.5,
                            "tools": {{"IIT": 80, "EIT": 81, "OIT": 80.5}}}}]{outline}}}"#
        )
    };
    let page = |outline: &str| {
        let loaded = crate::common::load_text(&text(outline), "remarks.json");
        let built = crate::common::build(&loaded, &BuildOptions::default());
        crate::common::squeeze(&crate::common::page_texts(&built.artifacts[0].document).join("\n"))
    };
    let default = page("");
    assert!(
        default.contains("หมายเหตุ") && default.contains("ไม่ผ่าน"),
        "{default}"
    );
    let own = r#", "outline": {"report": [{"part": "history_table"}]}"#;
    let plain = page(own);
    assert!(plain.contains("๘๐.๕๐"), "the table prints: {plain}");
    assert!(
        // (2566's level is "ผ่านดี"; a remark would follow it.)
        !plain.contains("หมายเหตุ") && !plain.contains("ไม่ผ่าน") && !plain.contains("ผ่านดีผ่าน"),
        "{plain}"
    );
    let asked = page(r#", "outline": {"report": [{"part": "history_table", "remarks": true}]}"#);
    assert!(
        asked.contains("หมายเหตุ") && asked.contains("ไม่ผ่าน"),
        "{asked}"
    );

    let wrong = r#", "outline": {"report": [{"part": "indicator_table", "remarks": true}]}"#;
    let failed =
        ita_report::load::load_str(&text(wrong), "wrong.json", crate::common::frameworks());
    let diagnostics = match failed {
        Ok(loaded) => loaded.warnings,
        Err(ita_report::diagnostic::Failure(d)) => d,
    };
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.json_path.as_deref() == Some("outline.report[0].remarks")),
        "{diagnostics:#?}"
    );
}
