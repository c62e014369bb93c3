//! `check` reads given text against the document it sits in: each kind of contradiction on
//! purpose-made text, the same text written correctly finding nothing.
//!
//! The base is the two-year fixture (2567 scores, 2566 history, no text); each case adds text
//! with a JSON merge and looks at the findings' messages and paths.

use ita_report::load::load_str;
use serde_json::{Value, json};

use crate::common::{frameworks, root};

/// The findings (warnings and notes) of the fixture with `patch` merged in, as
/// "path: message" lines.
fn findings(patch: Value) -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/analysis/two-years-no-text.json"))
            .unwrap();
    let mut package: Value = serde_json::from_str(&text).unwrap();
    merge(&mut package, patch);
    let text = serde_json::to_string_pretty(&package).unwrap();
    let loaded =
        load_str(&text, "case.json", frameworks()).unwrap_or_else(|e| panic!("loads: {e:?}"));
    for d in &loaded.warnings {
        let thai = d.message.thai.as_deref().unwrap_or_default();
        assert!(
            thai.chars().any(|c| ('\u{0e01}'..='\u{0e5b}').contains(&c)),
            "no Thai message for {:?}",
            d.message
        );
    }
    // The English words, which these cases were written in; the Thai is checked above.
    loaded
        .warnings
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d.json_path.clone().unwrap_or_default(),
                d.message.english
            )
        })
        .collect()
}

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

/// Indicator `n`'s analysis paragraphs (the fixture's indicators are 1–10 in order).
fn analysis(n: usize, text: Value) -> Value {
    let base =
        std::fs::read_to_string(root().join("tests/fixtures/analysis/two-years-no-text.json"))
            .unwrap();
    let mut indicators: Value =
        serde_json::from_str::<Value>(&base).unwrap()["scores"]["indicators"].clone();
    indicators[n - 1]["analysis"] = text;
    json!({"scores": {"indicators": indicators}})
}

fn one(found: &[String], path: &str, words: &str) {
    let hits: Vec<&String> = found
        .iter()
        .filter(|f| f.starts_with(&format!("{path}: ")) && f.contains(words))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one finding at {path} with {words:?}, got {found:#?}"
    );
}

fn none(found: &[String]) {
    assert!(found.is_empty(), "correct text, yet: {found:#?}");
}

#[test]
fn references_to_figures_and_tables_the_report_does_not_have() {
    // The report has two figures (totals, indicators) and two tables (indicators, history).
    let found = findings(json!({"scores": {"summary": "รายละเอียดดังภาพที่ ๓ และตารางที่ 3"}}));
    one(
        &found,
        "scores.summary",
        "\"ภาพที่ 3\", but the report has 2 numbered figures",
    );
    one(
        &found,
        "scores.summary",
        "\"ตารางที่ 3\", but the report has 2 numbered tables",
    );
    none(&findings(
        json!({"scores": {"summary": "รายละเอียดดังภาพที่ ๒ และดังตารางที่ 1"}}),
    ));
}

#[test]
fn counts_against_the_items_listed() {
    let four =
        "เผยแพร่ข้อมูลใน ๕ ประเด็น คือ (๑) ข้อมูลพื้นฐาน (๒) การบริหารงาน (๓) การจัดซื้อจัดจ้าง (๔) การบริหารบุคคล";
    one(
        &findings(analysis(9, json!(four))),
        "scores.indicators[8].analysis",
        "announces \"5 ประเด็น\", but 4 are numbered",
    );
    none(&findings(analysis(
        9,
        json!(format!("{four} (๕) การส่งเสริมความโปร่งใส")),
    )));

    let memo = |items: &[&str]| {
        let mut paragraphs = vec![json!("มีคำสั่งแต่งตั้งคณะกรรมการ จำนวน ๓ คณะ ประกอบด้วย")];
        paragraphs.extend(items.iter().map(|i| json!(i)));
        json!({"memo": {"reference": "ทส ๑", "subject": "ทดสอบ", "to": "ผู้ว่าราชการจังหวัด", "signers": [{"name": "นายทดสอบ ใจดี", "positions": ["ปลัด"]}], "body": [{"paragraphs": paragraphs}]}})
    };
    one(
        &findings(memo(&["๑. คณะกรรมการกำกับ", "๒. คณะทำงาน"])),
        "memo.body[0].paragraphs",
        "announces \"3 คณะ\", but 2 are listed after it",
    );
    none(&findings(memo(&[
        "๑. คณะกรรมการกำกับ",
        "๒. คณะทำงาน",
        "๓. คณะทำงานยกระดับ",
    ])));
}

