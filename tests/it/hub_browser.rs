//! `ita-report hub` in three headless Chromium windows (WebDriver): the administrator logs
//! in, imports a results sheet and invites two agencies; each sets a password from the
//! one-time link; agency A edits (through the API the clerk's form uses, from A's page) and
//! submits; agency B cannot open A's package by link, by API or by guessing numbers; the
//! administrator comments and returns it; A fixes and submits again; the administrator
//! approves; the dashboard shows each state.
//!
//! The WebDriver plumbing is a small copy of `browser.rs`'s (private there). Without chromium
//! and chromedriver the test says it skipped, except under `CI=true`, where it fails.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Scratch;
use crate::http::{get, request};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const PASSWORD: &str = "รหัสผ่านทดสอบ-2568";
/// The form's preview shows a built page (as `browser.rs` waits for it).
const PREVIEW_SHOWN: &str = "const p = document.querySelector('#preview'); const i = p && p.querySelector('img'); return !!p && p.dataset.state === 'ready' && !!i && i.complete && i.naturalWidth > 0;";

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Driver {
    fn start(chromedriver: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        wait_for("chromedriver", || {
            std::net::TcpStream::connect(driver.addr).is_ok()
                && get(driver.addr, "/status").json()["value"]["ready"] == true
        });
        driver
    }

    fn call(&self, method: &str, target: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let reply = request(
            self.addr,
            method,
            target,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        let value = reply.json();
        assert_eq!(reply.status, 200, "WebDriver {method} {target}: {value}");
        value["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Browser<'d> {
    driver: &'d Driver,
    session: String,
    base: String,
}

impl<'d> Browser<'d> {
    fn open(driver: &'d Driver, chromium: &PathBuf, base: &str) -> Browser<'d> {
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,900", "--lang=th-TH"],
            },
        } } });
        let value = driver.call("POST", "/session", Some(capabilities));
        let session = value["sessionId"].as_str().expect("a session").to_owned();
        Browser {
            driver,
            session,
            base: base.to_owned(),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn go(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn script(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an async script (its last argument is the callback) and answers its value.
    fn script_async(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn text(&self) -> String {
        self.script("return document.body.innerText;", json!([]))
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn html(&self) -> String {
        self.script("return document.documentElement.outerHTML;", json!([]))
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn login(&self, user: &str) {
        self.go("/login");
        self.type_into("input[name=login]", user);
        self.type_into("input[name=password]", PASSWORD);
        self.click("form.box button");
        wait_for("the dashboard", || {
            self.script(
                "return !!document.querySelector(\"meta[name='ita-csrf']\");",
                json!([]),
            ) == true
        });
    }

    /// The status of a `fetch` from the open page, with its CSRF token, and the answer.
    fn fetch(&self, method: &str, path: &str, body: Option<&str>, headers: Value) -> (u64, String) {
        let script = "const [method, path, body, extra, done] = arguments;\
            const csrf = document.querySelector(\"meta[name='ita-csrf']\")?.content || '';\
            fetch(path, { method, body, credentials: 'same-origin', headers: { 'X-ITA-CSRF': csrf, 'Content-Type': 'application/json', ...extra } })\
              .then(async r => done([r.status, await r.text(), r.headers.get('etag')])).catch(e => done([0, String(e), null]));";
        let value = self.script_async(script, json!([method, path, body, headers]));
        let status = value[0].as_u64().unwrap_or(0);
        let text = format!(
            "{}\n{}",
            value[1].as_str().unwrap_or(""),
            value[2].as_str().unwrap_or("")
        );
        (status, text)
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = request(
            self.driver.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            b"",
        );
    }
}

/// Sets a password through the one-time link the administrator's page shows.
fn set_password(browser: &Browser, link: &str) {
    browser.go(link);
    browser.type_into("input[name=password]", PASSWORD);
    browser.type_into("input[name=again]", PASSWORD);
    browser.click("form.box button");
    wait_for("the login page", || {
        browser.script("return location.pathname;", json!([])) == "/login"
    });
}

/// The administrator's page: a new editor of the agency whose option names `agency`; the link.
fn invite(admin: &Browser, login: &str, agency: &str) -> String {
    admin.go("/users");
    admin.type_into("input[name=login]", login);
    admin.type_into("input[name=name]", &format!("เจ้าหน้าที่ {login}"));
    let chosen = admin.script(
        "const s = document.querySelector('select[name=agency]'); const o = [...s.options].find(o => o.text.startsWith(arguments[0])); s.value = o.value; return o.value;",
        json!([agency]),
    );
    assert!(chosen.is_string(), "{agency} is offered");
    admin.click("form.box button");
    wait_for("the link", || {
        admin.script("return !!document.querySelector('code.link');", json!([])) == true
    });
    admin
        .script(
            "return document.querySelector('code.link').textContent;",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_owned()
}

fn package_id(browser: &Browser, agency: &str) -> String {
    browser.go("/");
    let href = browser.script(
        "const a = [...document.querySelectorAll('table.packages a')].find(a => a.textContent === arguments[0]); return a ? a.getAttribute('href') : null;",
        json!([agency]),
    );
    href.as_str()
        .expect("the agency is listed")
        .trim_start_matches("/packages/")
        .to_owned()
}

/// A's edit from A's page: the current package read, its phone changed, saved with If-Match.
fn edit(browser: &Browser, name: &str, phone: &str) {
    let path = format!("/api/packages/{}", urlencode(name));
    let (status, text) = browser.fetch("GET", &path, None, json!({}));
    assert_eq!(status, 200, "{text}");
    let (body, etag) = text.rsplit_once('\n').unwrap();
    let mut value: Value = serde_json::from_str(body).unwrap();
    value["agency"]["phone"] = Value::from(phone);
    let (status, text) = browser.fetch(
        "PUT",
        &path,
        Some(&value.to_string()),
        json!({ "If-Match": etag }),
    );
    assert_eq!(status, 200, "{text}");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn state_of(admin: &Browser, id: &str) -> String {
    admin.go("/");
    admin
        .script("const a = document.querySelector(`table.packages a[href='/packages/${arguments[0]}']`); return a ? a.closest('tr').dataset.state : null;", json!([id]))
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn three_browsers_import_invite_edit_submit_isolate_return_fix_approve() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let (Some(chromium), Some(chromedriver)) = (
        which(&["chromium", "chromium-browser", "google-chrome"]),
        which(&["chromedriver"]),
    ) else {
        assert!(!ci, "CI=true but chromium/chromedriver not found");
        println!("skipped: chromium/chromedriver not found");
        return;
    };
    let scratch = Scratch::new("hub-browser");
    let running = ita_report::hub::start(ita_report::hub::Config {
        data: scratch.path().join("data"),
        addr: "127.0.0.1:0".parse().unwrap(),
        templates: None,
        font_dirs: Vec::new(),
    })
    .unwrap_or_else(|d| panic!("the hub starts: {d}"));
    let store = &running.hub.store;
    let token = ita_report::hub::auth::new_token();
    store
        .create_user(
            "admin",
            "ผู้ดูแลระบบ",
            None,
            &ita_report::hub::auth::token_hash(&token),
            i64::MAX,
        )
        .unwrap();
    let base = format!("http://{}", running.addr);
    let driver = Driver::start(&chromedriver);
    let admin = Browser::open(&driver, &chromium, &base);
    set_password(&admin, &format!("/setup/{token}"));
    admin.login("admin");
    // The sheet, chosen in the page's file field.
    let sheet = scratch.path().join("ผลการประเมิน.csv");
    std::fs::write(&sheet, "ผลการประเมิน ITA ปี 2566 จังหวัดร้อยเอ็ด,,,\nหน่วยงาน,อำเภอ,คะแนน ITA,ระดับ\nเทศบาลตำบลหนึ่ง,เมืองร้อยเอ็ด,91.50,A\nองค์การบริหารส่วนตำบลสอง,เสลภูมิ,72.25,C\n").unwrap();
    admin.type_into("form.upload input[name=year]", "2566");
    let file = admin.find("form.upload input[type=file]");
    admin.call(
        "POST",
        &format!("/element/{file}/value"),
        Some(json!({ "text": sheet.to_str().unwrap() })),
    );
    admin.click("form.upload button");
    wait_for("the imported agencies", || {
        admin.text().contains("องค์การบริหารส่วนตำบลสอง")
    });
    let a_id = package_id(&admin, "เทศบาลตำบลหนึ่ง");
    let b_id = package_id(&admin, "องค์การบริหารส่วนตำบลสอง");
    let a_name = store.package(a_id.parse().unwrap()).unwrap().unwrap().name;
    let a_link = invite(&admin, "clerk-a", "เทศบาลตำบลหนึ่ง");
    let b_link = invite(&admin, "clerk-b", "องค์การบริหารส่วนตำบลสอง");
    let a = Browser::open(&driver, &chromium, &base);
    let b = Browser::open(&driver, &chromium, &base);
    set_password(&a, &a_link);
    set_password(&b, &b_link);
    a.login("clerk-a");
    b.login("clerk-b");
    // A edits and submits.
    edit(&a, &a_name, "0 4351 1111");
    a.go(&format!("/packages/{a_id}"));
    a.click("form.inline input[value=submit] ~ button");
    wait_for("A's submission", || {
        a.html().contains("data-state=\"submitted\"")
    });
    // A's form (the clerk's page of `serve`) lists A's package only, checks and previews it.
    a.go("/edit");
    wait_for("A's list", || {
        a.script(
            "return !!document.querySelector('#packages tr[data-name]');",
            json!([]),
        ) == true
    });
    let listed = a.script("return [...document.querySelectorAll('#packages tr[data-name]')].map(r => r.dataset.name);", json!([]));
    assert_eq!(listed, json!([a_name]));
    a.go(&format!("/edit#/p/{}", urlencode(&a_name)));
    wait_for("A's preview", || a.script(PREVIEW_SHOWN, json!([])) == true);
    // B cannot open A's package: by link, by API, by guessing numbers.
    b.go(&format!("/packages/{a_id}"));
    assert!(b.text().contains("ไม่มีสิทธิ์"), "{}", b.text());
    b.go("/");
    let (status, text) = b.fetch(
        "GET",
        &format!("/api/packages/{}", urlencode(&a_name)),
        None,
        json!({}),
    );
    assert_eq!(status, 403, "{text}");
    let (status, _) = b.fetch(
        "PUT",
        &format!("/api/packages/{}", urlencode(&a_name)),
        Some("{}"),
        json!({ "If-Match": "\"1\"" }),
    );
    assert_eq!(status, 403);
    for guess in 1..=5 {
        let (status, _) = b.fetch("GET", &format!("/packages/{guess}"), None, json!({}));
        let own = guess.to_string() == b_id;
        assert_eq!(
            status == 200,
            own,
            "B guessing /packages/{guess} gets {status}"
        );
    }
    assert!(
        !b.text().contains("เทศบาลตำบลหนึ่ง"),
        "B's dashboard does not list A"
    );
    // The administrator comments and returns A's package.
    admin.go(&format!("/packages/{a_id}"));
    admin.type_into("input[name=field]", "agency.phone");
    admin.type_into("textarea[name=text]", "โปรดระบุเบอร์ภายใน");
    admin.click("form.box button");
    wait_for("the comment", || admin.text().contains("โปรดระบุเบอร์ภายใน"));
    admin.type_into("input[name=comment]", "โปรดแก้ตามความเห็น");
    admin.click("form.inline input[value=return] ~ label ~ button");
    wait_for("the return", || {
        admin.html().contains("data-state=\"returned\"")
    });
    assert_eq!(state_of(&admin, &a_id), "returned");
    // A sees the comment, fixes and submits again; the administrator approves.
    a.go(&format!("/packages/{a_id}"));
    assert!(
        a.text().contains("โปรดระบุเบอร์ภายใน") && a.text().contains("โปรดแก้ตามความเห็น"),
        "{}",
        a.text()
    );
    edit(&a, &a_name, "0 4351 1111 ต่อ 12");
    a.go(&format!("/packages/{a_id}"));
    a.click("form.inline input[value=submit] ~ button");
    wait_for("A's second submission", || {
        a.html().contains("data-state=\"submitted\"")
    });
    admin.go(&format!("/packages/{a_id}"));
    admin.click("form.inline input[value=approve] ~ button");
    wait_for("the approval", || {
        admin.html().contains("data-state=\"approved\"")
    });
    // The dashboard shows the states and the counts.
    assert_eq!(state_of(&admin, &a_id), "approved");
    assert_eq!(state_of(&admin, &b_id), "draft");
    let history = store.history(a_id.parse().unwrap()).unwrap();
    let steps: Vec<&str> = history.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(
        steps,
        ["draft", "submitted", "returned", "submitted", "approved"]
    );
}
