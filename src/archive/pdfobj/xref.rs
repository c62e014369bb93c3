//! Cross-reference sections, in both forms a PDF may write them (PDF 32000-1, 7.5.4 and
//! 7.5.8): a classic `xref` table followed by its `trailer`, or a cross-reference stream
//! (`/Type /XRef`, binary entries of `/W` widths over the `/Index` ranges) whose dictionary
//! is the trailer. Acrobat, qpdf and pikepdf save the second; pyHanko's updates of such a
//! file use it too.
//!
//! Every count, width and number comes from the file, so each is checked before anything is
//! allocated for it: at most [`super::OBJECTS`] entries, object numbers up to
//! [`super::MAX_OBJECT_NUMBER`], fields of at most 8 bytes, data that holds every entry.

use super::decode::decode;
use super::{MAX_OBJECT_NUMBER, OBJECTS, elements, integer, scan, value};

/// One entry of a cross-reference section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// An object written at `offset` in the file.
    Used { number: u32, offset: usize },
    /// An object packed in object stream `stream`, the `index`-th there.
    Packed {
        number: u32,
        stream: u32,
        index: usize,
    },
    /// A number freed.
    Free(u32),
}

/// A cross-reference section: its entries and its trailer dictionary as written.
#[derive(Debug, Clone)]
pub struct Section {
    pub entries: Vec<Entry>,
    pub trailer: String,
    /// Written as a cross-reference stream (its dictionary is `trailer`).
    pub stream: bool,
    /// The bytes its stream inflated to (0 for a table): a reader of many sections keeps a
    /// budget over all of them.
    pub inflated: usize,
}

/// The number after the file's last `startxref`: where its last section starts.
pub fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(9).rposition(|w| w == b"startxref")?;
    let rest = String::from_utf8_lossy(&pdf[at + 9..pdf.len().min(at + 40)]).into_owned();
    rest.split_ascii_whitespace().next()?.parse().ok()
}

/// The cross-reference section starting at byte `at`.
pub fn read(pdf: &[u8], at: usize) -> Result<Section, String> {
    let rest = pdf
        .get(at..)
        .ok_or_else(|| format!("the cross-reference offset {at} is beyond the file"))?;
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    if rest[start..].starts_with(b"xref") {
        table(pdf, at + start + 4)
    } else {
        stream(pdf, at + start)
    }
}

/// A classic table from just after its `xref` keyword, and the trailer after it.
fn table(pdf: &[u8], at: usize) -> Result<Section, String> {
    let broken = || format!("the cross-reference table at byte {at} is broken");
    let mut tokens = Tokens { pdf, at };
    let mut entries = Vec::new();
    loop {
        let token = tokens.next().ok_or_else(broken)?;
        if token.starts_with(b"trailer") {
            // `trailer<<` may come without a space: the dictionary starts after the keyword.
            tokens.at = tokens.at - token.len() + 7;
            break;
        }
        let start = number(token).ok_or_else(broken)?;
        let count = tokens.next().and_then(number).ok_or_else(broken)?;
        for k in 0..count {
            if entries.len() >= OBJECTS {
                return Err(format!(
                    "a cross-reference section lists more than {OBJECTS} objects"
                ));
            }
            let n = object_number(start.checked_add(k).ok_or_else(broken)?)?;
            let offset = tokens.next().and_then(number).ok_or_else(broken)?;
            tokens.next().and_then(number).ok_or_else(broken)?;
            entries.push(match tokens.next() {
                Some(b"n") => Entry::Used { number: n, offset },
                Some(b"f") => Entry::Free(n),
                _ => return Err(broken()),
            });
        }
    }
    let range = super::object_at(pdf, tokens.at).ok_or_else(broken)?;
    let trailer = String::from_utf8_lossy(&pdf[range]).into_owned();
    if !trailer.starts_with("<<") {
        return Err(broken());
    }
    Ok(Section {
        entries,
        trailer,
        stream: false,
        inflated: 0,
    })
}

