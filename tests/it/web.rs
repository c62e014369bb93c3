//! `ita-report serve` without a browser: the server runs in-process on a free port over a
//! scratch copy of `inputs/`, and plain HTTP requests check listing, saving, conflicts,
//! path escapes, size limits, the token, check's messages and the preview.

use std::net::SocketAddr;
use std::path::PathBuf;

use ita_report::web::{self, Config, Running, workspace};

use crate::common::{self, Scratch, root};
use crate::http::{Reply, get, request};

pub const MUNICIPALITY: &str = "2568-roiet-municipality.json";

/// A scratch folder holding `ws/` (a copy of the sample packages) and `outside/` (a package
/// beyond the workspace that no request may reach).
pub struct Site {
    pub scratch: Scratch,
}

impl Site {
    pub fn new(name: &str) -> Site {
        let scratch = Scratch::new(name);
        for dir in ["ws", "outside"] {
            std::fs::create_dir(scratch.path().join(dir)).unwrap();
        }
        for sample in common::samples() {
            std::fs::copy(
                &sample,
                scratch.path().join("ws").join(sample.file_name().unwrap()),
            )
            .unwrap();
        }
        std::fs::copy(
            root().join("inputs").join(MUNICIPALITY),
            scratch.path().join("outside/secret.json"),
        )
        .unwrap();
        Site { scratch }
    }

    pub fn workspace(&self) -> PathBuf {
        self.scratch.path().join("ws")
    }

    pub fn outside(&self) -> PathBuf {
        self.scratch.path().join("outside/secret.json")
    }

    pub fn serve(&self, addr: &str, token: Option<&str>) -> Running {
        web::start(Config {
            workspace: self.workspace(),
            addr: addr.parse().unwrap(),
            token: token.map(str::to_owned),
            templates: None,
            font_dirs: Vec::new(),
        })
        .unwrap_or_else(|d| panic!("the server starts: {d}"))
    }
}

fn put(server: &Running, name: &str, body: &[u8], etag: &str) -> Reply {
    send(
        server,
        "PUT",
        &format!("/api/packages/{name}"),
        &[("If-Match", etag)],
        body,
    )
}

/// A request as the page's script sends it: with the page's token, and as JSON unless the
/// headers name another type.
pub fn send(
    server: &Running,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("X-ITA-CSRF", server.csrf.as_str())];
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        all.push(("Content-Type", "application/json"));
    }
    all.extend_from_slice(headers);
    request(server.addr, method, target, &all, body)
}

fn etag_of(addr: SocketAddr, name: &str) -> String {
    let reply = get(addr, &format!("/api/packages/{name}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.header("etag").expect("an ETag").to_owned()
}

fn error_message(reply: &Reply) -> String {
    reply.json()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error message: {}", reply.text()))
        .to_owned()
}

#[test]
fn the_schema_the_form_follows_is_the_command_lines() {
    let (_site, server) = site_and_server("schema");
    let reply = get(server.addr, "/api/schema");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), ita_report::schema::package());
}

