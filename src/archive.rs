//! Archival PDFs: what goes inside them, getting it back out, and the manifest of a folder.
//!
//! An archival build is PDF/A-3b (the standard typst-pdf checks while writing) with two files
//! attached: the package exactly as read (relationship Source) and the derived facts as JSON
//! (relationship Data), so that years later the figures a report shows can be traced to the
//! data it was made from. `extract` reads them back from any PDF/A-3 with attachments; the
//! manifest lists every archival PDF of a folder with SHA-256 hashes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

/// Where the Typst world serves the package and the facts from memory.
pub const PACKAGE: &str = "/.ita-report/package.json";
pub const FACTS: &str = "/.ita-report/facts.json";

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One archival PDF in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub sha256: String,
    pub package: String,
    pub package_sha256: String,
    pub agency: String,
    pub fiscal_year: i32,
    pub documents: Vec<String>,
    pub ita_report: String,
}

/// `manifest.json` of an output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub files: Vec<ManifestEntry>,
}

pub const MANIFEST: &str = "manifest.json";

impl Manifest {
    pub fn read(dir: &Path) -> Manifest {
        std::fs::read(dir.join(MANIFEST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Adds or replaces entries (by file name) and writes the manifest atomically, sorted.
    pub fn update(dir: &Path, entries: Vec<ManifestEntry>) -> std::io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut by_file: BTreeMap<String, ManifestEntry> = Manifest::read(dir).files.into_iter().map(|e| (e.file.clone(), e)).collect();
        for e in entries {
            by_file.insert(e.file.clone(), e);
        }
        let manifest = Manifest { files: by_file.into_values().collect() };
        let text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        crate::pdf::write_atomic(&dir.join(MANIFEST), &text)
    }
}

/// The files attached to a PDF, by name, with their bytes.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let objects = Objects::read(pdf)?;
    let mut out = Vec::new();
    for dict in objects.all() {
        if !dict.contains("/Filespec") {
            continue;
        }
        let Some(name) = string_after(&dict, "/UF").or_else(|| string_after(&dict, "/F ")) else { continue };
        let Some(ef) = dict.find("/EF") else { continue };
        let Some(number) = reference_after(&dict[ef..], "/F") else { continue };
        let stream = objects.stream(number).ok_or_else(|| format!("the file `{name}` has no data"))?;
        out.push((name, stream));
    }
    if out.is_empty() {
        return Err("the PDF has no attached files".to_owned());
    }
    Ok(out)
}

/// Writes the attachments of `pdf` into `dir`; returns the paths written.
pub fn extract(pdf: &Path, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let bytes = std::fs::read(pdf).map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", pdf.display())))?;
    let files = attachments(&bytes).map_err(|e| Diagnostic::error(format!("`{}`: {e}", pdf.display())))?;
    let mut written = Vec::new();
    for (name, data) in files {
        // A name from the file is only a name: no folders.
        let safe: String = name.rsplit(['/', '\\']).next().unwrap_or("attachment").chars().filter(|c| !c.is_control()).collect();
        let path = dir.join(if safe.is_empty() || safe.starts_with('.') { "attachment".to_owned() } else { safe });
        crate::pdf::write_atomic(&path, &data).map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

/// The objects of a PDF: top-level ones and those packed in object streams, as text
/// (dictionaries) and raw stream data.
struct Objects<'a> {
    pdf: &'a [u8],
    /// Object number → (dictionary text, stream data range in `pdf` when a stream).
    top: BTreeMap<u32, (String, Option<std::ops::Range<usize>>)>,
    /// Objects unpacked from object streams.
    packed: BTreeMap<u32, String>,
}

impl<'a> Objects<'a> {
    fn read(pdf: &'a [u8]) -> Result<Self, String> {
        if !pdf.starts_with(b"%PDF-") {
            return Err("not a PDF file".to_owned());
        }
        let mut top = BTreeMap::new();
        let mut at = 0;
        while let Some(found) = find(pdf, b" obj", at) {
            at = found + 4;
            let Some(number) = object_number(pdf, found) else { continue };
            let Some(end) = find(pdf, b"endobj", at) else { break };
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
                    let length = direct_length(&String::from_utf8_lossy(&body[..s])).unwrap_or(stop - start);
                    (String::from_utf8_lossy(&body[..s]).into_owned(), Some(start..(start + length).min(stop)))
                }
                _ => (String::from_utf8_lossy(body).into_owned(), None),
            };
            top.insert(number, (dict, stream));
            at = end;
        }
        let mut objects = Objects { pdf, top, packed: BTreeMap::new() };
        let streams: Vec<u32> = objects.top.iter().filter(|(_, (d, s))| s.is_some() && d.contains("/ObjStm")).map(|(n, _)| *n).collect();
        for n in streams {
            let dict = objects.top[&n].0.clone();
            let Some(data) = objects.stream(n) else { continue };
            let first = number_after(&dict, "/First").unwrap_or(0) as usize;
            let count = number_after(&dict, "/N").unwrap_or(0) as usize;
            let header = String::from_utf8_lossy(&data[..first.min(data.len())]).into_owned();
            let numbers: Vec<usize> = header.split_whitespace().filter_map(|t| t.parse().ok()).collect();
            for k in 0..count.min(numbers.len() / 2) {
                let (number, offset) = (numbers[2 * k], numbers[2 * k + 1]);
                let start = first + offset;
                let stop = numbers.get(2 * k + 3).map_or(data.len(), |o| first + o);
                if start <= stop && stop <= data.len() {
                    objects.packed.insert(number as u32, String::from_utf8_lossy(&data[start..stop]).into_owned());
                }
            }
        }
        Ok(objects)
    }

