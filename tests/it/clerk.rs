//! The clerk's workspace without a dead end (issue 25), over plain HTTP: an agency's package
//! started from a results sheet kept in the workspace, an import over files that exist, file
//! management (rename, duplicate, recycle and restore), downloads that always give the PDF of
//! the text sent, and every message the page can show in plain Thai.

use serde_json::{Value, json};

use crate::common;
use crate::http::{Reply, get};
use crate::web::{MUNICIPALITY, Site, send};

/// A province's results with tools and indicators, under a title row.
const SHEET: &str = "ผลการประเมิน ITA ปีงบประมาณ ๒๕๖๘ จังหวัดร้อยเอ็ด,,,,,,,,,,,,,,\n\
ชื่อหน่วยงาน,อำเภอ,คะแนนรวม,IIT,EIT,OIT,ตัวชี้วัดที่ 1,ตัวชี้วัดที่ 2,ตัวชี้วัดที่ 3,ตัวชี้วัดที่ 4,ตัวชี้วัดที่ 5,ตัวชี้วัดที่ 6,ตัวชี้วัดที่ 7,ตัวชี้วัดที่ 8,ตัวชี้วัดที่ 9\n\
เทศบาลตำบลหนึ่ง,เมือง,88.12,90.10,85.20,87.74,91.00,90.50,89.00,88.00,87.00,86.00,85.00,84.00,87.74\n\
เทศบาลตำบลสอง,โพนทอง,79.50,80.00,78.00,80.50,81.00,80.00,79.00,78.00,77.00,76.00,75.00,74.00,80.50\n";

fn post_json(server: &ita_report::web::Running, target: &str, body: &Value) -> Reply {
    send(server, "POST", target, &[], body.to_string().as_bytes())
}

#[test]
fn an_agency_package_starts_from_a_results_sheet_in_the_workspace_as_init_scores_starts_it() {
    let site = Site::new("clerk-start");
    let folder = site.workspace().join("ผลคะแนน");
    std::fs::create_dir(&folder).unwrap();
    let sheet = folder.join("2568-ผลร้อยเอ็ด.csv");
    std::fs::write(&sheet, SHEET).unwrap();
    let server = site.serve("127.0.0.1:0", None);

    // The picker: every agency of every sheet, with the year the sheet's name gives.
    let listed = get(server.addr, "/api/sheets?year=2567").json();
    let sheets = listed["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 1, "{listed}");
    assert_eq!(sheets[0]["sheet"], "ผลคะแนน/2568-ผลร้อยเอ็ด.csv");
    assert_eq!(sheets[0]["year"], 2568);
    let names: Vec<&str> = sheets[0]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["เทศบาลตำบลหนึ่ง", "เทศบาลตำบลสอง"]);

    let reply = post_json(
        &server,
        "/api/new",
        &json!({ "agency": "เทศบาลตำบลสอง", "year": 2568, "sheet": "ผลคะแนน/2568-ผลร้อยเอ็ด.csv" }),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    let name = reply.json()["name"].as_str().unwrap().to_owned();
    let written = std::fs::read_to_string(site.workspace().join(&name)).unwrap();

    // What `ita-report init --scores` writes for the same agency of the same sheet.
    let framework = ita_report::import::framework(common::frameworks(), 2568).unwrap();
    let shown = "ผลคะแนน/2568-ผลร้อยเอ็ด.csv";
    let results = ita_report::import::read_results(&sheet, shown, framework).unwrap();
    let row = ita_report::import::find_agency(&results, shown, "เทศบาลตำบลสอง", None).unwrap();
    let start = ita_report::import::Start {
        name: "เทศบาลตำบลสอง",
        district: row.district.clone(),
        province: None,
        kind: None,
        year: 2568,
        layout: ita_report::documents::measures::MeasuresLayout::ByIndicator,
        scores: Some(row),
    };
    let catalogue = ita_report::catalogue::Catalogue::load(None).unwrap();
    let expected = ita_report::import::init(&start, common::frameworks(), &catalogue).unwrap();
    assert_eq!(written, expected.text);
    let package: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        package["scores"]["total"], 79.5,
        "the scores are the sheet's"
    );

    // An agency the sheet does not list, a sheet outside the workspace: 400, nothing written.
    let before = std::fs::read_dir(site.workspace()).unwrap().count();
    for body in [
        json!({ "agency": "เทศบาลตำบลไม่มี", "year": 2568, "sheet": shown }),
        json!({ "agency": "เทศบาลตำบลหนึ่ง", "year": 2568, "sheet": "../outside/secret.json" }),
    ] {
        let reply = post_json(&server, "/api/new", &body);
        assert_eq!(reply.status / 100, 4, "{body}: {}", reply.text());
    }
    assert_eq!(std::fs::read_dir(site.workspace()).unwrap().count(), before);
}

