//! Signing a PDF: a PAdES baseline B-B signature written into a signature field as an
//! incremental update.
//!
//! The update holds the signature dictionary (/SubFilter /ETSI.CAdES.detached, the signing
//! time in /M), the field pointing to it with a visible appearance, and the form marked as
//! signed (/SigFlags 3). Its /Contents is reserved as zeros first; the /ByteRange then
//! covers the whole file except that hole, the SHA-256 of those bytes is signed
//! ([`super::cades`]), and the CMS is written into the hole. Earlier bytes are never
//! touched, so earlier signatures stay valid.

use std::time::{SystemTime, UNIX_EPOCH};

use der::Encode;

use super::fields::{self, Field};
use super::keystore::Identity;
use super::pdfobj::{self, Objects, Trailer};
use super::update::{self, Object};
use super::{appearance, cades};
use crate::thai::Date;
use crate::world::Compiler;

/// What to sign and how it is described.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The field to sign; the first empty one when `None`.
    pub field: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// The signing time, seconds since 1970 (UTC).
    pub time: u64,
    /// The RFC 3161 time-stamping authority (`http://…`) whose token over the signature
    /// value goes into it (PAdES B-T).
    pub tsa: Option<String>,
}

impl Request {
    /// A request signed now.
    pub fn now() -> Request {
        Request {
            time: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            ..Request::default()
        }
    }
}

/// The ByteRange written first, wide enough for any file size, patched once known.
pub const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// A signed PDF.
pub struct Signed {
    pub pdf: Vec<u8>,
    /// The field signed.
    pub field: String,
    /// The name printed under the field (from the attached package), when it is not the
    /// certificate's: whoever signed is not who the document says signs there.
    pub other_name: Option<String>,
}

/// Signs `pdf`.
pub fn sign(
    pdf: &[u8],
    identity: &Identity,
    compiler: &Compiler,
    request: &Request,
) -> Result<Signed, String> {
    let objects = Objects::read(pdf)?;
    let trailer = Trailer::read(pdf)?;
    let all = fields::read(&objects, &trailer);
    let field = choose(&all, request.field.as_deref())?;
    let signer = common_name(&identity.certificate);
    let (width, height) = (field.rect[2] - field.rect[0], field.rect[3] - field.rect[1]);
    // Who signed and when, as the certificate and the clock say; the position is printed
    // under the field already.
    let lines = [format!("ลงนามโดย {signer}"), thai_time(request.time)];
    // The appearance copies a few font objects; 100,000 numbers are far more than it needs.
    let first = objects.next_free(&trailer, 100_000)?;
    let (year, month, day) = civil((request.time / 86_400) as i64);
    let look = appearance::render(
        compiler,
        width,
        height,
        &lines,
        Date { year, month, day },
        first,
    )?;

    let signature = look.next;
    let reserve = 4096
        + identity
            .chain
            .iter()
            .chain([&identity.certificate])
            .map(|c| c.to_der().map_or(0, |d| d.len()))
            .sum::<usize>()
        + request.tsa.as_ref().map_or(0, |_| TOKEN_RESERVE);
    let mut dict = format!(
        "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange{BYTE_RANGE_PLACEHOLDER}/Contents<{}>/M({})/Name{}",
        "0".repeat(2 * reserve),
        pdf_date(request.time),
        pdfobj::text_string(&signer)
    );
    for (key, value) in [
        ("/Reason", &request.reason),
        ("/Location", &request.location),
    ] {
        if let Some(value) = value {
            dict.push_str(&format!("{key}{}", pdfobj::text_string(value)));
        }
    }
    dict.push_str(">>");

    let mut added = look.objects;
    added.push(Object::text(signature, dict));
    let field_dict = objects
        .get(field.object)
        .ok_or("the field object is missing")?;
    let field_dict = pdfobj::with_entry(field_dict, "/V", &format!("{signature} 0 R"));
    added.push(Object::text(
        field.object,
        pdfobj::with_entry(&field_dict, "/AP", &format!("<</N {} 0 R>>", look.form)),
    ));
    added.push(signed_form(&objects, &trailer)?);
    let mut out = update::append(pdf, &trailer, &added);
    fill(&mut out, pdf.len(), identity, request.tsa.as_deref())?;
    let other_name =
        printed_signer(pdf, &field.name).filter(|printed| !same_name(printed, &signer));
    Ok(Signed {
        pdf: out,
        field: field.name.clone(),
        other_name,
    })
}

