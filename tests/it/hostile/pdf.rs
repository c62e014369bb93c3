//! Crafted PDFs against the reader, `sign`, `verify` and `extract`: nesting that would
//! exhaust the stack, bytes that would split a character, numbers that would wrap around,
//! streams that would make the reader quadratic or inflate to gigabytes, and updates
//! appended after a signature that change what the signed pages show.

use std::process::Output;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ita_report::archive::pdfobj::{self, Objects, Trailer};
use ita_report::archive::{fields, verify};

use crate::common::{Scratch, root};
use crate::signing::{
    PASSWORD, Says, TestKey, build_archival, certificate, issued, ita_report, key, now,
    pkcs12_file, stderr,
};

/// A minimal PDF of `objects` numbered from 1 (1 is the catalog), with its cross-reference
/// table and trailer.
fn minimal(objects: &[&[u8]]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", k + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// `pdf` with an incremental update: `body` (object definitions), its cross-reference
/// section listing `entries` (object number, offset within `body`), and a trailer; the
/// final `%%EOF` left out when `eof` is false.
fn append(pdf: &[u8], body: &[u8], entries: &[(u32, usize)], eof: bool) -> Vec<u8> {
    let trailer = Trailer::read(pdf).unwrap();
    let mut out = pdf.to_vec();
    let start = out.len();
    out.extend_from_slice(body);
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (n, offset) in entries {
        out.extend_from_slice(format!("{n} 1\n{:010} 00000 n\r\n", start + offset).as_bytes());
    }
    let size = entries.iter().map(|(n, _)| n + 1).max().unwrap_or(0);
    out.extend_from_slice(
        format!(
            "trailer\n<</Size {}/Root {} 0 R/Prev {}>>\nstartxref\n{xref}\n",
            size.max(trailer.size),
            trailer.root,
            trailer.startxref
        )
        .as_bytes(),
    );
    if eof {
        out.extend_from_slice(b"%%EOF\n");
    }
    out
}

/// The province report built as an archival PDF and signed once by a key made here.
fn signed() -> &'static [u8] {
    &fixture().0
}

/// The signer's certificate (DER), to give `verify` with `--trust`.
fn signer_cert() -> &'static [u8] {
    &fixture().1
}

fn fixture() -> &'static (Vec<u8>, Vec<u8>) {
    static SIGNED: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    SIGNED.get_or_init(|| {
        let dir = Scratch::new("pdf-signed");
        let json = "2566-roiet-province.json";
        build_archival(dir.path(), json);
        let signer = key("pdf-signer");
        let cert = certificate(&signer, "CN=นายทดสอบ ลงนาม,O=จังหวัดร้อยเอ็ด,C=TH");
        std::fs::write(
            dir.path().join("id.p12"),
            pkcs12_file(&signer, &cert, PASSWORD),
        )
        .unwrap();
        let pdf = "out/2566-roiet-province.pdf";
        let run = ita_report(
            dir.path(),
            &["sign", pdf, "--cert", "id.p12", "-o", "one.pdf"],
            Some(PASSWORD),
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let pdf = std::fs::read(dir.path().join("one.pdf")).unwrap();
        (pdf, der::Encode::to_der(&cert).unwrap())
    })
}

/// `ita-report verify` on `pdf`, written where the province report can be rebuilt.
fn verify_bytes(pdf: &[u8]) -> (Option<i32>, String) {
    let dir = Scratch::new("pdf-verify");
    std::fs::write(dir.path().join("x.pdf"), pdf).unwrap();
    std::fs::write(dir.path().join("signer.cer"), signer_cert()).unwrap();
    let run = ita_report(
        dir.path(),
        &["verify", "x.pdf", "--trust", "signer.cer"],
        None,
    );
    (run.status.code(), stderr(&run))
}

fn no_panic(run: &Output) {
    let text = stderr(run);
    assert!(
        matches!(run.status.code(), Some(0..=2)) && !text.contains("panicked"),
        "a clean exit, not a crash: {:?} {text}",
        run.status
    );
}

#[test]
fn nesting_deeper_than_the_bound_is_refused_without_exhausting_the_stack() {
    let deep = [
        b"<</Type/Catalog/X ".to_vec(),
        vec![b'['; 100_000],
        b">>".to_vec(),
    ]
    .concat();
    let pdf = minimal(&[&deep]);
    let dir = Scratch::new("pdf-deep");
    std::fs::write(dir.path().join("deep.pdf"), &pdf).unwrap();
    for args in [
        &["verify", "deep.pdf"][..],
        &["extract", "deep.pdf", "-o", "out"],
    ] {
        let run = ita_report(dir.path(), args, None);
        no_panic(&run);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    }
    // In this thread (2 MB of stack) too: the dictionary is cut at the bound, not recursed.
    let objects = Objects::read(&pdf).unwrap();
    assert_eq!(pdfobj::value(objects.get(1).unwrap(), "/X"), None);
}

