//! Whether a certificate was revoked, from the CRLs (RFC 5280) and OCSP responses
//! (RFC 6960) a signed PDF carries (its DSS, the CMS's `crls`, adbe-revocationInfoArchival).
//!
//! Only data signed by the certificate's issuer (or, for OCSP, by a responder that issuer
//! delegated with id-kp-OCSPSigning) counts, and only data that speaks of the time asked
//! about: issued at or after it, or valid until it. Nothing is fetched from the network.

use der::{Any, Decode, Encode, Tagged};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use super::cades;

/// What the revocation data says of a certificate at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not revoked, by a CRL or an OCSP response of the issuer (`"CRL"`, `"OCSP"`).
    Good(&'static str),
    /// Revoked at this time (seconds since 1970).
    Revoked(u64),
    /// No usable data.
    Unknown,
}

/// The status of `certificate` at `time`, its issuer among `issuers`. A revocation wins over
/// any "good": one authority saying revoked is enough.
pub fn status(
    certificate: &Certificate,
    issuers: &[Certificate],
    crls: &[&[u8]],
    ocsps: &[&[u8]],
    time: u64,
) -> Status {
    let issuer = issuers.iter().find(|i| {
        i.tbs_certificate.subject == certificate.tbs_certificate.issuer
            && cades::signs(i, certificate)
    });
    let Some(issuer) = issuer else {
        return Status::Unknown;
    };
    let found = crls
        .iter()
        .filter_map(|crl| from_crl(certificate, issuer, crl, time))
        .chain(
            ocsps
                .iter()
                .filter_map(|r| from_ocsp(certificate, issuer, r, time)),
        );
    let mut best = Status::Unknown;
    for status in found {
        match status {
            Status::Revoked(_) => return status,
            Status::Good(_) if best == Status::Unknown => best = status,
            _ => {}
        }
    }
    best
}

/// Whether data issued at `this` and valid to `next` speaks of `time`.
fn covers(this: u64, next: Option<u64>, time: u64) -> bool {
    this >= time || next.is_none_or(|next| time <= next)
}

/// What a CRL of `issuer` says of `certificate` at `time`, if it is the issuer's and
/// speaks of that time.
fn from_crl(
    certificate: &Certificate,
    issuer: &Certificate,
    der: &[u8],
    time: u64,
) -> Option<Status> {
    let crl = CertificateList::from_der(der).ok()?;
    let tbs = &crl.tbs_cert_list;
    if tbs.issuer != issuer.tbs_certificate.subject {
        return None;
    }
    let signed = tbs.to_der().ok()?;
    let holds = cades::verifies(
        &issuer.tbs_certificate.subject_public_key_info,
        crl.signature_algorithm.oid,
        &signed,
        crl.signature.raw_bytes(),
    );
    if holds != Ok(true) {
        return None;
    }
    let seconds = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs();
    if !covers(
        seconds(&tbs.this_update),
        tbs.next_update.as_ref().map(seconds),
        time,
    ) {
        return None;
    }
    let serial = &certificate.tbs_certificate.serial_number;
    let revoked = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number == *serial);
    Some(match revoked {
        Some(entry) => Status::Revoked(seconds(&entry.revocation_date)),
        None => Status::Good("CRL"),
    })
}

/// id-pkix-ocsp-basic and id-kp-OCSPSigning.
const OCSP_BASIC: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
const OCSP_SIGNING: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");

/// The elements of a SEQUENCE given as an element.
fn items(any: &Any) -> Option<Vec<Any>> {
    Vec::<Any>::from_der(&any.to_der().ok()?).ok()
}

/// An explicitly tagged element's inner element.
fn inner(any: &Any) -> Option<Any> {
    Any::from_der(any.value()).ok()
}

fn context(any: &Any, n: u8) -> bool {
    matches!(any.tag(), der::Tag::ContextSpecific { number, .. } if number.value() == n)
}

/// A GeneralizedTime (`YYYYMMDDHHMMSSZ`) in seconds since 1970.
fn time_of(any: &Any) -> Option<u64> {
    super::dates::pdf_time(std::str::from_utf8(any.value()).ok()?)
}

