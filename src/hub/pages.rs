//! The hub's pages, rendered on the server in plain official Thai: logging in, setting a
//! password, the province's dashboard, a package's page (state, steps, comments, history,
//! versions and their differences), the accounts page, and the clerk's form for editing.
//!
//! Every text from the database or a request is escaped ([`esc`]); the pages carry the
//! session's CSRF token in each form (and in a `meta` for the scripts).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::{self, Session};
use super::store::PackageRow;
use super::workflow::{Action, STATES};
use super::{Hub, Refusal};

const SCRIPT: &str = include_str!("hub.js");
const STYLE: &str = include_str!("hub.css");

/// Text safe inside HTML (elements and quoted attributes).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A time as Thai officials write it, in Thailand's time (UTC+7), Buddhist era.
pub fn thai_time(seconds: i64) -> String {
    let (day, month, year, hour, minute) = super::store::local_time(seconds);
    format!(
        "{day} {} {year} {hour:02}:{minute:02} น.",
        crate::thai::MONTHS_SHORT[month - 1],
    )
}

/// A whole page around `body`.
pub(super) fn page(title: &str, session: Option<&Session>, body: &str) -> Response {
    let mut html = String::from("<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\">");
    let _ = write!(
        html,
        "<meta name=\"viewport\" content=\"width=device-width\"><title>{} — ระบบรายงาน ITA ของจังหวัด</title>\
         <link rel=\"stylesheet\" href=\"/assets/hub.css\"><script src=\"/assets/hub.js\" defer></script>",
        esc(title)
    );
    if let Some(session) = session {
        let _ = write!(
            html,
            "<meta name=\"ita-csrf\" content=\"{}\">",
            esc(&session.csrf)
        );
    }
    html.push_str("</head><body><header><a href=\"/\">ระบบรายงาน ITA ของจังหวัด</a>");
    if let Some(session) = session {
        let role = if session.user.admin {
            "ผู้ดูแลระบบของจังหวัด"
        } else {
            "ผู้ใช้ของหน่วยงาน"
        };
        let _ = write!(
            html,
            " <span>{} ({role})</span> <form method=\"post\" action=\"/logout\" class=\"inline\">{}<button>ออกจากระบบ</button></form>",
            esc(&session.user.name),
            csrf_field(session)
        );
    }
    let _ = write!(
        html,
        "</header><main><h1>{}</h1>{body}</main></body></html>",
        esc(title)
    );
    let mut response = html.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn csrf_field(session: &Session) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(&session.csrf)
    )
}

/// A page saying one thing (a refusal answered to a form).
pub fn message_page(message: &str) -> Response {
    page(
        "ดำเนินการไม่ได้",
        None,
        &format!(
            "<p class=\"error\">{}</p><p><a href=\"/\">กลับหน้าหลัก</a></p>",
            esc(message)
        ),
    )
}

/// The one-time link of a new (or reset) user, shown once to the administrator.
pub fn link_page(who: &str, link: &str) -> Response {
    page(
        "ลิงก์ตั้งรหัสผ่าน",
        None,
        &format!(
            "<p>ส่งลิงก์นี้ให้ <b>{}</b> ทางช่องทางที่ปลอดภัย ลิงก์ใช้ได้ครั้งเดียวภายใน 7 วัน และจะไม่แสดงอีก:</p>\
             <p><code class=\"link\">{}</code></p><p><a href=\"/users\">กลับไปหน้าผู้ใช้</a></p>",
            esc(who),
            esc(link)
        ),
    )
}

/// What a page answers without a session: `401` and the login form.
pub(super) fn to_login() -> Response {
    let mut response = login_form();
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
}

/// `GET /login`.
pub async fn login_page() -> Response {
    login_form()
}

fn login_form() -> Response {
    page(
        "เข้าสู่ระบบ",
        None,
        "<form method=\"post\" action=\"/login\" class=\"box\">\
         <label>ชื่อผู้ใช้ <input name=\"login\" autocomplete=\"username\" required></label>\
         <label>รหัสผ่าน <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
         <button>เข้าสู่ระบบ</button></form>",
    )
}

