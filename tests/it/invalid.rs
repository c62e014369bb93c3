//! Invalid packages: every problem reported with file, line, column and JSON path.

use ita_report::load;

#[test]
fn invalid_fixtures_report_located_errors() {
    // (A loop rather than insta's `glob!`, whose feature would change the features of crates
    // the program shares with the tests, and so rebuild Typst for the tests.)
    let dir = crate::common::root().join("tests/fixtures/invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let file = path.file_name().unwrap().to_str().unwrap();
        let name = format!("tests/fixtures/invalid/{file}");
        let failure = load::load_str(&text, &name, crate::common::frameworks())
            .expect_err("fixture must be invalid");
        insta::with_settings!({ snapshot_suffix => file, input_file => path, prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!(failure.to_string());
        });
    }
}

#[test]
fn a_province_written_with_its_prefix_is_refused_with_the_bare_name() {
    // The documents print "จังหวัด" before the name: "จังหวัดตาก" would become "จังหวัดจังหวัดตาก".
    let text = r#"{
  "agency": { "name": "เทศบาลตำบลตัวอย่าง", "province": "จังหวัดตาก" },
  "fiscal_year": 2568,
  "measures": { "layout": "by_indicator", "rows": [] }
}"#;
    let message = load::load_str(text, "p.json", crate::common::frameworks())
        .expect_err("refused")
        .to_string();
    assert!(
        message.contains("p.json:2:") && message.contains("`agency.province`"),
        "{message}"
    );
    assert!(message.contains("ใส่เพียง \"ตาก\""), "{message}");
    let bare = text.replace("จังหวัดตาก", "ตาก");
    if let Err(failure) = load::load_str(&bare, "p.json", crate::common::frameworks()) {
        assert!(
            !failure.to_string().contains("agency.province"),
            "{failure}"
        );
    }
}

#[test]
fn english_messages_name_types_as_a_user_would() {
    let text = r#"{ "agency": { "name": "เทศบาลตำบลตัวอย่าง" }, "fiscal_year": "2568", "scores": { "total": "93.5", "target": 85, "indicators": [] } }"#;
    let failure = load::load_str(text, "p.json", crate::common::frameworks()).expect_err("refused");
    let english: Vec<String> = failure
        .0
        .iter()
        .map(|d| d.message.english.clone())
        .collect();
    assert!(
        english
            .iter()
            .any(|m| m.ends_with("expected a whole number")),
        "{english:?}"
    );
    assert!(
        english.iter().any(|m| m.ends_with("expected a number")),
        "{english:?}"
    );
    assert!(
        english
            .iter()
            .all(|m| !m.contains("f64") && !m.contains("u16") && !m.contains("i32")),
        "{english:?}"
    );
}

#[test]
fn a_history_entry_of_the_packages_own_year_or_later_is_refused() {
    // The schema cannot say "before fiscal_year", so this is not among the fixtures above.
    let text = r#"{
  "agency": { "name": "เทศบาลตำบลตัวอย่าง" },
  "fiscal_year": 2567,
  "scores": { "total": 89.17, "target": 85, "indicators": [] },
  "history": [
    { "year": 2567, "total": 91.25 },
    { "year": 2570, "total": 90.0 },
    { "year": 2566, "total": 86.37 }
  ]
}"#;
    let failure = load::load_str(text, "h.json", crate::common::frameworks()).expect_err("refused");
    let found: Vec<String> = failure
        .0
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d.json_path.clone().unwrap_or_default(),
                d.message.english
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("history[0].year: history year 2567 is the package's own fiscal year"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with(
            "history[1].year: history year 2570 is after the package's fiscal year 2567"
        ),
        "{found:#?}"
    );
    assert!(failure.to_string().contains("h.json:6:15"), "{failure}");
}

#[test]
fn a_long_line_is_shown_cut_to_the_place_with_its_true_column() {
    // A package written on one line (minified), with a long paragraph before the bad field.
    let path = crate::common::root().join("tests/fixtures/invalid/one-line-long-text.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let failure =
        load::load_str(&text, "one-line.json", crate::common::frameworks()).expect_err("invalid");
    let mut out = codespan_reporting::term::termcolor::Buffer::no_color();
    failure.0[0].emit(&mut out).unwrap();
    let shown = String::from_utf8(out.into_inner()).unwrap();
    let column = text[..text.find("\"levle\"").unwrap()].chars().count() + 1;
    assert!(
        shown.contains(&format!("one-line.json:1:{column}")),
        "{shown}"
    );
    assert!(shown.contains('…'), "what is left out is marked: {shown}");
    assert!(
        shown.contains("\"levle\": \"ผ่าน\"") && !shown.contains("\"agency\""),
        "the line is cut to the field: {shown}"
    );
    assert!(shown.lines().all(|l| l.chars().count() < 200), "{shown}");
}
