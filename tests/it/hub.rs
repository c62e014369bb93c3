//! `ita-report hub` over real HTTP on loopback: the year's cycle (import, accounts, edit,
//! submit, return, approve), every route against no session, another agency's session and
//! a stale CSRF token, bad input, login limits, export and import, and a hub killed with
//! SIGKILL in the middle of saves and transitions.

use std::net::SocketAddr;

use ita_report::hub::{self, Running};
use serde_json::Value;

use crate::common::{Scratch, root};
use crate::http::{Reply, request};

const PASSWORD: &str = "รหัสผ่านทดสอบ-2568";

/// A results sheet of three agencies in two districts, as the NACC publishes it.
const SHEET: &str = "ผลการประเมิน ITA ปี 2566 จังหวัดร้อยเอ็ด,,,\n\
                     หน่วยงาน,อำเภอ,คะแนน ITA,ระดับ\n\
                     เทศบาลตำบลหนึ่ง,เมืองร้อยเอ็ด,91.50,A\n\
                     องค์การบริหารส่วนตำบลสอง,เสลภูมิ,72.25,C\n\
                     เทศบาลตำบลสาม,เสลภูมิ,84.00,B\n";

/// A logged-in browser: its session cookie and the CSRF token its pages carry.
#[derive(Clone)]
struct Client {
    addr: SocketAddr,
    cookie: String,
    csrf: String,
}

impl Client {
    fn send(
        &self,
        method: &str,
        target: &str,
        kind: &str,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut headers = vec![("Cookie", self.cookie.as_str()), ("Content-Type", kind)];
        headers.extend_from_slice(extra);
        request(self.addr, method, target, &headers, body)
    }

    fn get(&self, target: &str) -> Reply {
        request(
            self.addr,
            "GET",
            target,
            &[("Cookie", self.cookie.as_str())],
            b"",
        )
    }

    /// A form as the page posts it, with the session's token.
    fn form(&self, target: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = format!("csrf={}", self.csrf);
        for (key, value) in fields {
            body.push_str(&format!("&{key}={}", encode(value)));
        }
        self.send(
            "POST",
            target,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            &[],
        )
    }

    /// A JSON or file request as the page's script sends it, with the token in the header.
    fn api(
        &self,
        method: &str,
        target: &str,
        kind: &str,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut headers = vec![("X-ITA-CSRF", self.csrf.as_str())];
        headers.extend_from_slice(extra);
        self.send(method, target, kind, body, &headers)
    }
}