/// The signer's name printed under `field`, from the package the PDF carries: the fields are
/// named as [`fields`] names the signature blocks (the last position, numbered when repeated).
fn printed_signer(pdf: &[u8], field: &str) -> Option<String> {
    let (_, data) = super::attachments(pdf)
        .ok()?
        .into_iter()
        .find(|(name, _)| name.ends_with(".json") && !name.ends_with(".facts.json"))?;
    let package: crate::documents::Package = serde_json::from_slice(&data).ok()?;
    let signers: Vec<&crate::model::Signer> = crate::documents::signers(&package).collect();
    let positions = signers
        .iter()
        .map(|s| s.positions.last().unwrap_or(&s.name).as_str());
    let at = super::fields::field_names(positions)
        .iter()
        .position(|n| n == field)?;
    Some(signers[at].name.clone())
}

/// Whether two ways of writing a person's name are the same name: spaces, brackets and a
/// title (นาย, นาง, นางสาว) aside, one holds the other (a certificate may add a rank).
fn same_name(a: &str, b: &str) -> bool {
    let plain = |s: &str| -> String {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && !"()[]".contains(*c))
            .collect();
        ["นางสาว", "นาง", "นาย"]
            .iter()
            .find_map(|title| s.strip_prefix(title))
            .unwrap_or(&s)
            .to_owned()
    };
    let (a, b) = (plain(a), plain(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// The field asked for, or the first empty one.
fn choose<'f>(fields: &'f [Field], name: Option<&str>) -> Result<&'f Field, String> {
    let names = || {
        fields
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if fields.is_empty() {
        return Err("the PDF has no signature field".into());
    }
    let field = match name {
        Some(name) => fields.iter().find(|f| f.name == name).ok_or_else(|| {
            format!(
                "no signature field is named `{name}`; the fields are {}",
                names()
            )
        })?,
        None => fields
            .iter()
            .find(|f| f.signature.is_none())
            .ok_or_else(|| format!("every signature field is signed already ({})", names()))?,
    };
    if field.signature.is_some() {
        return Err(format!("the field `{}` is signed already", field.name));
    }
    Ok(field)
}

/// The AcroForm with /SigFlags 3 (signatures exist; append only), as the object to write.
fn signed_form(objects: &Objects, trailer: &Trailer) -> Result<Object, String> {
    let catalog = objects.get(trailer.root).ok_or("the PDF has no catalog")?;
    let form = pdfobj::value(catalog, "/AcroForm").ok_or("the PDF has no form")?;
    Ok(match pdfobj::reference(form) {
        Some(number) => Object::text(
            number,
            pdfobj::with_entry(
                objects.get(number).ok_or("the form object is missing")?,
                "/SigFlags",
                "3",
            ),
        ),
        None => Object::text(
            trailer.root,
            pdfobj::with_entry(
                catalog,
                "/AcroForm",
                &pdfobj::with_entry(form, "/SigFlags", "3"),
            ),
        ),
    })
}

/// The room a timestamp token takes in /Contents: the TSA's signature and its certificate
/// chain (a few KB; RSA 4096 chains of three certificates stay under this).
pub const TOKEN_RESERVE: usize = 12 << 10;

/// Patches the ByteRange of the signature appended after `start`, then signs the covered
/// bytes and writes the CMS into /Contents, with a timestamp token from `tsa` over its
/// signature value when one is given.
fn fill(
    out: &mut [u8],
    start: usize,
    identity: &Identity,
    tsa: Option<&str>,
) -> Result<(), String> {
    let (hole, hole_end) = place(out, start)?;
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(&out[..hole])
        .chain_update(&out[hole_end..])
        .finalize();
    let mut cms = cades::sign(identity, &digest)
        .map_err(|e| format!("cannot encode the CMS signature: {e}"))?;
    if let Some(url) = tsa {
        let value = cades::signature_value(&cms).map_err(|e| e.to_string())?;
        let token = super::tsa::stamp(url, &[&value]).map_err(|m| m.shown().to_owned())?;
        cms = cades::with_timestamp(&cms, &token.der)
            .map_err(|e| format!("cannot encode the CMS signature: {e}"))?;
    }
    write_contents(out, hole, hole_end, &cms)
}

/// Patches the /ByteRange placeholder of the signature dictionary appended after `start` to
/// cover the whole file but its /Contents; where the /Contents hex string starts and ends.
pub fn place(out: &mut [u8], start: usize) -> Result<(usize, usize), String> {
    let range_at = pdfobj::find(
        out,
        format!("/ByteRange{BYTE_RANGE_PLACEHOLDER}").as_bytes(),
        start,
    )
    .ok_or("the signature placeholder is missing")?
        + 10;
    let hole = pdfobj::find(out, b"/Contents<", range_at)
        .ok_or("the signature placeholder is missing")?
        + 9;
    let hole_end = hole
        + out[hole..]
            .iter()
            .position(|&b| b == b'>')
            .ok_or("the signature placeholder is open")?
        + 1;
    let ranges = format!("[0 {hole} {hole_end} {}", out.len() - hole_end);
    let padded = format!(
        "{ranges:<width$}]",
        width = BYTE_RANGE_PLACEHOLDER.len() - 1
    );
    out[range_at..range_at + padded.len()].copy_from_slice(padded.as_bytes());
    Ok((hole, hole_end))
}

/// Writes `cms` as hex into the /Contents hole `hole..hole_end` (its `<` and `>` included).
pub fn write_contents(
    out: &mut [u8],
    hole: usize,
    hole_end: usize,
    cms: &[u8],
) -> Result<(), String> {
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    if hex.len() > hole_end - hole - 2 {
        return Err("the signature is larger than the space reserved for it".into());
    }
    out[hole + 1..hole + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(())
}

/// The certificate subject's common name, else the whole subject.
pub fn common_name(certificate: &x509_cert::Certificate) -> String {
    let subject = &certificate.tbs_certificate.subject;
    for rdn in subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == const_oid::db::rfc4519::CN
                && let Some(text) = der_text(&atv.value)
            {
                return text;
            }
        }
    }
    subject.to_string()
}

