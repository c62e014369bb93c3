//! Hostile input and faults, as an attacker or a careless user meets the program: files from
//! outside the package folder, duplicate keys, text that cannot be set, half-written output,
//! escape sequences, sizes beyond the bounds, a build killed at random, mutated samples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ita_report::engine::BuildOptions;
use ita_report::load::load_str;

use crate::common::{Scratch, build, frameworks, lines, load_text, root, samples};

// Round two (issue 30 and the PDF reader of issue 27), one module per surface.
mod folders;
mod pdf;
mod server;
mod sheets;

fn ita_report(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(name)
}

/// A folder `pkg` with the announcement sample (a form with the emblem) as `a.json`.
fn package_folder(dir: &Path) -> PathBuf {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        pkg.join("a.json"),
    )
    .unwrap();
    pkg
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A PNG of `w` × `h` pixels as far as its header says (the pixel data is not needed to
/// refuse it).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(w.to_be_bytes());
    bytes.extend(h.to_be_bytes());
    bytes.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_package_folder_are_refused_without_showing_the_file() {
    let dir = scratch("symlink");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "SECRET-FIRST-LINE\n").unwrap();
    let pkg = package_folder(dir.path());

    // The default emblem linked to a file elsewhere.
    std::os::unix::fs::symlink(&secret, pkg.join("garuda.svg")).unwrap();
    let out = ita_report(dir.path(), &["build", "pkg", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("garuda.svg") && err.contains("อยู่นอกโฟลเดอร์ของตน"),
        "{err}"
    );
    assert!(
        !err.contains("SECRET"),
        "the file's content must not be shown: {err}"
    );
    assert!(!dir.path().join("out/a.pdf").exists());
    std::fs::remove_file(pkg.join("garuda.svg")).unwrap();

    // An SVG inside the folder whose image is a link to a file elsewhere.
    std::fs::write(dir.path().join("outside.png"), png_header(4, 4)).unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside.png"), pkg.join("inner.png")).unwrap();
    std::fs::write(
        pkg.join("garuda.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="inner.png"/></svg>"#,
    )
    .unwrap();
    let out = ita_report(dir.path(), &["build", "pkg", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("inner.png") && err.contains("lies outside its folder"),
        "{err}"
    );
    assert!(!dir.path().join("out/a.pdf").exists());
}

#[test]
fn duplicate_keys_fail_with_both_places() {
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    let text = text.replacen(
        "\"fiscal_year\": 2568,",
        "\"fiscal_year\": 2568,\n  \"fiscal_year\": 2566,",
        1,
    );
    let failure = load_str(&text, "dup.json", frameworks()).expect_err("refused");
    let message = failure.to_string();
    assert!(
        message.contains("`fiscal_year` มีสองครั้ง (ครั้งแรกที่"),
        "{message}"
    );
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (first, second) = (line("\"fiscal_year\": 2568"), line("\"fiscal_year\": 2566"));
    assert!(
        message.contains(&format!("ครั้งแรกที่ {first}:"))
            && message.contains(&format!("อีกครั้งที่ {second}:")),
        "{message}"
    );

    // At depth too, and `scores` twice points at the second copy.
    let nested = text.replacen(
        "\"total\": 93.14,",
        "\"total\": 93.14, \"total\": 90.00,",
        1,
    );
    assert!(
        load_str(&nested, "dup.json", frameworks())
            .err()
            .unwrap()
            .to_string()
            .contains("`scores.total` มีสองครั้ง")
    );
}

#[test]
fn a_bom_is_accepted_and_bad_utf8_or_a_top_level_array_is_named() {
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    assert!(load_str(&format!("\u{feff}{text}"), "bom.json", frameworks()).is_ok());

    let dir = scratch("utf8");
    let mut bytes = text.clone().into_bytes();
    let at = text.find("เทศบาล").unwrap();
    bytes[at] = 0xff;
    std::fs::write(dir.path().join("bad.json"), &bytes).unwrap();
    let out = ita_report(dir.path(), &["check", "bad.json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    let line = text[..at].matches('\n').count() + 1;
    assert!(
        err.contains(&format!("ไบต์ 0xFF ที่ตำแหน่ง {at} (บรรทัด {line})")),
        "{err}"
    );

    let failure = load_str("[1, 2, 3]", "array.json", frameworks())
        .err()
        .unwrap();
    assert_eq!(failure.0.len(), 1, "one message: {failure}");
    assert!(
        failure.0[0]
            .message
            .english
            .contains("the file holds an array, but a package is one JSON object")
    );
    assert!(
        failure
            .to_string()
            .contains("แฟ้มนี้เป็นรายการ (array) แต่แฟ้มข้อมูลต้องเป็นออบเจกต์ JSON"),
        "{failure}"
    );
}

#[test]
fn unsettable_text_is_warned_about_and_not_clipped() {
    let mut package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap(),
    )
    .unwrap();
    // Letters the sample's own documents do not print, to count them back.
    let run = "z".repeat(10_000);
    package["scores"]["summary"] = serde_json::json!([format!("ทดสอบ 😀 {run}")]);
    package["measures"]["rows"][0]["responsible"] = serde_json::json!(["q".repeat(300)]);
    package["agency"]["name"] = serde_json::json!("เทศบาลเมืองร้อยเอ็ด\u{202e}\u{7}");
    let loaded = load_text(&package.to_string(), "unsettable.json");
    let built = build(&loaded, &BuildOptions::default());
    let warnings: Vec<String> = built
        .warnings
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.json_path.clone().unwrap_or_default(),
                d.message.english
            )
        })
        .collect();
    let has = |path: &str, words: &str| {
        warnings
            .iter()
            .any(|w| w.starts_with(path) && w.contains(words))
    };
    assert!(
        has("scores.summary[0]", "no font has 😀 (U+1F600)"),
        "{warnings:#?}"
    );
    assert!(
        has("scores.summary[0]", "a run of 10000 characters"),
        "{warnings:#?}"
    );
    assert!(
        has("agency.name", "removed from the text: U+202E, U+0007"),
        "{warnings:#?}"
    );

    // Every letter is on a page, inside the page.
    let document = &built.artifacts[0].document;
    let all = lines(document);
    let count = |c: char| {
        all.iter()
            .map(|l| l.text.chars().filter(|&x| x == c).count())
            .sum::<usize>()
    };
    assert_eq!(count('z'), 10_000, "the run is printed whole");
    assert_eq!(count('q'), 300, "the long cell is printed whole");
    for line in &all {
        let width = document.pages()[line.page].frame.width().to_pt();
        assert!(
            line.x1 <= width - 20.0,
            "page {}: a line runs off the page: {}…",
            line.page + 1,
            line.text.chars().take(20).collect::<String>()
        );
    }
}

/// Characters the shaper hides (zero-width space and joiners, word joiner, byte-order mark,
/// soft hyphen, variation selectors) print no box, so they are not warned about; a
/// character no font has still is. (The list is rustybuzz's `is_default_ignorable`.)
#[test]
fn default_ignorable_characters_print_nothing_and_are_not_warned_about() {
    let hidden = [
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{FE0F}',
        '\u{E0101}',
    ];
    let missing = '\u{4E2D}';
    assert!(
        hidden
            .iter()
            .all(|&c| ita_report::settable::is_default_ignorable(c))
            && !ita_report::settable::is_default_ignorable(missing)
    );
    let mut package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap(),
    )
    .unwrap();
    let text: String = hidden.iter().map(|c| format!("คำ{c}")).collect();
    package["scores"]["summary"] = serde_json::json!([text, format!("ทดสอบ {missing}")]);
    let loaded = load_text(&package.to_string(), "ignorable.json");
    let warnings: Vec<String> =
        ita_report::settable::warnings(&loaded, crate::common::engine().fonts())
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d.json_path.clone().unwrap_or_default(),
                    d.message.english
                )
            })
            .collect();
    assert!(
        !warnings.iter().any(|w| w.starts_with("scores.summary[0]")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("scores.summary[1]") && w.contains("U+4E2D")),
        "{warnings:#?}"
    );
}