/// Percent-encoding of a form value.
fn encode(text: &str) -> String {
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

fn login(addr: SocketAddr, user: &str, password: &str) -> Reply {
    let body = format!("login={}&password={}", encode(user), encode(password));
    request(
        addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

/// Logs in and reads the CSRF token from the dashboard.
fn client(addr: SocketAddr, user: &str) -> Client {
    let reply = login(addr, user, PASSWORD);
    assert_eq!(reply.status, 303, "{user} logs in: {}", reply.text());
    let set = reply
        .header("set-cookie")
        .expect("a session cookie")
        .to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let page = request(addr, "GET", "/", &[("Cookie", cookie.as_str())], b"").text();
    let csrf = page
        .split("name=\"ita-csrf\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries the CSRF token")
        .to_owned();
    Client { addr, cookie, csrf }
}

/// A hub on a free port over a scratch data folder, with an administrator.
struct Site {
    _scratch: Scratch,
    running: Running,
}

impl Site {
    fn new(name: &str) -> Site {
        let scratch = Scratch::new(name);
        let running = hub::start(hub::Config {
            data: scratch.path().join("data"),
            addr: "127.0.0.1:0".parse().unwrap(),
            templates: None,
            font_dirs: Vec::new(),
        })
        .unwrap_or_else(|d| panic!("the hub starts: {d}"));
        let site = Site {
            _scratch: scratch,
            running,
        };
        site.user("admin", None);
        site
    }

    fn addr(&self) -> SocketAddr {
        self.running.addr
    }

    fn store(&self) -> &hub::store::Store {
        &self.running.hub.store
    }

    /// A user with [`PASSWORD`], made as `hub init` makes one.
    fn user(&self, login: &str, agency: Option<i64>) {
        let token = hub::auth::new_token();
        let hash = hub::auth::token_hash(&token);
        self.store()
            .create_user(login, login, agency, &hash, i64::MAX)
            .unwrap();
        let password = hub::auth::hash_password(PASSWORD).unwrap();
        self.store().set_password(&hash, &password).unwrap();
    }

    fn fingerprint(&self) -> String {
        self.store().fingerprint().unwrap()
    }

    /// The administrator imports [`SHEET`]; the packages, by agency name.
    fn imported(&self, admin: &Client) -> Vec<hub::store::PackageRow> {
        let reply = admin.api(
            "POST",
            "/api/import?year=2566&file=results.csv",
            "text/csv",
            SHEET.as_bytes(),
            &[],
        );
        assert_eq!(reply.status, 201, "{}", reply.text());
        self.store().packages(None).unwrap()
    }
}

fn named<'a>(packages: &'a [hub::store::PackageRow], agency: &str) -> &'a hub::store::PackageRow {
    packages
        .iter()
        .find(|p| p.agency.name == agency)
        .expect(agency)
}

/// The current JSON of a package and its version tag.
fn current(client: &Client, name: &str) -> (Value, String) {
    let reply = client.get(&format!("/api/packages/{}", encode(name)));
    assert_eq!(reply.status, 200, "{}", reply.text());
    (reply.json(), reply.header("etag").unwrap().to_owned())
}

fn save(client: &Client, name: &str, value: &Value, etag: &str) -> Reply {
    client.api(
        "PUT",
        &format!("/api/packages/{}", encode(name)),
        "application/json",
        value.to_string().as_bytes(),
        &[("If-Match", etag)],
    )
}

fn thai(text: &str) -> bool {
    text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

/// Two agencies with an editor each: (site, admin, A's client, B's client, A's package,
/// B's package).
fn two_agencies(
    name: &str,
) -> (
    Site,
    Client,
    Client,
    Client,
    hub::store::PackageRow,
    hub::store::PackageRow,
) {
    let site = Site::new(name);
    let admin = client(site.addr(), "admin");
    let packages = site.imported(&admin);
    let a = named(&packages, "เทศบาลตำบลหนึ่ง").clone();
    let b = named(&packages, "องค์การบริหารส่วนตำบลสอง").clone();
    site.user("editor-a", Some(a.agency.id));
    site.user("editor-b", Some(b.agency.id));
    let (ca, cb) = (
        client(site.addr(), "editor-a"),
        client(site.addr(), "editor-b"),
    );
    (site, admin, ca, cb, a, b)
}

#[test]
fn the_year_cycle_import_invite_edit_submit_return_fix_approve_with_history() {
    let site = Site::new("hub-cycle");
    let admin = client(site.addr(), "admin");
    let packages = site.imported(&admin);
    assert_eq!(packages.len(), 3, "one package per agency of the sheet");
    let a = named(&packages, "เทศบาลตำบลหนึ่ง");
    assert_eq!(a.agency.district, "เมืองร้อยเอ็ด");
    assert_eq!(a.agency.kind, "เทศบาล");
    assert_eq!(
        named(&packages, "องค์การบริหารส่วนตำบลสอง").agency.kind,
        "อบต."
    );
    // The administrator invites A's editor: a one-time link, spent once.
    let made = admin.form(
        "/users",
        &[
            ("login", "clerk-a"),
            ("name", "นางสาวเอ ใจดี"),
            ("agency", &a.agency.id.to_string()),
        ],
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let link = made
        .text()
        .split("/setup/")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_owned();
    let set = |again: &str| {
        let body = format!("password={}&again={}", encode(PASSWORD), encode(again));
        request(
            site.addr(),
            "POST",
            &format!("/setup/{link}"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    };
    assert_eq!(set("not the same").status, 400);
    assert_eq!(set(PASSWORD).status, 303);
    let spent = set(PASSWORD);
    assert_eq!(spent.status, 404, "a link works once: {}", spent.text());
    let clerk = client(site.addr(), "clerk-a");
    // A edits and saves: version 2, with the field that changed.
    let (mut value, etag) = current(&clerk, &a.name);
    value["agency"]["phone"] = Value::from("0 4351 1234");
    let saved = save(&clerk, &a.name, &value, &etag);
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["version"], 2);
    let versions = site.store().versions(a.id).unwrap();
    assert_eq!(versions[0].changed, vec!["agency.phone".to_owned()]);
    let page = clerk.get(&format!("/packages/{}?v=2", a.id)).text();
    assert!(
        page.contains("agency.phone") && page.contains("0 4351 1234"),
        "{page}"
    );
    // Submit; no more saving; the administrator returns it with a comment.
    assert_eq!(
        clerk
            .form(
                &format!("/packages/{}/action", a.id),
                &[("action", "submit")]
            )
            .status,
        303
    );
    let (value, etag) = current(&clerk, &a.name);
    let locked = save(&clerk, &a.name, &value, &etag);
    assert_eq!(locked.status, 409, "{}", locked.text());
    assert!(thai(&locked.json()["error"].to_string()));
    let comment = admin.form(
        &format!("/packages/{}/comment", a.id),
        &[("field", "agency.phone"), ("text", "โปรดระบุเบอร์ภายใน")],
    );
    assert_eq!(comment.status, 303);
    let returned = admin.form(
        &format!("/packages/{}/action", a.id),
        &[("action", "return"), ("comment", "โปรดแก้ตามความเห็น")],
    );
    assert_eq!(returned.status, 303, "{}", returned.text());
    // A fixes and resubmits; the administrator approves; publishing waits for the signature.
    let (mut value, etag) = current(&clerk, &a.name);
    value["agency"]["phone"] = Value::from("0 4351 1234 ต่อ 12");
    assert_eq!(save(&clerk, &a.name, &value, &etag).status, 200);
    assert_eq!(
        clerk
            .form(
                &format!("/packages/{}/action", a.id),
                &[("action", "submit")]
            )
            .status,
        303
    );
    assert_eq!(
        admin
            .form(
                &format!("/packages/{}/action", a.id),
                &[("action", "approve")]
            )
            .status,
        303
    );
    let early = admin.form(
        &format!("/packages/{}/action", a.id),
        &[("action", "publish")],
    );
    assert_eq!(early.status, 409);
    assert!(early.text().contains("อนุมัติแล้ว"), "{}", early.text());
    // An unsigned or foreign PDF is not accepted as the signed one.
    let bogus = clerk.api(
        "POST",
        &format!("/api/signed/{}", encode(&a.name)),
        "application/pdf",
        b"%PDF-1.7\n%%EOF\n",
        &[],
    );
    assert_eq!(bogus.status, 422, "{}", bogus.text());
    let row = site.store().package(a.id).unwrap().unwrap();
    assert_eq!(row.state, hub::workflow::State::Approved);
    let steps: Vec<(String, &str)> = site
        .store()
        .history(a.id)
        .unwrap()
        .iter()
        .map(|s| (s.by.clone().unwrap_or_default(), s.to.as_str()))
        .collect();
    let expected = [
        ("admin", "draft"),
        ("นางสาวเอ ใจดี", "submitted"),
        ("admin", "returned"),
        ("นางสาวเอ ใจดี", "submitted"),
        ("admin", "approved"),
    ];
    let expected: Vec<(String, &str)> = expected.iter().map(|(w, s)| (w.to_string(), *s)).collect();
    assert_eq!(steps, expected);
    // The dashboard shows each agency's state and the counts.
    let dashboard = admin.get("/").text();
    assert!(
        dashboard.contains("data-state=\"approved\"") && dashboard.contains("เสลภูมิ"),
        "{dashboard}"
    );
    let filtered = admin.get("/?state=draft").text();
    assert!(
        !filtered.contains("เทศบาลตำบลหนึ่ง</a>") && filtered.contains("เทศบาลตำบลสาม"),
        "{filtered}"
    );
    // The audit log holds the logins, saves and steps.
    for action in ["login", "save", "transition", "import", "comment"] {
        assert!(
            !site.store().audit_log(action).unwrap().is_empty(),
            "{action} logged"
        );
    }
}

/// Each route a browser could call on A's package or as the administrator: method, target,
/// body type, body.
fn routes(
    a: &hub::store::PackageRow,
    preview: &str,
    editor_b: i64,
) -> Vec<(&'static str, String, &'static str, Vec<u8>)> {
    let name = encode(&a.name);
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    vec![
        ("GET", format!("/packages/{}", a.id), "", vec![]),
        ("GET", format!("/packages/{}/signed.pdf", a.id), "", vec![]),
        ("GET", format!("/api/packages/{name}"), "", vec![]),
        (
            "PUT",
            format!("/api/packages/{name}"),
            json,
            b"{\"agency\":{\"name\":\"x\"}}".to_vec(),
        ),
        ("POST", format!("/api/check/{name}"), json, b"{}".to_vec()),
        ("POST", format!("/api/preview/{name}"), json, b"{}".to_vec()),
        ("GET", format!("/api/render/{preview}/page/1"), "", vec![]),
        ("GET", format!("/api/render/{preview}/pdf"), "", vec![]),
        (
            "POST",
            format!("/packages/{}/action", a.id),
            form,
            b"action=submit".to_vec(),
        ),
        (
            "POST",
            format!("/packages/{}/comment", a.id),
            form,
            b"field=x&text=y".to_vec(),
        ),
        (
            "POST",
            format!("/packages/{}/restore", a.id),
            form,
            b"version=1".to_vec(),
        ),
        (
            "POST",
            format!("/api/signed/{name}"),
            "application/pdf",
            b"%PDF-1.7".to_vec(),
        ),
        ("GET", "/users".to_owned(), "", vec![]),
        (
            "POST",
            "/users".to_owned(),
            form,
            b"login=intruder&name=x&agency=admin".to_vec(),
        ),
        ("POST", format!("/users/{editor_b}/reset"), form, vec![]),
        (
            "POST",
            "/api/import?year=2566".to_owned(),
            "text/csv",
            SHEET.as_bytes().to_vec(),
        ),
        ("GET", "/approved.zip".to_owned(), "", vec![]),
        ("GET", "/approved.zip?kind=archive".to_owned(), "", vec![]),
        ("GET", "/reports/2566".to_owned(), "", vec![]),
        ("GET", "/reports/2566/province.pdf".to_owned(), "", vec![]),
        ("GET", "/reports/2566/progress.pdf".to_owned(), "", vec![]),
        (
            "POST",
            format!("/api/download/{name}?kind=pdf"),
            json,
            b"{}".to_vec(),
        ),
    ]
}

#[test]
fn every_route_refuses_no_session_another_agency_and_a_stale_csrf_token_and_changes_nothing() {
    let (site, admin, a_client, b_client, a, _b) = two_agencies("hub-authz");
    // A builds a preview (its id must not open A's pages to B), and saves once.
    let (value, etag) = current(&a_client, &a.name);
    let preview = a_client.api(
        "POST",
        &format!("/api/preview/{}", encode(&a.name)),
        "application/json",
        value.to_string().as_bytes(),
        &[],
    );
    assert_eq!(preview.status, 200, "{}", preview.text());
    let preview = preview.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(save(&a_client, &a.name, &value, &etag).status, 200);
    // A's token of a session that has ended.
    let stale = client(site.addr(), "editor-a");
    assert_eq!(stale.form("/logout", &[]).status, 303);
    let a_stale = Client {
        csrf: stale.csrf.clone(),
        ..a_client.clone()
    };
    let editor_b = site
        .store()
        .user_by_login("editor-b")
        .unwrap()
        .unwrap()
        .0
        .id;
    let before = site.fingerprint();
    let nobody = Client {
        addr: site.addr(),
        cookie: "ita_hub=0123456789abcdef0123456789abcdef".into(),
        csrf: "x".into(),
    };
    for (method, target, kind, body) in routes(&a, &preview, editor_b) {
        let post = |who: &Client, body: &[u8]| {
            let mut body = body.to_vec();
            if kind.ends_with("urlencoded") {
                body = [format!("csrf={}&", who.csrf).as_bytes(), &body].concat();
            }
            who.api(method, &target, kind, &body, &[("If-Match", "\"2\"")])
        };
        let anonymous = post(&nobody, &body);
        assert_eq!(
            anonymous.status,
            401,
            "{method} {target} without a session: {}",
            anonymous.text()
        );
        let other = post(&b_client, &body);
        assert_eq!(
            other.status,
            403,
            "{method} {target} as another agency: {}",
            other.text()
        );
        assert!(thai(&other.text()), "{method} {target}: {}", other.text());
        if method != "GET" {
            let replayed = post(&a_stale, &body);
            assert_eq!(
                replayed.status,
                403,
                "{method} {target} with a stale token: {}",
                replayed.text()
            );
        }
        assert_eq!(
            site.fingerprint(),
            before,
            "{method} {target} changed the database"
        );
    }
    // Lists show only one's own: B's list and dashboard do not name A.
    for target in ["/api/packages", "/"] {
        let text = b_client.get(target).text();
        assert!(
            !text.contains(&a.agency.name),
            "{target} shows A to B: {text}"
        );
        assert_eq!(request(site.addr(), "GET", target, &[], b"").status, 401);
    }
    // A page of this site opened from another site's form is not taken.
    let foreign = a_client.send(
        "POST",
        &format!("/packages/{}/action", a.id),
        "application/x-www-form-urlencoded",
        format!("csrf={}&action=submit", a_client.csrf).as_bytes(),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(foreign.status, 403);
    assert_eq!(site.fingerprint(), before);
    drop(admin);
}

#[test]
fn bad_input_gets_a_thai_message_and_changes_nothing() {
    let (site, admin, a_client, _b, a, b) = two_agencies("hub-bad");
    let (value, etag) = current(&a_client, &a.name);
    let target = format!("/api/packages/{}", encode(&a.name));
    let before = site.fingerprint();
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let mut moved = value.clone();
    moved["agency"]["name"] = Value::from(b.agency.name.clone());
    let oversize = vec![b' '; 40 * 1024 * 1024];
    let cases: Vec<(&str, Reply, u16)> = vec![
        (
            "oversize",
            a_client.api(
                "PUT",
                &target,
                "application/json",
                &oversize,
                &[("If-Match", &etag)],
            ),
            413,
        ),
        (
            "wrong type",
            a_client.api(
                "PUT",
                &target,
                "text/plain",
                value.to_string().as_bytes(),
                &[("If-Match", &etag)],
            ),
            415,
        ),
        (
            "not JSON",
            a_client.api(
                "PUT",
                &target,
                "application/json",
                b"{\"agency\":",
                &[("If-Match", &etag)],
            ),
            400,
        ),
        (
            "too deep",
            a_client.api(
                "PUT",
                &target,
                "application/json",
                deep.as_bytes(),
                &[("If-Match", &etag)],
            ),
            413,
        ),
        (
            "no If-Match",
            a_client.api(
                "PUT",
                &target,
                "application/json",
                value.to_string().as_bytes(),
                &[],
            ),
            428,
        ),
        (
            "another agency's data",
            save(&a_client, &a.name, &moved, &etag),
            400,
        ),
        (
            "another province's agency id",
            admin.form(
                "/users",
                &[("login", "someone"), ("name", "x"), ("agency", "999999")],
            ),
            400,
        ),
        (
            "an agency id that is not a number",
            admin.form(
                "/users",
                &[("login", "someone"), ("name", "x"), ("agency", "1 OR 1=1")],
            ),
            400,
        ),
        (
            "a sheet that is not one",
            admin.api(
                "POST",
                "/api/import?year=2566&file=results.csv",
                "text/csv",
                b"nothing,here\n",
                &[],
            ),
            400,
        ),
        (
            "a sheet without a year",
            admin.api(
                "POST",
                "/api/import?file=results.csv",
                "text/csv",
                SHEET.as_bytes(),
                &[],
            ),
            400,
        ),
        (
            "an unknown step",
            a_client.form(
                &format!("/packages/{}/action", a.id),
                &[("action", "delete")],
            ),
            400,
        ),
        (
            "a return of a package not submitted",
            admin.form(
                &format!("/packages/{}/action", a.id),
                &[("action", "return")],
            ),
            409,
        ),
    ];
    for (what, reply, status) in cases {
        assert_eq!(reply.status, status, "{what}: {}", reply.text());
        assert!(thai(&reply.text()), "{what}: {}", reply.text());
        assert_eq!(site.fingerprint(), before, "{what} changed the database");
    }
    // A save replayed (the same form sent again) changes nothing; an older version's
    // replay is refused.
    let mut changed = value.clone();
    changed["agency"]["email"] = Value::from("saraban@example.go.th");
    let first = save(&a_client, &a.name, &changed, &etag);
    assert_eq!(first.status, 200);
    let after = site.fingerprint();
    let stale = save(&a_client, &a.name, &value, &etag);
    assert_eq!(stale.status, 412, "{}", stale.text());
    assert!(thai(&stale.text()));
    let new_etag = first.header("etag").unwrap().to_owned();
    assert_eq!(save(&a_client, &a.name, &changed, &new_etag).status, 200);
    assert_eq!(
        site.fingerprint(),
        after,
        "the same text again is no new version"
    );
    // A step replayed: the second submit is refused, the history holds one.
    let submit = || {
        a_client.form(
            &format!("/packages/{}/action", a.id),
            &[("action", "submit")],
        )
    };
    assert_eq!(submit().status, 303);
    let again = submit();
    assert_eq!(again.status, 409, "{}", again.text());
    assert!(again.text().contains("ส่งให้จังหวัดตรวจแล้ว"));
    let submitted = site
        .store()
        .history(a.id)
        .unwrap()
        .iter()
        .filter(|s| s.to == hub::workflow::State::Submitted)
        .count();
    assert_eq!(submitted, 1);
}

#[test]
fn logins_are_limited_cookies_are_strict_and_a_reset_ends_sessions() {
    let (site, admin, a_client, _b, _a, _b_row) = two_agencies("hub-login");
    let reply = login(site.addr(), "editor-a", PASSWORD);
    let cookie = reply.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "no Secure on loopback (plain HTTP): {cookie}"
    );
    for _ in 0..hub::auth::ACCOUNT_FAILURES {
        let wrong = login(site.addr(), "editor-b", "wrong password");
        assert_eq!(wrong.status, 401);
        assert!(thai(&wrong.text()));
    }
    let blocked = login(site.addr(), "editor-b", PASSWORD);
    assert_eq!(
        blocked.status,
        429,
        "the right password waits too: {}",
        blocked.text()
    );
    // The administrator resets A: A's session ends, the old password no longer opens.
    let id = site
        .store()
        .user_by_login("editor-a")
        .unwrap()
        .unwrap()
        .0
        .id;
    let reset = admin.form(&format!("/users/{id}/reset"), &[]);
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert!(reset.text().contains("/setup/"));
    assert_eq!(a_client.get("/api/packages").status, 401);
    assert_eq!(login(site.addr(), "editor-a", PASSWORD).status, 401);
    // The audit log is append-only, in the database itself: a second connection (an
    // administrator with a shell) cannot delete or rewrite it.
    let path = site._scratch.path().join("data").join(hub::store::FILE);
    let db = rusqlite::Connection::open(path).unwrap();
    let logged: i64 = db
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert!(logged > 0);
    assert!(db.execute("DELETE FROM audit", []).is_err());
    assert!(db.execute("UPDATE audit SET detail = 'x'", []).is_err());
    let after: i64 = db
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, logged);
}

#[test]
fn export_writes_package_files_that_load_and_import_brings_them_back() {
    let (site, _admin, _a, _b, _ra, _rb) = two_agencies("hub-export");
    let scratch = Scratch::new("hub-export-out");
    let written = hub::intake::export_dir(site.store(), scratch.path()).unwrap();
    assert_eq!(written.len(), 3);
    for path in &written {
        let text = std::fs::read_to_string(path).unwrap();
        let loaded =
            ita_report::load::load_str(&text, "exported.json", crate::common::frameworks());
        assert!(loaded.is_ok(), "{} loads as a package file", path.display());
    }
    let other = Scratch::new("hub-export-again");
    let store = hub::store::Store::open(other.path()).unwrap();
    let added =
        hub::intake::import_dir(&store, crate::common::frameworks(), scratch.path()).unwrap();
    assert_eq!(added.len(), 3);
    // Bringing the same folder in again adds nothing (all or none).
    assert!(hub::intake::import_dir(&store, crate::common::frameworks(), scratch.path()).is_err());
    assert_eq!(store.packages(None).unwrap().len(), 3);
}

/// The hub binary serving `data`, and the address it printed.
fn spawn(data: &std::path::Path) -> (std::process::Child, SocketAddr) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .args(["hub", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the hub starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("http://"))
        .expect("the hub says where it listens");
    std::thread::spawn(move || for _ in lines {});
    let addr = line.split("http://").nth(1).unwrap();
    let addr = addr.split('/').next().unwrap().parse().unwrap();
    (child, addr)
}

#[test]
fn a_hub_killed_during_saves_and_transitions_keeps_every_acknowledged_version() {
    let scratch = Scratch::new("hub-kill");
    let data = scratch.path().join("data");
    let inputs = scratch.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        root().join("inputs/2568-roiet-municipality.json"),
        inputs.join("2568-roiet-municipality.json"),
    )
    .unwrap();
    let seeded = std::process::Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .args(["hub", "demo", "--data"])
        .arg(&data)
        .arg(&inputs)
        .env("ITA_REPORT_HUB_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let name = "2568-roiet-municipality.json";
    // (version, phone) of every save the hub answered 200 to; transitions answered 303.
    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    let mut steps = 0usize;
    let mut seed = std::process::id() as u64;
    for round in 0..4 {
        let (mut child, addr) = spawn(&data);
        let editor = client(addr, "agency1");
        let admin = client(addr, "admin");
        let id = named_id(&editor, name);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let kill_after = std::time::Duration::from_millis(100 + (seed >> 33) % 900);
        let (done, stop) = std::sync::mpsc::channel::<()>();
        let killer = std::thread::spawn(move || {
            let _ = stop.recv_timeout(kill_after);
            let _ = child.kill();
            let _ = child.wait();
        });
        for i in 0.. {
            let Ok((mut value, etag)) = std::panic::catch_unwind(|| current(&editor, name)) else {
                break;
            };
            let phone = format!("round {round} save {i}");
            value["agency"]["phone"] = Value::from(phone.clone());
            let Ok(reply) = std::panic::catch_unwind(|| save(&editor, name, &value, &etag)) else {
                break;
            };
            if reply.status == 200 {
                acknowledged.push((reply.json()["version"].as_i64().unwrap(), phone));
            } else if reply.status != 409 {
                break;
            }
            if i % 3 == 2 {
                let who = if i % 2 == 0 { &editor } else { &admin };
                let action = if i % 2 == 0 { "submit" } else { "return" };
                let mut fields = vec![("action", action)];
                if action == "return" {
                    fields.push(("comment", "ทดสอบ"));
                }
                let Ok(reply) = std::panic::catch_unwind(|| {
                    who.form(&format!("/packages/{id}/action"), &fields)
                }) else {
                    break;
                };
                steps += usize::from(reply.status == 303);
            }
        }
        let _ = done.send(());
        killer.join().unwrap();
    }
    assert!(
        acknowledged.len() >= 4,
        "the hub acknowledged saves before being killed"
    );
    let store = hub::store::Store::open(&data).unwrap();
    assert_eq!(store.integrity().unwrap(), "ok");
    let package = store.package_named(name).unwrap().unwrap();
    for (number, phone) in &acknowledged {
        let version = store
            .version(package.id, Some(*number))
            .unwrap()
            .expect("an acknowledged version is kept");
        let value: Value = serde_json::from_str(&version.json).unwrap();
        assert_eq!(
            value["agency"]["phone"],
            Value::from(phone.as_str()),
            "version {number}"
        );
    }
    let history = store.history(package.id).unwrap();
    assert!(
        history.len() > steps,
        "every acknowledged step is in the history ({} ≤ {steps})",
        history.len()
    );
    assert_eq!(
        history.last().unwrap().to,
        package.state,
        "the state is the last step's"
    );
}

fn named_id(client: &Client, name: &str) -> i64 {
    let list = client.get("/api/packages").json();
    list["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["id"].as_i64())
        .expect("the package is listed")
}

/// The text pdftotext reads from a PDF, white space left out.
fn pdf_text(pdf: &[u8], site: &Site, name: &str) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is a PDF");
    let path = site._scratch.path().join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext reads {name}");
    crate::common::squeeze(&String::from_utf8_lossy(&out.stdout))
}

fn step(client: &Client, package: &hub::store::PackageRow, action: &str, comment: &str) {
    let reply = client.form(
        &format!("/packages/{}/action", package.id),
        &[("action", action), ("comment", comment)],
    );
    assert_eq!(reply.status, 303, "{action}: {}", reply.text());
}

#[test]
fn the_province_analysis_is_built_from_each_agencys_current_scores() {
    let (site, admin, ca, cb, a, b) = two_agencies("hub-province");
    // A's total changes; B's package loses its total (not in the report, named as missing).
    let (mut value, etag) = current(&ca, &a.name);
    value["scores"]["total"] = Value::from(94.0);
    assert_eq!(save(&ca, &a.name, &value, &etag).status, 200);
    let (mut value, etag) = current(&cb, &b.name);
    value["scores"].as_object_mut().unwrap().remove("total");
    assert_eq!(save(&cb, &b.name, &value, &etag).status, 200);
    let page = admin.get("/reports/2566");
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.text();
    assert!(
        page.contains("<b class=\"used\">2</b>")
            && page.contains("<b class=\"missing\">1</b>")
            && page.contains("<li>องค์การบริหารส่วนตำบลสอง</li>"),
        "{page}"
    );
    let pdf = admin.get("/reports/2566/province.pdf");
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    let disposition = pdf.header("content-disposition").unwrap_or("");
    assert!(
        disposition.contains("filename*=UTF-8''2566-%E0%B8%88"),
        "the Thai name kept: {disposition}"
    );
    let text = pdf_text(&pdf.body, &site, "province.pdf");
    // A's score as saved now, C's as imported, B's nowhere; two agencies, their mean.
    assert!(
        text.contains("เทศบาลตำบลหนึ่งเมืองร้อยเอ็ด") && text.contains("๙๔.๐๐๑"),
        "{text}"
    );
    assert!(text.contains("เทศบาลตำบลสามเสลภูมิ๘๔.๐๐๒"), "{text}");
    assert!(!text.contains("๙๑.๕๐") && !text.contains("๗๒.๒๕"), "{text}");
    assert!(!text.contains("องค์การบริหารส่วนตำบลสอง"), "{text}");
    assert!(
        text.contains("ทั้ง๒แห่ง") && text.contains("๘๙.๐๐คะแนน"),
        "{text}"
    );
    // Only the administrator builds it.
    assert_eq!(ca.get("/reports/2566/province.pdf").status, 403);
    assert_eq!(admin.get("/reports/2599/province.pdf").status, 422);
}

/// The sample packages `names` of `inputs/` added to the hub as `hub import` adds files.
fn add_samples(site: &Site, names: &[&str]) {
    let files: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(root().join("inputs").join(name)).unwrap();
            ((*name).to_owned(), text)
        })
        .collect();
    let frameworks = crate::common::frameworks();
    hub::intake::add_files(site.store(), frameworks, &files, None).unwrap();
}

#[test]
fn the_province_page_lists_packages_without_scores_apart_from_the_missing_scores() {
    let site = Site::new("hub-unscored");
    let admin = client(site.addr(), "admin");
    site.imported(&admin);
    // The province office's announcement (สำนักงานจังหวัดร้อยเอ็ด) and progress report
    // (จังหวัดร้อยเอ็ด): no scores by their nature, so no agency is short of a score.
    add_samples(
        &site,
        &["2566-roiet-announcement.json", "2566-roiet-progress.json"],
    );
    let listed = |page: &str| {
        let announcement = "<li>สำนักงานจังหวัดร้อยเอ็ด: ประกาศ <span class=\"name\">(2566-roiet-announcement.json)</span></li>";
        let progress = "<li>จังหวัดร้อยเอ็ด: รายงานความก้าวหน้า <span class=\"name\">(2566-roiet-progress.json)</span></li>";
        page.contains("<b class=\"unscored\">2</b>")
            && page.contains(announcement)
            && page.contains(progress)
    };
    let page = admin.get("/reports/2566").text();
    assert!(
        page.contains("<b class=\"used\">3</b> หน่วยงาน ทุกหน่วยงานมีคะแนนแล้ว"),
        "{page}"
    );
    assert!(!page.contains("class=\"missing\""), "{page}");
    assert!(listed(&page), "{page}");
    // With the province's own package (its office the agency), the same.
    add_samples(&site, &["2566-roiet-province.json"]);
    let page = admin.get("/reports/2566").text();
    assert!(!page.contains("class=\"missing\""), "{page}");
    assert!(listed(&page), "{page}");
    // A package that holds scores and lacks only the total still misses it.
    let packages = site.store().packages(None).unwrap();
    let two = named(&packages, "องค์การบริหารส่วนตำบลสอง");
    site.user("editor-two", Some(two.agency.id));
    let editor = client(site.addr(), "editor-two");
    let (mut value, etag) = current(&editor, &two.name);
    value["scores"].as_object_mut().unwrap().remove("total");
    assert_eq!(save(&editor, &two.name, &value, &etag).status, 200);
    let page = admin.get("/reports/2566").text();
    assert!(
        page.contains("<b class=\"missing\">1</b>")
            && page.contains("<li>องค์การบริหารส่วนตำบลสอง</li>"),
        "{page}"
    );
    assert!(listed(&page), "{page}");
}

#[test]
fn the_progress_report_counts_each_step_of_the_cycle_from_the_history() {
    let (site, admin, ca, cb, a, b) = two_agencies("hub-progress");
    step(&ca, &a, "submit", "");
    step(&admin, &a, "approve", "");
    step(&cb, &b, "submit", "");
    step(&admin, &b, "return", "โปรดแก้มาตรการ");
    let pdf = admin.get("/reports/2566/progress.pdf");
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    let text = pdf_text(&pdf.body, &site, "progress.pdf");
    let today = crate::common::squeeze(&hub::summary::thai_date(hub::store::now()));
    for expected in [
        "สร้างแฟ้มข้อมูลของหน่วยงานแล้ว๓หน่วยงาน".to_owned(),
        // B was returned: only A stands at "submitted" or beyond.
        "ส่งแล้ว๑จาก๓หน่วยงานได้แก่อบต.๐จาก๑เทศบาล๑จาก๒".to_owned(),
        "อนุมัติแล้ว๑จาก๓หน่วยงาน".to_owned(),
        "จังหวัดส่งกลับให้แก้ไข๑ครั้งจาก๑หน่วยงาน".to_owned(),
        "ลงนามแล้ว๐จาก๓หน่วยงาน".to_owned(),
        "เผยแพร่แล้ว๐จาก๓หน่วยงาน".to_owned(),
        format!("วันที่{today}จำนวน๓หน่วยงาน"),
        format!("วันที่{today}จำนวน๑หน่วยงาน"),
        "ยังไม่ส่ง๒หน่วยงาน".to_owned(),
        format!("ข้อมูลณวันที่{today}"),
    ] {
        assert!(text.contains(&expected), "{expected} in {text}");
    }
    let behind = text.split("ยังไม่ส่ง๒หน่วยงานได้แก่").nth(1).unwrap_or("");
    assert!(
        behind.starts_with("องค์การบริหารส่วนตำบลสอง(อำเภอเสลภูมิ),เทศบาลตำบลสาม(อำเภอเสลภูมิ)"),
        "{behind}"
    );
}

/// The `/api/…` routes the clerk's form script names: `"/api/<word>"`, `apiUrl("<word>"`,
/// and the preview's `/api/render/${…}/<word>`.
fn form_routes() -> std::collections::BTreeSet<String> {
    let source = std::fs::read_to_string(root().join("src/web/assets/app.js")).unwrap();
    let word = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect()
    };
    let mut words = std::collections::BTreeSet::new();
    for part in source.split("/api/").skip(1) {
        words.insert(word(part));
    }
    for part in source.split("apiUrl(\"").skip(1) {
        words.insert(word(part));
    }
    for part in source.split("/api/render/${").skip(1) {
        if let Some((_, rest)) = part.split_once("}/") {
            words.insert(format!("render/{}", word(rest)));
        }
    }
    words.remove("");
    words
}