/// `GET /setup/{token}`.
pub async fn setup_page(Path(token): Path<String>) -> Response {
    page(
        "ตั้งรหัสผ่าน",
        None,
        &format!(
            "<form method=\"post\" action=\"/setup/{}\" class=\"box\">\
             <label>รหัสผ่านใหม่ (อย่างน้อย {} ตัวอักษร) <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required></label>\
             <label>พิมพ์รหัสผ่านอีกครั้ง <input name=\"again\" type=\"password\" autocomplete=\"new-password\" required></label>\
             <button>ตั้งรหัสผ่าน</button></form>",
            esc(&token),
            auth::PASSWORD_CHARS
        ),
    )
}

/// `GET /assets/hub.js`, `GET /assets/hub.css`.
pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

fn asset(text: &'static str, kind: &'static str) -> Response {
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

/// `GET /edit`: the clerk's form of `serve`, speaking to the hub's API with the session's
/// token; it lists only the session's packages.
pub async fn editor(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    let Some(session) = auth::session(&hub, &headers) else {
        return to_login();
    };
    // The marker tells the form it is the hub's: the workspace's file tools (new, import,
    // rename, copy, delete, recycle) are the administrator's import here, so not shown.
    let mut response = crate::web::assets::index_page(&esc(&session.csrf))
        .replace(
            "<meta name=\"ita-csrf\"",
            "<meta name=\"ita-hub\" content=\"1\"><meta name=\"ita-csrf\"",
        )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The filters of the dashboard (`?q=…&state=…&district=…&kind=…`).
fn shown(package: &PackageRow, query: &std::collections::HashMap<String, String>) -> bool {
    let wanted = |key: &str, value: &str| query.get(key).is_none_or(|w| w.is_empty() || w == value);
    let q = query.get("q").map_or("", |q| q.trim());
    wanted("state", package.state.as_str())
        && wanted("district", &package.agency.district)
        && wanted("kind", &package.agency.kind)
        && (q.is_empty() || package.agency.name.contains(q) || package.name.contains(q))
}

/// `GET /`: the dashboard (the province's, or the agency's own packages).
pub async fn dashboard(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, Refusal> {
    let Some(session) = auth::session(&hub, &headers) else {
        return Ok(to_login());
    };
    let query = super::form::pairs(raw.as_deref().unwrap_or(""));
    let agency = if session.user.admin {
        None
    } else {
        session.user.agency.or(Some(-1))
    };
    let all = hub.store.packages(agency)?;
    let rows: Vec<&PackageRow> = all.iter().filter(|p| shown(p, &query)).collect();
    let mut body = String::new();
    if session.user.admin {
        let mut years: Vec<i64> = all.iter().map(|p| p.year).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        body.push_str(&admin_tools(&session, &years));
        body.push_str(&counts(&all));
        body.push_str(&filters(&all, &query));
    } else {
        body.push_str("<p><a class=\"button\" href=\"/edit\">เปิดแบบฟอร์มแก้ไขข้อมูล</a></p>");
    }
    body.push_str(&table(&rows));
    let title = if session.user.admin {
        "ภาพรวมของจังหวัด"
    } else {
        "แฟ้มของหน่วยงาน"
    };
    Ok(page(title, Some(&session), &body))
}

fn admin_tools(session: &Session, years: &[i64]) -> String {
    let reports: String = years
        .iter()
        .map(|y| format!(" · <a href=\"/reports/{y}\">เอกสารของจังหวัด ปีงบประมาณ {y} (รายงานผลการวิเคราะห์ รายงานความก้าวหน้า)</a>"))
        .collect();
    format!(
        "<section class=\"tools\"><a href=\"/users\">ผู้ใช้และหน่วยงาน</a> · <a href=\"/approved.zip\">ดาวน์โหลด PDF ที่อนุมัติหรือลงนามแล้วทั้งหมด (zip)</a> · <a href=\"/approved.zip?kind=archive\">ชุดเดียวกันเป็น PDF สำหรับจัดเก็บ (PDF/A)</a>{reports}\
         <form data-upload=\"/api/import\" class=\"upload\">นำเข้าผลการประเมินของ ป.ป.ช. (.xlsx .ods .csv): \
         <label>ปีงบประมาณ <input name=\"year\" size=\"5\" required></label> <input type=\"file\" name=\"file\" required> \
         <button>นำเข้า</button><output></output></form>{}</section>",
        csrf_field(session)
    )
}

/// Counts per state and per district.
fn counts(all: &[PackageRow]) -> String {
    let mut out = String::from("<section class=\"counts\"><h2>จำนวนตามสถานะ</h2><ul>");
    for state in STATES {
        let n = all.iter().filter(|p| p.state == state).count();
        let _ = write!(
            out,
            "<li><a href=\"/?state={}\">{}</a>: {n}</li>",
            state.as_str(),
            state.thai()
        );
    }
    out.push_str("</ul><h2>จำนวนตามอำเภอ</h2><table><tr><th>อำเภอ</th><th>ทั้งหมด</th><th>ส่งแล้วขึ้นไป</th><th>อนุมัติแล้วขึ้นไป</th></tr>");
    let mut districts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for p in all {
        let entry = districts.entry(&p.agency.district).or_default();
        entry.0 += 1;
        entry.1 += usize::from(!matches!(
            p.state,
            super::workflow::State::Draft | super::workflow::State::Returned
        ));
        entry.2 += usize::from(matches!(
            p.state,
            super::workflow::State::Approved
                | super::workflow::State::Signed
                | super::workflow::State::Published
        ));
    }
    for (district, (n, sent, approved)) in districts {
        let shown = if district.is_empty() {
            "(ไม่ระบุ)"
        } else {
            district
        };
        let _ = write!(
            out,
            "<tr><td><a href=\"/?district={}\">{}</a></td><td>{n}</td><td>{sent}</td><td>{approved}</td></tr>",
            esc(district),
            esc(shown)
        );
    }
    out.push_str("</table></section>");
    out
}

fn filters(all: &[PackageRow], query: &std::collections::HashMap<String, String>) -> String {
    let value = |key: &str| esc(query.get(key).map_or("", |v| v.as_str()));
    let mut out = format!(
        "<form method=\"get\" action=\"/\" class=\"filters\"><label>ค้นหา <input name=\"q\" value=\"{}\"></label> <label>สถานะ <select name=\"state\"><option value=\"\">ทั้งหมด</option>",
        value("q")
    );
    for state in STATES {
        let selected = if query.get("state").is_some_and(|s| s == state.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            state.as_str(),
            state.thai()
        );
    }
    out.push_str(
        "</select></label> <label>ประเภท <select name=\"kind\"><option value=\"\">ทั้งหมด</option>",
    );
    let mut kinds: Vec<&str> = all.iter().map(|p| p.agency.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let selected = if query.get("kind").is_some_and(|k| k == kind) {
            " selected"
        } else {
            ""
        };
        let _ = write!(out, "<option{selected}>{}</option>", esc(kind));
    }
    let _ = write!(
        out,
        "</select></label> <input type=\"hidden\" name=\"district\" value=\"{}\"><button>กรอง</button> <a href=\"/\">ล้าง</a></form>",
        value("district")
    );
    out
}

fn table(rows: &[&PackageRow]) -> String {
    let mut out = format!(
        "<p>{} แฟ้ม</p><table class=\"packages\"><tr><th>หน่วยงาน</th><th>อำเภอ</th><th>ประเภท</th><th>สถานะ</th><th>ปัญหาที่ตรวจพบ</th><th>แก้ไขล่าสุด</th></tr>",
        rows.len()
    );
    for p in rows {
        let _ = write!(
            out,
            "<tr data-state=\"{}\"><td><a href=\"/packages/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            p.state.as_str(),
            p.id,
            esc(&p.agency.name),
            esc(&p.agency.district),
            esc(&p.agency.kind),
            p.state.thai(),
            p.problems,
            thai_time(p.updated),
            esc(p.updated_by.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</table>");
    out
}

/// `GET /users` (administrator): accounts, their agencies, and the form for a new one.
pub async fn users_page(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let Some(session) = auth::session(&hub, &headers) else {
        return Ok(to_login());
    };
    if !session.user.admin {
        return Err(Refusal::forbidden().as_page());
    }
    let agencies = hub.store.agencies()?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| agencies.iter().find(|a| a.id == id))
            .map_or(
                "จังหวัด (ผู้ดูแลระบบ)".to_owned(),
                |a| format!("{} {}", a.name, a.district),
            )
    };
    let mut body = String::from(
        "<table><tr><th>ชื่อผู้ใช้</th><th>ชื่อ</th><th>หน่วยงาน</th><th>รหัสผ่าน</th><th></th></tr>",
    );
    for (user, has_password) in hub.store.users()? {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/users/{}/reset\">{}<button>ตั้งรหัสผ่านใหม่</button></form></td></tr>",
            esc(&user.login),
            esc(&user.name),
            esc(&name_of(user.agency)),
            if has_password {
                "ตั้งแล้ว"
            } else {
                "รอตั้งจากลิงก์"
            },
            user.id,
            csrf_field(&session)
        );
    }
    body.push_str("</table><h2>เพิ่มผู้ใช้</h2><form method=\"post\" action=\"/users\" class=\"box\">");
    body.push_str(&csrf_field(&session));
    body.push_str("<label>ชื่อผู้ใช้ (อังกฤษ) <input name=\"login\" required></label><label>ชื่อ-สกุล <input name=\"name\" required></label><label>หน่วยงาน <select name=\"agency\">");
    for agency in &agencies {
        let _ = write!(
            body,
            "<option value=\"{}\">{} ({})</option>",
            agency.id,
            esc(&agency.name),
            esc(&agency.district)
        );
    }
    body.push_str("<option value=\"admin\">ผู้ดูแลระบบของจังหวัด</option></select></label><button>สร้างผู้ใช้และลิงก์ตั้งรหัสผ่าน</button></form>");
    Ok(page("ผู้ใช้และหน่วยงาน", Some(&session), &body))
}

/// `GET /packages/{id}` (`?v=N` shows version N's differences): the package's page.
pub async fn package_page(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, Refusal> {
    let Some(session) = auth::session(&hub, &headers) else {
        return Ok(to_login());
    };
    let missing = || Refusal::new(StatusCode::NOT_FOUND, "ไม่มีแฟ้มนี้ในระบบ").as_page();
    let id: i64 = id.parse().map_err(|_| missing())?;
    let package = hub.store.package(id)?.ok_or_else(missing)?;
    super::auth::may_see(&session, &package).map_err(Refusal::as_page)?;
    let query = super::form::pairs(raw.as_deref().unwrap_or(""));
    let mut body = format!(
        "<p>แฟ้ม <code>{}</code> · อำเภอ{} · สถานะ <b class=\"state\" data-state=\"{}\">{}</b> · ฉบับที่ {} · ปัญหาที่ตรวจพบ {}</p>",
        esc(&package.name),
        esc(&package.agency.district),
        package.state.as_str(),
        package.state.thai(),
        package.current,
        package.problems
    );
    body.push_str(&actions(&session, &package));
    body.push_str(&comments(&hub, &session, &package)?);
    body.push_str(&history(&hub, &package)?);
    let shown_version = query.get("v").and_then(|v| v.parse().ok());
    body.push_str(&versions(&hub, &session, &package, shown_version)?);
    Ok(page(&package.agency.name, Some(&session), &body))
}

fn actions(session: &Session, package: &PackageRow) -> String {
    let mut out = String::from("<section class=\"actions\">");
    let own = session.user.agency == Some(package.agency.id);
    if own && package.state.editable() {
        out.push_str("<a class=\"button\" href=\"/edit\">แก้ไขข้อมูล</a> ");
    }
    if own || session.user.admin {
        for action in Action::offered(session.user.admin, package.state) {
            let comment = if action == Action::Return {
                "<label>เหตุผล <input name=\"comment\" required></label>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<form method=\"post\" action=\"/packages/{}/action\" class=\"inline\">{}<input type=\"hidden\" name=\"action\" value=\"{}\">{comment}<button>{}</button></form> ",
                package.id,
                csrf_field(session),
                match action {
                    Action::Submit => "submit",
                    Action::Return => "return",
                    Action::Approve => "approve",
                    Action::Sign => "sign",
                    Action::Publish => "publish",
                },
                action.thai()
            );
        }
    }
    if own && package.state == super::workflow::State::Approved {
        let _ = write!(
            out,
            "<form data-upload=\"/api/signed/{}\" class=\"upload\">ส่งแฟ้ม PDF ที่ลงนามแล้ว: <input type=\"file\" name=\"file\" accept=\"application/pdf\" required> <button>ส่ง</button><output></output></form>",
            esc(&package.name)
        );
    }
    if package.signed {
        let _ = write!(
            out,
            " <a href=\"/packages/{}/signed.pdf\">PDF ที่ลงนามแล้ว</a>",
            package.id
        );
    }
    out.push_str("</section>");
    out
}

fn comments(hub: &Hub, session: &Session, package: &PackageRow) -> Result<String, Refusal> {
    let mut out = String::from("<section><h2>ความเห็นของจังหวัด</h2><ul class=\"comments\">");
    for c in hub.store.comments(package.id)? {
        let _ = write!(
            out,
            "<li><b>{}</b> (ฉบับที่ {}) {} — {} · {}</li>",
            esc(&c.field),
            c.version,
            esc(&c.text),
            esc(&c.by),
            thai_time(c.at)
        );
    }
    out.push_str("</ul>");
    if session.user.admin {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/packages/{}/comment\" class=\"box\">{}<label>ช่องข้อมูล (เช่น measures.rows[0].action) <input name=\"field\"></label><label>ความเห็น <textarea name=\"text\" required></textarea></label><button>บันทึกความเห็น</button></form>",
            package.id,
            csrf_field(session)
        );
    }
    out.push_str("</section>");
    Ok(out)
}

fn history(hub: &Hub, package: &PackageRow) -> Result<String, Refusal> {
    let mut out = String::from(
        "<section><h2>ประวัติการดำเนินการ</h2><table class=\"history\"><tr><th>เมื่อ</th><th>ผู้ดำเนินการ</th><th>จาก</th><th>เป็น</th><th>หมายเหตุ</th></tr>",
    );
    for step in hub.store.history(package.id)? {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            thai_time(step.at),
            esc(step.by.as_deref().unwrap_or("ระบบ")),
            step.from.map_or("", |s| s.thai()),
            step.to.thai(),
            esc(&step.comment)
        );
    }
    out.push_str("</table></section>");
    Ok(out)
}

fn versions(
    hub: &Hub,
    session: &Session,
    package: &PackageRow,
    shown: Option<i64>,
) -> Result<String, Refusal> {
    let all = hub.store.versions(package.id)?;
    let mut out = String::from(
        "<section><h2>ฉบับที่บันทึกไว้</h2><table class=\"versions\"><tr><th>ฉบับ</th><th>เมื่อ</th><th>ผู้บันทึก</th><th>ช่องที่เปลี่ยน</th><th></th></tr>",
    );
    let restorable = session.user.agency == Some(package.agency.id) && package.state.editable();
    for v in &all {
        let changed = if v.changed.len() > 5 {
            format!(
                "{} และอีก {} ช่อง",
                esc(&v.changed[..5].join(", ")),
                v.changed.len() - 5
            )
        } else {
            esc(&v.changed.join(", "))
        };
        let restore = if restorable && v.number != package.current {
            format!(
                "<form method=\"post\" action=\"/packages/{}/restore\" class=\"inline\">{}<input type=\"hidden\" name=\"version\" value=\"{}\"><button>นำฉบับนี้กลับมาใช้</button></form>",
                package.id,
                csrf_field(session),
                v.number
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<tr><td><a href=\"/packages/{}?v={}\">{}</a></td><td>{}</td><td>{}</td><td>{changed} {}</td><td>{restore}</td></tr>",
            package.id,
            v.number,
            v.number,
            thai_time(v.at),
            esc(v.by.as_deref().unwrap_or("ระบบ")),
            esc(&v.note)
        );
    }
    out.push_str("</table>");
    if let Some(n) = shown
        && let Some(after) = all.iter().find(|v| v.number == n)
    {
        let before = all.iter().find(|v| v.number == n - 1);
        out.push_str(&difference(before.map(|v| v.json.as_str()), &after.json, n));
    }
    out.push_str("</section>");
    Ok(out)
}

/// The field-by-field differences of version `n` from the one before.
fn difference(before: Option<&str>, after: &str, n: i64) -> String {
    let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_or_default();
    let before = before.map_or(serde_json::Value::Null, parse);
    let changes = super::diff::changes(&before, &parse(after));
    let mut out = format!(
        "<h3>ฉบับที่ {n} เปลี่ยนจากฉบับก่อน {} ช่อง</h3><table class=\"diff\"><tr><th>ช่องข้อมูล</th><th>เดิม</th><th>ใหม่</th></tr>",
        changes.len()
    );
    let shown = |v: &Option<serde_json::Value>| match v {
        None => "(ไม่มี)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    for change in changes.iter().take(500) {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td class=\"before\">{}</td><td class=\"after\">{}</td></tr>",
            esc(&change.path),
            esc(&shown(&change.before)),
            esc(&shown(&change.after))
        );
    }
    out.push_str("</table>");
    out
}
