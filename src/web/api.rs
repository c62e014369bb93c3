//! The JSON and file endpoints behind the page: list, read, check, preview, download, save.
//!
//! Handlers are thin: each checks the package name through the
//! [`Workspace`](super::workspace::Workspace), runs the same
//! library steps as the command line (loading and `check` through [`crate::load`], the build
//! through the [`crate::engine::Engine`]) on a blocking thread, and answers JSON. Every refusal is a
//! status with a Thai message the page shows as it is; nothing is written unless a save
//! passes every check.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::App;
use super::workspace::Refused;
use crate::check::Checked;
use crate::diagnostic::{Diagnostic, Failure, Message, Severity};
use crate::documents::DocKind;
use crate::load::Loaded;

/// An answer with a status and a Thai message, as JSON `{"error": …}`.
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// A word the page's script acts on (`csrf`: read the page's token again).
    reason: Option<&'static str>,
    /// Seconds after which asking again may succeed (`Retry-After`).
    retry_after: Option<u32>,
}

impl From<super::body::TooLarge> for ApiError {
    fn from(refusal: super::body::TooLarge) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, refusal.0)
    }
}

impl ApiError {
    /// An error answer with its status and the Thai message the page shows.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            reason: None,
            retry_after: None,
        }
    }

    /// A `400` with `message` in the server's language.
    pub fn bad(message: Message) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message.shown().to_owned())
    }

    /// With a word the page's script acts on.
    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// With the seconds after which the page may ask again.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let Some(reason) = self.reason {
            body["reason"] = json!(reason);
        }
        let mut response = json_response(self.status, &body);
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        let status = match &refused {
            Refused::BadName(_) | Refused::NotJson(_) | Refused::NameTooLong(_) => {
                StatusCode::BAD_REQUEST
            }
            Refused::Missing(_) => StatusCode::NOT_FOUND,
            Refused::Outside(_) => StatusCode::FORBIDDEN,
            Refused::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Refused::Conflict { .. } => StatusCode::PRECONDITION_FAILED,
            Refused::Exists(_) => StatusCode::CONFLICT,
            Refused::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, refused.message())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            crate::message!(
                "ข้อมูลที่ส่งมาใหญ่เกิน {} MB จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                "what was sent is larger than {} MB; it was not taken and nothing changed",
                crate::limits::PACKAGE_BYTES / 1024 / 1024
            )
            .shown()
            .to_owned()
        } else {
            crate::message!(
                "อ่านข้อมูลที่ส่งมาไม่ได้ ({})",
                "cannot read what was sent ({})",
                rejection.body_text()
            )
            .shown()
            .to_owned()
        };
        ApiError::new(status, message)
    }
}

type Answer = Result<Response, ApiError>;

/// A JSON body with its status.
pub fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Runs blocking work (loading, compiling, rendering) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::message!("งานภายในล้มเหลว ({e})", "internal work failed ({e})")
                .shown()
                .to_owned(),
        )
    })
}

/// A diagnostic as the page shows it: its message and notes in the page's words, what kind
/// it is (an error, a contradiction between the text and the data, a warning, a note), and
/// the JSON path the page places it by (never shown).
fn diagnostic_json(d: &Diagnostic) -> Value {
    let (line, column) = d
        .location
        .as_ref()
        .map_or((0, 0), |(file, range)| file.line_column(range.start));
    json!({
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Note => "note" },
        "kind": kind(d),
        "message": for_the_page(&crate::diagnostic::terminal_safe(d.message.shown())),
        "path": d.json_path,
        "notes": d.notes.iter().map(|n| for_the_page(&crate::diagnostic::terminal_safe(n.shown()))).collect::<Vec<_>>(),
        "line": line,
        "column": column,
        // The command line's whole line, for tools; the page does not show it.
        "text": d.to_string(),
    })
}

/// What the page calls a diagnostic: a contradiction is a warning `check` finds between what
/// the text says and the data; a row still as drafted, a character no font has and a
/// character removed are warnings.
fn kind(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Note => "note",
        Severity::Warning => {
            let english = &d.message.english;
            let plain = ["draft", "font", "removed from the text", "more findings"];
            if d.json_path.is_some() && !plain.iter().any(|w| english.contains(w)) {
                "contradiction"
            } else {
                "warning"
            }
        }
    }
}

