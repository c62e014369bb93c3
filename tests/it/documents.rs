//! The document registry (`src/documents/`): every kind declared once, whole, and reachable.

use ita_report::documents::ALL;
use ita_report::documents::DocKind;

use crate::common::root;

/// Every kind of the registry (`kinds!` in `src/documents/mod.rs`, which makes `DocKind`
/// and `ALL` from one list, so none is missing from `ALL`) has one name used everywhere,
/// its template on disk as embedded, and a label.
#[test]
fn every_kind_is_registered_once_with_its_template() {
    let mut names = std::collections::BTreeSet::new();
    for kind in ALL {
        let spec = kind.spec();
        assert!(names.insert(spec.name), "{kind:?}: `{}` twice", spec.name);
        assert_eq!(DocKind::from_name(spec.name), Some(kind));
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::json!(spec.name),
            "{kind:?}: its name in templates and file names"
        );
        assert!(
            spec.name.len() < ita_report::filename::DOCUMENT_SUFFIX,
            "{kind:?}: `-{}` is longer than the room file names leave for it",
            spec.name
        );
        let file = format!("{}.typ", spec.name);
        let on_disk = std::fs::read_to_string(root().join("report-templates").join(&file))
            .unwrap_or_else(|e| panic!("{kind:?}: report-templates/{file}: {e}"));
        assert_eq!(on_disk, spec.template, "{file}: embedded text differs");
        assert_eq!(ita_report::templates::embedded(&file), Some(spec.template));
        assert!(!spec.label.0.is_empty() && !spec.label.1.is_empty());
    }
    assert_eq!(
        ita_report::templates::names().len(),
        ita_report::templates::SHARED.len() + ALL.len()
    );
}

/// Each kind with data of its own has its field in the package: in the schema the web form
/// and `schema` print, titled with the kind's Thai name unless the schema names it more
/// precisely, and read by the strict loader (the data given under the kind's name makes the
/// kind available; an unknown key beside it is still refused). The report has no field: it
/// is made of the package's shared data.
#[test]
fn every_kind_has_its_data_in_the_package_and_the_schema() {
    let schema = ita_report::schema::package();
    let properties = schema["properties"].as_object().unwrap();
    for kind in ALL {
        let spec = kind.spec();
        let property = &schema["properties"][spec.name];
        assert_eq!(
            property.is_object(),
            kind.has_data(),
            "{kind:?} in the schema"
        );
        if kind.has_data() {
            assert_eq!(property["title"], spec.label.0, "{kind:?}");
        }
    }
    let kinds = ALL.iter().filter(|k| k.has_data()).count();
    assert_eq!(
        properties
            .keys()
            .filter(|k| DocKind::from_name(k).is_some())
            .count(),
        kinds
    );
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-province.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let loaded = crate::common::load_text(&text, "p.json");
    for kind in DocKind::available(&loaded.package) {
        if kind.has_data() {
            assert!(
                value.get(kind.name()).is_some(),
                "{kind:?} without its data"
            );
        }
    }
    let mut unknown = value.clone();
    unknown["memo"]["subjct"] = serde_json::json!("x");
    let refused =
        ita_report::load::load_str(&unknown.to_string(), "p.json", crate::common::frameworks())
            .expect_err("an unknown key in a kind's data is refused");
    assert!(refused.to_string().contains("memo.subjct"), "{refused}");
}

/// Presence follows the data: a sample holds exactly the documents whose data it has.
#[test]
fn available_documents_follow_the_data() {
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-province.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let loaded = crate::common::load_text(&value.to_string(), "p.json");
    let before = DocKind::available(&loaded.package);
    assert!(before.contains(&DocKind::Memo), "{before:?}");
    value.as_object_mut().unwrap().remove("memo");
    let loaded = crate::common::load_text(&value.to_string(), "p.json");
    let after = DocKind::available(&loaded.package);
    assert!(!after.contains(&DocKind::Memo));
    assert_eq!(after.len() + 1, before.len());
}