#[test]
fn every_route_the_clerks_form_calls_answers_in_the_hub_or_is_hidden_there() {
    let (site, _admin, ca, _cb, a, _b) = two_agencies("hub-form");
    let name = encode(&a.name);
    let (value, etag) = current(&ca, &a.name);
    let body = value.to_string();
    let preview = ca.api(
        "POST",
        &format!("/api/preview/{name}"),
        "application/json",
        body.as_bytes(),
        &[],
    );
    assert_eq!(preview.status, 200, "{}", preview.text());
    let id = preview.json()["id"].as_str().unwrap().to_owned();
    // The workspace's file tools, which the hub's form does not show (the browser test
    // sees them absent): packages come from the province's import.
    let hidden = [
        "new",
        "import",
        "rename",
        "duplicate",
        "recycle",
        "restore",
        "sheets",
    ];
    let calls: Vec<(&str, &str, String)> = vec![
        ("packages", "GET", "/api/packages".to_owned()),
        ("packages", "GET", format!("/api/packages/{name}")),
        ("schema", "GET", "/api/schema".to_owned()),
        ("framework", "GET", "/api/framework/2566".to_owned()),
        ("check", "POST", format!("/api/check/{name}")),
        ("preview", "POST", format!("/api/preview/{name}")),
        ("render", "GET", format!("/api/render/{id}/page/1")),
        ("render/page", "GET", format!("/api/render/{id}/page/1")),
        (
            "render/where",
            "GET",
            format!("/api/render/{id}/where?field=%2Fagency%2Fname"),
        ),
        ("download", "POST", format!("/api/download/{name}?kind=pdf")),
        (
            "download",
            "POST",
            format!("/api/download/{name}?kind=archive"),
        ),
    ];
    for route in form_routes() {
        if hidden.contains(&route.as_str()) {
            continue;
        }
        let mine: Vec<_> = calls.iter().filter(|(r, _, _)| *r == route).collect();
        assert!(
            !mine.is_empty(),
            "the form calls /api/{route}, which the hub neither answers nor hides"
        );
        for (_, method, target) in mine {
            let reply = ca.api(method, target, "application/json", body.as_bytes(), &[]);
            assert_eq!(reply.status, 200, "{method} {target}: {}", reply.text());
        }
    }
    let archive = ca.api(
        "POST",
        &format!("/api/download/{name}?kind=archive"),
        "application/json",
        body.as_bytes(),
        &[],
    );
    assert!(archive.body.starts_with(b"%PDF-"));
    assert!(
        archive
            .header("content-disposition")
            .is_some_and(|d| d.contains("-archive.pdf")),
        "{:?}",
        archive.headers
    );
    // The save the form makes, and the marker that hides the file tools.
    assert_eq!(save(&ca, &a.name, &value, &etag).status, 200);
    assert!(ca.get("/edit").text().contains("<meta name=\"ita-hub\""));
    drop(site);
}

