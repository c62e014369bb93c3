//! Reading the objects of a PDF: just enough for the files ita-report writes and updates.
//!
//! Attachments, signature fields, signatures and revisions all need to find objects in a PDF
//! and read a few entries of their dictionaries. A full PDF library would bring its own
//! writer and object model for a job this small, so this reader walks the bytes: every
//! `N G obj … endobj` in file order (a later revision's copy of an object replaces the
//! earlier one, as incremental updates mean), objects packed in object streams, FlateDecode
//! stream data, and a small lexer that finds the entries of a dictionary at its top level.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

// Bounds on what a PDF from outside may make the reader do, checked before the work.
/// A PDF file, in bytes: far above an archival report (a few MB with its fonts).
pub const PDF_BYTES: usize = 256 << 20;
/// Object definitions in one file.
pub const OBJECTS: usize = 1_000_000;
/// The highest object number a PDF may use (ISO 32000-1, Annex C): numbers above it are
/// refused, so that the next free number can never wrap around to 0.
pub const MAX_OBJECT_NUMBER: u32 = 8_388_607;
/// Arrays and dictionaries inside each other: the lexer recurses once per level.
pub const DEPTH: usize = 64;
/// One stream's data once inflated (an attached package is at most 8 MB).
pub const INFLATED_BYTES: usize = 64 << 20;
/// All object streams of a file, once inflated.
pub const INFLATED_TOTAL: usize = 256 << 20;

/// Refuses a file above [`PDF_BYTES`].
pub fn check_size(pdf: &[u8]) -> Result<(), String> {
    if pdf.len() > PDF_BYTES {
        return Err(format!(
            "the PDF is {} MB, more than the limit of {} MB",
            pdf.len() >> 20,
            PDF_BYTES >> 20
        ));
    }
    Ok(())
}

fn over_limit(number: &str) -> String {
    format!("object number {number} is beyond the highest a PDF may use ({MAX_OBJECT_NUMBER})")
}

/// One object definition as written in the file: `N G obj … endobj`.
pub struct Scanned {
    pub number: u32,
    /// Where ` obj` was found (just after the generation number).
    pub at: usize,
    /// The object's text before any stream.
    pub text: String,
    /// Its stream data, as stored.
    pub stream: Option<Range<usize>>,
}

/// The object definitions whose `obj` keyword lies in `range`, in file order. Each search
/// ends at the object's own `endobj`, so a file of unclosed streams is read in linear time.
pub fn scan(pdf: &[u8], range: Range<usize>) -> Result<Vec<Scanned>, String> {
    let head = pdf
        .get(..range.end)
        .ok_or("the range is outside the file")?;
    let mut out = Vec::new();
    let mut at = range.start;
    while let Some(found) = find(head, b" obj", at) {
        at = found + 4;
        let Some(number) = object_number(pdf, found)? else {
            continue;
        };
        if out.len() >= OBJECTS {
            return Err(format!("the PDF has more than {OBJECTS} objects"));
        }
        let Some(end) = find(pdf, b"endobj", at) else {
            break;
        };
        let (text, stream, end) = body(pdf, at, end);
        out.push(Scanned {
            number,
            at: found,
            text,
            stream,
        });
        at = end;
    }
    Ok(out)
}

/// The text of the object from `at` to its `endobj` at `end`, its stream data, and where
/// it really ends: a direct /Length that lands on `endstream` is trusted (the data may
/// hold the bytes `endobj`).
fn body(pdf: &[u8], at: usize, end: usize) -> (String, Option<Range<usize>>, usize) {
    let text_of = |b: &[u8]| String::from_utf8_lossy(b).trim().to_owned();
    let body = &pdf[at..end];
    let Some(s) = find(body, b"stream", 0).filter(|&s| !body[..s].ends_with(b"end")) else {
        return (text_of(body), None, end);
    };
    let dict = text_of(&body[..s]);
    let mut start = at + s + 6;
    if pdf.get(start) == Some(&b'\r') {
        start += 1;
    }
    if pdf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let length = direct_length(&dict);
    if let Some(stop) = length
        .and_then(|l| start.checked_add(l))
        .filter(|&stop| ends_stream(pdf, stop))
    {
        let end = find(pdf, b"endobj", stop).unwrap_or(pdf.len());
        return (dict, Some(start..stop), end);
    }
    let stop = find(&pdf[..end], b"endstream", start).unwrap_or(end);
    let stop = length.map_or(stop, |l| stop.min(start.saturating_add(l)));
    (dict, Some(start..stop.max(start)), end)
}