#[test]
fn a_non_ascii_byte_in_a_hex_string_is_not_a_hex_digit() {
    // "4é1": cutting it in pairs of bytes would split the é.
    assert_eq!(pdfobj::string_bytes("<4\u{e9}1>"), None);
    assert_eq!(pdfobj::text("<FEFF0E\u{e9}01>"), None);
    assert_eq!(pdfobj::string_bytes("<4a 4 >"), Some(b"J@".to_vec()));
    // And through the reader, as a field name.
    let pdf = minimal(&[
        b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[3 0 R]>>>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        "<</FT/Sig/T<4\u{e9}1>/Rect[0 0 1 1]>>".as_bytes(),
    ]);
    let objects = Objects::read(&pdf).unwrap();
    let found = fields::read(&objects, &Trailer::read(&pdf).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "");
}

#[test]
fn a_byte_range_of_2_pow_64_is_a_broken_signature_not_a_panic() {
    let sig = b"<</Type/Sig/Filter/Adobe.PPKLite/ByteRange[0 0000000000 0000000000 18446744073709551615]/Contents<3000>>>";
    let mut pdf = minimal(&[
        b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[3 0 R]>>>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        b"<</FT/Sig/T(s)/V 4 0 R/Rect[0 0 1 1]>>",
        sig,
    ]);
    // The hole where the signature is: a points at `<`, b just after `>`.
    let a = pdfobj::find(&pdf, b"/Contents<", 0).unwrap() + 9;
    let b = a + 6;
    let at = pdfobj::find(&pdf, b"[0 0000000000", 0).unwrap() + 3;
    pdf[at..at + 21].copy_from_slice(format!("{a:010} {b:010}").as_bytes());
    let report = verify::inspect(&pdf).unwrap();
    assert_eq!(report.signatures.len(), 1);
    let intact = &report.signatures[0].intact;
    assert!(
        intact
            .as_ref()
            .is_err_and(|e| e.english.contains("/ByteRange does not match")),
        "{intact:?}"
    );
}

#[test]
fn object_number_4294967295_is_refused_and_sign_cannot_wrap_to_object_0() {
    let dir = Scratch::new("pdf-wrap");
    let unsigned = &signed()[..verify::inspect(signed()).unwrap().unsigned_len];
    let body = b"4294967295 0 obj\n<<>>\nendobj\n";
    let crafted = append(unsigned, body, &[], true);
    std::fs::write(dir.path().join("wrap.pdf"), &crafted).unwrap();
    let signer = key("wrap");
    let cert = certificate(&signer, "CN=ผู้ลงนาม");
    std::fs::write(
        dir.path().join("id.p12"),
        pkcs12_file(&signer, &cert, PASSWORD),
    )
    .unwrap();
    let run = ita_report(
        dir.path(),
        &["sign", "wrap.pdf", "--cert", "id.p12", "-o", "out.pdf"],
        Some(PASSWORD),
    );
    no_panic(&run);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("object number 4294967295 is beyond the highest"),
        "{}",
        stderr(&run)
    );
    assert!(!dir.path().join("out.pdf").exists());
    // A /Size at the bound is refused as well: the next number would not fit.
    let size = append(unsigned, b"", &[(8_388_607, 0)], true);
    assert!(Trailer::read(&size).is_ok());
    let objects = Objects::read(&size).unwrap();
    assert!(
        objects
            .next_free(&Trailer::read(&size).unwrap(), 1)
            .is_err()
    );
}

#[test]
fn a_stream_without_endstream_is_read_in_linear_time() {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    for n in 1..=80_000 {
        pdf.extend_from_slice(
            format!("{n} 0 obj\n<</Length 99>>\nstream\nabc\nendobj\n").as_bytes(),
        );
    }
    let started = Instant::now();
    let objects = Objects::read(&pdf).unwrap();
    assert_eq!(objects.max_number(), 80_000);
    // Quadratic, this took 93 s; linear, it is well under a second.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_attachment_that_inflates_beyond_the_bound_is_not_extracted() {
    use std::io::Write;
    let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..80 {
        deflate.write_all(&[b' '; 1 << 20]).unwrap();
    }
    let data = deflate.finish().unwrap();
    let stream = [
        format!(
            "<</Type/EmbeddedFile/Filter/FlateDecode/Length {}>>\nstream\n",
            data.len()
        )
        .into_bytes(),
        data,
        b"\nendstream".to_vec(),
    ]
    .concat();
    let pdf = minimal(&[
        b"<</Type/Catalog/Pages 2 0 R/AF[3 0 R]>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        b"<</Type/Filespec/F(a.json)/UF(a.json)/EF<</F 4 0 R>>>>",
        &stream,
    ]);
    let dir = Scratch::new("pdf-bomb");
    std::fs::write(dir.path().join("bomb.pdf"), &pdf).unwrap();
    let run = ita_report(dir.path(), &["extract", "bomb.pdf", "-o", "out"], None);
    no_panic(&run);
    let written = std::fs::metadata(dir.path().join("out/a.json")).map(|m| m.len());
    assert_eq!(
        run.status.code(),
        Some(1),
        "{} {written:?} {}",
        stderr(&run),
        pdf.len()
    );
    assert!(
        stderr(&run).contains("inflates to more than 64 MB"),
        "{}",
        stderr(&run)
    );
    assert!(!dir.path().join("out/a.json").exists());
}

