//! Whether a signature can be relied on, named as ETSI EN 319 102-1 names the outcome of a
//! validation: TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE with a sub-indication.
//!
//! On top of the signature holding over its bytes ([`super::verify`]), the signer's
//! certificate must be meant for signing (key usage digitalSignature or nonRepudiation when
//! the certificate states a key usage), valid now and at the signing time it claims, and
//! lead through certificates that sign each other to a trust anchor the user gave with
//! `--trust`. A self-signed certificate is named as such: anyone can make one in any name.
//! The signing time is the verified timestamp's on the signature (PAdES B-T) when there is
//! one whose authority leads to an anchor, else the time the signature claims. Revocation
//! data the file carries (DSS, CMS) is checked at that time ([`super::revocation`]); without
//! any the verdict stands, as pyHanko's default policy has it, and the report says so.

use std::path::{Path, PathBuf};

use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use crate::diagnostic::Message;
use crate::message;

use super::cades;
use super::dates::pdf_time;
use super::verify::Signature;

/// The main indication of a validation (ETSI EN 319 102-1, 5.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indication {
    TotalPassed,
    TotalFailed,
    Indeterminate,
}

/// The outcome for one signature: the indication, its sub-indication and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub indication: Indication,
    pub sub_indication: Option<&'static str>,
    pub why: Option<Message>,
    /// What else was found on the way: the time used and where it came from, revocation.
    pub notes: Vec<Message>,
}

impl Verdict {
    fn passed() -> Verdict {
        Verdict {
            indication: Indication::TotalPassed,
            sub_indication: None,
            why: None,
            notes: Vec::new(),
        }
    }

    fn failed(sub: &'static str, why: Message) -> Verdict {
        Verdict {
            indication: Indication::TotalFailed,
            sub_indication: Some(sub),
            why: Some(why),
            notes: Vec::new(),
        }
    }

    fn indeterminate(sub: &'static str, why: Message) -> Verdict {
        Verdict {
            indication: Indication::Indeterminate,
            sub_indication: Some(sub),
            why: Some(why),
            notes: Vec::new(),
        }
    }

    /// `TOTAL-PASSED`, or e.g. `INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND`.
    pub fn label(&self) -> String {
        let main = match self.indication {
            Indication::TotalPassed => "TOTAL-PASSED",
            Indication::TotalFailed => "TOTAL-FAILED",
            Indication::Indeterminate => "INDETERMINATE",
        };
        match self.sub_indication {
            Some(sub) => format!("{main}/{sub}"),
            None => main.to_owned(),
        }
    }
}

/// The verdict on `signature` at `now` (seconds since 1970), with `anchors` trusted.
pub fn verdict(signature: &Signature, anchors: &[Certificate], now: u64) -> Verdict {
    if let Err(why) = &signature.intact {
        let sub = if *why == cades::hash_failure() || *why == cades::imprint_failure() {
            "HASH_FAILURE"
        } else if *why == cades::crypto_failure() {
            "SIG_CRYPTO_FAILURE"
        } else {
            "FORMAT_FAILURE"
        };
        return Verdict::failed(sub, why.clone());
    }
    let Some(certificate) = &signature.certificate else {
        return Verdict::indeterminate(
            "NO_SIGNING_CERTIFICATE_FOUND",
            message!("ไม่พบใบรับรองของผู้ลงนาม", "no signer's certificate found"),
        );
    };
    let extra = signature.dss.certificates();
    let (time, stamped, mut notes) = signing_time(signature, &extra, anchors);
    let chain: Vec<Certificate> = signature.chain.iter().chain(&extra).cloned().collect();
    // A verified timestamp proves the signature existed then: the path is judged at its time.
    let at = if stamped { time.unwrap_or(now) } else { now };
    let mut verdict = certificate_verdict(certificate, &chain, anchors, at, time);
    // A trust anchor itself has no issuer to revoke it: it is trusted as given.
    if verdict.indication != Indication::TotalFailed && !anchors.contains(certificate) {
        let issuers: Vec<Certificate> = chain.iter().chain(anchors).cloned().collect();
        let when = time.unwrap_or(now);
        let crls = joined(&signature.crls, &signature.dss.crls);
        let ocsps = joined(&signature.ocsps, &signature.dss.ocsps);
        match super::revocation::status(certificate, &issuers, &crls, &ocsps, when) {
            super::revocation::Status::Revoked(at) if at <= when => {
                verdict = Verdict::failed(
                    "REVOKED",
                    message!(
                        "ใบรับรองถูกเพิกถอนก่อนเวลาที่ลงนาม ({})",
                        "the certificate was revoked before the signing time ({})",
                        super::sign::pdf_date(at)
                    ),
                );
            }
            super::revocation::Status::Revoked(at) => {
                let date = super::sign::pdf_date(at);
                if !stamped {
                    verdict = Verdict::indeterminate(
                        "REVOKED_NO_POE",
                        message!(
                            "ใบรับรองถูกเพิกถอนเมื่อ {date} และไม่มีตราประทับเวลาพิสูจน์ว่าลงนามก่อนนั้น",
                            "the certificate was revoked at {date}, and no timestamp proves the signature was made before"
                        ),
                    );
                } else {
                    notes.push(message!(
                        "ใบรับรองถูกเพิกถอนภายหลัง ({date}) หลังเวลาที่ตราประทับเวลารับรอง",
                        "the certificate was revoked later ({date}), after the time the timestamp proves"
                    ));
                }
            }
            super::revocation::Status::Good(source) => notes.push(message!(
                "ตรวจการเพิกถอนแล้ว ({source}): ไม่ถูกเพิกถอน ณ เวลาที่ลงนาม",
                "revocation checked ({source}): not revoked at the signing time"
            )),
            super::revocation::Status::Unknown => notes.push(message!(
                "ไม่มีข้อมูลการเพิกถอน (CRL/OCSP) ของใบรับรองนี้ในแฟ้ม จึงไม่ได้ตรวจการเพิกถอน",
                "no revocation data (CRL/OCSP) for this certificate in the file: revocation not checked"
            )),
        }
    }
    verdict.notes.splice(0..0, notes);
    verdict
}

