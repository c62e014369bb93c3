//! Data in without JSON: results spreadsheets (xlsx written here as the NACC publishes them,
//! CSV with Thai headers), `init` with drafted measures, and the package JSON Schema.

use std::path::Path;
use std::process::Command;

use ita_report::analysis;
use ita_report::catalogue::Catalogue;
use ita_report::documents::measures::MeasuresLayout;
use ita_report::import::{self, ImportOptions, Start};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::common::{self, Scratch};

/// The 204 agencies of seed 000, as (name, district, score, level) from the sample.
fn seed_000_agencies() -> Vec<(String, String, f64, String)> {
    let text =
        std::fs::read_to_string(common::root().join("inputs/2566-roiet-province.json")).unwrap();
    let package: Value = serde_json::from_str(&text).unwrap();
    package["province"]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("").to_owned();
            (
                s("name"),
                s("district"),
                a["score"].as_f64().unwrap(),
                s("level"),
            )
        })
        .collect()
}

/// The NACC's layout: a merged title row, an empty row, then the header; the columns in
/// another order than the sample's. `edit` may change a row's cells before they are written.
fn write_xlsx(path: &Path, edit: impl Fn(usize, &mut Vec<Value>)) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("ผลคะแนน").unwrap();
    sheet
        .merge_range(0, 0, 0, 4, "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ จังหวัดร้อยเอ็ด", &Format::new())
        .unwrap();
    for (c, header) in ["ลำดับ", "อำเภอ", "ชื่อหน่วยงาน", "ระดับผลการประเมิน", "คะแนนรวม"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *header).unwrap();
    }
    for (i, (name, district, score, level)) in seed_000_agencies().into_iter().enumerate() {
        let mut cells = vec![
            Value::from(i + 1),
            Value::from(district),
            Value::from(name),
            Value::from(level),
            Value::from(score),
        ];
        edit(i, &mut cells);
        let row = 3 + i as u32;
        for (c, cell) in cells.iter().enumerate() {
            match cell {
                Value::Number(n) => {
                    _ = sheet
                        .write_number(row, c as u16, n.as_f64().unwrap())
                        .unwrap()
                }
                Value::String(s) if !s.is_empty() => {
                    _ = sheet.write_string(row, c as u16, s).unwrap()
                }
                _ => {}
            }
        }
    }
    book.save(path).unwrap();
}

fn options(per_agency: bool) -> ImportOptions {
    ImportOptions {
        year: 2566,
        per_agency,
        layout: MeasuresLayout::ByIndicator,
        name: None,
    }
}

fn catalogue() -> Catalogue {
    Catalogue::load(None).expect("the embedded catalogue loads")
}

/// What the province report derives from the agencies: counts, levels, ranks, mean.
fn province_summary(text: &str, name: &str) -> Value {
    let loaded = common::load_text(text, name);
    let facts = analysis::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    let province = serde_json::to_value(facts.province.expect("a province summary")).unwrap();
    ["count", "levels", "pass", "fail", "mean", "ranked"]
        .iter()
        .map(|k| (k.to_string(), province[*k].clone()))
        .collect()
}

fn sample_summary() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("inputs/2566-roiet-province.json")).unwrap();
    province_summary(&text, "inputs/2566-roiet-province.json")
}

#[test]
fn a_results_xlsx_gives_the_province_summary_of_the_sample() {
    let scratch = Scratch::new("import-xlsx");
    let path = scratch.path().join("ita2566.xlsx");
    write_xlsx(&path, |_, _| {});
    let imported = import::import(
        &path,
        "ita2566.xlsx",
        &options(true),
        common::frameworks(),
        &catalogue(),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    // The province package and one package per agency (every one loads: `import` checks).
    assert_eq!(imported.files.len(), 205);
    let province = &imported.files[0];
    assert_eq!(province.name, "2566-จังหวัดร้อยเอ็ด-province.json");
    let summary = province_summary(&province.text, &province.name);
    assert_eq!(summary["count"], 204);
    assert_eq!(summary, sample_summary());
    // The column "ลำดับ" is not read, and the user is told.
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.to_string().contains("ลำดับ")),
        "{:?}",
        imported.notes
    );
    let agency: Value = serde_json::from_str(&imported.files[1].text).unwrap();
    assert_eq!(agency["agency"]["name"], "เทศบาลตำบลจันทาร");
    assert_eq!(agency["agency"]["province"], "ร้อยเอ็ด");
    assert_eq!(agency["scores"]["total"], 99.78);
}

