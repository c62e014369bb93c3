//! Signature fields, signing and verifying: fields over the laid-out signature lines, a
//! PAdES signature made with a key and certificate generated here (no key is committed),
//! `verify` on intact, second-signed and altered files.

use std::path::Path;
use std::process::{Command, Output};

use cms::content_info::{CmsVersion, ContentInfo};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{BitString, OctetString, UtcTime};
use der::{Any, Encode};
use hmac::{Hmac, Mac};
use ita_report::archive::fields;
use ita_report::archive::pdfobj::{self, Objects, Trailer};
use ita_report::engine::BuildOptions;
use p256::ecdsa::signature::Signer;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

use crate::common::{Scratch, build, lines, load_sample, root, squeeze};

// ---- Fields ----

/// (field name, signer name) of every signature block a package prints, in document order.
fn signature_blocks(package: &ita_report::documents::Package) -> Vec<(String, String)> {
    let mut signers = Vec::new();
    if let Some(memo) = &package.memo {
        signers.extend(memo.signers.iter());
        signers.extend(memo.endorsements.iter().map(|e| &e.signer));
    }
    signers.extend(package.letter.iter().map(|l| &l.signer));
    signers.extend(package.announcement.iter().map(|a| &a.signer));
    let mut out: Vec<(String, String)> = Vec::new();
    for signer in signers {
        let base = signer.positions.last().unwrap_or(&signer.name).clone();
        let mut name = base.clone();
        let mut k = 2;
        while out.iter().any(|(n, _)| *n == name) {
            name = format!("{base} ({k})");
            k += 1;
        }
        out.push((name, signer.name.clone()));
    }
    out
}

#[test]
fn each_signature_block_gets_a_field_over_its_signature_line() {
    let mut seen = 0;
    for sample in crate::common::samples() {
        let loaded = load_sample(&sample);
        let expected = signature_blocks(&loaded.package);
        let built = build(
            &loaded,
            &BuildOptions {
                archive: true,
                ..BuildOptions::default()
            },
        );
        let artifact = &built.artifacts[0];
        let objects = Objects::read(&artifact.pdf).unwrap();
        let trailer = Trailer::read(&artifact.pdf).unwrap();
        let pages = fields::pages(&objects, &trailer);
        let found = fields::read(&objects, &trailer);
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        let wanted: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            wanted,
            "{}: one field per signature block, named after the position",
            sample.display()
        );
        let all_lines = lines(&artifact.document);
        for (field, (_, signer)) in found.iter().zip(&expected) {
            let page = pages
                .iter()
                .position(|&p| p == field.page)
                .expect("the field's page is a page");
            let height = artifact.document.pages()[page].frame.size().y.to_pt();
            // The rectangle with y from the top, as the laid-out lines are measured.
            let (x0, x1, top, bottom) = (
                field.rect[0],
                field.rect[2],
                height - field.rect[3],
                height - field.rect[1],
            );
            assert!(
                x1 - x0 > 100.0 && bottom - top > 15.0,
                "{}: a field big enough to sign in",
                field.name
            );
            let overlapping = |l: &&crate::common::Line| l.page == page && l.x0 < x1 && l.x1 > x0;
            assert!(
                !all_lines
                    .iter()
                    .filter(overlapping)
                    .any(|l| l.y - 0.3 * l.size > top && l.y < bottom),
                "{}: nothing is printed in the space to sign",
                field.name
            );
            let below = all_lines
                .iter()
                .filter(overlapping)
                .filter(|l| l.y > bottom)
                .min_by(|a, b| a.y.total_cmp(&b.y))
                .expect("a line below the field");
            assert!(
                squeeze(&below.text).starts_with(&format!("({}", squeeze(signer))),
                "{}: the line under the field is the signer's name, not {:?}",
                field.name,
                below.text
            );
            assert!(
                below.y - bottom < 2.0 * below.size,
                "{}: the name follows right under the field",
                field.name
            );
            seen += 1;
        }
    }
    assert!(
        seen >= 7,
        "the samples have memo, endorsement, letter and announcement signers ({seen})"
    );
}

#[test]
fn documents_without_signature_blocks_get_no_form() {
    let loaded = load_sample(&root().join("inputs/2568-roiet-municipality.json"));
    let built = build(&loaded, &BuildOptions::default());
    let pdf = &built.artifacts[0].pdf;
    let objects = Objects::read(pdf).unwrap();
    let catalog = objects.get(Trailer::read(pdf).unwrap().root).unwrap();
    assert!(pdfobj::value(catalog, "/AcroForm").is_none());
}

// ---- An identity made here ----

pub(crate) const PASSWORD: &str = "ทดสอบ-test-1234";

/// A seed made at test time (never a committed key).
fn seed(label: &str) -> [u8; 32] {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Sha256::digest(format!("{label}/{now}/{}", std::process::id())).into()
}

