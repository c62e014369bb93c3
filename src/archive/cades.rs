//! The CMS signature inside a PDF signature: PAdES baseline B-B (CAdES detached, SHA-256).
//!
//! What is signed is the SHA-256 of the PDF bytes the signature's /ByteRange covers. The CMS
//! SignedData carries no content (detached), the signer's certificate and its chain, and
//! three signed attributes, the ones PAdES B-B asks for: content-type (id-data),
//! message-digest (that hash) and signing-certificate-v2 (the SHA-256 of the signer's
//! certificate, so it cannot be swapped). The signing time is the /M of the PDF signature
//! dictionary, as B-B prescribes, not a CMS attribute. Built and checked with RustCrypto's
//! DER types (`cms`, `x509-cert`), `rsa` (PKCS#1 v1.5), `p256` and `p384` (ECDSA).

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Tagged};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::diagnostic::Message;
use crate::message;

use super::keystore::{Identity, Key};

/// PKCS#1 v1.5 signing with SHA-256 (the DigestInfo prefix of SHA-256).
fn pkcs1v15() -> rsa::Pkcs1v15Sign {
    rsa::Pkcs1v15Sign::new::<rsa::sha2::Sha256>()
}

/// The signature of `message` (the signed attributes' DER) and its algorithm.
fn signature(
    key: &Key,
    message: &[u8],
) -> Result<(Vec<u8>, const_oid::ObjectIdentifier), der::Error> {
    match key {
        Key::Rsa(key) => {
            let signature = key
                .sign(pkcs1v15(), &Sha256::digest(message))
                .map_err(|_| der::Error::from(der::ErrorKind::Failed))?;
            Ok((signature, rfc5912::SHA_256_WITH_RSA_ENCRYPTION))
        }
        Key::P256(key) => {
            let signature: p256::ecdsa::Signature = key.sign(message);
            Ok((
                signature.to_der().as_bytes().to_vec(),
                rfc5912::ECDSA_WITH_SHA_256,
            ))
        }
        // SHA-256 on P-384 too: readers built on NSS (poppler's pdfsig) hash the signed
        // attributes with the digest algorithm, whatever the signature algorithm names.
        Key::P384(key) => {
            use p384::ecdsa::signature::hazmat::PrehashSigner;
            let signature: p384::ecdsa::Signature = key
                .sign_prehash(&Sha256::digest(message))
                .map_err(|_| der::Error::from(der::ErrorKind::Failed))?;
            Ok((
                signature.to_der().as_bytes().to_vec(),
                rfc5912::ECDSA_WITH_SHA_256,
            ))
        }
    }
}

/// ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires.
#[derive(der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 (RFC 5035) without policies.
#[derive(der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// ESSCertIDv2 as others write it: the hash algorithm (SHA-256 when left out) and the
/// issuer and serial number (pyHanko writes them) are optional.
#[derive(der::Sequence)]
struct EssCertIdV2Read {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// SigningCertificateV2 as others write it, policies optional.
#[derive(der::Sequence)]
struct SigningCertificateV2Read {
    certs: Vec<EssCertIdV2Read>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// id-aa-signingCertificate (RFC 2634), the first version, with SHA-1.
const ID_AA_SIGNING_CERTIFICATE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");

/// SigningCertificate (RFC 2634) as time-stamping authorities write it.
#[derive(der::Sequence)]
struct SigningCertificateV1 {
    certs: Vec<EssCertIdV1>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(der::Sequence)]
struct EssCertIdV1 {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(der::Sequence)]
struct IssuerSerial {
    issuer: Any,
    serial: x509_cert::serial_number::SerialNumber,
}

/// id-ct-TSTInfo (RFC 3161): the content of a timestamp token.
const ID_CT_TST_INFO: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// The hash of `parts` with the algorithm `oid` names (SHA-256, -384 or -512).
fn hash(oid: const_oid::ObjectIdentifier, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut hasher = D::new();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize().to_vec()
    }
    match oid {
        rfc5912::ID_SHA_256 => Some(run::<Sha256>(parts)),
        rfc5912::ID_SHA_384 => Some(run::<sha2::Sha384>(parts)),
        rfc5912::ID_SHA_512 => Some(run::<sha2::Sha512>(parts)),
        _ => None,
    }
}

/// MessageImprint of a TSTInfo (RFC 3161): the hash of what was timestamped.
#[derive(der::Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

fn algorithm(oid: const_oid::ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

fn attribute(
    oid: const_oid::ObjectIdentifier,
    value: impl Encode,
) -> Result<Attribute, der::Error> {
    let value = Any::from_der(&value.to_der()?)?;
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// A DER CMS ContentInfo signing `digest` (the SHA-256 of the signed byte ranges).
pub fn sign(identity: &Identity, digest: &[u8]) -> Result<Vec<u8>, der::Error> {
    let certificate = &identity.certificate;
    let cert_hash = Sha256::digest(certificate.to_der()?);
    let attributes = SetOfVec::try_from(vec![
        attribute(rfc5911::ID_CONTENT_TYPE, rfc5911::ID_DATA)?,
        attribute(rfc5911::ID_MESSAGE_DIGEST, OctetString::new(digest)?)?,
        attribute(
            rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
            SigningCertificateV2 {
                certs: vec![EssCertIdV2 {
                    cert_hash: OctetString::new(cert_hash.as_slice())?,
                }],
            },
        )?,
    ])?;
    // The signature covers the attributes' DER as a SET (RFC 5652 §5.4).
    let (signature, signature_algorithm) = signature(&identity.key, &attributes.to_der()?)?;
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: certificate.tbs_certificate.issuer.clone(),
            serial_number: certificate.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: algorithm(rfc5912::ID_SHA_256),
        signed_attrs: Some(attributes),
        signature_algorithm: algorithm(signature_algorithm),
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let certificates: Vec<CertificateChoices> = std::iter::once(certificate)
        .chain(&identity.chain)
        .map(|c| CertificateChoices::Certificate(c.clone()))
        .collect();
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm(rfc5912::ID_SHA_256)])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certificates)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer])?),
    };
    ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed)?,
    }
    .to_der()
}