#[test]
fn bad_cells_are_all_reported_by_address_and_nothing_is_written() {
    let scratch = Scratch::new("import-bad");
    let path = scratch.path().join("ita2566.xlsx");
    write_xlsx(&path, |i, cells| match i {
        9 => cells[4] = Value::from("๑๐๕"),
        20 => cells[2] = Value::from(""),
        _ => {}
    });
    let out = scratch.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(scratch.path())
        .args([
            "import",
            "ita2566.xlsx",
            "--year",
            "2566",
            "--per-agency",
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    // Row 10 of the data is sheet row 13 (title, empty row, header above it).
    assert!(stderr.contains("ita2566.xlsx!ผลคะแนน!E13: ต้องเป็นคะแนนรวม (คะแนนตั้งแต่ 0 ถึง 100 ทศนิยมไม่เกินสองตำแหน่ง) แต่พบ \"๑๐๕\""), "{stderr}");
    assert!(
        stderr.contains("ita2566.xlsx!ผลคะแนน!C24: ต้องเป็นชื่อหน่วยงาน แต่พบ ช่องว่าง"),
        "{stderr}"
    );
    assert!(stderr.contains("ไม่ได้เขียนแฟ้มใด"), "{stderr}");
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "files were written"
    );
}

#[test]
fn a_csv_with_thai_headers_and_digits_gives_the_same_summary_in_utf8_and_windows_874() {
    let mut csv =
        String::from("ผลการประเมิน ITA ปี ๒๕๖๖ จังหวัดร้อยเอ็ด,,,\nหน่วยงาน,อำเภอ,คะแนน ITA,ระดับ\n");
    for (name, district, score, level) in seed_000_agencies() {
        let score = ita_report::thai::thai_digits(&format!("{score:.2}"));
        csv.push_str(&format!("\"{name}\",{district},{score},{level}\n"));
    }
    let scratch = Scratch::new("import-csv");
    let (encoded, _, lossy) = encoding_rs::WINDOWS_874.encode(&csv);
    assert!(!lossy);
    for (file, bytes) in [("utf8.csv", csv.as_bytes()), ("excel.csv", &encoded[..])] {
        let path = scratch.path().join(file);
        std::fs::write(&path, bytes).unwrap();
        let imported = import::import(
            &path,
            file,
            &options(false),
            common::frameworks(),
            &catalogue(),
        )
        .unwrap_or_else(|f| panic!("{f}"));
        assert_eq!(imported.files.len(), 1);
        assert_eq!(
            province_summary(&imported.files[0].text, file),
            sample_summary(),
            "{file}"
        );
    }
}

/// An agency whose indicators 9 and 10 are below the target of 85, in a sheet with one
/// column per indicator (headers by number and by name).
#[test]
fn blank_or_dashed_tool_cells_are_tools_not_given() {
    let csv = "ผลการประเมิน ITA ปี 2566 จังหวัดร้อยเอ็ด,,,,,\n\
               หน่วยงาน,อำเภอ,คะแนน ITA,IIT,EIT,OIT\n\
               เทศบาลตำบลหนึ่ง,เมือง,90.00,91.00,,89.00\n\
               เทศบาลตำบลสอง,เมือง,80.00,-,81.00,79.00\n\
               เทศบาลตำบลสาม,เมือง,,85.00,85.00,-\n";
    let scratch = Scratch::new("import-blank-tools");
    let path = scratch.path().join("results.csv");
    std::fs::write(&path, csv).unwrap();
    // The total is what a row is for: only its blank is an error (where the tools given
    // do not form it: OIT is left out).
    let failure = import::import(
        &path,
        "results.csv",
        &options(false),
        common::frameworks(),
        &catalogue(),
    )
    .expect_err("a row without a total");
    let text = failure.to_string();
    assert!(text.contains("C5"), "{text}");
    assert!(
        !text.contains("D4") && !text.contains("E3"),
        "blank and dashed tools are not errors: {text}"
    );
    std::fs::write(&path, csv.lines().take(4).collect::<Vec<_>>().join("\n")).unwrap();
    let imported = import::import(
        &path,
        "results.csv",
        &options(false),
        common::frameworks(),
        &catalogue(),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    let package: Value = serde_json::from_str(&imported.files[0].text).unwrap();
    let agencies = &package["province"]["agencies"];
    assert_eq!(
        agencies[0]["tools"],
        serde_json::json!({"IIT": 91.0, "OIT": 89.0})
    );
    assert_eq!(
        agencies[1]["tools"],
        serde_json::json!({"EIT": 81.0, "OIT": 79.0})
    );
}

fn indicator_sheet(dir: &Path) -> std::path::PathBuf {
    let headers = "ชื่อหน่วยงาน,อำเภอ,คะแนนรวม,ตัวชี้วัดที่ 1,ตัวชี้วัดที่ 2,ตัวชี้วัดที่ 3,ตัวชี้วัดที่ 4,ตัวชี้วัดที่ 5,คุณภาพการดำเนินงาน,ประสิทธิภาพการสื่อสาร,การปรับปรุงระบบการทำงาน,ตัวชี้วัดที่ 9,ตัวชี้วัดที่ 10";
    let rows = [
        "เทศบาลตำบลหนองแวง,เมือง,88.51,95.1,96.2,97.3,98.4,99.5,91.00,92.00,93.00,70.25,62.50",
        "เทศบาลตำบลทุ่งทอง,อาจสามารถ,96.00,96,96,96,96,96,96,96,96,96,96",
    ];
    let path = dir.join("scores.csv");
    std::fs::write(&path, format!("{headers}\n{}\n", rows.join("\n"))).unwrap();
    path
}

#[test]
fn init_drafts_measures_for_the_indicators_below_target_and_check_flags_them() {
    let scratch = Scratch::new("init");
    let sheet = indicator_sheet(scratch.path());
    let framework = common::frameworks().get(2568).unwrap().clone();
    let results =
        import::read_results(&sheet, "scores.csv", &framework).unwrap_or_else(|f| panic!("{f}"));
    let row = import::find_agency(&results, "scores.csv", "เทศบาลตำบล หนองแวง", None).unwrap();
    let start = Start {
        name: "เทศบาลตำบลหนองแวง",
        district: row.district.clone(),
        province: None,
        kind: None,
        year: 2568,
        layout: MeasuresLayout::ByIndicator,
        scores: Some(row),
    };
    let file =
        import::init(&start, common::frameworks(), &catalogue()).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(file.name, "2568-เทศบาลตำบลหนองแวง.json");

    let loaded = common::load_text(&file.text, &file.name);
    // The outline it builds with is written out to edit, and is the default one; the kind
    // its name says is written too.
    let written = loaded
        .package
        .outline
        .report
        .clone()
        .expect("init writes the outline");
    assert_eq!(
        written,
        ita_report::outline::report_default(&loaded.package)
    );
    assert!(loaded.package.outline.measures.is_some());
    assert_eq!(
        loaded.package.agency.kind,
        Some(ita_report::model::AgencyKind::Municipality)
    );
    let measures = loaded.package.measures.as_ref().unwrap();
    assert_eq!(
        measures
            .rows
            .iter()
            .map(|r| r.indicator)
            .collect::<Vec<_>>(),
        [9, 10]
    );
    assert!(measures.rows.iter().all(|r| r.draft.is_some()));
    assert!(
        measures.rows[0].finding.0[0].contains("ได้คะแนน ๗๐.๒๕ ต่ำกว่าค่าเป้าหมาย ๘๕ คะแนน"),
        "{:?}",
        measures.rows[0].finding
    );
    let scores = loaded.package.scores.as_ref().unwrap();
    assert_eq!(scores.indicators.len(), 10);
    assert_eq!(
        scores.indicators[6].name.as_deref(),
        Some("ประสิทธิภาพการสื่อสาร")
    );
    let drafts: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("ยังเป็นร่างจากคลังมาตรการ"))
        .collect();
    assert_eq!(drafts.len(), 2, "{drafts:?}");
    assert!(
        drafts[0].contains("measures.rows[0]") && drafts[1].contains("measures.rows[1]"),
        "{drafts:?}"
    );

    // It builds: the drafted rows are printed in the measures table.
    let built = common::build(&loaded, &Default::default());
    let text = common::squeeze(&common::page_texts(&built.artifacts[0].document).join(""));
    assert!(
        text.contains(&common::squeeze(&measures.rows[0].measure.0[0])),
        "the drafted measure is not printed"
    );

    // Edited, a row is no longer a draft (a note asks to remove the marker).
    let mut edited: Value = serde_json::from_str(&file.text).unwrap();
    edited["measures"]["rows"][1]["measure"] =
        Value::from("มาตรการป้องกันการทุจริตของเทศบาลตำบลหนองแวง");
    let loaded = common::load_text(&serde_json::to_string(&edited).unwrap(), "edited.json");
    let drafts: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("ยังเป็นร่างจากคลังมาตรการ"))
        .collect();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.to_string().contains("แก้ไขแล้วหลังจากร่าง"))
    );
}

