//! What a PDF's bytes say about themselves: whether it claims PDF/A-3 and carries its
//! package, where its unsigned revision ends, and for each signature whether it holds, who
//! signed, when, and what was added after it.
//!
//! Rebuilding the unsigned revision from the package needs the Engine, a layer above this
//! one: [`crate::engine::Engine::reproduces`] does that part, and `verify` on the command line puts
//! the two together.

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
    /// The signer's certificate and the other certificates the CMS carries.
    pub certificate: Option<Box<x509_cert::Certificate>>,
    pub chain: Vec<x509_cert::Certificate>,
    /// The signing time (/M) as written.
    pub time: Option<String>,
    /// Whether the signature holds; `Err` says why not.
    pub intact: Result<(), Message>,
    /// Where the bytes it covers end (the end of its revision).
    pub covers_to: usize,
    /// What was added after it, in file order: later signatures, or other changes.
    pub later: Vec<Added>,
    /// A document timestamp (/Type /DocTimeStamp) rather than a person's signature.
    pub timestamp: bool,
    /// The timestamp on the signature value (PAdES B-T), if it carries one.
    pub stamp: Option<Result<Stamp, Message>>,
    /// Revocation data for its certificates the CMS carries, DER.
    pub crls: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
    /// The document's DSS, shared by its signatures.
    pub dss: std::sync::Arc<Dss>,
}

/// A signature timestamp, checked over the signature value.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// Its time (genTime), as written.
    pub time: Option<String>,
    pub certificate: Box<x509_cert::Certificate>,
    pub chain: Vec<x509_cert::Certificate>,
    pub intact: Result<(), Message>,
}

/// The validation data of a document security store (/DSS, PAdES B-LT): DER each.
#[derive(Debug, Clone, Default)]
pub struct Dss {
    pub certs: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
}

/// The most entries of one DSS array read, and the most bytes of all its streams: a crafted
/// DSS must not make the reader hold what a thousand inflated streams would.
const DSS_ENTRIES: usize = 1000;
const DSS_BYTES: usize = 64 << 20;

impl Dss {
    /// The certificates it holds that can be read (issuers of CRLs, OCSP responders).
    pub fn certificates(&self) -> Vec<x509_cert::Certificate> {
        self.certs
            .iter()
            .filter_map(|c| der::Decode::from_der(c).ok())
            .collect()
    }
}

/// The DSS the catalog of `pdf`'s current revision names (empty without one).
pub fn dss(objects: &Objects, trailer: &Trailer) -> Dss {
    let Some(catalog) = objects.get(trailer.root) else {
        return Dss::default();
    };
    let Some(dss) = pdfobj::value(catalog, "/DSS").map(|d| fields::resolve(objects, d)) else {
        return Dss::default();
    };
    let mut total = 0usize;
    let mut streams = |key: &str| -> Vec<Vec<u8>> {
        let array = pdfobj::value(dss, key).map_or("[]", |a| fields::resolve(objects, a));
        let mut numbers: Vec<u32> = pdfobj::elements(array)
            .into_iter()
            .take(DSS_ENTRIES)
            .filter_map(pdfobj::reference)
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut out = Vec::new();
        for number in numbers {
            let Ok(data) = objects.stream(number) else {
                continue;
            };
            total = total.saturating_add(data.len());
            if total > DSS_BYTES {
                break;
            }
            out.push(data);
        }
        out
    };
    Dss {
        certs: streams("/Certs"),
        crls: streams("/CRLs"),
        ocsps: streams("/OCSPs"),
    }
}

impl Signature {
    /// How a later signature's revision is named after an earlier one.
    fn kind(&self) -> Added {
        if self.timestamp {
            Added::Timestamp(self.field.clone())
        } else {
            Added::Signature(self.field.clone())
        }
    }
}

/// A revision appended after a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Another signature, in the field named.
    Signature(String),
    /// A document timestamp (PAdES B-LTA), in the field named.
    Timestamp(String),
    /// Validation data (a DSS, PAdES B-LT), the file's bytes up to this offset.
    Dss(usize),
    /// Other changes allowed after a signature (an empty signature field, metadata), the
    /// file's bytes up to this offset.
    Allowed(usize),
    /// A change that is not allowed after a signature, or bytes no revision accounts for.
    Changed(Message),
}

