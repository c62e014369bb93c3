//! Reading a signer's identity (certificate and private key) from a PKCS#12 file.
//!
//! A signer's certificate usually reaches them as a `.p12`/`.pfx` file. OpenSSL 3 and
//! current Windows write it with PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC) for both the
//! key and the certificates, and an HMAC-SHA-256 integrity MAC; that is what this reader
//! takes, built on RustCrypto's DER types (`pkcs12`, `pkcs5`, `cms`). Older files, what
//! Windows, many CAs and OpenSSL `-legacy` still export (PKCS#12 PBE with SHA-1 and triple
//! DES or RC2, a SHA-1 MAC), are read too, and [`Identity::weak`] names what in them is weak
//! so that the signer is told. The key may be RSA (what Thai CAs issue, 2048 to 4096 bits) or
//! ECDSA P-256 or P-384.

use der::asn1::OctetString;
use der::{Any, Decode, Encode};
use hmac::{Hmac, Mac};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::DecodePrivateKey;
use sha2::Sha256;
use x509_cert::Certificate;

use super::legacy;
use crate::diagnostic::Message;
use crate::message;

/// A certificate with its private key, and the other certificates of the file (its chain).
pub struct Identity {
    pub certificate: Certificate,
    pub key: Key,
    pub chain: Vec<Certificate>,
    /// The weak protections the file uses (old encryptions, a SHA-1 MAC), to warn of.
    pub weak: Vec<&'static str>,
}

/// A signer's private key, of the kinds ita-report signs with.
pub enum Key {
    /// RSA, signing PKCS#1 v1.5 with SHA-256 (`rsa` 0.10: constant-time arithmetic).
    Rsa(Box<rsa::PrivateKey>),
    /// ECDSA on P-256 with SHA-256.
    P256(p256::ecdsa::SigningKey),
    /// ECDSA on P-384, with SHA-256 as the rest of the signature.
    P384(p384::ecdsa::SigningKey),
}

impl Key {
    /// Reads a PKCS#8 private key, and gives the public key as a certificate's
    /// subjectPublicKey holds it (to find the certificate that belongs to the key).
    fn from_pkcs8(der: &[u8]) -> Result<(Key, Vec<u8>), Message> {
        if let Ok(key) = p256::SecretKey::from_pkcs8_der(der) {
            let public = key.public_key().to_encoded_point(false).as_bytes().to_vec();
            return Ok((Key::P256(p256::ecdsa::SigningKey::from(key)), public));
        }
        if let Ok(key) = p384::SecretKey::from_pkcs8_der(der) {
            let public = key.public_key().to_encoded_point(false).as_bytes().to_vec();
            return Ok((Key::P384(p384::ecdsa::SigningKey::from(key)), public));
        }
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::pkcs8::DecodePrivateKey as _;
        let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(|_| {
            message!(
                "กุญแจส่วนตัวไม่ใช่ RSA หรือ ECDSA P-256/P-384 ซึ่งเป็นชนิดที่ ita-report ใช้ลงนาม",
                "the private key is neither RSA nor ECDSA P-256 or P-384, the kinds ita-report signs with"
            )
        })?;
        let public = key
            .to_public_key()
            .to_pkcs1_der()
            .map_err(|e| damaged("RSA key", e))?;
        Ok((Key::Rsa(Box::new(key)), public.as_bytes().to_vec()))
    }
}

/// Reads `bytes` (a PKCS#12 file) with `password`. Errors say what was found instead.
pub fn read(bytes: &[u8], password: &str) -> Result<Identity, Message> {
    let pfx = pkcs12::pfx::Pfx::from_der(bytes).map_err(|e| {
        message!(
            "ไม่ใช่แฟ้ม PKCS#12 (.p12/.pfx) ({e})",
            "not a PKCS#12 file ({e})"
        )
    })?;
    if pfx.auth_safe.content_type != const_oid::db::rfc5911::ID_DATA {
        return Err(message!(
            "แฟ้ม PKCS#12 นี้ป้องกันด้วยกุญแจสาธารณะ ไม่ใช่รหัสผ่าน ita-report อ่านได้เฉพาะแฟ้มที่ป้องกันด้วยรหัสผ่าน",
            "the PKCS#12 file is protected by public key, not by a password; ita-report reads password-protected files"
        ));
    }
    let content = octets(&pfx.auth_safe.content)?;
    let mut weak = Vec::new();
    if let Some(mac) = &pfx.mac_data {
        check_mac(mac, &content, password, &mut weak)?;
    }
    let safes: Vec<cms::content_info::ContentInfo> =
        Vec::from_der(&content).map_err(|e| damaged("contents", e))?;
    let (mut certificates, mut keys) = (Vec::new(), Vec::new());
    for safe in safes {
        bags(&safe, password, &mut weak, &mut certificates, &mut keys)?;
    }
    let key = keys.first().ok_or_else(|| {
        message!(
            "แฟ้ม PKCS#12 ไม่มีกุญแจส่วนตัว",
            "the PKCS#12 file holds no private key"
        )
    })?;
    let (key, public) = Key::from_pkcs8(key)?;
    let position = certificates
        .iter()
        .position(|c| {
            c.tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes()
                == public.as_slice()
        })
        .ok_or_else(|| {
            message!(
                "ไม่มีใบรับรองในแฟ้ม PKCS#12 ที่คู่กับกุญแจส่วนตัวในแฟ้ม",
                "no certificate in the PKCS#12 file belongs to its private key"
            )
        })?;
    let certificate = certificates.remove(position);
    Ok(Identity {
        certificate,
        key,
        chain: certificates,
        weak,
    })
}