#[test]
fn split_with_a_failing_document_writes_nothing() {
    let dir = scratch("split");
    let templates = dir.path().join("t");
    std::fs::create_dir(&templates).unwrap();
    // The letter (the second document of the province sample) does not compile.
    std::fs::write(templates.join("letter.typ"), "#let broken = (\n").unwrap();
    let input = root().join("inputs/2566-roiet-province.json");
    let out = ita_report(
        dir.path(),
        &[
            "build",
            input.to_str().unwrap(),
            "-o",
            "o",
            "--split",
            "--templates",
            "t",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let pdfs: Vec<_> = std::fs::read_dir(dir.path().join("o")).map_or_else(
        |_| Vec::new(),
        |d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .collect()
        },
    );
    assert!(
        pdfs.is_empty(),
        "no PDF of a package with a failing document: {pdfs:?}"
    );
}

#[test]
fn escape_sequences_in_data_come_out_escaped() {
    let dir = scratch("escape");
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    // A raw escape sequence makes the JSON invalid; the message quotes the line.
    std::fs::write(
        dir.path().join("raw.json"),
        text.replacen("เทศบาลเมืองร้อยเอ็ด", "\u{1b}[2J\u{7}เทศบาล", 1),
    )
    .unwrap();
    // A JSON-escaped one is valid and is removed with a warning.
    std::fs::write(
        dir.path().join("escaped.json"),
        text.replacen("เทศบาลเมืองร้อยเอ็ด", "\\u001b[31mเทศบาล", 1),
    )
    .unwrap();
    for (file, words) in [("raw.json", "\\u{1b}[2J\\u{7}"), ("escaped.json", "U+001B")] {
        let out = ita_report(dir.path(), &["check", file]);
        let err = stderr(&out);
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{file}: raw control characters reach the terminal: {err:?}"
        );
        assert!(err.contains(words), "{file}: {err}");
    }
}

