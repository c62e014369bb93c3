//! Reading a signer's identity (certificate and private key) from a PKCS#12 file.
//!
//! A signer's certificate usually reaches them as a `.p12`/`.pfx` file. OpenSSL 3 and
//! current Windows write it with PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC) for both the
//! key and the certificates, and an HMAC-SHA-256 integrity MAC; that is what this reader
//! takes, built on RustCrypto's DER types (`pkcs12`, `pkcs5`, `cms`). Older files with RC2 or
//! triple-DES (OpenSSL 1.x `-legacy`) are refused with a message saying how to convert them.
//! The key may be RSA (what Thai CAs issue, usually 2048 bits) or ECDSA P-256 (see README:
//! the signing stack).

use der::asn1::OctetString;
use der::{Any, Decode, Encode};
use hmac::{Hmac, Mac};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::DecodePrivateKey;
use sha2::Sha256;
use x509_cert::Certificate;

/// A certificate with its private key, and the other certificates of the file (its chain).
pub struct Identity {
    pub certificate: Certificate,
    pub key: Key,
    pub chain: Vec<Certificate>,
}

/// A signer's private key, of the kinds ita-report signs with.
pub enum Key {
    /// RSA, signing PKCS#1 v1.5 with SHA-256 (`rsa` 0.10: constant-time arithmetic).
    Rsa(Box<rsa::PrivateKey>),
    /// ECDSA on P-256 with SHA-256.
    P256(p256::ecdsa::SigningKey),
}

impl Key {
    /// Reads a PKCS#8 private key, and gives the public key as a certificate's
    /// subjectPublicKey holds it (to find the certificate that belongs to the key).
    fn from_pkcs8(der: &[u8]) -> Result<(Key, Vec<u8>), String> {
        if let Ok(key) = p256::SecretKey::from_pkcs8_der(der) {
            let public = key.public_key().to_encoded_point(false).as_bytes().to_vec();
            return Ok((Key::P256(p256::ecdsa::SigningKey::from(key)), public));
        }
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::pkcs8::DecodePrivateKey as _;
        let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(|_| {
            "the private key is neither RSA nor ECDSA P-256, the kinds ita-report signs with"
                .to_owned()
        })?;
        let public = key
            .to_public_key()
            .to_pkcs1_der()
            .map_err(|e| format!("the RSA key cannot be encoded ({e})"))?;
        Ok((Key::Rsa(Box::new(key)), public.as_bytes().to_vec()))
    }
}

/// Reads `bytes` (a PKCS#12 file) with `password`. Errors say what was found instead.
pub fn read(bytes: &[u8], password: &str) -> Result<Identity, String> {
    let pfx = pkcs12::pfx::Pfx::from_der(bytes).map_err(|e| format!("not a PKCS#12 file ({e})"))?;
    if pfx.auth_safe.content_type != const_oid::db::rfc5911::ID_DATA {
        return Err("the PKCS#12 file is protected by public key, not by a password; ita-report reads password-protected files".into());
    }
    let content = octets(&pfx.auth_safe.content)?;
    if let Some(mac) = &pfx.mac_data {
        check_mac(mac, &content, password)?;
    }
    let safes: Vec<cms::content_info::ContentInfo> =
        Vec::from_der(&content).map_err(|e| format!("damaged PKCS#12 contents ({e})"))?;
    let (mut certificates, mut keys) = (Vec::new(), Vec::new());
    for safe in safes {
        let bags = if safe.content_type == const_oid::db::rfc5911::ID_DATA {
            octets(&safe.content)?
        } else if safe.content_type == const_oid::db::rfc5911::ID_ENCRYPTED_DATA {
            decrypt_safe(&safe.content, password)?
        } else {
            continue;
        };
        let bags: pkcs12::safe_bag::SafeContents =
            Vec::from_der(&bags).map_err(|e| format!("damaged PKCS#12 bags ({e})"))?;
        for bag in bags {
            let value = explicit(&bag.bag_value)?;
            if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
                let cert = pkcs12::cert_type::CertBag::from_der(&value)
                    .map_err(|e| format!("damaged certificate bag ({e})"))?;
                certificates.push(
                    Certificate::from_der(cert.cert_value.as_bytes())
                        .map_err(|e| format!("damaged certificate ({e})"))?,
                );
            } else if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
                let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(&value)
                    .map_err(|e| format!("damaged key bag ({e})"))?;
                keys.push(decrypt(
                    &info
                        .encryption_algorithm
                        .to_der()
                        .map_err(|e| e.to_string())?,
                    info.encrypted_data.as_bytes(),
                    password,
                )?);
            } else if bag.bag_id == pkcs12::PKCS_12_KEY_BAG_OID {
                keys.push(value);
            }
        }
    }
    let key = keys
        .first()
        .ok_or("the PKCS#12 file holds no private key")?;
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
        .ok_or("no certificate in the PKCS#12 file belongs to its private key")?;
    let certificate = certificates.remove(position);
    Ok(Identity {
        certificate,
        key,
        chain: certificates,
    })
}