#[test]
fn an_import_over_existing_files_adds_the_missing_or_replaces_keeping_dated_copies() {
    let site = Site::new("clerk-import");
    let server = site.serve("127.0.0.1:0", None);
    let import = |query: &str, body: &str| {
        send(
            &server,
            "POST",
            &format!("/api/import/results.csv?year=2568&per_agency=1{query}"),
            &[("Content-Type", "text/csv")],
            body.as_bytes(),
        )
    };
    let first = import("", SHEET);
    assert_eq!(first.status, 201, "{}", first.text());
    let created: Vec<String> = serde_json::from_value(first.json()["created"].clone()).unwrap();
    assert_eq!(created.len(), 3);
    // The sheet is kept, and its agencies can start packages.
    assert_eq!(first.json()["sheet"], "ผลคะแนน/2568-results.csv");
    let sheets = get(server.addr, "/api/sheets").json();
    assert_eq!(sheets["sheets"][0]["agencies"].as_array().unwrap().len(), 2);

    // One file removed, one edited: importing again names the ones that exist and writes none.
    let ws = site.workspace();
    std::fs::remove_file(ws.join(&created[2])).unwrap();
    let edited = std::fs::read_to_string(ws.join(&created[1]))
        .unwrap()
        .replacen(
            "\"district\"",
            "\"phone\": \"043 000 000\",\n    \"district\"",
            1,
        );
    std::fs::write(ws.join(&created[1]), &edited).unwrap();
    let refused = import("", SHEET);
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.json()["reason"], "exists");
    let existing: Vec<String> = serde_json::from_value(refused.json()["existing"].clone()).unwrap();
    assert_eq!(existing, created[..2]);
    assert!(!ws.join(&created[2]).exists());

    // Only the missing one.
    let missing = import("&mode=missing", SHEET);
    assert_eq!(missing.status, 201, "{}", missing.text());
    assert_eq!(missing.json()["created"], json!([created[2]]));
    assert_eq!(
        std::fs::read_to_string(ws.join(&created[1])).unwrap(),
        edited
    );

    // Replace: every file written again, the edited one kept in the recycle folder.
    let replaced = import("&mode=replace", &SHEET.replace("79.50", "79.75"));
    assert_eq!(replaced.status, 201, "{}", replaced.text());
    assert_eq!(replaced.json()["replaced"].as_array().unwrap().len(), 3);
    assert!(
        std::fs::read_to_string(ws.join(&created[2]))
            .unwrap()
            .contains("79.75")
    );
    assert!(
        !std::fs::read_to_string(ws.join(&created[1]))
            .unwrap()
            .contains("043 000 000")
    );
    let recycled = get(server.addr, "/api/recycle").json();
    let copy = recycled["recycled"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["original"] == created[1].as_str())
        .expect("the replaced file is kept");
    let entry = copy["entry"].as_str().unwrap();
    assert!(
        entry.starts_with(&copy["when"].as_str().unwrap()[..10]),
        "dated: {entry}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join(".recycle").join(entry)).unwrap(),
        edited
    );
}