/// A message of the library in the page's words: the draft marker is cleared with the
/// button "ใช้ข้อความนี้", the seed a draft came from is not named, and no backticks.
pub fn for_the_page(text: &str) -> String {
    let text = text
        .replace("แล้วลบ `draft` ออก", "แล้วกดปุ่ม \"ใช้ข้อความนี้\"")
        .replace("ให้ลบ `draft` ออก", "ให้กดปุ่ม \"ใช้ข้อความนี้\"")
        .replace("remove `draft`", "press \"Use this text\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("seed ") {
        let after = &rest[at + 5..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push_str(&rest[..at + 5]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..at]);
        rest = after[digits..].trim_start_matches(':').trim_start();
    }
    out.push_str(rest);
    let out = match crate::diagnostic::language() {
        crate::diagnostic::Lang::Thai => labelled(&out),
        crate::diagnostic::Lang::English => out,
    };
    out.replace('`', "\"")
}

/// A text with each JSON path in it (`letter.qr.url`, `measures.rows[0].draft`) named by
/// its fields' Thai labels instead ("หนังสือภายนอก › คิวอาร์โค้ด › ที่อยู่เว็บ"); a path with
/// a field that has no label is left as it is.
fn labelled(text: &str) -> String {
    let is_part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_lowercase()) {
        let (before, from) = rest.split_at(start);
        let end = from.find(|c: char| !is_part(c)).unwrap_or(from.len());
        let word = from[..end].trim_end_matches('.');
        // A word glued to the text before it (a file name, say) is not a path.
        let glued = before
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/');
        out.push_str(before);
        match label_path(word).filter(|_| !glued) {
            Some(shown) => out.push_str(&shown),
            None => out.push_str(word),
        }
        rest = &from[word.len()..];
    }
    out.push_str(rest);
    out
}

/// The Thai title of every field the package schema names, by field name (as the form
/// labels them).
fn titles() -> &'static std::collections::HashMap<String, String> {
    static TITLES: std::sync::OnceLock<std::collections::HashMap<String, String>> =
        std::sync::OnceLock::new();
    TITLES.get_or_init(|| {
        let schema = crate::schema::package();
        let mut titles = std::collections::HashMap::new();
        let definitions = schema["definitions"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for definition in std::iter::once(&schema).chain(definitions.values()) {
            for (key, property) in definition["properties"].as_object().into_iter().flatten() {
                if let Some(title) = property["title"].as_str() {
                    titles
                        .entry(key.clone())
                        .or_insert_with(|| title.to_owned());
                }
            }
        }
        titles
    })
}

/// The Thai label path of a JSON path, if it is one whose every field has a label.
fn label_path(path: &str) -> Option<String> {
    if !path.contains('.') && !path.contains('[') {
        return None;
    }
    let mut parts = Vec::new();
    for segment in path.split('.') {
        let (key, indices) = segment
            .split_once('[')
            .map_or((segment, ""), |(k, i)| (k, i));
        parts.push(titles().get(key)?.clone());
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            parts.push(
                crate::message!("รายการที่ {}", "item {}", n + 1)
                    .shown()
                    .to_owned(),
            );
        }
    }
    Some(parts.join(" › "))
}

/// What `check` says, as the form reads it: whether the package loaded, the count of
/// problems, the documents it makes, each message beside its field and the analysis
/// paragraphs the program writes for it.
pub(crate) fn checked_json(checked: &Checked) -> Value {
    let documents: Vec<&str> = checked.loaded.as_ref().map_or(Vec::new(), |l| {
        DocKind::available(&l.package)
            .iter()
            .map(|k| k.name())
            .collect()
    });
    json!({
        "ok": checked.loaded.is_some(),
        "problems": checked.problems(),
        "documents": documents,
        "diagnostics": checked.diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        "generated": checked.loaded.as_ref().map(generated),
    })
}