/// The certificates and keys of one safe of the file (plain or password-encrypted); other
/// kinds of safe are passed over.
fn bags(
    safe: &cms::content_info::ContentInfo,
    password: &str,
    weak: &mut Vec<&'static str>,
    certificates: &mut Vec<Certificate>,
    keys: &mut Vec<Vec<u8>>,
) -> Result<(), Message> {
    let bags = if safe.content_type == const_oid::db::rfc5911::ID_DATA {
        octets(&safe.content)?
    } else if safe.content_type == const_oid::db::rfc5911::ID_ENCRYPTED_DATA {
        decrypt_safe(&safe.content, password, weak)?
    } else {
        return Ok(());
    };
    let bags: pkcs12::safe_bag::SafeContents =
        Vec::from_der(&bags).map_err(|e| damaged("bags", e))?;
    for bag in bags {
        let value = explicit(&bag.bag_value)?;
        if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
            let cert = pkcs12::cert_type::CertBag::from_der(&value)
                .map_err(|e| damaged("certificate bag", e))?;
            certificates.push(
                Certificate::from_der(cert.cert_value.as_bytes())
                    .map_err(|e| damaged("certificate", e))?,
            );
        } else if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
            let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(&value)
                .map_err(|e| damaged("key bag", e))?;
            keys.push(decrypt(
                &info
                    .encryption_algorithm
                    .to_der()
                    .map_err(|e| damaged("key bag", e))?,
                info.encrypted_data.as_bytes(),
                password,
                weak,
            )?);
        } else if bag.bag_id == pkcs12::PKCS_12_KEY_BAG_OID {
            keys.push(value);
        }
    }
    Ok(())
}

/// The most iterations a key derivation in a file may ask for: far above what exporters
/// write (2048 to 600,000), low enough that a crafted file cannot hang the program.
const MAX_ITERATIONS: i32 = 10_000_000;

/// The integrity MAC: HMAC-SHA-256, or HMAC-SHA-1 in older files (weak, noted), with a key
/// from the PKCS#12 key derivation.
fn check_mac(
    mac: &pkcs12::mac_data::MacData,
    content: &[u8],
    password: &str,
    weak: &mut Vec<&'static str>,
) -> Result<(), Message> {
    if !(1..=MAX_ITERATIONS).contains(&mac.iterations) {
        return Err(iterations(mac.iterations.into()));
    }
    let (salt, expected) = (mac.mac_salt.as_bytes(), mac.mac.digest.as_bytes());
    let wrong = |_| wrong_password();
    let kdf = |e: der::Error| damaged("password", e);
    let kind = pkcs12::kdf::Pkcs12KeyType::Mac;
    match mac.mac.algorithm.oid {
        const_oid::db::rfc5912::ID_SHA_256 => {
            let key =
                pkcs12::kdf::derive_key_utf8::<Sha256>(password, salt, kind, mac.iterations, 32)
                    .map_err(kdf)?;
            let mut hmac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| wrong_password())?;
            hmac.update(content);
            hmac.verify_slice(expected).map_err(wrong)
        }
        const_oid::db::rfc5912::ID_SHA_1 => {
            weak.push("SHA-1 MAC");
            let key = pkcs12::kdf::derive_key_utf8::<sha1::Sha1>(
                password,
                salt,
                kind,
                mac.iterations,
                20,
            )
            .map_err(kdf)?;
            let mut hmac =
                Hmac::<sha1::Sha1>::new_from_slice(&key).map_err(|_| wrong_password())?;
            hmac.update(content);
            hmac.verify_slice(expected).map_err(wrong)
        }
        other => Err(message!(
            "แฟ้ม PKCS#12 ใช้อัลกอริทึมตรวจความถูกต้อง {other} ซึ่ง ita-report อ่านได้เฉพาะ SHA-256 และ SHA-1 (ส่งออกใหม่ด้วยค่าปริยายของ OpenSSL 3: AES-256, SHA-256)",
            "the PKCS#12 file uses the integrity algorithm {other}; ita-report reads SHA-256 and SHA-1 (export it again with OpenSSL 3 defaults: AES-256, SHA-256)"
        )),
    }
}