#[test]
fn oversized_images_and_texts_are_refused_naming_the_limit() {
    let dir = scratch("bounds");
    let pkg = package_folder(dir.path());
    std::fs::write(pkg.join("garuda.png"), png_header(30_000, 30_000)).unwrap();
    let out = ita_report(dir.path(), &["build", "pkg", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ภาพขนาด 30000 × 30000 จุด เกินขีดจำกัด 36 ล้านจุด"),
        "{err}"
    );

    // A 50 MB paragraph: the file is over the package limit and is not read.
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    let big = text.replacen(
        "\"agency\": {",
        &format!(
            "\"padding\": \"{}\", \"agency\": {{",
            "ก".repeat(17_000_000)
        ),
        1,
    );
    std::fs::write(dir.path().join("big.json"), big).unwrap();
    let out = ita_report(dir.path(), &["check", "big.json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("เกินขีดจำกัด 8.0 MB"), "{err}");

    // A paragraph under the file limit but over the text limit.
    let long = text.replacen(
        "\"summary\": \"",
        &format!("\"summary\": \"{}", "ก".repeat(30_000)),
        1,
    );
    let failure = load_str(&long, "long.json", frameworks()).expect_err("refused");
    assert!(failure.to_string().contains("ข้อความยาว 30"), "{failure}");
    assert!(failure.to_string().contains("เกินขีดจำกัด 20000"), "{failure}");
    assert!(
        failure.0[0]
            .message
            .english
            .contains("longer than the limit of 20000"),
        "{failure}"
    );
}

#[test]
fn many_errors_stop_at_a_hundred_with_a_count() {
    let mut package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("inputs/2566-roiet-province.json")).unwrap(),
    )
    .unwrap();
    let agencies = package["province"]["agencies"].as_array_mut().unwrap();
    let first = agencies[0].clone();
    agencies.clear();
    for k in 0..10_000 {
        let mut a = first.clone();
        a["name"] = serde_json::json!(format!("หน่วยงานที่ {k}"));
        a["score"] = serde_json::json!(105);
        agencies.push(a);
    }
    let failure = load_str(&package.to_string(), "many.json", frameworks()).expect_err("refused");
    assert_eq!(failure.0.len(), 101, "a hundred errors and a count");
    assert!(
        failure.0[100]
            .message
            .english
            .contains("9900 more errors not shown"),
        "{}",
        failure.0[100].message
    );
}

/// Kills a batch build at a hundred points; every PDF present is complete, and the next run
/// leaves no temporary file. (Two folders at a time, one per core.)
#[cfg(unix)]
#[test]
fn a_build_killed_at_random_leaves_only_complete_files() {
    let threads: Vec<_> = (0..2u64)
        .map(|t| std::thread::spawn(move || kill_rounds(t, 50)))
        .collect();
    for t in threads {
        t.join().expect("kill rounds pass");
    }
}

#[cfg(unix)]
fn kill_rounds(thread: u64, rounds: usize) {
    let dir = scratch("kill");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // Two packages of about half a second each: kills fall in startup, compiling and writing.
    for k in 0..2 {
        std::fs::copy(
            root().join("inputs/2568-roiet-municipality.json"),
            inputs.join(format!("p{k}.json")),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    // A fixed sequence of kill times over the whole build (startup, compile, write).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D + thread;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = std::time::Duration::from_millis(20 + seed % 1400);
        let mut child = Command::new(env!("CARGO_BIN_EXE_ita-report"))
            .current_dir(dir.path())
            .args(["build", "in", "-o", "out"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pdf") {
                let bytes = std::fs::read(&path).unwrap();
                let tail =
                    String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
                assert!(
                    bytes.starts_with(b"%PDF-") && tail.trim_end().ends_with("%%EOF"),
                    "round {round}: {} is incomplete",
                    path.display()
                );
            }
        }
    }
    let finished = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    assert_eq!(finished.status.code(), Some(0), "{}", stderr(&finished));
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files survive: {left:?}");
}

/// Random edits of every sample and invalid fixture: no panic, every error located, exit codes
/// only 0, 1 or 2.
#[test]
fn mutated_inputs_never_panic_and_every_error_is_located() {
    let mut files = samples();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    files.extend(fixtures);
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "0",
        "-1",
        "1e308",
        "105",
        "null",
        "true",
        " ",
        "ก",
        "๙",
        "\u{e48}",
        "\\u0000",
        "\\ud800",
        "#",
        "$",
        "\"numerals\": \"roman\", ",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..2400 {
        let text = &texts[round % texts.len()];
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + next(3) {
            let at = next(chars.len().max(1));
            match next(4) {
                0 => {
                    chars.remove(at.min(chars.len() - 1));
                }
                1 => {
                    let piece = pieces[next(pieces.len())];
                    for (k, c) in piece.chars().enumerate() {
                        chars.insert(at + k, c);
                    }
                }
                2 => {
                    // A digit changed: scores out of range, other years, other indicators.
                    if let Some(d) = chars[at..].iter().position(|c| c.is_ascii_digit()) {
                        chars[at + d] = char::from(b'0' + next(10) as u8);
                    }
                }
                _ => {
                    // A line duplicated: duplicate keys and array items.
                    let start = chars[..at]
                        .iter()
                        .rposition(|&c| c == '\n')
                        .map_or(0, |p| p + 1);
                    let end = chars[at..]
                        .iter()
                        .position(|&c| c == '\n')
                        .map_or(chars.len(), |p| at + p + 1);
                    let line: Vec<char> = chars[start..end].to_vec();
                    chars.splice(start..start, line);
                }
            }
        }
        let mutated: String = chars.into_iter().collect();
        let result = std::panic::catch_unwind(|| load_str(&mutated, "mutated.json", frameworks()));
        let Ok(result) = result else {
            panic!("round {round}: panic on mutated input:\n{mutated}")
        };
        if let Err(failure) = result {
            for d in failure.0.iter().filter(|d| d.is_error()) {
                if d.message.english.contains("more errors not shown") {
                    continue;
                }
                // A place lies in the file's own bytes. An error about a value (it has a JSON
                // path) covers that value or key: an empty range there (the old 0..0 fallback
                // for a path not found) is no place at all. A syntax error is a position.
                let place = d.location.as_ref().map(|(_, range)| range.clone());
                let about_a_value = d.json_path.is_some();
                assert!(
                    place
                        .as_ref()
                        .is_some_and(|r| (r.start < r.end || !about_a_value)
                            && r.end <= mutated.len()
                            && mutated.is_char_boundary(r.start)
                            && mutated.is_char_boundary(r.end)),
                    "round {round}: an error without a place ({place:?}): {d}\n{mutated}"
                );
            }
        }
    }

    // Through the binary for a few, with the build: exit codes 0, 1 or 2 only.
    let dir = scratch("mutate");
    for round in 0..6 {
        let text = texts[round % 5].replacen(
            "\"fiscal_year\": 25",
            &format!("\"fiscal_year\": {}", 2560 + next(12)),
            1,
        );
        let text = if round % 2 == 0 {
            text
        } else {
            text.replacen(",", "", 1)
        };
        std::fs::write(dir.path().join("m.json"), text).unwrap();
        for command in ["check", "build"] {
            let out = ita_report(
                dir.path(),
                &[command, "m.json", "-o", "o"].as_slice()
                    [..if command == "check" { 2 } else { 4 }],
            );
            assert!(
                matches!(out.status.code(), Some(0..=2)),
                "round {round} {command}: {:?}\n{}",
                out.status,
                stderr(&out)
            );
        }
    }
}