#[test]
fn init_from_the_command_line_refuses_to_overwrite_and_names_ambiguous_agencies() {
    let scratch = Scratch::new("init-cli");
    indicator_sheet(scratch.path());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ita-report"))
            .current_dir(scratch.path())
            .args(args)
            .output()
            .unwrap()
    };
    let args = [
        "init",
        "--agency",
        "เทศบาลตำบลทุ่งทอง",
        "--year",
        "2568",
        "--scores",
        "scores.csv",
        "--layout",
        "by_tool",
    ];
    let first = run(&args);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path().join("2568-เทศบาลตำบลทุ่งทอง.json")).unwrap(),
    )
    .unwrap();
    // Nothing below the target: a plan still covers every indicator.
    assert_eq!(written["measures"]["rows"].as_array().unwrap().len(), 10);
    assert_eq!(written["measures"]["layout"], "by_tool");
    assert!(
        written["measures"]["rows"][0]["monitoring"].is_string()
            || written["measures"]["rows"][0]["monitoring"].is_array()
    );
    let again = run(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("มีแฟ้มชื่อนี้อยู่แล้ว"));
    let missing = run(&[
        "init",
        "--agency",
        "เทศบาลตำบลไม่มี",
        "--year",
        "2568",
        "--scores",
        "scores.csv",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("ไม่มีหน่วยงานชื่อ \"เทศบาลตำบลไม่มี\""));
    // The kind given is the package's, where the name does not say it.
    let kind = run(&[
        "init",
        "--agency",
        "สถาบันทดสอบการประเมิน",
        "--year",
        "2568",
        "--kind",
        "public_organisation",
    ]);
    assert!(
        kind.status.success(),
        "{}",
        String::from_utf8_lossy(&kind.stderr)
    );
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path().join("2568-สถาบันทดสอบการประเมิน.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["agency"]["kind"], "public_organisation");
    let unknown = run(&[
        "init", "--agency", "ก", "--year", "2568", "--kind", "temple",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("police_station"));
}

#[test]
fn every_drafted_row_names_its_source_and_no_other_agency() {
    let catalogue = catalogue();
    for number in 1..=10 {
        for layout in [MeasuresLayout::ByIndicator, MeasuresLayout::ByTool] {
            let to = ita_report::catalogue::For {
                agency: "องค์การบริหารส่วนตำบลตัวอย่าง",
                kind: Some(ita_report::model::AgencyKind::Sao),
                year: 2570,
                numerals: ita_report::model::Numerals::Thai,
            };
            let row = catalogue
                .draft(number, layout, to)
                .expect("every indicator has measures");
            let mut row = row;
            let draft = row.draft.take().unwrap();
            assert!(catalogue.sources.values().any(|s| *s == draft.from));
            let text = serde_json::to_string(&row).unwrap();
            for other in [
                "สำนักงานศึกษาธิการจังหวัดร้อยเอ็ด",
                "เทศบาลเมืองร้อยเอ็ด",
                "{หน่วยงาน}",
                "roietpeo",
                "{ปี}",
            ] {
                assert!(
                    !text.contains(other),
                    "indicator {number}: drafted text names {other}"
                );
            }
            // The only year a drafted row names is the year of its measures.
            let years: Vec<String> = ita_report::thai::arabic_digits(&text)
                .match_indices("25")
                .map(|(at, _)| text_year(&ita_report::thai::arabic_digits(&text), at))
                .filter(|y| !y.is_empty())
                .collect();
            assert!(
                years.iter().all(|y| y == "2570"),
                "indicator {number}: drafted years {years:?}"
            );
            assert_eq!(row.content_digest(), draft.digest);
        }
    }
}

/// The four-digit number starting at `at`, or nothing when `at` starts no such number.
fn text_year(text: &str, at: usize) -> String {
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let before = text[..at]
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_digit());
    if digits.len() == 4 && !before {
        digits
    } else {
        String::new()
    }
}

mod schema {
    //! The package schema against every sample and every invalid fixture, with a validator
    //! of the JSON Schema keywords the generated schema uses (an unknown keyword fails the
    //! test, so nothing in the schema goes unchecked).

    use super::*;

    struct Validator<'a> {
        root: &'a Value,
        errors: Vec<String>,
    }

    impl Validator<'_> {
        fn check(&mut self, schema: &Value, value: &Value, path: &str) {
            let Value::Object(keywords) = schema else {
                return;
            };
            if let Some(reference) = keywords.get("$ref").and_then(Value::as_str) {
                let name = reference
                    .strip_prefix("#/definitions/")
                    .expect("local references only");
                let target = &self.root["definitions"][name];
                assert!(!target.is_null(), "no definition {name}");
                self.check(target, value, path);
            }
            for (keyword, argument) in keywords {
                self.keyword(keyword, argument, keywords, value, path);
            }
        }

        fn keyword(
            &mut self,
            keyword: &str,
            argument: &Value,
            keywords: &serde_json::Map<String, Value>,
            value: &Value,
            path: &str,
        ) {
            match keyword {
                "$ref" | "$schema" | "title" | "description" | "definitions" | "default"
                | "format" => {}
                "type" => {
                    let types: Vec<&str> = match argument {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("type {argument}"),
                    };
                    if !types.iter().any(|t| is_type(value, t)) {
                        self.errors.push(path.to_owned());
                    }
                }
                "properties" => {
                    let (Some(object), Some(properties)) =
                        (value.as_object(), argument.as_object())
                    else {
                        return;
                    };
                    for (name, schema) in properties {
                        if let Some(v) = object.get(name) {
                            self.check(schema, v, &join(path, name));
                        }
                    }
                }
                "required" => {
                    let Some(object) = value.as_object() else {
                        return;
                    };
                    for name in argument
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(Value::as_str)
                    {
                        if !object.contains_key(name) {
                            self.errors.push(join(path, name));
                        }
                    }
                }
                "additionalProperties" => {
                    let Some(object) = value.as_object() else {
                        return;
                    };
                    let known = keywords.get("properties").and_then(Value::as_object);
                    for (name, v) in object
                        .iter()
                        .filter(|(n, _)| !known.is_some_and(|k| k.contains_key(*n)))
                    {
                        match argument {
                            Value::Bool(false) => self.errors.push(join(path, name)),
                            Value::Bool(true) => {}
                            schema => self.check(schema, v, &join(path, name)),
                        }
                    }
                }
                "items" => {
                    let Some(items) = value.as_array() else {
                        return;
                    };
                    for (i, item) in items.iter().enumerate() {
                        self.check(argument, item, &format!("{path}[{i}]"));
                    }
                }
                "enum" => {
                    if !argument.as_array().unwrap().contains(value) {
                        self.errors.push(path.to_owned());
                    }
                }
                "minimum" | "maximum" => {
                    let (Some(v), Some(bound)) = (value.as_f64(), argument.as_f64()) else {
                        return;
                    };
                    if (keyword == "minimum" && v < bound) || (keyword == "maximum" && v > bound) {
                        self.errors.push(path.to_owned());
                    }
                }
                "anyOf" | "oneOf" | "allOf" => {
                    let outcomes: Vec<Vec<String>> = argument
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|schema| {
                            let mut inner = Validator {
                                root: self.root,
                                errors: Vec::new(),
                            };
                            inner.check(schema, value, path);
                            inner.errors
                        })
                        .collect();
                    let passing = outcomes.iter().filter(|e| e.is_empty()).count();
                    let ok = match keyword {
                        "anyOf" => passing > 0,
                        "oneOf" => passing == 1,
                        _ => passing == outcomes.len(),
                    };
                    if !ok {
                        // A branch that failed only at this value's own type (a null alternative)
                        // says less than one that got inside it.
                        let inside: Vec<String> = outcomes
                            .iter()
                            .filter(|e| e.iter().any(|p| p != path))
                            .flatten()
                            .cloned()
                            .collect();
                        self.errors.extend(if inside.is_empty() {
                            vec![path.to_owned()]
                        } else {
                            inside
                        });
                    }
                }
                other => panic!("the test's validator does not know the keyword `{other}`"),
            }
        }
    }

    fn is_type(value: &Value, t: &str) -> bool {
        match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            "number" => value.is_number(),
            "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            other => panic!("type {other}"),
        }
    }

    fn join(path: &str, name: &str) -> String {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    }

    fn validate(schema: &Value, value: &Value) -> Vec<String> {
        let mut validator = Validator {
            root: schema,
            errors: Vec::new(),
        };
        validator.check(schema, value, "");
        validator.errors
    }

    #[test]
    fn samples_pass_and_each_invalid_fixture_fails_on_a_field_its_message_names() {
        let schema = ita_report::schema::package();
        assert_eq!(schema["type"], "object");
        assert!(
            schema["properties"]["measures"]["description"]
                .as_str()
                .unwrap()
                .starts_with("มาตรการ")
        );
        for sample in common::samples() {
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();
            assert_eq!(
                validate(&schema, &value),
                Vec::<String>::new(),
                "{}",
                sample.display()
            );
        }
        let dir = common::root().join("tests/fixtures/invalid");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                continue;
            }; // syntax errors: no JSON to validate
            let errors = validate(&schema, &value);
            let message = ita_report::load::load_str(&text, "fixture.json", common::frameworks())
                .expect_err("fixture must be invalid")
                .to_string();
            assert!(!errors.is_empty(), "{} passes the schema", path.display());
            // Every schema error is at a path the program's message names.
            for error in &errors {
                assert!(
                    message.contains(&format!("`{error}`")),
                    "{}: the schema fails `{error}`, which the message does not name:\n{message}",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 7);
    }
}