/// A signer's test key: P-256, or RSA 2048 as Thai CAs issue.
pub(crate) enum TestKey {
    Ec(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
}

/// SHA-256 in counter mode from a seed: enough randomness for a throwaway test key.
struct TestRng([u8; 32], u64);

impl rsa::rand_core::TryRng for TestRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            self.1 += 1;
            let block = Sha256::new()
                .chain_update(self.0)
                .chain_update(self.1.to_le_bytes())
                .finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for TestRng {}

/// A P-256 key.
pub(crate) fn key(label: &str) -> TestKey {
    TestKey::Ec(p256::ecdsa::SigningKey::from_slice(&seed(label)).expect("a valid scalar"))
}

/// An RSA 2048 key.
pub(crate) fn rsa_key(label: &str) -> TestKey {
    TestKey::Rsa(Box::new(
        rsa::PrivateKey::new(&mut TestRng(seed(label), 0), 2048).expect("an RSA key"),
    ))
}

impl TestKey {
    fn public_key_info(&self) -> SubjectPublicKeyInfoOwned {
        match self {
            TestKey::Ec(key) => SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: rfc5912::ID_EC_PUBLIC_KEY,
                    parameters: Some(Any::encode_from(&rfc5912::SECP_256_R_1).unwrap()),
                },
                subject_public_key: BitString::from_bytes(
                    key.verifying_key().to_encoded_point(false).as_bytes(),
                )
                .unwrap(),
            },
            TestKey::Rsa(key) => {
                use rsa::pkcs1::EncodeRsaPublicKey;
                SubjectPublicKeyInfoOwned {
                    algorithm: AlgorithmIdentifierOwned {
                        oid: rfc5912::RSA_ENCRYPTION,
                        parameters: Some(Any::null()),
                    },
                    subject_public_key: BitString::from_bytes(
                        key.to_public_key().to_pkcs1_der().unwrap().as_bytes(),
                    )
                    .unwrap(),
                }
            }
        }
    }

    pub(crate) fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            TestKey::Ec(_) => AlgorithmIdentifierOwned {
                oid: rfc5912::ECDSA_WITH_SHA_256,
                parameters: None,
            },
            TestKey::Rsa(_) => AlgorithmIdentifierOwned {
                oid: rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
                parameters: Some(Any::null()),
            },
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            TestKey::Ec(key) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                signature.to_der().as_bytes().to_vec()
            }
            TestKey::Rsa(key) => key
                .sign(
                    rsa::Pkcs1v15Sign::new::<rsa::sha2::Sha256>(),
                    &Sha256::digest(message),
                )
                .unwrap(),
        }
    }

    /// The key as PKCS#8 PrivateKeyInfo DER.
    fn pkcs8(&self) -> Vec<u8> {
        match self {
            TestKey::Ec(key) => {
                // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING }
                let mut ec = vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20];
                ec.extend_from_slice(&key.to_bytes());
                let parameters = Any::encode_from(&rfc5912::SECP_256_R_1).unwrap();
                let info = pkcs8::PrivateKeyInfo {
                    algorithm: spki::AlgorithmIdentifierRef {
                        oid: rfc5912::ID_EC_PUBLIC_KEY,
                        parameters: Some((&parameters).into()),
                    },
                    private_key: &ec,
                    public_key: None,
                };
                info.to_der().unwrap()
            }
            TestKey::Rsa(key) => {
                use rsa::pkcs8::EncodePrivateKey;
                key.to_pkcs8_der().unwrap().as_bytes().to_vec()
            }
        }
    }
}

/// A self-signed certificate for `key`, subject `subject` (RFC 4514), valid from an hour
/// ago for a year, without extensions.
pub(crate) fn certificate(key: &TestKey, subject: &str) -> Certificate {
    let now = now();
    issued(
        key,
        subject,
        (key, subject),
        now - 3600,
        now + 86_400 * 365,
        None,
    )
}

/// Seconds since 1970.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// What a test certificate may say of itself: its key usage, or that it is an authority.
pub(crate) enum Says {
    Usage(x509_cert::ext::pkix::KeyUsages),
    Authority,
    /// A signer's certificate as CAs issue them: key usage digitalSignature and
    /// nonRepudiation, and where its issuer's CRL is published (a URL).
    Signer(String),
}

/// A certificate for `key` and `subject`, signed by `issuer` (its key and subject), valid
/// from `from` to `to` (seconds since 1970).
pub(crate) fn issued(
    key: &TestKey,
    subject: &str,
    issuer: (&TestKey, &str),
    from: u64,
    to: u64,
    says: Option<Says>,
) -> Certificate {
    use std::time::Duration;
    use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};
    let time = |t: u64| Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t)).unwrap());
    let extension = |oid, critical, value: Vec<u8>| x509_cert::ext::Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value).unwrap(),
    };
    let extensions = says.map(|says| match says {
        Says::Usage(usage) => vec![extension(
            const_oid::db::rfc5280::ID_CE_KEY_USAGE,
            true,
            KeyUsage(usage.into()).to_der().unwrap(),
        )],
        Says::Signer(url) => {
            use x509_cert::ext::pkix::crl::dp::DistributionPoint;
            use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
            use x509_cert::ext::pkix::{CrlDistributionPoints, KeyUsages};
            let point = DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![
                    GeneralName::UniformResourceIdentifier(
                        der::asn1::Ia5String::new(&url).unwrap(),
                    ),
                ])),
                reasons: None,
                crl_issuer: None,
            };
            vec![
                extension(
                    const_oid::db::rfc5280::ID_CE_KEY_USAGE,
                    true,
                    KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation)
                        .to_der()
                        .unwrap(),
                ),
                extension(
                    const_oid::db::rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS,
                    false,
                    CrlDistributionPoints(vec![point]).to_der().unwrap(),
                ),
            ]
        }
        Says::Authority => vec![extension(
            const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
            true,
            BasicConstraints {
                ca: true,
                path_len_constraint: None,
            }
            .to_der()
            .unwrap(),
        )],
    });
    // Positive, different for each subject.
    let mut serial = seed(subject)[..8].to_vec();
    serial[0] = serial[0] & 0x7f | 0x01;
    let algorithm = issuer.0.signature_algorithm();
    let tbs = TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: x509_cert::serial_number::SerialNumber::new(&serial).unwrap(),
        signature: algorithm.clone(),
        issuer: issuer.1.parse().unwrap(),
        validity: Validity {
            not_before: time(from),
            not_after: time(to),
        },
        subject: subject.parse().unwrap(),
        subject_public_key_info: key.public_key_info(),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions,
    };
    let signature = issuer.0.sign(&tbs.to_der().unwrap());
    Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).unwrap(),
    }
}