#[test]
fn bytes_after_the_last_eof_fail_verify() {
    let (code, report) = verify_bytes(signed());
    assert_eq!(code, Some(0), "the signed file itself verifies: {report}");
    let appended = [signed(), b"% nothing signed this\n"].concat();
    let (code, report) = verify_bytes(&appended);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("22 bytes after the last %%EOF (PDF/A forbids them)"),
        "{report}"
    );
}

/// The signed file's page 2 redefined to show page 1's content, in an update appended
/// after the signature.
fn page_two_redefined(eof: bool) -> Vec<u8> {
    let pdf = signed();
    let objects = Objects::read(pdf).unwrap();
    let pages = fields::pages(&objects, &Trailer::read(pdf).unwrap());
    assert!(pages.len() >= 2, "the province report has several pages");
    let first = pdfobj::value(objects.get(pages[0]).unwrap(), "/Contents").unwrap();
    let second = objects.get(pages[1]).unwrap();
    let changed = pdfobj::with_entry(second, "/Contents", first);
    let body = format!("{} 0 obj\n{changed}\nendobj\n", pages[1]);
    append(pdf, body.as_bytes(), &[(pages[1], 0)], eof)
}

#[test]
fn an_update_after_the_signature_that_redefines_a_page_is_not_ok() {
    let (code, report) = verify_bytes(&page_two_redefined(true));
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("a change the signature does not allow: a later revision changes a page"),
        "{report}"
    );
    // Without its %%EOF, the update is still what viewers show.
    let (code, report) = verify_bytes(&page_two_redefined(false));
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("after the last %%EOF"), "{report}");
}

#[test]
fn an_object_hidden_inside_another_stream_is_found_through_the_cross_reference() {
    let pdf = signed();
    let objects = Objects::read(pdf).unwrap();
    let pages = fields::pages(&objects, &Trailer::read(pdf).unwrap());
    let page = pages[0];
    let changed = pdfobj::with_entry(objects.get(page).unwrap(), "/Rotate", "180");
    // A stream whose data holds the page's new definition; its /Length steps over it.
    let inner = format!("\n{page} 0 obj\n{changed}\nendobj\n");
    let body = format!(
        "999990 0 obj\n<</Length {}>>\nstream\n{inner}\nendstream\nendobj\n",
        inner.len()
    );
    let at = body.find(&format!("{page} 0 obj")).unwrap();
    let crafted = append(pdf, body.as_bytes(), &[(999_990, 0), (page, at)], true);
    let (code, report) = verify_bytes(&crafted);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains(&format!("puts object {page} at byte")),
        "{report}"
    );
}

// ---- Certificates judged as pyHanko judges them ----

/// The unsigned archival PDF signed through the library (no refusal) with a certificate
/// made here, at `time`; `verify --trust` that certificate, and what it says.
fn signed_with(
    signer: &TestKey,
    cert: &x509_cert::Certificate,
    time: u64,
) -> (Option<i32>, String) {
    let unsigned = &signed()[..verify::inspect(signed()).unwrap().unsigned_len];
    let p12 = pkcs12_file(signer, cert, PASSWORD);
    let identity = ita_report::archive::keystore::read(&p12, PASSWORD).unwrap();
    let compiler = ita_report::world::Compiler::new(ita_report::world::Fonts::load(&[]).unwrap());
    let request = ita_report::archive::sign::Request {
        time,
        ..Default::default()
    };
    let pdf = ita_report::archive::sign::sign(unsigned, &identity, &compiler, &request)
        .unwrap()
        .pdf;
    let dir = Scratch::new("pdf-cert");
    std::fs::write(dir.path().join("x.pdf"), pdf).unwrap();
    std::fs::write(
        dir.path().join("signer.cer"),
        der::Encode::to_der(cert).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("id.p12"), &p12).unwrap();
    let run = ita_report(
        dir.path(),
        &["verify", "x.pdf", "--trust", "signer.cer"],
        None,
    );
    // `sign` on the command line refuses such a certificate before signing anything.
    let sign = ita_report(
        dir.path(),
        &["sign", "x.pdf", "--cert", "id.p12", "-o", "y.pdf"],
        Some(PASSWORD),
    );
    let refused = sign.status.code() == Some(1) && !dir.path().join("y.pdf").exists();
    (
        run.status.code(),
        format!(
            "{}\nsign refused: {refused}\n{}",
            stderr(&run),
            stderr(&sign)
        ),
    )
}

