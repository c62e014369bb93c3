//! The older PKCS#12 encryptions (RFC 7292 appendix C): PBE with SHA-1 and triple DES or RC2.
//!
//! Windows, many CAs and OpenSSL `-legacy` still export identities this way. The key and the
//! IV come from the PKCS#12 key derivation with SHA-1, the cipher runs in CBC mode with PKCS#7
//! padding. These ciphers are weak (40-bit RC2 can be broken in hours), so every use is
//! noted for the signer to be told; a file is only read, never written, this way.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipher, BlockDecryptMut, InnerIvInit, KeyInit};
use const_oid::ObjectIdentifier;
use der::Decode;
use der::asn1::OctetString;
use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};
use spki::AlgorithmIdentifierOwned;

const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const PBE_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
const PBE_SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const PBE_SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");

/// pkcs-12PbeParams.
#[derive(der::Sequence)]
struct PbeParameters {
    salt: OctetString,
    iterations: i32,
}

/// The ciphers of PKCS#12 PBE, with their key length in bytes.
enum Cipher {
    TripleDes,
    TwoKeyDes,
    Rc2(usize),
}

impl Cipher {
    fn of(oid: ObjectIdentifier) -> Option<(Cipher, &'static str)> {
        Some(match oid {
            PBE_SHA1_3DES => (Cipher::TripleDes, "triple DES"),
            PBE_SHA1_2DES => (Cipher::TwoKeyDes, "two-key triple DES"),
            PBE_SHA1_RC2_128 => (Cipher::Rc2(16), "128-bit RC2"),
            PBE_SHA1_RC2_40 => (Cipher::Rc2(5), "40-bit RC2"),
            _ => return None,
        })
    }

    fn key_length(&self) -> usize {
        match self {
            Cipher::TripleDes => 24,
            Cipher::TwoKeyDes => 16,
            Cipher::Rc2(bytes) => *bytes,
        }
    }
}

/// Why a file could not be decrypted; the keystore words it as for its other encryptions.
#[derive(Debug)]
pub enum Failure {
    /// A part that cannot be read, and why.
    Damaged(&'static str, String),
    /// A key derivation asking for this many iterations, beyond the limit given.
    Iterations(i64),
    WrongPassword,
}

fn damaged(what: &'static str, e: impl std::fmt::Display) -> Failure {
    Failure::Damaged(what, e.to_string())
}

/// Decrypts `data` when `algorithm` is a PKCS#12 PBE; `Ok(None)` for any other algorithm.
/// A key derivation of more than `max_iterations` is refused before it runs.
pub fn decrypt(
    algorithm: &AlgorithmIdentifierOwned,
    data: &[u8],
    password: &str,
    max_iterations: i32,
    weak: &mut Vec<&'static str>,
) -> Result<Option<Vec<u8>>, Failure> {
    let Some((cipher, name)) = Cipher::of(algorithm.oid) else {
        return Ok(None);
    };
    let damaged_parameters = |e: der::Error| damaged("encryption parameters", e);
    let parameters = algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| damaged("encryption parameters", "none"))?;
    let parameters =
        PbeParameters::from_der(&der::Encode::to_der(parameters).map_err(damaged_parameters)?)
            .map_err(damaged_parameters)?;
    let rounds = parameters.iterations;
    if !(1..=max_iterations).contains(&rounds) {
        return Err(Failure::Iterations(rounds.into()));
    }
    let salt = parameters.salt.as_bytes();
    let derive = |kind, length| {
        derive_key_utf8::<sha1::Sha1>(password, salt, kind, rounds, length)
            .map_err(|e| damaged("password", e))
    };
    let key = derive(Pkcs12KeyType::EncryptionKey, cipher.key_length())?;
    let iv = derive(Pkcs12KeyType::Iv, 8)?;
    let plain = match cipher {
        Cipher::TripleDes => cbc(des::TdesEde3::new_from_slice(&key).ok(), &iv, data),
        Cipher::TwoKeyDes => cbc(des::TdesEde2::new_from_slice(&key).ok(), &iv, data),
        Cipher::Rc2(bytes) => cbc(
            Some(rc2::Rc2::new_with_eff_key_len(&key, bytes * 8)),
            &iv,
            data,
        ),
    };
    weak.push(name);
    // A wrong password shows as bad padding (or, rarely, as undecodable contents later).
    plain.map(Some).ok_or(Failure::WrongPassword)
}

/// CBC decryption with PKCS#7 padding; `None` when the key or the padding is wrong.
fn cbc<C: BlockCipher + BlockDecryptMut>(
    cipher: Option<C>,
    iv: &[u8],
    data: &[u8],
) -> Option<Vec<u8>> {
    let decryptor = cbc::Decryptor::<C>::inner_iv_slice_init(cipher?, iv).ok()?;
    let mut buffer = data.to_vec();
    let length = decryptor
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .ok()?
        .len();
    buffer.truncate(length);
    Some(buffer)
}
