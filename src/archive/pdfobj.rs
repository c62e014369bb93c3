//! Reading the objects of a PDF: just enough for the files ita-report writes and updates.
//!
//! Attachments, signature fields, signatures and revisions all need to find objects in a PDF
//! and read a few entries of their dictionaries. A full PDF library would bring its own
//! writer and object model for a job this small, so this reader walks the bytes: every
//! `N G obj … endobj` in file order (a later revision's copy of an object replaces the
//! earlier one, as incremental updates mean), objects packed in object streams, FlateDecode
//! stream data, and a small lexer that finds the entries of a dictionary at its top level.

use std::collections::BTreeMap;
use std::ops::Range;

/// The objects of a PDF: top-level ones and those packed in object streams, as text
/// (dictionaries, arrays) and raw stream data.
pub struct Objects<'a> {
    pdf: &'a [u8],
    /// Object number → (object text before any stream, stream data range in `pdf`).
    top: BTreeMap<u32, (String, Option<Range<usize>>)>,
    /// Objects unpacked from object streams.
    packed: BTreeMap<u32, String>,
}

impl<'a> Objects<'a> {
    /// Reads every object of `pdf`; a later definition of a number replaces an earlier one.
    pub fn read(pdf: &'a [u8]) -> Result<Self, String> {
        if !pdf.starts_with(b"%PDF-") {
            return Err("not a PDF file".to_owned());
        }
        let mut top = BTreeMap::new();
        let mut at = 0;
        while let Some(found) = find(pdf, b" obj", at) {
            at = found + 4;
            let Some(number) = object_number(pdf, found) else {
                continue;
            };
            let Some(end) = find(pdf, b"endobj", at) else {
                break;
            };
            let body = &pdf[at..end];
            let (dict, stream) = match find(body, b"stream", 0) {
                Some(s) if !body[..s].ends_with(b"end") => {
                    let mut start = at + s + 6;
                    if pdf.get(start) == Some(&b'\r') {
                        start += 1;
                    }
                    if pdf.get(start) == Some(&b'\n') {
                        start += 1;
                    }
                    let stop = find(pdf, b"endstream", start).unwrap_or(end);
                    let text = String::from_utf8_lossy(&body[..s]).into_owned();
                    let length = direct_length(&text).unwrap_or(stop - start);
                    (text, Some(start..(start + length).min(stop)))
                }
                _ => (String::from_utf8_lossy(body).into_owned(), None),
            };
            top.insert(number, (dict.trim().to_owned(), stream));
            at = end;
        }
        let mut objects = Objects {
            pdf,
            top,
            packed: BTreeMap::new(),
        };
        objects.unpack_object_streams();
        Ok(objects)
    }

    fn unpack_object_streams(&mut self) {
        let streams: Vec<u32> = self
            .top
            .iter()
            .filter(|(_, (d, s))| s.is_some() && d.contains("/ObjStm"))
            .map(|(n, _)| *n)
            .collect();
        for n in streams {
            let dict = self.top[&n].0.clone();
            let Some(data) = self.stream(n) else { continue };
            let first = integer(&dict, "/First").unwrap_or(0) as usize;
            let count = integer(&dict, "/N").unwrap_or(0) as usize;
            let header = String::from_utf8_lossy(&data[..first.min(data.len())]).into_owned();
            let numbers: Vec<usize> = header
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            for k in 0..count.min(numbers.len() / 2) {
                let (number, offset) = (numbers[2 * k], numbers[2 * k + 1]);
                let start = first + offset;
                let stop = numbers.get(2 * k + 3).map_or(data.len(), |o| first + o);
                if start <= stop && stop <= data.len() {
                    self.packed.insert(
                        number as u32,
                        String::from_utf8_lossy(&data[start..stop])
                            .trim()
                            .to_owned(),
                    );
                }
            }
        }
    }

    /// Every object with its number, top-level ones first.
    pub fn all(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.top
            .iter()
            .map(|(n, (d, _))| (*n, d.as_str()))
            .chain(self.packed.iter().map(|(n, d)| (*n, d.as_str())))
    }

    /// The text of object `number` (a stream's dictionary without its data).
    pub fn get(&self, number: u32) -> Option<&str> {
        self.top
            .get(&number)
            .map(|(d, _)| d.as_str())
            .or_else(|| self.packed.get(&number).map(String::as_str))
    }

    /// The highest object number in use.
    pub fn max_number(&self) -> u32 {
        self.top
            .keys()
            .chain(self.packed.keys())
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// The data of stream object `number`, decoded when FlateDecode.
    pub fn stream(&self, number: u32) -> Option<Vec<u8>> {
        let raw = self.raw_stream(number)?;
        if self.top.get(&number)?.0.contains("/FlateDecode") {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut out)
                .ok()?;
            Some(out)
        } else {
            Some(raw.to_vec())
        }
    }