#[test]
fn approved_zip_holds_the_signed_pdf_as_sent_and_builds_the_approved_ones() {
    use crate::signing::{PASSWORD as P12, certificate, ita_report, key, pkcs12_file, stderr};
    let site = Site::new("hub-zip");
    let admin = client(site.addr(), "admin");
    let office_name = "2566-สำนักงานศึกษาธิการจังหวัดร้อยเอ็ด.json";
    let text =
        std::fs::read_to_string(root().join("inputs/2567-roiet-education-office.json")).unwrap();
    hub::intake::add_files(
        site.store(),
        &site.running.hub.frameworks,
        &[(office_name.to_owned(), text)],
        None,
    )
    .unwrap();
    let packages = site.imported(&admin);
    let office = named(&packages, "สำนักงานศึกษาธิการจังหวัดร้อยเอ็ด").clone();
    let a = named(&packages, "เทศบาลตำบลหนึ่ง").clone();
    site.user("office", Some(office.agency.id));
    site.user("editor-a", Some(a.agency.id));
    let (co, ca) = (
        client(site.addr(), "office"),
        client(site.addr(), "editor-a"),
    );
    for (clerk, package) in [(&co, &office), (&ca, &a)] {
        step(clerk, package, "submit", "");
        step(&admin, package, "approve", "");
    }
    // The office builds its approved version as an archival PDF and signs it.
    let dir = site._scratch.path().join("office");
    std::fs::create_dir_all(&dir).unwrap();
    let approved = co.get(&format!("/api/packages/{}", encode(office_name)));
    std::fs::write(dir.join(office_name), &approved.body).unwrap();
    let run = ita_report(
        &dir,
        &["build", office_name, "-o", "out", "--archive", "--quiet"],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let signer = key("office");
    let cert = certificate(&signer, "CN=ผู้อำนวยการ,O=สำนักงานศึกษาธิการจังหวัดร้อยเอ็ด,C=TH");
    std::fs::write(dir.join("id.p12"), pkcs12_file(&signer, &cert, P12)).unwrap();
    let stem = office_name.trim_end_matches(".json");
    let built = format!("out/{stem}.pdf");
    let run = ita_report(
        &dir,
        &["sign", &built, "--cert", "id.p12", "-o", "signed.pdf"],
        Some(P12),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let signed = std::fs::read(dir.join("signed.pdf")).unwrap();
    let sent = co.api(
        "POST",
        &format!("/api/signed/{}", encode(office_name)),
        "application/pdf",
        &signed,
        &[],
    );
    assert_eq!(sent.status, 200, "{}", sent.text());
    // The zip: the signed bytes as sent, A's PDF built now; names in Thai.
    for (kind, a_file) in [
        ("", format!("{}.pdf", a.name.trim_end_matches(".json"))),
        (
            "?kind=archive",
            format!("{}-archive.pdf", a.name.trim_end_matches(".json")),
        ),
    ] {
        let reply = admin.get(&format!("/approved.zip{kind}"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let disposition = reply.header("content-disposition").unwrap_or("");
        assert!(
            disposition.contains("filename*=UTF-8''%E0%B9%80"),
            "{disposition}"
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(reply.body.clone())).unwrap();
        let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        names.sort();
        let mut wanted = vec![
            format!("{stem}-signed.pdf"),
            a_file.clone(),
            "รายการเอกสาร.txt".to_owned(),
        ];
        wanted.sort();
        assert_eq!(names, wanted);
        let read = |zip: &mut zip::ZipArchive<_>, name: &str| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut out).unwrap();
            out
        };
        assert_eq!(read(&mut zip, &format!("{stem}-signed.pdf")), signed);
        let a_pdf = read(&mut zip, &a_file);
        assert!(a_pdf.starts_with(b"%PDF-"));
        let pdf_a = String::from_utf8_lossy(&a_pdf).contains("pdfaid:part");
        assert_eq!(pdf_a, !kind.is_empty(), "archival only when asked");
        let list = String::from_utf8(read(&mut zip, "รายการเอกสาร.txt")).unwrap();
        assert!(
            list.contains("ระบบตรวจแล้ว") && list.contains("สร้างจากฉบับที่อนุมัติ"),
            "{list}"
        );
    }
}
