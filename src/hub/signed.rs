//! The PDFs of the cycle's end: a signed PDF is accepted only when `verify`'s checks hold
//! (PDF/A-3, the package attached, the unsigned revision rebuilt byte for byte from it, every
//! signature intact with nothing changed after it) and the attached package is the version
//! the province approved; and the zip of every approved package's PDF.

use std::io::Write;

use super::Hub;
use super::workflow::State;
use crate::engine::BuildOptions;

/// Whether `pdf` is the signed archival PDF of `approved` (the approved version's JSON);
/// the Thai reason when it is not.
pub fn check(hub: &Hub, pdf: &[u8], approved: &str) -> Result<(), String> {
    let refused = |why: &str| format!("ไม่รับแฟ้ม PDF นี้ ({why}) สถานะยังไม่เปลี่ยน");
    let report = crate::archive::verify::inspect(pdf)
        .map_err(|e| refused(&format!("อ่านเป็น PDF ไม่ได้: {e}")))?;
    if !report.pdf_a3 {
        return Err(refused(
            "ไม่ใช่ PDF สำหรับจัดเก็บ (PDF/A-3) ที่โปรแกรมสร้าง: โปรดสร้างด้วย build --archive แล้วลงนาม",
        ));
    }
    let (name, attached) = report
        .package
        .as_ref()
        .ok_or_else(|| refused("ไม่มีแฟ้มข้อมูลแนบ"))?;
    let same = match (
        serde_json::from_slice::<serde_json::Value>(attached),
        serde_json::from_str::<serde_json::Value>(approved),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return Err(refused("ข้อมูลที่แนบใน PDF ไม่ตรงกับฉบับที่จังหวัดอนุมัติ"));
    }
    if report.trailing > 0 {
        return Err(refused("มีข้อมูลต่อท้าย %%EOF สุดท้าย"));
    }
    if report.signatures.is_empty() {
        return Err(refused("ยังไม่มีลายมือชื่ออิเล็กทรอนิกส์"));
    }
    for signature in &report.signatures {
        if let Err(why) = &signature.intact {
            return Err(refused(&format!(
                "ลายมือชื่อในช่อง {} ไม่ถูกต้อง: {}",
                signature.field,
                why.shown()
            )));
        }
        if signature.changed_after() {
            return Err(refused(&format!(
                "มีการแก้ไขหลังลายมือชื่อในช่อง {}",
                signature.field
            )));
        }
    }
    let original = &pdf[..report.unsigned_len];
    let rebuilt = hub.engine.reproduces(
        original,
        attached,
        name,
        &hub.data,
        &hub.frameworks,
        &BuildOptions::default(),
    );
    crate::engine::evict_caches();
    match rebuilt {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(refused("ฉบับก่อนลงนามไม่ตรงกับเอกสารที่โปรแกรมสร้างจากข้อมูลแนบ")),
        Err(failure) => Err(refused(&format!(
            "ข้อมูลแนบสร้างเอกสารไม่ได้: {}",
            failure.0.first().map_or("", |d| d.message.shown())
        ))),
    }
}

/// A zip of the cycle's finished documents: the signed PDF of every signed or published
/// package (the bytes the agency sent and the hub verified), and for every approved one the
/// PDF built now from its approved version (archival, PDF/A-3b, when `archive`), with a list
/// (`รายการเอกสาร.txt`) of where each file came from and which could not be built.
pub fn approved_zip(hub: &Hub, archive: bool) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let failed = |e: &dyn std::fmt::Display| format!("สร้างแฟ้ม zip ไม่สำเร็จ: {e}");
    let mut list = String::from("แฟ้มในชุดนี้และที่มา\n");
    for package in hub
        .store
        .packages(None)
        .map_err(|e| e.message().to_owned())?
    {
        let stem = package.name.trim_end_matches(".json").to_owned();
        let (file, pdf, source) = match package.state {
            State::Signed | State::Published => (
                format!("{stem}-signed.pdf"),
                hub.store
                    .signed_pdf(package.id)
                    .map_err(|e| e.message().to_owned())?,
                "PDF ที่หน่วยงานลงนามแล้วและระบบตรวจแล้ว".to_owned(),
            ),
            State::Approved => {
                let file = if archive {
                    format!("{stem}-archive.pdf")
                } else {
                    format!("{stem}.pdf")
                };
                let (pdf, source) = match built(hub, package.id, &package.name, &stem, archive) {
                    Ok(pdf) => (
                        Some(pdf),
                        format!("สร้างจากฉบับที่อนุมัติ (ฉบับที่ {})", package.current),
                    ),
                    Err(why) => (None, format!("สร้างไม่ได้: {why}")),
                };
                (file, pdf, source)
            }
            _ => continue,
        };
        list.push_str(&format!("{file}\t{}\t{source}\n", package.state.thai()));
        let Some(pdf) = pdf else { continue };
        zip.start_file(file, options).map_err(|e| failed(&e))?;
        zip.write_all(&pdf).map_err(|e| failed(&e))?;
    }
    zip.start_file("รายการเอกสาร.txt", options)
        .map_err(|e| failed(&e))?;
    zip.write_all(list.as_bytes()).map_err(|e| failed(&e))?;
    let cursor = zip.finish().map_err(|e| failed(&e))?;
    Ok(cursor.into_inner())
}

/// The PDF (archival when `archive`) of a package's current version, or why it does not
/// build.
fn built(
    hub: &Hub,
    package: i64,
    name: &str,
    stem: &str,
    archive: bool,
) -> Result<Vec<u8>, String> {
    let first = |failure: crate::diagnostic::Failure| {
        failure
            .0
            .first()
            .map_or_else(String::new, |d| d.message.shown().to_owned())
    };
    let version = hub
        .store
        .version(package, None)
        .map_err(|e| e.message().to_owned())?
        .ok_or_else(|| "ไม่มีฉบับปัจจุบัน".to_owned())?;
    let loaded = crate::load::load_bytes(
        version.json.into_bytes(),
        &hub.data.join(name),
        name,
        &hub.frameworks,
    )
    .map_err(first)?;
    let options = BuildOptions {
        archive,
        ..BuildOptions::default()
    };
    let built = hub
        .engine
        .build(&loaded, stem, &std::env::temp_dir(), &options);
    crate::engine::evict_caches();
    built
        .map_err(first)?
        .artifacts
        .into_iter()
        .next()
        .map(|a| a.pdf)
        .ok_or_else(|| "ไม่มีเอกสารให้สร้าง".to_owned())
}