/// A directory string (UTF8String, PrintableString, IA5String) as text.
fn der_text(value: &der::Any) -> Option<String> {
    value
        .decode_as::<String>()
        .ok()
        .or_else(|| {
            value
                .decode_as::<der::asn1::PrintableStringRef>()
                .ok()
                .map(|s| s.as_str().to_owned())
        })
        .or_else(|| {
            value
                .decode_as::<der::asn1::Ia5StringRef>()
                .ok()
                .map(|s| s.as_str().to_owned())
        })
}

/// Days since 1970-01-01 as a civil (proleptic Gregorian) date.
fn civil(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// A PDF date in UTC: `D:20261130021500+00'00'`.
pub fn pdf_date(time: u64) -> String {
    let (year, month, day) = civil((time / 86_400) as i64);
    let seconds = time % 86_400;
    format!(
        "D:{year:04}{month:02}{day:02}{:02}{:02}{:02}+00'00'",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The signing time as a Thai reads it: Thailand's time (UTC+7), Buddhist era, Thai digits,
/// `๗ ธันวาคม ๒๕๖๙ เวลา ๑๔:๐๕ น.`.
fn thai_time(time: u64) -> String {
    let local = time + 7 * 3600;
    let (year, month, day) = civil((local / 86_400) as i64);
    let date = Date { year, month, day }.long(crate::model::Numerals::Thai);
    let clock: String = format!("{:02}:{:02}", local % 86_400 / 3600, local % 3600 / 60)
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0E50 + d).unwrap_or(c),
            None => c,
        })
        .collect();
    format!("{date} เวลา {clock} น.")
}