/// id-aa-signatureTimeStampToken (RFC 3161 appendix A): a token over the signature value,
/// an unsigned attribute (PAdES B-T).
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// adbe-revocationInfoArchival: CRLs and OCSP responses as a signed attribute (Acrobat).
const ADBE_REVOCATION_INFO_ARCHIVAL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.8");

/// id-ri-ocsp-response (RFC 5940): an OCSP response among a SignedData's `crls`.
const ID_RI_OCSP_RESPONSE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2");

fn signed_data(cms: &[u8]) -> Result<SignedData, der::Error> {
    ContentInfo::from_der(cms)?.content.decode_as()
}

/// The signature value of the (first) signer of a CMS signature: what a signature
/// timestamp covers.
pub fn signature_value(cms: &[u8]) -> Result<Vec<u8>, der::Error> {
    let signed = signed_data(cms)?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or(der::ErrorKind::Failed)?;
    Ok(signer.signature.as_bytes().to_vec())
}

/// `cms` with `token` (a timestamp token's DER) as its signer's signature timestamp.
pub fn with_timestamp(cms: &[u8], token: &[u8]) -> Result<Vec<u8>, der::Error> {
    let mut signed = signed_data(cms)?;
    let mut signers: Vec<SignerInfo> = signed.signer_infos.0.into_vec();
    let signer = signers.first_mut().ok_or(der::ErrorKind::Failed)?;
    signer.unsigned_attrs = Some(SetOfVec::try_from(vec![Attribute {
        oid: ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
        values: SetOfVec::try_from(vec![Any::from_der(token)?])?,
    }])?);
    signed.signer_infos = SignerInfos(SetOfVec::try_from(signers)?);
    ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed)?,
    }
    .to_der()
}

/// The TSTInfo DER a timestamp token carries.
pub fn tst_info(token: &[u8]) -> Result<Vec<u8>, Message> {
    let not = || {
        message!(
            "ไม่ใช่ตราประทับเวลา RFC 3161",
            "not an RFC 3161 timestamp token"
        )
    };
    let signed = signed_data(token).map_err(|_| not())?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(not());
    }
    let content = signed.encap_content_info.econtent.ok_or_else(not)?;
    let octets: OctetString = content.decode_as().map_err(|_| not())?;
    Ok(octets.as_bytes().to_vec())
}

/// The signer of a CMS signature that was checked.
pub struct Checked {
    pub certificate: Certificate,
    /// The other certificates the CMS carries (the chain, as the signer gave it).
    pub certificates: Vec<Certificate>,
    /// Whether the signature holds: `Err` says what does not.
    pub intact: Result<(), Message>,
    /// A timestamp token's time (genTime), as written.
    pub time: Option<String>,
    /// The signature timestamp (PAdES B-T), checked over the signature value; `Err` when
    /// it cannot be read.
    pub stamp: Option<Result<Box<Checked>, Message>>,
    /// CRLs and OCSP responses the CMS carries (its `crls`, adbe-revocationInfoArchival).
    pub crls: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
}

