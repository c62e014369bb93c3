//! Archival builds: PDF/A-3b identification in the XMP, the package attached byte for byte
//! and read back by `extract`, the facts beside it, identical rebuilds, and the manifest.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Scratch, root, samples};

fn ita_report(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn every_sample_builds_as_pdf_a_3b_with_its_package_inside() {
    let dir = Scratch::new("archive");
    let inputs = root().join("inputs");
    for out in ["a", "b"] {
        let run = ita_report(
            dir.path(),
            &[
                "build",
                inputs.to_str().unwrap(),
                "-o",
                out,
                "--archive",
                "--quiet",
            ],
        );
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("a/manifest.json")).expect("a manifest"),
    )
    .unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), samples().len());
    for sample in samples() {
        let stem = sample.file_stem().unwrap().to_str().unwrap();
        let pdf = std::fs::read(dir.path().join(format!("a/{stem}.pdf"))).unwrap();
        assert!(
            contains(&pdf, "<pdfaid:part>3</pdfaid:part>")
                && contains(&pdf, "<pdfaid:conformance>B</pdfaid:conformance>"),
            "{stem}: PDF/A-3b in the XMP"
        );
        assert!(contains(&pdf, "<rdf:li>th</rdf:li>"), "{stem}: language th");
        assert_eq!(
            pdf,
            std::fs::read(dir.path().join(format!("b/{stem}.pdf"))).unwrap(),
            "{stem}: two builds, the same bytes"
        );

        let out = dir.path().join(format!("x-{stem}"));
        let run = ita_report(
            dir.path(),
            &[
                "extract",
                &format!("a/{stem}.pdf"),
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let input = std::fs::read(&sample).unwrap();
        assert_eq!(
            std::fs::read(out.join(format!("{stem}.json"))).unwrap(),
            input,
            "{stem}: the package, byte for byte"
        );
        let facts: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{stem}.facts.json"))).unwrap())
                .unwrap();
        assert!(facts.get("indicators").is_some(), "{stem}: the facts");

        let entry = listed
            .iter()
            .find(|e| e["file"] == format!("{stem}.pdf"))
            .expect("listed in the manifest");
        assert_eq!(entry["sha256"], ita_report::archive::sha256(&pdf));
        assert_eq!(entry["package_sha256"], ita_report::archive::sha256(&input));
        assert!(
            entry["fiscal_year"].as_i64().is_some()
                && entry["agency"].as_str().is_some_and(|a| !a.is_empty())
        );
    }
}

#[test]
fn a_package_may_ask_for_archival_output_and_a_plain_pdf_has_no_attachment() {
    let dir = Scratch::new("archive-field");
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-announcement.json")).unwrap();
    std::fs::write(dir.path().join("plain.json"), &text).unwrap();
    std::fs::write(
        dir.path().join("kept.json"),
        text.replacen("{", "{\n  \"archive\": true,", 1),
    )
    .unwrap();
    let run = ita_report(dir.path(), &["build", "plain.json", "kept.json", "-o", "o"]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let kept = std::fs::read(dir.path().join("o/kept.pdf")).unwrap();
    assert!(contains(&kept, "<pdfaid:part>3</pdfaid:part>"));
    assert!(
        ita_report::archive::attachments(&kept)
            .unwrap()
            .iter()
            .any(|(name, _)| name == "kept.json")
    );
    let plain = std::fs::read(dir.path().join("o/plain.pdf")).unwrap();
    assert!(!contains(&plain, "pdfaid:part"));
    let run = ita_report(dir.path(), &["extract", "o/plain.pdf"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no attached files"));
    let manifest = std::fs::read_to_string(dir.path().join("o/manifest.json")).unwrap();
    assert!(manifest.contains("kept.pdf") && !manifest.contains("plain.pdf"));
}

/// `verify` and `extract` take a folder as its PDFs; a folder without one is said to be so.
#[test]
fn verify_and_extract_read_a_folder_of_pdfs() {
    let dir = Scratch::new("verify-folder");
    let json = "2566-roiet-announcement.json";
    std::fs::copy(root().join("inputs").join(json), dir.path().join(json)).unwrap();
    let run = ita_report(
        dir.path(),
        &["build", json, "-o", "out", "--archive", "--quiet"],
    );
    assert_eq!(run.status.code(), Some(0));
    let verified = ita_report(dir.path(), &["verify", "out"]);
    let said = String::from_utf8_lossy(&verified.stderr);
    assert_eq!(verified.status.code(), Some(0), "{said}");
    assert!(said.contains("2566-roiet-announcement.pdf"), "{said}");
    let extracted = ita_report(dir.path(), &["extract", "out", "-o", "back"]);
    let said = String::from_utf8_lossy(&extracted.stderr);
    assert_eq!(extracted.status.code(), Some(0), "{said}");
    assert_eq!(
        std::fs::read(dir.path().join("back").join(json)).unwrap(),
        std::fs::read(dir.path().join(json)).unwrap()
    );
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let none = ita_report(dir.path(), &["verify", "empty"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("ไม่มีแฟ้ม PDF ในโฟลเดอร์"));
}
