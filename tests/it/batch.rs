//! Batches: parallel and sequential runs give the same bytes and the same log, whatever was
//! built before a package (edited sources, src/spans.rs); an unchanged
//! package is not built again; shards split the inputs without overlap.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Scratch, root};

fn ita_report(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A folder `in` with four packages: three samples and a second copy of one under another name.
fn inputs(dir: &Path) {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for (from, to) in [
        ("2566-roiet-announcement", "a"),
        ("2568-roiet-municipality", "b"),
        ("2566-roiet-progress", "c"),
        ("2568-roiet-municipality", "d"),
    ] {
        std::fs::copy(
            root().join(format!("inputs/{from}.json")),
            inputs.join(format!("{to}.json")),
        )
        .unwrap();
    }
}

fn pdfs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn parallel_and_sequential_builds_give_the_same_bytes_and_log() {
    let dir = Scratch::new("parallel");
    inputs(dir.path());
    let one = ita_report(dir.path(), &["build", "in", "-o", "one", "--jobs", "1"]);
    let two = ita_report(dir.path(), &["build", "in", "-o", "two", "--jobs", "3"]);
    assert_eq!(
        one.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(two.status.code(), Some(0));
    let (a, b) = (pdfs(&dir.path().join("one")), pdfs(&dir.path().join("two")));
    assert_eq!(a.len(), 4);
    assert!(a == b, "the same PDFs, byte for byte");
    let log = |o: &Output, out: &str| String::from_utf8_lossy(&o.stderr).replace(out, "OUT");
    assert_eq!(
        log(&one, "one/"),
        log(&two, "two/"),
        "messages in input order whatever the scheduling"
    );
}

#[test]
fn an_unchanged_package_is_not_built_again() {
    let dir = Scratch::new("incremental");
    inputs(dir.path());
    let first = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    assert_eq!(first.status.code(), Some(0));
    let before = pdfs(&dir.path().join("out"));

    // One package changed, one output removed: those two are built, the others not.
    let b = dir.path().join("in/b.json");
    let text = std::fs::read_to_string(&b)
        .unwrap()
        .replacen("93.14", "93.15", 1);
    std::fs::write(&b, text).unwrap();
    std::fs::remove_file(dir.path().join("out/c.pdf")).unwrap();
    let second = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    let log = String::from_utf8_lossy(&second.stderr).into_owned();
    assert_eq!(second.status.code(), Some(0), "{log}");
    assert!(
        log.contains("2 แฟ้มไม่เปลี่ยน ใช้ PDF เดิม และสร้างใหม่ 2 แฟ้ม"),
        "{log}"
    );
    assert!(
        log.contains("เขียน out/b.pdf")
            && log.contains("เขียน out/c.pdf")
            && !log.contains("เขียน out/a.pdf"),
        "{log}"
    );
    let after = pdfs(&dir.path().join("out"));
    assert_eq!(after["a.pdf"], before["a.pdf"]);
    assert_eq!(after["c.pdf"], before["c.pdf"], "rebuilt the same");
    assert_ne!(after["b.pdf"], before["b.pdf"]);

    // Warnings of an up-to-date package are still shown; a third run builds nothing.
    let third = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    let log = String::from_utf8_lossy(&third.stderr).into_owned();
    assert!(
        log.contains("4 แฟ้มไม่เปลี่ยน ใช้ PDF เดิม และสร้างใหม่ 0 แฟ้ม"),
        "{log}"
    );
    assert!(log.contains("ข้อความระบุว่าตัวชี้วัดที่ 7 ได้ 99.74"), "{log}");
}

#[test]
fn shards_cover_the_inputs_once() {
    let dir = Scratch::new("shard");
    inputs(dir.path());
    let mut seen = Vec::new();
    for i in 1..=3 {
        let out = format!("s{i}");
        let run = ita_report(
            dir.path(),
            &["build", "in", "-o", &out, "--shard", &format!("{i}/3")],
        );
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        if dir.path().join(&out).exists() {
            seen.extend(pdfs(&dir.path().join(&out)).into_keys());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["a.pdf", "b.pdf", "c.pdf", "d.pdf"],
        "every package in exactly one shard"
    );
    let bad = ita_report(dir.path(), &["build", "in", "--shard", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Each main source is edited from an earlier one the engine compiled, so that packages share
/// spans and Typst's layout cache (src/spans.rs). What came first must change nothing in a PDF.
#[test]
fn a_package_gives_the_same_bytes_whatever_was_built_before_it() {
    let municipality =
        crate::common::load_sample(&root().join("inputs/2568-roiet-municipality.json"));
    let province = crate::common::load_sample(&root().join("inputs/2566-roiet-province.json"));
    let mut renamed =
        std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    renamed = renamed.replace(
        "\"name\": \"เทศบาลเมืองร้อยเอ็ด\"",
        "\"name\": \"เทศบาลตำบลทดสอบ หนึ่ง สอง\"",
    );
    let mut renamed = crate::common::load_text(&renamed, "renamed.json");
    renamed.dir = root().join("tests/fixtures");
    let out = std::env::temp_dir();
    let build = |engine: &ita_report::engine::Engine, loaded: &ita_report::load::Loaded| {
        engine
            .build(loaded, "first", &out, &Default::default())
            .unwrap()
            .artifacts[0]
            .pdf
            .clone()
    };
    // A fresh engine: the package is its first source, parsed whole.
    let alone = build(
        &ita_report::engine::Engine::new(None, &[]).unwrap(),
        &municipality,
    );
    // Edited from another agency's package of the same shape, and from a province's.
    for before in [&renamed, &province] {
        let engine = ita_report::engine::Engine::new(None, &[]).unwrap();
        build(&engine, before);
        assert!(
            build(&engine, &municipality) == alone,
            "the bytes depend on the package built before"
        );
    }
}

/// Edited sources keep the spans of what they share (what makes the layout cache serve
/// several packages), and their text is exactly the new text.
#[test]
fn an_edited_source_keeps_the_spans_of_unchanged_lines() {
    use typst::syntax::{LinkedNode, RootedPath, Side, Source, VirtualPath, VirtualRoot};
    let id = RootedPath::new(VirtualRoot::Project, VirtualPath::new("/t.typ").unwrap()).intern();
    let spans = ita_report::spans::Spans::default();
    // As generated: documents in content blocks, data in markup and in embedded strings.
    // (Typst reparses a child or two beyond an edit: the neighbours of a changed line may be
    // numbered anew, what lies further keeps its spans.)
    let a = "#let x = 1\n#[\n= Title A\n\nFirst paragraph.\n\nScored #\"93.14\"; here.\n\nA middle one.\n\nAnd another.\n\nLast *words*.\n]\n";
    let b = "#let x = 1\n#[\n= Title with more words B\n\nFirst paragraph.\n\nScored #\"88.07\"; here, #strong[and] #emph[more].\n\nA middle one.\n\nAnd another.\n\nLast *words*.\n]\n";
    let first = spans.source(id, a);
    let second = spans.source(id, b);
    assert_eq!(second.text(), b);
    let span_of = |s: &Source, needle: &str| {
        let at = s.text().find(needle).unwrap();
        LinkedNode::new(s.root())
            .leaf_at(at + 1, Side::After)
            .unwrap()
            .span()
    };
    assert_eq!(
        span_of(&first, "First paragraph"),
        span_of(&second, "First paragraph")
    );
    assert_eq!(span_of(&first, "Last"), span_of(&second, "Last"));
    // A fresh parse of the second text numbers the same node differently.
    assert_ne!(
        span_of(&Source::new(id, b.to_owned()), "Last"),
        span_of(&first, "Last")
    );
    // A text of another shape is parsed afresh and becomes what the next are edited from.
    let c = "#let y = 2\n= Other\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n";
    let third = spans.source(id, c);
    let d = c.replace("One.", "One, #strong[and] #emph[more] words.");
    let fourth = spans.source(id, &d);
    assert_eq!(span_of(&third, "Five"), span_of(&fourth, "Five"));
    assert_ne!(
        span_of(&third, "Five"),
        span_of(&Source::new(id, d), "Five")
    );
}

#[test]
fn an_unchanged_package_shows_its_warnings_again_from_the_state() {
    let dir = Scratch::new("kept-warnings");
    inputs(dir.path());
    // The total changed under a summary that still quotes the old one: a warning into b.json.
    let b = dir.path().join("in/b.json");
    let text = std::fs::read_to_string(&b)
        .unwrap()
        .replacen("93.14", "93.15", 1);
    std::fs::write(&b, text).unwrap();
    // The messages about the data: those pointing into a package (a missing emblem is the
    // build's to say, when it builds).
    let messages = |o: &Output| -> String {
        let log = String::from_utf8_lossy(&o.stderr).into_owned();
        let ours = |l: &str| {
            ["wrote ", "เขียน "].iter().any(|w| l.starts_with(w))
                || l.contains("package(s)")
                || l.contains(" แฟ้ม")
        };
        let lines = log.lines().filter(|l| !ours(l));
        let log = lines.collect::<Vec<_>>().join("\n");
        log.split("\n\n")
            .filter(|m| m.contains("┌─ in/"))
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let first = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(
        messages(&first).contains("in/b.json:"),
        "the warning points into the package: {}",
        messages(&first)
    );

    // Kept beside the state with both languages, and shown again as the package gave them.
    let kept = std::fs::read_to_string(dir.path().join("out/.ita-report-warnings/b.json")).unwrap();
    assert!(
        kept.contains("93.15") && kept.contains("but the data gives"),
        "{kept}"
    );
    let again = ita_report(dir.path(), &["build", "in", "-o", "out"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("4 แฟ้มไม่เปลี่ยน"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        messages(&again),
        messages(&first),
        "the same messages, to the caret"
    );
    let english = ita_report(dir.path(), &["build", "in", "-o", "out", "--lang", "en"]);
    assert!(
        messages(&english).contains("but the data gives"),
        "{}",
        messages(&english)
    );

    // --deny-warnings refuses the unchanged package as it refused a loaded one.
    let denied = ita_report(dir.path(), &["build", "in", "-o", "out", "--deny-warnings"]);
    assert_ne!(denied.status.code(), Some(0));
    let log = String::from_utf8_lossy(&denied.stderr);
    assert!(
        log.contains("`in/b.json` not built: its data contradicts itself"),
        "{log}"
    );
    assert_eq!(
        messages(&denied),
        messages(&first),
        "after the same warnings"
    );
}
