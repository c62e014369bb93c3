//! The page, its script and style, and the bundled Thai fonts, embedded in the binary.
//!
//! No build step: the files under `src/web/assets/` are served as written. The page uses the
//! fonts the documents are set in (Sarabun), so the form reads like the printed page and
//! needs nothing installed on the clerk's machine.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::App;
use super::api::ApiError;

const INDEX: &str = include_str!("assets/index.html");

/// The page with the token its script sends with every change (escaped for an attribute by
/// the caller) and the documents' names from the registry ([`crate::documents`]) in the
/// server's language, so that a kind added there is named on the page without a second list
/// in the script.
pub(crate) fn index_page(csrf: &str) -> String {
    let english = crate::diagnostic::language() == crate::diagnostic::Lang::English;
    let names: serde_json::Map<String, serde_json::Value> = crate::documents::ALL
        .iter()
        .map(|k| {
            let (thai, english_name) = k.spec().label;
            let name = if english {
                let mut chars = english_name.chars();
                chars
                    .next()
                    .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
            } else {
                thai.to_owned()
            };
            (k.name().to_owned(), name.into())
        })
        .collect();
    // JSON in an attribute: its quotes and ampersands escaped, nothing else needs it.
    let names = serde_json::Value::Object(names)
        .to_string()
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    INDEX
        .replace("{{csrf}}", csrf)
        .replace("{{documents}}", &names)
}

/// The files under `/assets/`: name, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/app.js"),
    ),
    (
        "labels.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/labels.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/style.css"),
    ),
    (
        "Sarabun-Regular.ttf",
        "font/ttf",
        include_bytes!("../../fonts/sarabun/Sarabun_400Regular.ttf"),
    ),
    (
        "Sarabun-Bold.ttf",
        "font/ttf",
        include_bytes!("../../fonts/sarabun/Sarabun_700Bold.ttf"),
    ),
];

/// `GET /`: the one page, carrying the server's token for its script to send with every
/// change (a page elsewhere cannot read it: no CORS, and the Host is checked).
pub async fn index(State(app): State<Arc<App>>) -> Response {
    let mut response = page(app.csrf()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with its token, in the language of the server (`--lang`): its own texts here,
/// and `<html lang>`, which the script reads to choose its texts.
fn page(csrf: &str) -> String {
    let page = index_page(csrf);
    match crate::diagnostic::language() {
        crate::diagnostic::Lang::Thai => page,
        crate::diagnostic::Lang::English => page
            .replace("<html lang=\"th\">", "<html lang=\"en\">")
            .replace(
                TAGLINE,
                "Preparing the documents of the Integrity and Transparency Assessment (ITA)",
            )
            .replace(NO_SCRIPT, "This page needs JavaScript"),
    }
}

/// The page's own Thai texts, given in English under `--lang en`.
const TAGLINE: &str = "จัดทำเอกสารการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ";
const NO_SCRIPT: &str = "หน้านี้ต้องเปิดใช้ JavaScript";

/// `GET /assets/{file}`: a file of the page.
pub async fn file(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (_, kind, bytes) = FILES
        .iter()
        .find(|(file, _, _)| *file == name)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                crate::message!("ไม่มีแฟ้ม {name}", "no file {name}")
                    .shown()
                    .to_owned(),
            )
        })?;
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