/// `check` of package bytes as the command line runs it, for the file they are saved as.
pub fn check(app: &App, name: &str, bytes: Vec<u8>) -> Result<Checked, Refused> {
    let real = app.workspace.resolve(name)?;
    let fonts = Some(app.engine.fonts());
    Ok(crate::check::bytes(
        bytes,
        &real,
        name,
        &app.frameworks,
        fonts,
    ))
}

/// The analysis paragraphs as they will print: the overall paragraph and each tool's, given
/// or written by [`crate::narrative::derive`] when the package was loaded.
fn generated(loaded: &Loaded) -> Value {
    let facts = &loaded.facts;
    json!({
        "overall": facts.overall.0,
        "tools": facts.tools.iter().map(|t| json!({ "tool": t.tool.to_string(), "title": t.title, "paragraphs": t.narrative.0 })).collect::<Vec<_>>(),
    })
}

/// `GET /api/schema`: the package's JSON Schema (as `ita-report schema` prints it), from
/// which the form offers every field an object can hold.
pub async fn schema() -> Response {
    json_response(StatusCode::OK, &crate::schema::package())
}

/// `GET /api/framework/{year}`: the year's indicators (number, tool, name) and target, for
/// the form's new indicator rows.
pub async fn framework(State(app): State<Arc<App>>, Path(year): Path<String>) -> Answer {
    let year: i32 = year.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            crate::message!(
                "ปีงบประมาณต้องเป็นตัวเลข เช่น 2568",
                "the fiscal year is a number, e.g. 2568"
            )
            .shown()
            .to_owned(),
        )
    })?;
    let framework = crate::import::framework(&app.frameworks, year)
        .map_err(|d| ApiError::new(StatusCode::NOT_FOUND, d.message.shown().to_owned()))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "year": framework.fiscal_year,
            "target": framework.target.0,
            "indicators": framework.indicators.iter().map(|i| json!({
                "number": i.number, "tool": i.tool.to_string(), "name": i.name,
            })).collect::<Vec<_>>(),
        }),
    ))
}

/// What the page sends to start a package (`ita-report init` without a results sheet).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPackage {
    agency: String,
    year: i32,
    #[serde(default)]
    layout: Option<crate::documents::measures::MeasuresLayout>,
    #[serde(default)]
    district: Option<String>,
    #[serde(default)]
    province: Option<String>,
    /// A results sheet of the workspace to take the agency's scores from (`init --scores`).
    #[serde(default)]
    sheet: Option<String>,
}

/// The longest agency name a new package takes (the longest official names are about 100).
pub const AGENCY_CHARS: usize = 300;

/// The messages of a failure that speak of the data: a step's own "internal error" line
/// (what was written does not load) is left out when the reasons follow it.
fn about_the_data(Failure(diagnostics): &Failure) -> String {
    let lines: Vec<&str> = diagnostics
        .iter()
        .filter(|d| !d.message.english.starts_with("internal error"))
        .map(|d| d.message.shown())
        .collect();
    if lines.is_empty() {
        return crate::message!(
            "ข้อมูลที่ให้มาสร้างแฟ้มที่ถูกต้องไม่ได้ จึงไม่ได้สร้างแฟ้มใด",
            "what was given does not make a valid file; no file was made"
        )
        .shown()
        .to_owned();
    }
    lines.join("; ")
}

/// `POST /api/new`: a new package in the workspace, as `ita-report init` writes it (the
/// year's indicators, a measures row drafted from the catalogue for every indicator);
/// `409` when its file exists.
pub async fn new_package(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    super::body::check(&body)?;
    let asked: NewPackage = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            crate::message!(
                "ข้อมูลที่ส่งมาใช้ไม่ได้ ({e})",
                "what was sent cannot be used ({e})"
            )
            .shown()
            .to_owned(),
        )
    })?;
    let agency = agency_name(&asked)?;
    let created = blocking(move || {
        let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let district = clean(asked.district);
        let row = match clean(asked.sheet) {
            Some(sheet) => Some(sheet_row(
                &app,
                &sheet,
                asked.year,
                &agency,
                district.as_deref(),
            )?),
            None => None,
        };
        let start = crate::import::Start {
            name: &agency,
            district: district.or_else(|| row.as_ref().and_then(|r| r.district.clone())),
            province: clean(asked.province),
            kind: None,
            year: asked.year,
            layout: asked
                .layout
                .unwrap_or(crate::documents::measures::MeasuresLayout::ByIndicator),
            scores: row.as_ref(),
        };
        let file = crate::import::init(&start, &app.frameworks, &app.catalogue)
            .map_err(|failure| ApiError::new(StatusCode::BAD_REQUEST, about_the_data(&failure)))?;
        app.workspace
            .create(&file.name, &file.text)
            .map_err(ApiError::from)?;
        Ok::<_, ApiError>(file.name)
    })
    .await??;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "name": created }),
    ))
}