/// Checks a CMS signature (`contents`, the /Contents of a PDF signature, zero padding
/// allowed) against `covered`, the bytes it claims to cover: the message-digest attribute
/// must equal their SHA-256 (for a document timestamp, the token's imprint must be their
/// hash and the message digest that of the token), the signing-certificate-v2 hash must
/// match the certificate, and the signature must verify with the certificate's public key.
/// `Err` when the CMS cannot even be read (no signer to name).
pub fn check(contents: &[u8], covered: &[&[u8]]) -> Result<Checked, Message> {
    let signed = contents_signed_data(contents)?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| message!("ลายมือชื่อ CMS ไม่มีผู้ลงนาม", "the CMS signature has no signer"))?;
    let (certificate, certificates) = signer_certificate(&signed, signer)?;
    let content = &signed.encap_content_info;
    let (crls, ocsps) = revocation(&signed, signer);
    if content.econtent_type != ID_CT_TST_INFO {
        let stamp = signer
            .unsigned_attrs
            .iter()
            .flat_map(|a| a.iter())
            .find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
            .and_then(|a| a.values.iter().next())
            .map(|token| {
                let der = token.to_der().map_err(|e| e.to_string())?;
                // The token's content is a TSTInfo: this does not recurse further.
                check(&der, &[signer.signature.as_bytes()]).map(Box::new)
            });
        return Ok(Checked {
            certificate: (*certificate).clone(),
            certificates: certificates.iter().map(|c| (*c).clone()).collect(),
            intact: verify_signer(signer, certificate, covered, false),
            time: None,
            stamp,
            crls,
            ocsps,
        });
    }
    // A document timestamp: the token's imprint covers the bytes, the signature the token.
    let token = content
        .econtent
        .as_ref()
        .and_then(|c| c.decode_as::<OctetString>().ok())
        .ok_or_else(|| {
            message!(
                "ตราประทับเวลาไม่มี TSTInfo",
                "the timestamp token holds no TSTInfo"
            )
        })?;
    let (imprint, time) = timestamp(token.as_bytes(), covered);
    let intact =
        imprint.and_then(|()| verify_signer(signer, certificate, &[token.as_bytes()], true));
    Ok(Checked {
        certificate: (*certificate).clone(),
        certificates: certificates.iter().map(|c| (*c).clone()).collect(),
        intact,
        time,
        stamp: None,
        crls,
        ocsps,
    })
}

/// The CMS SignedData of a signature's /Contents (DER, padded with zeros after it).
fn contents_signed_data(contents: &[u8]) -> Result<SignedData, Message> {
    let length = der_length(contents).ok_or_else(|| {
        message!(
            "/Contents ของลายมือชื่อไม่ใช่ข้อมูล DER",
            "the signature's /Contents is not DER"
        )
    })?;
    let der = contents.get(..length).ok_or_else(|| {
        message!(
            "/Contents ของลายมือชื่อขาดหาย สั้นกว่าที่ระบุ",
            "the signature's /Contents is cut short"
        )
    })?;
    let info = ContentInfo::from_der(der).map_err(|e| {
        message!(
            "/Contents ของลายมือชื่อไม่ใช่ CMS ContentInfo ({e})",
            "the signature's /Contents is not a CMS ContentInfo ({e})"
        )
    })?;
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(message!(
            "/Contents ของลายมือชื่อไม่ใช่ CMS SignedData",
            "the signature's /Contents is not CMS SignedData"
        ));
    }
    info.content.decode_as().map_err(|e| {
        message!(
            "CMS SignedData เสียหาย ({e})",
            "damaged CMS SignedData ({e})"
        )
    })
}

