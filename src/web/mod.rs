//! `ita-report serve`: the agencies' way in, a local web workspace with live preview.
//!
//! The clerk who writes an agency's measures works in a browser, not in JSON. This module
//! serves one page (HTML, CSS and script embedded in the binary, no build step) over a
//! workspace folder of package files: a list of the packages, a form generated from each
//! package's JSON, `check`'s messages beside the fields they concern, pages rendered as the
//! PDF will print, downloads, and saving that never overwrites another browser's edit.
//!
//! It sits at the top beside [`crate::cli`] and uses the same library steps (loading, check,
//! narrative, [`crate::Engine`]); nothing below imports it. Safe by default: it listens on the
//! loopback interface unless told otherwise, asks for a token on any other interface, checks
//! every file name against the workspace ([`workspace`]) and bounds every request body.

pub mod api;
pub mod assets;
pub mod preview;
pub mod workspace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::Engine;
use crate::diagnostic::Diagnostic;
use crate::framework::Frameworks;
use api::ApiError;
use preview::Previews;
use workspace::Workspace;

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder of package files.
    pub workspace: PathBuf,
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The token requests must carry; one is made up when listening beyond loopback without.
    pub token: Option<String>,
    /// As `build --templates`.
    pub templates: Option<PathBuf>,
    /// As `build --font-dir`.
    pub font_dirs: Vec<PathBuf>,
}

/// What every request shares: the workspace, the engine loaded once, recent previews.
pub struct App {
    /// The folder of package files, the only files requests reach.
    pub workspace: Workspace,
    /// Fonts and templates, loaded once at start-up.
    pub engine: Engine,
    /// The year frameworks, as for `check` and `build`.
    pub frameworks: Frameworks,
    /// The measures catalogue new packages are drafted from, as for `ita-report init`.
    pub catalogue: crate::catalogue::Catalogue,
    /// Recent builds of the texts being edited.
    pub previews: Previews,
    /// Required of every request when set.
    token: Option<String>,
    /// Listening on loopback only: requests must name a loopback host (no DNS rebinding).
    loopback: bool,
}

/// A server running on a thread of its own; dropping it stops the server.
pub struct Running {
    /// The address it listens on (with the port chosen when 0 was asked for).
    pub addr: SocketAddr,
    /// The token requests must carry, if any.
    pub token: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Waits until the server stops (it runs until the process ends).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Loads the engine, binds the address and starts serving on a thread of its own.
pub fn start(config: Config) -> Result<Running, Diagnostic> {
    let workspace = Workspace::open(&config.workspace).map_err(Diagnostic::error)?;
    let frameworks = Frameworks::load(config.templates.as_deref())?;
    let engine = Engine::new(config.templates.as_deref(), &config.font_dirs)?;
    let catalogue = crate::catalogue::Catalogue::load(config.templates.as_deref())?;
    let loopback = config.addr.ip().is_loopback();
    let token = match config.token {
        Some(token) if token.trim().is_empty() => {
            return Err(Diagnostic::error("--token is empty"));
        }
        Some(token) => Some(token),
        None if loopback => None,
        None => Some(new_token()),
    };
    let listener = std::net::TcpListener::bind(config.addr)
        .map_err(|e| Diagnostic::error(format!("cannot listen on {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::error(e.to_string()))?;
    let app = Arc::new(App {
        workspace,
        engine,
        frameworks,
        catalogue,
        previews: Previews::default(),
        token: token.clone(),
        loopback,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let server = axum::serve(listener, router(app)).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                eprintln!("error: the server stopped: {e}");
            }
        });
    });
    Ok(Running {
        addr,
        token,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// The routes: the page and its files, and the API under `/api`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{file}", get(assets::file))
        .route("/api/schema", get(api::schema))
        .route("/api/new", post(api::new_package))
        .route("/api/import/{file}", post(api::import))
        .route("/api/packages", get(api::list))
        .route("/api/packages/{*name}", get(api::read).put(api::save))
        .route("/api/check/{*name}", post(api::check_text))
        .route("/api/preview/{*name}", post(api::preview))
        .route("/api/render/{id}/page/{number}", get(api::page))
        .route("/api/render/{id}/pdf", get(api::pdf))
        .route("/api/render/{id}/archive", get(api::archive))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "ไม่มีหน้านี้")
        })
        .layer(DefaultBodyLimit::max(crate::limits::PACKAGE_BYTES as usize))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Refuses requests without the token (when one is set) and, on loopback, requests for a
/// host name that is not a loopback one; adds headers that keep the page to its own files.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if app.loopback && !loopback_host(request.headers().get(header::HOST)) {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "เปิดได้เฉพาะที่ http://127.0.0.1 หรือ http://localhost",
        )
        .into_response();
    }
    if let Some(token) = &app.token {
        match presented(&request, token) {
            Presented::Valid => {}
            Presented::InQuery => return token_cookie(token),
            Presented::Missing => {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "ต้องมีรหัสเข้าใช้ (token) ที่แสดงตอนเริ่มโปรแกรม: เปิด http://…/?token=รหัส",
                )
                .into_response();
            }
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
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

/// Where the request carries the token: `Authorization: Bearer`, the cookie, or the query
/// of the first visit.
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
fn new_token() -> String {
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