/// The agency's name of a new package, its spaces made single, or why it cannot start one.
fn agency_name(asked: &NewPackage) -> Result<String, ApiError> {
    let agency = asked
        .agency
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // A name with nothing printable in it is refused by `init` itself (`blank_name`).
    if agency.is_empty() {
        return Err(ApiError::bad(crate::message!(
            "โปรดระบุชื่อหน่วยงาน",
            "please give the agency's name"
        )));
    }
    let length = agency.chars().count();
    if length > AGENCY_CHARS {
        return Err(ApiError::bad(crate::message!(
            "ชื่อหน่วยงานยาว {length} ตัวอักษร เกินขีดจำกัด {AGENCY_CHARS} ตัวอักษร: โปรดใช้ชื่อทางการที่สั้นลง",
            "the agency's name is {length} characters long, beyond the limit of {AGENCY_CHARS}: use a shorter official name"
        )));
    }
    if asked.layout == Some(crate::documents::measures::MeasuresLayout::Outline) {
        return Err(ApiError::bad(crate::message!(
            "แฟ้มใหม่เริ่มได้เฉพาะตารางมาตรการรายตัวชี้วัดหรือตามเครื่องมือ",
            "a new package starts with measures by indicator or by tool only"
        )));
    }
    Ok(agency)
}

/// The agency's row of a results sheet in the workspace, as `init --scores` reads it.
fn sheet_row(
    app: &App,
    sheet: &str,
    year: i32,
    agency: &str,
    district: Option<&str>,
) -> Result<crate::import::AgencyResult, ApiError> {
    let failed = |message: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            crate::message!(
                "อ่านคะแนนจากตาราง \"{sheet}\" ไม่ได้ จึงไม่ได้สร้างแฟ้มใด: {}",
                "cannot read the scores of the sheet \"{sheet}\"; no file was made: {}",
                for_the_page(&message)
            )
            .shown()
            .to_owned(),
        )
    };
    let bytes = app.workspace.read_sheet(sheet)?;
    let results = crate::import::read_results_bytes(bytes, sheet, &app.frameworks, year)
        .map_err(|f| failed(about_the_data(&f)))?;
    crate::import::find_agency(&results, sheet, agency, district)
        .cloned()
        .map_err(|d| failed(d.message.shown().to_owned()))
}

