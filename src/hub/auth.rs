//! Who is asking: passwords (argon2id), one-time links, sessions in HttpOnly SameSite=Strict
//! cookies, the per-session CSRF token every change must carry, and the limit on failed
//! logins per account and per address.
//!
//! Tokens (sessions, links) are 128 random bits; the database keeps only their SHA-256, so
//! a copy of the database opens no session.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::Digest;

use super::Hub;
use super::Refusal;
use super::store::{PackageRow, User, now};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// The cookie holding the session token.
pub const COOKIE: &str = "ita_hub";
/// The header the pages' script sends the session's CSRF token in.
pub const CSRF_HEADER: &str = crate::web::guard::CSRF_HEADER;
/// How long a session lasts from login (a working day).
pub const SESSION_SECONDS: i64 = 10 * 3600;
/// How long a one-time link to set a password stays valid.
pub const SETUP_SECONDS: i64 = 7 * 24 * 3600;
/// The shortest password taken.
pub const PASSWORD_CHARS: usize = 10;
/// Failed logins of one account, and from one address, within [`WINDOW`] before the next
/// attempt is refused unheard.
pub const ACCOUNT_FAILURES: usize = 5;
pub const ADDRESS_FAILURES: usize = 20;
pub const WINDOW: i64 = 15 * 60;
/// Accounts and addresses with failures remembered before the stale ones are dropped.
const KEYS: usize = 10_000;

/// A random token (128 bits, hex).
pub fn new_token() -> String {
    crate::web::guard::new_token()
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    format!("{:x}", sha2::Sha256::digest(token.as_bytes()))
}

/// The argon2id hash (PHC string) of a password, with a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let token = new_token();
    let salt_bytes: Vec<u8> = (0..token.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
        .collect();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` is the one `hash` was made from.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A password fit to be set, or the Thai reason it is not.
pub fn acceptable(password: &str, again: &str) -> Result<(), String> {
    if password != again {
        return Err("รหัสผ่านสองช่องไม่ตรงกัน โปรดพิมพ์ใหม่".into());
    }
    if password.chars().count() < PASSWORD_CHARS {
        return Err(format!("รหัสผ่านต้องยาวอย่างน้อย {PASSWORD_CHARS} ตัวอักษร"));
    }
    if password.len() > 1024 {
        return Err("รหัสผ่านยาวเกินไป".into());
    }
    Ok(())
}

/// A logged-in person and the CSRF token of their session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
}

/// The value of cookie `name`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The session the request's cookie names, if it is valid.
pub fn session(hub: &Hub, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, COOKIE)?;
    let hash = token_hash(token);
    let (user, csrf) = hub.store.session(&hash).ok()??;
    Some(Session {
        user,
        csrf,
        token_hash: hash,
    })
}

/// The session, or `401`.
pub fn required(hub: &Hub, headers: &HeaderMap) -> Result<Session, Refusal> {
    session(hub, headers).ok_or_else(|| {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            "โปรดเข้าสู่ระบบก่อน (ยังไม่ได้เข้าสู่ระบบ หรือหมดเวลาแล้ว) ไม่มีสิ่งใดเปลี่ยน",
        )
    })
}

/// The session of a state-changing request: logged in (`401`), from this site's own page
/// (`403`), with the session's CSRF token in the header or the form field `csrf` (`403`).
pub fn change(hub: &Hub, headers: &HeaderMap, form_csrf: Option<&str>) -> Result<Session, Refusal> {
    let session = required(hub, headers)?;
    same_origin(headers)?;
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(form_csrf);
    if !given.is_some_and(|given| same(given, &session.csrf)) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "คำขอนี้ไม่มีรหัสยืนยันของหน้าที่เปิดอยู่ (หน้าเก่าหรือมาจากที่อื่น) จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน: โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง",
        )
        .reason("csrf"));
    }
    Ok(session)
}

/// A change must come from a page of this site: `Sec-Fetch-Site`, when sent, says so, and
/// `Origin`, when sent, names the Host the request was sent to.
pub fn same_origin(headers: &HeaderMap) -> Result<(), Refusal> {
    let foreign = || {
        Refusal::new(
            StatusCode::FORBIDDEN,
            "คำขอนี้มาจากหน้าเว็บอื่นที่ไม่ใช่ของระบบนี้ จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
        )
    };
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return Err(foreign());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin = origin.to_str().ok();
        let own = match (origin, host) {
            (Some(origin), Some(host)) => origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .is_some_and(|o| o.eq_ignore_ascii_case(host)),
            _ => false,
        };
        if !own {
            return Err(foreign());
        }
    }
    Ok(())
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

/// The `Set-Cookie` of a new session (`Secure` unless served on loopback).
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("ita_hub=; Path=/"))
}

/// The `Set-Cookie` that ends a session in the browser.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("ita_hub=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Failed logins by key (`account:…`, `address:…`), as times.
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Limiter {
    /// Whether the account or the address has failed too often lately.
    pub fn blocked(&self, account: &str, address: &str) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let since = now() - WINDOW;
        let mut recent = |key: String| {
            let times = failures.entry(key).or_default();
            times.retain(|&t| t > since);
            times.len()
        };
        recent(format!("account:{account}")) >= ACCOUNT_FAILURES
            || recent(format!("address:{address}")) >= ADDRESS_FAILURES
    }

    /// Counts a failed login.
    pub fn failed(&self, account: &str, address: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Made-up login names must not grow the table without end: old failures go first.
        if failures.len() > KEYS {
            let since = now() - WINDOW;
            failures.retain(|_, times| times.iter().any(|&t| t > since));
        }
        for key in [format!("account:{account}"), format!("address:{address}")] {
            failures.entry(key).or_default().push(now());
        }
    }

    /// Forgets an account's failures after it logs in.
    pub fn succeeded(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&format!("account:{account}"));
    }
}

/// The administrator sees every package; an editor only their agency's.
pub fn may_see(session: &Session, package: &PackageRow) -> Result<(), Refusal> {
    if session.user.admin || session.user.agency == Some(package.agency.id) {
        Ok(())
    } else {
        Err(Refusal::forbidden())
    }
}

/// Only the agency's own editors change its package's data.
pub fn may_edit(session: &Session, package: &PackageRow) -> Result<(), Refusal> {
    if session.user.agency == Some(package.agency.id) {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "แก้ไขหรือส่งแฟ้มได้เฉพาะผู้ใช้ของหน่วยงานเจ้าของแฟ้ม ไม่มีสิ่งใดเปลี่ยน",
        ))
    }
}

/// The session of a request that reads: logged in, else `401` before the handler runs.
pub struct Reader(pub Session);

/// The session of a request that changes something through the API: logged in (`401`), from
/// this site's page with the session's CSRF token in the header (`403`), before the handler
/// runs. (A form post carries its token in the body: [`change`] with the form's field.)
pub struct Changer(pub Session);

impl FromRequestParts<Arc<Hub>> for Reader {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, Refusal> {
        required(hub, &parts.headers).map(Reader)
    }
}

impl FromRequestParts<Arc<Hub>> for Changer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, Refusal> {
        change(hub, &parts.headers, None).map(Changer)
    }
}
