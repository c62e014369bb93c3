//! The build record of an archival PDF names the font files its pages are set in, by file
//! name and SHA-256: the family's own files, a fallback font's file when a character needs
//! one, never a folder of the machine; and `verify` names a font file that is not the one
//! the PDF was built with.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::common::{Scratch, root};
use crate::signing::{ita_report, stderr};

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `(file, sha256)` of a font file of the repository.
fn font(folder: &str, file: &str) -> (String, String) {
    let bytes = std::fs::read(root().join("fonts").join(folder).join(file)).unwrap();
    (file.to_owned(), sha256(&bytes))
}

/// The announcement sample, its preamble given `extra`, written into `dir`.
fn announcement(dir: &Path, extra: &str) {
    let path = root().join("inputs/2566-roiet-announcement.json");
    let mut package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let preamble = &mut package["announcement"]["preamble"];
    *preamble = format!("{}{extra}", preamble.as_str().unwrap()).into();
    let text = serde_json::to_vec_pretty(&package).unwrap();
    std::fs::write(dir.join("announcement.json"), text).unwrap();
}

fn build(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let mut args = vec![
        "build",
        "announcement.json",
        "-o",
        "out",
        "--archive",
        "--quiet",
    ];
    args.extend(extra);
    let run = ita_report(dir, &args, None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    std::fs::read(dir.join("out/announcement.pdf")).unwrap()
}

/// The facts attached to an archival PDF, as text, and the `(file, sha256)` its record names.
fn recorded(pdf: &[u8]) -> (String, Vec<(String, String)>) {
    let attached = ita_report::archive::attachments(pdf).unwrap();
    let (_, facts) = attached
        .iter()
        .find(|(name, _)| name.ends_with(".facts.json"))
        .expect("the facts are attached");
    let facts = String::from_utf8(facts.clone()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&facts).unwrap();
    let files = value["build"]["font_files"]
        .as_array()
        .expect("the record names the font files")
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap().to_owned();
            (field("file"), field("sha256"))
        })
        .collect();
    (facts, files)
}

#[test]
fn names_the_font_files_by_content() {
    let (first, second) = (Scratch::new("record-a"), Scratch::new("record-b"));
    announcement(first.path(), "");
    announcement(second.path(), "");
    let pdf = build(first.path(), &[]);
    let (facts, files) = recorded(&pdf);
    let laksaman = vec![
        font("laksaman", "Laksaman-Bold.ttf"),
        font("laksaman", "Laksaman.ttf"),
    ];
    assert_eq!(files, laksaman);
    // The file's name only: nothing of where this machine keeps it.
    let folder = first.path().to_string_lossy().into_owned();
    assert!(!facts.contains(&folder), "{facts}");
    assert!(!facts.contains("/fonts/"), "{facts}");
    // Same input, same bytes, wherever it is built.
    assert!(build(second.path(), &[]) == pdf, "two builds differ");
}

#[test]
fn names_a_fallback_font_file() {
    // Laksaman has no arrow (U+2192); the bundled Sarabun has, and sets it.
    let dir = Scratch::new("record-fallback");
    announcement(dir.path(), " (ขั้นตอน ก → ข)");
    let (_, files) = recorded(&build(dir.path(), &[]));
    let sarabun = font("sarabun", "Sarabun_400Regular.ttf");
    assert!(files.contains(&sarabun), "{files:?}");
    assert!(
        files.contains(&font("laksaman", "Laksaman.ttf")),
        "{files:?}"
    );
    // Recorded as a build here makes it: verify rebuilds it byte for byte.
    let run = ita_report(dir.path(), &["verify", "out/announcement.pdf"], None);
    assert!(stderr(&run).contains("byte for byte"), "{}", stderr(&run));
}

/// A copy of a Laksaman file whose family is called `Testfont` (same length, so every
/// offset holds), as `Testfont.ttf` in `folder`.
fn testfont(folder: &Path, laksaman: &str) {
    let bytes = std::fs::read(root().join("fonts/laksaman").join(laksaman)).unwrap();
    let swap = |bytes: Vec<u8>, from: &[u8], to: &[u8]| -> Vec<u8> {
        let mut out = bytes;
        let mut at = 0;
        while let Some(found) = out[at..].windows(from.len()).position(|w| w == from) {
            out[at + found..at + found + from.len()].copy_from_slice(to);
            at += found + from.len();
        }
        out
    };
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>()
    };
    let bytes = swap(bytes, b"Laksaman", b"Testfont");
    let bytes = swap(bytes, &utf16("Laksaman"), &utf16("Testfont"));
    std::fs::create_dir_all(folder).unwrap();
    std::fs::write(folder.join("Testfont.ttf"), bytes).unwrap();
}

#[test]
fn verify_names_a_font_file_that_is_not_the_one_built_with() {
    let dir = Scratch::new("record-testfont");
    announcement(dir.path(), "");
    let built = dir.path().join("built");
    testfont(&built, "Laksaman.ttf");
    let fonts = built.to_string_lossy().into_owned();
    let pdf = build(dir.path(), &["--font-dir", &fonts, "--font", "Testfont"]);
    let (facts, files) = recorded(&pdf);
    let bytes = std::fs::read(built.join("Testfont.ttf")).unwrap();
    assert_eq!(files, vec![("Testfont.ttf".to_owned(), sha256(&bytes))]);
    assert!(!facts.contains(&fonts), "{facts}");
    let verify = |folder: &Path| {
        let folder = folder.to_string_lossy().into_owned();
        let args = ["verify", "out/announcement.pdf", "--font-dir", &folder];
        let run = ita_report(dir.path(), &args, None);
        stderr(&run)
    };
    assert!(
        verify(&built).contains("byte for byte"),
        "{}",
        verify(&built)
    );
    // Another file of the same name and family (drawn bold): the rebuild differs, and the
    // line says which file is not the one the PDF was made with.
    let other = dir.path().join("other");
    testfont(&other, "Laksaman-Bold.ttf");
    let out = verify(&other);
    assert!(out.contains("built differently"), "{out}");
    assert!(
        out.contains("the font file Testfont.ttf here is not the one it was built with"),
        "{out}"
    );
    assert!(out.contains(&sha256(&bytes)[..16]), "{out}");
}