#[test]
fn a_catalogue_in_the_templates_folder_replaces_the_embedded_one() {
    let scratch = Scratch::new("catalogue");
    let own = r#"{"sources": {"p": "แผนของจังหวัด"}, "indicators": [{"number": 9, "name": "การเปิดเผยข้อมูล", "measures": [{"source": "p", "layout": "by_tool", "measure": "มาตรการของ {หน่วยงาน}"}]}]}"#;
    std::fs::write(scratch.path().join("catalogue.json"), own).unwrap();
    let catalogue = Catalogue::load(Some(scratch.path())).unwrap();
    let to = ita_report::catalogue::For {
        agency: "เทศบาลตำบลก",
        kind: None,
        year: 2569,
        numerals: ita_report::model::Numerals::Thai,
    };
    let row = catalogue.draft(9, MeasuresLayout::ByIndicator, to).unwrap();
    assert_eq!(row.measure.0, ["มาตรการของ เทศบาลตำบลก"]);
    assert_eq!(row.draft.unwrap().from, "แผนของจังหวัด");
    assert!(
        catalogue
            .draft(1, MeasuresLayout::ByIndicator, to)
            .is_none(),
        "nothing for indicator 1 in this catalogue"
    );
    // A catalogue naming a source it does not list is refused.
    std::fs::write(
        scratch.path().join("catalogue.json"),
        own.replace(r#""source": "p""#, r#""source": "q""#),
    )
    .unwrap();
    let refused = Catalogue::load(Some(scratch.path()))
        .unwrap_err()
        .to_string();
    // In Thai, as every message a clerk reads (it was English).
    assert!(refused.contains("อ้างแหล่งที่มา `q`"), "{refused}");
}

/// A results CSV of `n` agencies (scores repeating, as real ones do).
fn results_csv(n: usize) -> Vec<u8> {
    let mut csv = String::from("ผลการประเมิน ITA จังหวัดร้อยเอ็ด\nลำดับ,ชื่อหน่วยงาน,อำเภอ,คะแนนรวม\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{},เทศบาลตำบลที่ {i},อำเภอ{},{}.{:02}\n",
            i + 1,
            i % 20,
            50 + i % 50,
            i % 100
        ));
    }
    csv.into_bytes()
}

