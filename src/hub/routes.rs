//! The hub's handlers: logging in and out, accounts, the workflow's steps, comments,
//! restoring a version, downloads, and the editing API the clerk's form speaks (list, read,
//! save, check, preview), each limited to the packages the session may see.
//!
//! Every handler first asks [`auth`] for the session it needs (a change also needs this
//! site's origin and the session's CSRF token), then checks the package's agency, then the
//! request's body, and only then changes anything, in one transaction of the [`Store`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::{self, Changer, Reader, Session, may_edit, may_see};

use super::store::{Move, PackageRow, Save, Store, StoreError};
use super::workflow::{Action, State as Stage};
use super::{Hub, Refusal};
use crate::check::Checked;
use crate::diagnostic::Failure;
use crate::web::api::checked_json;

type Answer = Result<Response, Refusal>;
type Hubs = State<Arc<Hub>>;
type Peer = ConnectInfo<SocketAddr>;
type Body_ = Result<Bytes, BytesRejection>;

/// The largest form body (a comment is the longest field).
const FORM_BYTES: usize = 64 * 1024;
/// The longest comment, field path and name taken.
const COMMENT_CHARS: usize = 5000;
const FIELD_CHARS: usize = 300;
const NAME_CHARS: usize = 200;

/// Runs blocking work (hashing, loading, building) off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("งานภายในล้มเหลว ({e})"),
        )
    })
}

/// A form body (`application/x-www-form-urlencoded`, bounded) as its fields.
pub fn form(headers: &HeaderMap, body: Body_) -> Result<HashMap<String, String>, Refusal> {
    let body = body?;
    content_type(headers, &["application/x-www-form-urlencoded"])?;
    if body.len() > FORM_BYTES {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "ข้อมูลในแบบฟอร์มยาวเกิน {} KB จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                FORM_BYTES / 1024
            ),
        ));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| Refusal::bad("ข้อมูลในแบบฟอร์มไม่ใช่ข้อความ UTF-8 จึงไม่ได้รับไว้"))?;
    Ok(super::form::pairs(text))
}

/// A form post's fields and its session: logged in, from this site's page, with the
/// session's CSRF token in the field `csrf`; a refusal answered as a page.
fn form_session(
    hub: &Hub,
    headers: &HeaderMap,
    body: Body_,
) -> Result<(Session, HashMap<String, String>), Refusal> {
    let form = form(headers, body).map_err(Refusal::as_page)?;
    let session = auth::change(hub, headers, form.get("csrf").map(String::as_str))
        .map_err(Refusal::as_page)?;
    Ok((session, form))
}

/// The request's body type must be one of `accepted`.
fn content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), Refusal> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if accepted.iter().any(|a| essence.eq_ignore_ascii_case(a)) {
        return Ok(());
    }
    let shown: String = given.chars().take(80).filter(|c| !c.is_control()).collect();
    let shown = if shown.is_empty() {
        "ไม่ระบุชนิด".to_owned()
    } else {
        shown
    };
    Err(Refusal::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "ข้อมูลที่ส่งมาต้องเป็นชนิด {} แต่ส่งมาเป็น {shown} จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
            accepted.join(" หรือ ")
        ),
    ))
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.trim())
}

fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(to) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, to);
    }
    response
}

/// A package by its number in a path, or `404`.
fn package(store: &Store, id: &str) -> Result<PackageRow, Refusal> {
    let missing = || Refusal::new(StatusCode::NOT_FOUND, "ไม่มีแฟ้มนี้ในระบบ");
    let id: i64 = id.parse().map_err(|_| missing())?;
    store.package(id)?.ok_or_else(missing)
}

/// A package by its file name, or `404`.
fn package_named(store: &Store, name: &str) -> Result<PackageRow, Refusal> {
    store
        .package_named(name)?
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, format!("ไม่มีแฟ้ม `{name}` ในระบบ")))
}

/// The package a path names, when the session has the right `may` (to see, to edit) to it.
fn named_for(
    hub: &Hub,
    session: &Session,
    name: &str,
    may: fn(&Session, &PackageRow) -> Result<(), Refusal>,
) -> Result<PackageRow, Refusal> {
    let package = package_named(&hub.store, name)?;
    may(session, &package)?;
    Ok(package)
}

pub(super) fn admin_only(session: &Session) -> Result<(), Refusal> {
    if session.user.admin {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "หน้านี้สำหรับผู้ดูแลระบบของจังหวัดเท่านั้น ไม่มีสิ่งใดเปลี่ยน",
        ))
    }
}

