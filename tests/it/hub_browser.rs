//! `ita-report hub` in three headless Chromium windows (WebDriver): the administrator logs
//! in, imports a results sheet and invites two agencies; each sets a password from the
//! one-time link; agency A types into the clerk's form like a clerk, saves by clicking,
//! downloads the PDF and PDF/A, and submits; the form shows none of the workspace's file
//! tools; agency B cannot open A's package by link, by API or by guessing numbers; the
//! administrator comments and returns it; A fixes it in the form and submits again; the
//! administrator approves; the dashboard shows each state.
//!
//! The WebDriver plumbing is `webdriver.rs`'s. Without chromium and chromedriver the test
//! says it skipped, except under `CI=true`, where it fails.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::Scratch;
use crate::webdriver::{Browser, Driver, browser_tools, wait_for};

const PASSWORD: &str = "รหัสผ่านทดสอบ-2568";
/// The form's preview shows a built page (as `browser.rs` waits for it).
const PREVIEW_SHOWN: &str = "const p = document.querySelector('#preview'); const i = p && p.querySelector('img'); return !!p && p.dataset.state === 'ready' && !!i && i.complete && i.naturalWidth > 0;";
const MINUTE: Duration = Duration::from_secs(60);

/// A window of the hub at `base`.
struct Window<'d> {
    browser: Browser<'d>,
    base: String,
}

impl<'d> std::ops::Deref for Window<'d> {
    type Target = Browser<'d>;
    fn deref(&self) -> &Browser<'d> {
        &self.browser
    }
}