/// An office that overrides only `style.typ` changes the house style everywhere (a 4 cm left
/// margin moves every line) while every other template stays the program's own.
#[test]
fn a_style_override_changes_the_margins_of_every_document() {
    use ita_report::engine::{BuildOptions, Engine};
    let scratch = crate::common::Scratch::new("style-override");
    let style = ita_report::templates::embedded("style.typ").unwrap();
    let wider = "margin: (left: 4cm, right: 2cm, bottom: 2cm)";
    assert!(style.contains("margin: (left: 3cm, right: 2cm, bottom: 2cm)"));
    let custom = style.replace("margin: (left: 3cm, right: 2cm, bottom: 2cm)", wider);
    std::fs::write(scratch.path().join("style.typ"), custom).unwrap();
    let engine = Engine::new(Some(scratch.path()), &[]).unwrap();
    let loaded = crate::common::load_sample(&root().join("inputs/2568-roiet-municipality.json"));
    let built = engine
        .build(
            &loaded,
            "m",
            &scratch.path().join("out"),
            &BuildOptions::default(),
        )
        .unwrap();
    let document = &built.artifacts[0].document;
    let cm = 72.0 / 2.54;
    let mut lefts = Vec::new();
    for page in 0..document.pages().len() {
        let items = crate::common::items(document, page);
        let body = items.iter().filter(|i| i.text.is_some()).map(|i| i.x);
        lefts.push(body.fold(f64::INFINITY, f64::min));
    }
    for (page, left) in lefts.iter().enumerate() {
        assert!(
            *left >= 4.0 * cm - 0.5,
            "page {}: text at {left} pt",
            page + 1
        );
    }
    // Portrait pages of the default build start their lines at 3 cm.
    let default = crate::common::build(&loaded, &BuildOptions::default());
    let first = crate::common::items(&default.artifacts[0].document, 0);
    let left = first.iter().filter(|i| i.text.is_some()).map(|i| i.x);
    assert!(left.fold(f64::INFINITY, f64::min) < 3.0 * cm + 1.0);
}

/// `templates export` writes the built-ins (not engine.typ); `templates diff` then finds
/// them the same, shows a changed line, and says an engine.typ there is not used.
#[test]
fn templates_diff_shows_what_a_folder_changes() {
    let scratch = crate::common::Scratch::new("templates-diff");
    let dir = scratch.path().join("mine");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
            .args(args)
            .arg("--lang")
            .arg("en")
            .output()
            .unwrap()
    };
    let dir_arg = dir.to_str().unwrap();
    let out = run(&["templates", "export", dir_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("style.typ").is_file() && dir.join("memo.typ").is_file());
    assert!(!dir.join("engine.typ").exists());
    // A second export refuses to replace what is there.
    assert_eq!(
        run(&["templates", "export", dir_arg]).status.code(),
        Some(1)
    );

    let style = std::fs::read_to_string(dir.join("style.typ")).unwrap();
    std::fs::write(
        dir.join("style.typ"),
        style.replace("body-size: 16,", "body-size: 15,"),
    )
    .unwrap();
    std::fs::write(dir.join("engine.typ"), "// mine\n").unwrap();
    let out = run(&["templates", "diff", dir_arg]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("memo.typ: the same as the built-in template"),
        "{text}"
    );
    assert!(text.contains("style.typ: differs"), "{text}");
    assert!(
        text.contains("-  body-size: 16,") && text.contains("+  body-size: 15,"),
        "{text}"
    );
    assert!(text.contains("engine.typ: ignored"), "{text}");
}

/// The package text with `outline` set to `outline` (a JSON value).
fn with_outline(text: &str, outline: serde_json::Value) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["outline"] = outline;
    serde_json::to_string_pretty(&value).unwrap()
}

/// The default outline is the order the documents always had: a sample given its own
/// default outline, written out as `init` writes it, builds to the same PDF bytes.
#[test]
fn default_outline_written_out_builds_the_same_bytes() {
    use ita_report::engine::BuildOptions;
    for path in crate::common::samples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let plain = crate::common::load_sample(&path);
        let outline = serde_json::to_value(&plain.facts.outline).unwrap();
        let given = crate::common::load_text(&with_outline(&text, outline), "given.json");
        assert!(
            given.package.outline.report.is_some(),
            "{} reads its outline",
            path.display()
        );
        let a = crate::common::build(&plain, &BuildOptions::default());
        let b = crate::common::build(&given, &BuildOptions::default());
        for (x, y) in a.artifacts.iter().zip(&b.artifacts) {
            assert!(
                x.pdf == y.pdf,
                "{}: the default outline changes the PDF",
                path.display()
            );
        }
    }
}

const SMALL: &str = r#"{
  "agency": {"name": "สถานีตำรวจภูธรเมืองทดสอบ", "kind": "police_station"},
  "fiscal_year": 2566,
  "scores": {"total": 90.5, "tools": {"IIT": 91, "EIT": 90, "OIT": 90.63},
    "indicators": [{"number": 1, "score": 91}, {"number": 9, "score": 90.63}]}
}"#;