/// A permit for heavy work (a build, an import, a check of a signed PDF), or `503`.
pub(super) fn heavy(hub: &Hub) -> Result<tokio::sync::OwnedSemaphorePermit, Refusal> {
    hub.heavy.permit().map_err(|_| {
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "เครื่องกำลังสร้างเอกสารหรือทำงานหนักอื่นอยู่ โปรดลองอีกครั้งในอีกสักครู่ (ยังไม่มีสิ่งใดเปลี่ยน)",
        )
    })
}

/// `POST /login`: a session cookie for the right password; failures counted per account
/// and per address.
pub async fn login(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    auth::same_origin(&headers).map_err(page)?;
    let form = form(&headers, body).map_err(page)?;
    let login = field(&form, "login").to_owned();
    let password = form.get("password").cloned().unwrap_or_default();
    let address = peer.ip().to_string();
    if hub.limiter.blocked(&login, &address) {
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป โปรดรอ {} นาทีแล้วลองใหม่ หรือขอให้ผู้ดูแลระบบตั้งรหัสผ่านใหม่",
                auth::WINDOW / 60
            ),
        )
        .as_page());
    }
    let found = hub
        .store
        .user_by_login(&login)
        .map_err(|e| Refusal::from(e).as_page())?;
    let checked = hub.clone();
    let user = blocking(move || {
        let hash = found.as_ref().and_then(|(_, hash)| hash.clone());
        // An unknown name costs as much as a known one: the time tells nothing.
        let hash = hash.unwrap_or_else(|| auth::hash_password("-").unwrap_or_default());
        let right = auth::verify_password(&hash, &password);
        drop(checked);
        found.filter(|_| right).map(|(user, _)| user)
    })
    .await?;
    let Some(user) = user else {
        hub.limiter.failed(&login, &address);
        let _ = hub
            .store
            .audit(None, &address, "login-failed", None, &login);
        return Err(Refusal::new(StatusCode::UNAUTHORIZED, "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง").as_page());
    };
    hub.limiter.succeeded(&login);
    let token = auth::new_token();
    let expires = super::store::now() + auth::SESSION_SECONDS;
    hub.store
        .create_session(
            &auth::token_hash(&token),
            user.id,
            &auth::new_token(),
            expires,
        )
        .map_err(|e| Refusal::from(e).as_page())?;
    let _ = hub.store.audit(Some(user.id), &address, "login", None, "");
    let mut response = see_other("/");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::session_cookie(&token, hub.secure));
    Ok(response)
}

/// `POST /logout`.
pub async fn logout(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let (session, _) = form_session(&hub, &headers, body)?;
    hub.store.end_session(&session.token_hash)?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "logout",
        None,
        "",
    );
    let mut response = see_other("/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::cleared_cookie());
    Ok(response)
}

/// `POST /setup/{token}`: the password of the one-time link's user; the link is spent.
pub async fn setup(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    auth::same_origin(&headers).map_err(page)?;
    let form = form(&headers, body).map_err(page)?;
    let password = form.get("password").cloned().unwrap_or_default();
    let again = form.get("again").cloned().unwrap_or_default();
    auth::acceptable(&password, &again).map_err(|m| Refusal::bad(m).as_page())?;
    let hash = blocking(move || auth::hash_password(&password)).await?;
    let hash = hash.map_err(|e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e).as_page())?;
    let user = hub
        .store
        .set_password(&auth::token_hash(&token), &hash)
        .map_err(|e| Refusal::from(e).as_page())?;
    let _ = hub.store.audit(
        Some(user.id),
        &peer.ip().to_string(),
        "password-set",
        None,
        "",
    );
    Ok(see_other("/login"))
}

/// The link a new user (or one whose password was reset) opens once.
fn setup_link(headers: &HeaderMap, token: &str, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}/setup/{token}")
}