#[test]
fn packages_are_renamed_duplicated_recycled_and_restored() {
    let site = Site::new("clerk-files");
    let server = site.serve("127.0.0.1:0", None);
    let ws = site.workspace();
    let original = std::fs::read(ws.join(MUNICIPALITY)).unwrap();

    let renamed = post_json(
        &server,
        "/api/rename",
        &json!({ "from": MUNICIPALITY, "to": "2568-เทศบาลเมืองร้อยเอ็ด" }),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let name = "2568-เทศบาลเมืองร้อยเอ็ด.json";
    assert_eq!(std::fs::read(ws.join(name)).unwrap(), original);
    assert!(!ws.join(MUNICIPALITY).exists());
    // Onto a file that exists, out of the workspace, into the recycle folder: refused.
    for to in ["2566-roiet-province", "../outside/x", ".recycle/x"] {
        let reply = post_json(&server, "/api/rename", &json!({ "from": name, "to": to }));
        assert_eq!(reply.status / 100, 4, "{to}: {}", reply.text());
    }
    assert_eq!(std::fs::read(ws.join(name)).unwrap(), original);

    // Last year's package as this year's start: the year changed, nothing else.
    let copy = post_json(
        &server,
        "/api/duplicate",
        &json!({ "from": name, "to": "2569-เทศบาลเมืองร้อยเอ็ด", "year": 2569 }),
    );
    assert_eq!(copy.status, 201, "{}", copy.text());
    let copied = std::fs::read_to_string(ws.join("2569-เทศบาลเมืองร้อยเอ็ด.json")).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    assert_eq!(
        copied,
        text.replacen("\"fiscal_year\": 2568", "\"fiscal_year\": 2569", 1)
    );

    // Delete: into the recycle folder, out of the list; restored as it was.
    let deleted = send(
        &server,
        "DELETE",
        &format!("/api/packages/{name}"),
        &[],
        b"",
    );
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    assert!(!ws.join(name).exists());
    let listed = get(server.addr, "/api/packages").json();
    assert!(
        !listed["packages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"].as_str().unwrap().contains("recycle"))
    );
    let recycled = get(server.addr, "/api/recycle").json();
    assert_eq!(recycled["recycled"][0]["original"], name);
    let entry = recycled["recycled"][0]["entry"].clone();
    let restored = post_json(&server, "/api/restore", &json!({ "entry": entry }));
    assert_eq!(restored.status, 200, "{}", restored.text());
    assert_eq!(std::fs::read(ws.join(name)).unwrap(), original);
    let again = post_json(&server, "/api/restore", &json!({ "entry": entry }));
    assert_eq!(again.status, 404, "{}", again.text());
    let outside = post_json(
        &server,
        "/api/restore",
        &json!({ "entry": "x~..%2F..%2Fouter.json" }),
    );
    assert_eq!(outside.status / 100, 4);
}

/// The PDF `build` makes of a package text.
fn built_pdf(site: &Site, name: &str, text: &str, archive: bool) -> Vec<u8> {
    let loaded = ita_report::load::load_bytes(
        text.as_bytes().to_vec(),
        &site.workspace().join(name),
        name,
        common::frameworks(),
    )
    .unwrap();
    let options = ita_report::engine::BuildOptions {
        archive,
        ..Default::default()
    };
    let stem = name.trim_end_matches(".json");
    let built = common::engine()
        .build(&loaded, stem, &std::env::temp_dir(), &options)
        .unwrap();
    built.artifacts[0].pdf.clone()
}

#[test]
fn a_download_gives_the_pdf_of_the_text_after_nine_other_previews_and_after_a_restart() {
    let site = Site::new("clerk-download");
    let name = "2568-เทศบาลเมืองร้อยเอ็ด.json";
    std::fs::rename(
        site.workspace().join(MUNICIPALITY),
        site.workspace().join(name),
    )
    .unwrap();
    let text = std::fs::read_to_string(site.workspace().join(name))
        .unwrap()
        .replacen("มาตรการปรับปรุงคู่มือ", "มาตรการที่ผู้ใช้แก้ไขปรับปรุงคู่มือ", 1);
    let expected = built_pdf(&site, name, &text, false);
    let download = |server: &ita_report::web::Running, kind: &str| {
        let target = format!(
            "/api/download/{}?kind={kind}",
            name.bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>()
        );
        send(server, "POST", &target, &[], text.as_bytes())
    };

    let server = site.serve("127.0.0.1:0", None);
    let first = download(&server, "pdf");
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.body, expected);
    // The name keeps the Thai (RFC 6266 `filename*`), with an ASCII one for old clients.
    let disposition = first.header("content-disposition").unwrap().to_owned();
    let encoded: String = "2568-เทศบาลเมืองร้อยเอ็ด.pdf"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );

    // Nine other previews push it out of the ones kept; the download builds it again.
    for n in 0..9 {
        let other = text.replacen("มาตรการที่ผู้ใช้แก้ไข", &format!("มาตรการฉบับที่ {n} "), 1);
        let reply = send(
            &server,
            "POST",
            "/api/preview/2566-roiet-province.json",
            &[],
            other.as_bytes(),
        );
        assert_eq!(reply.status / 100, 2, "{}", reply.text());
    }
    assert_eq!(download(&server, "pdf").body, expected);

    // After a restart nothing is kept; the download still gives the same PDF, and the
    // archival one is `build --archive`'s.
    drop(server);
    let server = site.serve("127.0.0.1:0", None);
    assert_eq!(download(&server, "pdf").body, expected);
    let archival = download(&server, "archive");
    assert_eq!(archival.status, 200, "{}", archival.text());
    // The package it carries is the text in the form a save writes.
    let saved = ita_report::web::workspace::pretty(&text);
    assert_eq!(archival.body, built_pdf(&site, name, &saved, true));
    assert!(
        archival
            .header("content-disposition")
            .unwrap()
            .contains("-archive.pdf")
    );
}