/// The revocation data the CMS carries and the data the DSS keeps, together.
fn joined<'a>(own: &'a [Vec<u8>], kept: &'a [Vec<u8>]) -> Vec<&'a [u8]> {
    own.iter().chain(kept).map(Vec::as_slice).collect()
}

/// The signing time in seconds since 1970, whether it comes from a verified timestamp on
/// the signature, and a note saying which time it is.
fn signing_time(
    signature: &Signature,
    extra: &[Certificate],
    anchors: &[Certificate],
) -> (Option<u64>, bool, Vec<Message>) {
    let claimed = signature.time.as_deref().and_then(pdf_time);
    let shown = signature.time.clone().unwrap_or_else(|| "–".to_owned());
    let Some(stamp) = &signature.stamp else {
        return (claimed, false, Vec::new());
    };
    let problem = match stamp {
        Err(why) => why.clone(),
        Ok(stamp) => match (&stamp.intact, stamp.time.as_deref().and_then(pdf_time)) {
            (Err(why), _) => why.clone(),
            (Ok(()), None) => message!("ไม่มีเวลา", "it states no time"),
            (Ok(()), Some(time)) => {
                let chain: Vec<Certificate> = stamp.chain.iter().chain(extra).cloned().collect();
                let tsa = &stamp.certificate;
                let when = stamp.time.clone().unwrap_or_default();
                if anchored(tsa, &chain, anchors, time) {
                    let note = message!(
                        "เวลาที่ลงนามตามตราประทับเวลาที่ตรวจแล้ว (PAdES B-T): {when}",
                        "signing time from the verified signature timestamp (PAdES B-T): {when}"
                    );
                    return (Some(time), true, vec![note]);
                }
                let subject = tsa.tbs_certificate.subject.to_string();
                message!(
                    "ผู้ประทับเวลา {subject} ไม่ต่อถึงผู้ออกใบรับรองที่เชื่อถือ (ระบุด้วย --trust)",
                    "its authority {subject} leads to no trust anchor (give one with --trust)"
                )
            }
        },
    };
    let note = message!(
        "ไม่ใช้ตราประทับเวลาบนลายมือชื่อ ({problem}); ใช้เวลาที่ลายมือชื่ออ้าง {shown}",
        "the signature timestamp is not used ({problem}); the claimed time {shown} is"
    );
    (claimed, false, vec![note])
}

/// The verdict on a signer's certificate alone: `sign` asks it before signing.
pub fn certificate_verdict(
    certificate: &Certificate,
    chain: &[Certificate],
    anchors: &[Certificate],
    now: u64,
    signing_time: Option<u64>,
) -> Verdict {
    if !for_signing(certificate) {
        return Verdict::indeterminate(
            "SIG_CONSTRAINTS_FAILURE",
            message!(
                "ใบรับรองไม่ได้มีไว้ลงนาม (key usage ไม่มี digitalSignature หรือ nonRepudiation)",
                "the certificate is not meant for signing (its key usage has neither digitalSignature nor nonRepudiation)"
            ),
        );
    }
    let (from, to) = validity(certificate);
    if let Some(time) = signing_time {
        if time < from {
            return Verdict::failed(
                "NOT_YET_VALID",
                message!(
                    "เวลาที่ลงนามอยู่ก่อนใบรับรองเริ่มใช้ได้",
                    "the signing time is before the certificate became valid"
                ),
            );
        }
        if time > to {
            return Verdict::failed(
                "EXPIRED",
                message!(
                    "ใบรับรองหมดอายุก่อนเวลาที่ลงนาม",
                    "the certificate expired before the signing time"
                ),
            );
        }
    }
    if now > to || now < from {
        return Verdict::indeterminate(
            "OUT_OF_BOUNDS_NO_POE",
            message!(
                "ใบรับรองไม่อยู่ในช่วงที่ใช้ได้ในเวลานี้ และไม่มีหลักฐานเวลา (timestamp) ว่าลงนามขณะยังใช้ได้",
                "the certificate is not valid now, and no timestamp proves the signature was made while it was"
            ),
        );
    }
    if anchored(certificate, chain, anchors, now) {
        return Verdict::passed();
    }
    let subject = certificate.tbs_certificate.subject.to_string();
    Verdict::indeterminate(
        "NO_CERTIFICATE_CHAIN_FOUND",
        if self_signed(certificate) {
            message!(
                "ใบรับรองของ {subject} ลงนามรับรองตัวเอง ไม่มีผู้ออกใบรับรองรับรอง (ถ้าเชื่อถือ ให้ระบุด้วย --trust)",
                "the certificate of {subject} is self-signed: no authority vouches for it (to trust it, give it with --trust)"
            )
        } else {
            message!(
                "ใบรับรองของ {subject} ไม่ต่อถึงผู้ออกใบรับรองที่เชื่อถือ (ระบุด้วย --trust)",
                "the certificate of {subject} leads to no trust anchor (give one with --trust)"
            )
        },
    )
}