    /// The data of stream object `number` as stored (still encoded).
    pub fn raw_stream(&self, number: u32) -> Option<&'a [u8]> {
        let (_, range) = self.top.get(&number)?;
        self.pdf.get(range.clone()?)
    }
}

/// The trailer of the last revision: what an incremental update must carry on.
#[derive(Debug, Clone)]
pub struct Trailer {
    /// `/Size`: one more than the highest object number.
    pub size: u32,
    /// The catalog's object number.
    pub root: u32,
    /// `/Info` as written (a reference), if any.
    pub info: Option<String>,
    /// `/ID` as written, if any.
    pub id: Option<String>,
    /// Where the last cross-reference section starts (`startxref`).
    pub startxref: usize,
}

impl Trailer {
    /// Reads the trailer dictionary and `startxref` at the end of `pdf` (classic
    /// cross-reference tables, as typst-pdf and ita-report's own updates write).
    pub fn read(pdf: &[u8]) -> Result<Trailer, String> {
        let at = rfind(pdf, b"trailer")
            .ok_or("the PDF has no trailer (cross-reference streams are not supported)")?;
        let text = String::from_utf8_lossy(&pdf[at + 7..]).into_owned();
        let dict_end = object_end(text.as_bytes(), skip_space(text.as_bytes(), 0))
            .ok_or("the trailer is not a dictionary")?;
        let dict = &text[..dict_end];
        let startxref = text[dict_end..]
            .split_once("startxref")
            .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
            .ok_or("the PDF has no startxref")?;
        Ok(Trailer {
            size: value(dict, "/Size")
                .and_then(|v| v.trim().parse().ok())
                .ok_or("the trailer has no /Size")?,
            root: value(dict, "/Root")
                .and_then(reference)
                .ok_or("the trailer has no /Root")?,
            info: value(dict, "/Info").map(str::to_owned),
            id: value(dict, "/ID").map(str::to_owned),
            startxref,
        })
    }
}

/// The offsets just after each `%%EOF` marker (and its end of line): where each revision ends.
pub fn revision_ends(pdf: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while let Some(found) = find(pdf, b"%%EOF", at) {
        let mut end = found + 5;
        if pdf.get(end) == Some(&b'\r') {
            end += 1;
        }
        if pdf.get(end) == Some(&b'\n') {
            end += 1;
        }
        ends.push(end);
        at = end;
    }
    ends
}

/// The first occurrence of `needle` in `hay` from `from`.
pub fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// "12 0 obj": the number before the generation before ` obj`.
fn object_number(pdf: &[u8], at: usize) -> Option<u32> {
    let head = String::from_utf8_lossy(&pdf[at.saturating_sub(24)..at]).into_owned();
    let mut parts = head
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .rev();
    let generation = parts.next()?;
    let number = parts.next()?;
    generation.parse::<u32>().ok()?;
    number
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()
}

fn direct_length(dict: &str) -> Option<usize> {
    // "/Length 12 0 R" is a reference, not the length.
    let v = value(dict, "/Length")?;
    if reference(v).is_some() {
        None
    } else {
        v.trim().parse().ok()
    }
}

/// An integer entry of a dictionary.
pub fn integer(dict: &str, key: &str) -> Option<i64> {
    value(dict, key)?.trim().parse().ok()
}

// ---- The lexer: objects as byte ranges of their text ----

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        if b[i].is_ascii_whitespace() || b[i] == 0 {
            i += 1;
        } else if b[i] == b'%' {
            while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                i += 1;
            }
        } else {
            break;
        }
    }
    i
}

/// Where the object starting at `i` ends (one token, string, array or dictionary).
fn object_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'/' => Some(
            i + 1
                + b[i + 1..]
                    .iter()
                    .position(|&c| c.is_ascii_whitespace() || is_delimiter(c))
                    .unwrap_or(b.len() - i - 1),
        ),
        b'(' => {
            let (mut depth, mut j) = (0usize, i + 1);
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 1,
                    b'(' => depth += 1,
                    b')' if depth == 0 => return Some(j + 1),
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            None
        }
        b'<' if b.get(i + 1) == Some(&b'<') => container(b, i + 2, b">>"),
        b'<' => Some(i + 1 + b[i..].iter().position(|&c| c == b'>')?),
        b'[' => container(b, i + 1, b"]"),
        _ => {
            let len = b[i..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || is_delimiter(c))
                .unwrap_or(b.len() - i);
            (len > 0).then_some(i + len)
        }
    }
}