/// The integrity MAC: HMAC-SHA-256 with a key from the PKCS#12 key derivation.
fn check_mac(
    mac: &pkcs12::mac_data::MacData,
    content: &[u8],
    password: &str,
) -> Result<(), String> {
    if mac.mac.algorithm.oid != const_oid::db::rfc5912::ID_SHA_256 {
        return Err(format!(
            "the PKCS#12 file uses the integrity algorithm {} (an old format); export it again with OpenSSL 3 defaults (AES-256, SHA-256)",
            mac.mac.algorithm.oid
        ));
    }
    let key = pkcs12::kdf::derive_key_utf8::<Sha256>(
        password,
        mac.mac_salt.as_bytes(),
        pkcs12::kdf::Pkcs12KeyType::Mac,
        mac.iterations,
        32,
    )
    .map_err(|e| format!("the password cannot be used ({e})"))?;
    let mut hmac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    hmac.update(content);
    hmac.verify_slice(mac.mac.digest.as_bytes())
        .map_err(|_| "wrong password for the PKCS#12 file (its integrity check fails)".to_owned())
}

/// The plain SafeContents of an EncryptedData content.
fn decrypt_safe(content: &Any, password: &str) -> Result<Vec<u8>, String> {
    let data =
        cms::encrypted_data::EncryptedData::from_der(&content.to_der().map_err(|e| e.to_string())?)
            .map_err(|e| format!("damaged encrypted PKCS#12 contents ({e})"))?;
    let info = data.enc_content_info;
    let cipher = info
        .encrypted_content
        .ok_or("encrypted PKCS#12 contents without data")?;
    decrypt(
        &info.content_enc_alg.to_der().map_err(|e| e.to_string())?,
        cipher.as_bytes(),
        password,
    )
}

fn decrypt(algorithm: &[u8], cipher: &[u8], password: &str) -> Result<Vec<u8>, String> {
    let scheme = pkcs5::EncryptionScheme::try_from(algorithm).map_err(|_| {
        "the PKCS#12 file is encrypted with an old algorithm (RC2 or triple DES); convert it with `openssl pkcs12 -legacy -in OLD.p12 -nodes | openssl pkcs12 -export -out NEW.p12`".to_owned()
    })?;
    if scheme.pbes2().is_none() {
        return Err(
            "the PKCS#12 file uses PBES1 encryption; ita-report reads PBES2 (OpenSSL 3's default)"
                .into(),
        );
    }
    scheme
        .decrypt(password, cipher)
        .map_err(|_| "wrong password for the PKCS#12 file (its key cannot be decrypted)".to_owned())
}

/// The contents of an OCTET STRING held in an `Any`.
fn octets(any: &Any) -> Result<Vec<u8>, String> {
    Ok(any
        .decode_as::<OctetString>()
        .map_err(|e| format!("damaged PKCS#12 data ({e})"))?
        .into_bytes())
}

/// The inner element of a `[0] EXPLICIT` element, as DER.
fn explicit(tlv: &[u8]) -> Result<Vec<u8>, String> {
    let any = Any::from_der(tlv).map_err(|e| format!("damaged PKCS#12 bag ({e})"))?;
    Ok(any.value().to_vec())
}
