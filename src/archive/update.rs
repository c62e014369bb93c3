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
/// The update's cross-reference section has the form of the last one: a table after a
/// table, a cross-reference stream after a stream (PDF 32000-1, 7.5.8.4).
pub fn append(pdf: &[u8], trailer: &Trailer, objects: &[Object]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    for object in objects {
        offsets.push((object.number, out.len()));
        write_object(&mut out, object);
    }
    let size = offsets
        .iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap_or(0)
        .max(trailer.size);
    let mut dict = format!("/Root {} 0 R", trailer.root);
    if let Some(info) = &trailer.info {
        dict.push_str(&format!("/Info {info}"));
    }
    if let Some(id) = &trailer.id {
        dict.push_str(&format!("/ID{id}"));
    }
    dict.push_str(&format!("/Prev {}", trailer.startxref));
    let xref = out.len();
    if trailer.xref_stream {
        // The stream is an object of its own, numbered after every other, listed in itself.
        offsets.push((size, xref));
        offsets.sort();
        let data = stream_entries(&offsets);
        let object = Object::stream(
            size,
            &format!(
                "<</Type/XRef/Size {}{dict}/W[1 {} 2]/Index[{}]>>",
                size + 1,
                data.1,
                subsections(&offsets)
                    .iter()
                    .map(|s| format!("{} {}", s[0].0, s.len()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            &data.0,
        );
        write_object(&mut out, &object);
        out.extend_from_slice(format!("startxref\n{xref}\n%%EOF\n").as_bytes());
        return out;
    }
    offsets.sort();
    out.extend_from_slice(b"xref\n");
    // Subsections of consecutive object numbers, entries of exactly 20 bytes.
    for sub in subsections(&offsets) {
        out.extend_from_slice(format!("{} {}\n", sub[0].0, sub.len()).as_bytes());
        for (_, offset) in sub {
            out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
    }
    out.extend_from_slice(
        format!("trailer\n<</Size {size}{dict}>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    out.extend_from_slice(format!("{} 0 obj\n", object.number).as_bytes());
    out.extend_from_slice(&object.body);
    out.extend_from_slice(b"\nendobj\n");
}

/// Runs of consecutive object numbers in sorted `offsets`.
fn subsections(offsets: &[(u32, usize)]) -> Vec<&[(u32, usize)]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i + 1;
        while j < offsets.len() && offsets[j].0 == offsets[j - 1].0 + 1 {
            j += 1;
        }
        out.push(&offsets[i..j]);
        i = j;
    }
    out
}

/// The entries of a cross-reference stream, uncompressed: type 1, the offset in as few
/// bytes as the largest needs, generation 0 in two bytes; and the offset's width.
fn stream_entries(offsets: &[(u32, usize)]) -> (Vec<u8>, usize) {
    let largest = offsets.iter().map(|(_, o)| *o as u64).max().unwrap_or(0);
    let width = (8 - largest.leading_zeros() as usize / 8).max(1);
    let mut data = Vec::with_capacity(offsets.len() * (3 + width));
    for (_, offset) in offsets {
        data.push(1);
        data.extend_from_slice(&(*offset as u64).to_be_bytes()[8 - width..]);
        data.extend_from_slice(&[0, 0]);
    }
    (data, width)
}