/// A cross-reference stream: the object `N G obj` starting exactly at `at`.
fn stream(pdf: &[u8], at: usize) -> Result<Section, String> {
    let missing = || format!("no cross-reference table or stream at byte {at}");
    let object = scan(pdf, at..pdf.len().min(at + 48))?
        .into_iter()
        .next()
        .filter(|o| header_at(pdf, at, o.at, o.number))
        .ok_or_else(missing)?;
    let dict = &object.text;
    if value(dict, "/Type") != Some("/XRef") {
        return Err(missing());
    }
    let raw = object.stream.and_then(|r| pdf.get(r)).ok_or_else(missing)?;
    let data = decode(object.number, dict, raw)?;
    let broken = || format!("the cross-reference stream at byte {at} is broken");
    let widths: Vec<usize> = elements(value(dict, "/W").unwrap_or("[]"))
        .iter()
        .map(|w| w.parse::<usize>().ok().filter(|&w| w <= 8))
        .collect::<Option<_>>()
        .ok_or_else(broken)?;
    let [w0, w1, w2] = widths[..] else {
        return Err(broken());
    };
    let width = w0 + w1 + w2;
    let size = integer(dict, "/Size").ok_or_else(broken)?;
    let index: Vec<usize> = match value(dict, "/Index") {
        Some(list) => elements(list)
            .iter()
            .map(|v| v.parse().ok())
            .collect::<Option<_>>()
            .ok_or_else(broken)?,
        None => vec![0, usize::try_from(size).map_err(|_| broken())?],
    };
    if !index.len().is_multiple_of(2) || width == 0 {
        return Err(broken());
    }
    let total = index
        .chunks(2)
        .try_fold(0usize, |sum, pair| sum.checked_add(pair[1]));
    match total {
        Some(t) if t <= OBJECTS && t.checked_mul(width).is_some_and(|b| b <= data.len()) => {}
        Some(t) if t > OBJECTS => {
            return Err(format!(
                "a cross-reference stream lists more than {OBJECTS} objects"
            ));
        }
        _ => return Err(broken()),
    }
    let mut rows = data.chunks_exact(width);
    let mut entries = Vec::new();
    for pair in index.chunks(2) {
        for k in 0..pair[1] {
            let n = object_number(pair[0].checked_add(k).ok_or_else(broken)?)?;
            let row = rows.next().ok_or_else(broken)?;
            let (kind, rest) = row.split_at(w0);
            let (second, third) = rest.split_at(w1);
            // A type field of width 0 means type 1.
            let kind = if w0 == 0 { 1 } else { field(kind) };
            let (second, third) = (field(second), field(third));
            entries.push(match kind {
                0 => Entry::Free(n),
                1 => Entry::Used {
                    number: n,
                    offset: usize::try_from(second).map_err(|_| broken())?,
                },
                2 => Entry::Packed {
                    number: n,
                    stream: object_number(usize::try_from(second).map_err(|_| broken())?)?,
                    index: usize::try_from(third).map_err(|_| broken())?,
                },
                // Other types are reserved: a reader takes them as the null object.
                _ => continue,
            });
        }
    }
    Ok(Section {
        entries,
        trailer: dict.clone(),
        stream: true,
        inflated: data.len(),
    })
}

/// A big-endian field of at most 8 bytes.
fn field(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |v, &b| v << 8 | u64::from(b))
}

fn object_number(n: usize) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_OBJECT_NUMBER)
        .ok_or_else(|| super::over_limit(&n.to_string()))
}

/// Whether `N G obj` starts at `offset`, its ` obj` at `at`, and N is `n`.
pub fn header_at(pdf: &[u8], offset: usize, at: usize, n: u32) -> bool {
    let Some(head) = pdf.get(offset..at) else {
        return false;
    };
    let head = String::from_utf8_lossy(head);
    let mut parts = head.split_ascii_whitespace();
    parts.next() == Some(n.to_string().as_str())
        && parts.next().is_some_and(|g| g.parse::<u16>().is_ok())
        && parts.next().is_none()
}

fn number(token: &[u8]) -> Option<usize> {
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// White-space separated tokens from `at`.
struct Tokens<'a> {
    pdf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.pdf.get(self.at..)?;
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let len = rest[start..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(rest.len() - start);
        self.at += start + len;
        Some(&rest[start..start + len])
    }
}