/// The signer's certificate among those the SignedData carries, and all of them.
fn signer_certificate<'a>(
    signed: &'a SignedData,
    signer: &SignerInfo,
) -> Result<(&'a Certificate, Vec<&'a Certificate>), Message> {
    let certificates: Vec<&Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let certificate = *match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certificates.iter().find(|c| {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => certificates.first(),
    }
    .ok_or_else(|| {
        message!(
            "ลายมือชื่อ CMS ไม่มีใบรับรองของผู้ลงนาม",
            "the CMS signature does not carry its signer's certificate"
        )
    })?;
    Ok((certificate, certificates))
}

/// The CRLs and OCSP responses a SignedData carries: in its `crls` (RFC 5940 for OCSP) and
/// in the signer's adbe-revocationInfoArchival attribute.
fn revocation(signed: &SignedData, signer: &SignerInfo) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    use cms::revocation::RevocationInfoChoice;
    let (mut crls, mut ocsps) = (Vec::new(), Vec::new());
    for choice in signed.crls.iter().flat_map(|c| c.0.iter()) {
        match choice {
            RevocationInfoChoice::Crl(crl) => crls.extend(crl.to_der().ok()),
            RevocationInfoChoice::Other(other) if other.other_format.oid == ID_RI_OCSP_RESPONSE => {
                ocsps.extend(other.other.to_der().ok())
            }
            RevocationInfoChoice::Other(_) => {}
        }
    }
    let archival = signer
        .signed_attrs
        .iter()
        .flat_map(|a| a.iter())
        .find(|a| a.oid == ADBE_REVOCATION_INFO_ARCHIVAL)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| Vec::<Any>::from_der(&v.to_der().ok()?).ok());
    // RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL OPTIONAL,
    //   ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo [2] … }
    for part in archival.unwrap_or_default() {
        let into = match part.tag() {
            der::Tag::ContextSpecific { number, .. } if number.value() == 0 => &mut crls,
            der::Tag::ContextSpecific { number, .. } if number.value() == 1 => &mut ocsps,
            _ => continue,
        };
        if let Ok(list) = Vec::<Any>::from_der(part.value()) {
            into.extend(list.iter().filter_map(|item| item.to_der().ok()));
        }
    }
    (crls, ocsps)
}

/// Whether a TSTInfo's message imprint is the hash of `covered`, and its time.
fn timestamp(tst_info: &[u8], covered: &[&[u8]]) -> (Result<(), Message>, Option<String>) {
    let damaged = |e: der::Error| message!("TSTInfo เสียหาย ({e})", "damaged TSTInfo ({e})");
    let fields = match Vec::<Any>::from_der(tst_info) {
        Ok(fields) if fields.len() >= 5 => fields,
        Ok(_) => return (Err(damaged(der::ErrorKind::Failed.into())), None),
        Err(e) => return (Err(damaged(e)), None),
    };
    // As written: GeneralizedTime with fractions of a second is more than `der` reads.
    let time = std::str::from_utf8(fields[4].value())
        .ok()
        .map(str::to_owned);
    let imprint = match fields[2].decode_as::<MessageImprint>() {
        Ok(imprint) => imprint,
        Err(e) => return (Err(damaged(e)), time),
    };
    let algorithm = imprint.hash_algorithm.oid;
    let holds = match hash(algorithm, covered) {
        Some(hash) => hash == imprint.hashed_message.as_bytes(),
        None => {
            return (
                Err(message!(
                    "ตราประทับเวลาใช้อัลกอริทึมย่อยข้อมูล {algorithm} ซึ่งตรวจไม่ได้",
                    "the timestamp uses digest algorithm {algorithm}, which is not checked"
                )),
                time,
            );
        }
    };
    let result = if holds {
        Ok(())
    } else {
        Err(imprint_failure())
    };
    (result, time)
}