/// `POST /users` (administrator): an editor of an agency, or with no agency another
/// administrator; answered with the one-time link.
pub async fn create_user(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    let (session, form) = form_session(&hub, &headers, body)?;
    admin_only(&session).map_err(page)?;
    let login = field(&form, "login");
    let name = field(&form, "name");
    let fits = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    if login.len() < 3 || login.len() > 64 || !login.chars().all(fits) {
        return Err(
            Refusal::bad("ชื่อผู้ใช้ต้องยาว 3–64 ตัว ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . _ - @").as_page(),
        );
    }
    if name.is_empty() || name.chars().count() > NAME_CHARS {
        return Err(Refusal::bad(format!("โปรดระบุชื่อผู้ใช้จริง (ไม่เกิน {NAME_CHARS} ตัวอักษร)")).as_page());
    }
    let agency = match field(&form, "agency") {
        "" | "admin" => None,
        text => Some(text.parse::<i64>().map_err(|_| {
            Refusal::bad(format!(
                "รหัสหน่วยงาน `{}` ไม่ใช่ตัวเลข จึงไม่ได้สร้างผู้ใช้",
                text.chars().take(40).collect::<String>()
            ))
            .as_page()
        })?),
    };
    let token = auth::new_token();
    let expires = super::store::now() + auth::SETUP_SECONDS;
    let id = hub
        .store
        .create_user(login, name, agency, &auth::token_hash(&token), expires)
        .map_err(|e| Refusal::from(e).as_page())?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "user-created",
        None,
        &format!("{id} {login}"),
    );
    let link = setup_link(&headers, &token, hub.secure);
    Ok((StatusCode::CREATED, super::pages::link_page(login, &link)).into_response())
}

/// `POST /users/{id}/reset` (administrator): the password is cleared, the user's sessions
/// end, and a new one-time link is answered.
pub async fn reset_user(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    let (session, _) = form_session(&hub, &headers, body)?;
    admin_only(&session).map_err(page)?;
    let id: i64 = id
        .parse()
        .map_err(|_| Refusal::new(StatusCode::NOT_FOUND, "ไม่มีผู้ใช้นี้").as_page())?;
    let token = auth::new_token();
    let expires = super::store::now() + auth::SETUP_SECONDS;
    hub.store
        .reset_user(id, &auth::token_hash(&token), expires)
        .map_err(|e| Refusal::from(e).as_page())?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "password-reset",
        None,
        &id.to_string(),
    );
    let link = setup_link(&headers, &token, hub.secure);
    Ok(super::pages::link_page(&format!("ผู้ใช้หมายเลข {id}"), &link).into_response())
}

/// `check` on package bytes, as the command line runs it (shape, rules, contradictions,
/// characters no font has).
pub fn check_text(hub: &Hub, name: &str, bytes: Vec<u8>) -> Checked {
    let (path, fonts) = (hub.data.join(name), Some(hub.engine.fonts()));
    crate::check::bytes(bytes, &path, name, &hub.frameworks, fonts)
}

/// `POST /packages/{id}/action`: a step of the workflow (submit, return, approve, publish).
pub async fn action(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    let (session, form) = form_session(&hub, &headers, body)?;
    let package = package(&hub.store, &id).map_err(page)?;
    may_see(&session, &package).map_err(page)?;
    let action = Action::parse(field(&form, "action"))
        .filter(|a| *a != Action::Sign)
        .ok_or_else(|| Refusal::bad("ไม่รู้จักขั้นตอนที่ขอ ไม่มีสิ่งใดเปลี่ยน").as_page())?;
    if action.by_admin() {
        admin_only(&session).map_err(page)?;
    } else {
        may_edit(&session, &package).map_err(page)?;
    }
    let to = action
        .from(package.state)
        .map_err(|m| Refusal::new(StatusCode::CONFLICT, m).as_page())?;
    let comment = field(&form, "comment");
    if comment.chars().count() > COMMENT_CHARS {
        return Err(
            Refusal::bad(format!("ข้อความยาวเกิน {COMMENT_CHARS} ตัวอักษร ไม่มีสิ่งใดเปลี่ยน")).as_page(),
        );
    }
    if action == Action::Return && comment.is_empty() {
        return Err(Refusal::bad("โปรดเขียนเหตุผลที่ส่งกลับให้หน่วยงานแก้ไข ไม่มีสิ่งใดเปลี่ยน").as_page());
    }
    if action == Action::Submit {
        submittable(&hub, &package).await.map_err(page)?;
    }
    let step = Move {
        from: package.state,
        to,
        comment: comment.to_owned(),
        signed_pdf: None,
        address: peer.ip().to_string(),
    };
    hub.store
        .transition(package.id, &step, session.user.id)
        .map_err(|e| Refusal::from(e).as_page())?;
    Ok(see_other(&format!("/packages/{}", package.id)))
}

