//! Invalid packages: every problem reported with file, line, column and JSON path.

use ita_report::load;

#[test]
fn invalid_fixtures_report_located_errors() {
    insta::glob!("../fixtures/invalid", "*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!("tests/fixtures/invalid/{}", path.file_name().unwrap().to_str().unwrap());
        let failure = load::load_str(&text, &name, crate::common::frameworks()).expect_err("fixture must be invalid");
        insta::assert_snapshot!(failure.to_string());
    });
}