fn verify_signer(
    signer: &SignerInfo,
    certificate: &Certificate,
    signed: &[&[u8]],
    timestamp: bool,
) -> Result<(), Message> {
    let oid = signer.digest_alg.oid;
    let digest = hash(oid, signed).ok_or_else(|| {
        message!(
            "ใช้อัลกอริทึมย่อยข้อมูล {oid} (ita-report ตรวจได้เฉพาะ SHA-256, SHA-384, SHA-512)",
            "digest algorithm {oid} (ita-report checks SHA-256, SHA-384, SHA-512)"
        )
    })?;
    let attributes = signer.signed_attrs.as_ref().ok_or_else(|| {
        message!(
            "ลายมือชื่อ CMS ไม่มี signed attributes",
            "the CMS signature has no signed attributes"
        )
    })?;
    let find = |oid| {
        attributes
            .iter()
            .find(|a: &&Attribute| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let claimed: OctetString = find(rfc5911::ID_MESSAGE_DIGEST)
        .ok_or_else(|| {
            message!(
                "ลายมือชื่อ CMS ไม่มี message-digest",
                "the CMS signature has no message-digest"
            )
        })?
        .decode_as()
        .map_err(|e| {
            message!(
                "message-digest เสียหาย ({e})",
                "damaged message-digest ({e})"
            )
        })?;
    if claimed.as_bytes() != digest {
        return Err(hash_failure());
    }
    match (
        find(rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2),
        find(ID_AA_SIGNING_CERTIFICATE),
    ) {
        (Some(v2), _) => binds_v2(v2, certificate)?,
        // RFC 3161 time-stamping authorities still write the first version (SHA-1).
        (None, Some(v1)) if timestamp => binds_v1(v1, certificate)?,
        _ => {
            return Err(message!(
                "ลายมือชื่อ CMS ไม่มี signing-certificate-v2 (PAdES กำหนดให้ต้องมี)",
                "the CMS signature has no signing-certificate-v2 (PAdES requires it)"
            ));
        }
    }
    let message = attributes.to_der().map_err(|e| e.to_string())?;
    let key = &certificate.tbs_certificate.subject_public_key_info;
    let algorithm = signer.signature_algorithm.oid;
    if verifies(key, algorithm, &message, signer.signature.as_bytes())? {
        Ok(())
    } else {
        Err(crypto_failure())
    }
}

/// The signed bytes differ from what was signed (ETSI: HASH_FAILURE).
pub fn hash_failure() -> Message {
    message!(
        "เนื้อหาที่ลงนามไว้ถูกแก้ไข: ค่า SHA-256 ไม่ตรงกับค่าที่ลงนาม",
        "the signed bytes were changed: their SHA-256 differs from the signed message digest"
    )
}

/// The timestamped bytes differ from what was timestamped (ETSI: HASH_FAILURE).
pub fn imprint_failure() -> Message {
    message!(
        "เนื้อหาที่ประทับเวลาไว้ถูกแก้ไข: ค่าแฮชไม่ตรงกับตราประทับเวลา",
        "the timestamped bytes were changed: their hash differs from the token's imprint"
    )
}

/// The signature value does not verify (ETSI: SIG_CRYPTO_FAILURE).
pub fn crypto_failure() -> Message {
    message!(
        "ลายมือชื่อไม่ผ่านการตรวจด้วยกุญแจสาธารณะของผู้ลงนาม",
        "the signature does not verify with the signer's public key"
    )
}

/// Whether `issuer`'s key signed `certificate`.
pub fn signs(issuer: &Certificate, certificate: &Certificate) -> bool {
    certificate.tbs_certificate.to_der().is_ok_and(|tbs| {
        verifies(
            &issuer.tbs_certificate.subject_public_key_info,
            certificate.signature_algorithm.oid,
            &tbs,
            certificate.signature.raw_bytes(),
        )
        .unwrap_or(false)
    })
}

/// Whether `signature` over `message` verifies with `key` by `algorithm`: RSA PKCS#1 v1.5
/// or ECDSA on P-256 or P-384, with SHA-256, -384 or -512 (a bare key algorithm means
/// SHA-256); `Err` for a key or algorithm this program cannot check.
pub fn verifies(
    key: &spki::SubjectPublicKeyInfoOwned,
    algorithm: const_oid::ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, Message> {
    let public = key.subject_public_key.raw_bytes();
    let unknown = || {
        message!(
            "อัลกอริทึมลายมือชื่อ {algorithm} (ita-report ตรวจได้เฉพาะ RSA และ ECDSA P-256, P-384 กับ SHA-256, SHA-384, SHA-512)",
            "signature algorithm {algorithm} (ita-report checks RSA and ECDSA P-256, P-384 with SHA-256, SHA-384, SHA-512)"
        )
    };
    let (rsa, digest) = match algorithm {
        rfc5912::SHA_256_WITH_RSA_ENCRYPTION | rfc5912::RSA_ENCRYPTION => {
            (true, rfc5912::ID_SHA_256)
        }
        rfc5912::SHA_384_WITH_RSA_ENCRYPTION => (true, rfc5912::ID_SHA_384),
        rfc5912::SHA_512_WITH_RSA_ENCRYPTION => (true, rfc5912::ID_SHA_512),
        rfc5912::ECDSA_WITH_SHA_256 | rfc5912::ID_EC_PUBLIC_KEY => (false, rfc5912::ID_SHA_256),
        rfc5912::ECDSA_WITH_SHA_384 => (false, rfc5912::ID_SHA_384),
        rfc5912::ECDSA_WITH_SHA_512 => (false, rfc5912::ID_SHA_512),
        _ => return Err(unknown()),
    };
    let hashed = hash(digest, &[message]).ok_or_else(unknown)?;
    if rsa {
        use rsa::pkcs1::DecodeRsaPublicKey;
        let key = rsa::PublicKey::from_pkcs1_der(public).map_err(|_| {
            message!(
                "ใบรับรองไม่มีกุญแจสาธารณะ RSA",
                "the certificate holds no RSA public key"
            )
        })?;
        let scheme = match digest {
            rfc5912::ID_SHA_384 => rsa::Pkcs1v15Sign::new::<rsa::sha2::Sha384>(),
            rfc5912::ID_SHA_512 => rsa::Pkcs1v15Sign::new::<rsa::sha2::Sha512>(),
            _ => pkcs1v15(),
        };
        return Ok(key.verify(scheme, &hashed, signature).is_ok());
    }
    let damaged = || message!("ค่าลายมือชื่อ ECDSA เสียหาย", "damaged ECDSA signature value");
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
    match curve {
        Some(rfc5912::SECP_384_R_1) => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public)
                .map_err(|_| no_ec_key("P-384"))?;
            let signature = p384::ecdsa::Signature::from_der(signature).map_err(|_| damaged())?;
            Ok(key.verify_prehash(&hashed, &signature).is_ok())
        }
        Some(rfc5912::SECP_256_R_1) | None => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public)
                .map_err(|_| no_ec_key("P-256"))?;
            let signature = p256::ecdsa::Signature::from_der(signature).map_err(|_| damaged())?;
            Ok(key.verify_prehash(&hashed, &signature).is_ok())
        }
        Some(other) => Err(message!(
            "ใบรับรองใช้เส้นโค้ง {other} (ita-report ตรวจได้เฉพาะ P-256 และ P-384)",
            "the certificate's curve is {other} (ita-report checks P-256 and P-384)"
        )),
    }
}