/// A package is submitted only when `check` finds no error in its current version.
async fn submittable(hub: &Arc<Hub>, package: &PackageRow) -> Result<(), Refusal> {
    let version = hub
        .store
        .version(package.id, None)?
        .ok_or_else(|| Refusal::bad("ไม่มีข้อมูลของแฟ้มนี้"))?;
    let (checking, name) = (hub.clone(), package.name.clone());
    let found =
        blocking(move || check_text(&checking, &name, version.json.into_bytes()).errors()).await?;
    if found > 0 {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "ยังส่งไม่ได้: การตรวจพบข้อผิดพลาด {found} รายการ โปรดแก้ไขตามที่แสดงข้างช่องข้อมูลแล้วบันทึกก่อนส่ง ไม่มีสิ่งใดเปลี่ยน"
            ),
        ));
    }
    Ok(())
}

/// `POST /packages/{id}/comment` (administrator): a comment against a field.
pub async fn comment(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    let (session, form) = form_session(&hub, &headers, body)?;
    let package = package(&hub.store, &id).map_err(page)?;
    admin_only(&session).map_err(page)?;
    let (path, text) = (field(&form, "field"), field(&form, "text"));
    if text.is_empty() || text.chars().count() > COMMENT_CHARS || path.chars().count() > FIELD_CHARS
    {
        return Err(Refusal::bad(format!(
            "ความเห็นต้องมีข้อความ (ไม่เกิน {COMMENT_CHARS} ตัวอักษร) และชื่อช่องข้อมูลไม่เกิน {FIELD_CHARS} ตัวอักษร ไม่มีสิ่งใดเปลี่ยน"
        ))
        .as_page());
    }
    let path = if path.is_empty() {
        "(ทั้งแฟ้ม)"
    } else {
        path
    };
    hub.store
        .comment(
            package.id,
            path,
            text,
            session.user.id,
            &peer.ip().to_string(),
        )
        .map_err(|e| Refusal::from(e).as_page())?;
    Ok(see_other(&format!("/packages/{}", package.id)))
}

/// `POST /packages/{id}/restore`: an earlier version saved again as the newest.
pub async fn restore(
    State(hub): Hubs,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let page = |r: Refusal| r.as_page();
    let (session, form) = form_session(&hub, &headers, body)?;
    let package = package(&hub.store, &id).map_err(page)?;
    may_edit(&session, &package).map_err(page)?;
    let number: i64 = field(&form, "version")
        .parse()
        .map_err(|_| Refusal::bad("โปรดระบุฉบับที่จะนำกลับมา").as_page())?;
    let missing = || Refusal::new(StatusCode::NOT_FOUND, format!("ไม่มีฉบับที่ {number}")).as_page();
    let old = hub
        .store
        .version(package.id, Some(number))
        .map_err(|e| Refusal::from(e).as_page())?
        .ok_or_else(missing)?;
    let now = hub
        .store
        .version(package.id, None)
        .map_err(|e| Refusal::from(e).as_page())?
        .ok_or_else(missing)?;
    let (checking, name, json) = (hub.clone(), package.name.clone(), old.json.clone());
    let problems =
        blocking(move || check_text(&checking, &name, json.into_bytes()).problems()).await?;
    let save = Save {
        changed: super::diff::paths(&now.json, &old.json),
        note: format!("นำฉบับที่ {number} กลับมาใช้"),
        problems: problems as i64,
        address: peer.ip().to_string(),
    };
    hub.store
        .save(package.id, now.number, &old.json, &save, session.user.id)
        .map_err(|e| stale(e).as_page())?;
    Ok(see_other(&format!("/packages/{}", package.id)))
}

/// A store refusal, with a conflict of versions said in words.
fn stale(e: StoreError) -> Refusal {
    match e {
        StoreError::Conflict(current) => Refusal::new(
            StatusCode::PRECONDITION_FAILED,
            format!(
                "มีผู้บันทึกแฟ้มนี้ไปก่อนแล้ว (ฉบับที่ {current}) จึงไม่ได้บันทึกทับ ไม่มีสิ่งใดเปลี่ยน: โปรดโหลดฉบับล่าสุดแล้วแก้ไขอีกครั้ง"
            ),
        ),
        other => other.into(),
    }
}

/// A file to save, its name in Thai kept (RFC 6266 `filename*`).
pub(super) fn pdf_download(bytes: Vec<u8>, name: &str, kind: &'static str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    let disposition = crate::web::api::content_disposition(name);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /packages/{id}/signed.pdf`: the signed PDF the hub accepted.
pub async fn signed_pdf(
    State(hub): Hubs,
    Reader(session): Reader,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
) -> Answer {
    let package = package(&hub.store, &id)?;
    may_see(&session, &package)?;
    let pdf = hub
        .store
        .signed_pdf(package.id)?
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "แฟ้มนี้ยังไม่มี PDF ที่ลงนามแล้ว"))?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "download",
        Some(package.id),
        "signed.pdf",
    );
    let stem = package.name.trim_end_matches(".json");
    Ok(pdf_download(
        pdf,
        &format!("{stem}-signed.pdf"),
        "application/pdf",
    ))
}