impl Signature {
    /// Whether anything was changed after this signature that a signature forbids.
    pub fn changed_after(&self) -> bool {
        self.later
            .iter()
            .any(|added| matches!(added, Added::Changed(_)))
    }
}

/// What a PDF says about itself.
#[derive(Debug, Clone)]
pub struct Report {
    /// The XMP metadata claims PDF/A-3.
    pub pdf_a3: bool,
    /// The attached package: its file name and bytes.
    pub package: Option<(String, Vec<u8>)>,
    /// The build options the attached facts record, if they record them.
    pub build: Option<super::BuildRecord>,
    /// The length of the unsigned revision: the file as built, before the first signature.
    pub unsigned_len: usize,
    /// Bytes after the last `%%EOF` and its end of line: PDF/A forbids them, and a viewer
    /// may read them as an update nobody signed.
    pub trailing: usize,
    pub signatures: Vec<Signature>,
}

/// Reads what `pdf` says about itself.
pub fn inspect(pdf: &[u8]) -> Result<Report, String> {
    pdfobj::check_size(pdf)?;
    let objects = Objects::read(pdf)?;
    let trailer = Trailer::read(pdf)?;
    let ends = pdfobj::revision_ends(pdf);
    let trailing = pdf.len() - ends.last().copied().unwrap_or(0);
    let mut signatures = signatures(pdf, &objects, &trailer)?;
    signatures.sort_by_key(|s| s.covers_to);
    let dss = std::sync::Arc::new(dss(&objects, &trailer));
    for signature in &mut signatures {
        signature.dss = dss.clone();
    }
    let covered: Vec<(usize, Added)> = signatures.iter().map(|s| (s.covers_to, s.kind())).collect();
    for signature in &mut signatures {
        signature.later = later(pdf, signature.covers_to, &ends, &covered, trailing);
    }
    // The unsigned revision ends where the revision before the first signature's ends.
    let unsigned_len = match signatures.iter().find(|s| s.covers_to > 0) {
        Some(first) => ends
            .iter()
            .copied()
            .filter(|&e| e < first.covers_to)
            .max()
            .unwrap_or(0),
        None => pdf.len() - trailing,
    };
    let original = &pdf[..unsigned_len];
    let pdf_a3 = [&b"<pdfaid:part>3</pdfaid:part>"[..], b"pdfaid:part=\"3\""]
        .iter()
        .any(|claim| pdfobj::find(original, claim, 0).is_some());
    let files = super::attachments(original).unwrap_or_default();
    let build = files
        .iter()
        .find(|(name, _)| name.ends_with(".facts.json"))
        .and_then(|(_, facts)| super::BuildRecord::of_facts(facts));
    let package = files
        .into_iter()
        .find(|(name, _)| name.ends_with(".json") && !name.ends_with(".facts.json"));
    Ok(Report {
        pdf_a3,
        package,
        build,
        unsigned_len,
        trailing,
        signatures,
    })
}

/// Every signature of the file, checked: the ones its fields hold now and any signature
/// dictionary an earlier revision wrote (a later one may have pointed its field elsewhere).
fn signatures(pdf: &[u8], objects: &Objects, trailer: &Trailer) -> Result<Vec<Signature>, String> {
    let named: Vec<(u32, String)> = fields::read(objects, trailer)
        .into_iter()
        .filter_map(|f| Some((f.signature?, f.name)))
        .collect();
    let mut out = Vec::new();
    for object in pdfobj::scan(pdf, 0..pdf.len())? {
        if pdfobj::value(&object.text, "/ByteRange").is_none() {
            continue;
        }
        let field = named
            .iter()
            .find(|(n, _)| *n == object.number)
            .map_or_else(|| format!("({} 0 obj)", object.number), |(_, f)| f.clone());
        out.push(check(pdf, field, &object.text));
    }
    Ok(out)
}