impl<'d> Window<'d> {
    fn open(
        driver: &'d Driver,
        chromium: &std::path::PathBuf,
        base: &str,
        downloads: &Path,
    ) -> Window<'d> {
        std::fs::create_dir_all(downloads).unwrap();
        Window {
            browser: Browser::open_with(driver, chromium, Some(downloads)),
            base: base.to_owned(),
        }
    }

    /// Opens a path of the hub (or a whole address).
    fn visit(&self, path: &str) {
        if path.starts_with("http") {
            self.browser.go(path);
        } else {
            self.browser.go(&format!("{}{path}", self.base));
        }
    }

    fn login(&self, user: &str) {
        self.visit("/login");
        self.type_into("input[name=login]", user);
        self.type_into("input[name=password]", PASSWORD);
        self.click("form.box button");
        self.wait(
            "the dashboard",
            "return !!document.querySelector(\"meta[name='ita-csrf']\");",
        );
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

/// Sets a password through the one-time link the administrator's page shows.
fn set_password(browser: &Window, link: &str) {
    browser.visit(link);
    browser.type_into("input[name=password]", PASSWORD);
    browser.type_into("input[name=again]", PASSWORD);
    browser.click("form.box button");
    browser.wait("the login page", "return location.pathname === '/login';");
}

/// The administrator's page: a new editor of the agency whose option names `agency`; the link.
fn invite(admin: &Window, login: &str, agency: &str) -> String {
    admin.visit("/users");
    admin.type_into("input[name=login]", login);
    admin.type_into("input[name=name]", &format!("เจ้าหน้าที่ {login}"));
    let chosen = admin.script(
        "const s = document.querySelector('select[name=agency]'); const o = [...s.options].find(o => o.text.startsWith(arguments[0])); s.value = o.value; return o.value;",
        json!([agency]),
    );
    assert!(chosen.is_string(), "{agency} is offered");
    admin.click("form.box button");
    admin.wait("the link", "return !!document.querySelector('code.link');");
    admin
        .script(
            "return document.querySelector('code.link').textContent;",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_owned()
}

fn package_id(browser: &Window, agency: &str) -> String {
    browser.visit("/");
    let href = browser.script(
        "const a = [...document.querySelectorAll('table.packages a')].find(a => a.textContent === arguments[0]); return a ? a.getAttribute('href') : null;",
        json!([agency]),
    );
    href.as_str()
        .expect("the agency is listed")
        .trim_start_matches("/packages/")
        .to_owned()
}

/// A's edit in the clerk's form, as a clerk makes it: the first measure typed into its
/// field, saved with the button; the saved version holds the text.
fn edit(browser: &Window, name: &str, measure: &str) {
    browser.visit(&format!("/edit#/p/{}", urlencode(name)));
    let field = "[data-path='measures.rows[0].measure'] textarea";
    browser.wait(
        "A's form",
        &format!("return !!document.querySelector(\"{field}\");"),
    );
    browser.type_into(field, measure);
    browser.click("#save");
    browser.wait(
        "the save",
        "return document.querySelector('#status').classList.contains('saved');",
    );
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

fn state_of(admin: &Window, id: &str) -> String {
    admin.visit("/");
    admin
        .script("const a = document.querySelector(`table.packages a[href='/packages/${arguments[0]}']`); return a ? a.closest('tr').dataset.state : null;", json!([id]))
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn three_browsers_import_invite_edit_submit_isolate_return_fix_approve() {
    let Some((chromium, chromedriver)) = browser_tools() else {
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
    let window = |who: &str| Window::open(&driver, &chromium, &base, &scratch.path().join(who));
    let admin = window("admin");
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
    wait_for("the imported agencies", MINUTE, || {
        admin.text().contains("องค์การบริหารส่วนตำบลสอง")
    });
    let a_id = package_id(&admin, "เทศบาลตำบลหนึ่ง");
    let b_id = package_id(&admin, "องค์การบริหารส่วนตำบลสอง");
    let a_name = store.package(a_id.parse().unwrap()).unwrap().unwrap().name;
    let a_link = invite(&admin, "clerk-a", "เทศบาลตำบลหนึ่ง");
    let b_link = invite(&admin, "clerk-b", "องค์การบริหารส่วนตำบลสอง");
    let a = window("a");
    let b = window("b");
    set_password(&a, &a_link);
    set_password(&b, &b_link);
    a.login("clerk-a");
    b.login("clerk-b");
    // A's form (the clerk's page of `serve`) lists A's package only, without the
    // workspace's file tools; every button left works in the hub.
    a.visit("/edit");
    a.wait(
        "A's list",
        "return !!document.querySelector('#packages tr[data-name]');",
    );
    let listed = a.script("return [...document.querySelectorAll('#packages tr[data-name]')].map(r => r.dataset.name);", json!([]));
    assert_eq!(listed, json!([a_name]));
    let tools = a.script("return ['button.rename', 'button.duplicate', 'button.delete', '#start-card', '#import-sheet', '#new-package', '#recycle-card'].filter(s => document.querySelector(s));", json!([]));
    assert_eq!(
        tools,
        json!([]),
        "the hub's form shows none of the file tools"
    );
    // A types the first measure, saves with the button, downloads the PDF and the PDF/A.
    let measure = "มาตรการเผยแพร่แผนการใช้จ่ายงบประมาณประจำปีทางเว็บไซต์";
    edit(&a, &a_name, measure);
    let saved = store.version(a_id.parse().unwrap(), None).unwrap().unwrap();
    assert_eq!(saved.number, 2, "one save, one new version");
    assert!(saved.json.contains(measure), "the typed text is saved");
    a.wait("A's preview", PREVIEW_SHOWN);
    for button in ["#download-pdf", "#download-archive"] {
        a.script(
            "delete document.querySelector('#preview-note').dataset.downloaded;",
            json!([]),
        );
        a.click(button);
        a.wait(
            button,
            "return !!document.querySelector('#preview-note').dataset.downloaded;",
        );
    }
    let note = a.script(
        "return document.querySelector('#preview-note').dataset.downloaded;",
        json!([]),
    );
    assert_eq!(
        note,
        json!(format!("{}-archive.pdf", a_name.trim_end_matches(".json")))
    );
    // A submits from the package's page.
    a.visit(&format!("/packages/{a_id}"));
    a.click("form.inline input[value=submit] ~ button");
    a.wait(
        "A's submission",
        "return document.documentElement.outerHTML.includes('data-state=\"submitted\"');",
    );
    // B cannot open A's package: by link, by API, by guessing numbers.
    b.visit(&format!("/packages/{a_id}"));
    assert!(b.text().contains("ไม่มีสิทธิ์"), "{}", b.text());
    b.visit("/");
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
    admin.visit(&format!("/packages/{a_id}"));
    admin.type_into("input[name=field]", "measures.rows[0].measure");
    admin.type_into("textarea[name=text]", "โปรดระบุช่องทางเผยแพร่");
    admin.click("form.box button");
    wait_for("the comment", MINUTE, || {
        admin.text().contains("โปรดระบุช่องทางเผยแพร่")
    });
    admin.type_into("input[name=comment]", "โปรดแก้ตามความเห็น");
    admin.click("form.inline input[value=return] ~ label ~ button");
    wait_for("the return", MINUTE, || {
        admin.html().contains("data-state=\"returned\"")
    });
    assert_eq!(state_of(&admin, &a_id), "returned");
    // A sees the comment, fixes and submits again; the administrator approves.
    a.visit(&format!("/packages/{a_id}"));
    assert!(
        a.text().contains("โปรดระบุช่องทางเผยแพร่") && a.text().contains("โปรดแก้ตามความเห็น"),
        "{}",
        a.text()
    );
    let fixed = format!("{measure} ทุกไตรมาส");
    edit(&a, &a_name, &fixed);
    let saved = store.version(a_id.parse().unwrap(), None).unwrap().unwrap();
    assert!(saved.json.contains(&fixed), "the fix is saved");
    a.visit(&format!("/packages/{a_id}"));
    a.click("form.inline input[value=submit] ~ button");
    wait_for("A's second submission", MINUTE, || {
        a.html().contains("data-state=\"submitted\"")
    });
    admin.visit(&format!("/packages/{a_id}"));
    admin.click("form.inline input[value=approve] ~ button");
    wait_for("the approval", MINUTE, || {
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
