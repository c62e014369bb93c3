//! Managing the workspace's files from the list page: the agencies of the results sheets kept
//! in it (to start a package from), rename, duplicate, delete into the recycle folder and
//! restore from it.
//!
//! Every name is checked by the [`Workspace`](super::workspace::Workspace), which does the
//! file system work under its lock; nothing here writes a file itself.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::App;
use super::api::{ApiError, json_response, query_params};
use super::workspace::Refused;

type Answer = Result<axum::response::Response, ApiError>;

/// The sheets read for the agency picker at most.
const SHEETS_LISTED: usize = 20;

/// `GET /api/sheets?year=…`: the agencies of every results sheet in the workspace, read as
/// `import` reads them, with the year of the sheet (from its name, else the one asked).
pub async fn sheets(
    State(app): State<Arc<App>>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Answer {
    let asked: Option<i32> = query_params(raw.as_deref().unwrap_or(""))
        .get("year")
        .and_then(|y| y.trim().parse().ok());
    let permit = app.heavy.permit()?;
    let listed = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        app.workspace
            .sheets(SHEETS_LISTED)
            .into_iter()
            .filter_map(|(name, year)| Some(sheet_json(&app, &name, year.or(asked)?)))
            .collect::<Vec<Value>>()
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::message!("อ่านตารางผลคะแนนไม่สำเร็จ", "cannot read the results sheets")
                .shown()
                .to_owned(),
        )
    })?;
    Ok(json_response(StatusCode::OK, &json!({ "sheets": listed })))
}

fn sheet_json(app: &App, name: &str, year: i32) -> Value {
    let read = app
        .workspace
        .read_sheet(name)
        .map_err(|r| r.message())
        .and_then(|bytes| {
            crate::import::read_results_bytes(bytes, name, &app.frameworks, year).map_err(|f| {
                f.0.iter()
                    .map(|d| d.message.shown().to_owned())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        });
    match read {
        Ok(results) => json!({
            "sheet": name,
            "year": year,
            "agencies": results.agencies.iter().map(|a| json!({
                "name": a.name,
                "district": a.district,
                "total": a.total.map(|t| t.0),
            })).collect::<Vec<_>>(),
        }),
        Err(message) => json!({
            "sheet": name,
            "year": year,
            "agencies": [],
            "error": super::api::for_the_page(&message),
        }),
    }
}

/// What the page sends to rename or copy a package: its name and the new one, and for a
/// copy the fiscal year the copy is of.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    from: String,
    to: String,
    #[serde(default)]
    year: Option<i32>,
}

fn asked<T: serde::de::DeserializeOwned>(
    body: &Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body.as_ref().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            crate::message!("อ่านข้อมูลที่ส่งมาไม่ได้", "cannot read what was sent")
                .shown()
                .to_owned(),
        )
    })?;
    super::body::check(body)?;
    serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            crate::message!(
                "ข้อมูลที่ส่งมาไม่ครบหรือไม่อยู่ในรูปแบบที่รับได้",
                "what was sent is incomplete or not in a form taken here"
            )
            .shown()
            .to_owned(),
        )
    })
}

/// A new name the page asks for: `.json` added, and no hidden folder (the recycle folder).
fn new_name(to: &str) -> Result<String, ApiError> {
    let to = to.trim();
    let to = if to.ends_with(".json") {
        to.to_owned()
    } else {
        format!("{to}.json")
    };
    if to.split('/').any(|part| part.starts_with('.')) {
        return Err(Refused::BadName(to).into());
    }
    Ok(to)
}

/// `POST /api/rename` `{from, to}`: the package under its new name; `409` when taken.
pub async fn rename(State(app): State<Arc<App>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let asked: Move = asked(&body)?;
    let to = new_name(&asked.to)?;
    let done = to.clone();
    tokio::task::spawn_blocking(move || app.workspace.rename(&asked.from, &to))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::message!("เปลี่ยนชื่อไม่สำเร็จ", "renaming failed")
                    .shown()
                    .to_owned(),
            )
        })??;
    Ok(json_response(StatusCode::OK, &json!({ "name": done })))
}

/// `POST /api/duplicate` `{from, to, year?}`: a copy of the package under a new name, with its
/// fiscal year changed when asked (last year's package as this year's start); `409` when
/// the name is taken.
pub async fn duplicate(State(app): State<Arc<App>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let asked: Move = asked(&body)?;
    let to = new_name(&asked.to)?;
    let done = to.clone();
    tokio::task::spawn_blocking(move || {
        let (bytes, _) = app.workspace.read(&asked.from)?;
        let text = String::from_utf8(bytes).map_err(|_| Refused::NotJson(String::new()))?;
        let text = match asked.year {
            Some(year) => with_year(&text, year).ok_or(Refused::NotJson(String::new()))?,
            None => text,
        };
        app.workspace.create_in(&to, &text)
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::message!("ทำสำเนาไม่สำเร็จ", "copying failed")
                .shown()
                .to_owned(),
        )
    })??;
    Ok(json_response(StatusCode::CREATED, &json!({ "name": done })))
}

/// The package text with its top-level `fiscal_year` set to `year`, everything else as it
/// is (the field is added first when the package has none).
pub fn with_year(text: &str, year: i32) -> Option<String> {
    let root = crate::spanned::parse(text)?;
    let crate::spanned::Kind::Object(members) = &root.kind else {
        return None;
    };
    Some(match members.iter().find(|m| m.key == "fiscal_year") {
        Some(member) => {
            let span = member.value.span.clone();
            format!("{}{year}{}", &text[..span.start], &text[span.end..])
        }
        None => {
            let open = root.span.start + 1;
            let comma = if members.is_empty() { "" } else { "," };
            format!(
                "{}\"fiscal_year\": {year}{comma}{}",
                &text[..open],
                &text[open..]
            )
        }
    })
}

/// `DELETE /api/packages/{name}`: the package moved into the recycle folder.
pub async fn delete(State(app): State<Arc<App>>, Path(name): Path<String>) -> Answer {
    let entry = tokio::task::spawn_blocking(move || app.workspace.recycle(&name))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::message!("ย้ายไปถังขยะไม่สำเร็จ", "moving to the recycle folder failed")
                    .shown()
                    .to_owned(),
            )
        })??;
    Ok(json_response(StatusCode::OK, &json!({ "recycled": entry })))
}

/// `GET /api/recycle`: the files in the recycle folder, newest first.
pub async fn recycled(State(app): State<Arc<App>>) -> Answer {
    let list = tokio::task::spawn_blocking(move || app.workspace.recycled())
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::message!("อ่านถังขยะไม่สำเร็จ", "cannot read the recycle folder")
                    .shown()
                    .to_owned(),
            )
        })?;
    Ok(json_response(StatusCode::OK, &json!({ "recycled": list })))
}

/// What the page sends to restore a file: its entry in the recycle folder.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restore {
    entry: String,
}

/// `POST /api/restore` `{entry}`: a recycled file back under its name; `409` when a file of
/// that name exists.
pub async fn restore(State(app): State<Arc<App>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let asked: Restore = asked(&body)?;
    let name = tokio::task::spawn_blocking(move || app.workspace.restore(&asked.entry))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::message!("นำกลับไม่สำเร็จ", "restoring failed")
                    .shown()
                    .to_owned(),
            )
        })??;
    Ok(json_response(StatusCode::OK, &json!({ "name": name })))
}
