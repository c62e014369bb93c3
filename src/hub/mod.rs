//! `ita-report hub`: one server for a province's whole year.
//!
//! The province's administrator and the agencies' editors log in; each agency edits, checks
//! and previews only its own packages (the clerk's form of [`crate::web`], served here over
//! the hub's own API) and submits them; the province reviews, comments, returns or approves;
//! the agency sends the signed PDF, checked as `verify` checks it; the province marks it
//! published. Everything lives in one SQLite file ([`store`]): every saved version, the
//! workflow history, the audit log.
//!
//! A face at the top, beside [`crate::cli`] and [`crate::web`]: it uses the library steps
//! (loading, `check`, [`crate::import`], the [`crate::engine::Engine`]) and the web
//! workspace's preview, body bounds and page; nothing below imports it. Every route decides
//! on the server who may do what ([`auth`], [`routes`]).

pub mod auth;
pub mod diff;
pub mod form;
pub mod intake;
pub mod pages;
pub mod reports;
pub mod routes;
pub mod signed;
pub mod store;
pub mod summary;
pub mod workflow;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::diagnostic::Diagnostic;
use crate::engine::Engine;
use crate::framework::Frameworks;
use crate::web::Heavy;
use crate::web::preview::Previews;
use store::Store;

/// What `hub` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data folder (the database, `hub.sqlite`).
    pub data: PathBuf,
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// As `build --templates`.
    pub templates: Option<PathBuf>,
    /// As `build --font-dir`.
    pub font_dirs: Vec<PathBuf>,
}

/// What every request shares.
pub struct Hub {
    pub store: Store,
    pub engine: Engine,
    pub frameworks: Frameworks,
    pub catalogue: crate::catalogue::Catalogue,
    pub previews: Previews,
    /// Which package each preview was built from (a preview is shown only to those who may
    /// see its package).
    pub preview_of: Mutex<HashMap<String, i64>>,
    pub heavy: Heavy,
    pub limiter: auth::Limiter,
    /// Cookies are `Secure` (served beyond loopback, behind HTTPS).
    pub secure: bool,
    /// The data folder (emblems of packages are looked for there).
    pub data: PathBuf,
}

/// A refusal: a status and the Thai message, as JSON `{"error": …}` for the API and as a
/// short page for the forms.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
    reason: Option<&'static str>,
    page: bool,
}

impl Refusal {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
            reason: None,
            page: false,
        }
    }

    /// With a word the page's script acts on (`csrf`: read the page's token again).
    pub fn reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Answered as a page (for a form) rather than JSON.
    pub fn as_page(mut self) -> Self {
        self.page = true;
        self
    }

    pub fn bad(message: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn forbidden() -> Self {
        Refusal::new(StatusCode::FORBIDDEN, "บัญชีนี้ไม่มีสิทธิ์ในแฟ้มหรือหน้านี้ ไม่มีสิ่งใดเปลี่ยน")
    }
}

impl From<store::StoreError> for Refusal {
    fn from(e: store::StoreError) -> Self {
        let status = match &e {
            store::StoreError::Missing(_) => StatusCode::NOT_FOUND,
            store::StoreError::Conflict(_) => StatusCode::CONFLICT,
            store::StoreError::Refused(_) => StatusCode::BAD_REQUEST,
            store::StoreError::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Refusal::new(status, e.message())
    }
}

impl From<crate::web::body::TooLarge> for Refusal {
    fn from(e: crate::web::body::TooLarge) -> Self {
        Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, e.0)
    }
}

impl From<axum::extract::rejection::BytesRejection> for Refusal {
    fn from(rejection: axum::extract::rejection::BytesRejection) -> Self {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "ข้อมูลที่ส่งมาใหญ่เกิน {} MB จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                UPLOAD_BYTES / 1024 / 1024
            )
        } else {
            "อ่านข้อมูลที่ส่งมาไม่ได้ ไม่มีสิ่งใดเปลี่ยน".to_owned()
        };
        Refusal::new(status, message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        if self.page {
            let body = pages::message_page(&self.message);
            return (self.status, body).into_response();
        }
        let mut body = serde_json::json!({ "error": self.message });
        if let Some(reason) = self.reason {
            body["reason"] = serde_json::json!(reason);
        }
        crate::web::api::json_response(self.status, &body)
    }
}

