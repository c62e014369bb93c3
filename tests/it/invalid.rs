//! Invalid packages: every problem reported with file, line, column and JSON path.

use ita_report::load;

#[test]
fn invalid_fixtures_report_located_errors() {
    // (A loop rather than insta's `glob!`, whose feature would change the features of crates
    // the program shares with the tests, and so rebuild Typst for the tests.)
    let dir = crate::common::root().join("tests/fixtures/invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let text = std::fs::read_to_string(path).unwrap();
        let file = path.file_name().unwrap().to_str().unwrap();
        let name = format!("tests/fixtures/invalid/{file}");
        let failure = load::load_str(&text, &name, crate::common::frameworks()).expect_err("fixture must be invalid");
        insta::with_settings!({ snapshot_suffix => file, input_file => path, prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!(failure.to_string());
        });
    }
}