/// `POST /api/import/{file name}?year=…&per_agency=…`: a results spreadsheet (the body) read
/// as `ita-report import` reads it; the province package (and one per agency) written into
/// the workspace, all or none. When some of the files exist: `409` naming them, nothing
/// written, unless `mode=missing` (only the others written) or `mode=replace` (the existing
/// ones moved to the recycle folder as dated copies first). Bad cells: `400` naming each. The
/// sheet is kept in the workspace to start agencies' packages from.
pub async fn import(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    let permit = app.heavy.permit()?;
    let (options, mode) = import_options(raw.as_deref().unwrap_or(""))?;
    let year = options.year;
    let created = blocking(move || {
        let _permit = permit;
        let failed = |failure: Failure| {
            ApiError::bad(crate::message!(
                "นำเข้าไม่ได้ จึงไม่ได้สร้างแฟ้มใด: {}",
                "cannot import; no file was made: {}",
                about_the_data(&failure)
            ))
        };
        let imported = crate::import::import_bytes(
            body.to_vec(),
            &file,
            &options,
            &app.frameworks,
            &app.catalogue,
        )
        .map_err(failed)?;
        let files: Vec<(String, String)> = imported
            .files
            .into_iter()
            .map(|f| (f.name, f.text))
            .collect();
        let (created, skipped, replaced) = match write_imported(&app, files, mode.as_deref())? {
            Written::Files {
                created,
                skipped,
                replaced,
            } => (created, skipped, replaced),
            Written::Exist(existing) => return Ok(Err(existing)),
        };
        // The sheet is kept for starting agencies' packages from it later.
        let sheet = app.workspace.keep_sheet(year, &file, &body).ok();
        Ok::<_, ApiError>(Ok(json!({
            "created": created,
            "skipped": skipped,
            "replaced": replaced,
            "sheet": sheet,
        })))
    })
    .await??;
    Ok(match created {
        Ok(answer) => json_response(StatusCode::CREATED, &answer),
        Err(existing) => json_response(
            StatusCode::CONFLICT,
            &json!({
                "error": crate::message!(
                    "มีแฟ้มจากตารางนี้อยู่แล้วในโฟลเดอร์งาน {} แฟ้ม จึงยังไม่ได้เขียนแฟ้มใด: เลือกว่าจะเพิ่มเฉพาะแฟ้มที่ยังไม่มี หรือแทนที่แฟ้มเดิม (แฟ้มเดิมเก็บไว้ในถังขยะพร้อมวันที่)",
                    "{} files of this sheet exist in the workspace, so no file was written yet: choose to add only the missing ones or to replace the existing ones (kept in the recycle folder with their date)",
                    existing.len()
                )
                .shown(),
                "reason": "exists",
                "existing": existing,
            }),
        ),
    })
}

/// What `POST /api/import` asks for in its query: the import's options and the `mode` for
/// files that exist (`missing`, `replace`).
fn import_options(raw: &str) -> Result<(crate::import::ImportOptions, Option<String>), ApiError> {
    let query = query_params(raw);
    let year: i32 = query
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .ok_or_else(|| {
            ApiError::bad(crate::message!(
                "โปรดระบุปีงบประมาณที่ประเมิน (พ.ศ.)",
                "please give the fiscal year assessed (Buddhist era)"
            ))
        })?;
    let mode = query.get("mode").cloned();
    let options = crate::import::ImportOptions {
        year,
        per_agency: query
            .get("per_agency")
            .is_some_and(|v| v == "1" || v == "true"),
        layout: crate::documents::measures::MeasuresLayout::ByIndicator,
        name: query
            .get("agency")
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty()),
    };
    Ok((options, mode))
}

/// What an import wrote into the workspace (file names), or the names that exist when no
/// mode says what to do with them.
enum Written {
    Files {
        created: Vec<String>,
        skipped: Vec<String>,
        replaced: Vec<String>,
    },
    Exist(Vec<String>),
}

/// Files an import made, written into the workspace: all when none exists; with `mode`
/// `missing` only the new ones, with `replace` all (the old ones kept as dated copies);
/// otherwise none.
fn write_imported(
    app: &App,
    files: Vec<(String, String)>,
    mode: Option<&str>,
) -> Result<Written, ApiError> {
    let names = |files: &[(String, String)]| files.iter().map(|(n, _)| n.clone()).collect();
    let listed: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let existing = app.workspace.existing(&listed);
    let (created, skipped, replaced) = match (mode, existing.is_empty()) {
        (_, true) => {
            app.workspace.create_all(&files)?;
            (names(&files), Vec::new(), Vec::new())
        }
        (Some("missing"), false) => {
            let (old, new): (Vec<_>, Vec<_>) = files
                .into_iter()
                .partition(|(name, _)| existing.contains(name));
            app.workspace.create_all(&new)?;
            (names(&new), names(&old), Vec::new())
        }
        (Some("replace"), false) => {
            let kept = app.workspace.replace_all(&files)?;
            (names(&files), Vec::new(), kept)
        }
        (_, false) => return Ok(Written::Exist(existing)),
    };
    Ok(Written::Files {
        created,
        skipped,
        replaced,
    })
}