/// Issue 30: 10k rows took 0.7 s, 40k 7.8 s, 160k 122 s (ranking counted, per agency, the
/// agencies above it). Four times the rows must take well under eight times as long; the
/// quadratic import took sixteen. The fastest of three runs of each size is compared, the
/// sizes interleaved, so that a busy machine slows both alike.
#[test]
fn import_time_grows_linearly_with_the_rows() {
    let catalogue = catalogue();
    let mut options = options(false);
    options.year = 2567;
    let time = |n: usize| {
        let sheets = import::sheet::parse(results_csv(n), "r.csv").expect("read");
        let started = std::time::Instant::now();
        let imported =
            import::import_sheets(&sheets, "r.csv", &options, common::frameworks(), &catalogue)
                .unwrap_or_else(|f| panic!("{f}"));
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(imported.files.len(), 1);
        elapsed
    };
    let (mut small, mut large) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        small = small.min(time(10_000));
        large = large.min(time(40_000));
    }
    assert!(
        large < 8.0 * small,
        "10,000 rows: {small:.3} s; 40,000 rows: {large:.3} s ({:.1} times)",
        large / small
    );
}

/// The province package of a sheet too long for one package (which `build` reads up to
/// 8 MB) is refused, and nothing is written.
#[test]
fn a_sheet_too_long_for_one_package_is_refused_naming_the_limit() {
    let scratch = Scratch::new("import-long");
    let path = scratch.path().join("r.csv");
    std::fs::write(&path, results_csv(60_000)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(scratch.path())
        .args(["import", "r.csv", "--year", "2567", "-o", "out"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("MB เกินขีดจำกัด 8.0 MB ของแฟ้มข้อมูล"), "{err}");
    assert!(!scratch.path().join("out").exists());
}

/// A drafted row names no unit of another kind of agency: a province, a police station or a
/// public organisation gets no municipality's กอง and no provincial office's กลุ่มงาน (the
/// responsible unit is left for the clerk), and its numbers are in the package's digits
/// ("๑." in a Thai-digit plan, never "1.").
#[test]
fn drafted_rows_name_no_unit_of_another_kind_and_write_the_package_digits() {
    use ita_report::catalogue::For;
    use ita_report::model::{AgencyKind, Numerals};
    let catalogue = catalogue();
    for kind in AgencyKind::ALL {
        for number in 1..=10 {
            for layout in [MeasuresLayout::ByIndicator, MeasuresLayout::ByTool] {
                let to = For {
                    agency: "หน่วยงานตัวอย่าง",
                    kind: Some(kind),
                    year: 2570,
                    numerals: Numerals::Thai,
                };
                let row = catalogue.draft(number, layout, to).unwrap();
                let text = serde_json::to_string(&row.responsible).unwrap();
                let own = matches!(kind, AgencyKind::Municipality | AgencyKind::ProvincialUnit);
                if !own {
                    assert!(
                        row.responsible.is_empty(),
                        "{kind:?}, indicator {number}: {text}"
                    );
                }
                let all = serde_json::to_string(&(
                    &row.measure,
                    &row.finding,
                    &row.steps,
                    &row.monitoring,
                    &row.timeframe,
                    &row.responsible,
                ))
                .unwrap();
                assert!(
                    !all.chars().any(|c| c.is_ascii_digit()),
                    "{kind:?}, indicator {number}: Arabic digits in {all}"
                );
                // Nor in the other columns: a provincial office's กลุ่มงาน (กลุ่มนโยบายและแผน,
                // กลุ่มอำนวยการ, …) or a municipality's สำนักงาน are the plan's own words; the
                // drafts of other kinds say ส่วนงาน, หน่วยงาน.
                let units = ["กลุ่มงาน", "กลุ่มนโยบาย", "กลุ่มอำนวยการ", "กลุ่มบริหาร"];
                if kind != AgencyKind::ProvincialUnit {
                    let named = units.iter().find(|u| all.contains(*u));
                    assert_eq!(named, None, "{kind:?}, {number}: {all}");
                }
                if kind != AgencyKind::Municipality {
                    assert!(!all.contains("ของสำนักงานและ"), "{kind:?}, {number}: {all}");
                }
                assert!(!all.contains('{') && !all.contains('|'), "{all}");
            }
        }
    }
    // The plan's own agency keeps its plan's words.
    let to = For {
        agency: "สำนักงานตัวอย่างจังหวัดร้อยเอ็ด",
        kind: Some(AgencyKind::ProvincialUnit),
        year: 2570,
        numerals: Numerals::Thai,
    };
    let row = catalogue.draft(2, MeasuresLayout::ByTool, to).unwrap();
    let monitoring = row.monitoring.0.join(" ");
    assert!(
        monitoring.contains("กลุ่มนโยบายและแผนสำนักงานตัวอย่างจังหวัดร้อยเอ็ด")
            && monitoring.contains("ของทุกกลุ่มงานใน"),
        "{monitoring}"
    );
    let to = For {
        agency: "สถานีตำรวจภูธรตัวอย่าง",
        kind: Some(AgencyKind::PoliceStation),
        ..to
    };
    let row = catalogue.draft(2, MeasuresLayout::ByTool, to).unwrap();
    let monitoring = row.monitoring.0.join(" ");
    assert!(
        monitoring.contains("ผู้รับผิดชอบงานแผนและงบประมาณของสถานีตำรวจภูธรตัวอย่าง")
            && monitoring.contains("ของทุกส่วนงานใน"),
        "{monitoring}"
    );
    // A municipality keeps the municipality plan's units; its Arabic-digit package gets
    // Arabic digits.
    let to = For {
        agency: "เทศบาลตำบลตัวอย่าง",
        kind: Some(AgencyKind::Municipality),
        year: 2570,
        numerals: Numerals::Arabic,
    };
    let row = catalogue.draft(3, MeasuresLayout::ByIndicator, to).unwrap();
    assert!(!row.responsible.is_empty());
    let all = serde_json::to_string(&row).unwrap();
    assert!(!all.chars().any(|c| ('๐'..='๙').contains(&c)), "{all}");
}

/// The name column under the headings agencies' and regions' sheets use, and the weight and
/// weighted-score columns read as neither a score nor a tool.
#[test]
fn name_columns_of_every_kind_of_sheet_and_weights_are_recognised() {
    let framework = common::frameworks().get(2566).unwrap().clone();
    for heading in [
        "หน่วยงาน",
        "ชื่อหน่วยงาน",
        "จังหวัด",
        "ชื่อ อปท.",
        "ส่วนราชการ",
        "หน่วยรับการประเมิน",
    ] {
        let csv = format!(
            "ลำดับ,{heading},คะแนน IIT,น้ำหนัก IIT,คะแนนถ่วงน้ำหนัก IIT,EIT,OIT,คะแนนรวม\n\
             1,ร้อยเอ็ด,90.00,30,27.00,91.00,92.00,91.10\n"
        );
        let scratch = Scratch::new("import-headings");
        let path = scratch.path().join("results.csv");
        std::fs::write(&path, csv).unwrap();
        let results = import::read_results(&path, "results.csv", &framework)
            .unwrap_or_else(|f| panic!("{heading}: {f}"));
        let row = &results.agencies[0];
        // A regional table's row is the province, named as the agency is.
        let name = if heading == "จังหวัด" {
            "จังหวัดร้อยเอ็ด"
        } else {
            "ร้อยเอ็ด"
        };
        assert_eq!(row.name, name, "{heading}");
        assert_eq!(
            row.total,
            Some(ita_report::model::Score(91.10)),
            "{heading}"
        );
        assert_eq!(
            row.tools.get(&ita_report::model::Tool::Iit),
            Some(&ita_report::model::Score(90.0)),
            "{heading}"
        );
    }
    // Beside a name column, "จังหวัด" is the agency's province, not its name.
    let csv = "ชื่อหน่วยงาน,จังหวัด,คะแนนรวม\nเทศบาลตำบลหนึ่ง,ร้อยเอ็ด,88.00\n";
    let scratch = Scratch::new("import-headings-both");
    let path = scratch.path().join("results.csv");
    std::fs::write(&path, csv).unwrap();
    let results = import::read_results(&path, "results.csv", &framework).unwrap();
    assert_eq!(results.agencies[0].name, "เทศบาลตำบลหนึ่ง");
    // The body an agency belongs to, beside its name, is not a second name column (it was:
    // "B1 and C1 both hold the agency's name").
    for parent in ["หน่วยงานต้นสังกัด", "สังกัด", "กระทรวง"]
    {
        let csv = format!(
            "ลำดับที่,ชื่อหน่วยงาน,{parent},คะแนน ITA\n\
             4,สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (องค์การมหาชน),กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม,94.75\n"
        );
        std::fs::write(&path, csv).unwrap();
        let results = import::read_results(&path, "results.csv", &framework)
            .unwrap_or_else(|f| panic!("{parent}: {f}"));
        assert_eq!(
            results.agencies[0].name, "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (องค์การมหาชน)",
            "{parent}"
        );
        assert!(results.ignored.contains(&parent.to_owned()), "{parent}");
    }
}

/// A results sheet whose total is blank where the year's framework forms it (2564:
/// 0.3·IIT + 0.3·EIT + 0.4·OIT, each tool the mean of its indicators) imports with the formed
/// total in the province's list; the agency's package keeps the total out, for the report to
/// form and note. Where the year cannot form it (2566: OIT is the share of its items) the blank
/// cell is an error at its address, and a sheet with no total column is refused in Thai at
/// the row (it was an English "the sheet gives no total score").
#[test]
fn a_blank_total_is_formed_where_the_year_allows_and_refused_at_its_cell_where_not() {
    let header = "ลำดับ,หน่วยงาน,ตัวชี้วัดที่ 1,ตัวชี้วัดที่ 2,ตัวชี้วัดที่ 3,ตัวชี้วัดที่ 4,ตัวชี้วัดที่ 5,\
                  ตัวชี้วัดที่ 6,ตัวชี้วัดที่ 7,ตัวชี้วัดที่ 8,ตัวชี้วัดที่ 9,ตัวชี้วัดที่ 10";
    let rows = "1,สถานีตำรวจภูธรพังโคน,90,91,92,93,94,88,87,86,95,100";
    let scratch = Scratch::new("import-blank-total");
    let path = scratch.path().join("results.csv");
    let import = |year: i32, csv: &str| {
        std::fs::write(&path, csv).unwrap();
        let options = ImportOptions {
            year,
            per_agency: true,
            layout: MeasuresLayout::ByIndicator,
            name: Some("ตำรวจภูธรจังหวัดสกลนคร".to_owned()),
        };
        import::import(
            &path,
            "results.csv",
            &options,
            common::frameworks(),
            &catalogue(),
        )
    };
    let with_blank = format!("{header},คะแนนรวม\n{rows},\n");
    let imported = import(2564, &with_blank).unwrap_or_else(|f| panic!("{f}"));
    let province: Value = serde_json::from_str(&imported.files[0].text).unwrap();
    // IIT 92.00, EIT 87.00, OIT 97.50: 27.60 + 26.10 + 39.00.
    assert_eq!(province["province"]["agencies"][0]["score"], 92.7);
    let agency: Value = serde_json::from_str(&imported.files[1].text).unwrap();
    assert!(
        agency["scores"]["total"].is_null(),
        "{}",
        imported.files[1].text
    );
    assert_eq!(agency["agency"]["kind"], "police_station");

    let refused = import(2566, &with_blank).unwrap_err().to_string();
    assert!(
        refused.contains("results.csv!M2") && refused.contains("2566"),
        "{refused}"
    );
    let no_column = format!("{header}\n{rows}\n");
    assert!(import(2564, &no_column).is_ok());
    let refused = import(2566, &no_column).unwrap_err();
    let message = &refused.0[0].message;
    assert!(
        message
            .get(ita_report::diagnostic::Lang::Thai)
            .contains("ไม่มีคะแนนรวมของ สถานีตำรวจภูธรพังโคน")
            && message.english.contains("B2"),
        "{refused}"
    );
}

/// What a clerk reads from `import` and `init` with a regional table and a public
/// organisations' sheet is Thai (the columns not read, an agency not found were English),
/// an agency asked without its "(องค์การมหาชน)" is pointed to the name the sheet writes, and
/// a province asked by its bare name in a regional table is "จังหวัด…" of kind province.
#[test]
fn import_and_init_speak_thai_and_find_provinces_and_near_names() {
    let scratch = Scratch::new("import-regional-cli");
    std::fs::write(
        scratch.path().join("regional.csv"),
        "ลำดับ,จังหวัด,IIT,EIT,OIT,คะแนนรวม,ลำดับในภาค\n\
         1,ร้อยเอ็ด,97.67,95.78,100,98.67,1\n\
         2,สกลนคร,92.00,90.90,72.60,83.91,2\n",
    )
    .unwrap();
    std::fs::write(
        scratch.path().join("po.csv"),
        "ลำดับที่,ชื่อหน่วยงาน,คะแนน ITA\n\
         4,สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (องค์การมหาชน),94.75\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ita-report"))
            .current_dir(scratch.path())
            .env_remove("ITA_REPORT_LANG")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said) = run(&[
        "import",
        "regional.csv",
        "--year",
        "2566",
        "--agency",
        "ภาคตะวันออกเฉียงเหนือ",
        "--per-agency",
        "-o",
        "out",
    ]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("คอลัมน์ที่ไม่ได้อ่าน: ลำดับ, ลำดับในภาค"), "{said}");
    assert!(!said.contains("columns not read"), "{said}");
    let province: Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path().join("out/2566-จังหวัดร้อยเอ็ด.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(province["agency"]["name"], "จังหวัดร้อยเอ็ด");
    assert_eq!(province["agency"]["kind"], "province");

    let (code, said) = run(&[
        "init",
        "--agency",
        "สกลนคร",
        "--year",
        "2566",
        "--scores",
        "regional.csv",
    ]);
    assert_eq!(code, Some(0), "{said}");
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.path().join("2566-จังหวัดสกลนคร.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["agency"]["kind"], "province");
    assert_eq!(written["scores"]["total"], 83.91);

    let (code, said) = run(&[
        "init",
        "--agency",
        "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์",
        "--year",
        "2567",
        "--scores",
        "po.csv",
    ]);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("ไม่มีหน่วยงานชื่อ")
            && said.contains("\"สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (องค์การมหาชน)\" (po.csv!B2)"),
        "{said}"
    );
    assert!(!said.contains("has no agency"), "{said}");
}

/// The kind a name says plainly is taken without `--kind`; a public organisation says it
/// after its name, and a name that leaves the kind open gets none rather than a guess.
#[test]
fn an_agency_kind_is_read_from_what_its_name_says() {
    use ita_report::model::AgencyKind;
    let cases = [
        (
            "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์ (องค์การมหาชน)",
            Some(AgencyKind::PublicOrganisation),
        ),
        (
            "สำนักงานสาธารณสุขจังหวัดร้อยเอ็ด",
            Some(AgencyKind::ProvincialUnit),
        ),
        ("สถานีตำรวจภูธรเมืองร้อยเอ็ด", Some(AgencyKind::PoliceStation)),
        ("องค์การบริหารส่วนตำบลหนองแวง", Some(AgencyKind::Sao)),
        ("จังหวัดร้อยเอ็ด", Some(AgencyKind::Province)),
        // สถาบัน… is a university, a public organisation or another body: left to the clerk.
        ("สถาบันส่งเสริมการสอนวิทยาศาสตร์และเทคโนโลยี", None),
    ];
    for (name, kind) in cases {
        assert_eq!(AgencyKind::guess(name), kind, "{name}");
    }
}
