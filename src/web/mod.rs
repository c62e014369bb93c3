//! `ita-report serve`: the agencies' way in, a local web workspace with live preview.
//!
//! The clerk who writes an agency's measures works in a browser, not in JSON. This module
//! serves one page (HTML, CSS and script embedded in the binary, no build step) over a
//! workspace folder of package files: a list of the packages, a form generated from each
//! package's JSON, `check`'s messages beside the fields they concern, pages rendered as the
//! PDF will print, downloads, and saving that never overwrites another browser's edit.
//!
//! It sits at the top beside [`crate::cli`] and uses the same library steps (loading, check,
//! narrative, [`crate::engine::Engine`]); nothing below imports it. Safe by default: it listens on the
//! loopback interface unless told otherwise, asks for a token on any other interface, takes
//! changes only from its own page ([`guard`]), checks every file name against the workspace
//! ([`workspace`]), bounds every request body before parsing it ([`body`]) and the heavy
//! work done at once ([`Heavy`]).

pub mod api;
pub mod assets;
pub mod background;
pub mod body;
pub mod guard;
pub mod locate;
pub mod manage;
pub mod preview;
pub mod workspace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};

use crate::diagnostic::Diagnostic;
use crate::engine::Engine;
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

/// The environment variable `serve` reads the access token from (kept out of `ps`).
pub const TOKEN_VARIABLE: &str = "ITA_REPORT_TOKEN";

/// The access token from `--token-file` (its first line), `--token`, or the environment
/// variable [`TOKEN_VARIABLE`], in that order. A token goes into a cookie and a header, so it
/// must be printable ASCII without spaces, quotes or separators.
pub fn read_token(
    given: Option<String>,
    file: Option<&std::path::Path>,
    variable: Option<String>,
) -> Result<Option<String>, Diagnostic> {
    let token = match (file, given, variable) {
        (Some(file), _, _) => {
            let shown = file.display();
            let bytes = crate::confine::read_limited(file, 4096).map_err(|refusal| {
                let thai = refusal.thai();
                Diagnostic::error(crate::message!(
                    "แฟ้มรหัสเข้าใช้ \"{shown}\" {thai}",
                    "the token file `{shown}` {refusal}"
                ))
            })?;
            String::from_utf8_lossy(&bytes)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        }
        (None, Some(given), _) => given,
        (None, None, Some(variable)) => variable.trim().to_owned(),
        (None, None, None) => return Ok(None),
    };
    let fits = |c: char| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"' | '\\');
    if token.is_empty() || !token.chars().all(fits) {
        return Err(Diagnostic::error(crate::message!(
            "รหัสเข้าใช้ (token) ว่างหรือมีอักขระที่ใช้ไม่ได้: ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และเครื่องหมาย เช่น - _ . ไม่มีช่องว่าง",
            "the token is empty or has characters it cannot have: use ASCII letters, digits and marks such as - _ . without spaces"
        )));
    }
    Ok(Some(token))
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
    /// Builds and imports running now, bounded.
    pub heavy: Heavy,
    /// Required of every request when set.
    token: Option<String>,
    /// Required of every state-changing request: the page carries it for its script.
    csrf: String,
    /// Listening on loopback only: requests must name a loopback host (no DNS rebinding).
    loopback: bool,
}

impl App {
    /// The token the served page carries and its script sends with every change.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Builds, archival builds and imports at once: each takes a core and up to hundreds of MB,
/// so beyond this many the server answers 503 instead of running out of memory.
pub const HEAVY_AT_ONCE: usize = 2;

/// The permits for heavy work ([`HEAVY_AT_ONCE`]).
pub struct Heavy(Arc<tokio::sync::Semaphore>);

impl Default for Heavy {
    fn default() -> Self {
        Heavy(Arc::new(tokio::sync::Semaphore::new(HEAVY_AT_ONCE)))
    }
}

impl Heavy {
    /// A permit held until the work is done (moved into the blocking task), or `503`.
    pub fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.0.clone().try_acquire_owned().map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                crate::message!(
                    "เครื่องกำลังจัดหน้าเอกสารหรือนำเข้าตารางอยู่ {HEAVY_AT_ONCE} งานแล้ว \
                     โปรดรอสักครู่แล้วลองอีกครั้ง (ยังไม่มีสิ่งใดเปลี่ยน)",
                    "the computer is already laying out or importing {HEAVY_AT_ONCE} jobs: \
                     please wait a moment and try again (nothing has changed)"
                )
                .shown()
                .to_owned(),
            )
            .retry_after(2)
        })
    }
}

/// A server running on a thread of its own; dropping it stops the server.
pub struct Running {
    /// The address it listens on (with the port chosen when 0 was asked for).
    pub addr: SocketAddr,
    /// The token requests must carry, if any.
    pub token: Option<String>,
    /// The token of the page, which its script sends with every change.
    pub csrf: String,
    /// Temporary files of interrupted saves removed at start.
    pub cleaned: Vec<PathBuf>,
    server: background::Background,
}

impl Running {
    /// Waits until the server stops (it runs until the process ends).
    pub fn wait(self) {
        self.server.wait();
    }
}

/// Loads the engine, binds the address and starts serving on a thread of its own.
pub fn start(config: Config) -> Result<Running, Diagnostic> {
    let workspace = Workspace::open(&config.workspace).map_err(Diagnostic::error)?;
    let cleaned = workspace.remove_stale();
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
        None => Some(guard::new_token()),
    };
    let listener = std::net::TcpListener::bind(config.addr)
        .map_err(|e| Diagnostic::error(format!("cannot listen on {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(e.to_string()))?;
    let app = Arc::new(App {
        workspace,
        engine,
        frameworks,
        catalogue,
        previews: Previews::default(),
        heavy: Heavy::default(),
        token: token.clone(),
        csrf: guard::new_token(),
        loopback,
    });
    let csrf = app.csrf.clone();
    let server = background::Background::serve(listener, router(app))?;
    Ok(Running {
        addr,
        token,
        csrf,
        cleaned,
        server,
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
        .route(
            "/api/packages/{*name}",
            get(api::read).put(api::save).delete(manage::delete),
        )
        .route("/api/framework/{year}", get(api::framework))
        .route("/api/sheets", get(manage::sheets))
        .route("/api/rename", post(manage::rename))
        .route("/api/duplicate", post(manage::duplicate))
        .route("/api/recycle", get(manage::recycled))
        .route("/api/restore", post(manage::restore))
        .route("/api/download/{*name}", post(api::download_text))
        .route("/api/check/{*name}", post(api::check_text))
        .route("/api/preview/{*name}", post(api::preview))
        .route("/api/render/{id}/page/{number}", get(api::page))
        .route("/api/render/{id}/pdf", get(api::pdf))
        .route("/api/render/{id}/where", get(api::where_field))
        .route("/api/render/{id}/archive", get(api::archive))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                crate::message!("ไม่มีหน้านี้", "no such page")
                    .shown()
                    .to_owned(),
            )
        })
        .layer(DefaultBodyLimit::max(crate::limits::PACKAGE_BYTES as usize))
        .layer(middleware::from_fn_with_state(app.clone(), guard::guard))
        .with_state(app)
}