/// `GET /approved.zip?kind=pdf|archive` (administrator): the signed PDF of every signed or
/// published package, and the PDF (or archival PDF) of every approved one, built off the
/// async threads under a heavy-work permit.
pub async fn approved_zip(
    State(hub): Hubs,
    Reader(session): Reader,
    ConnectInfo(peer): Peer,
    RawQuery(raw): RawQuery,
) -> Answer {
    admin_only(&session)?;
    let archive = super::form::pairs(raw.as_deref().unwrap_or(""))
        .get("kind")
        .is_some_and(|k| k == "archive");
    let permit = heavy(&hub)?;
    let building = hub.clone();
    let zipped = blocking(move || {
        let _permit = permit;
        super::signed::approved_zip(&building, archive)
    })
    .await?
    .map_err(|m| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, m))?;
    let name = if archive {
        "เอกสารที่อนุมัติแล้ว-PDFA.zip"
    } else {
        "เอกสารที่อนุมัติแล้ว.zip"
    };
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "download",
        None,
        name,
    );
    Ok(pdf_download(zipped, name, "application/zip"))
}

/// `GET /api/packages`: the packages the session may see, as the clerk's form lists them.
pub async fn list(State(hub): Hubs, Reader(session): Reader) -> Answer {
    let agency = if session.user.admin {
        None
    } else {
        session.user.agency.or(Some(-1))
    };
    let rows: Vec<Value> = hub
        .store
        .packages(agency)?
        .into_iter()
        .map(|p| {
            json!({
                "name": p.name, "district": p.agency.district, "agency": p.agency.name, "fiscal_year": p.year, "documents": [],
                "problems": p.problems, "errors": 0, "state": p.state.as_str(), "id": p.id,
            })
        })
        .collect();
    Ok(crate::web::api::json_response(
        StatusCode::OK,
        &json!({ "packages": rows }),
    ))
}

/// `GET /api/packages/{name}`: the current version, its number in `ETag`.
pub async fn read(State(hub): Hubs, Reader(session): Reader, Path(name): Path<String>) -> Answer {
    let package = named_for(&hub, &session, &name, may_see)?;
    let version = hub
        .store
        .version(package.id, None)?
        .ok_or_else(|| Refusal::bad("ไม่มีข้อมูลของแฟ้มนี้"))?;
    let mut response = (StatusCode::OK, version.json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", version.number)) {
        headers.insert(header::ETAG, tag);
    }
    Ok(response)
}

/// The version an `If-Match` names (`"7"`), or `428`/`412`.
fn if_match(headers: &HeaderMap) -> Result<i64, Refusal> {
    let given = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::PRECONDITION_REQUIRED,
                "การบันทึกต้องระบุฉบับที่แก้ไข (If-Match) เพื่อไม่ให้บันทึกทับงานของผู้อื่น ไม่มีสิ่งใดเปลี่ยน",
            )
        })?;
    given
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map_err(|_| stale(StoreError::Conflict("?".into())))
}

/// The body of a save, check or preview: bounded, JSON, an object whose agency is the
/// package's own (a package cannot be moved to another agency, or province, by editing).
fn package_body(
    body: Body_,
    headers: &HeaderMap,
    package: &PackageRow,
) -> Result<(Bytes, Value), Refusal> {
    let body = body?;
    content_type(headers, &["application/json"])?;
    if body.len() as u64 > crate::limits::PACKAGE_BYTES {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "ข้อมูลที่ส่งมาใหญ่เกิน {} MB จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                crate::limits::PACKAGE_BYTES / 1024 / 1024
            ),
        ));
    }
    crate::web::body::check(&body)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Refusal::bad(format!(
            "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่อ่านได้ (บรรทัด {} ตำแหน่ง {}) ไม่มีสิ่งใดเปลี่ยน",
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(Refusal::bad(
            "ข้อมูลที่ส่งมาต้องเป็นแฟ้มข้อมูลทั้งแฟ้ม (JSON object) ไม่มีสิ่งใดเปลี่ยน",
        ));
    }
    let agency = value.pointer("/agency/name").and_then(Value::as_str);
    if agency.is_some_and(|a| a.trim() != package.agency.name.trim()) {
        return Err(Refusal::bad(format!(
            "ชื่อหน่วยงานในข้อมูล (agency.name) ต้องเป็น “{}” ตามแฟ้มนี้: แฟ้มของหน่วยงานอื่นบันทึกแทนกันไม่ได้ ไม่มีสิ่งใดเปลี่ยน",
            package.agency.name
        )));
    }
    Ok((body, value))
}

