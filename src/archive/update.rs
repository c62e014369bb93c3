//! Writing an incremental update: new and changed objects appended after the last `%%EOF`,
//! with their own cross-reference section and a trailer pointing back to the previous one.
//!
//! Everything ita-report adds to a PDF goes this way (signature fields after export, each
//! signature): the bytes already there are never touched, which is what keeps an earlier
//! signature valid and lets `verify` cut a file back to any earlier revision.

use super::pdfobj::Trailer;

/// One object of an update: its number and its text (`<< … >>`, or a dictionary followed by
/// `stream … endstream`).
pub struct Object {
    pub number: u32,
    pub body: Vec<u8>,
}

impl Object {
    /// An object that is a dictionary, array or other direct text.
    pub fn text(number: u32, text: impl Into<String>) -> Object {
        Object {
            number,
            body: text.into().into_bytes(),
        }
    }

    /// A stream object: `dict` must not hold `/Length`, which is written here.
    pub fn stream(number: u32, dict: &str, data: &[u8]) -> Object {
        let close = dict.rfind(">>").unwrap_or(dict.len());
        let mut body = format!(
            "{}/Length {}{}\nstream\n",
            &dict[..close],
            data.len(),
            &dict[close..]
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        Object { number, body }
    }
}

impl Object {
    /// A stream copied from another file: `dict` as written there (its filters kept), with
    /// `/Length` set to `data`'s.
    pub fn raw_stream(number: u32, dict: &str, data: &[u8]) -> Object {
        let dict = super::pdfobj::with_entry(dict, "/Length", &data.len().to_string());
        let mut body = format!("{dict}\nstream\n").into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        Object { number, body }
    }
}

/// Appends `objects` to `pdf` as an incremental update and returns the whole file.
/// The catalog stays the one the trailer names (pass a changed copy among `objects`).
pub fn append(pdf: &[u8], trailer: &Trailer, objects: &[Object]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    for object in objects {
        offsets.push((object.number, out.len()));
        out.extend_from_slice(format!("{} 0 obj\n", object.number).as_bytes());
        out.extend_from_slice(&object.body);
        out.extend_from_slice(b"\nendobj\n");
    }
    offsets.sort();
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    // Subsections of consecutive object numbers, entries of exactly 20 bytes.
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i + 1;
        while j < offsets.len() && offsets[j].0 == offsets[j - 1].0 + 1 {
            j += 1;
        }
        out.extend_from_slice(format!("{} {}\n", offsets[i].0, j - i).as_bytes());
        for (_, offset) in &offsets[i..j] {
            out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        i = j;
    }
    let size = offsets
        .iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap_or(0)
        .max(trailer.size);
    let mut dict = format!("<</Size {size}/Root {} 0 R", trailer.root);
    if let Some(info) = &trailer.info {
        dict.push_str(&format!("/Info {info}"));
    }
    if let Some(id) = &trailer.id {
        dict.push_str(&format!("/ID{id}"));
    }
    dict.push_str(&format!("/Prev {}>>", trailer.startxref));
    out.extend_from_slice(format!("trailer\n{dict}\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}
