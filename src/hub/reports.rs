//! The secretariat's documents of the year, built on request from what the hub holds: the
//! page that says what goes into them (which agencies' scores, which are missing), the
//! province's analysis PDF and the progress report PDF ([`super::summary`] makes the
//! packages; the engine builds them as `build` would).

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::pages::{esc, page, to_login};
use super::routes::{admin_only, blocking, heavy, pdf_download};
use super::summary::{self, Current};
use super::{Hub, Refusal, auth};
use crate::diagnostic::Failure;
use crate::engine::BuildOptions;

type Answer = Result<Response, Refusal>;

/// The packages of `year` with their current versions.
pub fn gather(hub: &Hub, year: i64) -> Result<Vec<Current>, Refusal> {
    let mut out = Vec::new();
    for package in hub.store.packages(None)? {
        if package.year != year {
            continue;
        }
        let json = hub
            .store
            .version(package.id, None)?
            .and_then(|v| serde_json::from_str::<Value>(&v.json).ok());
        out.push(Current { package, json });
    }
    Ok(out)
}

/// The years the hub holds packages of, newest first.
pub fn years(hub: &Hub) -> Result<Vec<i64>, Refusal> {
    let mut years: Vec<i64> = hub.store.packages(None)?.iter().map(|p| p.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

fn year_of(text: &str) -> Result<i64, Refusal> {
    text.trim()
        .parse()
        .map_err(|_| Refusal::new(StatusCode::NOT_FOUND, "ปีงบประมาณต้องเป็นตัวเลข เช่น 2566").as_page())
}

/// Builds a package made here, as `build` builds a file (emblems looked for in the data
/// folder); the PDF, or the Thai reasons it does not build.
pub fn build_pdf(hub: &Hub, json: &Value, stem: &str) -> Result<Vec<u8>, String> {
    let text = serde_json::to_string_pretty(json).map_err(|e| e.to_string())?;
    let name = format!("{stem}.json");
    let reasons = |Failure(diagnostics): Failure| {
        let lines: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.shown())
            .collect();
        format!("สร้างเอกสารไม่สำเร็จ: {}", lines.join("; "))
    };
    let loaded = crate::load::load_bytes(
        text.into_bytes(),
        &hub.data.join(&name),
        &name,
        &hub.frameworks,
    )
    .map_err(reasons)?;
    let built = hub.engine.build(
        &loaded,
        stem,
        &std::env::temp_dir(),
        &BuildOptions::default(),
    );
    crate::engine::evict_caches();
    let built = built.map_err(reasons)?;
    built
        .artifacts
        .into_iter()
        .next()
        .map(|a| a.pdf)
        .ok_or_else(|| "สร้างเอกสารไม่สำเร็จ: ไม่มีเอกสารให้สร้าง".to_owned())
}

/// `GET /reports/{year}` (administrator): what the province's two documents are made of, and
/// the buttons that build them.
pub async fn reports_page(
    State(hub): State<Arc<Hub>>,
    Path(year): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let Some(session) = auth::session(&hub, &headers) else {
        return Ok(to_login());
    };
    admin_only(&session).map_err(Refusal::as_page)?;
    let year = year_of(&year)?;
    let current = gather(&hub, year).map_err(Refusal::as_page)?;
    let mut body = format!(
        "<p>เอกสารสองฉบับนี้สร้างใหม่ทุกครั้งที่กดปุ่ม จากข้อมูลปัจจุบันในระบบของปีงบประมาณ {year} ({} แฟ้ม) ไม่มีตัวเลขใดพิมพ์ไว้ล่วงหน้า</p>",
        current.len()
    );
    body.push_str("<section><h2>รายงานผลการวิเคราะห์ของจังหวัด</h2>");
    match summary::province(year, &current) {
        Ok(built) => {
            let _ = write!(
                body,
                "<p>ใช้คะแนนรวมฉบับปัจจุบันของ <b class=\"used\">{}</b> หน่วยงาน",
                built.used.len()
            );
            if built.missing.is_empty() {
                body.push_str(" ทุกหน่วยงานมีคะแนนแล้ว</p>");
            } else {
                let _ = write!(
                    body,
                    "</p><p>ยังไม่มีคะแนนรวม <b class=\"missing\">{}</b> หน่วยงาน จึงยังไม่อยู่ในรายงาน:</p><ul class=\"missing\">",
                    built.missing.len()
                );
                for name in &built.missing {
                    let _ = write!(body, "<li>{}</li>", esc(name));
                }
                body.push_str("</ul>");
            }
            body.push_str(&unscored(&built.unscored));
            let _ = write!(
                body,
                "<p><a class=\"button\" id=\"province-pdf\" href=\"/reports/{year}/province.pdf\">ดาวน์โหลด PDF รายงานผลการวิเคราะห์ของจังหวัด</a></p>"
            );
        }
        Err(why) => {
            let _ = write!(body, "<p class=\"error\">{}</p>", esc(&why));
        }
    }
    let _ = write!(
        body,
        "</section><section><h2>รายงานความก้าวหน้า</h2><p>นับจากประวัติการดำเนินการของทุกแฟ้ม ณ เวลาที่กด: สร้างแฟ้ม ส่ง อนุมัติ ลงนาม และเผยแพร่ ของหน่วยงานแต่ละประเภท รายวัน และหน่วยงานที่ยังไม่ดำเนินการ</p>\
         <p><a class=\"button\" id=\"progress-pdf\" href=\"/reports/{year}/progress.pdf\">ดาวน์โหลด PDF รายงานความก้าวหน้า</a></p></section>"
    );
    Ok(page(
        &format!("เอกสารของจังหวัด ปีงบประมาณ {year}"),
        Some(&session),
        &body,
    ))
}

/// The packages that hold no scores by their nature, each under its agency with what it
/// holds: the secretariat sees they were not forgotten, and that no score is owed for them.
fn unscored(packages: &[summary::Unscored]) -> String {
    if packages.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<p>แฟ้มเอกสารที่ไม่มีคะแนนตามลักษณะของเอกสาร (เช่น ประกาศ รายงานความก้าวหน้า) <b class=\"unscored\">{}</b> แฟ้ม ไม่ได้ใช้ในรายงานนี้ และไม่นับว่าขาดคะแนน:</p><ul class=\"unscored\">",
        packages.len()
    );
    for p in packages {
        let _ = write!(
            out,
            "<li>{}: {} <span class=\"name\">({})</span></li>",
            esc(&p.agency),
            esc(&p.documents.join(" ")),
            esc(&p.package)
        );
    }
    out.push_str("</ul>");
    out
}