#[test]
fn a_whole_count_against_the_agencies_listed() {
    let province = |text: &str| {
        json!({"scores": {"summary": text}, "province": {"agencies": [
            {"name": "เทศบาลตำบลหนึ่ง", "score": 80.0}, {"name": "เทศบาลตำบลสอง", "score": 81.0}, {"name": "เทศบาลตำบลสาม", "score": 82.0}
        ]}})
    };
    one(
        &findings(province("หน่วยงานในจังหวัดทั้ง ๔ แห่ง ได้รับการประเมิน")),
        "scores.summary",
        "\"ทั้ง 4 แห่ง\", but the package lists 3 agencies",
    );
    none(&findings(province("หน่วยงานในจังหวัดทั้ง ๓ แห่ง ได้รับการประเมิน")));
}

#[test]
fn passing_agencies_without_level_or_tools_are_flagged_and_listed_after_the_passing_levels() {
    let agencies = json!({"province": {"agencies": [
        {"name": "เทศบาลตำบลหนึ่ง", "score": 97.0}, {"name": "เทศบาลตำบลสอง", "score": 80.0}, {"name": "เทศบาลตำบลสาม", "score": 90.0}
    ]}});
    let found = findings(agencies.clone());
    one(
        &found,
        "province.agencies[0].score",
        "2 agencies pass but give neither `level` nor `tools`",
    );
    // The level table: the passing levels only least counts, the two after them, before the
    // level the failing agency is at.
    let mut package: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/analysis/two-years-no-text.json"))
            .unwrap(),
    )
    .unwrap();
    merge(&mut package, agencies);
    let loaded = load_str(&package.to_string(), "case.json", frameworks())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    let levels = facts.province.expect("a province summary").levels;
    let shown: Vec<(Option<String>, usize, bool)> = levels
        .iter()
        .map(|g| {
            (
                g.band.as_ref().map(|b| b.name.clone()),
                g.agencies.len(),
                g.open,
            )
        })
        .collect();
    let undecided = shown
        .iter()
        .position(|(band, _, _)| band.is_none())
        .expect("a group whose level cannot be told");
    assert_eq!(shown[undecided].1, 2, "{shown:?}");
    assert!(
        shown[..undecided]
            .iter()
            .all(|(_, count, open)| *open && *count == 0),
        "the passing levels come first, open: {shown:?}"
    );
    assert!(
        shown[undecided + 1..].iter().all(|(_, _, open)| !open),
        "{shown:?}"
    );
    assert_eq!(
        shown.iter().filter(|(_, count, _)| *count > 0).count(),
        2,
        "{shown:?}"
    );
}