/// Whether the certificate states no key usage, or one that allows signing.
fn for_signing(certificate: &Certificate) -> bool {
    let Some(extension) = extension(certificate, const_oid::db::rfc5280::ID_CE_KEY_USAGE) else {
        return true;
    };
    KeyUsage::from_der(extension).is_ok_and(|usage| {
        usage.0.contains(KeyUsages::DigitalSignature) || usage.0.contains(KeyUsages::NonRepudiation)
    })
}

fn extension(certificate: &Certificate, oid: const_oid::ObjectIdentifier) -> Option<&[u8]> {
    certificate
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| e.extn_value.as_bytes())
}

/// notBefore and notAfter, in seconds since 1970.
fn validity(certificate: &Certificate) -> (u64, u64) {
    let validity = &certificate.tbs_certificate.validity;
    (
        validity.not_before.to_unix_duration().as_secs(),
        validity.not_after.to_unix_duration().as_secs(),
    )
}

/// Whether `issuer` signed `certificate`.
fn signed_by(certificate: &Certificate, issuer: &Certificate) -> bool {
    certificate.tbs_certificate.issuer == issuer.tbs_certificate.subject
        && cades::signs(issuer, certificate)
}

fn self_signed(certificate: &Certificate) -> bool {
    signed_by(certificate, certificate)
}

/// Whether a chain of at most 8 certificates, each signed by the next and the middle ones
/// authorities valid now, leads from `certificate` to one of `anchors`.
fn anchored(
    certificate: &Certificate,
    chain: &[Certificate],
    anchors: &[Certificate],
    now: u64,
) -> bool {
    let mut current = certificate.clone();
    for _ in 0..8 {
        if anchors.contains(&current) || anchors.iter().any(|a| signed_by(&current, a)) {
            return true;
        }
        let Some(issuer) = chain.iter().find(|c| {
            **c != current && signed_by(&current, c) && authority(c) && {
                let (from, to) = validity(c);
                from <= now && now <= to
            }
        }) else {
            return false;
        };
        current = issuer.clone();
    }
    false
}

/// Whether the certificate says it is a certification authority.
fn authority(certificate: &Certificate) -> bool {
    extension(certificate, const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| BasicConstraints::from_der(e).ok())
        .is_some_and(|b| b.ca)
}

/// The certificates of PEM files, and of the `.pem`, `.crt` and `.cer` files of folders.
pub fn anchors(paths: &[PathBuf]) -> Result<Vec<Certificate>, String> {
    let mut out = Vec::new();
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        ["pem", "crt", "cer"]
                            .iter()
                            .any(|e| x.eq_ignore_ascii_case(e))
                    })
                })
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            out.extend(read_pem(&file)?);
        }
    }
    Ok(out)
}

/// The certificates of one PEM file (or one DER certificate).
fn read_pem(path: &Path) -> Result<Vec<Certificate>, String> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    if metadata.len() > 4 << 20 {
        return Err(format!(
            "`{shown}` is larger than 4 MB: not a certificate file"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    if bytes.first() == Some(&0x30) {
        return Certificate::from_der(&bytes)
            .map(|c| vec![c])
            .map_err(|e| format!("`{shown}` is not a certificate: {e}"));
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    for block in text.split("-----BEGIN CERTIFICATE-----").skip(1) {
        let body = block
            .split("-----END CERTIFICATE-----")
            .next()
            .unwrap_or_default();
        let der = base64(body).ok_or_else(|| format!("`{shown}`: a certificate is not base64"))?;
        out.push(
            Certificate::from_der(&der)
                .map_err(|e| format!("`{shown}`: a certificate cannot be read: {e}"))?,
        );
    }
    if out.is_empty() {
        return Err(format!("`{shown}` holds no certificate (PEM or DER)"));
    }
    Ok(out)
}

/// Standard base64, white space ignored.
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}