/// `PUT /api/packages/{name}` with `If-Match`: a new version, when the one the editor
/// started from is still the current one (else `412`, nothing written).
pub async fn save(
    State(hub): Hubs,
    Changer(session): Changer,
    ConnectInfo(peer): Peer,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let package = named_for(&hub, &session, &name, may_edit)?;
    let expected = if_match(&headers)?;
    let (body, value) = package_body(body, &headers, &package)?;
    if !package.state.editable() {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            package.state.not_editable(),
        ));
    }
    let current = hub
        .store
        .version(package.id, None)?
        .ok_or_else(|| Refusal::bad("ไม่มีข้อมูลของแฟ้มนี้"))?;
    let before: Value = serde_json::from_str(&current.json).unwrap_or(Value::Null);
    let changed: Vec<String> = super::diff::changes(&before, &value)
        .into_iter()
        .map(|c| c.path)
        .collect();
    let (checking, checked_name) = (hub.clone(), name.clone());
    let bytes = body.to_vec();
    let checked = blocking(move || check_text(&checking, &checked_name, bytes)).await?;
    let text = String::from_utf8_lossy(&body).into_owned();
    let number = if changed.is_empty() && expected == current.number {
        // The same text again (a form sent twice): nothing to keep.
        current.number
    } else {
        let save = Save {
            changed,
            note: String::new(),
            problems: checked.problems() as i64,
            address: peer.ip().to_string(),
        };
        hub.store
            .save(package.id, expected, &text, &save, session.user.id)
            .map_err(stale)?
    };
    let tag = format!("\"{number}\"");
    let mut response = crate::web::api::json_response(
        StatusCode::OK,
        &json!({ "saved": true, "etag": tag, "version": number, "check": checked_json(&checked) }),
    );
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// `POST /api/check/{name}`: `check` on the text being edited (not saved).
pub async fn check(
    State(hub): Hubs,
    Changer(session): Changer,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let package = named_for(&hub, &session, &name, may_see)?;
    let (body, _) = package_body(body, &headers, &package)?;
    let checked = blocking(move || checked_json(&check_text(&hub, &name, body.to_vec()))).await?;
    Ok(crate::web::api::json_response(StatusCode::OK, &checked))
}

/// `POST /api/preview/{name}`: builds the text being edited; the preview's id and page
/// count, or the diagnostics that stop the build (`422`).
pub async fn preview(
    State(hub): Hubs,
    Changer(session): Changer,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let package = named_for(&hub, &session, &name, may_see)?;
    let (body, _) = package_body(body, &headers, &package)?;
    let id = crate::web::preview::id(&name, &body);
    Ok(
        match built(&hub, &session.token_hash, &package, body).await? {
            Ok(preview) => crate::web::api::json_response(
                StatusCode::OK,
                &json!({ "id": id, "pages": preview.page_count(), "texts": preview.page_texts() }),
            ),
            Err(diagnostics) => not_built(diagnostics),
        },
    )
}

/// The answer when the text does not build: `422` with the diagnostics beside their fields.
fn not_built(diagnostics: Vec<crate::diagnostic::Diagnostic>) -> Response {
    let checked = Checked::of(Err(Failure(diagnostics)), None);
    crate::web::api::json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "error": "ยังสร้างเอกสารไม่ได้ โปรดแก้ปัญหาที่แสดงไว้ข้างช่องข้อมูลก่อน", "diagnostics": checked_json(&checked)["diagnostics"] }),
    )
}