/// What an OCSP response signed by `issuer` or its delegated responder says of
/// `certificate` at `time`.
fn from_ocsp(
    certificate: &Certificate,
    issuer: &Certificate,
    der: &[u8],
    time: u64,
) -> Option<Status> {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
    //   SEQUENCE { responseType OID, response OCTET STRING } }
    let response = Vec::<Any>::from_der(der).ok()?;
    if response.first()?.value() != [0] {
        return None;
    }
    let bytes = items(&inner(response.get(1).filter(|r| context(r, 0))?)?)?;
    if bytes
        .first()?
        .decode_as::<const_oid::ObjectIdentifier>()
        .ok()?
        != OCSP_BASIC
    {
        return None;
    }
    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature,
    //   certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    let basic = Vec::<Any>::from_der(bytes.get(1)?.value()).ok()?;
    let (data, algorithm, signature) = (basic.first()?, basic.get(1)?, basic.get(2)?);
    let algorithm: spki::AlgorithmIdentifierOwned = algorithm.decode_as().ok()?;
    let signature: der::asn1::BitString = signature.decode_as().ok()?;
    let signed = data.to_der().ok()?;
    let certs: Vec<Certificate> = basic
        .get(3)
        .filter(|c| context(c, 0))
        .and_then(inner)
        .and_then(|c| items(&c))
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.decode_as().ok())
        .collect();
    let responders = std::iter::once(issuer).chain(certs.iter().filter(|c| {
        c.tbs_certificate.issuer == issuer.tbs_certificate.subject
            && cades::signs(issuer, c)
            && delegated(c)
    }));
    let verified = responders.into_iter().any(|r| {
        cades::verifies(
            &r.tbs_certificate.subject_public_key_info,
            algorithm.oid,
            &signed,
            signature.raw_bytes(),
        ) == Ok(true)
    });
    if !verified {
        return None;
    }
    single_status(certificate, issuer, data, time)
}

/// Whether a responder's certificate carries id-kp-OCSPSigning.
fn delegated(responder: &Certificate) -> bool {
    responder
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .and_then(|e| {
            x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok()
        })
        .is_some_and(|usage| usage.0.contains(&OCSP_SIGNING))
}

/// The status the ResponseData `data` gives `certificate` at `time`.
fn single_status(
    certificate: &Certificate,
    issuer: &Certificate,
    data: &Any,
    time: u64,
) -> Option<Status> {
    // ResponseData ::= SEQUENCE { version [0] OPTIONAL, responderID, producedAt,
    //   responses SEQUENCE OF SingleResponse, … }
    let data = items(data)?;
    let skip = usize::from(data.first().is_some_and(|v| context(v, 0)));
    let responses = items(data.get(skip + 2)?)?;
    let serial = certificate.tbs_certificate.serial_number.as_bytes();
    let name = issuer.tbs_certificate.subject.to_der().ok()?;
    for single in responses.iter().take(1000).filter_map(items) {
        // SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, nextUpdate [0] … }
        // CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
        let Some(id) = single.first().and_then(items) else {
            continue;
        };
        let (Some(algorithm), Some(name_hash), Some(number)) = (id.first(), id.get(1), id.get(3))
        else {
            continue;
        };
        let algorithm: Option<spki::AlgorithmIdentifierOwned> = algorithm.decode_as().ok();
        let hashed = algorithm.and_then(|a| digest(a.oid, &name));
        if number.value() != serial || hashed.as_deref() != Some(name_hash.value()) {
            continue;
        }
        let (status, this) = (single.get(1)?, time_of(single.get(2)?)?);
        let next = single
            .get(3)
            .filter(|n| context(n, 0))
            .and_then(inner)
            .and_then(|n| time_of(&n));
        if !covers(this, next, time) {
            continue;
        }
        return Some(if context(status, 0) {
            Status::Good("OCSP")
        } else if context(status, 1) {
            // revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE { revocationTime, … }
            let mut reader = der::SliceReader::new(status.value()).ok()?;
            let at = time_of(&Any::decode(&mut reader).ok()?)?;
            Status::Revoked(at)
        } else {
            continue;
        });
    }
    None
}

/// The hash OCSP responders name issuers by: SHA-1 (most) or SHA-256.
fn digest(oid: const_oid::ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    match oid {
        const_oid::db::rfc5912::ID_SHA_1 => Some(sha1::Sha1::digest(data).to_vec()),
        const_oid::db::rfc5912::ID_SHA_256 => Some(sha2::Sha256::digest(data).to_vec()),
        _ => None,
    }
}
