//! Timestamps, long-term validation and revocation (issue 27): `sign --tsa` (PAdES B-T),
//! `ltv` (a DSS and a document timestamp, B-LTA) against a time-stamping authority served
//! on loopback by openssl's `ts -reply`, with its key made at test time; CRLs made at test
//! time by a test CA; pyHanko and pdfsig as the second opinions.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

use der::Encode;
use der::asn1::BitString;
use x509_cert::Certificate;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::time::Time;

use crate::common::Scratch;
use crate::signing::{
    PASSWORD, Says, TestKey, build_archival, issued, ita_report, key, now, openssl, pades, pdfsig,
    pdfsig_verdicts, pkcs12_file, pyhanko, rsa_key, stderr,
};

/// What the test authority answers.
#[derive(Clone, Copy)]
enum Answer {
    /// A token over what was asked (openssl ts -reply).
    Token,
    /// Bytes that are no TimeStampResp.
    Garbage,
    /// A valid token, but over other data.
    OtherImprint,
    /// A megabyte.
    Oversize,
}

/// Makes the authority's key and certificate (openssl, P-256, extended key usage
/// timeStamping) and its configuration in `dir`.
fn tsa_identity(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=Test TSA/O=ita-report tests",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.pem",
            "-addext",
            "extendedKeyUsage=critical,timeStamping",
            "-addext",
            "keyUsage=critical,digitalSignature",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
        ],
    );
    let d = dir.display();
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = {d}/tsa.serial\ncrypto_device = builtin\n\
             signer_cert = {d}/tsa.pem\nsigner_key = {d}/tsa.key\n\
             signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\n\
             accuracy = secs:1\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\n\
             ess_cert_id_alg = sha256\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("tsa.serial"), "01\n").unwrap();
}

/// openssl's answer to the query in `query` (DER), as the authority in `dir`.
fn reply(dir: &Path, query: &[u8], n: usize) -> Vec<u8> {
    let (q, r) = (format!("q{n}.tsq"), format!("r{n}.tsr"));
    std::fs::write(dir.join(&q), query).unwrap();
    let run = Command::new("openssl")
        .args([
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            &q,
            "-out",
            &r,
        ])
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(run.status.success(), "openssl ts -reply: {}", stderr(&run));
    std::fs::read(dir.join(r)).unwrap()
}

/// The body of one HTTP request (by its Content-Length).
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap_or(0);
        if n == 0 {
            return Vec::new();
        }
        got.extend_from_slice(&buffer[..n]);
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if got.len() >= end + 4 + length {
            return got[end + 4..end + 4 + length].to_vec();
        }
    }
}

/// A time-stamping authority on loopback answering every request as `answer` says; its URL.
fn serve_tsa(dir: &Path, answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let dir = dir.to_owned();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let query = read_request(&mut stream);
            let body = match answer {
                Answer::Token => reply(&dir, &query, n),
                Answer::Garbage => b"<html>not a timestamp</html>".to_vec(),
                Answer::OtherImprint => {
                    std::fs::write(dir.join("other.txt"), format!("other data {n}")).unwrap();
                    let run = Command::new("openssl")
                        .args(["ts", "-query", "-data", "other.txt", "-sha256", "-cert"])
                        .current_dir(&dir)
                        .output()
                        .expect("openssl runs");
                    reply(&dir, &run.stdout, n)
                }
                Answer::Oversize => vec![0x30; 1 << 20],
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}

/// A CRL of `issuer` (key, subject), valid from two minutes ago for a day, listing
/// `revoked` (serial, revocation time).
fn crl(issuer: (&TestKey, &str), revoked: Option<(&Certificate, u64)>) -> Vec<u8> {
    let time = |t: u64| {
        Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(t)).unwrap(),
        )
    };
    let now = now();
    let algorithm = issuer.0.signature_algorithm();
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: algorithm.clone(),
        issuer: issuer.1.parse().unwrap(),
        this_update: time(now - 120),
        next_update: Some(time(now + 86_400)),
        revoked_certificates: revoked.map(|(certificate, at)| {
            vec![RevokedCert {
                serial_number: certificate.tbs_certificate.serial_number.clone(),
                revocation_date: time(at),
                crl_entry_extensions: None,
            }]
        }),
        crl_extensions: None,
    };
    let signature = issuer.0.sign(&tbs.to_der().unwrap());
    CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// An archival PDF, a CA (RSA) and a signer it issued (P-256) in `d`: out/….pdf, ca.der,