/// `GET /reports/{year}/{province.pdf|progress.pdf}` (administrator): the document built now.
pub async fn report_pdf(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Path((year, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let session = auth::required(&hub, &headers).map_err(Refusal::as_page)?;
    admin_only(&session).map_err(Refusal::as_page)?;
    let year = year_of(&year)?;
    let current = gather(&hub, year).map_err(Refusal::as_page)?;
    let unbuildable = |why: String| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, why).as_page();
    let (json, stem) = match file.as_str() {
        "province.pdf" => summary::province(year, &current).map(|b| (b.json, b.stem)),
        "progress.pdf" => {
            let history = hub.store.all_history().map_err(Refusal::from)?;
            summary::progress(year, &current, &history, super::store::now())
        }
        _ => return Err(Refusal::new(StatusCode::NOT_FOUND, "ไม่มีหน้านี้").as_page()),
    }
    .map_err(unbuildable)?;
    let permit = heavy(&hub).map_err(Refusal::as_page)?;
    let building = hub.clone();
    let built_stem = stem.clone();
    let pdf = blocking(move || {
        let _permit = permit;
        build_pdf(&building, &json, &built_stem)
    })
    .await?
    .map_err(unbuildable)?;
    let _ = hub.store.audit(
        Some(session.user.id),
        &peer.ip().to_string(),
        "download",
        None,
        &format!("{stem}.pdf"),
    );
    Ok(pdf_download(pdf, &format!("{stem}.pdf"), "application/pdf"))
}
