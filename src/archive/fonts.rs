//! The font files an archival PDF is set in, named in its build record by file name and
//! SHA-256: a family name says which font was asked for, not which copy of it (two releases
//! of "TH Sarabun New" share the name and lay out differently), so `verify` can say that a
//! rebuild differs because a font file here is not the one the PDF was made with.
//!
//! Which files a document uses is known only once it is laid out (a character its family
//! lacks is set in another font), while the record is attached before: the record is first
//! written with the files of the family's regular and bold faces (what the templates set
//! text in), and [`settle`] says when the laid-out pages used others, so that the caller lays
//! them out again with the record corrected. The pages do not depend on the attachment, so
//! the second layout uses the same fonts.

use serde::{Deserialize, Serialize};
use typst::layout::{Frame, FrameItem};
use typst::text::{Font, FontVariant, FontWeight};
use typst_layout::PagedDocument;

use super::BuildRecord;
use crate::diagnostic::Message;
use crate::message;
use crate::world::Fonts;

/// One font file in a build record: its name (never its folder, which is the machine's
/// business) and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FontFile {
    pub file: String,
    pub sha256: String,
}

/// The files of `family`'s regular and bold faces: the record's first guess.
pub fn expected(fonts: &Fonts, family: &str) -> Vec<FontFile> {
    let bold = FontVariant {
        weight: FontWeight::BOLD,
        ..FontVariant::default()
    };
    let faces: Vec<Font> = [FontVariant::default(), bold]
        .into_iter()
        .filter_map(|variant| fonts.select(family, variant).cloned())
        .collect();
    files(fonts, &faces)
}

/// The files of the fonts the laid-out pages set text in, sorted by name.
pub fn used(document: &PagedDocument, fonts: &Fonts) -> Vec<FontFile> {
    let mut faces = Vec::new();
    for page in document.pages() {
        collect(&page.frame, &mut faces);
    }
    files(fonts, &faces)
}

fn collect(frame: &Frame, faces: &mut Vec<Font>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => collect(&group.frame, faces),
            FrameItem::Text(text) if !faces.contains(text.font.font()) => {
                faces.push(text.font.font().clone());
            }
            _ => {}
        }
    }
}

fn files(fonts: &Fonts, faces: &[Font]) -> Vec<FontFile> {
    let mut out: Vec<FontFile> = faces
        .iter()
        .filter_map(|face| fonts.file_of(face))
        .map(|file| FontFile {
            file: file.name.clone(),
            sha256: file.sha256().to_owned(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The attachments again with the facts' record naming the font files `document` uses, when
/// the record attached names others; `None` when it is right, or there is no record (not an
/// archival build). `facts` are the facts the attachment was written from.
pub fn settle<T: Serialize>(
    attached: &[(String, Vec<u8>)],
    facts: &T,
    document: &PagedDocument,
    fonts: &Fonts,
) -> Option<Vec<(String, Vec<u8>)>> {
    let (index, record) = attached.iter().enumerate().find_map(|(i, (name, bytes))| {
        (name == super::FACTS).then(|| BuildRecord::of_facts(bytes).map(|r| (i, r)))?
    })?;
    let font_files = used(document, fonts);
    if record.font_files == font_files {
        return None;
    }
    let record = BuildRecord {
        font_files,
        ..record
    };
    let mut out = attached.to_vec();
    out[index].1 = super::facts_json(facts, &record).ok()?;
    Some(out)
}

/// Why a rebuild here may differ from the recorded font files: a file no font folder here
/// holds (by its SHA-256), or one here under the same name with other bytes. The record is
/// read from the PDF, so what it names is shown without control characters, five at most.
pub fn differences(recorded: &[FontFile], fonts: &Fonts) -> Vec<Message> {
    const SHOWN: usize = 5;
    let here = fonts.files();
    let absent: Vec<&FontFile> = recorded
        .iter()
        .filter(|r| !here.iter().any(|f| f.sha256() == r.sha256))
        .collect();
    let printable =
        |s: &str, n: usize| -> String { s.chars().filter(|c| !c.is_control()).take(n).collect() };
    let mut out: Vec<Message> = absent
        .iter()
        .take(SHOWN)
        .map(|r| {
            let (file, short) = (printable(&r.file, 200), printable(&r.sha256, 16));
            if here.iter().any(|f| f.name == r.file) {
                message!(
                    "แฟ้มฟอนต์ {file} ที่นี่ไม่ใช่แฟ้มที่ใช้สร้าง (SHA-256 ของแฟ้มที่ใช้ขึ้นต้นด้วย {short})",
                    "the font file {file} here is not the one it was built with (whose SHA-256 begins {short})"
                )
            } else {
                message!(
                    "ตั้งด้วยแฟ้มฟอนต์ {file} ซึ่งไม่มีที่นี่ (SHA-256 ขึ้นต้นด้วย {short}; --font-dir)",
                    "set with the font file {file}, which is not here (SHA-256 beginning {short}; --font-dir)"
                )
            }
        })
        .collect();
    if absent.len() > SHOWN {
        let more = absent.len() - SHOWN;
        out.push(message!(
            "และแฟ้มฟอนต์อีก {more} แฟ้ม",
            "and {more} more font files"
        ));
    }
    out
}