#[test]
fn a_certificate_not_for_signing_expired_or_not_yet_valid_is_not_ok() {
    use x509_cert::ext::pkix::KeyUsages;
    let now = now();
    let day = 86_400;
    let signer = key("usage");
    let subject = "CN=นายทดสอบ ใบรับรอง";
    let cases = [
        (
            issued(
                &signer,
                subject,
                (&signer, subject),
                now - day,
                now + day,
                Some(Says::Usage(KeyUsages::KeyEncipherment)),
            ),
            now,
            "INDETERMINATE/SIG_CONSTRAINTS_FAILURE",
        ),
        (
            issued(
                &signer,
                subject,
                (&signer, subject),
                now - 10 * day,
                now - 5 * day,
                None,
            ),
            now - 7 * day,
            "INDETERMINATE/OUT_OF_BOUNDS_NO_POE",
        ),
        (
            issued(
                &signer,
                subject,
                (&signer, subject),
                now - 10 * day,
                now - 5 * day,
                None,
            ),
            now - day,
            "TOTAL-FAILED/EXPIRED",
        ),
        (
            issued(
                &signer,
                subject,
                (&signer, subject),
                now + day,
                now + 10 * day,
                None,
            ),
            now,
            "TOTAL-FAILED/NOT_YET_VALID",
        ),
    ];
    for (cert, time, expected) in cases {
        let (code, report) = signed_with(&signer, &cert, time);
        assert_eq!(code, Some(1), "{expected}: {report}");
        assert!(
            report.contains(&format!("ETSI EN 319 102-1: {expected}")),
            "{report}"
        );
        assert!(report.contains("sign refused: true"), "{report}");
    }
}

