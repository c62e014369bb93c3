//! The zip container of .xlsx and .ods files, checked before anything reads its parts.
//!
//! Deflate inflates up to a thousandfold: a 3 MB part may hold 3 GB of spaces. Each part is
//! inflated once into nothing, counting, and the file is refused as soon as the parts add up
//! to more than [`SHEET_INFLATED_BYTES`]; only then does a reader open it (inflating again,
//! which is cheap next to what an unchecked file costs).

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::diagnostic::{Diagnostic, terminal_safe};
use crate::limits::{SHEET_CELLS, SHEET_INFLATED_BYTES, SHEET_PARTS};
use crate::message;

pub type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// The archive, every part inflated and counted within the bounds.
pub fn open<'a>(bytes: &'a [u8], shown: &str) -> Result<Archive<'a>, Diagnostic> {
    // Every directory entry the zip reader accepts starts with this signature, so their count
    // bounds the entries it would hold (a 47 MB file of 560,000 empty parts took 360 MB).
    let headers = bytes.windows(4).filter(|w| *w == b"PK\x01\x02").count();
    if headers > SHEET_PARTS {
        return Err(too_many_parts(shown, headers));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(shown, &e))?;
    let parts = archive.len();
    if parts > SHEET_PARTS {
        return Err(too_many_parts(shown, parts));
    }
    let mut left = SHEET_INFLATED_BYTES;
    for index in 0..parts {
        let mut part = archive.by_index(index).map_err(|e| broken(shown, &e))?;
        let name = terminal_safe(part.name());
        let read = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| broken(shown, &e))?;
        if read > left {
            let limit = SHEET_INFLATED_BYTES / (1024 * 1024);
            return Err(Diagnostic::error(message!(
                "แฟ้มตาราง `{shown}` ขยายออกเกินขีดจำกัด {limit} MB (ที่ส่วน `{name}`)",
                "the spreadsheet `{shown}` inflates to more than the limit of {limit} MB (at its part `{name}`)"
            ))
            .with_note(message!(
                "แฟ้มผลคะแนนจริงขยายออกเพียงไม่กี่ MB แฟ้มนี้อาจเสียหายหรือถูกสร้างขึ้นเพื่อกินหน่วยความจำ",
                "a real results file inflates to a few MB; this one may be damaged or made to exhaust memory"
            )));
        }
        left -= read;
    }
    Ok(archive)
}

/// Refuses a shared-string table that declares more strings than a file may hold cells:
/// calamine reserves room for the declared count before reading any.
pub fn check_shared_strings(archive: &mut Archive, shown: &str) -> Result<(), Diagnostic> {
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| {
            n.replace('\\', "/")
                .eq_ignore_ascii_case("xl/sharedStrings.xml")
        })
        .map(str::to_owned)
        .collect();
    for name in names {
        let part = archive.by_name(&name).map_err(|e| broken(shown, &e))?;
        // Read as calamine reads it, so that both see the same first `sst`.
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
        let config = xml.config_mut();
        config.check_end_names = false;
        config.check_comments = false;
        config.trim_text(false);
        config.expand_empty_elements = true;
        let mut buf = Vec::new();
        let declared = loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                    if e.local_name().as_ref() == b"sst" =>
                {
                    break e
                        .try_get_attribute("uniqueCount")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned());
                }
                Ok(quick_xml::events::Event::Eof) | Err(_) => break None,
                Ok(_) => {}
            }
        };
        let count = declared.and_then(|v| {
            let digits = v.strip_prefix(b"+").unwrap_or(&v);
            std::str::from_utf8(digits).ok()?.parse::<u128>().ok()
        });
        if let Some(count) = count.filter(|&n| n > SHEET_CELLS as u128) {
            return Err(Diagnostic::error(message!(
                "แฟ้มตาราง `{shown}` ระบุว่ามีข้อความ {count} รายการ เกินขีดจำกัด {SHEET_CELLS} ช่อง",
                "the spreadsheet `{shown}` declares {count} strings, more than the limit of {SHEET_CELLS} cells"
            )));
        }
    }
    Ok(())
}

fn too_many_parts(shown: &str, parts: usize) -> Diagnostic {
    Diagnostic::error(message!(
        "แฟ้มตาราง `{shown}` มีส่วนประกอบ {parts} ส่วน เกินขีดจำกัด {SHEET_PARTS} ส่วน",
        "the spreadsheet `{shown}` has {parts} parts, more than the limit of {SHEET_PARTS}"
    ))
}

fn broken(shown: &str, e: &dyn std::fmt::Display) -> Diagnostic {
    let e = terminal_safe(&e.to_string());
    Diagnostic::error(message!(
        "อ่านแฟ้มตาราง `{shown}` ไม่ได้: แฟ้มเสียหายหรือไม่ใช่แฟ้ม zip ({e})",
        "cannot read the spreadsheet `{shown}`: damaged or not a zip file ({e})"
    ))
}
