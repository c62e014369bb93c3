//! Long-term validation: what a verifier years from now needs, kept in the PDF.
//!
//! Two incremental updates. The first adds a document security store (/DSS, PAdES B-LT)
//! with the certificates of every signature's chain and its timestamps' and the CRLs and OCSP
//! responses given as files; the second a document timestamp (/Type /DocTimeStamp,
//! /SubFilter /ETSI.RFC3161, PAdES B-LTA) over the whole file, so the store itself is
//! proven to have existed then. Earlier bytes are never touched.

use std::path::Path;

use der::{Decode, Encode, Tagged};

use crate::diagnostic::Message;
use crate::message;

use super::fields;
use super::pdfobj::{self, Objects, Trailer};
use super::sign::{self, BYTE_RANGE_PLACEHOLDER, TOKEN_RESERVE};
use super::update::{self, Object};
use super::verify;

/// Validation data given on the command line, DER each.
#[derive(Debug, Default)]
pub struct Given {
    pub certs: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
}

/// What a file given to `ltv` must hold.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Certificate,
    Crl,
    Ocsp,
}

/// The largest validation file read (a CRL of a big authority is a few MB).
const MAX_FILE: u64 = 16 << 20;

/// The DER items of a file: DER itself, or PEM blocks of any label; each checked to be
/// what `kind` says.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<Vec<u8>>, Message> {
    let shown = path.display().to_string();
    let cannot =
        |e: std::io::Error| message!("อ่าน `{shown}` ไม่ได้: {e}", "cannot read `{shown}`: {e}");
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_FILE {
        return Err(message!(
            "`{shown}` ใหญ่เกิน 16 MB",
            "`{shown}` is larger than 16 MB"
        ));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    let items = if bytes.first() == Some(&0x30) {
        vec![bytes]
    } else {
        pem_blocks(&bytes)
    };
    let what = match kind {
        Kind::Certificate => message!("ใบรับรอง", "certificate"),
        Kind::Crl => message!("CRL", "CRL"),
        Kind::Ocsp => message!("คำตอบ OCSP", "OCSP response"),
    };
    if items.is_empty() {
        return Err(message!(
            "`{shown}` ไม่มี{what} (DER หรือ PEM)",
            "`{shown}` holds no {what} (DER or PEM)"
        ));
    }
    for item in &items {
        let ok = match kind {
            Kind::Certificate => x509_cert::Certificate::from_der(item).is_ok(),
            Kind::Crl => x509_cert::crl::CertificateList::from_der(item).is_ok(),
            // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] … }
            Kind::Ocsp => Vec::<der::Any>::from_der(item).is_ok_and(|parts| {
                parts
                    .first()
                    .is_some_and(|s| s.tag() == der::Tag::Enumerated)
            }),
        };
        if !ok {
            return Err(message!(
                "`{shown}` ไม่ใช่{what}ที่อ่านได้",
                "`{shown}` is not a readable {what}"
            ));
        }
    }
    Ok(items)
}

/// The bodies of the PEM blocks of `bytes`, decoded (undecodable ones left out).
fn pem_blocks(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    text.split("-----BEGIN ")
        .skip(1)
        .filter_map(|block| {
            let body = block.split_once("-----")?.1.split("-----END").next()?;
            super::trust::base64(body)
        })
        .collect()
}

/// `pdf` with a DSS and a document timestamp from the TSA at `tsa`.
pub fn extend(pdf: &[u8], given: &Given, tsa: &str) -> Result<Vec<u8>, Message> {
    let report = verify::inspect(pdf).map_err(Message::from)?;
    if report.signatures.is_empty() {
        return Err(message!(
            "PDF ยังไม่มีลายมือชื่อ: ไม่มีสิ่งใดให้เก็บข้อมูลตรวจสอบระยะยาว",
            "the PDF has no signature: there is nothing to keep validation data for"
        ));
    }
    if let Some(broken) = report.signatures.iter().find(|s| s.intact.is_err()) {
        let field = &broken.field;
        return Err(message!(
            "ลายมือชื่อในช่อง `{field}` ไม่สมบูรณ์: ไม่เพิ่มข้อมูลตรวจสอบระยะยาวให้",
            "the signature in `{field}` is not intact: no validation data is added for it"
        ));
    }
    let mut certs: Vec<Vec<u8>> = Vec::new();
    for s in &report.signatures {
        let stamp = s.stamp.as_ref().and_then(|r| r.as_ref().ok());
        let all = s
            .certificate
            .iter()
            .map(|c| &**c)
            .chain(&s.chain)
            .chain(stamp.map(|t| &*t.certificate))
            .chain(stamp.iter().flat_map(|t| &t.chain));
        certs.extend(all.filter_map(|c| c.to_der().ok()));
    }
    certs.extend(given.certs.iter().cloned());
    let with_dss = add_dss(pdf, &certs, &given.crls, &given.ocsps).map_err(Message::from)?;
    timestamp(&with_dss, tsa)
}