#[test]
fn a_new_package_is_started_as_init_starts_it_and_never_replaces_a_file() {
    let (site, server) = site_and_server("new");
    let post = |body: &str| {
        send(
            &server,
            "POST",
            "/api/new",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    let reply = post(
        r#"{"agency": "องค์การบริหารส่วนตำบล  ทดลอง", "year": 2568, "district": "เมือง", "layout": "by_tool"}"#,
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    let name = reply.json()["name"].as_str().unwrap().to_owned();
    assert_eq!(name, "2568-องค์การบริหารส่วนตำบล-ทดลอง.json");
    // What `ita-report init` writes: the same text, with every indicator's row drafted.
    let text = std::fs::read_to_string(site.workspace().join(&name)).unwrap();
    let start = ita_report::import::Start {
        name: "องค์การบริหารส่วนตำบล ทดลอง",
        district: Some("เมือง".to_owned()),
        province: None,
        kind: None,
        year: 2568,
        layout: ita_report::documents::measures::MeasuresLayout::ByTool,
        scores: None,
    };
    let catalogue = ita_report::catalogue::Catalogue::load(None).unwrap();
    assert_eq!(
        text,
        ita_report::import::init(&start, common::frameworks(), &catalogue)
            .unwrap()
            .text
    );
    let listed = get(server.addr, "/api/packages").json();
    let row = listed["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name.as_str())
        .expect("listed");
    assert_eq!(row["problems"], 10, "ten rows still drafts: {row}");

    // Again: the file exists, nothing is replaced.
    std::fs::write(
        site.workspace().join(&name),
        "{\"agency\": {\"name\": \"edited\"}, \"fiscal_year\": 2568}",
    )
    .unwrap();
    let again = post(r#"{"agency": "องค์การบริหารส่วนตำบล ทดลอง", "year": 2568}"#);
    assert_eq!(again.status, 409, "{}", again.text());
    assert!(error_message(&again).contains("มีแฟ้ม"), "{}", again.text());
    assert!(
        std::fs::read_to_string(site.workspace().join(&name))
            .unwrap()
            .contains("edited")
    );

    // A missing name, a year without a framework, an unknown field: 400, nothing written.
    let before = std::fs::read_dir(site.workspace()).unwrap().count();
    for body in [
        r#"{"agency": " ", "year": 2568}"#,
        r#"{"agency": "ก", "year": 2400}"#,
        r#"{"agency": "ก", "year": 2568, "path": "../x"}"#,
        r#"{"agency": "ก/../../x", "year": 2568, "layout": "outline"}"#,
    ] {
        let reply = post(body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
    }
    assert_eq!(std::fs::read_dir(site.workspace()).unwrap().count(), before);
}

#[test]
fn a_results_sheet_is_imported_into_the_workspace_all_or_nothing() {
    let (site, server) = site_and_server("import");
    let post = |target: &str, body: &str| {
        send(
            &server,
            "POST",
            target,
            &[("Content-Type", "text/csv")],
            body.as_bytes(),
        )
    };
    // The package files (the sheet itself is kept in a folder of its own).
    let count = || {
        std::fs::read_dir(site.workspace())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count()
    };
    let before = count();
    let sheet = "ผลการประเมิน ITA ปี ๒๕๖๖ จังหวัดทดสอบ,,\nชื่อหน่วยงาน,อำเภอ,คะแนนรวม\nเทศบาลตำบลหนึ่ง,เมือง,๙๖.๕๐\nเทศบาลตำบลสอง,เมือง,84.99\nองค์การบริหารส่วนตำบลสาม,ริมน้ำ,70\n";

    // A bad cell: named by its address, nothing written.
    let bad = post(
        "/api/import/%E0%B8%9C%E0%B8%A5.csv?year=2566&per_agency=1",
        &sheet.replace("84.99", "๑๐๕"),
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(
        error_message(&bad).contains("ผล.csv!C4: ต้องเป็นคะแนนรวม"),
        "{}",
        bad.text()
    );
    assert_eq!(count(), before);
    assert_eq!(
        post("/api/import/results.csv?per_agency=1", sheet).status,
        400,
        "no year"
    );

    let reply = post("/api/import/results.csv?year=2566&per_agency=1", sheet);
    assert_eq!(reply.status, 201, "{}", reply.text());
    let created: Vec<String> = reply.json()["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(created[0], "2566-จังหวัดทดสอบ-province.json");
    assert_eq!(created.len(), 4);
    assert_eq!(count(), before + 4);
    let province: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.workspace().join(&created[0])).unwrap())
            .unwrap();
    assert_eq!(province["province"]["agencies"][0]["score"], 96.5);

    // Again: the files exist; none is replaced and none added.
    let again = post(
        "/api/import/results.csv?year=2566&per_agency=1",
        &sheet.replace("96.50", "๙๐"),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    assert_eq!(count(), before + 4);
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.workspace().join(&created[0])).unwrap())
            .unwrap();
    assert_eq!(kept, province);
}

#[test]
fn lists_the_packages_with_their_documents_and_problems() {
    let site = Site::new("web-list");
    let server = site.serve("127.0.0.1:0", None);
    let reply = get(server.addr, "/api/packages");
    assert_eq!(reply.status, 200);
    let list = reply.json();
    let rows = list["packages"].as_array().unwrap();
    assert_eq!(rows.len(), common::samples().len());
    let row = rows
        .iter()
        .find(|r| r["name"] == MUNICIPALITY)
        .expect("seed 002 is listed");
    assert_eq!(row["agency"], "เทศบาลเมืองร้อยเอ็ด");
    assert_eq!(row["fiscal_year"], 2568);
    // As many problems as `check` reports: errors and contradictions, not notes.
    let loaded = common::load_sample(&root().join("inputs").join(MUNICIPALITY));
    // The documents the package makes (seed 002: its cover, the report, the measures).
    let documents: Vec<&str> = ita_report::documents::DocKind::available(&loaded.package)
        .iter()
        .map(|k| k.name())
        .collect();
    assert!(documents.contains(&"measures"));
    assert_eq!(row["documents"], serde_json::json!(documents));
    let mut found = loaded.warnings.clone();
    found.extend(ita_report::settable::warnings(
        &loaded,
        common::engine().fonts(),
    ));
    let expected = found
        .iter()
        .filter(|d| d.severity != ita_report::diagnostic::Severity::Note)
        .count();
    assert!(expected > 0);
    assert_eq!(row["problems"], expected);
    // The page and its files come from the binary.
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("lang=\"th\""));
    for file in ["app.js", "labels.js", "style.css", "Sarabun-Regular.ttf"] {
        assert_eq!(
            get(server.addr, &format!("/assets/{file}")).status,
            200,
            "{file}"
        );
    }
    assert_eq!(get(server.addr, "/assets/../Cargo.toml").status, 404);
}

#[test]
fn saving_writes_a_stable_form_that_keeps_every_field_and_its_order() {
    let site = Site::new("web-save");
    let server = site.serve("127.0.0.1:0", None);
    let file = site.workspace().join(MUNICIPALITY);
    let original = std::fs::read_to_string(&file).unwrap();

    // As the page sends it: one line, fields in the file's order, plus one the form does not
    // know (its keys out of alphabetical order), and an edit.
    let compact = original
        .replace('\n', "")
        .replacen(
            "\"district\": \"เมืองร้อยเอ็ด\"",
            "\"district\": \"เมืองร้อยเอ็ด (แก้ไข)\"",
            1,
        )
        .replacen(
            "\"agency\": {",
            "\"agency\": {\"kept_unknown\": {\"b\": 1, \"a\": []},",
            1,
        );
    assert!(compact.contains("(แก้ไข)") && compact.contains("kept_unknown"));
    let tag = etag_of(server.addr, MUNICIPALITY);
    let reply = put(&server, MUNICIPALITY, compact.as_bytes(), &tag);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(saved, workspace::pretty(&compact));
    assert!(saved.contains("\"district\": \"เมืองร้อยเอ็ด (แก้ไข)\""));
    // The file differs from what it was only where it was edited.
    let expected = original
        .replacen(
            "\"district\": \"เมืองร้อยเอ็ด\"",
            "\"district\": \"เมืองร้อยเอ็ด (แก้ไข)\"",
            1,
        )
        .replacen(
            "\"agency\": {\n",
            "\"agency\": {\n    \"kept_unknown\": {\n      \"b\": 1,\n      \"a\": []\n    },\n",
            1,
        );
    assert_eq!(saved, expected);
    // The new version is answered, and `check` of what was saved (the unknown field).
    assert_eq!(
        reply.header("etag"),
        Some(workspace::etag(saved.as_bytes()).as_str())
    );
    let check = &reply.json()["check"];
    assert!(
        check["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "agency.kept_unknown"),
        "{check}"
    );

    // Saving the original back gives the original bytes: diffs show only edits.
    let tag = reply.header("etag").unwrap().to_owned();
    let one_line = original.replace('\n', "");
    let reply = put(&server, MUNICIPALITY, one_line.as_bytes(), &tag);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
}

#[test]
fn the_stable_form_is_serde_json_pretty_printing_in_the_given_order() {
    for sample in common::samples() {
        let text = std::fs::read_to_string(&sample).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let expected = serde_json::to_string_pretty(&value).unwrap() + "\n";
        assert_eq!(
            workspace::pretty(&value.to_string()),
            expected,
            "{}",
            sample.display()
        );
        assert_eq!(workspace::pretty(&expected), expected);
    }
    // Brackets, colons and escapes inside strings are text.
    let tricky = r#"{"a":"[{,:}] \" \\","b":[1,-2.5e3,true,null,{}],"c":{"d":[]}}"#;
    assert_eq!(
        workspace::pretty(tricky),
        "{\n  \"a\": \"[{,:}] \\\" \\\\\",\n  \"b\": [\n    1,\n    -2.5e3,\n    true,\n    null,\n    {}\n  ],\n  \"c\": {\n    \"d\": []\n  }\n}\n"
    );
}

#[test]
fn a_second_save_from_the_same_version_is_refused_and_changes_nothing() {
    let site = Site::new("web-conflict");
    let server = site.serve("127.0.0.1:0", None);
    let file = site.workspace().join(MUNICIPALITY);
    let original = std::fs::read_to_string(&file).unwrap();
    let tag = etag_of(server.addr, MUNICIPALITY);
    let first = original.replacen("\"province\": \"ร้อยเอ็ด\"", "\"province\": \"ร้อยเอ็ด ๑\"", 1);
    let second = original.replacen("\"province\": \"ร้อยเอ็ด\"", "\"province\": \"ร้อยเอ็ด ๒\"", 1);
    assert_eq!(
        put(&server, MUNICIPALITY, first.as_bytes(), &tag).status,
        200
    );
    let refused = put(&server, MUNICIPALITY, second.as_bytes(), &tag);
    assert_eq!(refused.status, 412);
    assert!(
        error_message(&refused).contains("มีผู้อื่นบันทึกแฟ้มนี้"),
        "{}",
        refused.text()
    );
    assert_eq!(
        refused.header("etag"),
        Some(workspace::etag(first.as_bytes()).as_str())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    // Without If-Match nothing is saved either.
    let bare = send(
        &server,
        "PUT",
        &format!("/api/packages/{MUNICIPALITY}"),
        &[],
        second.as_bytes(),
    );
    assert_eq!(bare.status, 428, "{}", bare.text());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    // Text that is not one JSON object is refused with the current version.
    let current = etag_of(server.addr, MUNICIPALITY);
    for body in ["{\"agency\": ", "[1, 2]", "\u{0}"] {
        let reply = put(&server, MUNICIPALITY, body.as_bytes(), &current);
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        assert!(error_message(&reply).contains("ไม่อยู่ในรูปแบบของแฟ้มข้อมูล"));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
}

#[test]
fn no_request_reaches_a_file_outside_the_workspace() {
    let site = Site::new("web-escape");
    let secret_before = std::fs::read(site.outside()).unwrap();
    // A symlink in the workspace pointing out of it, and one pointing into it.
    std::os::unix::fs::symlink(site.outside(), site.workspace().join("link.json")).unwrap();
    std::os::unix::fs::symlink(
        site.workspace().join(MUNICIPALITY),
        site.workspace().join("alias.json"),
    )
    .unwrap();
    let server = site.serve("127.0.0.1:0", None);
    let body = std::fs::read(site.workspace().join(MUNICIPALITY)).unwrap();
    let tag = workspace::etag(&secret_before);

    let attempts: &[(&str, u16)] = &[
        ("../outside/secret.json", 400),
        ("..%2foutside%2fsecret.json", 400),
        ("%2e%2e/outside/secret.json", 400),
        ("%2E%2E%2Foutside%2Fsecret.json", 400),
        ("./../outside/secret.json", 400),
        ("/%2e%2e/outside/secret.json", 400),
        ("%2Fetc%2Fpasswd", 400),
        ("/etc/passwd", 400),
        ("%2Ftmp%2Fsecret.json", 400),
        ("..%5coutside%5csecret.json", 400),
        ("link.json", 403),
        ("missing.json", 404),
        ("Cargo.toml", 400),
    ];
    for (name, status) in attempts {
        for (method, target) in [
            ("GET", format!("/api/packages/{name}")),
            ("PUT", format!("/api/packages/{name}")),
            ("POST", format!("/api/check/{name}")),
            ("POST", format!("/api/preview/{name}")),
        ] {
            let reply = send(&server, method, &target, &[("If-Match", &tag)], &body);
            assert_eq!(reply.status, *status, "{method} {target}: {}", reply.text());
            assert!(
                !reply.text().contains("เทศบาลเมืองร้อยเอ็ด"),
                "{method} {target} answered the file"
            );
            assert!(!error_message(&reply).is_empty());
        }
    }
    assert_eq!(std::fs::read(site.outside()).unwrap(), secret_before);
    // The list shows neither link, and a symlink within the workspace works.
    let listed = get(server.addr, "/api/packages").json();
    let names: Vec<&str> = listed["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"link.json"), "{names:?}");
    assert_eq!(get(server.addr, "/api/packages/alias.json").status, 200);
}

#[test]
fn oversize_bodies_are_refused_and_change_nothing() {
    let site = Site::new("web-size");
    let server = site.serve("127.0.0.1:0", None);
    let file = site.workspace().join(MUNICIPALITY);
    let before = std::fs::read(&file).unwrap();
    let tag = workspace::etag(&before);
    let mut huge = b"{\"agency\": {\"name\": \"".to_vec();
    huge.resize(ita_report::limits::PACKAGE_BYTES as usize + 1024, b'x');
    huge.extend_from_slice(b"\"}}");
    for (method, target) in [
        ("PUT", format!("/api/packages/{MUNICIPALITY}")),
        ("POST", format!("/api/preview/{MUNICIPALITY}")),
        ("POST", format!("/api/check/{MUNICIPALITY}")),
    ] {
        let reply = send(&server, method, &target, &[("If-Match", &tag)], &huge);
        assert_eq!(reply.status, 413, "{method} {target}: {}", reply.text());
        assert!(error_message(&reply).contains("ใหญ่เกิน"));
    }
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn beyond_loopback_every_request_needs_the_token() {
    let site = Site::new("web-token");
    let server = site.serve("0.0.0.0:0", None);
    let token = server
        .token
        .clone()
        .expect("a token is made up for a non-loopback address");
    assert_eq!(token.len(), 32);
    let addr = SocketAddr::from(([127, 0, 0, 1], server.addr.port()));
    for target in [
        "/",
        "/api/packages",
        &format!("/api/packages/{MUNICIPALITY}"),
        "/assets/app.js",
    ] {
        let reply = get(addr, target);
        assert_eq!(reply.status, 401, "{target}");
        assert!(!reply.text().contains("เทศบาลเมืองร้อยเอ็ด"));
        let wrong = request(
            addr,
            "GET",
            target,
            &[("Authorization", "Bearer 0123456789abcdef0123456789abcdef")],
            b"",
        );
        assert_eq!(wrong.status, 401, "{target}");
        let bearer = request(
            addr,
            "GET",
            target,
            &[("Authorization", &format!("Bearer {token}"))],
            b"",
        );
        assert_eq!(bearer.status, 200, "{target}");
        let cookie = request(
            addr,
            "GET",
            target,
            &[("Cookie", &format!("other=1; ita_token={token}"))],
            b"",
        );
        assert_eq!(cookie.status, 200, "{target}");
    }
    // Saving without the token changes nothing.
    let file = site.workspace().join(MUNICIPALITY);
    let before = std::fs::read(&file).unwrap();
    assert_eq!(
        put(&server, MUNICIPALITY, b"{}", &workspace::etag(&before)).status,
        401
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // The first visit with ?token= gets a cookie and goes to the page.
    let visit = get(addr, &format!("/?token={token}"));
    assert_eq!(visit.status, 303);
    assert!(
        visit
            .header("set-cookie")
            .unwrap()
            .starts_with(&format!("ita_token={token};"))
    );
    assert!(visit.header("set-cookie").unwrap().contains("HttpOnly"));
    drop(server);

    // A token given is required on loopback too; an empty one is refused at start-up.
    let server = site.serve("127.0.0.1:0", Some("given-secret"));
    assert_eq!(get(server.addr, "/api/packages").status, 401);
    assert_eq!(
        request(
            server.addr,
            "GET",
            "/api/packages",
            &[("Authorization", "Bearer given-secret")],
            b""
        )
        .status,
        200
    );
    assert!(
        web::start(Config {
            token: Some(" ".into()),
            ..config(&site)
        })
        .is_err()
    );
}

#[test]
fn the_command_line_prints_the_token_once_and_the_address_to_open() {
    use std::io::BufRead;
    let site = Site::new("web-cli");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .arg("serve")
        .arg(site.workspace())
        .args(["--addr", "0.0.0.0:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut printed = Vec::new();
    let open = loop {
        let line = lines
            .next()
            .expect("serve prints where to open it")
            .unwrap();
        printed.push(line.clone());
        if let Some((_, url)) = line.split_once("http://")
            && url.contains("/?token=")
        {
            break url.to_owned();
        }
    };
    let (address, token) = open
        .split_once("/?token=")
        .expect("the address and the token");
    let port: u16 = address.rsplit(':').next().unwrap().parse().unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let result = std::panic::catch_unwind(|| {
        assert_eq!(
            printed.iter().filter(|l| l.contains(token)).count(),
            2,
            "{printed:?}"
        );
        assert!(
            printed
                .iter()
                .any(|l| l.starts_with("รหัสเข้าใช้ (สร้างขึ้นสำหรับครั้งนี้ แสดงครั้งเดียว): ")),
            "{printed:?}"
        );
        assert_eq!(get(addr, "/api/packages").status, 401);
        assert_eq!(
            request(
                addr,
                "GET",
                "/api/packages",
                &[("Authorization", &format!("Bearer {token}"))],
                b""
            )
            .status,
            200
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}

fn config(site: &Site) -> Config {
    Config {
        workspace: site.workspace(),
        addr: "127.0.0.1:0".parse().unwrap(),
        token: None,
        templates: None,
        font_dirs: Vec::new(),
    }
}

#[test]
fn on_loopback_a_foreign_host_name_is_refused() {
    // A web page elsewhere cannot reach the server through a name it points at 127.0.0.1.
    let site = Site::new("web-host");
    let server = site.serve("127.0.0.1:0", None);
    let reply = request(
        server.addr,
        "GET",
        "/api/packages",
        &[("Host", "attacker.example:8080")],
        b"",
    );
    assert_eq!(reply.status, 421);
    for host in ["localhost:8080", "127.0.0.1", "[::1]:8080"] {
        assert_eq!(
            request(server.addr, "GET", "/api/packages", &[("Host", host)], b"").status,
            200,
            "{host}"
        );
    }
}

#[test]
fn check_gives_the_command_lines_messages_with_their_json_paths() {
    let site = Site::new("web-check");
    let server = site.serve("127.0.0.1:0", None);
    let text = std::fs::read_to_string(site.workspace().join(MUNICIPALITY))
        .unwrap()
        .replacen("\"score\": 95.55", "\"score\": 105", 1);
    let reply = send(
        &server,
        "POST",
        &format!("/api/check/{MUNICIPALITY}"),
        &[],
        text.as_bytes(),
    );
    assert_eq!(reply.status, 200);
    let checked = reply.json();
    assert_eq!(checked["ok"], false);
    let failure = ita_report::load::load_str(&text, MUNICIPALITY, common::frameworks())
        .expect_err("score 105 is an error");
    let shown: Vec<String> = checked["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["text"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = failure.0.iter().map(|d| d.to_string()).collect();
    assert_eq!(shown, expected);
    assert!(
        checked["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "scores.indicators[0].score" && d["severity"] == "error")
    );

    // A valid package: the contradictions, and the analysis as it will print.
    let text = std::fs::read_to_string(site.workspace().join(MUNICIPALITY)).unwrap();
    let checked = send(
        &server,
        "POST",
        &format!("/api/check/{MUNICIPALITY}"),
        &[],
        text.as_bytes(),
    )
    .json();
    assert_eq!(checked["ok"], true);
    let loaded = ita_report::load::load_str(&text, MUNICIPALITY, common::frameworks()).unwrap();
    let facts =
        ita_report::narrative::derive(&loaded.package, &loaded.framework, &loaded.frameworks);
    assert_eq!(
        checked["generated"]["overall"],
        serde_json::json!(facts.overall.0)
    );
    assert_eq!(
        checked["generated"]["tools"].as_array().unwrap().len(),
        facts.tools.len()
    );
    assert!(
        checked["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "scores.indicators[6].analysis")
    );
}

#[test]
fn the_preview_renders_the_edited_text_and_its_downloads_hold_it() {
    let site = Site::new("web-preview");
    let server = site.serve("127.0.0.1:0", None);
    let file = site.workspace().join(MUNICIPALITY);
    let original = std::fs::read(&file).unwrap();
    let edit = "มาตรการทดสอบหน้าตัวอย่าง";
    let mut value: serde_json::Value = serde_json::from_slice(&original).unwrap();
    value["measures"]["rows"][0]["measure"] = serde_json::json!(edit);
    let text = value.to_string();

    let reply = send(
        &server,
        "POST",
        &format!("/api/preview/{MUNICIPALITY}"),
        &[],
        text.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let preview = reply.json();
    let id = preview["id"].as_str().unwrap();
    let pages = preview["pages"].as_u64().unwrap() as usize;

    // The same document the engine builds from that text.
    let loaded = ita_report::load::load_bytes(
        text.clone().into_bytes(),
        &file,
        MUNICIPALITY,
        common::frameworks(),
    )
    .unwrap();
    let built = common::engine()
        .build(
            &loaded,
            "2568-roiet-municipality",
            &std::env::temp_dir(),
            &Default::default(),
        )
        .unwrap();
    let artifact = &built.artifacts[0];
    assert_eq!(pages, artifact.document.pages().len());
    let texts = common::page_texts(&artifact.document);
    let page = texts
        .iter()
        .position(|t| common::squeeze(t).contains(edit))
        .expect("the edit is printed")
        + 1;

    let png = get(server.addr, &format!("/api/render/{id}/page/{page}"));
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(
        get(server.addr, &format!("/api/render/{id}/page/{}", pages + 1)).status,
        404
    );
    assert_eq!(
        get(server.addr, &format!("/api/render/{id}/page/0")).status,
        404
    );

    let pdf = get(server.addr, &format!("/api/render/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(
        pdf.body, artifact.pdf,
        "the download is the engine's PDF of the edited text"
    );
    assert!(
        pdf.header("content-disposition")
            .unwrap()
            .contains("2568-roiet-municipality.pdf")
    );

    let archival = get(server.addr, &format!("/api/render/{id}/archive"));
    assert_eq!(archival.status, 200, "{}", archival.text());
    let attached = ita_report::archive::attachments(&archival.body).unwrap();
    let package = attached
        .iter()
        .find(|(name, _)| name.ends_with(".json") && !name.ends_with(".facts.json"))
        .expect("the package is attached");
    assert_eq!(
        package.1,
        workspace::pretty(&text).as_bytes(),
        "the archival PDF carries the text previewed, in the form a save writes"
    );

    // A preview that cannot be built says why, field by field; nothing was saved.
    let broken = text.replacen("\"layout\":\"by_indicator\"", "\"layout\":\"sideways\"", 1);
    assert_ne!(broken, text);
    let reply = send(
        &server,
        "POST",
        &format!("/api/preview/{MUNICIPALITY}"),
        &[],
        broken.as_bytes(),
    );
    assert_eq!(reply.status, 422);
    assert!(
        reply.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "measures.layout"),
        "{}",
        reply.text()
    );
    assert_eq!(
        get(server.addr, "/api/render/0123456789abcdef01234567/pdf").status,
        404
    );
    assert_eq!(std::fs::read(&file).unwrap(), original);
}

/// Starts a server for the browser test.
pub fn site_and_server(name: &str) -> (Site, Running) {
    let site = Site::new(name);
    let server = site.serve("127.0.0.1:0", None);
    (site, server)
}

/// The repository folder screenshots go to.
pub fn screens() -> PathBuf {
    root().join("docs/src/screens")
}