#[test]
fn a_chain_to_a_given_anchor_passes_and_a_self_signed_signer_is_named() {
    let now = now();
    let (ca, signer) = (key("ca"), key("leaf"));
    let ca_name = "CN=ผู้ออกใบรับรองทดสอบ,O=ทดสอบ";
    let ca_cert = issued(
        &ca,
        ca_name,
        (&ca, ca_name),
        now - 3600,
        now + 86_400,
        Some(Says::Authority),
    );
    let subject = "CN=นายทดสอบ ลูก";
    let leaf = issued(
        &signer,
        subject,
        (&ca, ca_name),
        now - 3600,
        now + 86_400,
        Some(Says::Usage(x509_cert::ext::pkix::KeyUsages::NonRepudiation)),
    );
    // Trusted through the authority given with --trust.
    let unsigned = &signed()[..verify::inspect(signed()).unwrap().unsigned_len];
    let dir = Scratch::new("pdf-chain");
    std::fs::write(
        dir.path().join("ca.cer"),
        der::Encode::to_der(&ca_cert).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("u.pdf"), unsigned).unwrap();
    std::fs::write(
        dir.path().join("id.p12"),
        pkcs12_file(&signer, &leaf, PASSWORD),
    )
    .unwrap();
    let run = ita_report(
        dir.path(),
        &["sign", "u.pdf", "--cert", "id.p12", "-o", "s.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(!stderr(&run).contains("self-signed"), "{}", stderr(&run));
    let run = ita_report(dir.path(), &["verify", "s.pdf", "--trust", "ca.cer"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("ETSI EN 319 102-1: TOTAL-PASSED"),
        "{}",
        stderr(&run)
    );
    // The same for programs, with --json.
    let run = ita_report(
        dir.path(),
        &["verify", "s.pdf", "--trust", "ca.cer", "--json"],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let signature = &json[0]["signatures"][0];
    assert!(
        json[0]["ok"] == true
            && signature["indication"] == "TOTAL-PASSED"
            && signature["intact"] == true
            && signature["changed_after"] == false,
        "{json}"
    );
    let run = ita_report(dir.path(), &["verify", "s.pdf", "--json"], None);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let signature = &json[0]["signatures"][0];
    assert!(
        json[0]["ok"] == false
            && signature["indication"] == "INDETERMINATE"
            && signature["sub_indication"] == "NO_CERTIFICATE_CHAIN_FOUND",
        "{json}"
    );
    // Without the anchor, no chain.
    let run = ita_report(dir.path(), &["verify", "s.pdf"], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND")
            && stderr(&run).contains("leads to no trust anchor"),
        "{}",
        stderr(&run)
    );
    // A self-signed certificate in an official's name: signed with a warning, not trusted.
    let official = key("official");
    let name = "CN=นายชูศักดิ์ ราชบุรี,O=จังหวัดร้อยเอ็ด";
    std::fs::write(
        dir.path().join("self.p12"),
        pkcs12_file(&official, &certificate(&official, name), PASSWORD),
    )
    .unwrap();
    let run = ita_report(
        dir.path(),
        &["sign", "u.pdf", "--cert", "self.p12", "-o", "self.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("is self-signed"), "{}", stderr(&run));
    let run = ita_report(
        dir.path(),
        &["verify", "self.pdf", "--trust", "ca.cer"],
        None,
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND")
            && stderr(&run).contains("is self-signed"),
        "{}",
        stderr(&run)
    );
}

// ---- Mutations of a signed file ----

/// xorshift64: the same rounds on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// What `verify` would say "ok" to, for the signatures: every one intact, nothing changed
/// after any, no bytes after the last `%%EOF`.
fn signatures_ok(pdf: &[u8]) -> bool {
    match verify::inspect(pdf) {
        Ok(report) => {
            report.trailing == 0
                && !report.signatures.is_empty()
                && report
                    .signatures
                    .iter()
                    .all(|s| s.intact.is_ok() && !s.changed_after())
        }
        Err(_) => false,
    }
}

/// An update that changes what a page shows: turned, cut down, its content replaced, or
/// the pages put in another order.
fn page_change(pdf: &[u8], rng: &mut Rng) -> Vec<u8> {
    use ita_report::archive::update::{self, Object};
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let pages = fields::pages(&objects, &trailer);
    let page = pages[rng.below(pages.len())];
    let dict = objects.get(page).unwrap();
    let object = match rng.below(4) {
        0 => Object::text(page, pdfobj::with_entry(dict, "/Rotate", "90")),
        1 => Object::text(page, pdfobj::with_entry(dict, "/MediaBox", "[0 0 10 10]")),
        2 => {
            let contents = pdfobj::value(dict, "/Contents")
                .and_then(pdfobj::reference)
                .unwrap();
            Object::stream(contents, "<<>>", b"0 0 m 100 100 l S")
        }
        _ => {
            let root = pdfobj::value(objects.get(trailer.root).unwrap(), "/Pages")
                .and_then(pdfobj::reference)
                .unwrap();
            let kids: Vec<String> = pages.iter().rev().map(|p| format!("{p} 0 R")).collect();
            let tree = objects.get(root).unwrap();
            Object::text(
                root,
                pdfobj::with_entry(tree, "/Kids", &format!("[{}]", kids.join(" "))),
            )
        }
    };
    let mut out = update::append(pdf, &trailer, &[object]);
    if rng.below(2) == 0 {
        out.truncate(out.len() - b"%%EOF\n".len());
    }
    out
}

#[test]
fn mutated_signed_files_never_panic_hang_or_pass_with_other_pages() {
    mutations_never_pass_with_other_pages(signed(), 400);
}

/// The signed fixture's unsigned revision saved with cross-reference and object streams,
/// signed through the library: its update is an xref stream too.
fn signed_xref_streams() -> Vec<u8> {
    let unsigned = &signed()[..verify::inspect(signed()).unwrap().unsigned_len];
    let xs = crate::xref::to_xref_streams(unsigned, 60);
    let signer = key("pdf-signer-xs");
    let cert = certificate(&signer, "CN=นายทดสอบ ลงนาม");
    let p12 = pkcs12_file(&signer, &cert, PASSWORD);
    let identity = ita_report::archive::keystore::read(&p12, PASSWORD).unwrap();
    let compiler = ita_report::world::Compiler::new(ita_report::world::Fonts::load(&[]).unwrap());
    let request = ita_report::archive::sign::Request {
        time: now(),
        ..Default::default()
    };
    let pdf = ita_report::archive::sign::sign(&xs, &identity, &compiler, &request)
        .unwrap()
        .pdf;
    assert!(Trailer::read(&pdf).unwrap().xref_stream);
    pdf
}

#[test]
fn mutated_xref_stream_files_never_panic_hang_or_pass_with_other_pages() {
    mutations_never_pass_with_other_pages(&signed_xref_streams(), 300);
}

/// `rounds` mutations of the signed file `original`: bytes flipped, inserted, removed,
/// cut or copied, and every fourth an update that changes a page. None may panic or take
/// long, and `verify` may call none ok but one that differs only in the signature's padding.
fn mutations_never_pass_with_other_pages(original: &[u8], rounds: usize) {
    let report = verify::inspect(original).unwrap();
    assert!(signatures_ok(original));
    // The signature's hole: bytes that may differ (its zero padding) with the file still ok.
    let hole = {
        let at = report.signatures[0].covers_to;
        assert_eq!(at, original.len());
        let start = pdfobj::find(original, b"/Contents<", report.unsigned_len).unwrap() + 9;
        start..start + original[start..].iter().position(|&b| b == b'>').unwrap() + 1
    };
    let mut rng = Rng(0x1717_2727_3737_4747);
    let started = Instant::now();
    for round in 0..rounds {
        let mut pdf = original.to_vec();
        let structured = round % 4 == 3;
        if structured {
            pdf = page_change(&pdf, &mut rng);
        } else {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(pdf.len());
                match rng.below(5) {
                    0 => pdf[at] ^= 1 << rng.below(8),
                    1 => pdf.insert(at, b"0[<(/ "[rng.below(6)]),
                    2 => {
                        pdf.remove(at);
                    }
                    3 => pdf.truncate(at),
                    _ => {
                        let from = rng.below(pdf.len());
                        let chunk = pdf[from..(from + 64).min(pdf.len())].to_vec();
                        pdf.splice(at..at, chunk);
                    }
                }
            }
        }
        let round_started = Instant::now();
        let ok = signatures_ok(&pdf);
        assert!(
            round_started.elapsed() < Duration::from_secs(5),
            "round {round}: {:?}",
            round_started.elapsed()
        );
        if ok {
            // Only the signature's own padding may differ: the pages are the signed ones.
            let same_outside_hole = pdf.len() == original.len()
                && pdf[..hole.start] == original[..hole.start]
                && pdf[hole.end..] == original[hole.end..];
            assert!(
                !structured && same_outside_hole,
                "round {round}: ok for other pages"
            );
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(240),
        "{:?}",
        started.elapsed()
    );
}

/// An update to the signed file made of `objects` built from its objects and trailer,
/// numbering new objects from `next`.
fn update_with(
    build: impl Fn(&Objects, &Trailer, u32) -> Vec<ita_report::archive::update::Object>,
) -> Vec<u8> {
    let pdf = signed();
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let next = objects.next_free(&trailer, 10).unwrap();
    ita_report::archive::update::append(pdf, &trailer, &build(&objects, &trailer, next))
}

#[test]
fn an_appearance_without_a_signature_added_after_one_is_not_ok() {
    use ita_report::archive::update::Object;
    let drawing = |n: u32| {
        Object::stream(
            n,
            "<</Type/XObject/Subtype/Form/BBox[0 0 100 20]>>",
            b"0 0 100 20 re f",
        )
    };
    // An empty field given an appearance and no signature.
    let filled = update_with(|objects, trailer, next| {
        let field = fields::read(objects, trailer)
            .into_iter()
            .find(|f| f.signature.is_none())
            .unwrap();
        let dict = objects.get(field.object).unwrap();
        vec![
            drawing(next),
            Object::text(
                field.object,
                pdfobj::with_entry(dict, "/AP", &format!("<</N {next} 0 R>>")),
            ),
        ]
    });
    let (code, report) = verify_bytes(&filled);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("a later revision changes object"),
        "{report}"
    );
    // A new signature field, visible and unsigned, added to page 1 and the form.
    let added = |rect: &str| {
        update_with(|objects, trailer, next| {
            let page = fields::pages(objects, trailer)[0];
            let page_dict = objects.get(page).unwrap();
            let annots = pdfobj::value(page_dict, "/Annots").unwrap_or("[]");
            let annots = format!("{} {next} 0 R]", annots.trim_end_matches(']'));
            let catalog = objects.get(trailer.root).unwrap();
            let form = pdfobj::value(catalog, "/AcroForm")
                .and_then(pdfobj::reference)
                .unwrap();
            let form_dict = objects.get(form).unwrap();
            let list = pdfobj::value(form_dict, "/Fields").unwrap();
            let list = format!("{} {next} 0 R]", list.trim_end_matches(']'));
            vec![
                Object::text(
                    next,
                    format!(
                        "<</Type/Annot/Subtype/Widget/FT/Sig/T(x)/Rect{rect}/F 4/P {page} 0 R/AP<</N {} 0 R>>>>",
                        next + 1
                    ),
                ),
                drawing(next + 1),
                Object::text(page, pdfobj::with_entry(page_dict, "/Annots", &annots)),
                Object::text(form, pdfobj::with_entry(form_dict, "/Fields", &list)),
            ]
        })
    };
    let (code, report) = verify_bytes(&added("[100 100 300 140]"));
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("a later revision changes a page"),
        "{report}"
    );
    // The same field with no area, as a document timestamp's: allowed.
    let (code, report) = verify_bytes(&added("[0 0 0 0]"));
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("changes a signature allows"), "{report}");
}

/// The signed fixture with its package replaced by an update after the signature: the
/// file specification points to another stream, as a tool that "updates the data" would.
fn package_replaced(pdf: &[u8], data: &[u8]) -> Vec<u8> {
    replace_attachment(pdf, "province.json)", data)
}

/// `pdf` with the package whose name ends in `ending` replaced by `{}`.
fn package_replaced_named(pdf: &[u8], ending: &str) -> Vec<u8> {
    replace_attachment(pdf, ending, b"{}")
}

fn replace_attachment(pdf: &[u8], ending: &str, data: &[u8]) -> Vec<u8> {
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let (spec, dict) = objects
        .all()
        .find(|(_, d)| d.contains("/Filespec") && d.contains(ending))
        .unwrap();
    let stream = objects.next_free(&trailer, 1).unwrap();
    let dict = pdfobj::with_entry(dict, "/EF", &format!("<</F {stream} 0 R/UF {stream} 0 R>>"));
    use ita_report::archive::update::{Object, append};
    append(
        pdf,
        &trailer,
        &[
            Object::stream(stream, "<</Type/EmbeddedFile>>", data),
            Object::text(spec, dict),
        ],
    )
}

/// `extract` prints the signature's status and writes the package as signed; a package
/// replaced after the signature is refused (written only with --force); a file that was
/// there with other bytes is not replaced; and of two PDFs with same-named packages, the
/// second never replaces the first one's file.
#[test]
fn extract_writes_only_what_the_signature_covers_and_never_over_another_file() {
    let dir = Scratch::new("pdf-extract");
    let d = dir.path();
    let json = "2566-roiet-province.json";
    let original = std::fs::read(root().join("inputs").join(json)).unwrap();
    std::fs::write(d.join("signed.pdf"), signed()).unwrap();
    let run = ita_report(d, &["extract", "signed.pdf", "-o", "a"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("intact: signer นายทดสอบ ลงนาม"),
        "{}",
        stderr(&run)
    );
    assert_eq!(std::fs::read(d.join("a").join(json)).unwrap(), original);

    let forged = b"{\"forged\": true}";
    std::fs::write(d.join("replaced.pdf"), package_replaced(signed(), forged)).unwrap();
    let run = ita_report(d, &["extract", "replaced.pdf", "-o", "b"], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("changed after the signature"),
        "{}",
        stderr(&run)
    );
    assert!(!d.join("b").join(json).exists());
    // Another folder's file of the same name is not replaced without --force either.
    let run = ita_report(d, &["extract", "replaced.pdf", "-o", "a", "--force"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(std::fs::read(d.join("a").join(json)).unwrap(), forged);
    std::fs::remove_dir_all(d.join("a")).unwrap();
    std::fs::create_dir(d.join("a")).unwrap();
    std::fs::write(d.join("a").join(json), b"kept").unwrap();
    let run = ita_report(d, &["extract", "signed.pdf", "-o", "a"], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(std::fs::read(d.join("a").join(json)).unwrap(), b"kept");

    // Two PDFs carrying `2566-roiet-province.json` into one folder: the first is written,
    // the second refused, whatever --force says.
    let run = ita_report(
        d,
        &[
            "extract",
            "signed.pdf",
            "replaced.pdf",
            "-o",
            "c",
            "--force",
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("was just extracted from"),
        "{}",
        stderr(&run)
    );
    assert_eq!(std::fs::read(d.join("c").join(json)).unwrap(), original);
}

/// A file specification no catalog lists (one an update left behind, or hid) is not the
/// document's: `extract` writes only the files of the current revision.
#[test]
fn extract_ignores_files_the_catalog_does_not_list() {
    let pdf = minimal(&[
        b"<</Type/Catalog/Pages 2 0 R/AF[3 0 R]>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        b"<</Type/Filespec/F(a.json)/UF(a.json)/EF<</F 4 0 R>>>>",
        b"<</Type/EmbeddedFile/Length 2>>\nstream\n{}\nendstream",
        b"<</Type/Filespec/F(b.json)/UF(b.json)/EF<</F 6 0 R>>>>",
        b"<</Type/EmbeddedFile/Length 2>>\nstream\n[]\nendstream",
    ]);
    let dir = Scratch::new("pdf-unlisted");
    std::fs::write(dir.path().join("x.pdf"), &pdf).unwrap();
    let run = ita_report(dir.path(), &["extract", "x.pdf", "-o", "out"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(dir.path().join("out/a.json").exists());
    assert!(!dir.path().join("out/b.json").exists());
}

/// An unsigned archival PDF whose package was replaced by an update is not what the folder's
/// manifest lists: `extract` refuses it there, and takes it (nothing vouches either way) once
/// the PDF is away from that manifest.
#[test]
fn extract_refuses_a_package_other_than_the_manifest_lists() {
    let dir = Scratch::new("pdf-manifest-extract");
    let d = dir.path();
    let json = "2566-roiet-announcement.json";
    build_archival(d, json);
    let pdf = d.join("out/2566-roiet-announcement.pdf");
    let forged = package_replaced_named(&std::fs::read(&pdf).unwrap(), "announcement.json)");
    std::fs::write(&pdf, &forged).unwrap();
    let run = ita_report(
        d,
        &["extract", "out/2566-roiet-announcement.pdf", "-o", "x"],
        None,
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("manifest.json lists"),
        "{}",
        stderr(&run)
    );
    assert!(!d.join("x").join(json).exists());
    std::fs::write(d.join("moved.pdf"), &forged).unwrap();
    let run = ita_report(d, &["extract", "moved.pdf", "-o", "y"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(std::fs::read(d.join("y").join(json)).unwrap(), b"{}");
}

// ---- Cross-reference streams ----

/// `pdf` with a cross-reference stream appended as its last section: `dict` (entries other
/// than /Type, /Root and /Length) over `data`.
fn with_xref_stream(pdf: &[u8], dict: &str, data: &[u8]) -> Vec<u8> {
    let trailer = Trailer::read(pdf).unwrap();
    let mut out = pdf.to_vec();
    let at = out.len();
    out.extend_from_slice(
        format!(
            "999 0 obj\n<</Type/XRef/Root {} 0 R{dict}/Length {}>>\nstream\n",
            trailer.root,
            data.len()
        )
        .replace("{at}", &at.to_string())
        .as_bytes(),
    );
    out.extend_from_slice(data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[test]
fn cross_reference_streams_beyond_the_bounds_are_refused_before_they_allocate() {
    let base = minimal(&[
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
    ]);
    let zeros = zlib(&vec![0u8; 80 << 20]);
    let cases: [(&str, &[u8], &str); 6] = [
        ("/Size 3/W[1 9 2]", &[0; 12], "is broken"),
        (
            "/Size 3/W[1 1 1]/Index[0 2000000]",
            &[1, 0, 0],
            "more than 1000000 objects",
        ),
        (
            "/Size 3/W[1 4 2]/Index[0 1000]",
            &[1, 0, 0, 0, 9, 0, 0],
            "is broken",
        ),
        (
            "/Size 3/W[1 1 1]/Index[8388607 2]",
            &[0; 6],
            "beyond the highest",
        ),
        (
            "/Size 3/W[1 1 1]/Filter/FlateDecode",
            &zeros,
            "inflates to more than 64 MB",
        ),
        (
            "/Size 3/W[1 1 1]/Filter/FlateDecode/DecodeParms<</Predictor 12/Colors 100000>>",
            &zlib(&[0; 64]),
            "predictor",
        ),
    ];
    for (dict, data, says) in cases {
        let pdf = with_xref_stream(&base, dict, data);
        let started = Instant::now();
        let read = Trailer::read(&pdf);
        assert!(
            read.as_ref().is_err_and(|e| e.contains(says)),
            "{dict}: {read:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{dict}");
        let run_dir = Scratch::new("pdf-xref-bounds");
        std::fs::write(run_dir.path().join("x.pdf"), &pdf).unwrap();
        let run = ita_report(run_dir.path(), &["verify", "x.pdf"], None);
        no_panic(&run);
        assert_eq!(run.status.code(), Some(1), "{dict}: {}", stderr(&run));
    }
    // Columns beyond the data: one short row, no buffer of a billion bytes.
    let params =
        "/Size 3/W[1 1 1]/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 1000000000>>";
    let row = [&[0u8][..], &[1, 1, 0, 1, 2, 0, 1, 3, 0]].concat();
    let pdf = with_xref_stream(&base, params, &zlib(&row));
    let section = pdfobj::xref::read(&pdf, Trailer::read(&pdf).unwrap().startxref).unwrap();
    assert_eq!(section.entries.len(), 3);
}

/// An update after the signature whose cross-reference stream names itself as /Prev, its
/// data inflating to 60 MB: read once and refused, not a thousand times.
#[test]
fn a_cross_reference_stream_pointing_back_to_itself_is_refused_at_once() {
    let pdf = signed_xref_streams();
    let data = zlib(&vec![0u8; 60 << 20]);
    let looped = with_xref_stream(
        &pdf,
        "/Size 1000/W[1 0 0]/Index[0 1]/Filter/FlateDecode/Prev {at}",
        &data,
    );
    let started = Instant::now();
    let report = verify::inspect(&looped).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let later = &report.signatures[0].later;
    assert!(
        later.iter().any(
            |a| matches!(a, verify::Added::Changed(m) if m.english.contains("does not point back"))
        ),
        "{later:?}"
    );
}

/// An update after the signature adding 300,000 objects, each listed in its table: every
/// entry is looked up, not searched for among all the objects (that took minutes).
#[test]
fn a_later_revision_of_many_objects_is_checked_in_linear_time() {
    let pdf = signed();
    let next = Objects::read(pdf)
        .unwrap()
        .next_free(&Trailer::read(pdf).unwrap(), 300_000)
        .unwrap();
    let mut body = Vec::new();
    let mut entries = Vec::new();
    for n in next..next + 300_000 {
        entries.push((n, body.len()));
        body.extend_from_slice(format!("{n} 0 obj\n<<>>\nendobj\n").as_bytes());
    }
    let many = append(pdf, &body, &entries, true);
    let started = Instant::now();
    let report = verify::inspect(&many).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !report.signatures[0].changed_after(),
        "{:?}",
        report.signatures[0].later
    );
}
