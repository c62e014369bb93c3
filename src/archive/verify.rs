//! What a PDF's bytes say about themselves: whether it claims PDF/A-3 and carries its
//! package, where its unsigned revision ends, and for each signature whether it holds, who
//! signed, when, and what was added after it.
//!
//! Rebuilding the unsigned revision from the package needs the Engine, a layer above this
//! one: [`crate::Engine::reproduces`] does that part, and `verify` on the command line puts
//! the two together.

use sha2::{Digest, Sha256};

use crate::diagnostic::Message;
use crate::message;

use super::fields;
use super::pdfobj::{self, Objects, Trailer};

/// One signature of a PDF.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The field it fills.
    pub field: String,
    /// The signer's certificate subject, when the CMS could be read.
    pub subject: Option<String>,
    /// The signing time (/M) as written.
    pub time: Option<String>,
    /// Whether the signature holds; `Err` says why not.
    pub intact: Result<(), Message>,
    /// Where the bytes it covers end (the end of its revision).
    pub covers_to: usize,
    /// What was added after it, in file order: later signatures, or other changes.
    pub later: Vec<Added>,
}

/// A revision appended after a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Another signature, in the field named.
    Signature(String),
    /// Any other change, the file's bytes up to this offset.
    Revision(usize),
}

impl Signature {
    /// Whether anything but another signature was added after this one.
    pub fn changed_after(&self) -> bool {
        self.later
            .iter()
            .any(|added| matches!(added, Added::Revision(_)))
    }
}

/// What a PDF says about itself.
#[derive(Debug, Clone)]
pub struct Report {
    /// The XMP metadata claims PDF/A-3.
    pub pdf_a3: bool,
    /// The attached package: its file name and bytes.
    pub package: Option<(String, Vec<u8>)>,
    /// The length of the unsigned revision: the file as built, before the first signature.
    pub unsigned_len: usize,
    pub signatures: Vec<Signature>,
}

/// Reads what `pdf` says about itself.
pub fn inspect(pdf: &[u8]) -> Result<Report, String> {
    let objects = Objects::read(pdf)?;
    let trailer = Trailer::read(pdf)?;
    let ends = pdfobj::revision_ends(pdf);
    let mut signatures: Vec<Signature> = fields::read(&objects, &trailer)
        .iter()
        .filter_map(|f| Some((f.name.clone(), objects.get(f.signature?)?)))
        .map(|(field, dict)| check(pdf, field, dict))
        .collect();
    signatures.sort_by_key(|s| s.covers_to);
    let covered: Vec<(usize, String)> = signatures
        .iter()
        .map(|s| (s.covers_to, s.field.clone()))
        .collect();
    for signature in &mut signatures {
        signature.later = ends
            .iter()
            .filter(|&&end| end > signature.covers_to)
            .map(|&end| match covered.iter().find(|(to, _)| *to == end) {
                Some((_, field)) => Added::Signature(field.clone()),
                None => Added::Revision(end),
            })
            .collect();
    }
    // The unsigned revision ends where the revision before the first signature's ends.
    let unsigned_len = match signatures.first() {
        Some(first) => ends
            .iter()
            .copied()
            .filter(|&e| e < first.covers_to)
            .max()
            .unwrap_or(0),
        None => pdf.len(),
    };
    let original = &pdf[..unsigned_len];
    let pdf_a3 = [&b"<pdfaid:part>3</pdfaid:part>"[..], b"pdfaid:part=\"3\""]
        .iter()
        .any(|claim| pdfobj::find(original, claim, 0).is_some());
    let package = super::attachments(original).ok().and_then(|files| {
        files
            .into_iter()
            .find(|(name, _)| name.ends_with(".json") && !name.ends_with(".facts.json"))
    });
    Ok(Report {
        pdf_a3,
        package,
        unsigned_len,
        signatures,
    })
}

/// Checks one signature dictionary against the bytes it covers.
fn check(pdf: &[u8], field: String, dict: &str) -> Signature {
    let time = pdfobj::value(dict, "/M").and_then(pdfobj::text);
    let range: Vec<usize> = pdfobj::numbers(pdfobj::value(dict, "/ByteRange").unwrap_or("[]"))
        .iter()
        .map(|&n| n as usize)
        .collect();
    let mut signature = Signature {
        field,
        subject: None,
        time,
        intact: Ok(()),
        covers_to: 0,
        later: Vec::new(),
    };
    let [0, a, b, c] = range[..] else {
        signature.intact = Err(message!(
            "/ByteRange ของลายมือชื่อไม่อยู่ในรูป [0 a b c]",
            "its /ByteRange is not [0 a b c]"
        ));
        return signature;
    };
    signature.covers_to = b + c;
    if a >= b || b + c > pdf.len() || pdf.get(a) != Some(&b'<') || pdf.get(b - 1) != Some(&b'>') {
        signature.intact = Err(message!(
            "/ByteRange ของลายมือชื่อไม่ตรงกับแฟ้ม (แฟ้มถูกตัดหรือถูกย้ายส่วน)",
            "its /ByteRange does not match the file (the file was cut or moved)"
        ));
        return signature;
    }
    let Some(contents) = pdfobj::string_bytes(&String::from_utf8_lossy(&pdf[a..b])) else {
        signature.intact = Err(message!(
            "/Contents ของลายมือชื่อไม่ใช่สตริงเลขฐานสิบหก",
            "its /Contents is not a hex string"
        ));
        return signature;
    };
    let digest = Sha256::new()
        .chain_update(&pdf[..a])
        .chain_update(&pdf[b..b + c])
        .finalize();
    match super::cades::check(&contents, &digest) {
        Ok(checked) => {
            signature.subject = Some(checked.certificate.tbs_certificate.subject.to_string());
            signature.intact = checked.intact;
        }
        Err(e) => signature.intact = Err(e),
    }
    signature
}