/// The parameters of a query string, percent-decoded (`+` as a space); a parameter that is
/// not UTF-8 once decoded is left out.
pub(super) fn query_params(raw: &str) -> std::collections::HashMap<String, String> {
    let decode = |text: &str| -> Option<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    out.push(
                        u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16)
                            .ok()?,
                    );
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    };
    raw.split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(key)?, decode(value)?))
        })
        .collect()
}

/// `GET /api/packages`: every package of the workspace with its agency, year, documents
/// and problem count.
pub async fn list(State(app): State<Arc<App>>) -> Answer {
    let rows = blocking(move || {
        app.workspace
            .packages()
            .into_iter()
            .map(|name| list_row(&app, &name))
            .collect::<Vec<Value>>()
    })
    .await?;
    Ok(json_response(StatusCode::OK, &json!({ "packages": rows })))
}

fn list_row(app: &App, name: &str) -> Value {
    let checked = app
        .workspace
        .read(name)
        .and_then(|(bytes, _)| check(app, name, bytes));
    match checked {
        Ok(checked) => {
            let package = checked.loaded.as_ref().map(|l| &l.package);
            json!({
                "name": name,
                "agency": package.map(|p| p.agency.name.clone()),
                "district": package.and_then(|p| p.agency.district.clone()),
                "province": package.and_then(|p| p.agency.province.clone()),
                "fiscal_year": package.map(|p| p.fiscal_year),
                "drafts": package.and_then(|p| p.measures.as_ref()).map_or(0, |m| m.rows.iter().filter(|r| r.draft.is_some()).count()),
                "documents": package.map_or(Vec::new(), |p| DocKind::available(p).iter().map(|k| k.name()).collect()),
                "problems": checked.problems(),
                "errors": checked.diagnostics.iter().filter(|d| d.is_error()).count(),
            })
        }
        Err(refused) => {
            json!({ "name": name, "problems": 1, "errors": 1, "refused": refused.message(), "documents": [] })
        }
    }
}

/// `GET /api/packages/{name}`: the file as stored, with its version in `ETag`.
pub async fn read(State(app): State<Arc<App>>, Path(name): Path<String>) -> Answer {
    let (bytes, tag) = blocking(move || app.workspace.read(&name)).await??;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(header::ETAG, header_value(&tag));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `PUT /api/packages/{name}` with `If-Match`: saves the body if the file is still the
/// version the editor started from; `412` (and nothing written) when it is not.
pub async fn save(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    super::body::check(&body)?;
    let Some(expected) = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            crate::message!(
                "การบันทึกต้องระบุฉบับของแฟ้มที่แก้ไข (If-Match) เพื่อไม่ให้บันทึกทับงานของผู้อื่น",
                "a save names the version of the file it edits (If-Match), so that it never overwrites another's work"
            )
            .shown()
            .to_owned(),
        ));
    };
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::from(Refused::NotJson("the body is not UTF-8".to_owned())))?;
    let saved = blocking(move || {
        let tag = app.workspace.save(&name, &text, &expected)?;
        let (bytes, _) = app.workspace.read(&name)?;
        let checked = check(&app, &name, bytes)?;
        Ok::<_, Refused>((tag, checked_json(&checked)))
    })
    .await?;
    let (tag, checked) = match saved {
        Ok(saved) => saved,
        Err(Refused::Conflict { current }) => {
            let mut response = ApiError::from(Refused::Conflict {
                current: current.clone(),
            })
            .into_response();
            response
                .headers_mut()
                .insert(header::ETAG, header_value(&current));
            return Ok(response);
        }
        Err(refused) => return Err(refused.into()),
    };
    let mut response = json_response(
        StatusCode::OK,
        &json!({ "saved": true, "etag": tag, "check": checked }),
    );
    response
        .headers_mut()
        .insert(header::ETAG, header_value(&tag));
    Ok(response)
}

/// `POST /api/check/{name}`: `check` on the text being edited (not saved).
pub async fn check_text(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    super::body::check(&body)?;
    let checked =
        blocking(move || check(&app, &name, body.to_vec()).map(|c| checked_json(&c))).await??;
    Ok(json_response(StatusCode::OK, &checked))
}

