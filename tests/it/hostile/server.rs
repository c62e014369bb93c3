//! The workspace server against cross-site pages, oversized and concurrent requests.
//!
//! Requests are made as an attacker's page would make the clerk's browser make them (a
//! "simple" request: `text/plain`, a form, a foreign `Origin`), on real HTTP over loopback.
//! Memory is read from `/proc` of the server run as its own process (`ita-report serve`).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ita_report::web::{self, workspace};

use crate::http::{Reply, get, request};
use crate::web::{MUNICIPALITY, Site, send};

/// A results sheet as the import test sends it.
const SHEET: &str = "ผลการประเมิน ITA ปี ๒๕๖๖ จังหวัดทดสอบ,,\nชื่อหน่วยงาน,อำเภอ,คะแนนรวม\nเทศบาลตำบลหนึ่ง,เมือง,๙๖.๕๐\nเทศบาลตำบลสอง,เมือง,84.99\n";

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                folders.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// The Thai message of a refusal; it must be Thai, not a bare status.
fn thai_error(reply: &Reply) -> String {
    let message = reply.json()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error message: {}", reply.text()))
        .to_owned();
    assert!(
        message
            .chars()
            .any(|c| ('\u{0E01}'..='\u{0E5B}').contains(&c)),
        "not Thai: {message}"
    );
    message
}

/// `ita-report serve` as a process of its own (so its memory can be read), killed when
/// dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    /// What it printed up to the line that says where it serves.
    printed: Vec<String>,
}