/// Whether `endstream` follows `at`, after an optional end of line.
fn ends_stream(pdf: &[u8], at: usize) -> bool {
    let rest = pdf.get(at..).unwrap_or_default();
    let rest = rest.strip_prefix(b"\r").unwrap_or(rest);
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    rest.starts_with(b"endstream")
}

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
        check_size(pdf)?;
        let mut objects = Objects {
            pdf,
            top: BTreeMap::new(),
            packed: BTreeMap::new(),
        };
        for object in scan(pdf, 0..pdf.len())? {
            objects
                .top
                .insert(object.number, (object.text, object.stream));
        }
        objects.unpack_object_streams()?;
        Ok(objects)
    }

    /// Unpacks the objects of object streams, within [`INFLATED_TOTAL`] for all of them.
    fn unpack_object_streams(&mut self) -> Result<(), String> {
        let streams: Vec<u32> = self
            .top
            .iter()
            .filter(|(_, (d, s))| s.is_some() && d.contains("/ObjStm"))
            .map(|(n, _)| *n)
            .collect();
        let mut inflated = 0usize;
        for n in streams {
            let dict = self.top[&n].0.clone();
            let Ok(data) = self.stream(n) else { continue };
            inflated += data.len();
            if inflated > INFLATED_TOTAL {
                return Err(format!(
                    "the object streams inflate to more than {} MB",
                    INFLATED_TOTAL >> 20
                ));
            }
            let first = integer(&dict, "/First").and_then(|f| usize::try_from(f).ok());
            let first = first.unwrap_or(0).min(data.len());
            let count = integer(&dict, "/N").and_then(|c| usize::try_from(c).ok());
            let header = String::from_utf8_lossy(&data[..first]).into_owned();
            let numbers: Vec<usize> = header
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            for k in 0..count.unwrap_or(0).min(numbers.len() / 2) {
                let (number, offset) = (numbers[2 * k], numbers[2 * k + 1]);
                let number = u32::try_from(number)
                    .ok()
                    .filter(|&n| n <= MAX_OBJECT_NUMBER)
                    .ok_or_else(|| over_limit(&number.to_string()))?;
                let start = first.saturating_add(offset);
                let stop = numbers
                    .get(2 * k + 3)
                    .map_or(data.len(), |o| first.saturating_add(*o));
                if start <= stop && stop <= data.len() {
                    let text = String::from_utf8_lossy(&data[start..stop]);
                    self.packed.insert(number, text.trim().to_owned());
                }
            }
        }
        Ok(())
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

    /// The first object number free for an update: above every number in use and the
    /// trailer's /Size, and at most [`MAX_OBJECT_NUMBER`] less `needed`.
    pub fn next_free(&self, trailer: &Trailer, needed: u32) -> Result<u32, String> {
        let next = self.max_number().max(trailer.size.saturating_sub(1)) + 1;
        if next.saturating_add(needed) > MAX_OBJECT_NUMBER {
            return Err(over_limit(&next.to_string()));
        }
        Ok(next)
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

    /// The data of stream object `number`, decoded when FlateDecode, at most
    /// [`INFLATED_BYTES`]: a few kB of deflate data can inflate to gigabytes.
    pub fn stream(&self, number: u32) -> Result<Vec<u8>, String> {
        let raw = self
            .raw_stream(number)
            .ok_or_else(|| format!("object {number} is not a stream"))?;
        let dict = &self.top[&number].0;
        if !dict.contains("/FlateDecode") {
            return Ok(raw.to_vec());
        }
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(raw)
            .take(INFLATED_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("the data of object {number} cannot be inflated: {e}"))?;
        if out.len() > INFLATED_BYTES {
            return Err(format!(
                "the data of object {number} inflates to more than {} MB",
                INFLATED_BYTES >> 20
            ));
        }
        Ok(out)
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
        let size: u32 = value(dict, "/Size")
            .and_then(|v| v.trim().parse().ok())
            .ok_or("the trailer has no /Size")?;
        if size > MAX_OBJECT_NUMBER + 1 {
            return Err(over_limit(&(size - 1).to_string()));
        }
        Ok(Trailer {
            size,
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

/// "12 0 obj": the number before the generation before ` obj`; an error when the number
/// is beyond [`MAX_OBJECT_NUMBER`].
fn object_number(pdf: &[u8], at: usize) -> Result<Option<u32>, String> {
    let head = String::from_utf8_lossy(&pdf[at.saturating_sub(24)..at]).into_owned();
    let mut parts = head
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .rev();
    let (Some(generation), Some(number)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let number = number.trim_start_matches(|c: char| !c.is_ascii_digit());
    if generation.parse::<u32>().is_err()
        || number.is_empty()
        || !number.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(None);
    }
    match number.parse::<u32>() {
        Ok(n) if n <= MAX_OBJECT_NUMBER => Ok(Some(n)),
        _ => Err(over_limit(number)),
    }
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

/// The end of the PDF object (dictionary, array, string or token) starting at `i`, after
/// white space; `None` when it does not end or nests too deep.
pub fn object_at(b: &[u8], i: usize) -> Option<Range<usize>> {
    let start = skip_space(b, i);
    Some(start..object_end(b, start)?)
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
    object_end_in(b, i, 0)
}

/// [`object_end`] at `depth` containers deep: `None` beyond [`DEPTH`], so that crafted
/// nesting cannot exhaust the stack.
fn object_end_in(b: &[u8], i: usize, depth: usize) -> Option<usize> {
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
        b'<' if b.get(i + 1) == Some(&b'<') => container(b, i + 2, b">>", depth + 1),
        b'<' => Some(i + 1 + b[i..].iter().position(|&c| c == b'>')?),
        b'[' => container(b, i + 1, b"]", depth + 1),
        _ => {
            let len = b[i..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || is_delimiter(c))
                .unwrap_or(b.len() - i);
            (len > 0).then_some(i + len)
        }
    }
}

fn container(b: &[u8], mut i: usize, close: &[u8], depth: usize) -> Option<usize> {
    if depth > DEPTH {
        return None;
    }
    loop {
        i = skip_space(b, i);
        if b.get(i..)?.starts_with(close) {
            return Some(i + close.len());
        }
        i = value_end_in(b, i, depth)?;
    }
}

/// Like [`object_end`], but `12 0 R` is one value.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    value_end_in(b, i, 0)
}

fn value_end_in(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    let end = object_end_in(b, i, depth)?;
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
    parse_entries(dict).0
}

/// The entries of `dict` when it parses to its closing `>>`; `None` for a broken or too
/// deeply nested dictionary, which a comparison must not take as equal to anything.
pub fn complete_entries(dict: &str) -> Option<Vec<(String, Range<usize>)>> {
    match parse_entries(dict) {
        (entries, true) => Some(entries),
        _ => None,
    }
}

fn parse_entries(dict: &str) -> (Vec<(String, Range<usize>)>, bool) {
    let b = dict.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(b, 0);
    if !b[i..].starts_with(b"<<") {
        return (out, false);
    }
    i += 2;
    loop {
        i = skip_space(b, i);
        if b[i..].starts_with(b">>") {
            return (out, true);
        }
        if i >= b.len() || b[i] != b'/' {
            return (out, false);
        }
        let Some(key_end) = object_end(b, i) else {
            return (out, false);
        };
        let start = skip_space(b, key_end);
        let Some(end) = value_end(b, start) else {
            return (out, false);
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
    parse_elements(array).0
}

fn parse_elements(array: &str) -> (Vec<&str>, bool) {
    let b = array.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'[') {
        return (out, false);
    }
    i += 1;
    loop {
        i = skip_space(b, i);
        match b.get(i) {
            None => return (out, false),
            Some(b']') => return (out, true),
            Some(_) => {}
        }
        let Some(end) = value_end(b, i) else {
            return (out, false);
        };
        out.push(&array[i..end]);
        i = end;
    }
}

/// Whether two values as written are the same PDF object, white space, number forms
/// (`0`, `0.0`) and string forms (literal, hex) aside: another tool rewrites a dictionary
/// it changes in its own way.
pub fn same(a: &str, b: &str) -> bool {
    same_in(a, b, 0)
}

fn same_in(a: &str, b: &str, depth: usize) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    if depth > DEPTH {
        return false;
    }
    if let (Some(x), Some(y)) = (reference(a), reference(b)) {
        return x == y;
    }
    if a.starts_with("<<") && b.starts_with("<<") {
        let (Some(x), Some(y)) = (complete_entries(a), complete_entries(b)) else {
            return false;
        };
        let distinct = |e: &[(String, Range<usize>)]| {
            e.iter().map(|(k, _)| k).collect::<BTreeSet<_>>().len() == e.len()
        };
        if !distinct(&x) || !distinct(&y) {
            return false;
        }
        let y: BTreeMap<&str, &str> = y.iter().map(|(k, r)| (k.as_str(), &b[r.clone()])).collect();
        return x.len() == y.len()
            && x.iter().all(|(k, r)| {
                y.get(k.as_str())
                    .is_some_and(|v| same_in(&a[r.clone()], v, depth + 1))
            });
    }
    if a.starts_with('[') && b.starts_with('[') {
        let ((x, true), (y, true)) = (parse_elements(a), parse_elements(b)) else {
            return false;
        };
        return x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| same_in(p, q, depth + 1));
    }
    let string = |s: &str| s.starts_with('(') || s.starts_with('<');
    if string(a) && string(b) {
        return string_bytes(a).is_some_and(|x| Some(x) == string_bytes(b));
    }
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
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
        // Bytes, not chars: a non-ASCII byte is not a hex digit, and not a place to cut.
        let digits: Vec<u8> = hex
            .bytes()
            .take_while(|&c| c != b'>')
            .filter(|c| !c.is_ascii_whitespace())
            .map(|c| (c as char).to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()?;
        return Some(
            digits
                .chunks(2)
                .map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(0))
                .collect(),
        );
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