/// The plain SafeContents of an EncryptedData content.
fn decrypt_safe(
    content: &Any,
    password: &str,
    weak: &mut Vec<&'static str>,
) -> Result<Vec<u8>, Message> {
    let data =
        cms::encrypted_data::EncryptedData::from_der(&content.to_der().map_err(|e| e.to_string())?)
            .map_err(|e| damaged("encrypted contents", e))?;
    let info = data.enc_content_info;
    let cipher = info
        .encrypted_content
        .ok_or_else(|| damaged("encrypted contents", "empty"))?;
    decrypt(
        &info
            .content_enc_alg
            .to_der()
            .map_err(|e| damaged("key bag", e))?,
        cipher.as_bytes(),
        password,
        weak,
    )
}

/// Decrypts with the algorithm `algorithm` (DER) names: PBES2, or PKCS#12 PBE (noted weak).
fn decrypt(
    algorithm: &[u8],
    cipher: &[u8],
    password: &str,
    weak: &mut Vec<&'static str>,
) -> Result<Vec<u8>, Message> {
    let identifier = spki::AlgorithmIdentifierOwned::from_der(algorithm)
        .map_err(|e| damaged("encryption algorithm", e))?;
    let legacy = legacy::decrypt(&identifier, cipher, password, MAX_ITERATIONS, weak).map_err(
        |failure| match failure {
            legacy::Failure::Damaged(what, e) => damaged(what, e),
            legacy::Failure::Iterations(n) => iterations(n),
            legacy::Failure::WrongPassword => wrong_password(),
        },
    )?;
    if let Some(plain) = legacy {
        return Ok(plain);
    }
    let scheme = pkcs5::EncryptionScheme::try_from(algorithm).map_err(|_| {
        let oid = identifier.oid;
        message!(
            "แฟ้ม PKCS#12 เข้ารหัสด้วย {oid} ซึ่ง ita-report อ่านไม่ได้ (อ่านได้ AES (PBES2), triple DES และ RC2)",
            "the PKCS#12 file is encrypted with {oid}, which ita-report does not read (it reads AES (PBES2), triple DES and RC2)"
        )
    })?;
    let Some(pbes2) = scheme.pbes2() else {
        return Err(message!(
            "แฟ้ม PKCS#12 เข้ารหัสแบบ PBES1 ซึ่ง ita-report อ่านไม่ได้ (อ่านได้ PBES2 ค่าปริยายของ OpenSSL 3)",
            "the PKCS#12 file uses PBES1 encryption; ita-report reads PBES2 (OpenSSL 3's default)"
        ));
    };
    if let Some(kdf) = pbes2.kdf.pbkdf2()
        && kdf.iteration_count > MAX_ITERATIONS as u32
    {
        return Err(iterations(kdf.iteration_count.into()));
    }
    scheme
        .decrypt(password, cipher)
        .map_err(|_| wrong_password())
}

/// The contents of an OCTET STRING held in an `Any`.
fn octets(any: &Any) -> Result<Vec<u8>, Message> {
    Ok(any
        .decode_as::<OctetString>()
        .map_err(|e| damaged("data", e))?
        .into_bytes())
}

/// The inner element of a `[0] EXPLICIT` element, as DER.
fn explicit(tlv: &[u8]) -> Result<Vec<u8>, Message> {
    let any = Any::from_der(tlv).map_err(|e| damaged("bag", e))?;
    Ok(any.value().to_vec())
}

/// The password does not open the file (its MAC or its decryption fails).
fn wrong_password() -> Message {
    message!(
        "รหัสผ่านของแฟ้ม PKCS#12 ไม่ถูกต้อง",
        "wrong password for the PKCS#12 file"
    )
}

/// A key derivation asking for `n` iterations, beyond [`MAX_ITERATIONS`].
fn iterations(n: i64) -> Message {
    message!(
        "แฟ้ม PKCS#12 ขอให้คำนวณกุญแจ {n} รอบ เกินขีดจำกัด",
        "the PKCS#12 file asks for {n} iterations of its key derivation, beyond the limit"
    )
}

/// A part of the file that cannot be read.
fn damaged(what: &str, e: impl std::fmt::Display) -> Message {
    message!(
        "แฟ้ม PKCS#12 เสียหาย ({what}: {e})",
        "damaged PKCS#12 file ({what}: {e})"
    )
}