/// `pdf` with a DSS holding what it held and `certs`, `crls`, `ocsps` (each once).
fn add_dss(
    pdf: &[u8],
    certs: &[Vec<u8>],
    crls: &[Vec<u8>],
    ocsps: &[Vec<u8>],
) -> Result<Vec<u8>, String> {
    let objects = Objects::read(pdf)?;
    let trailer = Trailer::read(pdf)?;
    let catalog = objects.get(trailer.root).ok_or("the PDF has no catalog")?;
    let old = pdfobj::value(catalog, "/DSS").map_or("<<>>", |d| fields::resolve(&objects, d));
    let had = verify::dss(&objects, &trailer);
    let count =
        u32::try_from(certs.len() + crls.len() + ocsps.len() + 1).map_err(|e| e.to_string())?;
    let mut next = objects.next_free(&trailer, count)?;
    let mut added = Vec::new();
    let mut arrays = Vec::new();
    for (key, items, present) in [
        ("/Certs", certs, &had.certs),
        ("/CRLs", crls, &had.crls),
        ("/OCSPs", ocsps, &had.ocsps),
    ] {
        let mut refs: Vec<String> = pdfobj::value(old, key)
            .map(|a| pdfobj::elements(fields::resolve(&objects, a)))
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut seen: Vec<&Vec<u8>> = present.iter().collect();
        for item in items {
            if seen.contains(&item) {
                continue;
            }
            seen.push(item);
            added.push(Object::stream(next, "<<>>", item));
            refs.push(format!("{next} 0 R"));
            next += 1;
        }
        if !refs.is_empty() {
            arrays.push(format!("{key}[{}]", refs.join(" ")));
        }
    }
    let dss = next;
    added.push(Object::text(
        dss,
        format!("<</Type/DSS{}>>", arrays.concat()),
    ));
    added.push(Object::text(
        trailer.root,
        pdfobj::with_entry(catalog, "/DSS", &format!("{dss} 0 R")),
    ));
    Ok(update::append(pdf, &trailer, &added))
}

/// `pdf` with a document timestamp in a new invisible signature field on the first page.
fn timestamp(pdf: &[u8], tsa: &str) -> Result<Vec<u8>, Message> {
    let objects = Objects::read(pdf).map_err(Message::from)?;
    let trailer = Trailer::read(pdf).map_err(Message::from)?;
    let page = *fields::pages(&objects, &trailer)
        .first()
        .ok_or_else(|| Message::from("the PDF has no page".to_owned()))?;
    let names: Vec<String> = fields::read(&objects, &trailer)
        .into_iter()
        .map(|f| f.name)
        .collect();
    let name = (1..)
        .map(|k| format!("DocTimeStamp{k}"))
        .find(|n| !names.contains(n))
        .unwrap_or_default();
    let first = objects.next_free(&trailer, 2).map_err(Message::from)?;
    let (field, signature) = (first, first + 1);
    let mut added = vec![
        Object::text(
            field,
            format!(
                "<</Type/Annot/Subtype/Widget/FT/Sig/T{}/Rect[0 0 0 0]/F 132/P {page} 0 R/V {signature} 0 R>>",
                pdfobj::text_string(&name)
            ),
        ),
        Object::text(
            signature,
            format!(
                "<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161/ByteRange{BYTE_RANGE_PLACEHOLDER}/Contents<{}>>>",
                "0".repeat(2 * TOKEN_RESERVE)
            ),
        ),
    ];
    added.extend(listed(&objects, &trailer, page, field).map_err(Message::from)?);
    let mut out = update::append(pdf, &trailer, &added);
    let (hole, hole_end) = sign::place(&mut out, pdf.len()).map_err(Message::from)?;
    let token = super::tsa::stamp(tsa, &[&out[..hole], &out[hole_end..]])?;
    sign::write_contents(&mut out, hole, hole_end, &token.der).map_err(Message::from)?;
    Ok(out)
}

/// The objects that list a new field: the page's /Annots and the form's /Fields, each
/// rewritten where it is written (an array object of its own, or its dictionary).
fn listed(
    objects: &Objects,
    trailer: &Trailer,
    page: u32,
    field: u32,
) -> Result<Vec<Object>, String> {
    let reference = format!("{field} 0 R");
    let grown = |array: &str| {
        let mut items: Vec<&str> = pdfobj::elements(array);
        items.push(&reference);
        format!("[{}]", items.join(" "))
    };
    let mut out = Vec::new();
    let page_dict = objects.get(page).ok_or("a page object is missing")?;
    match pdfobj::value(page_dict, "/Annots") {
        Some(annots) if pdfobj::reference(annots).is_some() => {
            let number = pdfobj::reference(annots).unwrap_or_default();
            let array = objects.get(number).ok_or("the page's /Annots is missing")?;
            out.push(Object::text(number, grown(array)));
        }
        annots => out.push(Object::text(
            page,
            pdfobj::with_entry(page_dict, "/Annots", &grown(annots.unwrap_or("[]"))),
        )),
    }
    let catalog = objects.get(trailer.root).ok_or("the PDF has no catalog")?;
    let form = pdfobj::value(catalog, "/AcroForm").ok_or("the PDF has no form")?;
    let with_field = |form: &str| {
        let fields = pdfobj::value(form, "/Fields").unwrap_or("[]");
        pdfobj::with_entry(form, "/Fields", &grown(fields))
    };
    out.push(match pdfobj::reference(form) {
        Some(number) => Object::text(
            number,
            with_field(objects.get(number).ok_or("the form object is missing")?),
        ),
        None => Object::text(
            trailer.root,
            pdfobj::with_entry(catalog, "/AcroForm", &with_field(form)),
        ),
    });
    Ok(out)
}