/// What was added after a signature covering `covers_to`: the revisions, each named by
/// the signature that ends it or by what it adds, and the first change not allowed.
fn later(
    pdf: &[u8],
    covers_to: usize,
    ends: &[usize],
    covered: &[(usize, Added)],
    trailing: usize,
) -> Vec<Added> {
    if covers_to == 0 {
        return Vec::new(); // No coverage to speak of: the signature itself fails.
    }
    let mut out = Vec::new();
    if !ends.contains(&covers_to) {
        out.push(Added::Changed(message!(
            "ลายมือชื่อไม่ครอบคลุมทั้งฉบับของตน (ไม่จบที่ %%EOF)",
            "the signature does not cover its whole revision (it does not end at a %%EOF)"
        )));
        return out;
    }
    let mut from = covers_to;
    for &end in ends.iter().filter(|&&e| e > covers_to) {
        out.push(match covered.iter().find(|(to, _)| *to == end) {
            Some((_, kind)) => kind.clone(),
            None if pdfobj::find(&pdf[from..end], b"/DSS", 0).is_some() => Added::Dss(end),
            None => Added::Allowed(end),
        });
        from = end;
    }
    if trailing > 0 {
        out.push(Added::Changed(message!(
            "มีข้อมูล {trailing} ไบต์ต่อท้าย %%EOF สุดท้าย ซึ่งไม่มีลายมือชื่อใดครอบคลุม",
            "{trailing} bytes after the last %%EOF, which no signature covers"
        )));
    } else if !out.is_empty()
        && let Err(why) = super::revisions::check_after(pdf, covers_to)
    {
        out.push(Added::Changed(why));
    }
    out
}

/// Checks one signature dictionary against the bytes it covers.
fn check(pdf: &[u8], field: String, dict: &str) -> Signature {
    let time = pdfobj::value(dict, "/M").and_then(pdfobj::text);
    let timestamp = pdfobj::value(dict, "/Type") == Some("/DocTimeStamp")
        || pdfobj::value(dict, "/SubFilter") == Some("/ETSI.RFC3161");
    let mut signature = Signature {
        field,
        subject: None,
        certificate: None,
        chain: Vec::new(),
        time,
        intact: Ok(()),
        covers_to: 0,
        later: Vec::new(),
        timestamp,
        stamp: None,
        crls: Vec::new(),
        ocsps: Vec::new(),
        dss: Default::default(),
    };
    let range: Vec<Option<usize>> =
        pdfobj::elements(pdfobj::value(dict, "/ByteRange").unwrap_or("[]"))
            .iter()
            .map(|n| n.parse().ok())
            .collect();
    let [Some(0), Some(a), Some(b), Some(c)] = range[..] else {
        signature.intact = Err(message!(
            "/ByteRange ของลายมือชื่อไม่อยู่ในรูป [0 a b c]",
            "its /ByteRange is not [0 a b c]"
        ));
        return signature;
    };
    // Checked: a /ByteRange is the file's word, and 2^64 − 1 must not wrap around.
    let Some(covers_to) = b.checked_add(c).filter(|&end| {
        a < b && end <= pdf.len() && pdf.get(a) == Some(&b'<') && pdf.get(b - 1) == Some(&b'>')
    }) else {
        signature.intact = Err(message!(
            "/ByteRange ของลายมือชื่อไม่ตรงกับแฟ้ม (แฟ้มถูกตัดหรือถูกย้ายส่วน)",
            "its /ByteRange does not match the file (the file was cut or moved)"
        ));
        return signature;
    };
    signature.covers_to = covers_to;
    let Some(contents) = pdfobj::string_bytes(&String::from_utf8_lossy(&pdf[a..b])) else {
        signature.intact = Err(message!(
            "/Contents ของลายมือชื่อไม่ใช่สตริงเลขฐานสิบหก",
            "its /Contents is not a hex string"
        ));
        return signature;
    };
    match super::cades::check(&contents, &[&pdf[..a], &pdf[b..covers_to]]) {
        Ok(checked) => {
            signature.subject = Some(checked.certificate.tbs_certificate.subject.to_string());
            signature.certificate = Some(Box::new(checked.certificate));
            signature.chain = checked.certificates;
            signature.intact = checked.intact;
            signature.time = signature.time.take().or(checked.time);
            signature.stamp = checked.stamp.map(|stamp| {
                stamp.map(|s| Stamp {
                    time: s.time,
                    certificate: Box::new(s.certificate),
                    chain: s.certificates,
                    intact: s.intact,
                })
            });
            signature.crls = checked.crls;
            signature.ocsps = checked.ocsps;
        }
        Err(e) => signature.intact = Err(e),
    }
    signature
}