fn no_ec_key(curve: &str) -> Message {
    message!(
        "ใบรับรองไม่มีกุญแจสาธารณะ {curve}",
        "the certificate holds no {curve} public key"
    )
}

/// Whether signing-certificate-v2 names `certificate` by its hash.
fn binds_v2(value: &Any, certificate: &Certificate) -> Result<(), Message> {
    let binding: SigningCertificateV2Read = value.decode_as().map_err(|e| {
        message!(
            "signing-certificate-v2 เสียหาย ({e})",
            "damaged signing-certificate-v2 ({e})"
        )
    })?;
    let der = certificate.to_der().map_err(|e| e.to_string())?;
    let names_it = |c: &EssCertIdV2Read| {
        let algorithm = c
            .hash_algorithm
            .as_ref()
            .map_or(rfc5912::ID_SHA_256, |a| a.oid);
        hash(algorithm, &[&der]).is_some_and(|h| h == c.cert_hash.as_bytes())
    };
    if binding.certs.first().is_none_or(|c| !names_it(c)) {
        return Err(message!(
            "signing-certificate-v2 ระบุใบรับรองอื่น",
            "signing-certificate-v2 names another certificate"
        ));
    }
    Ok(())
}

/// Whether a timestamp token's signing-certificate (v1) names `certificate`: by its issuer
/// serial number, as the SHA-1 hash is not checked here (no SHA-1 in this program).
fn binds_v1(value: &Any, certificate: &Certificate) -> Result<(), Message> {
    let binding: SigningCertificateV1 = value.decode_as().map_err(|e| {
        message!(
            "signing-certificate ของตราประทับเวลาเสียหาย ({e})",
            "the timestamp's damaged signing-certificate ({e})"
        )
    })?;
    let serial = binding
        .certs
        .first()
        .and_then(|c| c.issuer_serial.as_ref())
        .map(|s| &s.serial);
    if serial != Some(&certificate.tbs_certificate.serial_number) {
        return Err(message!(
            "signing-certificate ของตราประทับเวลาระบุใบรับรองอื่น",
            "the timestamp's signing-certificate names another certificate"
        ));
    }
    Ok(())
}

/// The length of the DER element at the start of `bytes` (header included): /Contents is
/// padded with zeros after it.
fn der_length(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 {
        return None;
    }
    let length = bytes
        .get(2..2 + count)?
        .iter()
        .fold(0usize, |n, &b| n << 8 | usize::from(b));
    Some(2 + count + length)
}
