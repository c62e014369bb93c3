//! PDFs saved with cross-reference streams and object streams, as Acrobat, qpdf and pikepdf
//! save them: the archival build rewritten here into that form (the catalog, pages, form and
//! fields packed in compressed object streams, the cross-reference a FlateDecode stream with
//! the PNG Up predictor), then signed by `sign`, checked by `verify`, pyHanko and pdfsig,
//! signed again by pyHanko, and changed after the signature in updates of the same form.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use ita_report::archive::pdfobj::{self, Objects, Trailer};
use ita_report::archive::update::{self, Object};
use ita_report::archive::{fields, verify};

use crate::common::{Scratch, root};
use crate::signing::{PASSWORD, build_archival, certificate, ita_report, key, pkcs12_file, stderr};

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// `pdf` (one or more revisions) saved again as one revision whose objects other than
/// streams sit in object streams of `per_stream` objects, with a cross-reference stream.
pub(crate) fn to_xref_streams(pdf: &[u8], per_stream: usize) -> Vec<u8> {
    let objects = Objects::read(pdf).unwrap();
    let trailer = Trailer::read(pdf).unwrap();
    let header_end = pdf.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut out = pdf[..header_end].to_vec();
    out.extend_from_slice(b"%\xe2\xe3\xcf\xd3\n");
    // Number → (type, second field, third field) of its cross-reference entry.
    let mut entries: Vec<(u32, u8, u32, u32)> = Vec::new();
    let mut plain: Vec<(u32, String)> = Vec::new();
    for (n, text) in objects.all() {
        match objects.raw_stream(n) {
            Some(data) => {
                entries.push((n, 1, out.len() as u32, 0));
                let dict = pdfobj::with_entry(text, "/Length", &data.len().to_string());
                out.extend_from_slice(format!("{n} 0 obj\n{dict}\nstream\n").as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(b"\nendstream\nendobj\n");
            }
            None => plain.push((n, text.to_owned())),
        }
    }
    let mut next = objects.max_number() + 1;
    for chunk in plain.chunks(per_stream) {
        let (mut head, mut body) = (String::new(), String::new());
        for (index, (n, text)) in chunk.iter().enumerate() {
            head.push_str(&format!("{n} {} ", body.len()));
            body.push_str(text);
            body.push('\n');
            entries.push((*n, 2, next, index as u32));
        }
        let data = deflate(format!("{head}\n{body}").as_bytes());
        let dict = format!(
            "<</Type/ObjStm/N {}/First {}/Filter/FlateDecode/Length {}>>",
            chunk.len(),
            head.len() + 1,
            data.len()
        );
        entries.push((next, 1, out.len() as u32, 0));
        out.extend_from_slice(format!("{next} 0 obj\n{dict}\nstream\n").as_bytes());
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        next += 1;
    }
    let xref = out.len();
    entries.push((next, 1, xref as u32, 0));
    entries.sort();
    // Rows of [type, 4-byte field, 2-byte field], each after a PNG "Up" filter byte.
    let mut rows = Vec::new();
    let mut previous = [0u8; 7];
    for n in 0..=next {
        let (kind, second, third) = match entries.binary_search_by_key(&n, |e| e.0) {
            Ok(i) => (entries[i].1, entries[i].2, entries[i].3),
            Err(_) => (0, 0, if n == 0 { 65535 } else { 0 }),
        };
        let mut row = [0u8; 7];
        row[0] = kind;
        row[1..5].copy_from_slice(&second.to_be_bytes());
        row[5..7].copy_from_slice(&(third as u16).to_be_bytes());
        rows.push(2);
        rows.extend(row.iter().zip(&previous).map(|(a, b)| a.wrapping_sub(*b)));
        previous = row;
    }
    let data = deflate(&rows);
    let mut dict = format!(
        "<</Type/XRef/Size {}/W[1 4 2]/Root {} 0 R/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 7>>/Length {}",
        next + 1,
        trailer.root,
        data.len()
    );
    if let Some(info) = &trailer.info {
        dict.push_str(&format!("/Info {info}"));
    }
    if let Some(id) = &trailer.id {
        dict.push_str(&format!("/ID{id}"));
    }
    out.extend_from_slice(format!("{next} 0 obj\n{dict}>>\nstream\n").as_bytes());
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// An update to `pdf` in the form pyHanko writes after an xref-stream file, with every
/// object of `objects` packed in one object stream.
fn packed_update(pdf: &[u8], objects: &[(u32, String)]) -> Vec<u8> {
    let trailer = Trailer::read(pdf).unwrap();
    let stream = Objects::read(pdf).unwrap().next_free(&trailer, 2).unwrap();
    let (mut head, mut body) = (String::new(), String::new());
    for (n, text) in objects {
        head.push_str(&format!("{n} {} ", body.len()));
        body.push_str(text);
        body.push('\n');
    }
    let mut out = pdf.to_vec();
    let at = out.len();
    let data = format!("{head}\n{body}");
    out.extend_from_slice(
        format!(
            "{stream} 0 obj\n<</Type/ObjStm/N {}/First {}/Length {}>>\nstream\n{data}\nendstream\nendobj\n",
            objects.len(),
            head.len() + 1,
            data.len()
        )
        .as_bytes(),
    );
    let xref = out.len();
    // Subsections in ascending order: the packed objects (older numbers), then the object
    // stream and the cross-reference stream.
    let (mut rows, mut index) = (Vec::new(), Vec::new());
    for (k, (n, _)) in objects.iter().enumerate() {
        rows.push(2);
        rows.extend_from_slice(&stream.to_be_bytes());
        rows.push(k as u8);
        index.push(format!("{n} 1"));
    }
    for offset in [at, xref] {
        rows.push(1);
        rows.extend_from_slice(&(offset as u32).to_be_bytes());
        rows.push(0);
    }
    let index = format!("{} {stream} 2", index.join(" "));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Type/XRef/Size {}/W[1 4 1]/Index[{index}]/Root {} 0 R/Prev {}/Length {}>>\nstream\n",
            stream + 1,
            stream + 2,
            trailer.root,
            trailer.startxref,
            rows.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// The Python with pyHanko (ITA_REPORT_PYTHON, else `python3`), if there is one; under
/// CI=true there must be.
fn pyhanko() -> Option<String> {
    let python = std::env::var("ITA_REPORT_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let found = Command::new(&python)
        .args(["-c", "import pyhanko, pyhanko_certvalidator"])
        .output()
        .is_ok_and(|o| o.status.success());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(found || !ci, "CI=true but no Python with pyHanko");
    found.then_some(python)
}

/// tests/interop/pades.py run in `dir`: its standard output.
fn pades(python: &str, dir: &Path, args: &[&str]) -> String {
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

/// Whether pyHanko calls every signature of `file` valid, trusted and unmodified.
fn pyhanko_ok(python: &str, dir: &Path, file: &str, anchors: &[&str]) -> (bool, String) {
    let mut args = vec!["validate", file];
    args.extend(anchors);
    let out = pades(python, dir, &args);
    let verdicts: serde_json::Value = serde_json::from_str(&out).unwrap();
    let all = verdicts.as_array().unwrap();
    (!all.is_empty() && all.iter().all(|s| s["ok"] == true), out)
}

/// pdfsig's verdicts (valid, whole document signed) for the signed fields of `pdf`, or
/// `None` without pdfsig outside CI.
fn pdfsig(pdf: &Path) -> Option<Vec<(bool, bool)>> {
    let Ok(out) = Command::new("pdfsig").arg(pdf).output() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "CI=true but pdfsig is not installed");
        return None;
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(
        text.split("Signature #")
            .skip(1)
            .filter(|block| !block.contains("is not signed"))
            .map(|block| {
                (
                    block.contains("Signature Validation: Signature is Valid."),
                    block.contains("Total document signed"),
                )
            })
            .collect(),
    )
}

/// `verify --json` on `file`: the exit code, and whether every signature is intact with
/// nothing changed after it and trusted; the whole output.
fn verify_signatures(dir: &Path, file: &str, anchors: &[&str]) -> (Option<i32>, bool, String) {
    let mut args = vec!["verify", file, "--json"];
    for anchor in anchors {
        args.extend(["--trust", anchor]);
    }
    let run = ita_report(dir, &args, None);
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    let json: serde_json::Value =
        serde_json::from_str(text.trim()).unwrap_or(serde_json::Value::Null);
    let files = match &json {
        serde_json::Value::Array(files) => files.clone(),
        other => vec![other.clone()],
    };
    let signatures: Vec<&serde_json::Value> = files
        .iter()
        .flat_map(|f| f["signatures"].as_array().into_iter().flatten())
        .collect();
    let ok = !signatures.is_empty()
        && signatures.iter().all(|s| {
            s["intact"] == true && s["changed_after"] == false && s["indication"] == "TOTAL-PASSED"
        });
    (run.status.code(), ok, format!("{text}\n{}", stderr(&run)))
}

/// The province report built archivally in `dir` and rewritten with cross-reference and
/// object streams as `xs.pdf`; a signing identity `id.p12` (its certificate `id.cer`).
fn xref_stream_sample(dir: &Path) -> Vec<u8> {
    let json = "2566-roiet-province.json";
    build_archival(dir, json);
    let built = std::fs::read(dir.join("out/2566-roiet-province.pdf")).unwrap();
    let xs = to_xref_streams(&built, 60);
    std::fs::write(dir.join("xs.pdf"), &xs).unwrap();
    let signer = key("xref-signer");
    let cert = certificate(&signer, "CN=นายทดสอบ ลงนาม,O=จังหวัดร้อยเอ็ด,C=TH");
    std::fs::write(dir.join("id.p12"), pkcs12_file(&signer, &cert, PASSWORD)).unwrap();
    std::fs::write(dir.join("id.cer"), der::Encode::to_der(&cert).unwrap()).unwrap();
    xs
}

#[test]
fn a_pdf_with_cross_reference_and_object_streams_is_read_as_the_original() {
    let dir = Scratch::new("xref-read");
    let xs = xref_stream_sample(dir.path());
    let built = std::fs::read(dir.path().join("out/2566-roiet-province.pdf")).unwrap();
    let trailer = Trailer::read(&xs).unwrap();
    assert!(trailer.xref_stream);
    // The catalog is packed: its bytes are nowhere in the file as written.
    assert!(pdfobj::find(&xs, b"/Type/Catalog", 0).is_none());
    let (a, b) = (Objects::read(&built).unwrap(), Objects::read(&xs).unwrap());
    let (ta, tb) = (Trailer::read(&built).unwrap(), trailer);
    assert_eq!(fields::read(&a, &ta), fields::read(&b, &tb));
    assert_eq!(fields::pages(&a, &ta), fields::pages(&b, &tb));
    assert_eq!(
        ita_report::archive::attachments(&built).unwrap(),
        ita_report::archive::attachments(&xs).unwrap()
    );
    // Every entry of the stream names the object where it is.
    let section = pdfobj::xref::read(&xs, tb.startxref).unwrap();
    assert!(section.stream && section.entries.len() > 50);
}

#[test]
fn sign_and_verify_a_pdf_saved_with_cross_reference_streams_and_others_agree() {
    let dir = Scratch::new("xref-sign");
    let d = dir.path();
    xref_stream_sample(d);
    let run = ita_report(
        d,
        &["sign", "xs.pdf", "--cert", "id.p12", "-o", "one.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let one = std::fs::read(d.join("one.pdf")).unwrap();
    // The update is itself a cross-reference stream, pointing back to the original's.
    let trailer = Trailer::read(&one).unwrap();
    assert!(trailer.xref_stream);
    let section = pdfobj::xref::read(&one, trailer.startxref).unwrap();
    let before = Trailer::read(&std::fs::read(d.join("xs.pdf")).unwrap()).unwrap();
    assert_eq!(
        pdfobj::integer(&section.trailer, "/Prev"),
        Some(before.startxref as i64)
    );
    // The signature holds and nothing follows it; the unsigned revision, rewritten by
    // another tool, is not byte for byte what ita-report builds, and verify says so.
    let (code, ok, out) = verify_signatures(d, "one.pdf", &["id.cer"]);
    assert!(ok, "{out}");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("differs from what ita-report"), "{out}");

    if let Some(pages) = pdfsig(&d.join("one.pdf")) {
        assert_eq!(pages, [(true, true)]);
    }
    let Some(python) = pyhanko() else {
        println!("skipped: no Python with pyHanko (set ITA_REPORT_PYTHON)");
        return;
    };
    let (ok, said) = pyhanko_ok(&python, d, "one.pdf", &["id.cer"]);
    assert!(ok, "{said}");
    // extract takes the package out of the packed catalog's attachment.
    let run = ita_report(d, &["extract", "one.pdf", "-o", "x"], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let json = "2566-roiet-province.json";
    assert_eq!(
        std::fs::read(d.join("x").join(json)).unwrap(),
        std::fs::read(d.join(json)).unwrap()
    );
    // pyHanko signs the next field (B-B), and again with a timestamp, validation data and
    // a document timestamp (B-LTA): its updates of an xref-stream file are streams too.
    pades(
        &python,
        d,
        &["identity", "b.p12", "Deputy Two", "rsa", PASSWORD],
    );
    let field = "ผู้ว่าราชการจังหวัดร้อยเอ็ด (2)";
    for level in ["B-B", "B-LTA"] {
        let sub = d.join(level);
        std::fs::create_dir(&sub).unwrap();
        let (from, to, b) = (d.join("one.pdf"), sub.join("two.pdf"), d.join("b.p12"));
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
        let two = std::fs::read(&to).unwrap();
        assert!(Trailer::read(&two).unwrap().xref_stream, "{level}");
        let file = format!("{level}/two.pdf");
        let tsa = format!("{level}/tsa.pem");
        let mut anchors = vec!["id.cer", "b.p12.pem"];
        if sub.join("tsa.pem").exists() {
            anchors.push(&tsa);
        }
        let (ok, said) = pyhanko_ok(&python, d, &file, &anchors);
        assert!(ok, "{level}: {said}");
        let (_, ok, out) = verify_signatures(d, &file, &anchors);
        assert!(ok, "{level}: {out}");
        if let Some(verdicts) = pdfsig(&to) {
            assert_eq!(
                verdicts[..2],
                [(true, false), (true, level == "B-B")],
                "{level}"
            );
        }
    }
}

/// The signed xref-stream file with page 2 turned in an update: written plainly with an
/// xref stream (as `update::append` continues such a file), or packed in an object stream.
#[test]
fn a_page_changed_in_a_later_cross_reference_stream_update_is_caught() {
    let dir = Scratch::new("xref-change");
    let d = dir.path();
    xref_stream_sample(d);
    let run = ita_report(
        d,
        &["sign", "xs.pdf", "--cert", "id.p12", "-o", "one.pdf"],
        Some(PASSWORD),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let one = std::fs::read(d.join("one.pdf")).unwrap();
    let objects = Objects::read(&one).unwrap();
    let trailer = Trailer::read(&one).unwrap();
    let page = fields::pages(&objects, &trailer)[1];
    let turned = pdfobj::with_entry(objects.get(page).unwrap(), "/Rotate", "90");
    let plain = update::append(&one, &trailer, &[Object::text(page, turned.clone())]);
    assert!(Trailer::read(&plain).unwrap().xref_stream);
    let packed = packed_update(&one, &[(page, turned)]);
    assert_eq!(
        Objects::read(&packed)
            .unwrap()
            .get(page)
            .and_then(|p| pdfobj::value(p, "/Rotate")),
        Some("90"),
        "the reader sees the page as a viewer would"
    );
    for (name, pdf) in [("plain.pdf", plain), ("packed.pdf", packed)] {
        std::fs::write(d.join(name), &pdf).unwrap();
        let report = verify::inspect(&pdf).unwrap();
        assert!(report.signatures[0].changed_after(), "{name}");
        let (code, ok, out) = verify_signatures(d, name, &["id.cer"]);
        assert!(!ok && code == Some(1), "{name}: {out}");
        assert!(
            out.contains("a later revision changes a page"),
            "{name}: {out}"
        );
        if let Some(python) = pyhanko() {
            let (ok, said) = pyhanko_ok(&python, d, name, &["id.cer"]);
            assert!(!ok, "{name}: pyHanko agrees it is not ok: {said}");
        }
    }
}