impl Served {
    fn start(workspace: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ita-report"))
            .arg("serve")
            .arg(workspace)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env_remove(web::TOKEN_VARIABLE)
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let mut printed = Vec::new();
        let addr = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("serve stopped before serving: {printed:?}");
            };
            printed.push(line.clone());
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Keep reading what it prints, so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Served {
            child,
            addr,
            printed,
        }
    }

    /// The page's token, read from the page as its script reads it.
    fn csrf(&self, headers: &[(&str, &str)]) -> String {
        page_token(&request(self.addr, "GET", "/", headers, b""))
    }

    /// The most memory the process has held (VmHWM), in MB.
    fn peak_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc");
        kb / 1024
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token the page carries for its script (`<meta name="ita-csrf" content="…">`).
fn page_token(page: &Reply) -> String {
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    let at = text
        .find("name=\"ita-csrf\" content=\"")
        .expect("the page carries its token");
    let rest = &text[at + "name=\"ita-csrf\" content=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A request that differs from the page's own in the headers given.
struct Attempt {
    what: &'static str,
    headers: Vec<(&'static str, String)>,
    status: u16,
}

/// The headers of every way a page elsewhere could reach a changing endpoint, and the
/// refusal each gets. `kind` is the endpoint's body type; `own` and `other` are origins.
fn attempts(kind: &str, csrf: &str, own: &str, other: &str) -> Vec<Attempt> {
    let t = |s: &str| s.to_owned();
    let attempt = |what, headers: &[(&'static str, &str)], status| Attempt {
        what,
        headers: headers.iter().map(|(n, v)| (*n, t(v))).collect(),
        status,
    };
    vec![
        attempt(
            "a simple request from another site",
            &[
                ("Content-Type", "text/plain;charset=UTF-8"),
                ("Origin", "https://attacker.example"),
                ("Sec-Fetch-Site", "cross-site"),
                ("Sec-Fetch-Mode", "no-cors"),
            ],
            403,
        ),
        attempt(
            "a form of a sandboxed page",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", "null"),
            ],
            403,
        ),
        attempt(
            "a page on another port with the body type and the token",
            &[
                ("Content-Type", kind),
                ("Origin", other),
                ("Sec-Fetch-Site", "same-site"),
                ("X-ITA-CSRF", csrf),
            ],
            403,
        ),
        attempt(
            "another port by Origin alone",
            &[
                ("Content-Type", kind),
                ("Origin", other),
                ("X-ITA-CSRF", csrf),
            ],
            403,
        ),
        attempt(
            "same-site by Sec-Fetch-Site alone",
            &[
                ("Content-Type", kind),
                ("Sec-Fetch-Site", "same-site"),
                ("X-ITA-CSRF", csrf),
            ],
            403,
        ),
        attempt(
            "the own origin without the page's token",
            &[
                ("Content-Type", kind),
                ("Origin", own),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            403,
        ),
        attempt(
            "a wrong token",
            &[
                ("Content-Type", kind),
                ("X-ITA-CSRF", "0123456789abcdef0123456789abcdef"),
            ],
            403,
        ),
        attempt(
            "the page's token with a text/plain body",
            &[
                ("Content-Type", "text/plain"),
                ("Origin", own),
                ("X-ITA-CSRF", csrf),
            ],
            415,
        ),
    ]
}

#[test]
fn a_cross_site_simple_request_is_refused_and_writes_nothing() {
    let site = Site::new("server-csrf");
    let server = site.serve("127.0.0.1:0", None);
    let ws = site.workspace();
    let tag = workspace::etag(&std::fs::read(ws.join(MUNICIPALITY)).unwrap());
    let own = format!("http://{}", server.addr);
    let other = format!(
        "http://127.0.0.1:{}",
        server.addr.port().wrapping_add(1).max(1)
    );
    let entry = recycled_entry(&server, "2566-roiet-announcement.json");
    let endpoints = changing_endpoints(&ws, &entry);
    let before = snapshot(&ws);
    for (method, target, body, kind) in &endpoints {
        for attempt in attempts(kind, &server.csrf, &own, &other) {
            let mut headers: Vec<(&str, &str)> = attempt
                .headers
                .iter()
                .map(|(n, v)| (*n, v.as_str()))
                .collect();
            headers.push(("If-Match", &tag));
            let reply = request(server.addr, method, target, &headers, body);
            assert_eq!(
                reply.status,
                attempt.status,
                "{method} {target}, {}: {}",
                attempt.what,
                reply.text()
            );
            thai_error(&reply);
            assert!(
                reply.json().get("id").is_none() && reply.json().get("diagnostics").is_none(),
                "{}: no work was done: {}",
                attempt.what,
                reply.text()
            );
            assert_eq!(snapshot(&ws), before, "{method} {target}, {}", attempt.what);
        }
    }
    // The refusals are the guard's: the same requests as the page sends them are taken.
    for (method, target, body, kind) in &endpoints {
        let reply = request(
            server.addr,
            method,
            target,
            &[
                ("Content-Type", kind),
                ("Origin", &own),
                ("Sec-Fetch-Site", "same-origin"),
                ("X-ITA-CSRF", &server.csrf),
                ("If-Match", &tag),
            ],
            body,
        );
        assert!(
            matches!(reply.status, 200 | 201),
            "{method} {target}: {}",
            reply.text()
        );
    }
    assert_ne!(snapshot(&ws), before);
}

/// The entry in the recycle folder of package `name`, deleted as the page deletes it.
fn recycled_entry(server: &web::Running, name: &str) -> String {
    let deleted = send(server, "DELETE", &format!("/api/packages/{name}"), &[], b"");
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    deleted.json()["recycled"]
        .as_str()
        .unwrap_or_else(|| panic!("the entry: {}", deleted.text()))
        .to_owned()
}

/// Every endpoint that writes or works (method, target, body, body type), with a body it
/// takes; `entry` is a package in the recycle folder to restore. In this order each is
/// taken when the page sends it.
fn changing_endpoints(
    ws: &Path,
    entry: &str,
) -> Vec<(&'static str, String, Vec<u8>, &'static str)> {
    let package = std::fs::read(ws.join(MUNICIPALITY)).unwrap();
    let edited = String::from_utf8(package.clone()).unwrap().replacen(
        "เทศบาลเมืองร้อยเอ็ด",
        "ถูกแก้โดยหน้าเว็บอื่น",
        1,
    );
    let json = "application/json";
    vec![
        (
            "POST",
            "/api/new".into(),
            r#"{"agency": "หน่วยงานของผู้บุกรุก", "year": 2568}"#.into(),
            json,
        ),
        (
            "POST",
            "/api/import/r.csv?year=2566&per_agency=1".into(),
            SHEET.into(),
            "text/csv",
        ),
        (
            "POST",
            format!("/api/preview/{MUNICIPALITY}"),
            package.clone(),
            json,
        ),
        (
            "POST",
            format!("/api/check/{MUNICIPALITY}"),
            package.clone(),
            json,
        ),
        (
            "PUT",
            format!("/api/packages/{MUNICIPALITY}"),
            edited.into_bytes(),
            json,
        ),
        (
            "POST",
            "/api/rename".into(),
            r#"{"from": "2566-roiet-progress.json", "to": "เปลี่ยนชื่อโดยผู้บุกรุก"}"#.into(),
            json,
        ),
        (
            "POST",
            "/api/duplicate".into(),
            r#"{"from": "2566-roiet-province.json", "to": "สำเนาของผู้บุกรุก"}"#.into(),
            json,
        ),
        (
            "DELETE",
            "/api/packages/2567-roiet-education-office.json".into(),
            Vec::new(),
            json,
        ),
        (
            "POST",
            "/api/restore".into(),
            serde_json::json!({ "entry": entry })
                .to_string()
                .into_bytes(),
            json,
        ),
        (
            "POST",
            format!("/api/download/{MUNICIPALITY}?kind=pdf"),
            package.clone(),
            json,
        ),
    ]
}

#[test]
fn with_a_token_a_page_on_another_port_that_has_the_cookie_writes_nothing() {
    let site = Site::new("server-cookie");
    let server = site.serve("127.0.0.1:0", Some("given-secret"));
    let cookie = "ita_token=given-secret";
    let own = format!("http://{}", server.addr);
    let other = format!(
        "http://127.0.0.1:{}",
        server.addr.port().wrapping_add(1).max(1)
    );
    let before = snapshot(&site.workspace());
    let body = r#"{"agency": "หน่วยงานของผู้บุกรุก", "year": 2568}"#.as_bytes();
    // A SameSite=Strict cookie goes with requests from another port of the same host.
    for attempt in attempts("application/json", &server.csrf, &own, &other) {
        let mut headers: Vec<(&str, &str)> = vec![("Cookie", cookie)];
        headers.extend(attempt.headers.iter().map(|(n, v)| (*n, v.as_str())));
        let reply = request(server.addr, "POST", "/api/new", &headers, body);
        assert_eq!(reply.status, attempt.status, "{}", attempt.what);
        thai_error(&reply);
    }
    assert_eq!(snapshot(&site.workspace()), before);
    // The page's own request with the cookie is taken.
    let reply = request(
        server.addr,
        "POST",
        "/api/new",
        &[
            ("Cookie", cookie),
            ("Origin", &own),
            ("Sec-Fetch-Site", "same-origin"),
            ("Content-Type", "application/json"),
            ("X-ITA-CSRF", &server.csrf),
        ],
        body,
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
}

#[test]
fn data_is_not_readable_from_another_origin() {
    let site = Site::new("server-cors");
    let server = site.serve("127.0.0.1:0", None);
    let package = format!("/api/packages/{MUNICIPALITY}");
    for target in ["/api/packages", package.as_str(), "/api/schema"] {
        let plain = request(
            server.addr,
            "GET",
            target,
            &[("Origin", "https://attacker.example")],
            b"",
        );
        assert_eq!(plain.status, 200, "{target}");
        assert!(
            !plain
                .headers
                .iter()
                .any(|(n, _)| n.starts_with("access-control-")),
            "{target}: {:?}",
            plain.headers
        );
        assert_eq!(
            plain.header("cross-origin-resource-policy"),
            Some("same-origin")
        );
        for site_header in ["cross-site", "same-site"] {
            let reply = request(
                server.addr,
                "GET",
                target,
                &[("Sec-Fetch-Site", site_header)],
                b"",
            );
            assert_eq!(reply.status, 403, "{target} {site_header}");
            assert!(!reply.text().contains("ร้อยเอ็ด"), "{target}");
            thai_error(&reply);
        }
        for site_header in ["same-origin", "none"] {
            let reply = request(
                server.addr,
                "GET",
                target,
                &[("Sec-Fetch-Site", site_header)],
                b"",
            );
            assert_eq!(reply.status, 200, "{target} {site_header}");
        }
    }
    // A preflight for the page's header is not granted.
    let preflight = request(
        server.addr,
        "OPTIONS",
        "/api/new",
        &[
            ("Origin", "https://attacker.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type, x-ita-csrf"),
        ],
        b"",
    );
    assert!(
        !preflight
            .headers
            .iter()
            .any(|(n, _)| n.starts_with("access-control-")),
        "{:?}",
        preflight.headers
    );
    assert!(preflight.status >= 400, "{}", preflight.status);
}

#[test]
fn the_page_carries_its_token_and_another_server_has_another() {
    let site = Site::new("server-page-token");
    let server = site.serve("127.0.0.1:0", None);
    let page = get(server.addr, "/");
    assert_eq!(page_token(&page), server.csrf);
    assert_eq!(server.csrf.len(), 32);
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    let second = site.serve("127.0.0.1:0", None);
    assert_ne!(second.csrf, server.csrf);
    // The token of another server is refused.
    let reply = request(
        second.addr,
        "POST",
        "/api/new",
        &[
            ("Content-Type", "application/json"),
            ("X-ITA-CSRF", &server.csrf),
        ],
        r#"{"agency": "ก", "year": 2568}"#.as_bytes(),
    );
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json()["reason"], "csrf", "the page renews its token");
}

/// `{"a": [[[…1,1,1…]]]}` of about `bytes` bytes, `depth` arrays deep.
fn nested(depth: usize, bytes: usize) -> Vec<u8> {
    let mut body = b"{\"a\": ".to_vec();
    body.extend(std::iter::repeat_n(b'[', depth));
    while body.len() + depth + 4 < bytes {
        body.extend_from_slice(b"1,");
    }
    body.push(b'1');
    body.extend(std::iter::repeat_n(b']', depth));
    body.push(b'}');
    body
}

#[test]
fn deep_and_wide_saves_are_refused_before_parsing_with_bounded_memory() {
    let site = Site::new("server-deep");
    let ws = site.workspace();
    let served = Served::start(&ws, &[], &[]);
    let csrf = served.csrf(&[]);
    let tag = workspace::etag(&std::fs::read(ws.join(MUNICIPALITY)).unwrap());
    assert_eq!(get(served.addr, "/api/packages").status, 200);
    let baseline = served.peak_mb();
    let before = snapshot(&ws);
    // 7.8 MB each: 100 deep (the parser allows 128, and re-indenting wrote 200 spaces before
    // each of 3.9 million values), and 20 deep with 3.9 million values.
    let bodies = Arc::new([nested(100, 7_800_000), nested(20, 7_800_000)]);
    let barrier = Arc::new(Barrier::new(4));
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|k| {
            let (bodies, barrier, csrf, tag) =
                (bodies.clone(), barrier.clone(), csrf.clone(), tag.clone());
            let addr = served.addr;
            std::thread::spawn(move || {
                barrier.wait();
                let body = &bodies[k % 2];
                let reply = request(
                    addr,
                    "PUT",
                    &format!("/api/packages/{MUNICIPALITY}"),
                    &[
                        ("Content-Type", "application/json"),
                        ("X-ITA-CSRF", &csrf),
                        ("If-Match", &tag),
                    ],
                    body,
                );
                (reply.status, thai_error(&reply), started.elapsed())
            })
        })
        .collect();
    for thread in threads {
        let (status, message, took) = thread.join().unwrap();
        assert_eq!(status, 413, "{message}");
        assert!(
            message.contains("ลึกเกิน 32 ชั้น") || message.contains("เกิน 200000 ค่า"),
            "{message}"
        );
        assert!(took < Duration::from_secs(30), "answered in {took:?}");
    }
    // Under both bounds, but its stable form (one value a line, indented) over 8 MB.
    let wide = nested(30, 400_000);
    let reply = send_to(&served, &csrf, "PUT", MUNICIPALITY, &tag, &wide);
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert!(thai_error(&reply).contains("ใหญ่เกิน"));
    // The check and the preview bound their bodies the same way.
    for kind in ["check", "preview"] {
        let reply = request(
            served.addr,
            "POST",
            &format!("/api/{kind}/{MUNICIPALITY}"),
            &[("Content-Type", "application/json"), ("X-ITA-CSRF", &csrf)],
            &bodies[0],
        );
        assert_eq!(reply.status, 413, "{kind}: {}", reply.text());
    }
    assert_eq!(snapshot(&ws), before);
    let peak = served.peak_mb();
    println!("server memory: {baseline} MB before, {peak} MB at most");
    assert!(
        peak < baseline + 200,
        "the refused bodies took {} MB",
        peak - baseline
    );
}

fn send_to(served: &Served, csrf: &str, method: &str, name: &str, tag: &str, body: &[u8]) -> Reply {
    request(
        served.addr,
        method,
        &format!("/api/packages/{name}"),
        &[
            ("Content-Type", "application/json"),
            ("X-ITA-CSRF", csrf),
            ("If-Match", tag),
        ],
        body,
    )
}

#[test]
fn heavy_requests_beyond_the_limit_are_answered_503_in_thai() {
    let site = Site::new("server-busy");
    let server = Arc::new(site.serve("127.0.0.1:0", None));
    let text = std::fs::read_to_string(site.workspace().join(MUNICIPALITY)).unwrap();
    // Eight different texts (a preview of a text already built is not built again), and two
    // imports.
    let count = 10;
    let barrier = Arc::new(Barrier::new(count));
    let threads: Vec<_> = (0..count)
        .map(|k| {
            let (server, barrier) = (server.clone(), barrier.clone());
            let body = text.replacen("เทศบาลเมืองร้อยเอ็ด", &format!("เทศบาลทดสอบที่ {k}"), 1);
            std::thread::spawn(move || {
                let (target, body, kind) = if k < 8 {
                    (
                        format!("/api/preview/{MUNICIPALITY}"),
                        body,
                        "application/json",
                    )
                } else {
                    (
                        format!("/api/import/r{k}.csv?year=2566"),
                        SHEET.replace("ทดสอบ", ["ทดสอบก", "ทดสอบข"][k % 2]),
                        "text/csv",
                    )
                };
                barrier.wait();
                send(
                    &server,
                    "POST",
                    &target,
                    &[("Content-Type", kind)],
                    body.as_bytes(),
                )
            })
        })
        .collect();
    let replies: Vec<Reply> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 201 | 503)),
        "{statuses:?}"
    );
    assert!(
        busy.len() >= count - 2 * web::HEAVY_AT_ONCE,
        "at most {} at once: {statuses:?}",
        web::HEAVY_AT_ONCE
    );
    assert!(statuses.iter().any(|s| *s != 503), "{statuses:?}");
    for reply in busy {
        assert!(thai_error(reply).contains("โปรดรอสักครู่"));
        assert_eq!(reply.header("retry-after"), Some("2"));
    }
    // Once the work is done, the permits are back.
    let again = send(
        &server,
        "POST",
        &format!("/api/preview/{MUNICIPALITY}"),
        &[],
        text.as_bytes(),
    );
    assert_eq!(again.status, 200, "{}", again.text());
}