/// PBES2 as OpenSSL 3 writes it: PBKDF2 with HMAC-SHA-256, AES-256-CBC.
fn pbes2<'a>(salt: &'a [u8], iv: &'a [u8; 16]) -> pkcs5::EncryptionScheme<'a> {
    pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, salt, iv)
        .unwrap()
        .into()
}

/// A bag; the crate's encoder writes the `[0] EXPLICIT` around the value itself.
fn bag(oid: const_oid::ObjectIdentifier, value: &[u8]) -> pkcs12::safe_bag::SafeBag {
    pkcs12::safe_bag::SafeBag {
        bag_id: oid,
        bag_value: value.to_vec(),
        bag_attributes: None,
    }
}

/// A PKCS#12 file as OpenSSL 3 makes it: certificates in PBES2-encrypted data, the key in a
/// PBES2-shrouded bag, an HMAC-SHA-256 MAC.
pub(crate) fn pkcs12_file(key: &TestKey, certificate: &Certificate, password: &str) -> Vec<u8> {
    let scheme = pbes2(b"key-salt", &[7; 16]);
    let shrouded = pkcs12::pbe_params::EncryptedPrivateKeyInfo {
        encryption_algorithm: der::Decode::from_der(&scheme.to_der().unwrap()).unwrap(),
        encrypted_data: OctetString::new(scheme.encrypt(password, &key.pkcs8()).unwrap()).unwrap(),
    };
    let key_bags = vec![bag(
        pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
        &shrouded.to_der().unwrap(),
    )];

    let cert_bag = pkcs12::cert_type::CertBag {
        cert_id: const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1"),
        cert_value: OctetString::new(certificate.to_der().unwrap()).unwrap(),
    };
    let cert_bags = vec![bag(
        pkcs12::PKCS_12_CERT_BAG_OID,
        &cert_bag.to_der().unwrap(),
    )];
    let scheme = pbes2(b"cert-salt", &[9; 16]);
    let encrypted = cms::encrypted_data::EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: cms::enveloped_data::EncryptedContentInfo {
            content_type: rfc5911::ID_DATA,
            content_enc_alg: der::Decode::from_der(&scheme.to_der().unwrap()).unwrap(),
            encrypted_content: Some(
                OctetString::new(
                    scheme
                        .encrypt(password, &cert_bags.to_der().unwrap())
                        .unwrap(),
                )
                .unwrap(),
            ),
        },
        unprotected_attrs: None,
    };
    let data = |bytes: Vec<u8>| ContentInfo {
        content_type: rfc5911::ID_DATA,
        content: Any::encode_from(&OctetString::new(bytes).unwrap()).unwrap(),
    };
    let safes = vec![
        ContentInfo {
            content_type: rfc5911::ID_ENCRYPTED_DATA,
            content: Any::encode_from(&encrypted).unwrap(),
        },
        data(key_bags.to_der().unwrap()),
    ];
    let auth_safe = safes.to_der().unwrap();
    let salt = b"mac-salt";
    let mac_key = pkcs12::kdf::derive_key_utf8::<Sha256>(
        password,
        salt,
        pkcs12::kdf::Pkcs12KeyType::Mac,
        2048,
        32,
    )
    .unwrap();
    let mut hmac = Hmac::<Sha256>::new_from_slice(&mac_key).unwrap();
    hmac.update(&auth_safe);
    let pfx = pkcs12::pfx::Pfx {
        version: pkcs12::pfx::Version::V3,
        auth_safe: data(auth_safe),
        mac_data: Some(pkcs12::mac_data::MacData {
            mac: pkcs12::digest_info::DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: rfc5912::ID_SHA_256,
                    parameters: None,
                },
                digest: OctetString::new(hmac.finalize().into_bytes().to_vec()).unwrap(),
            },
            mac_salt: OctetString::new(salt.to_vec()).unwrap(),
            iterations: 2048,
        }),
    };
    pfx.to_der().unwrap()
}

// ---- Signing and verifying with the binary ----

