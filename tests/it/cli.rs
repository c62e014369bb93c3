//! The command line: exit codes, a batch with one bad file, no output for a bad package.

use std::path::Path;
use std::process::Command;

use crate::common::{Scratch, root};

fn ita_report(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(name)
}

#[test]
fn batch_with_one_bad_file_builds_the_others_and_fails() {
    let dir = scratch("batch");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        root().join("inputs/2568-roiet-municipality.json"),
        inputs.join("good.json"),
    )
    .unwrap();
    let bad = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json"))
        .unwrap()
        .replacen("\"score\": 95.55", "\"score\": 105", 1)
        .replacen("\"numerals\"", "\"numeral\"", 1);
    assert!(bad.contains("105"));
    std::fs::write(inputs.join("bad.json"), bad).unwrap();

    // A terminal-like environment, but stderr goes to a pipe: no colour codes in the log.
    let out = Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir.path())
        .args(["build", "in", "-o", "pdf"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in redirected output: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(dir.path().join("pdf/good.pdf").is_file(), "{stderr}");
    assert!(!dir.path().join("pdf/bad.pdf").exists());
    assert!(stderr.contains("ไม่สำเร็จ 1 แฟ้ม: in/bad.json"), "{stderr}");
    // No temporary files are left behind.
    // (Beside the record of what was built and the warnings found, for the next incremental run.)
    let names: Vec<_> = std::fs::read_dir(dir.path().join("pdf"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".ita-report-state.json" && n != ".ita-report-warnings")
        .collect();
    assert_eq!(names, ["good.pdf"]);

    let check = ita_report(dir.path(), &["check", "in/bad.json"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1));
    // The data's messages in Thai by default.
    assert!(stderr.contains("ไม่รู้จักช่อง `numeral`"), "{stderr}");
    assert!(stderr.contains("หมายถึง `numerals` หรือไม่"), "{stderr}");
    assert!(stderr.contains("คะแนน 105 อยู่นอกช่วง 0–100"), "{stderr}");
    assert!(stderr.contains("in/bad.json:"), "{stderr}");
    assert!(stderr.contains("scores.indicators[0].score"), "{stderr}");
}

#[test]
fn good_inputs_exit_zero_and_write_pdfs_and_typst() {
    let dir = scratch("good");
    let input = root().join("inputs/2567-roiet-education-office.json");
    let out = ita_report(
        dir.path(),
        &[
            "build",
            input.to_str().unwrap(),
            "-o",
            "o",
            "--split",
            "--emit-typst",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for doc in ["memo", "report", "measures"] {
        let pdf = std::fs::read(
            dir.path()
                .join(format!("o/2567-roiet-education-office-{doc}.pdf")),
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            dir.path()
                .join(format!("o/2567-roiet-education-office-{doc}.typ"))
                .is_file()
        );
    }
    let check = ita_report(dir.path(), &["check", input.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn same_input_twice_gives_identical_files() {
    let dir = scratch("twice");
    let input = root().join("inputs/2568-roiet-municipality.json");
    for out in ["a", "b"] {
        let run = ita_report(dir.path(), &["build", input.to_str().unwrap(), "-o", out]);
        assert_eq!(run.status.code(), Some(0));
    }
    let a = std::fs::read(dir.path().join("a/2568-roiet-municipality.pdf")).unwrap();
    let b = std::fs::read(dir.path().join("b/2568-roiet-municipality.pdf")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn setup_errors_exit_two() {
    let dir = scratch("setup");
    let out = ita_report(dir.path(), &["build", "missing-folder"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ita_report(dir.path(), &["build", "--font-dir", "no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-dir"));
}

#[test]
fn unknown_font_is_an_error() {
    let dir = scratch("font");
    let input = root().join("inputs/2568-roiet-municipality.json");
    let out = ita_report(
        dir.path(),
        &["build", input.to_str().unwrap(), "--font", "Comic Sans"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("unknown font family `Comic Sans`"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn template_override_is_used_and_template_errors_name_the_line() {
    let dir = scratch("tpl");
    let templates = dir.path().join("tpl");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("measures.typ"),
        "= Override\n{{ package.agency.nmae }}\n",
    )
    .unwrap();
    let input = root().join("inputs/2568-roiet-municipality.json");
    let out = ita_report(
        dir.path(),
        &["build", input.to_str().unwrap(), "--templates", "tpl"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("tpl/measures.typ:2:"), "{stderr}");
    assert!(!dir.path().join("out/2568-roiet-municipality.pdf").exists());
}

#[test]
fn deny_warnings_turns_contradictions_into_failures() {
    let dir = scratch("deny");
    let input = root().join("inputs/2568-roiet-municipality.json");
    let input = input.to_str().unwrap();

    let check = ita_report(dir.path(), &["check", input]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("ข้อความระบุว่าตัวชี้วัดที่ 7 ได้ 99.74 แต่ข้อมูลให้ 99.64"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ตำแหน่งใน JSON `scores.indicators[6].analysis`"),
        "{stderr}"
    );
    // The same in English with --lang en (or ITA_REPORT_LANG=en).
    let check = ita_report(dir.path(), &["check", "--lang", "en", input]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("the text quotes 99.74 for indicator 7, but the data gives 99.64"),
        "{stderr}"
    );
    assert!(!stderr.contains("ข้อความระบุว่า"), "{stderr}");
    assert!(stderr.contains("scores.indicators[6].analysis"), "{stderr}");
    assert!(
        stderr.contains("not known for certain"),
        "the undecided level is said, not guessed: {stderr}"
    );

    let denied = ita_report(dir.path(), &["check", "--deny-warnings", input]);
    assert_eq!(denied.status.code(), Some(1));
    let build = ita_report(dir.path(), &["build", "--deny-warnings", input, "-o", "o"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(
        !dir.path().join("o/2568-roiet-municipality.pdf").exists(),
        "nothing is built from denied data"
    );

    // A package without contradictions passes either way.
    let clean = root().join("tests/fixtures/analysis/two-years-no-text.json");
    let ok = ita_report(
        dir.path(),
        &["check", "--deny-warnings", clean.to_str().unwrap()],
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn a_framework_file_on_disk_replaces_the_embedded_year() {
    let dir = scratch("framework");
    let frameworks = dir.path().join("tpl/frameworks");
    std::fs::create_dir_all(&frameworks).unwrap();
    // The 2568 rule declared certain: the stated level is then checked against it.
    let text = std::fs::read_to_string(root().join("report-templates/frameworks/2568.json"))
        .unwrap()
        .replace("\"certain\": false", "\"certain\": true");
    std::fs::write(frameworks.join("2568.json"), text).unwrap();
    let input = root().join("inputs/2568-roiet-municipality.json");
    let check = ita_report(
        dir.path(),
        &["check", "--templates", "tpl", input.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("ไม่ได้ถ้าไม่มีคะแนนทุกเครื่องมือ"), "{stderr}");

    std::fs::write(frameworks.join("2570.json"), "{ \"fiscal_year\": 2570, }").unwrap();
    let bad = ita_report(
        dir.path(),
        &["check", "--templates", "tpl", input.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tpl/frameworks/2570.json:1:"), "{stderr}");
}
