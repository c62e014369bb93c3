//! Finding the agency's Garuda emblem, which the repository does not ship.
//!
//! The package may name a file (`emblem`, relative to the package); otherwise `garuda.svg` or
//! `garuda.png` beside the package is used. Without one the forms keep the emblem's space
//! empty and the build warns, naming what to supply.

use std::path::Path;

use crate::confine::{self, Refusal};
use crate::diagnostic::{Diagnostic, Lang, Message};
use crate::limits;
use crate::load::{self, Loaded, Segment};
use crate::message;

/// File names looked for beside the package when it names no emblem.
pub const DEFAULT_NAMES: [&str; 2] = ["garuda.svg", "garuda.png"];

/// The emblem as a path inside the package's folder (what the Typst world may read), or
/// `None` when there is none. A file that is missing, outside the folder (symlinks
/// resolved), not an image or too large is an error naming the field, never its content.
pub fn find(loaded: &Loaded) -> Result<Option<String>, Diagnostic> {
    let (name, named) = match &loaded.package.emblem {
        Some(name) => (name.clone(), true),
        None => match DEFAULT_NAMES
            .iter()
            .find(|n| loaded.dir.join(n).symlink_metadata().is_ok())
        {
            Some(n) => ((*n).to_owned(), false),
            None => return Ok(None),
        },
    };
    let path = Path::new(&name);
    let plain = path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    let problem = if !plain {
        Some(message!(
            "ต้องเป็นที่อยู่ภายในโฟลเดอร์ของแฟ้มข้อมูล (ไม่มี `..` และไม่ขึ้นต้นจากราก)",
            "must be a path inside the package's folder (no `..`, not absolute)"
        ))
    } else if !matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("svg" | "png" | "jpg" | "jpeg")
    ) {
        Some(message!(
            "ต้องเป็นภาพ SVG, PNG หรือ JPEG",
            "must be an SVG, PNG or JPEG image"
        ))
    } else {
        match confine::read(&loaded.dir, path, limits::IMAGE_BYTES) {
            Err(Refusal::Missing) => Some(message!(
                "ไม่มีอยู่ข้างแฟ้มข้อมูล",
                "does not exist beside the package"
            )),
            Err(refusal) => Some(Message::new(refusal.thai(), refusal.to_string())),
            // The pixels of images an SVG carries count too (a 30000×30000 PNG as a
            // `data:` URI took 2.6 GB).
            Ok(bytes) => readable(path, &bytes)
                .and_then(|()| limits::image_problem(&bytes))
                .err()
                .map(|e| {
                    let (thai, english) = (e.get(Lang::Thai), &e.english);
                    message!("ใช้เป็นตราไม่ได้: {thai}", "{english}")
                }),
        }
    };
    let Some(problem) = problem else {
        return Ok(Some(format!("/{}", name.replace('\\', "/"))));
    };
    let (thai, english) = (problem.get(Lang::Thai), &problem.english);
    let mut d = Diagnostic::error(message!(
        "ตรา `{name}` {thai}",
        "the emblem `{name}` {english}"
    ));
    if named {
        let segment = [Segment::Key("emblem".into())];
        let range = load::locate(&loaded.source.text, &segment, false).unwrap_or(0..0);
        d = d.at(loaded.source.clone(), range).with_json_path("emblem");
    } else {
        d = d.with_note(message!(
            "เมื่อแฟ้มข้อมูลไม่ได้ระบุตรา โปรแกรมใช้ `{name}` ที่อยู่ข้างแฟ้มเป็นตราครุฑ",
            "`{name}` beside the package is used as the Garuda emblem when the package names none"
        ));
    }
    Err(d)
}

/// Whether the file is the image its extension says, as far as its header tells: a message
/// naming the field beats Typst's decoding error at a line of generated source.
fn readable(path: &Path, bytes: &[u8]) -> Result<(), Message> {
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        if std::str::from_utf8(bytes).is_ok_and(|t| t.contains("<svg")) {
            return Ok(());
        }
        return Err(message!("ไม่ใช่ภาพ SVG", "is not an SVG image"));
    }
    if limits::image_size(bytes).is_some_and(|(w, h)| w > 0 && h > 0) {
        return Ok(());
    }
    Err(message!(
        "ไม่ใช่ภาพ PNG หรือ JPEG ที่อ่านได้",
        "is not a readable PNG or JPEG image"
    ))
}

/// The warning for a form printed without an emblem.
pub fn missing_warning(loaded: &Loaded) -> Diagnostic {
    let (name, dir) = (&loaded.source.name, loaded.dir.display());
    Diagnostic::warning(message!(
        "{name}: ไม่มีตราครุฑ ที่ของตราบนแบบฟอร์มจะเว้นว่างไว้",
        "{name}: no Garuda emblem; its space on the form is left empty"
    ))
    .with_note(message!(
        "วาง garuda.svg หรือ garuda.png ไว้ใน {dir} หรือกำหนด `emblem` ในแฟ้มข้อมูล",
        "put garuda.svg or garuda.png in {dir} or set `emblem` in the package"
    ))
}