/// The largest body taken: a signed PDF (a package is bounded lower, by the JSON checks).
pub const UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// Opens the store and loads the engine (fonts, templates, frameworks).
pub fn open(config: &Config) -> Result<Arc<Hub>, Diagnostic> {
    let store = Store::open(&config.data).map_err(|e| Diagnostic::error(e.message()))?;
    let templates = config.templates.as_deref();
    Ok(Arc::new(Hub {
        store,
        engine: Engine::new(templates, &config.font_dirs)?,
        frameworks: Frameworks::load(templates)?,
        catalogue: crate::catalogue::Catalogue::load(templates)?,
        previews: Previews::default(),
        preview_of: Mutex::default(),
        heavy: Heavy::default(),
        limiter: auth::Limiter::default(),
        secure: !config.addr.ip().is_loopback(),
        data: config.data.clone(),
    }))
}

/// A hub running on a thread of its own; dropping it stops the server.
pub struct Running {
    pub addr: SocketAddr,
    pub hub: Arc<Hub>,
    server: crate::web::background::Background,
}

impl Running {
    /// Waits until the server stops (it runs until the process ends).
    pub fn wait(self) {
        self.server.wait();
    }
}

/// Opens the hub, binds the address and serves on a thread of its own.
pub fn start(config: Config) -> Result<Running, Diagnostic> {
    let hub = open(&config)?;
    let listener = std::net::TcpListener::bind(config.addr)
        .map_err(|e| Diagnostic::error(format!("cannot listen on {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(e.to_string()))?;
    let server = crate::web::background::Background::serve(listener, router(hub.clone()))?;
    Ok(Running { addr, hub, server })
}

/// Every route of the hub. Each handler asks [`auth`] for the session it needs and checks
/// the package's agency against it.
pub fn router(hub: Arc<Hub>) -> Router {
    use routes::*;
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup/{token}", get(pages::setup_page).post(setup))
        .route("/users", get(pages::users_page).post(create_user))
        .route("/users/{id}/reset", post(reset_user))
        .route("/packages/{id}", get(pages::package_page))
        .route("/packages/{id}/action", post(action))
        .route("/packages/{id}/comment", post(comment))
        .route("/packages/{id}/restore", post(restore))
        .route("/packages/{id}/signed.pdf", get(signed_pdf))
        .route("/approved.zip", get(approved_zip))
        .route("/reports/{year}", get(reports::reports_page))
        .route("/reports/{year}/{file}", get(reports::report_pdf))
        .route("/edit", get(pages::editor))
        .route("/assets/hub.js", get(pages::script))
        .route("/assets/hub.css", get(pages::style))
        .route("/assets/{file}", get(crate::web::assets::file))
        .route("/api/schema", get(crate::web::api::schema))
        .route("/api/packages", get(list))
        .route("/api/framework/{year}", get(framework))
        .route("/api/packages/{name}", get(read).put(save))
        .route("/api/check/{name}", post(check))
        .route("/api/preview/{name}", post(preview))
        .route("/api/download/{name}", post(download))
        .route("/api/render/{id}/page/{number}", get(page))
        .route("/api/render/{id}/pdf", get(preview_pdf))
        .route("/api/render/{id}/where", get(where_field))
        .route("/api/import", post(import))
        .route("/api/signed/{name}", post(upload_signed))
        .fallback(|| async {
            Refusal::new(StatusCode::NOT_FOUND, "ไม่มีหน้านี้").as_page()
        })
        .layer(DefaultBodyLimit::max(UPLOAD_BYTES))
        .layer(middleware::from_fn(headers))
        .with_state(hub)
}

/// Headers that keep the pages and data to this origin, on every answer.
async fn headers(request: Request, next: Next) -> Response {
    let foreign_read = request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|s| !matches!(s.as_bytes(), b"same-origin" | b"none"));
    let mut response = if foreign_read {
        Refusal::new(
            StatusCode::FORBIDDEN,
            "คำขอนี้มาจากหน้าเว็บอื่นที่ไม่ใช่ของระบบนี้ จึงไม่ได้รับไว้",
        )
        .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
        ),
        // Not "no-referrer": under it a browser sends `Origin: null` with the hub's own
        // form posts, which the origin check must then refuse.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}
