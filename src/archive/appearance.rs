//! The visible appearance of a signature: the signer's name, the position signed for and the
//! date in Thai, set by Typst with the bundled fonts and carried over into the signed PDF.
//!
//! PDF/A needs every font embedded and Thai needs shaping, which a hand-written appearance
//! stream cannot give; Typst already does both. So the appearance is a one-page Typst
//! document the size of the field, exported by typst-pdf, and its page (content stream and
//! the resources it uses, fonts included) is copied into the signing update as a form
//! XObject, its objects renumbered after the file's own.

use std::collections::BTreeMap;

use typst::foundations::Datetime;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::fields;
use super::pdfobj::{self, Objects, Trailer};
use super::update::Object;
use crate::templates::string_literal;
use crate::thai::Date;
use crate::world::{Compiler, Job};

/// The smallest type of an appearance, in points.
pub const MIN_SIZE: f64 = 8.0;

/// A form XObject and the objects it needs, numbered from the `first` given to [`render`].
pub struct Appearance {
    /// The number of the form XObject.
    pub form: u32,
    pub objects: Vec<Object>,
    /// One more than the highest number used.
    pub next: u32,
}

/// Sets `lines` centred in a box of `width` × `height` points and returns it as a form
/// XObject whose objects are numbered from `first`.
/// `date` is the appearance PDF's document date, which PDF/A requires (it is not kept).
pub fn render(
    compiler: &Compiler,
    width: f64,
    height: f64,
    lines: &[String],
    date: Date,
    first: u32,
) -> Result<Appearance, String> {
    let pdf = typeset(compiler, width, height, lines, date)?;
    let objects = Objects::read(&pdf)?;
    let trailer = Trailer::read(&pdf)?;
    let page = *fields::pages(&objects, &trailer)
        .first()
        .ok_or("the appearance has no page")?;
    let page_dict = objects.get(page).ok_or("the appearance page is missing")?;
    let contents = pdfobj::value(page_dict, "/Contents")
        .and_then(pdfobj::reference)
        .ok_or("the appearance has no single content stream")?;
    let resources =
        pdfobj::value(page_dict, "/Resources").ok_or("the appearance has no resources")?;

    // Every object the resources reach, renumbered from `first + 1` (`first` is the form).
    let mut numbers: BTreeMap<u32, u32> = BTreeMap::new();
    let mut queue = references(resources);
    while let Some(old) = queue.pop() {
        if numbers.contains_key(&old) {
            continue;
        }
        numbers.insert(old, first + 1 + numbers.len() as u32);
        queue.extend(references(
            objects
                .get(old)
                .ok_or("the appearance refers to a missing object")?,
        ));
    }
    let mut out = Vec::new();
    for (&old, &new) in &numbers {
        let text = renumber(objects.get(old).unwrap_or_default(), &numbers);
        out.push(match objects.raw_stream(old) {
            Some(data) => Object::raw_stream(new, &text, data),
            None => Object::text(new, text),
        });
    }
    let content_dict = objects
        .get(contents)
        .ok_or("the appearance content is missing")?;
    let filter = pdfobj::value(content_dict, "/Filter")
        .map(|f| format!("/Filter {f}"))
        .unwrap_or_default();
    let data = objects
        .raw_stream(contents)
        .ok_or("the appearance content has no data")?;
    let form = format!(
        "<</Type/XObject/Subtype/Form/BBox[0 0 {width} {height}]/Resources {}{filter}>>",
        renumber(resources, &numbers)
    );
    out.push(Object::raw_stream(first, &form, data));
    Ok(Appearance {
        form: first,
        objects: out,
        next: first + 1 + numbers.len() as u32,
    })
}

/// The appearance as a one-page PDF of its own (PDF/A-3b, untagged: a form XObject belongs
/// to no structure tree).
fn typeset(
    compiler: &Compiler,
    width: f64,
    height: f64,
    lines: &[String],
    date: Date,
) -> Result<Vec<u8>, String> {
    let family = compiler
        .fonts()
        .choose(None)
        .map_err(|d| d.message.english)?;
    // The largest size from 12 pt down to MIN_SIZE at which the lines fit the field on one
    // page; MIN_SIZE when none does (the field is then too small, not the text).
    let mut compiled = None;
    for halves in (MIN_SIZE as u32 * 2..=24).rev() {
        let source = source(&family, f64::from(halves) / 2.0, width, height, lines);
        // A root that does not exist: the appearance reads no file.
        let job = Job {
            source: &source,
            source_name: "signature-appearance.typ",
            root: std::path::Path::new("/nonexistent"),
            today: None,
            virtual_files: &[],
        };
        let document = compiler.compile(&job).map_err(|f| f.to_string())?;
        let fits = document.document.pages().len() == 1;
        compiled = Some(document);
        if fits {
            break;
        }
    }
    let compiled = compiled.ok_or("the appearance was not set")?;
    let options = PdfOptions {
        standards: PdfStandards::new(&[PdfStandard::A_3b]).map_err(|e| format!("{e:?}"))?,
        tagged: false,
        timestamp: Datetime::from_ymd_hms(date.year, date.month, date.day, 0, 0, 0)
            .map(Timestamp::new_utc),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&compiled.document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The appearance's Typst source at `size` points. Each line's box reaches from the top of
/// its highest glyph to the bottom of its lowest ("bounds"), so that Thai marks above and
/// below stay inside it and the leading keeps them off the next line.
fn source(family: &str, size: f64, width: f64, height: f64, lines: &[String]) -> String {
    let body: Vec<String> = lines
        .iter()
        .map(|l| format!("#{}", string_literal(l)))
        .collect();
    format!(
        "#set page(width: {width}pt, height: {height}pt, margin: 0pt)\n\
         #set text(font: {}, size: {size:.1}pt, lang: \"th\", top-edge: \"bounds\", bottom-edge: \"bounds\")\n\
         #set par(leading: 0.25em)\n\
         #align(center + horizon, text(fill: rgb(\"#1a237e\"), [{}]))\n",
        string_literal(family),
        body.join(" \\ ")
    )
}

/// The object numbers `text` refers to (`12 0 R`).
fn references(text: &str) -> Vec<u32> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "[]<>/()".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    tokens
        .windows(3)
        .filter(|w| w[2] == "R" && w[1] == "0")
        .filter_map(|w| w[0].parse().ok())
        .collect()
}

/// `text` with every reference `old 0 R` replaced by `new 0 R`.
fn renumber(text: &str, numbers: &BTreeMap<u32, u32>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'.');
        if starts_number {
            let end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if text[end..].starts_with(" 0 R")
                && !text[end + 4..].starts_with(|c: char| c.is_ascii_alphanumeric())
                && let Some(new) = text[i..end]
                    .parse()
                    .ok()
                    .and_then(|old: u32| numbers.get(&old))
            {
                out.push_str(&format!("{new} 0 R"));
                i = end + 4;
                continue;
            }
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        let c = text[i..].chars().next().expect("inside the text");
        out.push(c);
        i += c.len_utf8();
    }
    out
}