/// `POST /api/preview/{name}`: builds the text being edited and answers the preview's id, its
/// page count and each page's text (for "the page of this field"), or the diagnostics that
/// stop the build (`422`).
pub async fn preview(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    super::body::check(&body)?;
    let body = saved_form(body);
    let id = super::preview::id(&name, &body);
    let session = super::preview::session(&headers);
    Ok(match built(app, session, name, body).await? {
        Ok(preview) => json_response(
            StatusCode::OK,
            &json!({ "id": id, "pages": preview.page_count(), "texts": preview.page_texts() }),
        ),
        Err(diagnostics) => not_built(&diagnostics),
    })
}

/// The text in the form a save writes ([`super::workspace::pretty`]), so that a preview, and
/// the archival PDF that carries the package, are those of the file once saved; text that is
/// not JSON is left as sent (check names what is wrong with it).
fn saved_form(body: Bytes) -> Bytes {
    let Ok(text) = std::str::from_utf8(&body) else {
        return body;
    };
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return body;
    }
    match super::workspace::pretty_within(text, crate::limits::PACKAGE_BYTES as usize) {
        Some(pretty) => Bytes::from(pretty),
        None => body,
    }
}

/// The answer when the text does not build: `422` with the diagnostics.
fn not_built(diagnostics: &[Diagnostic]) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({
            "error": crate::message!(
                "ยังสร้างเอกสารไม่ได้ โปรดแก้ปัญหาที่แสดงไว้ข้างช่องข้อมูลก่อน",
                "the documents cannot be made yet: first correct what is shown beside the fields"
            ).shown(),
            "diagnostics": diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        }),
    )
}

/// The preview of package `name` with text `body`: the one kept, or built now (a heavy
/// permit); the diagnostics that stop the build otherwise.
async fn built(
    app: Arc<App>,
    session: String,
    name: String,
    body: Bytes,
) -> Result<Result<Arc<super::preview::Preview>, Vec<Diagnostic>>, ApiError> {
    let id = super::preview::id(&name, &body);
    if let Some(found) = app.previews.get(&id) {
        app.previews.keep(&session, &id, found.clone());
        return Ok(Ok(found));
    }
    let permit = app.heavy.permit()?;
    let answer = blocking(move || {
        let _permit = permit;
        let checked = check(&app, &name, body.to_vec())?;
        let Some(loaded) = checked.loaded else {
            return Ok(Err(checked.diagnostics));
        };
        let stem = name
            .rsplit('/')
            .next()
            .unwrap_or(&name)
            .trim_end_matches(".json")
            .to_owned();
        Ok::<_, Refused>(
            app.previews
                .build_for(&app.engine, (&session, &id), &stem, loaded)
                .map_err(|Failure(diagnostics)| diagnostics),
        )
    })
    .await??;
    Ok(answer)
}

/// `POST /api/download/{name}?kind=pdf|archive`: the PDF (or archival PDF) of the text sent,
/// the one on the clerk's screen: taken from the previews kept, or built again when it is no
/// longer kept (after other previews, after a restart).
pub async fn download_text(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    super::body::check(&body)?;
    let body = saved_form(body);
    let archival = query_params(raw.as_deref().unwrap_or(""))
        .get("kind")
        .map(String::as_str)
        == Some("archive");
    let session = super::preview::session(&headers);
    let preview = match built(app.clone(), session, name, body).await? {
        Ok(preview) => preview,
        Err(diagnostics) => return Ok(not_built(&diagnostics)),
    };
    if archival {
        return archival_download(app, preview).await;
    }
    Ok(download(
        preview.pdf.clone(),
        &format!("{}.pdf", preview.stem),
    ))
}

fn gone() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        crate::message!(
            "ภาพตัวอย่างนี้หมดอายุแล้ว โปรดแก้ไขหรือโหลดหน้าใหม่เพื่อสร้างใหม่",
            "this preview is no longer kept: edit or reload the page to make it again"
        )
        .shown()
        .to_owned(),
    )
}