    fn all(&self) -> impl Iterator<Item = String> + '_ {
        self.top.values().map(|(d, _)| d.clone()).chain(self.packed.values().cloned())
    }

    /// The (decoded) data of stream object `number`.
    fn stream(&self, number: u32) -> Option<Vec<u8>> {
        let (dict, range) = self.top.get(&number)?;
        let raw = &self.pdf[range.clone()?];
        if dict.contains("/FlateDecode") {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw).read_to_end(&mut out).ok()?;
            Some(out)
        } else {
            Some(raw.to_vec())
        }
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// "12 0 obj": the number before the generation before ` obj`.
fn object_number(pdf: &[u8], at: usize) -> Option<u32> {
    let head = String::from_utf8_lossy(&pdf[at.saturating_sub(24)..at]).into_owned();
    let mut parts = head.split(|c: char| c.is_whitespace()).filter(|t| !t.is_empty()).rev();
    let generation = parts.next()?;
    let number = parts.next()?;
    generation.parse::<u32>().ok()?;
    number.trim_start_matches(|c: char| !c.is_ascii_digit()).parse().ok()
}

fn direct_length(dict: &str) -> Option<usize> {
    let at = dict.find("/Length")? + 7;
    let rest = dict[at..].trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[digits.len()..].trim_start();
    // "/Length 12 0 R" is a reference, not the length.
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn number_after(dict: &str, key: &str) -> Option<i64> {
    let at = dict.find(key)? + key.len();
    let digits: String = dict[at..].trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().ok()
}

fn reference_after(dict: &str, key: &str) -> Option<u32> {
    let at = dict.find(key)? + key.len();
    let mut parts = dict[at..].split_whitespace();
    let number = parts.next()?.parse().ok()?;
    parts.next()?.parse::<u32>().ok()?;
    parts.next()?.starts_with('R').then_some(number)
}

/// A PDF string after `key`: literal `(…)` with escapes, or hex `<…>`, UTF-16BE with its BOM
/// or PDFDocEncoding read as Latin-1.
fn string_after(dict: &str, key: &str) -> Option<String> {
    let at = dict.find(key)? + key.len();
    let rest = dict[at..].trim_start();
    let bytes: Vec<u8> = if let Some(hex) = rest.strip_prefix('<') {
        let hex: String = hex.chars().take_while(|&c| c != '>').filter(|c| !c.is_whitespace()).collect();
        (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect()
    } else if let Some(lit) = rest.strip_prefix('(') {
        literal(lit.as_bytes())
    } else {
        return None;
    };
    Some(if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..].chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    })
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