/// The Thai texts of a script or page: its string and template literals, and for HTML its
/// text between tags.
fn literals(source: &str, quotes: &[char]) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 1;
            }
            // A Rust character literal ('"', '\\'') is not the start of a string.
            '\'' if !quotes.contains(&'\'')
                && (chars.get(i + 2) == Some(&'\'') || chars.get(i + 1) == Some(&'\\')) =>
            {
                i += if chars.get(i + 1) == Some(&'\\') {
                    3
                } else {
                    2
                };
            }
            quote if quotes.contains(&quote) => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    if chars[i] == '\\' {
                        i += 1;
                    } else if quote == '`' && chars[i] == '$' && chars.get(i + 1) == Some(&'{') {
                        // An interpolation is code, not text: left out.
                        i += 1;
                        let mut depth = 0;
                        while i < chars.len() {
                            match chars[i] {
                                '{' => depth += 1,
                                '}' => depth -= 1,
                                _ => {}
                            }
                            i += 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        text.push('…');
                        continue;
                    }
                    if let Some(&c) = chars.get(i) {
                        text.push(c);
                    }
                    i += 1;
                }
                found.push(text);
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// What a Thai office worker should not read: a JSON path, an ASCII type name, a backtick,
/// a seed number, a command name, the browser's own error.
fn developer_text(text: &str) -> Option<String> {
    let thai = text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c));
    if !thai {
        return None;
    }
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || "_.[]`".contains(c)))
        .filter(|w| !w.is_empty())
        .collect();
    let path = words.iter().find(|w| {
        let w = w.trim_matches('.');
        (w.contains('.')
            && w.split('.')
                .all(|p| !p.is_empty() && p.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            && !w.ends_with("json")
            && !w.ends_with("pdf")
            && !w.ends_with("csv"))
            || (w.contains('[') && w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            || (w.contains('_')
                && w.chars().any(|c| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    });
    let camel = words.iter().find(|w| {
        let upper = w.chars().filter(char::is_ascii_uppercase).count();
        w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && upper >= 2
            && w.chars().any(|c| c.is_ascii_lowercase())
            && !["JavaScript", "PDF/A"].contains(w)
    });
    let said = [
        "`",
        "seed ",
        "ita-report",
        "Failed to fetch",
        "IndicatorScore",
        "JSON",
    ]
    .iter()
    .find(|s| text.contains(*s));
    path.or(camel)
        .map(|w| (*w).to_owned())
        .or(said.map(|s| (*s).to_owned()))
}

#[test]
fn every_message_the_page_can_show_is_plain_thai() {
    let root = common::root();
    let mut offending = Vec::new();
    let mut walked = 0;
    for file in ["app.js", "labels.js", "index.html"] {
        let source = std::fs::read_to_string(root.join("src/web/assets").join(file)).unwrap();
        let mut texts = literals(&source, &['"', '\'', '`']);
        if file.ends_with(".html") {
            let text: String = source
                .split('<')
                .filter_map(|part| part.split_once('>').map(|(_, t)| t.to_owned()))
                .collect::<Vec<_>>()
                .join("\n");
            texts.push(text);
        }
        for text in texts {
            walked += 1;
            if let Some(word) = developer_text(&text) {
                offending.push(format!("{file}: {word:?} in {text:?}"));
            }
        }
    }
    // The server's own messages: every Thai literal of src/web.
    for entry in std::fs::read_dir(root.join("src/web")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for text in literals(&source, &['"']) {
            walked += 1;
            // Strings that name what the page replaces ("ลบ `draft` ออก") are not shown.
            if text.contains("draft`") || text.starts_with("seed ") {
                continue;
            }
            if let Some(word) = developer_text(&text) {
                offending.push(format!("{}: {word:?} in {text:?}", path.display()));
            }
        }
    }
    // And what check says of every sample and of a package just started, as the page gets it.
    let site = Site::new("clerk-messages");
    let server = site.serve("127.0.0.1:0", None);
    let started = post_json(
        &server,
        "/api/new",
        &json!({ "agency": "เทศบาลตำบลทดลอง", "year": 2568 }),
    );
    assert_eq!(started.status, 201);
    for p in get(server.addr, "/api/packages").json()["packages"]
        .as_array()
        .unwrap()
    {
        let name = p["name"].as_str().unwrap();
        let text = std::fs::read(site.workspace().join(name)).unwrap();
        let checked = send(&server, "POST", &format!("/api/check/{name}"), &[], &text).json();
        for d in checked["diagnostics"].as_array().unwrap() {
            let mut texts = vec![d["message"].as_str().unwrap().to_owned()];
            texts.extend(
                d["notes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned()),
            );
            for text in texts {
                walked += 1;
                if let Some(word) = developer_text(&text) {
                    offending.push(format!("check {name}: {word:?} in {text:?}"));
                }
            }
        }
    }
    assert!(walked > 300, "the walk found the texts ({walked})");
    assert!(offending.is_empty(), "{}", offending.join("\n"));
    // The test sees what it looks for.
    assert!(developer_text("ดู measures.rows[0].draft").is_some());
    assert!(developer_text("พบข้อความ แต่ต้องเป็น IndicatorScore").is_some());
    assert!(developer_text("ลบ `draft` ออก").is_some());
}

#[test]
fn a_date_typed_in_thai_digits_is_the_same_date() {
    let thai = ita_report::thai::Date::parse("๒๕๖๗-๐๖-๒๖").unwrap();
    assert_eq!(thai, ita_report::thai::Date::parse("2567-06-26").unwrap());
    assert!(ita_report::thai::Date::parse("๒๕๖๗-๑๓-๐๑").is_err());
}

/// The text pdftotext reads from a PDF, white space left out.
fn pdf_text(pdf: &[u8], scratch: &common::Scratch, name: &str) -> String {
    let path = scratch.path().join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext reads {name}");
    common::squeeze(&String::from_utf8_lossy(&out.stdout))
}

/// The municipality sample with "87.74" typed in a measures row and in a paragraph of its
/// own, beside a web address, an e-mail address and a code with digits.
fn typed_digits_package() -> Value {
    let text = std::fs::read_to_string(common::root().join("inputs").join(MUNICIPALITY)).unwrap();
    let mut package: Value = serde_json::from_str(&text).unwrap();
    package["measures"]["rows"][0]["measure"] = json!("มาตรการยกระดับคะแนนให้ถึง 87.74 คะแนน");
    package["outline"]["report"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "part": "paragraph",
            "text": "คะแนนที่ตั้งไว้ 87.74 ดูที่ https://itas.nacc.go.th/2568 หรือ ita2568@roiet.go.th รหัส O12"
        }));
    package
}

#[test]
fn digits_typed_in_text_print_in_the_documents_numerals_but_addresses_and_codes_keep_theirs() {
    let scratch = common::Scratch::new("clerk-digits");
    let mut package = typed_digits_package();
    for (numerals, typed, other) in [("thai", "๘๗.๗๔", "87.74"), ("arabic", "87.74", "๘๗.๗๔")]
    {
        package["numerals"] = json!(numerals);
        let loaded = common::load_text(&package.to_string(), MUNICIPALITY);
        let built = common::build(&loaded, &Default::default());
        let text: String = built
            .artifacts
            .iter()
            .enumerate()
            .map(|(i, a)| pdf_text(&a.pdf, &scratch, &format!("{numerals}-{i}.pdf")))
            .collect();
        // The measures row and the paragraph, each in the document's digits (the sample
        // has no 87.74 of its own). poppler may split Thai clusters, so the number is counted
        // rather than read with its Thai neighbours.
        let near = |word: &str| -> String {
            let at = text.find(word).unwrap_or(0);
            text[at..].chars().take(60).collect()
        };
        assert!(
            text.matches(typed).count() >= 2,
            "{numerals}: the row and the paragraph: {} / {}",
            near("ยกระดับ"),
            near("ตั้งไว้")
        );
        assert!(!text.contains(other), "{numerals}: no {other} anywhere");
        // What a reader types elsewhere keeps its digits.
        for kept in [
            "https://itas.nacc.go.th/2568",
            "ita2568@roiet.go.th",
            "รหัสO12",
        ] {
            assert!(text.contains(kept), "{numerals}: {kept} as typed");
        }
    }
    // `check` reads the data, not the document: a score quoted in either digit form is held
    // against the scores alike (statements::scores_quoted_in_measures_rows).
}

/// A request target's part percent-encoded whole.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn each_browser_keeps_its_own_previews_and_downloads_the_pdf_of_its_own_text() {
    let site = Site::new("clerk-sessions");
    let name = MUNICIPALITY;
    let original = std::fs::read_to_string(site.workspace().join(name)).unwrap();
    let edit = |who: &str, n: usize| {
        original.replacen(
            "มาตรการปรับปรุงคู่มือ",
            &format!("มาตรการของเครื่อง {who} ฉบับ {n} ปรับปรุงคู่มือ"),
            1,
        )
    };
    let preview = |server: &ita_report::web::Running, session: &str, text: &str| -> String {
        let reply = send(
            server,
            "POST",
            &format!("/api/preview/{name}"),
            &[("X-ITA-Session", session)],
            text.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()["id"].as_str().unwrap().to_owned()
    };
    let download = |server: &ita_report::web::Running, session: &str, text: &str| {
        let reply = send(
            server,
            "POST",
            &format!("/api/download/{}?kind=pdf", encoded(name)),
            &[("X-ITA-Session", session)],
            text.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.body
    };

    // Two browsers alternate previews and downloads of different edits of one package: each
    // download is the `build` of that browser's own text.
    let server = site.serve("127.0.0.1:0", None);
    let mut shown = Vec::new();
    for n in 0..2 {
        for who in ["a", "b"] {
            let text = edit(who, n);
            let id = preview(&server, who, &text);
            let expected = built_pdf(&site, name, &text, false);
            assert_eq!(download(&server, who, &text), expected, "{who} {n}");
            shown.push((who, id, text, expected));
        }
    }
    let (_, a_id, a_text, a_pdf) = shown[2].clone();
    let (_, b_id, b_text, b_pdf) = shown[3].clone();
    let b_first = shown[1].1.clone();

    // Nine other previews in browser b never push out the preview on a's screen: its pages
    // and PDF still answer. b keeps its own last ones only.
    for n in 0..9 {
        preview(&server, "b", &edit("b", 10 + n));
    }
    let pdf = get(server.addr, &format!("/api/render/{a_id}/pdf"));
    assert_eq!(pdf.status, 200, "a's preview is kept: {}", pdf.text());
    assert_eq!(pdf.body, a_pdf);
    assert_eq!(
        get(server.addr, &format!("/api/render/{a_id}/page/1")).status,
        200
    );
    assert_eq!(
        get(server.addr, &format!("/api/render/{b_first}/pdf")).status,
        404
    );
    // A download never depends on what is kept: b's earlier text is built again.
    assert_eq!(download(&server, "b", &b_text), b_pdf);
    assert_ne!(a_pdf, b_pdf);

    // After a restart nothing is kept; each download still gives its browser's text.
    drop(server);
    let server = site.serve("127.0.0.1:0", None);
    assert_eq!(
        get(server.addr, &format!("/api/render/{b_id}/pdf")).status,
        404
    );
    assert_eq!(download(&server, "a", &a_text), a_pdf);
    assert_eq!(download(&server, "b", &b_text), b_pdf);
}

#[test]
fn the_page_of_a_numeric_field_is_found_and_an_empty_field_is_said_to_print_nowhere() {
    let site = Site::new("clerk-where");
    let mut package = typed_digits_package();
    package["numerals"] = json!("thai");
    package["measures"]["rows"][1]["responsible"] = json!("");
    let server = site.serve("127.0.0.1:0", None);
    let reply = send(
        &server,
        "POST",
        &format!("/api/preview/{MUNICIPALITY}"),
        &[],
        package.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    let id = answer["id"].as_str().unwrap().to_owned();
    let texts: Vec<String> = answer["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    let at = |pointer: &str| {
        let reply = get(
            server.addr,
            &format!("/api/render/{id}/where?field={}", encoded(pointer)),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    };
    let page_of = |pointer: &str| -> usize {
        let found = at(pointer);
        let page = found["page"].as_u64();
        page.unwrap_or_else(|| panic!("{pointer} is found: {found}")) as usize
    };

    // A number the data holds (95.55), printed "๙๕.๕๕" in this Thai-digit document.
    assert_eq!(package["scores"]["indicators"][0]["score"], json!(95.55));
    let page = page_of("/scores/indicators/0/score");
    assert!(texts[page - 1].contains("๙๕.๕๕"), "page {page}");
    // The year, a whole number, and text typed with Arabic digits printed in Thai ones.
    let page = page_of("/fiscal_year");
    assert!(texts[page - 1].contains("๒๕๖๘"), "page {page}");
    let page = page_of("/measures/rows/0/measure");
    assert!(texts[page - 1].contains("ให้ถึง๘๗.๗๔"), "page {page}");

    // An empty field prints nowhere, and the page says so.
    let empty = at("/measures/rows/1/responsible");
    assert_eq!(empty["page"], Value::Null, "{empty}");
    let said = empty["message"].as_str().unwrap();
    assert!(said.contains("ช่องนี้ยังว่าง"), "{said}");
    assert!(developer_text(said).is_none(), "{said}");
}

/// The digit rule of typed text, word by word (`templates::digits`).
#[test]
fn typed_digits_follow_the_document_but_for_addresses_file_names_and_codes() {
    use ita_report::model::Numerals;
    use ita_report::templates::digits::follow;
    let thai = |text: &str| follow(text, Numerals::Thai);
    assert_eq!(thai("ได้คะแนน 87.74 คะแนน"), "ได้คะแนน ๘๗.๗๔ คะแนน");
    assert_eq!(thai("ตุลาคม 2568"), "ตุลาคม ๒๕๖๘");
    assert_eq!(thai("ที่ มท 0808.2/ว 1234"), "ที่ มท ๐๘๐๘.๒/ว ๑๒๓๔");
    assert_eq!(thai("ร้อยละ80ขึ้นไป"), "ร้อยละ๘๐ขึ้นไป");
    assert_eq!(
        thai("โทร. 0 4351 1234\nบรรทัดใหม่"),
        "โทร. ๐ ๔๓๕๑ ๑๒๓๔\nบรรทัดใหม่"
    );
    for kept in [
        "https://www.roiet.go.th/ita/2568/o12",
        "(www.nacc.go.th/2568)",
        "saraban2568@roiet.go.th",
        "รายงาน2568.pdf",
        "(ผล-2568.xlsx),",
        "O12",
        "ITA-2568",
        "v1.2",
    ] {
        assert_eq!(thai(kept), kept, "{kept}");
        let sentence = format!("ดู {kept} ปี 2568");
        assert_eq!(thai(&sentence), format!("ดู {kept} ปี ๒๕๖๘"));
    }
    // A sentence's full stop is no file extension; a code inside Thai keeps its digits alone.
    assert_eq!(thai("ปี 2568."), "ปี ๒๕๖๘.");
    assert_eq!(thai("ข้อ 3.1"), "ข้อ ๓.๑");
    assert_eq!(thai("ปี2568(ITA)"), "ปี๒๕๖๘(ITA)");
    assert_eq!(thai("ตัวชี้วัดO12ผ่าน"), "ตัวชี้วัดO12ผ่าน");
    let text = "ได้คะแนน 87.74 เมื่อ ตุลาคม 2568";
    assert_eq!(follow(text, Numerals::Arabic), text);
}

/// The page of a field, by its printed form, on made-up pages (`web::locate`).
#[test]
fn a_field_is_found_by_the_form_it_prints_in() {
    use ita_report::web::locate::{Found, page_of};
    let package = json!({
        "year": 2568, "score": 87.5, "text": "คะแนน 87.74 ดี", "empty": "  ",
        "rows": [], "flag": true, "box": { "a": "", "b": "ข้อความในกล่อง" }
    });
    let pages = [
        "หน้าแรก ปี ๒๕๖๘๕".to_owned(),
        "คะแนน ๘๗.๗๔ ดี และ ๒๕๖๘ กับ 87.50".to_owned(),
        "ข้อความ ใน กล่อง".to_owned(),
    ];
    let at = |p: &str| page_of(&package, p, &pages);
    // "25685" on page 1 is not the year 2568.
    assert_eq!(at("/year"), Found::Page(2));
    assert_eq!(at("/score"), Found::Page(2));
    assert_eq!(at("/text"), Found::Page(2));
    assert_eq!(at("/box"), Found::Page(3));
    assert_eq!(at("/empty"), Found::Empty);
    assert_eq!(at("/rows"), Found::Empty);
    assert_eq!(at("/missing"), Found::Empty);
    assert_eq!(at("/flag"), Found::Choice);
    assert_eq!(page_of(&json!({"x": "ไม่มี"}), "/x", &pages), Found::Nowhere);
}

/// Whether `text` has a Thai letter (Thai digits, in "Thai digits (๑๒๓)", are shown as
/// what they are).
fn thai_letters(text: &str) -> bool {
    text.chars().any(|c| ('\u{0E01}'..='\u{0E4F}').contains(&c))
}

#[test]
fn under_lang_en_every_text_of_the_page_is_english() {
    let root = common::root();
    // Every Thai text of the page's scripts is the Thai half of say("ไทย", "English"), and the
    // English half has no Thai; what is left in Thai is what the documents print (the
    // months of a date's hint).
    let months = ita_report::thai::MONTHS_LONG;
    let mut offending = Vec::new();
    let mut paired = 0;
    for file in ["app.js", "labels.js"] {
        let source = std::fs::read_to_string(root.join("src/web/assets").join(file)).unwrap();
        let mut said = std::collections::HashSet::new();
        for (at, _) in source.match_indices("say(") {
            let pair = literals(&source[at + 4..], &['"', '\'', '`']);
            let (thai, english) = (&pair[0], &pair[1]);
            if thai_letters(english) {
                offending.push(format!("{file}: {english:?} is the English of {thai:?}"));
            }
            said.insert(thai.clone());
            paired += 1;
        }
        for text in literals(&source, &['"', '\'', '`']) {
            if thai_letters(&text) && !said.contains(&text) && !months.contains(&text.as_str()) {
                offending.push(format!("{file}: {text:?} has no English"));
            }
        }
    }
    assert!(paired > 150, "the page's texts are paired ({paired})");
    assert!(offending.is_empty(), "{}", offending.join("\n"));

    // The server's own texts, as `serve --lang en` answers them.
    let site = Site::new("clerk-english");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .args(["--lang", "en", "serve"])
        .arg(site.workspace())
        .args(["--addr", "127.0.0.1:0"])
        .env_remove(ita_report::web::TOKEN_VARIABLE)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
    let addr: std::net::SocketAddr = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let page = get(addr, "/");
    assert!(
        page.text().contains("<html lang=\"en\">"),
        "{}",
        page.text()
    );
    let mut answers = vec![("the page", page)];
    answers.push(("a missing page", get(addr, "/nowhere")));
    answers.push(("a missing file", get(addr, "/api/packages/missing.json")));
    answers.push(("an expired preview", get(addr, "/api/render/0/pdf")));
    let refused = crate::http::request(
        addr,
        "POST",
        "/api/new",
        &[("Content-Type", "application/json")],
        br#"{"agency": "x", "year": 2568}"#,
    );
    answers.push(("a change without the page's token", refused));
    let mut wrong = Vec::new();
    for (what, reply) in &answers {
        // The page's data (agency names, file names) is Thai whatever the language.
        let text = reply.text();
        let error = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned));
        let own = error.clone().unwrap_or_else(|| text.clone());
        if reply.status != 200 && error.is_none() {
            wrong.push(format!("{what}: no message: {text}"));
        }
        if thai_letters(&own) {
            wrong.push(format!("{what}: {own}"));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `check` is one operation: the workspace's check refuses what the command line's refuses.
/// An emblem outside the package's folder stops `build`; the workspace used to call such a
/// package fine, since it put `check` together without looking for the emblem.
#[test]
fn the_workspace_checks_a_package_as_the_command_line_does() {
    let site = Site::new("check-as-cli");
    let file = site.workspace().join(MUNICIPALITY);
    let mut package: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    package["emblem"] = json!("../outside.svg");
    let text = serde_json::to_vec_pretty(&package).unwrap();
    std::fs::write(&file, &text).unwrap();
    std::fs::write(site.workspace().join("../outside.svg"), "<svg/>").unwrap();

    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!cli.status.success(), "the command line refuses the emblem");

    let server = site.serve("127.0.0.1:0", None);
    let target = format!("/api/check/{MUNICIPALITY}");
    let checked = send(&server, "POST", &target, &[], &text).json();
    assert_eq!(checked["ok"], false, "{checked}");
    let emblem = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "emblem")
        .unwrap_or_else(|| panic!("no message at the emblem: {checked}"));
    assert_eq!(emblem["severity"], "error");
    assert!(thai_letters(emblem["message"].as_str().unwrap()));
}

/// The page names the documents from the registry: every kind, with no second list in the
/// script to keep in step (under `--lang en` the page holds no Thai: tested above).
#[test]
fn the_page_names_every_registered_kind_from_the_registry() {
    let site = Site::new("page-kinds");
    let server = site.serve("127.0.0.1:0", None);
    let page = get(server.addr, "/").text();
    let meta = page
        .split("<meta name=\"ita-documents\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries the documents' names");
    let names: Value = serde_json::from_str(&meta.replace("&quot;", "\"").replace("&amp;", "&"))
        .expect("the names are JSON");
    for kind in ita_report::documents::ALL {
        assert_eq!(names[kind.name()], kind.spec().label.0, "{kind:?}");
    }
    let script = get(server.addr, "/assets/labels.js").text();
    assert!(
        !script.contains("บันทึกข้อความ"),
        "the script keeps no list of its own"
    );
}