/// `GET /api/preview/{id}/page/{n}`: page `n` (from 1) of a preview as PNG.
pub async fn page(
    State(app): State<Arc<App>>,
    Path((id, number)): Path<(String, usize)>,
) -> Answer {
    let preview = app.previews.get(&id).ok_or_else(gone)?;
    let png = blocking(move || number.checked_sub(1).and_then(|i| preview.page_png(i)))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                crate::message!("ไม่มีหน้า {number}", "there is no page {number}")
                    .shown()
                    .to_owned(),
            )
        })?;
    let mut response = Response::new(Body::from(png.as_ref().clone()));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600, immutable"),
    );
    Ok(response)
}

/// `GET /api/render/{id}/where?field=/measures/rows/0/measure`: the page (from 1) of the
/// preview that prints the field at that JSON Pointer, or `null` with what the clerk is told
/// instead (an empty field prints nowhere).
pub async fn where_field(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Answer {
    let preview = app.previews.get(&id).ok_or_else(gone)?;
    let field = query_params(raw.as_deref().unwrap_or(""))
        .remove("field")
        .unwrap_or_default();
    let answer = blocking(move || located(&preview, &field)).await?;
    Ok(json_response(StatusCode::OK, &answer))
}

/// Where a preview prints the field at a JSON Pointer: `{"page": n}`, or `{"page": null,
/// "message": …}` saying why it prints nowhere (also the hub's answer).
pub fn located(preview: &super::preview::Preview, field: &str) -> Value {
    use super::locate::Found;
    let package =
        serde_json::from_str::<Value>(&preview.loaded().source.text).unwrap_or(Value::Null);
    let found = super::locate::page_of(&package, field, &preview.page_texts());
    let said = match found {
        Found::Page(_) => None,
        Found::Empty => Some(crate::message!(
            "ช่องนี้ยังว่าง จึงไม่ปรากฏในเอกสาร",
            "This field is empty, so it prints nowhere in the document."
        )),
        Found::Choice => Some(crate::message!(
            "ช่องนี้เป็นตัวเลือก ซึ่งเปลี่ยนรูปเอกสาร แต่ไม่ได้พิมพ์เป็นข้อความ",
            "This field is a choice: it changes the document but is not printed as text."
        )),
        Found::Nowhere => Some(crate::message!(
            "ไม่พบข้อความของช่องนี้ในตัวอย่างเอกสาร (เอกสารนี้อาจไม่ได้พิมพ์ช่องนี้ หรือพิมพ์ในรูปอื่น)",
            "The text of this field was not found in the preview (this document may not print it, or prints it in another form)."
        )),
    };
    let page = match found {
        Found::Page(n) => json!(n),
        _ => Value::Null,
    };
    json!({ "page": page, "message": said.map(|m| m.shown().to_owned()) })
}

/// `GET /api/preview/{id}/pdf`: the PDF of a preview, as a download.
pub async fn pdf(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let preview = app.previews.get(&id).ok_or_else(gone)?;
    Ok(download(
        preview.pdf.clone(),
        &format!("{}.pdf", preview.stem),
    ))
}

/// `GET /api/preview/{id}/archive`: the archival PDF (PDF/A-3b) of a preview, as a download.
pub async fn archive(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let preview = app.previews.get(&id).ok_or_else(gone)?;
    archival_download(app, preview).await
}

async fn archival_download(app: Arc<App>, preview: Arc<super::preview::Preview>) -> Answer {
    let stem = preview.stem.clone();
    let permit = app.heavy.permit()?;
    let built = blocking(move || {
        let _permit = permit;
        preview.archival_pdf(&app.engine)
    })
    .await?;
    let pdf = built.map_err(|Failure(diagnostics)| {
        let reasons: Vec<String> = diagnostics
            .iter()
            .map(|d| for_the_page(d.message.shown()))
            .collect();
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::message!(
                "สร้าง PDF สำหรับจัดเก็บไม่สำเร็จ: {}",
                "cannot make the PDF for archiving: {}",
                reasons.join("; ")
            )
            .shown()
            .to_owned(),
        )
    })?;
    Ok(download(
        pdf.as_ref().clone(),
        &format!("{stem}-archive.pdf"),
    ))
}

fn download(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&content_disposition(file_name)),
    );
    response
}

/// `attachment` with the name in ASCII for old clients and in full (Thai kept) as RFC 6266's
/// `filename*` (UTF-8, percent-encoded).
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}