/// A package's own outline: its parts print in its order, generated blocks with only the
/// heading it gives them (no "๑." the outline does not ask for), and the agency's own
/// headings, paragraphs, numbered lists and tables.
#[test]
fn own_outline_prints_its_parts_and_no_other_heading() {
    use ita_report::engine::BuildOptions;
    let outline = serde_json::json!({"report": [
        {"part": "division", "lines": ["ส่วนที่ ๑ ผลการประเมิน"]},
        {"part": "paragraph", "text": "ย่อหน้าของหน่วยงานเอง ดังนี้"},
        {"part": "list", "items": ["ข้อแรก", "ข้อสอง"]},
        {"part": "indicator_table"},
        {"part": "heading", "text": "สรุป", "level": 2},
        {"part": "table", "caption": "คะแนนตามที่หน่วยงานสรุป", "header": ["รายการ", "คะแนน"],
         "rows": [["IIT", "91.00"], ["OIT", "90.63"]]}
    ]});
    let loaded = crate::common::load_text(&with_outline(SMALL, outline), "own.json");
    let built = crate::common::build(&loaded, &BuildOptions::default());
    let report = built
        .artifacts
        .iter()
        .find(|a| a.kinds.contains(&DocKind::Report));
    let text =
        crate::common::squeeze(&crate::common::page_texts(&report.unwrap().document).join("\n"));
    let at = |needle: &str| {
        text.find(&crate::common::squeeze(needle))
            .unwrap_or_else(|| panic!("`{needle}` is printed: {text}"))
    };
    let order = [
        at("ส่วนที่๑ผลการประเมิน"),
        at("ย่อหน้าของหน่วยงานเองดังนี้"),
        at("๑)ข้อแรก"),
        at("๒)ข้อสอง"),
        at("รายละเอียดตัวชี้วัด"),
        at("สรุป"),
        at("ตารางที่๑คะแนนตามที่หน่วยงานสรุป"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "printed in the outline's order"
    );
    // The parts the outline leaves out are not printed, nor any heading it does not give.
    for absent in [
        "ผลการประเมินรายตัวชี้วัด",
        "๑.สรุป",
        "๑.ส่วนที่",
        "การวิเคราะห์ผลการประเมิน",
        "ผลเทียบกับค่าเป้าหมาย",
    ] {
        assert!(!text.contains(absent), "`{absent}` is not printed: {text}");
    }
}

/// A wrong outline is refused with a Thai message at its place.
#[test]
fn wrong_outline_parts_are_refused_where_they_are() {
    let outline = serde_json::json!({"report": [
        {"part": "measures_body"},
        {"part": "summary_box", "caption": "ตาราง"},
        {"part": "table", "header": ["ก", "ข"], "rows": [["๑"]]},
        {"part": "heading", "text": " ", "level": 7},
        {"part": "indicator_table"},
        {"part": "indicator_table"}
    ]});
    let text = with_outline(SMALL, outline);
    let failure = ita_report::load::load_str(&text, "bad.json", crate::common::frameworks())
        .expect_err("refused");
    let shown = failure.to_string();
    for (path, words) in [
        ("outline.report[0].part", "ใช้ได้ใน `outline.measures` เท่านั้น"),
        ("outline.report[1].caption", "ไม่มีคำบรรยายที่มีเลขที่"),
        ("outline.report[2].rows[0]", "แถวนี้มี 1 ช่อง แต่หัวตารางมี 2 ช่อง"),
        ("outline.report[3].text", "หัวข้อไม่มีข้อความ"),
        ("outline.report[3].level", "ระดับหัวข้อ"),
        ("outline.report[5].part", "มากกว่าหนึ่งครั้ง"),
    ] {
        assert!(shown.contains(path), "{path} is named:\n{shown}");
        assert!(shown.contains(words), "`{words}` is said:\n{shown}");
    }
    // An unknown part is a shape error naming the place.
    let unknown = with_outline(
        SMALL,
        serde_json::json!({"report": [{"part": "chart_of_everything"}]}),
    );
    let shown = ita_report::load::load_str(&unknown, "bad.json", crate::common::frameworks())
        .expect_err("refused")
        .to_string();
    assert!(shown.contains("outline.report[0]"), "{shown}");
}
