//! Reading the objects of a PDF: just enough for the files ita-report writes and updates.
//!
//! Attachments, signature fields, signatures and revisions all need to find objects in a PDF
//! and read a few entries of their dictionaries. This reader walks the bytes: every
//! `N G obj … endobj` in file order (a later revision's copy of an object replaces the
//! earlier one, as incremental updates mean), objects packed in object streams where those
//! stand, FlateDecode stream data with its predictors ([`decode`]), the cross-reference
//! sections, tables or streams ([`xref`]), and a small lexer that finds the entries of a
//! dictionary at its top level. Why not hayro-syntax, which Typst already builds: see
//! docs/design/signatures.md.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

pub mod decode;
pub mod xref;

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
    /// Object number → its definition latest in the file.
    defs: BTreeMap<u32, Def>,
}

/// One object as defined: its text before any stream and, top-level, its stream data.
struct Def {
    text: String,
    stream: Option<Range<usize>>,
}

impl<'a> Objects<'a> {
    /// Reads every object of `pdf` in file order, unpacking object streams where they
    /// stand: a later definition of a number replaces an earlier one, whether written on its
    /// own or packed (an update may pack an object the original wrote plainly, or the
    /// reverse). All object streams together inflate to at most [`INFLATED_TOTAL`].
    pub fn read(pdf: &'a [u8]) -> Result<Self, String> {
        if !pdf.starts_with(b"%PDF-") {
            return Err("not a PDF file".to_owned());
        }
        check_size(pdf)?;
        let mut defs = BTreeMap::new();
        let mut inflated = 0usize;
        for object in scan(pdf, 0..pdf.len())? {
            let packed = match object_stream(pdf, &object, &mut inflated) {
                Some(unpacked) => unpacked?,
                None => Vec::new(),
            };
            let number = object.number;
            defs.insert(
                number,
                Def {
                    text: object.text,
                    stream: object.stream,
                },
            );
            for (n, text) in packed.into_iter().filter(|(n, _)| *n != number) {
                defs.insert(n, Def { text, stream: None });
            }
        }
        if defs.len() > OBJECTS {
            return Err(format!("the PDF has more than {OBJECTS} objects"));
        }
        Ok(Objects { pdf, defs })
    }

    /// Every object with its number, in number order.
    pub fn all(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.defs.iter().map(|(n, d)| (*n, d.text.as_str()))
    }

    /// The text of object `number` (a stream's dictionary without its data).
    pub fn get(&self, number: u32) -> Option<&str> {
        self.defs.get(&number).map(|d| d.text.as_str())
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
        self.defs.keys().next_back().copied().unwrap_or(0)
    }

    /// The data of stream object `number`, decoded when FlateDecode, at most
    /// [`INFLATED_BYTES`]: a few kB of deflate data can inflate to gigabytes.
    pub fn stream(&self, number: u32) -> Result<Vec<u8>, String> {
        let raw = self
            .raw_stream(number)
            .ok_or_else(|| format!("object {number} is not a stream"))?;
        decode::decode(number, &self.defs[&number].text, raw)
    }

    /// The data of stream object `number` as stored (still encoded).
    pub fn raw_stream(&self, number: u32) -> Option<&'a [u8]> {
        let def = self.defs.get(&number)?;
        self.pdf.get(def.stream.clone()?)
    }
}

/// The objects packed in `object` when it is an object stream (`None` otherwise), its
/// inflated size added to `inflated`, which may not pass [`INFLATED_TOTAL`].
pub fn object_stream(
    pdf: &[u8],
    object: &Scanned,
    inflated: &mut usize,
) -> Option<Result<Vec<(u32, String)>, String>> {
    if value(&object.text, "/Type") != Some("/ObjStm") {
        return None;
    }
    let raw = object.stream.clone().and_then(|r| pdf.get(r))?;
    Some(
        decode::decode(object.number, &object.text, raw).and_then(|data| {
            *inflated += data.len();
            if *inflated > INFLATED_TOTAL {
                return Err(format!(
                    "the object streams inflate to more than {} MB",
                    INFLATED_TOTAL >> 20
                ));
            }
            unpack(&object.text, &data)
        }),
    )
}

/// The objects of an object stream (`/N` pairs of number and offset, the objects from
/// `/First`), in the order of its header, as text.
pub fn unpack(dict: &str, data: &[u8]) -> Result<Vec<(u32, String)>, String> {
    let first = integer(dict, "/First").and_then(|f| usize::try_from(f).ok());
    let first = first.unwrap_or(0).min(data.len());
    let count = integer(dict, "/N").and_then(|c| usize::try_from(c).ok());
    let header = String::from_utf8_lossy(&data[..first]);
    // At most /N pairs, and no more than the header holds: nothing sized by /N alone.
    let numbers: Vec<usize> = header
        .split_whitespace()
        .take(count.unwrap_or(0).saturating_mul(2))
        .map_while(|t| t.parse().ok())
        .collect();
    let mut out = Vec::with_capacity(numbers.len() / 2);
    for k in 0..numbers.len() / 2 {
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
            out.push((number, text.trim().to_owned()));
        }
    }
    Ok(out)
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
    /// The last section is a cross-reference stream: an update must write one too
    /// (PDF 32000-1, 7.5.8.4).
    pub xref_stream: bool,
}

impl Trailer {
    /// Reads the last cross-reference section, where the file's last `startxref` points:
    /// a classic table's trailer, or a cross-reference stream's dictionary.
    pub fn read(pdf: &[u8]) -> Result<Trailer, String> {
        let startxref = xref::last_startxref(pdf).ok_or("the PDF has no startxref")?;
        let section = xref::read(pdf, startxref)?;
        let dict = section.trailer.as_str();
        if value(dict, "/Encrypt").is_some() {
            return Err("the PDF is encrypted, which is not supported".to_owned());
        }
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
            xref_stream: section.stream,
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