#[test]
fn a_title_copied_from_another_year() {
    // The fixture's report is for 2567, its measures (none given) for 2568.
    let found =
        findings(json!({"report_title": ["รายงานผลการประเมิน", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖"]}));
    one(
        &found,
        "report_title[1]",
        "the title names fiscal year 2566, but this document is for 2567 or 2568",
    );
    let found = findings(
        json!({"measures": {"layout": "by_indicator", "title": "มาตรการ ประจำปีงบประมาณ พ.ศ. 2567", "rows": [{"indicator": 10, "measure": "จัดทำแผน"}]}}),
    );
    one(
        &found,
        "measures.title",
        "names fiscal year 2567, but this document is for 2568",
    );
    none(&findings(json!({
        "report_title": ["รายงานผลการประเมิน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"],
        "measures": {"layout": "by_indicator", "title": "มาตรการ ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "rows": [{"indicator": 10, "measure": "จัดทำแผน"}]}
    })));
}

#[test]
fn a_tool_named_in_the_paragraph_of_another() {
    let found = findings(
        json!({"scores": {"tool_analysis": {"EIT": "เมื่อพิจารณาแล้ว พบว่าคะแนนตัวชี้วัดในแบบ IIT ในปี ๒๕๖๗ สูงขึ้น"}}}),
    );
    one(
        &found,
        "scores.tool_analysis.EIT",
        "the EIT text speaks of \"แบบ IIT\"",
    );
    none(&findings(
        json!({"scores": {"tool_analysis": {"EIT": "คะแนนตัวชี้วัดในแบบ EIT สูงกว่าเมื่อเทียบกับแบบ IIT และสูงกว่าแบบ OIT"}}}),
    ));
}

#[test]
fn a_lead_with_nothing_after_it() {
    one(
        &findings(
            json!({"scores": {"summary": ["ผลการประเมินอยู่ในระดับผ่าน", "มีประเด็นที่ต้องพัฒนา ดังนี้"]}}),
        ),
        "scores.summary",
        "(paragraph 2) ends with \"ดังนี้\"",
    );
    // The measures' introduction leads into the rows that follow it.
    none(&findings(
        json!({"measures": {"layout": "by_indicator", "intro": "กำหนดมาตรการ ดังนี้", "rows": [{"indicator": 10, "measure": "จัดทำแผน"}]}}),
    ));
}

#[test]
fn scores_quoted_in_any_form_and_digits() {
    // Indicator 2 is 90.15 in 2567 and 88.40 in 2566; indicator 1 is 94.60.
    for (text, quoted) in [
        ("ตัวชี้วัดนี้ได้ 88.00 คะแนน", "88.00"),
        ("โดยรวมได้คะแนน ๘๘.๐๐ คะแนน", "88.00"),
        ("ผลการประเมิน (88.00 คะแนน) อยู่ในระดับดี", "88.00"),
        ("คะแนนเท่ากับ ๘๘ คะแนน", "88"),
    ] {
        one(
            &findings(analysis(2, json!(text))),
            "scores.indicators[1].analysis",
            &format!("quotes {quoted} for indicator 2, but the data gives 90.15"),
        );
    }
    // Another indicator named, an earlier year, a change, a threshold, the target.
    one(
        &findings(analysis(2, json!("ส่วนตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ ได้ ๙๓.๐๐ คะแนน"))),
        "scores.indicators[1].analysis",
        "quotes 93.00 for indicator 1",
    );
    one(
        &findings(analysis(2, json!("ในปี ๒๕๖๖ ได้ ๘๗.๐๐ คะแนน"))),
        "scores.indicators[1].analysis",
        "quotes 87.00 for indicator 2 in 2566, but the data gives 88.40",
    );
    one(
        &findings(json!({"scores": {"summary": "ปีที่แล้วได้ ๘๐.๐๐ คะแนน"}})),
        "scores.summary",
        "quotes 80.00 for the total in 2566, but the data gives 86.37",
    );
    one(
        &findings(analysis(2, json!("คะแนนเพิ่มขึ้น ๒.๐๐ คะแนน"))),
        "scores.indicators[1].analysis",
        "rose by 2.00, but the data gives a change of 1.75",
    );
    one(
        &findings(json!({"scores": {"summary": "สูงกว่าค่าเป้าหมายที่กำหนดไว้คือ ๘๐ คะแนน"}})),
        "scores.summary",
        "target as 80",
    );
    // Two indicators named, neither with the number: a note, not a guess.
    one(
        &findings(analysis(
            2,
            json!("ตัวชี้วัดที่ ๑ และตัวชี้วัดที่ ๓ ได้คะแนนเท่ากัน คือ ๙๙.๐๐ คะแนน"),
        )),
        "scores.indicators[1].analysis",
        "none of them has that score",
    );
    none(&findings(analysis(
        2,
        json!([
            "โดยรวมได้คะแนนเท่ากับ ๙๐.๑๕ คะแนน (๙๐.๑๕ คะแนน) ในปี ๒๕๖๖ ได้ ๘๘.๔๐ คะแนน เพิ่มขึ้น ๑.๗๕ คะแนน",
            "ส่วนตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ ได้ ๙๔.๖๐ คะแนน ยังต่ำกว่า ๙๕ คะแนน และมุ่งสู่ ๑๐๐ คะแนนเต็ม",
            "ประเด็นย่อย (๑) การจัดซื้อ ได้ ๗๕.๐๐ คะแนน"
        ]),
    )));
}

/// A measures row is read as a paragraph is: a score it quotes for a tool or indicator it
/// names is held against the data (OIT is 84.38 here), in every column, and its finding is
/// about the row's own indicator.
#[test]
fn scores_quoted_in_measures_rows() {
    let row = |column: &str, text: &str| {
        json!({"measures": {"layout": "by_indicator", "rows": [
            {"indicator": 9, "measure": "เผยแพร่ข้อมูลบนเว็บไซต์", column: text}
        ]}})
    };
    for column in ["measure", "finding", "steps"] {
        one(
            &findings(row(column, "แบบ OIT ได้คะแนน 87.50 คะแนน")),
            &format!("measures.rows[0].{column}"),
            "quotes 87.50 for OIT, but the data gives 84.38",
        );
    }
    one(
        &findings(row("finding", "ได้คะแนน ๘๐.๐๐ คะแนน ต่ำกว่าค่าเป้าหมาย")),
        "measures.rows[0].finding",
        "quotes 80.00 for indicator 9, but the data gives 88.25",
    );
    none(&findings(row(
        "finding",
        "ตัวชี้วัดนี้ได้ ๘๘.๒๕ คะแนน ส่วนแบบ OIT ได้ ๘๔.๓๘ คะแนน ตั้งเป้าหมายให้ได้ ๙๕ คะแนน",
    )));
}

#[test]
fn one_indicator_with_two_names() {
    let found = findings(json!({
        "recommendations": [{"tool": "IIT", "topics": ["การใช้ทรัพย์สินของทางราชการ"], "text": "ควรกำกับการยืมทรัพย์สิน"}],
        "scores": {"summary": "ตัวชี้วัดที่ ๔ การใช้ทรัพย์สินทางราชการ ยังต้องพัฒนา"}
    }));
    one(
        &found,
        "recommendations[0].topics[0]",
        "indicator 4 is written \"การใช้ทรัพย์สินของทางราชการ\"",
    );
    one(
        &found,
        "scores.summary",
        "indicator 4 is written \"การใช้ทรัพย์สินทางราชการ",
    );
    let mut named = analysis(8, json!("ยังต้องพัฒนา"));
    named["scores"]["indicators"][7]["name"] = json!("การปรับปรุงการทำงาน");
    one(
        &findings(named),
        "scores.indicators[7].name",
        "the 2567 framework names it \"การปรับปรุงระบบการทำงาน\"",
    );
    none(&findings(json!({
        "recommendations": [{"tool": "IIT", "topics": ["การใช้ทรัพย์สินของราชการ", "การใช้อำนาจ"], "text": "ควรกำกับการยืมทรัพย์สิน"}],
        "scores": {"summary": "ตัวชี้วัดที่ ๔ การใช้ทรัพย์สินของราชการ และตัวชี้วัดการใช้งบประมาณได้คะแนนดี"}
    })));
}

#[test]
fn agencies_that_differ_only_in_spaces_or_marks() {
    let found = findings(json!({"province": {"agencies": [
        {"name": "เทศบาลตำบลหนองแวง", "district": "เมือง", "score": 80.0},
        {"name": "เทศบาลตำบล หนองแว่ง", "district": "เมือง", "score": 81.0},
        {"name": "เทศบาลตำบลหนองแวง", "district": "เสลภูมิ", "score": 82.0}
    ]}}));
    one(
        &found,
        "province.agencies[1].name",
        "only in spaces or marks",
    );
    assert_eq!(
        found.len(),
        1,
        "the same name in another district is another agency: {found:#?}"
    );
}

/// A package whose every text is correct: nothing to find.
#[test]
fn correct_text_finds_nothing() {
    let mut package = analysis(
        9,
        json!(
            "เผยแพร่ข้อมูลใน ๒ ประเด็น คือ (๑) ข้อมูลพื้นฐาน (๒) การบริหารงาน โดยรวมได้คะแนนเท่ากับ ๘๘.๒๕ คะแนน"
        ),
    );
    merge(
        &mut package,
        json!({
            "scores": {
                "summary": [
                    "ได้คะแนนภาพรวม ๘๙.๑๗ คะแนน สูงกว่าค่าเป้าหมาย ๘๕ คะแนน เมื่อเทียบกับปี ๒๕๖๖ ซึ่งได้ ๘๖.๓๗ คะแนน เพิ่มขึ้น ๒.๘๐ คะแนน ดังภาพที่ ๑ และตารางที่ ๒",
                    "ภาพรวมได้ ๘๙.๑๗ คะแนน ส่วนปีที่แล้วได้ ๘๖.๓๗ คะแนน"
                ],
                "analysis_intro": "ผลการวิเคราะห์แยกตามแบบวัด ดังนี้",
                "tool_analysis": {
                    "IIT": "แบบ IIT มีค่าคะแนนเท่ากับ ๙๒.๐๒ คะแนน ตัวชี้วัดที่ได้คะแนนสูงสุดคือ ตัวชี้วัดที่ ๓ การใช้อำนาจ คะแนนเท่ากับ ๙๕.๐๐ คะแนน",
                    "OIT": "แบบ OIT (๘๔.๓๘ คะแนน) ต่ำกว่าค่าเป้าหมาย โดยตัวชี้วัดการป้องกันการทุจริต ได้ ๘๐.๕๐ คะแนน"
                }
            },
            "recommendations": [{"tool": "OIT", "topics": ["การเปิดเผยข้อมูล"], "text": "ควรเผยแพร่ข้อมูลให้ครบ ๒ ประเด็น"}]
        }),
    );
    none(&findings(package));
}

#[test]
fn an_agency_row_whose_tools_do_not_give_its_score() {
    // 2567 weights: IIT 30 %, EIT 30 %, OIT 40 %.
    let found = findings(json!({"province": {"agencies": [
        {"name": "เทศบาลตำบลหนึ่ง", "score": 96.0, "tools": {"IIT": 80, "EIT": 80, "OIT": 80}},
        {"name": "เทศบาลตำบลสอง", "score": 86.5, "tools": {"IIT": 90.0, "EIT": 85.0, "OIT": 85.0}}
    ]}}));
    one(
        &found,
        "province.agencies[0].score",
        "\"เทศบาลตำบลหนึ่ง\" has the score 96.00, but the weighted sum of its `tools` is 80.00",
    );
    assert_eq!(
        found.len(),
        1,
        "86.50 is the weighted sum of 90, 85, 85: {found:#?}"
    );
    // Within rounding of two-decimal tool scores: 30·89.99 + 30·79.99 + 40·84.99 = 84.99.
    none(&findings(json!({"province": {"agencies": [
        {"name": "เทศบาลตำบลหนึ่ง", "score": 85.0, "tools": {"IIT": 89.99, "EIT": 79.99, "OIT": 84.99}}
    ]}})));
}

#[test]
fn an_agency_row_with_some_of_the_tools_names_the_missing_one() {
    let found = findings(json!({"province": {"agencies": [
        {"name": "เทศบาลตำบลหนึ่ง", "score": 96.0, "tools": {"IIT": 96, "EIT": 96}},
        {"name": "เทศบาลตำบลสอง", "score": 80.0, "tools": {"EIT": 80}}
    ]}}));
    one(
        &found,
        "province.agencies[0].tools",
        "gives the tool scores IIT, EIT but not OIT, which the 2567 rule needs",
    );
    one(
        &found,
        "province.agencies[1].tools",
        "gives the tool scores EIT but not IIT, OIT",
    );
    assert!(
        !found
            .iter()
            .any(|f| f.contains("neither `level` nor `tools`")),
        "it has tools: {found:#?}"
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn a_misspelt_level_is_named_with_the_closest_level() {
    let found = findings(json!({
        "scores": {"level": "ผ่านดีเยียม"},
        "province": {"agencies": [
            {"name": "เทศบาลตำบลหนึ่ง", "score": 96.0, "level": "ผ่านดีเยียม"},
            {"name": "เทศบาลตำบลสอง", "score": 78.8, "level": "ผ่านดีเยียม"},
            {"name": "เทศบาลตำบลสาม", "score": 90.0, "level": "ดีมาก"}
        ]}
    }));
    one(
        &found,
        "scores.level",
        "\"ผ่านดีเยียม\" is not a level of 2567; did you mean \"ผ่านดีเยี่ยม\"?",
    );
    one(
        &found,
        "province.agencies[0].level",
        "is listed as \"ผ่านดีเยียม\", which is not a level of 2567; did you mean \"ผ่านดีเยี่ยม\"?",
    );
    one(
        &found,
        "province.agencies[1].level",
        "did you mean \"ผ่านดีเยี่ยม\"?",
    );
    // A word that is no near miss of any level gets no suggestion.
    one(
        &found,
        "province.agencies[2].level",
        "is listed as \"ดีมาก\", which is not a level of 2567",
    );
    assert!(
        !found
            .iter()
            .any(|f| f.contains("ดีมาก") && f.contains("did you mean")),
        "{found:#?}"
    );
    // The note says what the rule gives for the score: 78.80 is ต้องปรับปรุง.
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/analysis/two-years-no-text.json"))
            .unwrap();
    let mut package: Value = serde_json::from_str(&text).unwrap();
    merge(
        &mut package,
        json!({"province": {"agencies": [{"name": "เทศบาลตำบลสอง", "score": 78.8, "level": "ผ่านดีเยียม"}]}}),
    );
    let loaded = load_str(&package.to_string(), "case.json", frameworks()).unwrap();
    let note = loaded.warnings[0]
        .notes
        .first()
        .map(|n| n.english.clone())
        .unwrap_or_default();
    assert!(
        note.contains("the rule gives \"ต้องปรับปรุง\" for 78.80"),
        "{note}"
    );
}

#[test]
fn a_memo_stating_the_agencys_total_and_level() {
    // The fixture's agency is เทศบาลตำบลตัวอย่าง: 89.17, level ผ่าน (OIT 84.38 is below 85).
    let memo = |text: &str| {
        json!({"memo": {"reference": "ทส ๑", "subject": "ทดสอบ", "to": "นายอำเภอ", "signers": [{"name": "นายทดสอบ ใจดี", "positions": ["ปลัด"]}],
            "body": [{"paragraphs": [text]}]}})
    };
    let found = findings(memo(
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ แล้ว เทศบาลตำบลตัวอย่างได้คะแนน ๘๙.๗๑ คะแนน อยู่ในระดับผ่านดี",
    ));
    one(
        &found,
        "memo.body[0].paragraphs",
        "quotes 89.71 for the total, but the data gives 89.17",
    );
    one(
        &found,
        "memo.body[0].paragraphs",
        "puts the total at level \"ผ่านดี\", but the documents print \"ผ่าน\"",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    // An earlier year's level against that year's framework (2566: 86.37, ผ่าน).
    one(
        &findings(memo(
            "ในปี ๒๕๖๖ เทศบาลตำบลตัวอย่างได้ ๘๖.๓๗ คะแนน อยู่ในระดับผ่านดีเยี่ยม",
        )),
        "memo.body[0].paragraphs",
        "the total in 2566 at level \"ผ่านดีเยี่ยม\"",
    );
    none(&findings(memo(
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ แล้ว เทศบาลตำบลตัวอย่างได้คะแนน ๘๙.๑๗ คะแนน อยู่ในระดับผ่าน",
    )));
    // A level negated or compared is not a statement of the level; a number without the
    // agency named is not its total.
    none(&findings(memo(
        "เทศบาลตำบลตัวอย่างได้ ๘๙.๑๗ คะแนน ยังไม่ถึงระดับผ่านดีเยี่ยม",
    )));
    none(&findings(memo(
        "หน่วยงานในอำเภอได้คะแนน ๗๕.๐๐ คะแนน อยู่ในระดับต้องปรับปรุง",
    )));
}

#[test]
fn a_letter_pointing_at_enclosures_or_a_qr_code_it_does_not_have() {
    let letter = |body: &str, extra: Value| {
        let mut letter = json!({
            "reference": "รอ ๐๐๑๗.๕/ว ๕๕๑๔", "address": ["ศาลากลางจังหวัดทดสอบ"], "date": "2567-09-29", "subject": "รายงานผลการประเมิน", "to": "นายอำเภอ ทุกอำเภอ",
            "body": [body], "signer": { "name": "นายทดสอบ ระบบดี", "positions": ["ผู้ว่าราชการจังหวัดทดสอบ"] }
        });
        merge(&mut letter, extra);
        findings(json!({ "letter": letter }))
    };
    let found = letter(
        "จึงขอส่งรายงาน รายละเอียดตามสิ่งที่ส่งมาด้วย และดาวน์โหลดได้ที่ QR Code ท้ายหนังสือนี้",
        json!({}),
    );
    one(&found, "letter.body", "speaks of its enclosures");
    one(&found, "letter.body", "QR code");
    none(&letter(
        "จึงขอส่งรายงาน รายละเอียดตามสิ่งที่ส่งมาด้วย และดาวน์โหลดได้ที่ QR Code ท้ายหนังสือนี้",
        json!({ "enclosures": ["รายงาน จำนวน ๑ ชุด"], "qr": { "url": "https://example.go.th/ita" } }),
    ));
}

#[test]
fn a_stated_level_outside_its_printed_band_in_a_year_of_uncertain_rule() {
    // 2569's rule is not known for certain: the levels are not derived, yet the report's
    // level table prints each level's band of totals, and a row must fall inside its own.
    let found = findings(json!({
        "fiscal_year": 2569,
        "province": {"agencies": [
            {"name": "เทศบาลตำบลหนึ่ง", "score": 72.35, "level": "ผ่านดีเยี่ยม"},
            {"name": "เทศบาลตำบลสอง", "score": 84.99, "level": "ผ่าน"},
            {"name": "เทศบาลตำบลสาม", "score": 96.0, "level": "ผ่านดีเยี่ยม"}
        ]}
    }));
    one(
        &found,
        "province.agencies[0].level",
        "is listed as \"ผ่านดีเยี่ยม\" with 72.35, but the report's level table gives \"ผ่านดีเยี่ยม\" as 95.00–100.00",
    );
    one(
        &found,
        "province.agencies[1].level",
        "\"ผ่าน\" as 85.00–100.00",
    );
    assert!(
        !found.iter().any(|f| f.starts_with("province.agencies[2]")),
        "96.00 is in its band: {found:#?}"
    );
}

#[test]
fn the_agency_own_row_in_the_province_list_gives_its_total() {
    let own = |score: f64| {
        findings(json!({
            "agency": {"name": "จังหวัดทดสอบ"},
            "province": {"agencies": [{"name": "จังหวัดทดสอบ", "score": score}]}
        }))
    };
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/analysis/two-years-no-text.json"))
            .unwrap();
    let total = serde_json::from_str::<Value>(&text).unwrap()["scores"]["total"]
        .as_f64()
        .unwrap();
    let found = own(total - 1.0);
    one(
        &found,
        "province.agencies[0].score",
        "in the list of agencies but",
    );
    assert!(
        !own(total)
            .iter()
            .any(|f| f.contains("in the list of agencies"))
    );
}

#[test]
fn the_outline_own_text_is_read_as_the_rest() {
    let report = |parts: Value| json!({"outline": {"report": parts}});
    let paragraph = |text: &str| json!({"part": "paragraph", "text": [text]});
    // A score quoted in the agency's own paragraph, in a list item and in a table cell.
    one(
        &findings(report(json!([paragraph("แบบ OIT ได้คะแนน 87.50 คะแนน")]))),
        "outline.report[0].text",
        "quotes 87.50 for OIT, but the data gives 84.38",
    );
    one(
        &findings(report(json!([
            {"part": "list", "items": ["แบบ EIT ได้ ๙๑.๐๐ คะแนน"]}
        ]))),
        "outline.report[0].items[0]",
        "quotes 91.00 for EIT, but the data gives 92.70",
    );
    one(
        &findings(report(json!([
            {"part": "table", "header": ["เครื่องมือ", "ผล"], "rows": [["IIT", "แบบ IIT ได้ 90.00 คะแนน"]]}
        ]))),
        "outline.report[0].rows[0][1]",
        "quotes 90.00 for IIT, but the data gives 92.02",
    );
    // A lead at the document's end, and one counting the list after it wrongly.
    one(
        &findings(report(json!([paragraph("มีข้อเสนอแนะ ดังนี้")]))),
        "outline.report[0].text",
        "ends with \"ดังนี้\"",
    );
    one(
        &findings(report(json!([
            paragraph("มีข้อเสนอแนะ ๓ ประเด็น ดังนี้"),
            {"part": "list", "items": ["เผยแพร่ข้อมูล", "ปรับปรุงเว็บไซต์"]}
        ]))),
        "outline.report[0].text",
        "2 are printed after it",
    );
    // The same text written correctly, and a lead before a generated block or a heading.
    none(&findings(report(json!([
        paragraph("แบบ OIT ได้คะแนน ๘๔.๓๘ คะแนน มีข้อเสนอแนะ ๒ ประเด็น ดังนี้"),
        {"part": "list", "items": ["เผยแพร่ข้อมูล", "ปรับปรุงเว็บไซต์"]},
        paragraph("ผลการประเมินแยกตามเครื่องมือ ดังนี้"),
        {"part": "tool_analyses"},
        paragraph("รายละเอียดแต่ละส่วน ดังนี้"),
        {"part": "heading", "text": "ส่วนที่ ๑"},
    ]))));
}

/// A memo's or letter's field typed with the label the form prints before it ("ที่ ที่ …",
/// "เรียน เรียน …", copied whole from an old letter) is flagged at the field; the same fields
/// without the label, or starting with a word that only begins like it ("ที่ทำการ…"), are not.
#[test]
fn a_label_the_form_prints_typed_again_in_the_field() {
    let memo = |reference: &str, to: &str| {
        json!({"memo": {"reference": reference, "subject": "รายงานผลการประเมิน", "to": to,
            "body": [{"paragraphs": ["จึงเรียนมาเพื่อโปรดทราบ"]}],
            "signers": [{"name": "นางสาวพิมพ์ชนก ศรีสุวรรณวงศ์", "positions": ["ผู้อำนวยการโรงเรียน"]}]}})
    };
    let found = findings(memo("ที่ ๐๑๒๓/๒๕๖๗", "เรียน ผู้อำนวยการ"));
    one(&found, "memo.reference", "starts with \"ที่\"");
    one(&found, "memo.to", "starts with \"เรียน\"");
    let found = findings(
        json!({"letter": {"reference": "ที่ สกอ ๐๐๑/๒๕๖๗", "date": "2567-10-01",
        "address": ["สถานีตำรวจภูธรเมืองสกลนคร", "ถนนสุขเกษม สน. ๔๗๐๐๐"],
        "subject": "เรื่อง ส่งรายงาน", "to": "ผู้ว่าราชการจังหวัดสกลนคร",
        "enclosures": ["สิ่งที่ส่งมาด้วย รายงาน จำนวน ๑ ชุด"],
        "body": ["จึงเรียนมาเพื่อโปรดทราบ"],
        "signer": {"name": "พันตำรวจเอกสุรเชษฐ์ ปัญญาวงศ์", "positions": ["ผู้กำกับการ"]}}}),
    );
    one(&found, "letter.reference", "\"ที่\"");
    one(&found, "letter.subject", "\"เรื่อง\"");
    one(&found, "letter.enclosures[0]", "\"สิ่งที่ส่งมาด้วย\"");
    none(&findings(memo("ที่ทำการปกครอง ๐๑๒๓/", "ผู้อำนวยการ")));
}