#[test]
fn serve_removes_the_temporary_files_of_a_save_killed_before_its_rename() {
    let site = Site::new("server-stale");
    let ws = site.workspace();
    std::fs::create_dir(ws.join("อำเภอ")).unwrap();
    // A process that has ended, and one still running.
    let mut ended = Command::new("true").spawn().unwrap();
    ended.wait().unwrap();
    let mut running = Command::new("sleep").arg("60").spawn().unwrap();
    // Named as a save names its temporary file ([`ita_report::sharing::temp_name`]).
    let host = ita_report::sharing::host();
    let temp =
        |dir: &Path, pid: u32| dir.join(format!(".ita-report-{MUNICIPALITY}.0~{host}~{pid}.tmp"));
    let stale = [temp(&ws, ended.id()), temp(&ws.join("อำเภอ"), ended.id())];
    let live = temp(&ws, running.id());
    for file in stale.iter().chain([&live]) {
        std::fs::write(file, "{\"agency\": ").unwrap();
    }
    let served = Served::start(&ws, &[], &[]);
    let _ = running.kill();
    let _ = running.wait();
    for file in &stale {
        assert!(!file.exists(), "{} left", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(
            served
                .printed
                .iter()
                .any(|l| l.contains("ลบแฟ้มชั่วคราว") && l.contains(name.as_ref())),
            "{:?}",
            served.printed
        );
    }
    assert!(live.exists(), "the file of a running save stays");
    // The packages are untouched and still listed.
    assert_eq!(
        std::fs::read(ws.join(MUNICIPALITY)).unwrap(),
        std::fs::read(crate::common::root().join("inputs").join(MUNICIPALITY)).unwrap()
    );
}

#[test]
fn a_blank_or_very_long_agency_name_gets_a_message_about_the_data() {
    let site = Site::new("server-names");
    let server = site.serve("127.0.0.1:0", None);
    let new = |agency: &str| {
        let body = serde_json::json!({ "agency": agency, "year": 2568 }).to_string();
        send(&server, "POST", "/api/new", &[], body.as_bytes())
    };
    let before = snapshot(&site.workspace());
    for blank in ["", "   ", "\u{202e}", "\u{7}\u{202e} \u{2066}", "\u{200b}"] {
        let reply = new(blank);
        assert_eq!(reply.status, 400, "{blank:?}: {}", reply.text());
        let message = thai_error(&reply);
        assert!(
            message.contains("ชื่อหน่วยงาน") && !message.contains("internal error"),
            "{blank:?}: {message}"
        );
    }
    let far_too_long = "ก".repeat(web::api::AGENCY_CHARS + 1);
    let reply = new(&far_too_long);
    assert_eq!(reply.status, 400);
    assert!(thai_error(&reply).contains("ชื่อหน่วยงานยาว"));
    assert_eq!(snapshot(&site.workspace()), before);

    // 90 Thai letters: 270 bytes of name, more than a file system takes in one file name.
    // Made (under a shortened name) or refused naming the agency name, never a 500.
    let long = format!("องค์การบริหารส่วนตำบล{}", "ก".repeat(69));
    let reply = new(&long);
    let text = reply.text();
    assert!(
        !text.contains("internal error") && !text.contains("File name too long"),
        "{text}"
    );
    match reply.status {
        201 => {
            let name = reply.json()["name"].as_str().unwrap().to_owned();
            assert!(name.len() <= 255, "{name}");
            let made = std::fs::read_to_string(site.workspace().join(&name)).unwrap();
            assert!(made.contains(&long), "the agency keeps its whole name");
        }
        400 => {
            assert!(thai_error(&reply).contains("ชื่อหน่วยงาน"), "{text}");
            assert_eq!(snapshot(&site.workspace()), before);
        }
        other => panic!("{other}: {text}"),
    }
    // The same through an import of one agency per row.
    let sheet = format!(
        "ผลการประเมิน ITA ปี ๒๕๖๖ จังหวัดทดสอบ,,\nชื่อหน่วยงาน,อำเภอ,คะแนนรวม\n{long},เมือง,๙๖.๕๐\n,เมือง,80\n"
    );
    let reply = send(
        &server,
        "POST",
        "/api/import/long.csv?year=2566&per_agency=1",
        &[("Content-Type", "text/csv")],
        sheet.as_bytes(),
    );
    let text = reply.text();
    assert!(
        matches!(reply.status, 201 | 400),
        "{}: {text}",
        reply.status
    );
    assert!(
        !text.contains("internal error") && !text.contains("File name too long"),
        "{text}"
    );
    if reply.status == 400 {
        thai_error(&reply);
    }
}

#[test]
fn the_token_is_read_from_a_file_or_the_environment() {
    let site = Site::new("server-token");
    let file = site.scratch.path().join("token.txt");
    std::fs::write(&file, "from-the-file\n").unwrap();
    let read = |given: Option<&str>, file: Option<&Path>, variable: Option<&str>| {
        web::read_token(given.map(str::to_owned), file, variable.map(str::to_owned))
            .map_err(|d| d.to_string())
    };
    assert_eq!(
        read(None, Some(&file), Some("from-env"))
            .unwrap()
            .as_deref(),
        Some("from-the-file")
    );
    assert_eq!(
        read(None, None, Some(" from-env\n")).unwrap().as_deref(),
        Some("from-env")
    );
    assert_eq!(read(None, None, None).unwrap(), None);
    std::fs::write(site.scratch.path().join("empty.txt"), "\n").unwrap();
    for bad in [
        read(None, Some(&site.scratch.path().join("empty.txt")), None),
        read(None, Some(&site.scratch.path().join("missing.txt")), None),
        read(Some("two words"), None, None),
        read(None, None, Some("ไทย")),
    ] {
        assert!(bad.is_err(), "{bad:?}");
    }

    // Through the binary: the token is not on its command line, and is required.
    let ws = site.workspace();
    for (args, env) in [
        (vec!["--token-file", file.to_str().unwrap()], vec![]),
        (vec![], vec![(web::TOKEN_VARIABLE, "from-the-file")]),
    ] {
        let mut served = Served::start(&ws, &args, &env);
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", served.child.id())).unwrap();
        assert!(!String::from_utf8_lossy(&cmdline).contains("from-the-file"));
        assert_eq!(get(served.addr, "/api/packages").status, 401);
        let bearer = [("Authorization", "Bearer from-the-file")];
        assert_eq!(
            request(served.addr, "GET", "/api/packages", &bearer, b"").status,
            200
        );
        assert_eq!(served.csrf(&bearer).len(), 32);
        assert!(served.alive());
    }
    // On the command line it still works, with a warning that `ps` shows it.
    let served = Served::start(&ws, &["--token", "on-the-line"], &[]);
    assert!(
        served
            .printed
            .iter()
            .any(|l| l.contains("--token-file") && l.contains(web::TOKEN_VARIABLE)),
        "{:?}",
        served.printed
    );
    drop(served);
    let both = super::ita_report(
        site.scratch.path(),
        &[
            "serve",
            "ws",
            "--token",
            "a",
            "--token-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(both.status.code(), Some(2));
}

/// Mutations of one request: methods, paths, headers and bodies an attacker would try.
struct Mutator {
    seed: u64,
}

impl Mutator {
    fn next(&mut self, n: usize) -> usize {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }

    /// A body: the package cut, spliced, deepened, with bytes changed, or garbage.
    fn body(&mut self, package: &[u8]) -> Vec<u8> {
        let mut body = package.to_vec();
        for _ in 0..1 + self.next(4) {
            let at = self.next(body.len().max(1));
            match self.next(7) {
                0 => body.truncate(at),
                1 => {
                    let byte = [b'{', b'[', b'"', b'\\', 0xff, 0xe0, b'\0', b','][self.next(8)];
                    body.insert(at.min(body.len()), byte);
                }
                2 => {
                    let depth = 1 + self.next(200);
                    let mut deep = vec![b'['; depth];
                    deep.extend(vec![b']'; depth]);
                    body.splice(at.min(body.len())..at.min(body.len()), deep);
                }
                3 => {
                    let len = self.next(4000).min(body.len() - at.min(body.len()));
                    let piece = body[at.min(body.len())..at.min(body.len()) + len].to_vec();
                    body.splice(at.min(body.len())..at.min(body.len()), piece);
                }
                4 => {
                    if let Some(b) = body.get_mut(at) {
                        *b = self.next(256) as u8;
                    }
                }
                5 => body = (0..self.next(2000)).map(|_| self.next(256) as u8).collect(),
                _ => {
                    let piece = self.pick(&[
                        "1e999999",
                        "-0",
                        "\"\\ud800\"",
                        "null",
                        "\"fiscal_year\": 2400, ",
                        "\"agency\": {}, ",
                        "\"__proto__\": 1, ",
                    ]);
                    body.splice(at.min(body.len())..at.min(body.len()), piece.bytes());
                }
            }
        }
        body
    }

    /// An endpoint with its method and body type, and a package name as written, escaped,
    /// or hostile.
    fn target(&mut self) -> (&'static str, String, &'static str) {
        let name = self.pick(&[
            MUNICIPALITY,
            MUNICIPALITY,
            "2566-roiet-province.json",
            "../outside/secret.json",
            "%2e%2e%2fx.json",
            "a/../../b.json",
            "ไม่มี.json",
            "x.json%00",
            "%ff%fe.json",
            "",
            "a//b.json",
        ]);
        let long = "ก".repeat(1 + self.next(200));
        let name = if self.next(10) == 0 {
            long.as_str()
        } else {
            name
        };
        let json = "application/json";
        match self.next(15) {
            0 => ("PUT", format!("/api/packages/{name}"), json),
            1 | 2 => ("POST", format!("/api/check/{name}"), json),
            3 => ("POST", format!("/api/preview/{name}"), json),
            4 => ("POST", "/api/new".to_owned(), json),
            5 => (
                "POST",
                format!(
                    "/api/import/{name}?year={}&per_agency={}",
                    self.pick(&["2566", "2568", "x", "99999999999", ""]),
                    self.next(2)
                ),
                "text/csv",
            ),
            6 => (
                "GET",
                format!(
                    "/api/render/{}/page/{}",
                    self.pick(&["0", "abc", name]),
                    self.next(5)
                ),
                "",
            ),
            7 => ("GET", format!("/api/render/{name}/archive"), ""),
            8 => ("GET", format!("/api/packages/{name}"), ""),
            9 => ("GET", "/api/packages".to_owned(), ""),
            10 => (
                "GET",
                format!(
                    "/api/render/{}/where?field={}",
                    self.pick(&["0", name]),
                    self.pick(&["/measures/rows/0", "", "/x/99", "%2F%2F", name])
                ),
                "",
            ),
            11 => ("POST", format!("/api/download/{name}?kind=pdf"), json),
            // A deleted, renamed or copied package is one the rest of the run no longer
            // finds under its name, which is part of what is tried.
            12 => ("DELETE", format!("/api/packages/{name}"), json),
            13 => (
                "POST",
                self.pick(&["/api/rename", "/api/duplicate", "/api/restore"])
                    .to_owned(),
                json,
            ),
            _ => ("GET", format!("/{name}?token={name}"), ""),
        }
    }
}

/// A bounded fuzz run over the web API (fixed seeds, a few seconds): no panic, no 5xx, the
/// server alive, nothing outside the workspace touched, memory under a stated bound.
#[test]
fn a_mutation_run_over_the_web_api_gives_no_5xx_and_bounded_memory() {
    /// What the server may hold at most, in MB: about 50 idle, 140 seen at most in this run
    /// (a few previews built).
    const MEMORY_MB: u64 = 512;
    let site = Site::new("server-fuzz");
    let ws = site.workspace();
    let mut served = Served::start(&ws, &[], &[]);
    let csrf = served.csrf(&[]);
    let package = std::fs::read(ws.join(MUNICIPALITY)).unwrap();
    let outside = std::fs::read(site.outside()).unwrap();
    let started = Instant::now();
    let mut statuses = BTreeMap::new();
    for seed in [
        0x9E37_79B9_7F4A_7C15_u64,
        0x2545_F491_4F6C_DD1D,
        0xDEAD_BEEF_CAFE_F00D,
    ] {
        let mut m = Mutator { seed };
        for round in 0..400 {
            // Mostly what the page sends, so that the handlers see the mutated bodies; now
            // and then another method, body type, origin, or no token.
            let (mut method, target, mut kind) = m.target();
            if m.next(8) == 0 {
                method = m.pick(&["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
            }
            if m.next(8) == 0 {
                kind = m.pick(&[
                    "application/json; charset=utf-8",
                    "application/octet-stream",
                    "text/plain",
                    "multipart/form-data; boundary=x",
                ]);
            }
            let mut headers: Vec<(&str, String)> = vec![("Content-Type", kind.to_owned())];
            if m.next(10) > 0 {
                headers.push(("X-ITA-CSRF", csrf.clone()));
            }
            if m.next(10) == 0 {
                let origin = m.pick(&["https://attacker.example", "null", "http://127.0.0.1:1"]);
                headers.push(("Origin", origin.to_owned()));
            }
            if m.next(3) > 0 {
                let etag =
                    workspace::etag(&std::fs::read(ws.join(MUNICIPALITY)).unwrap_or_default());
                headers.push(("If-Match", etag));
            }
            let body = if kind == "text/csv" && m.next(2) == 0 {
                SHEET.as_bytes().to_vec()
            } else {
                m.body(if kind == "text/csv" {
                    SHEET.as_bytes()
                } else {
                    &package
                })
            };
            let refs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let reply = request(served.addr, method, &target, &refs, &body);
            assert!(
                reply.status < 500,
                "seed {seed:x} round {round}: {method} {target} {kind} gave {}: {}",
                reply.status,
                reply.text()
            );
            *statuses.entry(reply.status).or_insert(0) += 1;
            assert!(
                served.alive(),
                "seed {seed:x} round {round}: the server died"
            );
        }
    }
    let peak = served.peak_mb();
    println!(
        "{} s, statuses {statuses:?}, memory at most {peak} MB",
        started.elapsed().as_secs()
    );
    assert_eq!(std::fs::read(site.outside()).unwrap(), outside);
    assert!(peak < MEMORY_MB, "the server held {peak} MB");
    assert!(
        statuses.keys().any(|s| *s < 300),
        "some requests were taken: {statuses:?}"
    );
}