/// The preview of `package` with the text `body`: the one kept, or built now under a heavy
/// permit (its owner noted, so only those who may see the package see it); the diagnostics
/// that stop the build otherwise. Previews are kept per login (`login`, the session's token
/// hash), so one clerk's edits never push out another's preview.
async fn built(
    hub: &Arc<Hub>,
    login: &str,
    package: &PackageRow,
    body: Bytes,
) -> Result<Result<Arc<crate::web::preview::Preview>, Vec<crate::diagnostic::Diagnostic>>, Refusal>
{
    let name = package.name.clone();
    let id = crate::web::preview::id(&name, &body);
    let preview = match hub.previews.get(&id) {
        Some(found) => {
            hub.previews.keep(login, &id, found.clone());
            found
        }
        None => {
            let login = login.to_owned();
            let permit = heavy(hub)?;
            let (building, built_id) = (hub.clone(), id.clone());
            let answer = blocking(move || {
                let _permit = permit;
                let checked = check_text(&building, &name, body.to_vec());
                let Some(loaded) = checked.loaded else {
                    return Err(checked.diagnostics);
                };
                let stem = name.trim_end_matches(".json").to_owned();
                building
                    .previews
                    .build_for(&building.engine, (&login, &built_id), &stem, loaded)
                    .map_err(|Failure(diagnostics)| diagnostics)
            })
            .await?;
            match answer {
                Ok(preview) => preview,
                Err(diagnostics) => return Ok(Err(diagnostics)),
            }
        }
    };
    let mut owners = hub.preview_of.lock().unwrap_or_else(|p| p.into_inner());
    // Only the previews still kept need an owner: the map stays as small as they are.
    owners.retain(|kept, _| hub.previews.get(kept).is_some());
    owners.insert(id, package.id);
    Ok(Ok(preview))
}

/// `POST /api/download/{name}?kind=pdf|archive`: the PDF (or archival PDF) of the text on
/// the clerk's screen, as the workspace's download buttons ask for it.
pub async fn download(
    State(hub): Hubs,
    Changer(session): Changer,
    ConnectInfo(peer): Peer,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let package = named_for(&hub, &session, &name, may_see)?;
    let (body, _) = package_body(body, &headers, &package)?;
    let archive = super::form::pairs(raw.as_deref().unwrap_or(""))
        .get("kind")
        .is_some_and(|k| k == "archive");
    let preview = match built(&hub, &session.token_hash, &package, body).await? {
        Ok(preview) => preview,
        Err(diagnostics) => return Ok(not_built(diagnostics)),
    };
    let (pdf, file) = if archive {
        let permit = heavy(&hub)?;
        let (building, archiving) = (hub.clone(), preview.clone());
        let pdf = blocking(move || {
            let _permit = permit;
            archiving.archival_pdf(&building.engine)
        })
        .await?
        .map_err(|Failure(diagnostics)| {
            let reasons: Vec<&str> = diagnostics.iter().map(|d| d.message.shown()).collect();
            Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("สร้าง PDF สำหรับจัดเก็บไม่สำเร็จ: {}", reasons.join("; ")),
            )
        })?;
        (
            pdf.as_ref().clone(),
            format!("{}-archive.pdf", preview.stem),
        )
    } else {
        (preview.pdf.clone(), format!("{}.pdf", preview.stem))
    };
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "download",
        Some(package.id),
        &file,
    );
    Ok(pdf_download(pdf, &file, "application/pdf"))
}

/// The preview `id`, when the session may see the package it was built from.
fn own_preview(
    hub: &Hub,
    session: &Session,
    id: &str,
) -> Result<Arc<crate::web::preview::Preview>, Refusal> {
    let gone = || {
        Refusal::new(
            StatusCode::NOT_FOUND,
            "ภาพตัวอย่างนี้หมดอายุแล้ว โปรดโหลดหน้าใหม่เพื่อสร้างใหม่",
        )
    };
    let owner = hub
        .preview_of
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(id)
        .copied()
        .ok_or_else(gone)?;
    let package = hub.store.package(owner)?.ok_or_else(gone)?;
    may_see(session, &package)?;
    hub.previews.get(id).ok_or_else(gone)
}

/// `GET /api/render/{id}/page/{n}`: a page of a preview as PNG.
pub async fn page(
    State(hub): Hubs,
    Reader(session): Reader,
    Path((id, number)): Path<(String, usize)>,
) -> Answer {
    let preview = own_preview(&hub, &session, &id)?;
    let png = blocking(move || number.checked_sub(1).and_then(|i| preview.page_png(i)))
        .await?
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, format!("ไม่มีหน้า {number}")))?;
    let mut response = Response::new(Body::from(png.as_ref().clone()));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

/// `GET /api/render/{id}/where?field=…`: the page of a preview that prints a field (the
/// form's "ไปหน้าของช่องนี้"), answered as `serve` answers it.
pub async fn where_field(
    State(hub): Hubs,
    Reader(session): Reader,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let preview = own_preview(&hub, &session, &id)?;
    let field = super::form::pairs(raw.as_deref().unwrap_or(""))
        .remove("field")
        .unwrap_or_default();
    let answer = blocking(move || crate::web::api::located(&preview, &field)).await?;
    Ok(crate::web::api::json_response(StatusCode::OK, &answer))
}