/// signer.p12; the CA's key and the signer's certificate.
fn setup(d: &Path) -> (TestKey, Certificate) {
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    let (ca_key, signer_key) = (rsa_key("tsa-test-ca"), key("tsa-test-signer"));
    let ca_name = "CN=ศูนย์ทดสอบออกใบรับรอง,O=ita-report tests,C=TH";
    let now = now();
    let ca = issued(
        &ca_key,
        ca_name,
        (&ca_key, ca_name),
        now - 86_400,
        now + 86_400 * 30,
        Some(Says::Authority),
    );
    let signer = issued(
        &signer_key,
        "CN=นายทดสอบ ประทับเวลา,O=จังหวัดร้อยเอ็ด,C=TH",
        (&ca_key, ca_name),
        now - 3600,
        now + 86_400 * 30,
        // The CRL's address declared, so that pyHanko's default policy checks revocation.
        Some(Says::Signer("http://127.0.0.1:9/ca.crl".to_owned())),
    );
    std::fs::write(d.join("ca.der"), ca.to_der().unwrap()).unwrap();
    std::fs::write(
        d.join("signer.p12"),
        pkcs12_file(&signer_key, &signer, PASSWORD),
    )
    .unwrap();
    (ca_key, signer)
}

const CA_NAME: &str = "CN=ศูนย์ทดสอบออกใบรับรอง,O=ita-report tests,C=TH";

