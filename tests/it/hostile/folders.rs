//! Shared and user folders: shards finishing together, other hosts' temporaries, all-or-nothing
//! writes, stray files, names made from data, signed files a rebuild must keep, and folders
//! as users keep them (the output of earlier builds beside the packages).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use ita_report::archive::{Manifest, ManifestEntry};
use ita_report::{filename, pdf, sharing};

use super::{scratch, stderr};
use crate::common::{load_text, root};

/// The binary in `dir`, messages in English.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .args(args)
        .env("ITA_REPORT_LANG", "en")
        .env_remove("ITA_REPORT_P12_PASSWORD")
        .output()
        .expect("the binary runs")
}

fn entry(file: &str) -> ManifestEntry {
    ManifestEntry {
        file: file.to_owned(),
        sha256: "0".repeat(64),
        package: "p.json".to_owned(),
        package_sha256: "1".repeat(64),
        agency: "หน่วยงาน".to_owned(),
        fiscal_year: 2567,
        documents: vec!["report".to_owned()],
        ita_report: "test".to_owned(),
    }
}

/// Sixteen writers update one manifest at once, each with its own files (as shards on many
/// machines finishing together): every entry is kept, and no temporary file is left.
#[test]
fn manifest_updates_at_once_keep_every_entry() {
    let dir = scratch("manifest-race");
    let out = dir.path().to_path_buf();
    let start = std::sync::Barrier::new(16);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..16 {
            let (out, start) = (&out, &start);
            scope.spawn(move || {
                start.wait();
                for k in 0..4 {
                    ita_report::batch::update_manifest(out, vec![entry(&format!("t{t}-{k}.pdf"))])
                        .expect("the manifest is written");
                }
            });
        }
    });
    let files: Vec<String> = Manifest::read(&out)
        .files
        .into_iter()
        .map(|e| e.file)
        .collect();
    assert_eq!(files.len(), 64, "entries lost: {files:?}");
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A lock left by a process of this host that is gone is taken at once; one of another host
/// only after it has been seen unchanged for the stale bound.
#[test]
fn abandoned_locks_are_broken_only_when_surely_abandoned() {
    let dir = scratch("lock");
    let target = dir.path().join("manifest.json");
    let lock = dir.path().join(".manifest.json.lock");
    // Above Linux's largest pid (4194304): no such process.
    std::fs::write(&lock, format!("{} 4194999 0 0s", sharing::host())).unwrap();
    let started = Instant::now();
    let held = sharing::Lock::acquire(&target, Duration::from_secs(30)).expect("taken");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a dead holder is not waited for"
    );
    drop(held);
    assert!(!lock.exists(), "released");

    std::fs::write(&lock, "another-host 1 0 0s").unwrap();
    let started = Instant::now();
    let held = sharing::Lock::acquire(&target, Duration::from_millis(400)).expect("taken");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(400),
        "another host's lock is broken only after the bound: {waited:?}"
    );
    drop(held);

    // A live holder is waited for, then given up on with a message.
    let holder = sharing::Lock::acquire(&target, Duration::from_secs(30)).unwrap();
    let contender = std::thread::spawn(move || {
        let started = Instant::now();
        let lock = sharing::Lock::acquire(&target, Duration::from_secs(30));
        (lock.is_ok(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    drop(holder);
    let (taken, waited) = contender.join().unwrap();
    assert!(taken && waited >= Duration::from_millis(250), "{waited:?}");
}

/// A temporary file of another host is left alone while it may still be written (its
/// process id means nothing here); an old one, and one of a dead process of this host, go.
#[test]
fn other_hosts_temporaries_are_removed_only_when_abandoned() {
    let dir = scratch("temporaries");
    let out = dir.path();
    let host = sharing::host();
    let fresh = out.join(".ita-report-a.pdf.0~another-host~1.tmp");
    let old = out.join(".ita-report-b.pdf.0~another-host~1.tmp");
    let dead = out.join(format!(".ita-report-c.pdf.0~{host}~4194999.tmp"));
    let mine = out.join(sharing::temp_name("d.pdf"));
    for path in [&fresh, &old, &dead, &mine] {
        std::fs::write(path, b"partial").unwrap();
    }
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let mut removed = pdf::remove_stale(out);
    removed.sort();
    let mut expected = vec![old.clone(), dead.clone()];
    expected.sort();
    assert_eq!(removed, expected);
    assert!(fresh.exists() && mine.exists());

    // A build into the folder leaves the other host's file too.
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        out.join("a.json"),
    )
    .unwrap();
    let built = run(out, &["build", "a.json", "-o", ".", "--quiet"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(fresh.exists(), "another host's temporary file was removed");
}

/// `--split` whose second file cannot be written writes none, and an earlier file of the
/// same name keeps its bytes.
#[test]
fn split_with_an_unwritable_second_file_writes_nothing() {
    let dir = scratch("split-unwritable");
    std::fs::copy(
        root().join("inputs/2566-roiet-province.json"),
        dir.path().join("p.json"),
    )
    .unwrap();
    let out = dir.path().join("o");
    std::fs::create_dir_all(out.join("p-letter.pdf")).unwrap();
    std::fs::write(out.join("p-letter.pdf/keep"), b"x").unwrap();
    std::fs::write(out.join("p-memo.pdf"), b"earlier").unwrap();
    let built = run(dir.path(), &["build", "p.json", "-o", "o", "--split"]);
    let err = stderr(&built);
    assert_eq!(built.status.code(), Some(1), "{err}");
    assert!(err.contains("p-letter.pdf` is a folder"), "{err}");
    assert_eq!(std::fs::read(out.join("p-memo.pdf")).unwrap(), b"earlier");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "p-letter.pdf" && n != "p-memo.pdf")
        .collect();
    assert!(names.is_empty(), "written: {names:?}");
}

/// A rename failing half way puts back what the earlier renames replaced.
#[test]
fn a_failed_rename_puts_back_what_was_replaced() {
    let dir = scratch("rollback");
    let d = dir.path();
    std::fs::write(d.join("a.pdf"), b"old a").unwrap();
    std::fs::write(d.join("tmp-a"), b"new a").unwrap();
    std::fs::write(d.join("tmp-b"), b"new b").unwrap();
    let staged = vec![
        (d.join("tmp-a"), d.join("a.pdf")),
        (d.join("tmp-b"), d.join("b.pdf")),
        // Its temporary file is gone: this rename fails.
        (d.join("tmp-c"), d.join("c.pdf")),
    ];
    assert!(pdf::commit(&staged).is_err());
    assert_eq!(std::fs::read(d.join("a.pdf")).unwrap(), b"old a");
    assert!(!d.join("b.pdf").exists(), "a new file is taken back");
    let mut left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // tmp-b was renamed to b.pdf, which was then removed; no backup of a.pdf is left.
    assert_eq!(left, ["a.pdf"], "no backup left behind");
}

/// A failed compile leaves no `.typ` in the output folder, and `verify` whose rebuild fails
/// writes nothing into the temporary folder.
#[test]
fn failed_compiles_leave_no_stray_source() {
    let dir = scratch("stray");
    let d = dir.path();
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        d.join("a.json"),
    )
    .unwrap();
    std::fs::create_dir(d.join("t")).unwrap();
    std::fs::write(d.join("t/announcement.typ"), "#let broken = (\n").unwrap();
    let built = run(d, &["build", "a.json", "-o", "o", "--templates", "t"]);
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    let listed: Vec<String> = std::fs::read_dir(d.join("o"))
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(listed.is_empty(), "left in o/: {listed:?}");
    // Asked for, the generated source the message points into is written.
    let built = run(
        d,
        &[
            "build",
            "a.json",
            "-o",
            "e",
            "--templates",
            "t",
            "--emit-typst",
        ],
    );
    assert!(stderr(&built).contains("e/a.typ:"), "{}", stderr(&built));
    assert!(d.join("e/a.typ").exists(), "{}", stderr(&built));

    let built = run(d, &["build", "a.json", "-o", "o", "--archive", "--quiet"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let tmp = d.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let verified = Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(d)
        .args(["verify", "o/a.pdf", "--templates", "t"])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let written: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(written.is_empty(), "verify wrote {written:?}");
}

/// `check` refuses the files a package names outside its folder, as `build` does.
#[test]
fn check_confines_named_files_as_build_does() {
    let dir = scratch("check-confine");
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-announcement.json")).unwrap();
    let text = text.replacen('{', "{\n  \"emblem\": \"../../etc/passwd\",", 1);
    std::fs::write(pkg.join("a.json"), text).unwrap();
    for command in ["check", "build"] {
        let out = run(dir.path(), &[command, "pkg/a.json"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(
                "the emblem `../../etc/passwd` must be a path inside the package's folder"
            ),
            "{command}: {err}"
        );
    }
    #[cfg(unix)]
    {
        std::fs::write(dir.path().join("secret.svg"), "<svg></svg>").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.svg"), pkg.join("garuda.svg")).unwrap();
        let text =
            std::fs::read_to_string(root().join("inputs/2566-roiet-announcement.json")).unwrap();
        std::fs::write(pkg.join("a.json"), text).unwrap();
        let out = run(dir.path(), &["check", "pkg/a.json"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("lies outside its folder"), "{err}");
    }
}

/// Names made from data: no bidirectional or control characters, within the file system's
/// limit with a stable hash, a blank name refused with a message about the data.
#[test]
fn names_made_from_data_are_safe_and_fit() {
    let tricky = "เทศบาล\u{202E}fdp.exe\u{2066}\u{200F}\u{7}";
    let name = filename::package(2567, tricky, None).unwrap();
    assert_eq!(name, "2567-เทศบาลfdp.exe.json");

    let long = "ก".repeat(90);
    let cut = filename::package(2567, &long, None).unwrap();
    assert!(cut.len() <= filename::PACKAGE_LIMIT, "{} bytes", cut.len());
    assert_eq!(cut, filename::package(2567, &long, None).unwrap(), "stable");
    let other = filename::package(2567, &format!("{}ข", "ก".repeat(89)), None).unwrap();
    assert_ne!(cut, other, "long names differing at the end stay apart");
    assert!(filename::package(2567, " \u{200F}\t", None).is_none());

    let dir = scratch("names");
    let d = dir.path();
    let made = run(
        d,
        &[
            "init",
            "--agency",
            &format!("{tricky}{long}"),
            "--year",
            "2567",
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let files: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].len() <= 255 && !files[0].contains('\u{202E}'),
        "{files:?}"
    );
    let built = run(d, &["build", &files[0], "--split", "--quiet"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));

    for blank in ["   ", "\u{202E}\u{200B}"] {
        let made = run(d, &["init", "--agency", blank, "--year", "2567", "-o", "b"]);
        let err = stderr(&made);
        assert_eq!(made.status.code(), Some(1), "{err}");
        assert!(err.contains("the agency's name is blank"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
}

/// A run of one Thai letter too long for a line is warned about as a Latin run is; a long
/// Thai sentence of real words is not.
#[test]
fn a_long_run_of_one_thai_letter_is_warned_about() {
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    let mut package: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sentence = "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐประจำปีงบประมาณ";
    assert!(sentence.chars().count() > ita_report::settable::LINE);
    package["scores"]["summary"] = serde_json::json!(["ก".repeat(10_000), sentence]);
    let loaded = load_text(&package.to_string(), "thai-run.json");
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
        warnings
            .iter()
            .any(|w| w.starts_with("scores.summary[0]") && w.contains("a run of 10000 characters")),
        "{warnings:#?}"
    );
    assert!(
        !warnings.iter().any(|w| w.starts_with("scores.summary[1]")),
        "{warnings:#?}"
    );
}

/// A long web address breaks after its slashes, so it is not warned about as a run no line
/// can end inside (a department's memo was told its 61-character address would be cut
/// anywhere); a long code without a separator still is.
#[test]
fn a_long_address_is_not_an_unbreakable_run() {
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    let mut package: serde_json::Value = serde_json::from_str(&text).unwrap();
    let address = "https://www.dla.go.th/servlet/DocumentServlet/ita/2565/oit/o12-report.pdf";
    let code = "A".repeat(70);
    assert!(address.chars().count() > ita_report::settable::LINE);
    package["scores"]["summary"] =
        serde_json::json!([format!("ดูรายละเอียดที่ {address}"), format!("รหัส {code}")]);
    let loaded = load_text(&package.to_string(), "address.json");
    let warned: Vec<String> =
        ita_report::settable::warnings(&loaded, crate::common::engine().fonts())
            .iter()
            .filter_map(|d| d.json_path.clone())
            .collect();
    assert!(
        !warned.contains(&"scores.summary[0]".to_owned()),
        "{warned:?}"
    );
    assert!(
        warned.contains(&"scores.summary[1]".to_owned()),
        "{warned:?}"
    );
}

/// A clerk's folder: `init`, then `build .` twice (once archival, into the folder itself too),
/// then `check .`: the output folder, the state and warnings files, the manifest and hidden
/// files are not read as packages.
#[test]
fn init_then_build_twice_then_check_in_the_package_folder() {
    let dir = scratch("user-folder");
    let d = dir.path();
    let made = run(
        d,
        &["init", "--agency", "เทศบาลตำบลทดสอบ", "--year", "2567"],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    std::fs::write(d.join(".editor-backup.json"), "{ not a package").unwrap();
    std::fs::create_dir(d.join(".sync")).unwrap();
    std::fs::write(d.join(".sync/state.json"), "[]").unwrap();
    for args in [
        &["build", ".", "--quiet"][..],
        &["build", ".", "--quiet", "--archive"],
        &["build", ".", "-o", ".", "--quiet", "--archive"],
        &["build", ".", "-o", ".", "--quiet", "--archive"],
        &["check", "."],
    ] {
        let out = run(d, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.contains("1 package(s)"),
            "{args:?}: one package only: {err}"
        );
    }
    assert!(d.join("out/manifest.json").exists() && d.join("manifest.json").exists());

    // Packages kept in a folder that was also built into are still found.
    let sub = d.join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        sub.join("a.json"),
    )
    .unwrap();
    let built = run(d, &["build", "sub", "-o", "sub", "--quiet", "--archive"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    for args in [&["build", ".", "--quiet"][..], &["check", "."]] {
        let out = run(d, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.contains("2 package(s)"), "{args:?}: {err}");
    }
}

// ---- Signed files ----

fn signer(dir: &Path) {
    let key = crate::signing::key("clerk");
    let cert = crate::signing::certificate(&key, "CN=นางสาวทดสอบ ลงนาม,O=จังหวัดร้อยเอ็ด,C=TH");
    std::fs::write(
        dir.join("id.p12"),
        crate::signing::pkcs12_file(&key, &cert, crate::signing::PASSWORD),
    )
    .unwrap();
}

fn sign(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir)
        .arg("sign")
        .args(args)
        .args(["--cert", "id.p12"])
        .env("ITA_REPORT_LANG", "en")
        .env("ITA_REPORT_P12_PASSWORD", crate::signing::PASSWORD)
        .output()
        .unwrap()
}

fn listed_hash(out: &Path, file: &str) -> String {
    Manifest::read(out)
        .files
        .into_iter()
        .find(|e| e.file == file)
        .map(|e| e.sha256)
        .unwrap_or_default()
}

/// `sign` then `build --archive`: the signed file is kept byte for byte (unchanged data:
/// kept with a note; changed data: refused, `--force` replaces it). `sign` updates the
/// manifest, and `verify --manifest` checks the folder against it.
#[test]
fn a_rebuild_keeps_a_signed_pdf_and_the_manifest_follows_signing() {
    let dir = scratch("signed-rebuild");
    let d = dir.path();
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        d.join("a.json"),
    )
    .unwrap();
    signer(d);
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "a.json", "-o", "out", "--archive"];
        args.extend(extra);
        run(d, &args)
    };
    let out = d.join("out");
    let first = build(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let unsigned = std::fs::read(out.join("a.pdf")).unwrap();

    let signed = sign(d, &["out/a.pdf"]);
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let signed = std::fs::read(out.join("a.pdf")).unwrap();
    assert!(pdf::is_signed(&out.join("a.pdf")).unwrap());
    std::fs::write(d.join("unsigned.pdf"), &unsigned).unwrap();
    assert!(
        !pdf::is_signed(&d.join("unsigned.pdf")).unwrap(),
        "its empty fields are no signature"
    );
    assert_eq!(
        listed_hash(&out, "a.pdf"),
        ita_report::archive::sha256(&signed)
    );
    let checked = run(d, &["verify", "--manifest", "out"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));

    // Unchanged data: kept, with a note.
    let again = build(&[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("kept out/a.pdf as it is: signed"),
        "{}",
        stderr(&again)
    );
    assert!(std::fs::read(out.join("a.pdf")).unwrap() == signed);

    // Changed data: refused, the signed file kept.
    let text = std::fs::read_to_string(d.join("a.json")).unwrap();
    std::fs::write(d.join("a.json"), text.replacen("ร้อยเอ็ด", "ร้อยเอ็ด ", 1)).unwrap();
    let refused = build(&[]);
    let err = stderr(&refused);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(
        err.contains("carries a signature") && err.contains("--force"),
        "{err}"
    );
    assert!(
        std::fs::read(out.join("a.pdf")).unwrap() == signed,
        "kept byte for byte"
    );

    // Signed by another tool (the manifest still lists the unsigned bytes): signed since.
    std::fs::write(d.join("a.json"), &text).unwrap();
    ita_report::batch::update_manifest(
        &out,
        vec![ManifestEntry {
            sha256: ita_report::archive::sha256(&unsigned),
            ..Manifest::read(&out).files[0].clone()
        }],
    )
    .unwrap();
    let checked = run(d, &["verify", "--manifest", "out"]);
    let err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(0), "{err}");
    assert!(err.contains("signed since it was recorded"), "{err}");

    // A byte changed, and a PDF the manifest does not list: both fail.
    let mut altered = signed.clone();
    let at = altered.len() / 3;
    altered[at] ^= 0x01;
    std::fs::write(out.join("a.pdf"), &altered).unwrap();
    std::fs::write(out.join("stray.pdf"), &unsigned).unwrap();
    let checked = run(d, &["verify", "--manifest", "out"]);
    let err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(1), "{err}");
    assert!(
        err.contains("FAIL a.pdf") && err.contains("FAIL stray.pdf: not listed"),
        "{err}"
    );
    std::fs::remove_file(out.join("stray.pdf")).unwrap();

    // --force replaces it.
    std::fs::write(out.join("a.pdf"), &signed).unwrap();
    let forced = build(&["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(!pdf::is_signed(&out.join("a.pdf")).unwrap());
    let checked = run(d, &["verify", "--manifest", "out"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
}