/// `GET /api/render/{id}/pdf`: the PDF of a preview.
pub async fn preview_pdf(
    State(hub): Hubs,
    Reader(session): Reader,
    ConnectInfo(peer): Peer,
    Path(id): Path<String>,
) -> Answer {
    let preview = own_preview(&hub, &session, &id)?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "download",
        None,
        &format!("{}.pdf", preview.stem),
    );
    Ok(pdf_download(
        preview.pdf.clone(),
        &format!("{}.pdf", preview.stem),
        "application/pdf",
    ))
}

/// `POST /api/import?year=…&file=…` (administrator): a results sheet (the body) read as
/// `ita-report import --per-agency` reads it; one package per agency, all or none.
pub async fn import(
    State(hub): Hubs,
    Changer(session): Changer,
    ConnectInfo(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    admin_only(&session)?;
    let body = body?;
    content_type(&headers, crate::web::guard::SHEET_TYPES)?;
    let query = super::form::pairs(raw.as_deref().unwrap_or(""));
    let year: i32 = query
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .ok_or_else(|| Refusal::bad("โปรดระบุปีงบประมาณที่ประเมิน (พ.ศ.) ไม่มีสิ่งใดเปลี่ยน"))?;
    let file = query
        .get("file")
        .map_or("results.xlsx", |f| f.trim())
        .to_owned();
    let permit = heavy(&hub)?;
    let importing = hub.clone();
    let address = peer.ip().to_string();
    let created = blocking(move || {
        let _permit = permit;
        super::intake::import_sheet(
            &importing,
            body.to_vec(),
            &file,
            year,
            Some(session.user.id),
            &address,
        )
    })
    .await??;
    Ok(crate::web::api::json_response(
        StatusCode::CREATED,
        &json!({ "created": created }),
    ))
}

/// `POST /api/signed/{name}` (the agency, once approved): the signed PDF, accepted only when
/// `verify`'s checks hold and its package is the approved version.
pub async fn upload_signed(
    State(hub): Hubs,
    Changer(session): Changer,
    ConnectInfo(peer): Peer,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body_,
) -> Answer {
    let package = named_for(&hub, &session, &name, may_edit)?;
    let body = body?;
    content_type(&headers, &["application/pdf"])?;
    let to = Action::Sign
        .from(package.state)
        .map_err(|m| Refusal::new(StatusCode::CONFLICT, m))?;
    let version = hub
        .store
        .version(package.id, None)?
        .ok_or_else(|| Refusal::bad("ไม่มีข้อมูลของแฟ้มนี้"))?;
    let permit = heavy(&hub)?;
    let checking = hub.clone();
    let pdf = body.to_vec();
    let verdict = blocking(move || {
        let _permit = permit;
        super::signed::check(&checking, &pdf, &version.json).map(|()| pdf)
    })
    .await?;
    let pdf = verdict.map_err(|m| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, m))?;
    let step = Move {
        from: Stage::Approved,
        to,
        comment: String::new(),
        signed_pdf: Some(pdf),
        address: peer.ip().to_string(),
    };
    hub.store.transition(package.id, &step, session.user.id)?;
    Ok(crate::web::api::json_response(
        StatusCode::OK,
        &json!({ "state": to.as_str() }),
    ))
}

/// `GET /api/framework/{year}`: the year's indicators and target, for the form's new
/// indicator rows (as `serve` answers it).
pub async fn framework(State(hub): Hubs, _: Reader, Path(year): Path<String>) -> Answer {
    let year: i32 = year
        .trim()
        .parse()
        .map_err(|_| Refusal::bad("ปีงบประมาณต้องเป็นตัวเลข เช่น 2568"))?;
    let framework = crate::import::framework(&hub.frameworks, year)
        .map_err(|d| Refusal::new(StatusCode::NOT_FOUND, d.message.shown().to_owned()))?;
    let indicators: Vec<Value> = framework
        .indicators
        .iter()
        .map(|i| json!({ "number": i.number, "tool": i.tool.to_string(), "name": i.name }))
        .collect();
    let answer = json!({ "year": framework.fiscal_year, "target": framework.target.0, "indicators": indicators });
    Ok(crate::web::api::json_response(StatusCode::OK, &answer))
}