/// The sample `json` of `inputs/` copied into `dir` and built there, archival, into `out/`.
pub(crate) fn build_archival(dir: &Path, json: &str) {
    std::fs::copy(root().join("inputs").join(json), dir.join(json)).unwrap();
    let run = ita_report(
        dir,
        &["build", json, "-o", "out", "--archive", "--quiet"],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}

pub(crate) fn ita_report(dir: &Path, args: &[&str], password: Option<&str>) -> Output {
    // The checks below read the English words; one case reads the Thai (the default).
    let mut command = Command::new(env!("CARGO_BIN_EXE_ita-report"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("ITA_REPORT_P12_PASSWORD")
        .env("ITA_REPORT_LANG", "en");
    if let Some(password) = password {
        command.env("ITA_REPORT_P12_PASSWORD", password);
    }
    command.output().expect("the binary runs")
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Flips one byte inside the content stream of the first page of the unsigned revision.
fn alter_first_page(pdf: &mut [u8]) {
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let page = fields::pages(&objects, &trailer)[0];
    let contents =
        pdfobj::reference(pdfobj::value(objects.get(page).unwrap(), "/Contents").unwrap()).unwrap();
    let object = pdfobj::find(pdf, format!("\n{contents} 0 obj").as_bytes(), 0).unwrap();
    let stream = pdfobj::find(pdf, b"stream\n", object).unwrap() + 7;
    pdf[stream + 20] ^= 0x01;
}

#[test]
fn a_signed_archival_pdf_verifies_and_an_altered_one_does_not() {
    let dir = Scratch::new("signing");
    // Built from a folder of its own: an emblem a user put in inputs/ would be in the PDF
    // but not beside it, where `verify` looks.
    std::fs::copy(
        root().join("inputs/2566-roiet-province.json"),
        dir.path().join("2566-roiet-province.json"),
    )
    .unwrap();
    let run = ita_report(
        dir.path(),
        &[
            "build",
            "2566-roiet-province.json",
            "-o",
            "out",
            "--archive",
            "--quiet",
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    let governor = key("governor");
    let cert = certificate(&governor, "CN=นายชูศักดิ์ ราชบุรี,O=จังหวัดร้อยเอ็ด,C=TH");
    std::fs::write(
        dir.path().join("id.p12"),
        pkcs12_file(&governor, &cert, PASSWORD),
    )
    .unwrap();
    // Self-signed, as a test identity is: trusted only when given with --trust.
    std::fs::write(dir.path().join("governor.cer"), cert.to_der().unwrap()).unwrap();

    // Without a password (and no terminal) or with a wrong one, nothing is signed.
    let run = ita_report(
        dir.path(),
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "id.p12",
            "-o",
            "x.pdf",
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("ITA_REPORT_P12_PASSWORD"),
        "{}",
        stderr(&run)
    );
    let run = ita_report(
        dir.path(),
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "id.p12",
            "-o",
            "x.pdf",
        ],
        Some("wrong"),
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("wrong password"), "{}", stderr(&run));
    assert!(!dir.path().join("x.pdf").exists());

    let run = ita_report(
        dir.path(),
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "id.p12",
            "--reason",
            "อนุมัติ",
            "--location",
            "ร้อยเอ็ด",
            "-o",
            "one.pdf",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("in `หัวหน้าสำนักงานจังหวัดร้อยเอ็ด`"),
        "the first empty field: {}",
        stderr(&run)
    );
    let original = std::fs::read(dir.path().join("out/2566-roiet-province.pdf")).unwrap();
    let one = std::fs::read(dir.path().join("one.pdf")).unwrap();
    assert!(
        one.starts_with(&original),
        "an incremental update: the built file's bytes are kept"
    );

    let run = ita_report(dir.path(), &["verify", "one.pdf"], None);
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{report}");
    assert!(
        report.contains("ETSI EN 319 102-1: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND")
            && report.contains("is self-signed"),
        "untrusted without --trust: {report}"
    );
    let run = ita_report(
        dir.path(),
        &["verify", "one.pdf", "--trust", "governor.cer"],
        None,
    );
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{report}");
    assert!(
        report.contains("ETSI EN 319 102-1: TOTAL-PASSED"),
        "{report}"
    );
    assert!(
        report.contains("claims PDF/A-3")
            && report.contains("carries the package `2566-roiet-province.json`"),
        "{report}"
    );
    assert!(
        report.contains("is byte for byte what ita-report"),
        "{report}"
    );
    assert!(
        report.contains("signature in `หัวหน้าสำนักงานจังหวัดร้อยเอ็ด` intact: signer")
            && report.contains("CN=นายชูศักดิ์ ราชบุรี"),
        "{report}"
    );
    assert!(report.contains("nothing added after it"), "{report}");
    let thai = Command::new(env!("CARGO_BIN_EXE_ita-report"))
        .current_dir(dir.path())
        .args(["verify", "one.pdf", "--trust", "governor.cer"])
        .env_remove("ITA_REPORT_LANG")
        .output()
        .unwrap();
    let thai = stderr(&thai);
    assert!(
        thai.contains("ลายมือชื่อในช่อง `หัวหน้าสำนักงานจังหวัดร้อยเอ็ด` สมบูรณ์")
            && thai.contains("ตรวจ 1 แฟ้ม: ผ่านทั้งหมด"),
        "{thai}"
    );

    // A second signature, by someone else with an RSA key, into a named field leaves the
    // first one valid.
    let deputy = rsa_key("deputy");
    let deputy_cert = certificate(&deputy, "CN=นายกิตติ อรรคศิริวร");
    std::fs::write(
        dir.path().join("deputy.p12"),
        pkcs12_file(&deputy, &deputy_cert, PASSWORD),
    )
    .unwrap();
    let anchors = dir.path().join("anchors");
    std::fs::create_dir(&anchors).unwrap();
    std::fs::write(anchors.join("deputy.cer"), deputy_cert.to_der().unwrap()).unwrap();
    std::fs::write(anchors.join("governor.cer"), cert.to_der().unwrap()).unwrap();
    let run = ita_report(
        dir.path(),
        &[
            "sign",
            "one.pdf",
            "--cert",
            "deputy.p12",
            "--field",
            "ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)",
            "-o",
            "two.pdf",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = ita_report(
        dir.path(),
        &["verify", "two.pdf", "--trust", "anchors"],
        None,
    );
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{report}");
    assert!(
        report.contains("signature in `หัวหน้าสำนักงานจังหวัดร้อยเอ็ด` intact"),
        "{report}"
    );
    assert!(
        report.contains("added after it: signed in `ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)`"),
        "{report}"
    );
    assert!(
        report
            .contains("signature in `ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)` intact: signer CN=นายกิตติ อรรคศิริวร"),
        "{report}"
    );
    let run = ita_report(
        dir.path(),
        &[
            "sign",
            "two.pdf",
            "--cert",
            "id.p12",
            "--field",
            "ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("signed already"), "{}", stderr(&run));

    // One byte of the first page's content changed: the signatures no longer hold, and the
    // unsigned revision is no longer what the package builds.
    let mut altered = std::fs::read(dir.path().join("two.pdf")).unwrap();
    alter_first_page(&mut altered);
    std::fs::write(dir.path().join("altered.pdf"), &altered).unwrap();
    let run = ita_report(dir.path(), &["verify", "altered.pdf"], None);
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{report}");
    assert!(
        report.contains(
            "signature in `หัวหน้าสำนักงานจังหวัดร้อยเอ็ด` NOT intact: the signed bytes were changed"
        ),
        "{report}"
    );
    assert!(report.contains("differs from what ita-report"), "{report}");

    // Anything appended after a signature that is not a signature is reported.
    let mut appended = std::fs::read(dir.path().join("one.pdf")).unwrap();
    let trailer = Trailer::read(&appended).unwrap();
    let catalog = Objects::read(&appended)
        .unwrap()
        .get(trailer.root)
        .unwrap()
        .to_owned();
    appended = ita_report::archive::update::append(
        &appended,
        &trailer,
        &[ita_report::archive::update::Object::text(
            trailer.root,
            pdfobj::with_entry(&catalog, "/Lang", "(en)"),
        )],
    );
    std::fs::write(dir.path().join("appended.pdf"), &appended).unwrap();
    let run = ita_report(dir.path(), &["verify", "appended.pdf"], None);
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{report}");
    assert!(
        report.contains("intact")
            && report
                .contains("a change the signature does not allow: a later revision changes object")
            && report.contains("/Lang"),
        "{report}"
    );
}

#[test]
fn a_plain_pdf_fails_verify_saying_what_it_lacks() {
    let dir = Scratch::new("verify-plain");
    let input = root().join("inputs/2566-roiet-announcement.json");
    let run = ita_report(
        dir.path(),
        &["build", input.to_str().unwrap(), "-o", "out", "--quiet"],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = ita_report(
        dir.path(),
        &["verify", "out/2566-roiet-announcement.pdf"],
        None,
    );
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{report}");
    assert!(
        report.contains("does not claim PDF/A-3") && report.contains("has no attached package"),
        "{report}"
    );
}

#[test]
fn a_field_name_holds_no_period() {
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-announcement.json")).unwrap();
    let text = text.replace("\"หัวหน้าสำนักงานจังหวัดร้อยเอ็ด\"\n", "\"ผอ.สพป.ร้อยเอ็ด เขต ๑\"\n");
    let loaded = crate::common::load_text(&text, "period.json");
    let built = build(&loaded, &BuildOptions::default());
    let pdf = &built.artifacts[0].pdf;
    let names: Vec<String> =
        fields::read(&Objects::read(pdf).unwrap(), &Trailer::read(pdf).unwrap())
            .into_iter()
            .map(|f| f.name)
            .collect();
    // A period separates the parts of a full field name; the fullwidth stop looks the same.
    assert_eq!(names, ["ผอ．สพป．ร้อยเอ็ด เขต ๑"]);
}

#[test]
fn a_split_archival_pdf_is_rebuilt_as_its_own_document() {
    let dir = Scratch::new("verify-split");
    std::fs::copy(
        root().join("inputs/2566-roiet-announcement.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    let run = ita_report(
        dir.path(),
        &[
            "build",
            "a.json",
            "-o",
            "out",
            "--archive",
            "--split",
            "--quiet",
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = ita_report(dir.path(), &["verify", "out/a-announcement.pdf"], None);
    let report = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{report}");
    assert!(
        report.contains("(as a-announcement.pdf)") && report.contains("no signatures"),
        "{report}"
    );
}

// ---- Interoperability with pyHanko ----

/// The Python that has pyHanko: ITA_REPORT_PYTHON, else `python3`; `None` without it.
pub(crate) fn pyhanko() -> Option<String> {
    let python = std::env::var("ITA_REPORT_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    Command::new(&python)
        .args(["-c", "import pyhanko, pyhanko_certvalidator"])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(python)
}

/// Runs tests/interop/pades.py in `dir`; its standard output.
pub(crate) fn pades(python: &str, dir: &Path, args: &[&str]) -> String {
    let run = Command::new(python)
        .arg(root().join("tests/interop/pades.py"))
        .args(args)
        .current_dir(dir)
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("python runs");
    assert!(run.status.success(), "pades.py {args:?}: {}", stderr(&run));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// `pdf` with page 2 turned by an update appended after its signatures, with or without
/// the update's `%%EOF`.
fn page_two_turned(pdf: &[u8], eof: bool) -> Vec<u8> {
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let page = fields::pages(&objects, &trailer)[1];
    let turned = pdfobj::with_entry(objects.get(page).unwrap(), "/Rotate", "90");
    let mut out = ita_report::archive::update::append(
        pdf,
        &trailer,
        &[ita_report::archive::update::Object::text(page, turned)],
    );
    if !eof {
        out.truncate(out.len() - b"%%EOF\n".len());
    }
    out
}

#[test]
fn verify_agrees_with_pyhanko_on_signed_extended_and_tampered_files() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let Some(python) = pyhanko() else {
        assert!(
            !ci,
            "CI=true but pyHanko not found: .ci/run makes a virtual environment with it (ITA_REPORT_PYTHON)"
        );
        println!("skipped: no Python with pyHanko (set ITA_REPORT_PYTHON)");
        return;
    };
    let dir = Scratch::new("pyhanko");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    pades(
        &python,
        d,
        &["identity", "a.p12", "นายทดสอบ หนึ่ง", "ec", PASSWORD],
    );
    pades(
        &python,
        d,
        &["identity", "b.p12", "Deputy Two", "rsa", PASSWORD],
    );
    let pdf = "out/2566-roiet-province.pdf";
    let run = ita_report(
        d,
        &["sign", pdf, "--cert", "a.p12", "-o", "one.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // (file, its folder's tsa.pem if any, whether pyHanko is lenient where verify is not)
    let mut cases = vec![("one.pdf".to_owned(), false)];
    for level in ["B-B", "B-T", "B-LT", "B-LTA"] {
        let sub = d.join(level);
        std::fs::create_dir(&sub).unwrap();
        let (from, to) = (d.join("one.pdf"), sub.join("two.pdf"));
        let field = "ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)";
        let b = d.join("b.p12");
        let args = [
            "sign",
            from.to_str().unwrap(),
            to.to_str().unwrap(),
            b.to_str().unwrap(),
            PASSWORD,
            field,
            level,
        ];
        pades(&python, &sub, &args);
        cases.push((format!("{level}/two.pdf"), false));
    }
    let two = std::fs::read(d.join("B-B/two.pdf")).unwrap();
    let tampered = [
        ("turned.pdf", page_two_turned(&two, true), false),
        // pyHanko reads only to the last %%EOF: the unterminated update and the junk are
        // outside its view; viewers show the first, PDF/A forbids both.
        ("turned-no-eof.pdf", page_two_turned(&two, false), true),
        ("junk.pdf", [&two[..], b"% junk\n"].concat(), true),
    ];
    for (name, bytes, lenient) in tampered {
        std::fs::write(d.join(name), bytes).unwrap();
        cases.push((name.to_owned(), lenient));
    }

    let mut table = Vec::new();
    for (file, lenient) in cases {
        let tsa = Path::new(&file).parent().map(|p| d.join(p).join("tsa.pem"));
        let mut anchors = vec!["a.p12.pem".to_owned(), "b.p12.pem".to_owned()];
        anchors.extend(
            tsa.filter(|t| t.exists())
                .map(|t| t.to_str().unwrap().to_owned()),
        );
        let mut args = vec!["validate", file.as_str()];
        args.extend(anchors.iter().map(String::as_str));
        let theirs: serde_json::Value = serde_json::from_str(&pades(&python, d, &args)).unwrap();
        let signatures = theirs.as_array().unwrap();
        let pyhanko_ok = !signatures.is_empty() && signatures.iter().all(|s| s["ok"] == true);
        let mut args = vec!["verify", file.as_str()];
        for anchor in &anchors {
            args.extend(["--trust", anchor.as_str()]);
        }
        let run = ita_report(d, &args, None);
        let ours_ok = run.status.code() == Some(0);
        table.push(format!(
            "{file}: ita-report {ours_ok}, pyHanko {pyhanko_ok}"
        ));
        if lenient {
            let last = signatures.last().unwrap();
            assert!(
                !ours_ok && last["coverage"] != "SignatureCoverageLevel.ENTIRE_FILE",
                "{file}: verify fails, and pyHanko sees the last signature not covering the file: {theirs}\n{}",
                stderr(&run)
            );
        } else {
            assert_eq!(ours_ok, pyhanko_ok, "{file}: {theirs}\n{}", stderr(&run));
        }
    }
    let table = table.join("\n");
    assert!(
        table.contains("B-LTA/two.pdf: ita-report true, pyHanko true")
            && table.contains("turned.pdf: ita-report false, pyHanko false"),
        "{table}"
    );
    println!("{table}");
}

/// pdfsig (poppler), or `None` outside CI when it is not installed; under CI=true its absence
/// fails (`.ci/run` installs poppler-utils).
pub(crate) fn pdfsig() -> Option<&'static str> {
    let found = Command::new("pdfsig").arg("-v").output().is_ok();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        found || !ci,
        "CI=true but pdfsig (poppler-utils) is not installed"
    );
    if !found {
        println!("skipped: pdfsig (poppler-utils) is not installed");
    }
    found.then_some("pdfsig")
}

/// pdfsig's verdict on each signed field of `pdf`: whether it calls the signature valid, and
/// whether it says the signature covers the whole file.
pub(crate) fn pdfsig_verdicts(pdfsig: &str, pdf: &Path) -> Vec<(bool, bool)> {
    let out = Command::new(pdfsig).arg(pdf).output().expect("pdfsig runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split("Signature #")
        .skip(1)
        // Empty fields are listed too ("The signature form field is not signed.").
        .filter(|block| !block.contains("is not signed"))
        .map(|block| {
            (
                block.contains("Signature Validation: Signature is Valid."),
                block.contains("Total document signed"),
            )
        })
        .collect()
}

/// Every file `ita-report sign` makes validates in poppler: an ECDSA signature, then an RSA
/// one over it (the first then covers only its revision), in the fields of the memo; and
/// poppler, like `verify`, calls a signature invalid once a byte it covers is changed.
#[test]
fn pdfsig_validates_what_sign_makes_and_refuses_it_altered() {
    let Some(pdfsig) = pdfsig() else { return };
    let dir = Scratch::new("pdfsig");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    let (ec, rsa) = (key("pdfsig-ec"), rsa_key("pdfsig-rsa"));
    for (name, k, subject) in [
        ("ec.p12", &ec, "CN=นางสาวทดสอบ ลงนาม,O=จังหวัดร้อยเอ็ด,C=TH"),
        ("rsa.p12", &rsa, "CN=นายทดสอบ สอง,O=จังหวัดร้อยเอ็ด,C=TH"),
    ] {
        let cert = certificate(k, subject);
        std::fs::write(d.join(name), pkcs12_file(k, &cert, PASSWORD)).unwrap();
    }
    let run = ita_report(
        d,
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "ec.p12",
            "-o",
            "one.pdf",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(pdfsig_verdicts(pdfsig, &d.join("one.pdf")), [(true, true)]);
    let run = ita_report(
        d,
        &["sign", "one.pdf", "--cert", "rsa.p12", "-o", "two.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        pdfsig_verdicts(pdfsig, &d.join("two.pdf")),
        [(true, false), (true, true)]
    );

    // A byte of the first page's content changed under both signatures.
    let mut altered = std::fs::read(d.join("two.pdf")).unwrap();
    alter_first_page(&mut altered);
    std::fs::write(d.join("altered.pdf"), &altered).unwrap();
    let verdicts = pdfsig_verdicts(pdfsig, &d.join("altered.pdf"));
    assert_eq!(verdicts.len(), 2);
    assert!(verdicts.iter().all(|(valid, _)| !valid), "{verdicts:?}");
    let run = ita_report(d, &["verify", "altered.pdf"], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
}

// ---- Identities people have: older PKCS#12, P-384, RSA 4096; several files at once ----

/// Runs the openssl command line in `dir`; it makes the identities other tools export.
pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    let run = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command line is installed");
    assert!(run.status.success(), "openssl {args:?}: {}", stderr(&run));
}

/// A self-signed key and certificate made by openssl (`-newkey KIND`), PEM, usable to sign.
fn openssl_identity(dir: &Path, name: &str, kind: &[&str], subject: &str) {
    let (key, cert) = (format!("{name}.key"), format!("{name}.pem"));
    let mut args = vec!["req", "-x509", "-nodes", "-days", "30", "-subj", subject];
    args.extend(["-keyout", &key, "-out", &cert, "-newkey"]);
    args.extend(kind);
    args.extend([
        "-addext",
        "keyUsage=critical,digitalSignature,nonRepudiation",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
    ]);
    openssl(dir, &args);
}

/// A PKCS#12 identity with a P-384 key as `openssl pkcs12 -export -legacy` writes it
/// (certificates under 40-bit RC2, the key under triple DES, a SHA-1 MAC) and one with an
/// RSA 4096 key all under triple DES: `sign` reads both, warning that they are weak, signs
/// several files in one call (a missing one among them fails alone), and the signatures
/// (ECDSA P-384, RSA 4096) hold for verify, pdfsig and pyHanko.
#[test]
fn legacy_pkcs12_p384_and_rsa4096_sign_several_files_and_all_verifiers_agree() {
    let dir = Scratch::new("legacy-p12");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    for copy in ["a.pdf", "b.pdf"] {
        std::fs::copy(d.join("out/2566-roiet-province.pdf"), d.join(copy)).unwrap();
    }
    let curve = ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"];
    openssl_identity(d, "p384", &curve, "/CN=Test P-384/O=Roi Et/C=TH");
    openssl_identity(d, "rsa", &["rsa:4096"], "/CN=Test RSA 4096/C=TH");
    let pass = format!("pass:{PASSWORD}");
    let export = ["pkcs12", "-export", "-passout", &pass];
    let legacy = [
        "-legacy", "-inkey", "p384.key", "-in", "p384.pem", "-out", "p384.p12",
    ];
    openssl(d, &[&export[..], &legacy].concat());
    let des = [
        "-certpbe",
        "PBE-SHA1-3DES",
        "-keypbe",
        "PBE-SHA1-3DES",
        "-macalg",
        "sha1",
    ];
    let rsa = ["-inkey", "rsa.key", "-in", "rsa.pem", "-out", "rsa.p12"];
    openssl(d, &[&export[..], &des, &rsa].concat());

    // A wrong password is named as such, and nothing is written.
    let run = ita_report(d, &["sign", "a.pdf", "--cert", "p384.p12"], Some("wrong"));
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("wrong password"), "{}", stderr(&run));
    let unsigned = std::fs::read(d.join("a.pdf")).unwrap();
    assert_eq!(
        unsigned,
        std::fs::read(d.join("out/2566-roiet-province.pdf")).unwrap()
    );

    let run = ita_report(
        d,
        &[
            "sign",
            "a.pdf",
            "missing.pdf",
            "b.pdf",
            "--cert",
            "p384.p12",
        ],
        Some(PASSWORD),
    );
    let text = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("weak encryption").count(), 1, "{text}");
    assert!(
        text.contains("40-bit RC2") && text.contains("SHA-1 MAC"),
        "{text}"
    );
    assert!(
        text.contains("signed a.pdf") && text.contains("signed b.pdf"),
        "{text}"
    );
    assert!(
        text.contains("signed 3 PDF(s): 1 failed: missing.pdf"),
        "{text}"
    );
    // "Test P-384" is not the name printed under the field: said for each file.
    assert_eq!(
        text.matches("but the name printed under").count(),
        2,
        "{text}"
    );
    let run = ita_report(d, &["sign", "a.pdf", "--cert", "rsa.p12"], Some(PASSWORD));
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("triple DES"), "{}", stderr(&run));
    // -o with several files would write them all to one place: refused before anything.
    let run = ita_report(
        d,
        &["sign", "a.pdf", "b.pdf", "--cert", "rsa.p12", "-o", "x.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));

    let trust = ["--trust", "p384.pem", "--trust", "rsa.pem"];
    for (file, signatures) in [("a.pdf", 2), ("b.pdf", 1)] {
        let run = ita_report(d, &[&["verify", file][..], &trust].concat(), None);
        assert_eq!(run.status.code(), Some(0), "{file}: {}", stderr(&run));
        assert_eq!(
            stderr(&run).matches("TOTAL-PASSED").count(),
            signatures,
            "{}",
            stderr(&run)
        );
    }
    if let Some(pdfsig) = pdfsig() {
        assert_eq!(
            pdfsig_verdicts(pdfsig, &d.join("a.pdf")),
            [(true, false), (true, true)]
        );
    }
    if let Some(python) = pyhanko() {
        let theirs = pades(&python, d, &["validate", "a.pdf", "p384.pem", "rsa.pem"]);
        let theirs: serde_json::Value = serde_json::from_str(&theirs).unwrap();
        let all = theirs.as_array().unwrap();
        assert!(
            all.len() == 2 && all.iter().all(|s| s["ok"] == true),
            "{theirs}"
        );
        // And the other way: pyHanko's P-384 signature with SHA-384 digests, which verify
        // reads; an altered byte under it fails in both.
        pades(
            &python,
            d,
            &["identity", "py.p12", "Py P-384", "ec384", PASSWORD],
        );
        let field = "ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)";
        let args = [
            "sign", "b.pdf", "c.pdf", "py.p12", PASSWORD, field, "B-B", "sha384",
        ];
        pades(&python, d, &args);
        let mut altered = std::fs::read(d.join("c.pdf")).unwrap();
        alter_first_page(&mut altered);
        std::fs::write(d.join("c-altered.pdf"), altered).unwrap();
        for (file, expected) in [("c.pdf", true), ("c-altered.pdf", false)] {
            let anchors = ["validate", file, "p384.pem", "py.p12.pem"];
            let theirs: serde_json::Value =
                serde_json::from_str(&pades(&python, d, &anchors)).unwrap();
            let pyhanko_ok = theirs.as_array().unwrap().iter().all(|s| s["ok"] == true);
            let args = [
                "verify",
                file,
                "--trust",
                "p384.pem",
                "--trust",
                "py.p12.pem",
            ];
            let run = ita_report(d, &args, None);
            assert_eq!(pyhanko_ok, expected, "{file}: {theirs}");
            assert_eq!(
                run.status.code() == Some(0),
                expected,
                "{file}: {}",
                stderr(&run)
            );
        }
    } else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "CI=true but pyHanko not found");
    }
}

/// The text sizes (`Tf`) and the number of text lines (`Tm` positions) of a content stream.
fn text_sizes_and_lines(content: &[u8]) -> (Vec<f64>, usize) {
    let text = String::from_utf8_lossy(content);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let sizes = tokens
        .windows(2)
        .filter(|w| w[1] == "Tf")
        .filter_map(|w| w[0].parse().ok())
        .collect();
    // Each run is placed by its own `1 0 0 -1 x y cm` (Typst writes `cm/c0 cs` unspaced):
    // the lines are the groups of y.
    let mut ys: Vec<f64> = tokens
        .windows(7)
        .filter(|w| w[..4] == ["1", "0", "0", "-1"] && w[6].starts_with("cm"))
        .filter_map(|w| w[5].parse().ok())
        .collect();
    ys.sort_by(f64::total_cmp);
    // A mark may sit a little off its base; a new line is more than 4 pt further down.
    let lines = ys.windows(2).filter(|w| w[1] - w[0] > 4.0).count() + usize::from(!ys.is_empty());
    (sizes, lines)
}

/// The visible signature is set at 8 pt or more and holds two lines: the certificate's name
/// and the signing date and time; a name under the field that is not the certificate's is
/// returned to be warned about, a matching one is not.
#[test]
fn the_visible_signature_is_readable_and_names_the_certificate_and_time() {
    let dir = Scratch::new("appearance");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    let pdf = std::fs::read(d.join("out/2566-roiet-province.pdf")).unwrap();
    let compiler = ita_report::world::Compiler::new(ita_report::world::Fonts::load(&[]).unwrap());
    let signer = key("appearance");
    let field = "ผู้ว่าราชการจังหวัดร้อยเอ็ด";
    for (subject, other) in [
        ("CN=นายชูศักดิ์ ราชบุรี,C=TH", None),
        ("CN=Somebody Else,C=TH", Some("นายชูศักดิ์ ราชบุรี")),
    ] {
        let cert = certificate(&signer, subject);
        let p12 = pkcs12_file(&signer, &cert, PASSWORD);
        let identity = ita_report::archive::keystore::read(&p12, PASSWORD).unwrap();
        let request = ita_report::archive::sign::Request {
            field: Some(field.to_owned()),
            ..ita_report::archive::sign::Request::now()
        };
        let signed = ita_report::archive::sign::sign(&pdf, &identity, &compiler, &request).unwrap();
        assert_eq!(signed.other_name.as_deref(), other, "{subject}");
        let objects = Objects::read(&signed.pdf).unwrap();
        let trailer = Trailer::read(&signed.pdf).unwrap();
        let found = fields::read(&objects, &trailer);
        let found = found.iter().find(|f| f.name == field).unwrap();
        let widget = objects.get(found.object).unwrap();
        let form = pdfobj::value(widget, "/AP")
            .and_then(|ap| pdfobj::value(ap, "/N"))
            .and_then(pdfobj::reference)
            .unwrap();
        let (sizes, lines) = text_sizes_and_lines(&objects.stream(form).unwrap());
        assert!(
            !sizes.is_empty() && sizes.iter().all(|&s| s >= 8.0),
            "{sizes:?}"
        );
        assert_eq!(lines, 2, "the name, then the date and time");
    }
}

/// The font a PDF was built with is recorded in its facts: `verify` rebuilds with it without
/// being told (`--font`), and a PDF set in a font that is not here is reported as built
/// differently, with the reason, not as a changed file.
#[test]
fn verify_rebuilds_with_the_recorded_font_and_names_a_missing_one() {
    let dir = Scratch::new("recorded-font");
    let d = dir.path();
    let json = "2566-roiet-announcement.json";
    std::fs::copy(root().join("inputs").join(json), d.join(json)).unwrap();
    let fonts = d.join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    std::fs::copy(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        fonts.join("DejaVuSans.ttf"),
    )
    .expect("DejaVu Sans (fonts-dejavu-core) is installed");
    for (out, extra) in [
        ("sarabun", &["--font", "Sarabun"][..]),
        ("dejavu", &["--font", "DejaVu Sans", "--font-dir", "fonts"]),
    ] {
        let args = [
            &["build", json, "-o", out, "--archive", "--quiet"][..],
            extra,
        ]
        .concat();
        let run = ita_report(d, &args, None);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let run = ita_report(d, &["verify", "sarabun/2566-roiet-announcement.pdf"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = ita_report(d, &["verify", "dejavu/2566-roiet-announcement.pdf"], None);
    let text = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{text}");
    assert!(
        text.contains("built differently") && text.contains("DejaVu Sans, which is not here"),
        "{text}"
    );
    assert!(!text.contains("differs from what"), "{text}");
    let args = [
        "verify",
        "dejavu/2566-roiet-announcement.pdf",
        "--font-dir",
        "fonts",
    ];
    let run = ita_report(d, &args, None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}