fn container(b: &[u8], mut i: usize, close: &[u8]) -> Option<usize> {
    loop {
        i = skip_space(b, i);
        if b.get(i..)?.starts_with(close) {
            return Some(i + close.len());
        }
        i = value_end(b, i)?;
    }
}

/// Like [`object_end`], but `12 0 R` is one value.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    let end = object_end(b, i)?;
    if b[i..end].iter().all(u8::is_ascii_digit) {
        let g = skip_space(b, end);
        if let Some(g_end) =
            object_end(b, g).filter(|&e| e > g && b[g..e].iter().all(u8::is_ascii_digit))
        {
            let r = skip_space(b, g_end);
            if b.get(r) == Some(&b'R')
                && b.get(r + 1)
                    .is_none_or(|&c| c.is_ascii_whitespace() || is_delimiter(c))
            {
                return Some(r + 1);
            }
        }
    }
    Some(end)
}

/// The entries of the dictionary `dict` (`<< … >>`) at its top level: key and value range.
pub fn entries(dict: &str) -> Vec<(String, Range<usize>)> {
    let b = dict.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(b, 0);
    if !b[i..].starts_with(b"<<") {
        return out;
    }
    i += 2;
    loop {
        i = skip_space(b, i);
        if i >= b.len() || b[i..].starts_with(b">>") || b[i] != b'/' {
            return out;
        }
        let Some(key_end) = object_end(b, i) else {
            return out;
        };
        let start = skip_space(b, key_end);
        let Some(end) = value_end(b, start) else {
            return out;
        };
        out.push((dict[i..key_end].to_owned(), start..end));
        i = end;
    }
}

/// The value of `key` (e.g. `/Rect`) in the dictionary `dict`, as written.
pub fn value<'d>(dict: &'d str, key: &str) -> Option<&'d str> {
    entries(dict)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, r)| &dict[r])
}

/// `dict` with `key` set to `new` (replaced where present, added at the end otherwise).
pub fn with_entry(dict: &str, key: &str, new: &str) -> String {
    match entries(dict).into_iter().find(|(k, _)| k == key) {
        Some((_, range)) => format!("{}{new}{}", &dict[..range.start], &dict[range.end..]),
        None => {
            let close = dict.rfind(">>").unwrap_or(dict.len());
            format!("{}{key} {new}{}", &dict[..close], &dict[close..])
        }
    }
}

/// The object number of a reference `12 0 R`.
pub fn reference(value: &str) -> Option<u32> {
    let mut parts = value.split_whitespace();
    let number = parts.next()?.parse().ok()?;
    parts.next()?.parse::<u32>().ok()?;
    (parts.next()? == "R" && parts.next().is_none()).then_some(number)
}

/// The elements of an array `[ … ]` as written.
pub fn elements(array: &str) -> Vec<&str> {
    let b = array.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'[') {
        return out;
    }
    i += 1;
    loop {
        i = skip_space(b, i);
        if i >= b.len() || b[i] == b']' {
            return out;
        }
        let Some(end) = value_end(b, i) else {
            return out;
        };
        out.push(&array[i..end]);
        i = end;
    }
}

/// The numbers of an array such as `/Rect [x0 y0 x1 y1]`.
pub fn numbers(array: &str) -> Vec<f64> {
    elements(array)
        .iter()
        .filter_map(|e| e.parse().ok())
        .collect()
}

/// The bytes of a PDF string: literal `(…)` with its escapes, or hex `<…>`.
pub fn string_bytes(value: &str) -> Option<Vec<u8>> {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix('<') {
        let hex: String = hex
            .chars()
            .take_while(|&c| c != '>')
            .filter(|c| !c.is_whitespace())
            .collect();
        let hex = if hex.len() % 2 == 1 {
            format!("{hex}0")
        } else {
            hex
        };
        return (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
    }
    value.strip_prefix('(').map(|lit| literal(lit.as_bytes()))
}

/// A PDF text string: UTF-16BE with its byte-order mark, else PDFDocEncoding read as Latin-1.
pub fn text(value: &str) -> Option<String> {
    let bytes = string_bytes(value)?;
    Some(if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    })
}

/// `text` as a PDF text string: hex, UTF-16BE with its byte-order mark (names in Thai).
pub fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// The bytes of a literal string body (after its `(`), to its closing parenthesis.
fn literal(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\\' => {
                i += 1;
                match text.get(i) {
                    Some(b'n') => out.push(b'\n'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b't') => out.push(b'\t'),
                    Some(d @ b'0'..=b'7') => {
                        let mut value = u32::from(d - b'0');
                        for _ in 0..2 {
                            match text.get(i + 1) {
                                Some(d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(value as u8);
                    }
                    Some(&c) => out.push(c),
                    None => {}
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                out.push(b')');
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}