/// `verify --json` with the CA and the TSA trusted: the exit code and the signatures.
fn verify_json(d: &Path, pdf: &str) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let run = ita_report(
        d,
        &[
            "verify", pdf, "--trust", "ca.der", "--trust", "tsa.pem", "--json",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let signatures = report[0]["signatures"].as_array().unwrap().clone();
    (run.status.code(), signatures, stderr(&run))
}

/// pyHanko's verdict on every signature of `pdf` with the CA and the TSA as roots (it
/// reads the DSS's CRLs): all ok, or `None` without pyHanko.
fn pyhanko_ok(d: &Path, pdf: &str) -> Option<(bool, String)> {
    let python = pyhanko()?;
    let out = pades(&python, d, &["validate", pdf, "ca.der", "tsa.pem"]);
    let theirs: serde_json::Value = serde_json::from_str(&out).unwrap();
    let all = theirs.as_array().unwrap();
    Some((!all.is_empty() && all.iter().all(|s| s["ok"] == true), out))
}

/// `sign --tsa` puts a checked RFC 3161 token on the signature (B-T) and `verify` reports
/// its time as the signing time; `ltv` adds a DSS with a CRL and a document timestamp
/// (B-LTA); a CRL revoking the signer before that time makes the signature TOTAL-FAILED
/// REVOKED, a CRL without it says "not revoked", none says revocation was not checked;
/// pyHanko agrees on each file and pdfsig accepts the signatures.
#[test]
fn timestamps_ltv_and_a_crl_decide_as_pyhanko_does() {
    let dir = Scratch::new("tsa");
    let d = dir.path();
    let (ca_key, signer) = setup(d);
    tsa_identity(d);
    let url = serve_tsa(d, Answer::Token);
    let pdf = "out/2566-roiet-province.pdf";
    let run = ita_report(
        d,
        &[
            "sign",
            pdf,
            "--cert",
            "signer.p12",
            "--tsa",
            &url,
            "-o",
            "bt.pdf",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    let (code, signatures, text) = verify_json(d, "bt.pdf");
    assert_eq!(code, Some(0), "{text}");
    let first = &signatures[0];
    assert_eq!(first["indication"], "TOTAL-PASSED", "{first}");
    assert_eq!(first["signature_timestamp"]["intact"], true, "{first}");
    let notes = first["notes"].to_string();
    assert!(
        notes.contains("verified signature timestamp") && notes.contains("no revocation data"),
        "{notes}"
    );

    // A clean CRL and a revoking one, each kept by ltv with a document timestamp.
    std::fs::write(d.join("clean.crl"), crl((&ca_key, CA_NAME), None)).unwrap();
    let revoked_at = now() - 600;
    std::fs::write(
        d.join("revoked.crl"),
        crl((&ca_key, CA_NAME), Some((&signer, revoked_at))),
    )
    .unwrap();
    for (crl_file, out) in [("clean.crl", "kept.pdf"), ("revoked.crl", "revoked.pdf")] {
        let run = ita_report(
            d,
            &[
                "ltv",
                "bt.pdf",
                "--tsa",
                &url,
                "--crl",
                crl_file,
                "--cert-chain",
                "ca.der",
                "-o",
                out,
            ],
            None,
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let (code, signatures, text) = verify_json(d, "kept.pdf");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(signatures.len(), 2, "{signatures:?}");
    assert!(
        signatures[1]["document_timestamp"] == true,
        "{signatures:?}"
    );
    assert!(
        signatures.iter().all(|s| s["indication"] == "TOTAL-PASSED"),
        "{signatures:?}"
    );
    assert!(
        signatures[0]["notes"]
            .to_string()
            .contains("revocation checked (CRL): not revoked"),
        "{signatures:?}"
    );
    let kinds: Vec<&str> = signatures[0]["added_after"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["dss", "timestamp"]);

    let (code, signatures, text) = verify_json(d, "revoked.pdf");
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(signatures[0]["indication"], "TOTAL-FAILED", "{text}");
    assert_eq!(signatures[0]["sub_indication"], "REVOKED", "{text}");

    for (file, ours) in [("bt.pdf", true), ("kept.pdf", true), ("revoked.pdf", false)] {
        if let Some((theirs, out)) = pyhanko_ok(d, file) {
            assert_eq!(theirs, ours, "{file}: pyHanko says {out}");
        }
    }
    if let Some(pdfsig) = pdfsig() {
        assert_eq!(pdfsig_verdicts(pdfsig, &d.join("bt.pdf")), [(true, true)]);
        // poppler checks the signature and that the document timestamp covers the whole
        // file; it does not validate RFC 3161 document timestamps (nor pyHanko's).
        assert_eq!(
            pdfsig_verdicts(pdfsig, &d.join("kept.pdf")),
            [(true, false), (false, true)]
        );
    }
}

/// A TSA that answers garbage, a token over other data, a megabyte, or is not there:
/// `sign --tsa` and `ltv` fail with a message naming the URL, in Thai by default, and write
/// nothing.
#[test]
fn a_bad_tsa_answer_is_refused_naming_the_url_and_nothing_is_written() {
    let dir = Scratch::new("tsa-bad");
    let d = dir.path();
    setup(d);
    tsa_identity(d);
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/tsa", listener.local_addr().unwrap())
    };
    let good = serve_tsa(d, Answer::Token);
    let run = ita_report(
        d,
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "signer.p12",
            "-o",
            "signed.pdf",
        ],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let signed = std::fs::read(d.join("signed.pdf")).unwrap();
    let cases = [
        (serve_tsa(d, Answer::Garbage), "ตอบไม่ถูกต้อง"),
        (serve_tsa(d, Answer::OtherImprint), "message imprint"),
        (serve_tsa(d, Answer::Oversize), "ยาวเกิน"),
        (closed, "ติดต่อ"),
    ];
    for (url, words) in &cases {
        let thai = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_ita-report"))
                .current_dir(d)
                .args(args)
                .env("ITA_REPORT_P12_PASSWORD", PASSWORD)
                .env_remove("ITA_REPORT_LANG")
                .output()
                .unwrap()
        };
        let run = thai(&[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "signer.p12",
            "--tsa",
            url,
            "-o",
            "bt.pdf",
        ]);
        let text = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{url}: {text}");
        assert!(
            text.contains(url.as_str()) && text.contains(words),
            "{url}: {text}"
        );
        assert!(!d.join("bt.pdf").exists(), "{url}: a file was written");
        let run = thai(&["ltv", "signed.pdf", "--tsa", url]);
        let text = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{url}: {text}");
        assert!(text.contains(url.as_str()), "{url}: {text}");
        assert_eq!(
            std::fs::read(d.join("signed.pdf")).unwrap(),
            signed,
            "{url}"
        );
    }
    // The same file and authority work once the authority answers properly.
    let run = ita_report(d, &["ltv", "signed.pdf", "--tsa", &good], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(std::fs::read(d.join("signed.pdf")).unwrap().len() > signed.len());
}

/// An OCSP response of `status` (`V` good, `R` revoked ten minutes ago) for `signer.pem`,
/// made by openssl as the CA `ca.pem` answers, written to `out`.
fn ocsp_response(d: &Path, status: &str, out: &str) {
    let serial = Command::new("openssl")
        .args(["x509", "-in", "signer.pem", "-noout", "-serial"])
        .current_dir(d)
        .output()
        .unwrap();
    let serial = String::from_utf8_lossy(&serial.stdout);
    let serial = serial.trim().trim_start_matches("serial=");
    // index.txt times are YYMMDDHHMMSSZ.
    let revoked = &ita_report::archive::sign::pdf_date(now() - 600)[4..16];
    let line = match status {
        "R" => format!("R\t301231000000Z\t{revoked}Z\t{serial}\tunknown\t/CN=OCSP Signer\n"),
        _ => format!("V\t301231000000Z\t\t{serial}\tunknown\t/CN=OCSP Signer\n"),
    };
    std::fs::write(d.join("index.txt"), line).unwrap();
    openssl(
        d,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-CA",
            "ca.pem",
            "-issuer",
            "ca.pem",
            "-cert",
            "signer.pem",
            "-respout",
            out,
            "-ndays",
            "1",
        ],
    );
}

/// OCSP responses (the CA's own, made by openssl at test time) kept by `ltv` decide
/// revocation as CRLs do: a revoked signer is TOTAL-FAILED/REVOKED, a good one passes saying
/// OCSP was checked; pyHanko agrees on both (the signer's certificate declares its responder,
/// so pyHanko's default policy checks it).
#[test]
fn ocsp_responses_kept_by_ltv_decide_revocation_as_pyhanko_does() {
    let dir = Scratch::new("tsa-ocsp");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    build_archival(d, json);
    tsa_identity(d);
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=Test OCSP CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "signer.key",
            "-out",
            "signer.csr",
            "-subj",
            "/CN=OCSP Signer",
        ],
    );
    std::fs::write(
        d.join("ext.cnf"),
        "keyUsage=critical,digitalSignature,nonRepudiation\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "signer.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "signer.pem",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
    );
    let password = "ocsp-test-1234";
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "signer.key",
            "-in",
            "signer.pem",
            "-out",
            "signer.p12",
            "-passout",
            &format!("pass:{password}"),
        ],
    );
    let url = serve_tsa(d, Answer::Token);
    let run = ita_report(
        d,
        &[
            "sign",
            "out/2566-roiet-province.pdf",
            "--cert",
            "signer.p12",
            "--tsa",
            &url,
            "-o",
            "bt.pdf",
        ],
        Some(password),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    ocsp_response(d, "V", "good.ocsp");
    ocsp_response(d, "R", "revoked.ocsp");
    for (response, out) in [("good.ocsp", "good.pdf"), ("revoked.ocsp", "revoked.pdf")] {
        let run = ita_report(
            d,
            &[
                "ltv", "bt.pdf", "--tsa", &url, "--ocsp", response, "-o", out,
            ],
            None,
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let verify = |pdf: &str| {
        let run = ita_report(
            d,
            &[
                "verify", pdf, "--trust", "ca.pem", "--trust", "tsa.pem", "--json",
            ],
            None,
        );
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        (
            run.status.code(),
            report[0]["signatures"][0].clone(),
            stderr(&run),
        )
    };
    let (code, signature, text) = verify("good.pdf");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        signature["notes"]
            .to_string()
            .contains("revocation checked (OCSP)"),
        "{signature}"
    );
    let (code, signature, text) = verify("revoked.pdf");
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(signature["sub_indication"], "REVOKED", "{signature}");
    if let Some(python) = pyhanko() {
        for (file, ours) in [("good.pdf", true), ("revoked.pdf", false)] {
            let out = pades(&python, d, &["validate", file, "ca.pem", "tsa.pem"]);
            let theirs: serde_json::Value = serde_json::from_str(&out).unwrap();
            let all = theirs.as_array().unwrap();
            let ok = !all.is_empty() && all.iter().all(|s| s["ok"] == true);
            assert_eq!(ok, ours, "{file}: pyHanko says {out}");
        }
    }
}

/// The TSA client's own reading: only http:// addresses, and a body taken by
/// Content-Length or chunks within what the answer holds.
#[test]
fn tsa_urls_and_http_bodies_are_read_within_bounds() {
    use ita_report::archive::tsa::{parse_url, response_body};
    assert!(parse_url("https://tsa.example/").is_err());
    assert_eq!(
        parse_url("http://127.0.0.1:8080/ts").unwrap(),
        ("127.0.0.1".to_owned(), 8080, "/ts".to_owned())
    );
    let body = response_body(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
    assert_eq!(body, b"abc");
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let body = response_body(&[&chunked[..], b"2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"].concat());
    assert_eq!(body.unwrap(), b"abc");
    assert!(response_body(&[&chunked[..], b"ffffffff\r\nab"].concat()).is_err());
    assert!(response_body(b"HTTP/1.1 500 Oops\r\n\r\n").is_err());
}
