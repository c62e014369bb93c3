//! What a request must show before any handler runs: that it comes from the page this server
//! served, in this browser, and not from some other page the clerk has open.
//!
//! A browser sends requests for any page: a site elsewhere (or a page on another port of
//! 127.0.0.1) can make the clerk's browser POST a "simple" request (`text/plain`, a form) to
//! the workspace without being able to read the answer. So every state-changing request must
//! carry the per-server token the page's script reads from the page (`X-ITA-CSRF`, a custom
//! header a foreign page cannot set without a CORS preflight this server never grants), must
//! not be marked cross-origin by `Sec-Fetch-Site` or `Origin`, and must have the body type of
//! its endpoint. Reads of data under `/api/` are refused when the browser says another site
//! asked. On loopback the Host must be a loopback name (no DNS rebinding); beyond loopback, or
//! when one was given, every request needs the access token.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::App;
use super::api::ApiError;

/// The header the page's script sends the page's token in.
pub const CSRF_HEADER: &str = "x-ita-csrf";

/// What the page sends to `/api/import/…`: a spreadsheet as the browser types the file, or
/// bytes of no stated kind.
pub(crate) const SHEET_TYPES: &[&str] = &[
    "application/octet-stream",
    "text/csv",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// Refuses requests a page elsewhere could have made, then adds headers that keep the page
/// and its data to this origin.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = match refusal(&app, &request) {
        None => next.run(request).await,
        Some(refusal) => refusal,
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // No page elsewhere may embed (and so measure) an image or a download of this one.
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// Every check in order; the first that fails gives the answer.
fn refusal(app: &App, request: &Request) -> Option<Response> {
    let headers = request.headers();
    if app.loopback && !loopback_host(headers.get(header::HOST)) {
        return Some(
            ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                crate::message!(
                    "เปิดได้เฉพาะที่ http://127.0.0.1 หรือ http://localhost",
                    "open it at http://127.0.0.1 or http://localhost only"
                )
                .shown()
                .to_owned(),
            )
            .into_response(),
        );
    }
    if let Some(token) = &app.token {
        match presented(request, token) {
            Presented::Valid => {}
            Presented::InQuery => return Some(token_cookie(token)),
            Presented::Missing => {
                return Some(
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        crate::message!(
                "ต้องมีรหัสเข้าใช้ (token) ที่แสดงตอนเริ่มโปรแกรม: เปิด http://…/?token=รหัส",
                "the access token printed when the program started is needed: open http://…/?token=TOKEN"
            )
            .shown()
            .to_owned(),
                    )
                    .into_response(),
                );
            }
        }
    }
    let path = request.uri().path();
    let checked = if changes_state(request.method()) {
        same_origin(headers)
            .and_then(|()| csrf(headers, &app.csrf))
            .and_then(|()| body_type(headers, path.starts_with("/api/import/")))
    } else if path.starts_with("/api/") && foreign_fetch(headers) {
        Err(cross_site())
    } else {
        Ok(())
    };
    checked.err().map(IntoResponse::into_response)
}

/// Methods that may change the workspace (everything but reading).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn cross_site() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        crate::message!(
                "คำขอนี้มาจากหน้าเว็บอื่นที่ไม่ใช่หน้าของโปรแกรมนี้ จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                "this request comes from a page other than this program's; it was not taken and nothing changed"
            )
            .shown()
            .to_owned(),
    )
}

/// A state-changing request must come from this origin: `Sec-Fetch-Site`, when the browser
/// sends it, says `same-origin`; `Origin`, when sent, is this server's own (scheme, host and
/// port, as the Host header names them: a page on another port of the same host is another
/// origin). Clients that are not browsers send neither.
fn same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return Err(cross_site());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|host| format!("http://{host}"));
        let given = origin.to_str().ok();
        if !matches!((given, own), (Some(given), Some(own)) if given.eq_ignore_ascii_case(&own)) {
            return Err(cross_site());
        }
    }
    Ok(())
}

/// Reads under `/api/` asked for by a page of another site (an image, a script or a frame
/// pointing here); the page's own requests are `same-origin`, an address typed or a
/// bookmark `none`.
fn foreign_fetch(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|site| !matches!(site.as_bytes(), b"same-origin" | b"none"))
}

/// The page's token, in the header only the page's script sets.
fn csrf(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let given = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if given.is_some_and(|given| same(given, expected)) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        crate::message!(
                "คำขอนี้ไม่มีรหัสยืนยันของหน้าโปรแกรม จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน: โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง",
                "this request lacks the page's token; it was not taken and nothing changed: reload the page and try again"
            )
            .shown()
            .to_owned(),
    )
    .with_reason("csrf"))
}

/// The body's declared type must be the endpoint's: JSON, or a spreadsheet for an import.
/// (`text/plain`, forms and multipart are what a page elsewhere can send without asking.)
fn body_type(headers: &HeaderMap, sheet: bool) -> Result<(), ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    let accepted: &[&str] = if sheet {
        SHEET_TYPES
    } else {
        &["application/json"]
    };
    if accepted.iter().any(|a| essence.eq_ignore_ascii_case(a)) {
        return Ok(());
    }
    let shown: String = given.chars().take(80).filter(|c| !c.is_control()).collect();
    let shown = if shown.is_empty() {
        crate::message!("ไม่ระบุชนิด", "no type").shown().to_owned()
    } else {
        shown
    };
    let message = if sheet {
        crate::message!(
                "แฟ้มที่นำเข้าต้องส่งเป็นตาราง (.xlsx .xls .ods .csv) แต่ส่งมาเป็น {shown} จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                "an import is sent as a sheet (.xlsx .xls .ods .csv), but this was sent as {shown}; it was not taken and nothing changed"
            )
            .shown()
            .to_owned()
    } else {
        crate::message!(
                "ข้อมูลที่ส่งมาไม่อยู่ในรูปแบบที่โปรแกรมรับ (ส่งมาเป็น {shown}) จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                "what was sent is not in a form the program takes (sent as {shown}); it was not taken and nothing changed"
            )
            .shown()
            .to_owned()
    };
    Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message))
}

/// Whether the Host header names the loopback interface.
fn loopback_host(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

enum Presented {
    Valid,
    /// Right token in `?token=`: answered with a cookie and a redirect to the page.
    InQuery,
    Missing,
}

/// Where the request carries the access token: `Authorization: Bearer`, the cookie, or the
/// query of the first visit.
fn presented(request: &Request, token: &str) -> Presented {
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("ita_token="));
    if bearer
        .into_iter()
        .chain(cookie)
        .any(|given| same(given, token))
    {
        return Presented::Valid;
    }
    let query = request.uri().query().unwrap_or("");
    if query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("token="))
        .any(|given| same(given, token))
    {
        return Presented::InQuery;
    }
    Presented::Missing
}

/// Compares in time that does not depend on where the texts differ.
fn same(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn token_cookie(token: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_static("/"));
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "ita_token={token}; HttpOnly; SameSite=Strict; Path=/"
    )) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A token of 128 random bits from the operating system, as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // No /dev/urandom: hash what differs between runs (time, process, stack address).
        use sha2::Digest;
        let seed = format!(
            "{:?}{}{:p}",
            std::time::SystemTime::now(),
            std::process::id(),
            &bytes
        );
        bytes.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes())[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
