//! The commands of the archive: `extract`, `sign`, `ltv`, `verify`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use super::{Verb, shown, summary};
use crate::archive::{keystore, sign, verify};
use crate::diagnostic::{Diagnostic, Failure, Message};
use crate::engine::{BuildOptions, Engine};
use crate::framework::Frameworks;
use crate::message;
use crate::pdf;
use crate::world::Compiler;
use crate::world::Fonts;

/// The options of `extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Archival PDFs.
    #[arg(required = true)]
    pub pdfs: Vec<PathBuf>,
    /// Folder to write into (default: the current one).
    #[arg(short, long, default_value = ".")]
    pub output: PathBuf,
    /// Extract files the signatures do not vouch for (changed after signing, a broken
    /// signature) and replace files of the folder that differ.
    #[arg(long)]
    pub force: bool,
}

/// The options of `sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The PDFs to sign; one that fails does not stop the others.
    #[arg(required = true)]
    pub pdfs: Vec<PathBuf>,
    /// The signer's certificate and private key (PKCS#12, .p12/.pfx, also the older
    /// triple-DES/RC2 exports): RSA 2048-4096 or ECDSA P-256/P-384.
    #[arg(long, value_name = "ID.p12")]
    pub cert: PathBuf,
    /// The field to sign (default: the first empty one).
    #[arg(long)]
    pub field: Option<String>,
    /// Why it is signed (the signature's /Reason).
    #[arg(long)]
    pub reason: Option<String>,
    /// Where it is signed (the signature's /Location).
    #[arg(long)]
    pub location: Option<String>,
    /// Where to write the signed PDF, one PDF only (default: over the input, which only
    /// grows).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Extra font folder for the signature's appearance; may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// An RFC 3161 time-stamping authority (http://…): its token over the signature
    /// proves when it was made (PAdES B-T).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
}

/// The options of `ltv`.
#[derive(Debug, clap::Args)]
pub struct LtvArgs {
    /// The signed PDF.
    pub pdf: PathBuf,
    /// The RFC 3161 time-stamping authority (http://…) of the document timestamp.
    #[arg(long, value_name = "URL")]
    pub tsa: String,
    /// A CRL (DER or PEM) to keep; may be repeated.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// An OCSP response (DER or PEM) to keep; may be repeated.
    #[arg(long = "ocsp", value_name = "FILE")]
    pub ocsps: Vec<PathBuf>,
    /// Certificates (DER or PEM) to keep beside the ones the signatures carry, such as
    /// the issuers' chain; may be repeated.
    #[arg(long = "cert-chain", value_name = "FILE")]
    pub certs: Vec<PathBuf>,
    /// Where to write (default: over the input, which only grows).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// The options of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// PDFs to check.
    #[arg(required_unless_present = "manifest")]
    pub pdfs: Vec<PathBuf>,
    /// Check every PDF of the folder against its `manifest.json`: each listed file is
    /// there with the hash recorded, or has been signed since and its signatures hold.
    #[arg(long, value_name = "DIR")]
    pub manifest: Option<PathBuf>,
    /// The templates the PDFs were built with, if not the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The font folders the PDFs were built with; may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// The font family the PDFs were built with, if chosen on the command line.
    #[arg(long)]
    pub font: Option<String>,
    /// Certificates to trust as anchors (PEM files, or folders of .pem/.crt/.cer); a
    /// signer's certificate must lead to one of them. May be repeated.
    #[arg(long, value_name = "FILE|DIR")]
    pub trust: Vec<PathBuf>,
    /// Also write the results as JSON on standard output (one object per file, each
    /// signature with its ETSI indication).
    #[arg(long)]
    pub json: bool,
}

impl ExtractArgs {
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        match pdfs_of(&self.pdfs) {
            Ok(pdfs) => extract(&pdfs, &self.output, self.force, err),
            Err(d) => {
                let _ = d.emit(err);
                ExitCode::from(2)
            }
        }
    }
}

impl SignArgs {
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let request = sign::Request {
            field: self.field,
            reason: self.reason,
            location: self.location,
            tsa: self.tsa,
            ..sign::Request::now()
        };
        let output = self.output.as_deref();
        sign_files(
            &self.pdfs,
            &self.cert,
            &request,
            output,
            &self.font_dirs,
            err,
        )
    }
}

impl LtvArgs {
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let given = (&self.certs[..], &self.crls[..], &self.ocsps[..]);
        ltv(&self.pdf, self.output.as_deref(), &self.tsa, given, err)
    }
}

impl VerifyArgs {
    /// The PDFs named, then the folder's manifest when given (alone, only the manifest).
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
        let mut code = ExitCode::SUCCESS;
        if !self.pdfs.is_empty() || self.manifest.is_none() {
            let pdfs = match pdfs_of(&self.pdfs) {
                Ok(pdfs) => pdfs,
                Err(d) => {
                    let _ = d.emit(err);
                    return ExitCode::from(2);
                }
            };
            let templates = self.templates.as_deref();
            let (fonts, font) = (&self.font_dirs, self.font);
            code = verify(&pdfs, templates, fonts, font, &self.trust, self.json, err);
        }
        if let Some(dir) = &self.manifest
            && super::manifest::verify(dir, err) != ExitCode::SUCCESS
        {
            code = ExitCode::from(1);
        }
        code
    }
}

/// The PDFs named: files as given, folders as the `.pdf` files directly in them, sorted.
fn pdfs_of(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let folder = shown(path);
        let entries = std::fs::read_dir(path).map_err(|e| {
            Diagnostic::error(message!(
                "อ่านโฟลเดอร์ `{folder}` ไม่ได้: {e}",
                "cannot read the folder `{folder}`: {e}"
            ))
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")))
            .collect();
        if found.is_empty() {
            return Err(Diagnostic::error(message!(
                "ไม่มีแฟ้ม PDF ในโฟลเดอร์ `{folder}`",
                "the folder `{folder}` holds no PDF"
            )));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// `ita-report verify`: every file checked, a line per check, exit 1 when anything fails;
/// with `json`, the same as a JSON array on standard output, one object per file.
pub fn verify(
    pdfs: &[PathBuf],
    templates: Option<&Path>,
    font_dirs: &[PathBuf],
    font: Option<String>,
    trust: &[PathBuf],
    json: bool,
    err: &mut StandardStream,
) -> ExitCode {
    let anchors = match crate::archive::trust::anchors(trust) {
        Ok(anchors) => anchors,
        Err(e) => {
            let _ = Diagnostic::error(e).emit(err);
            return ExitCode::from(2);
        }
    };
    let trust = Trust {
        anchors,
        now: sign::Request::now().time,
    };
    let started =
        Frameworks::load(templates).and_then(|f| Ok((f, Engine::new(templates, font_dirs)?)));
    let (frameworks, engine) = match started {
        Ok(started) => started,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        font,
        ..BuildOptions::default()
    };
    let mut reports = Vec::new();
    let mut failed = Vec::new();
    for pdf in pdfs {
        let (ok, report) = verify_file(pdf, &engine, &frameworks, &options, &trust, err);
        if !ok {
            failed.push(shown(pdf));
        }
        reports.push(report);
    }
    if json {
        let text = serde_json::to_string_pretty(&reports).unwrap_or_default();
        let _ = writeln!(std::io::stdout(), "{text}");
    }
    let (count, bad) = (pdfs.len(), failed.len());
    if failed.is_empty() {
        let _ = writeln!(
            err,
            "{}",
            message!(
                "ตรวจ {count} แฟ้ม: ผ่านทั้งหมด",
                "verified {count} file(s): all ok"
            )
        );
        ExitCode::SUCCESS
    } else {
        let list = failed.join(", ");
        let _ = writeln!(
            err,
            "{}",
            message!(
                "ตรวจ {count} แฟ้ม: ไม่ผ่าน {bad} แฟ้ม: {list}",
                "verified {count} file(s): {bad} failed: {list}"
            )
        );
        ExitCode::from(1)
    }
}

/// `ita-report extract`: each PDF's attachments with its signatures' status; files the
/// signatures do not vouch for only with `force`, and never one PDF's over another's.
pub fn extract(pdfs: &[PathBuf], output: &Path, force: bool, err: &mut StandardStream) -> ExitCode {
    let mut taken = std::collections::BTreeMap::new();
    let mut failed = Vec::new();
    for pdf in pdfs {
        if let Err(d) = extract_one(pdf, output, force, &mut taken, err) {
            let _ = d.emit(err);
            failed.push(shown(pdf));
        }
    }
    summary(Verb::Extracted, pdfs.len(), &failed, err)
}

fn extract_one(
    pdf: &Path,
    output: &Path,
    force: bool,
    taken: &mut std::collections::BTreeMap<String, PathBuf>,
    err: &mut StandardStream,
) -> Result<(), Diagnostic> {
    use crate::archive::{Manifest, extract};
    let name = shown(pdf);
    let bytes = crate::confine::read_limited(pdf, crate::archive::pdfobj::PDF_BYTES as u64)
        .map_err(|e| {
            Diagnostic::error(message!(
                "อ่าน `{name}` ไม่ได้: {e}",
                "cannot read `{name}`: {e}"
            ))
        })?;
    let folder = pdf
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = pdf.file_name().map(|f| f.to_string_lossy().into_owned());
    let listed = Manifest::read(folder)
        .files
        .into_iter()
        .find(|e| Some(&e.file) == file.as_ref());
    let found = extract::read(&bytes, listed.as_ref())
        .map_err(|m| Diagnostic::error(message!("`{name}`: {m}", "`{name}`: {m}")))?;
    let _ = writeln!(err, "{name}:");
    if found.signatures.is_empty() {
        let _ = writeln!(err, "  {}", message!("ไม่มีลายมือชื่อ", "no signatures"));
    }
    for s in &found.signatures {
        let (field, time) = (&s.field, s.time.as_deref().unwrap_or("–"));
        let signer = s
            .certificate
            .as_deref()
            .map_or_else(|| "?".to_owned(), sign::common_name);
        let line = match &s.intact {
            Ok(()) => message!(
                "ลายมือชื่อในช่อง `{field}` สมบูรณ์: ผู้ลงนาม {signer} เวลา {time}",
                "signature in `{field}` intact: signer {signer}, at {time}"
            ),
            Err(why) => message!(
                "ลายมือชื่อในช่อง `{field}` ไม่สมบูรณ์: {why}",
                "signature in `{field}` NOT intact: {why}"
            ),
        };
        let _ = writeln!(err, "  {}", crate::diagnostic::terminal_safe(line.shown()));
    }
    if let Some(doubt) = found.doubt {
        let message = message!("`{name}`: {doubt}", "`{name}`: {doubt}");
        if !force {
            return Err(Diagnostic::error(message).with_note(message!(
                "ไม่ได้ถอดแฟ้มใด ใช้ --force หากต้องการถอดออกมาทั้งที่เป็นเช่นนี้",
                "nothing was extracted; --force extracts the files all the same"
            )));
        }
        let _ = Diagnostic::warning(message).emit(err);
    }
    let written = extract::write(&found.files, pdf, output, taken, force)
        .map_err(|m| Diagnostic::error(message!("`{name}`: {m}", "`{name}`: {m}")))?;
    for path in written {
        let path = shown(&path);
        let _ = writeln!(err, "{}", message!("เขียน {path}", "wrote {path}"));
    }
    Ok(())
}

/// The password of a PKCS#12 file: ITA_REPORT_P12_PASSWORD, else typed on the terminal
/// without echo. Never an argument: arguments show in process lists and shell history.
fn password(cert: &Path) -> Result<String, Diagnostic> {
    if let Ok(password) = std::env::var("ITA_REPORT_P12_PASSWORD") {
        return Ok(password);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(
            Diagnostic::error(format!("no password for `{}`", shown(cert)))
                .with_note("set ITA_REPORT_P12_PASSWORD, or run on a terminal to be asked"),
        );
    }
    eprint!("password for {}: ", shown(cert));
    let _ = std::io::stderr().flush();
    // The standard library cannot turn echo off; `stty` is there wherever there is a terminal.
    let echo = |on: bool| {
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let _ = echo(false);
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    let _ = echo(true);
    eprintln!();
    read.map_err(|e| {
        Diagnostic::error(message!(
            "อ่านรหัสผ่านไม่ได้: {e}",
            "cannot read the password: {e}"
        ))
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// `ita-report sign`: every PDF signed with one identity (one password asked), each
/// written over itself or to `output` (one PDF only); one that fails does not stop the rest,
/// and the exit is 1 when any failed.
pub fn sign_files(
    pdfs: &[PathBuf],
    cert: &Path,
    request: &sign::Request,
    output: Option<&Path>,
    font_dirs: &[PathBuf],
    err: &mut StandardStream,
) -> ExitCode {
    if output.is_some() && pdfs.len() > 1 {
        let _ = Diagnostic::error(message!(
            "-o ใช้ได้เมื่อลงนาม PDF แฟ้มเดียว (ลงนามหลายแฟ้ม แต่ละแฟ้มจะถูกเขียนทับด้วยฉบับที่ลงนามแล้ว)",
            "-o takes one PDF to sign (several PDFs are each written over with their signed version)"
        ))
        .emit(err);
        return ExitCode::from(2);
    }
    let ready = signer(cert, request, font_dirs, err);
    let Some((identity, compiler)) = ready else {
        return ExitCode::from(1);
    };
    let mut failed = Vec::new();
    for pdf in pdfs {
        let target = output.unwrap_or(pdf);
        match sign_one(pdf, target, &identity, &compiler, request) {
            Ok((line, warning)) => {
                let _ = writeln!(err, "{line}");
                if let Some(warning) = warning {
                    let _ = Diagnostic::warning(warning).emit(err);
                }
            }
            Err(d) => {
                let _ = d.emit(err);
                failed.push(shown(pdf));
            }
        }
    }
    if pdfs.len() == 1 {
        return if failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    summary(Verb::Signed, pdfs.len(), &failed, err)
}

/// The signer's identity (its weak protections and an unvouched name warned of) and the
/// compiler of the appearances; `None` once the reason is printed.
fn signer(
    cert: &Path,
    request: &sign::Request,
    font_dirs: &[PathBuf],
    err: &mut StandardStream,
) -> Option<(keystore::Identity, Compiler)> {
    let run = || -> Result<_, Diagnostic> {
        let p12 = std::fs::read(cert).map_err(|e| {
            Diagnostic::error(message!(
                "อ่าน `{file}` ไม่ได้: {e}",
                "cannot read `{file}`: {e}",
                file = shown(cert)
            ))
        })?;
        let identity = keystore::read(&p12, &password(cert)?).map_err(|e| {
            let file = shown(cert);
            Diagnostic::error(message!("`{file}`: {e}", "`{file}`: {e}"))
        })?;
        let warning = refuse_unfit(&identity, request.time)?;
        Ok((identity, warning, Compiler::new(Fonts::load(font_dirs)?)))
    };
    match run() {
        Ok((identity, warning, compiler)) => {
            if !identity.weak.is_empty() {
                let (file, weak) = (shown(cert), identity.weak.join(", "));
                let _ = Diagnostic::warning(message!(
                    "`{file}` ป้องกันด้วยการเข้ารหัสแบบเก่าที่อ่อน ({weak}): ผู้ได้แฟ้มไปอาจเดารหัสผ่านได้ง่าย ควรส่งออกใหม่ด้วย AES-256 และ SHA-256",
                    "`{file}` is protected by old, weak encryption ({weak}): whoever obtains the file can guess its password far more easily; export it again with AES-256 and SHA-256"
                ))
                .with_note(message!(
                    "openssl pkcs12 -legacy -in เดิม.p12 -nodes | openssl pkcs12 -export -out ใหม่.p12",
                    "openssl pkcs12 -legacy -in OLD.p12 -nodes | openssl pkcs12 -export -out NEW.p12"
                ))
                .emit(err);
            }
            if let Some(warning) = warning {
                let _ = Diagnostic::warning(warning).emit(err);
            }
            Some((identity, compiler))
        }
        Err(d) => {
            let _ = d.emit(err);
            None
        }
    }
}

/// Signs one PDF into `output` and updates its folder's manifest; the line to print, and a
/// warning when the name printed under the field is not the certificate's.
fn sign_one(
    pdf: &Path,
    output: &Path,
    identity: &keystore::Identity,
    compiler: &Compiler,
    request: &sign::Request,
) -> Result<(Message, Option<Message>), Diagnostic> {
    let bytes = std::fs::read(pdf).map_err(|e| {
        Diagnostic::error(message!(
            "อ่าน `{file}` ไม่ได้: {e}",
            "cannot read `{file}`: {e}",
            file = shown(pdf)
        ))
    })?;
    let signed = sign::sign(&bytes, identity, compiler, request)
        .map_err(|e| Diagnostic::error(format!("`{}`: {e}", shown(pdf))))?;
    pdf::write_atomic(output, &signed.pdf)
        .map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", shown(output))))?;
    // The manifest of the folder lists the signed bytes from now on.
    super::manifest::signed(pdf, output, &signed.pdf)?;
    let (output, signer) = (shown(output), sign::common_name(&identity.certificate));
    let field = &signed.field;
    let warning = signed.other_name.map(|printed| {
        message!(
            "{output}: ใบรับรองเป็นของ {signer} แต่ชื่อที่พิมพ์ใต้ช่อง `{field}` คือ {printed}",
            "{output}: the certificate is {signer}'s, but the name printed under `{field}` is {printed}"
        )
    });
    let line = message!(
        "ลงนามแล้ว: {output} ในช่อง `{field}` ในนาม {signer}",
        "signed {output} in `{field}` as {signer}"
    );
    Ok((line, warning))
}

/// The trust anchors `verify` was given and the time it validates at.
struct Trust {
    anchors: Vec<x509_cert::Certificate>,
    now: u64,
}

/// Refuses a certificate `verify` would fail whoever trusts it: not for signing, expired or
/// not yet valid at the signing time. A self-signed one (no authority vouches for the name
/// in it) is signed with, and the returned warning says so.
fn refuse_unfit(identity: &keystore::Identity, time: u64) -> Result<Option<Message>, Diagnostic> {
    use crate::archive::trust::{self, Indication};
    let verdict = trust::certificate_verdict(
        &identity.certificate,
        &identity.chain,
        &[],
        time,
        Some(time),
    );
    let why = verdict.why.clone().unwrap_or_else(|| message!("", ""));
    match (verdict.indication, verdict.sub_indication) {
        (Indication::TotalPassed, _) => Ok(None),
        (_, Some("NO_CERTIFICATE_CHAIN_FOUND")) => Ok(Some(why)),
        _ => Err(Diagnostic::error(message!(
            "ใช้ใบรับรองนี้ลงนามไม่ได้: {why}",
            "this certificate cannot sign: {why}"
        ))),
    }
}

/// Checks one PDF and prints what holds and what fails; true when nothing fails, and the
/// same as JSON.
fn verify_file(
    path: &Path,
    engine: &Engine,
    frameworks: &Frameworks,
    options: &BuildOptions,
    trust: &Trust,
    err: &mut StandardStream,
) -> (bool, serde_json::Value) {
    let name = shown(path);
    let checks = std::fs::read(path)
        .map_err(|e| {
            message!("อ่าน `{name}` ไม่ได้: {e}", "cannot read `{name}`: {e}")
                .shown()
                .to_owned()
        })
        .and_then(|bytes| {
            Ok((
                verify::inspect(&bytes).map_err(|e| format!("`{name}`: {e}"))?,
                bytes,
            ))
        });
    let (report, bytes) = match checks {
        Ok(read) => read,
        Err(message) => {
            let json = serde_json::json!({ "file": name, "ok": false, "error": message });
            let _ = Diagnostic::error(message).emit(err);
            return (false, json);
        }
    };
    let _ = writeln!(err, "{name}:");
    let lines = verify_lines(path, &bytes, &report, engine, frameworks, options, trust);
    for (ok, text) in &lines {
        let verdict = if *ok {
            message!("ผ่าน  ", "ok  ")
        } else {
            message!("ไม่ผ่าน", "FAIL")
        };
        let _ = writeln!(
            err,
            "  {verdict} {}",
            crate::diagnostic::terminal_safe(text.shown())
        );
    }
    let ok = lines.iter().all(|(ok, _)| *ok);
    let checks: Vec<serde_json::Value> = lines
        .iter()
        .map(|(ok, text)| serde_json::json!({ "ok": ok, "text": text.english.trim() }))
        .collect();
    let signatures: Vec<serde_json::Value> = report
        .signatures
        .iter()
        .map(|s| signature_json(s, trust))
        .collect();
    let json = serde_json::json!({
        "file": name,
        "ok": ok,
        "checks": checks,
        "bytes_after_last_eof": report.trailing,
        "signatures": signatures,
    });
    (ok, json)
}

/// One signature for `verify --json`: the words in English, for programs.
fn signature_json(s: &verify::Signature, trust: &Trust) -> serde_json::Value {
    use serde_json::json;
    let verdict = crate::archive::trust::verdict(s, &trust.anchors, trust.now);
    let later: Vec<serde_json::Value> = s
        .later
        .iter()
        .map(|added| match added {
            verify::Added::Signature(field) => json!({ "kind": "signature", "field": field }),
            verify::Added::Timestamp(field) => json!({ "kind": "timestamp", "field": field }),
            verify::Added::Dss(end) => json!({ "kind": "dss", "to": end }),
            verify::Added::Allowed(end) => json!({ "kind": "allowed", "to": end }),
            verify::Added::Changed(why) => json!({ "kind": "changed", "why": why.english }),
        })
        .collect();
    json!({
        "field": s.field,
        "signer": s.subject,
        "time": s.time,
        "document_timestamp": s.timestamp,
        "intact": s.intact.is_ok(),
        "problem": s.intact.as_ref().err().map(|m| &m.english),
        "indication": verdict.label().split('/').next(),
        "sub_indication": verdict.sub_indication,
        "why": verdict.why.map(|m| m.english),
        "notes": verdict.notes.iter().map(|m| m.english.clone()).collect::<Vec<_>>(),
        "signature_timestamp": s.stamp.as_ref().map(|stamp| match stamp {
            Ok(stamp) => json!({
                "time": stamp.time,
                "authority": stamp.certificate.tbs_certificate.subject.to_string(),
                "intact": stamp.intact.is_ok(),
            }),
            Err(why) => json!({ "intact": false, "problem": why.english }),
        }),
        "covers_to": s.covers_to,
        "added_after": later,
        "changed_after": s.changed_after(),
    })
}

/// What `verify` says of one file, a line per check: whether it holds, and the words.
fn verify_lines(
    path: &Path,
    bytes: &[u8],
    report: &verify::Report,
    engine: &Engine,
    frameworks: &Frameworks,
    options: &BuildOptions,
    trust: &Trust,
) -> Vec<(bool, Message)> {
    let claim = if report.pdf_a3 {
        message!(
            "ระบุว่าเป็น PDF/A-3 (XMP pdfaid)",
            "claims PDF/A-3 (XMP pdfaid)"
        )
    } else {
        message!("ไม่ได้ระบุว่าเป็น PDF/A-3", "does not claim PDF/A-3")
    };
    let mut lines = vec![(report.pdf_a3, claim)];
    match &report.package {
        None => lines.push((false, message!("ไม่มีแฟ้มข้อมูลแนบ", "has no attached package"))),
        Some((package, data)) => {
            lines.push((
                true,
                message!("มีแฟ้มข้อมูลแนบ `{package}`", "carries the package `{package}`"),
            ));
            // Emblems are not inside the PDF: they are read beside it, as a build there would.
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let original = &bytes[..report.unsigned_len];
            lines.push(rebuilt(
                original,
                data,
                package,
                dir,
                engine,
                frameworks,
                options,
                report.build.as_ref(),
            ));
        }
    }
    if report.trailing > 0 {
        let n = report.trailing;
        lines.push((
            false,
            message!(
                "มีข้อมูล {n} ไบต์ต่อท้าย %%EOF สุดท้าย (PDF/A ไม่อนุญาต)",
                "{n} bytes after the last %%EOF (PDF/A forbids them)"
            ),
        ));
    }
    if report.signatures.is_empty() {
        lines.push((true, message!("ไม่มีลายมือชื่อ", "no signatures")));
    }
    for s in &report.signatures {
        lines.extend(signature_lines(s, trust));
    }
    lines
}

/// Whether the unsigned revision `original` is what this version builds from the attached
/// package with the options the PDF records (the font unless `--font` says otherwise); when
/// it is not and the recorded options cannot be met here, the line says "built differently"
/// and why, rather than "differs".
#[allow(clippy::too_many_arguments)]
fn rebuilt(
    original: &[u8],
    data: &[u8],
    package: &str,
    dir: &Path,
    engine: &Engine,
    frameworks: &Frameworks,
    options: &BuildOptions,
    record: Option<&crate::archive::BuildRecord>,
) -> (bool, Message) {
    let (version, size) = (env!("CARGO_PKG_VERSION"), original.len());
    let options = BuildOptions {
        font: options
            .font
            .clone()
            .or_else(|| record.map(|r| r.font.clone())),
        ..options.clone()
    };
    let reasons = record.map_or_else(Vec::new, |r| differences(r, engine));
    let differently = |reasons: &[Message]| {
        let why = reasons
            .iter()
            .map(Message::shown)
            .collect::<Vec<_>>()
            .join("; ");
        (
            false,
            message!(
                "ฉบับก่อนลงนาม ({size} ไบต์) สร้างด้วยค่าที่ต่างจากที่นี่ จึงเทียบกับข้อมูลแนบไม่ได้: {why}",
                "unsigned revision ({size} bytes) was built differently, so it cannot be compared with the attached package here: {why}"
            ),
        )
    };
    if record.is_some_and(|r| !engine.fonts().has_family(&r.font)) {
        return differently(&reasons);
    }
    match engine.reproduces(original, data, package, dir, frameworks, &options) {
        Ok(Some(stem)) => (
            true,
            message!(
                "ฉบับก่อนลงนาม ({size} ไบต์) ตรงกับที่ ita-report {version} สร้างจากข้อมูลแนบทุกไบต์ (เป็น {stem}.pdf)",
                "unsigned revision ({size} bytes) is byte for byte what ita-report {version} builds from it (as {stem}.pdf)"
            ),
        ),
        Ok(None) if !reasons.is_empty() => differently(&reasons),
        Ok(None) => (
            false,
            message!(
                "ฉบับก่อนลงนาม ({size} ไบต์) ไม่ตรงกับที่ ita-report {version} สร้างจากข้อมูลแนบ",
                "unsigned revision ({size} bytes) differs from what ita-report {version} builds from the attached package"
            ),
        ),
        Err(Failure(d)) => {
            let why = d
                .first()
                .map_or(String::new(), |d| d.message.shown().to_owned());
            (
                false,
                message!(
                    "ข้อมูลแนบสร้างเอกสารไม่ได้: {why}",
                    "the attached package does not build: {why}"
                ),
            )
        }
    }
}

/// What the options a PDF records differ in from what this run can build with: the
/// program's version, a font not installed here (by family, or a recorded font file's
/// bytes), customised templates.
fn differences(record: &crate::archive::BuildRecord, engine: &Engine) -> Vec<Message> {
    let version = env!("CARGO_PKG_VERSION");
    let mut reasons = Vec::new();
    let (theirs, font) = (&record.ita_report, &record.font);
    if *theirs != version {
        reasons.push(message!(
            "สร้างด้วย ita-report {theirs} (ที่นี่เป็น {version})",
            "built by ita-report {theirs} (this is {version})"
        ));
    }
    if !engine.fonts().has_family(font) {
        reasons.push(message!(
            "ตั้งด้วยแบบอักษร {font} ซึ่งไม่มีที่นี่ (--font-dir)",
            "set in the font {font}, which is not here (--font-dir)"
        ));
    }
    reasons.extend(crate::archive::fonts::differences(
        &record.font_files,
        engine.fonts(),
    ));
    if record.templates == "custom" {
        reasons.push(message!(
            "สร้างด้วยแม่แบบที่ปรับเอง (ให้ด้วย --templates)",
            "built with customised templates (give them with --templates)"
        ));
    }
    reasons
}

/// Whether a signature holds, and what was added after it.
fn signature_lines(s: &verify::Signature, trust: &Trust) -> [(bool, Message); 3] {
    let field = &s.field;
    let signer = s.subject.as_deref().unwrap_or("?");
    let time = s.time.as_deref().unwrap_or("–");
    let holds = match &s.intact {
        Ok(()) => (
            true,
            message!(
                "ลายมือชื่อในช่อง `{field}` สมบูรณ์: ผู้ลงนาม {signer} เวลา {time}",
                "signature in `{field}` intact: signer {signer}, at {time}"
            ),
        ),
        Err(why) => (
            false,
            message!(
                "ลายมือชื่อในช่อง `{field}` ไม่สมบูรณ์: {why} (ผู้ลงนาม {signer} เวลา {time})",
                "signature in `{field}` NOT intact: {why} (signer {signer}, at {time})"
            ),
        ),
    };
    let added: Vec<Message> = s
        .later
        .iter()
        .map(|added| match added {
            verify::Added::Signature(other) => {
                message!("ลายมือชื่อในช่อง `{other}`", "signed in `{other}`")
            }
            verify::Added::Timestamp(other) => message!(
                "ตราประทับเวลาเอกสารในช่อง `{other}`",
                "a document timestamp in `{other}`"
            ),
            verify::Added::Dss(end) => message!(
                "ข้อมูลสำหรับตรวจสอบระยะยาว (DSS ถึงไบต์ที่ {end})",
                "validation data (DSS, bytes up to {end})"
            ),
            verify::Added::Allowed(end) => message!(
                "การแก้ไขที่ลายมือชื่ออนุญาต เช่น ช่องลงนามหรือ metadata (ถึงไบต์ที่ {end})",
                "changes a signature allows, such as signature fields or metadata (bytes up to {end})"
            ),
            verify::Added::Changed(why) => message!(
                "การแก้ไขที่ลายมือชื่อไม่อนุญาต: {why}",
                "a change the signature does not allow: {why}"
            ),
        })
        .collect();
    let after = if added.is_empty() {
        message!("  ไม่มีสิ่งใดเพิ่มหลังลงนาม", "  nothing added after it")
    } else {
        let list = added
            .iter()
            .map(Message::shown)
            .collect::<Vec<_>>()
            .join("; ");
        message!("  เพิ่มหลังลงนาม: {list}", "  added after it: {list}")
    };
    let verdict = crate::archive::trust::verdict(s, &trust.anchors, trust.now);
    let label = verdict.label();
    let notes = verdict
        .notes
        .iter()
        .map(|n| format!("; {}", n.shown()))
        .collect::<String>();
    let etsi = match (&verdict.why, &s.intact) {
        (Some(why), Ok(())) => message!(
            "  ผลตาม ETSI EN 319 102-1: {label}: {why}{notes}",
            "  ETSI EN 319 102-1: {label}: {why}{notes}"
        ),
        _ => message!(
            "  ผลตาม ETSI EN 319 102-1: {label}{notes}",
            "  ETSI EN 319 102-1: {label}{notes}"
        ),
    };
    let passed = verdict.indication == crate::archive::trust::Indication::TotalPassed;
    [holds, (passed, etsi), (!s.changed_after(), after)]
}

/// `ita-report ltv`: the validation data given and the signatures' chains kept in a DSS,
/// then a document timestamp over the whole file (PAdES B-LTA), written to `output` (the
/// input by default) only when both are made.
pub fn ltv(
    pdf: &Path,
    output: Option<&Path>,
    tsa: &str,
    given: (&[PathBuf], &[PathBuf], &[PathBuf]),
    err: &mut StandardStream,
) -> ExitCode {
    use crate::archive::ltv::{self, Kind};
    let mut run = || -> Result<(), Diagnostic> {
        let (certs, crls, ocsps) = given;
        let mut data = ltv::Given::default();
        for (paths, kind, into) in [
            (certs, Kind::Certificate, &mut data.certs),
            (crls, Kind::Crl, &mut data.crls),
            (ocsps, Kind::Ocsp, &mut data.ocsps),
        ] {
            for path in paths {
                into.extend(ltv::read(path, kind).map_err(Diagnostic::error)?);
            }
        }
        let name = shown(pdf);
        let bytes = std::fs::read(pdf).map_err(|e| {
            Diagnostic::error(message!(
                "อ่าน `{name}` ไม่ได้: {e}",
                "cannot read `{name}`: {e}"
            ))
        })?;
        let extended = ltv::extend(&bytes, &data, tsa)
            .map_err(|m| Diagnostic::error(message!("`{name}`: {m}", "`{name}`: {m}")))?;
        let target = output.unwrap_or(pdf);
        pdf::write_atomic(target, &extended).map_err(|e| {
            let target = shown(target);
            Diagnostic::error(message!(
                "เขียน `{target}` ไม่ได้: {e}",
                "cannot write `{target}`: {e}"
            ))
        })?;
        super::manifest::signed(pdf, target, &extended)?;
        let (target, crls, ocsps) = (shown(target), data.crls.len(), data.ocsps.len());
        let _ = writeln!(
            err,
            "{}",
            message!(
                "เพิ่มข้อมูลตรวจสอบระยะยาว (DSS: CRL {crls} รายการ, OCSP {ocsps} รายการ) และตราประทับเวลาเอกสารให้ {target} แล้ว",
                "added validation data (DSS: {crls} CRL(s), {ocsps} OCSP response(s)) and a document timestamp to {target}"
            )
        );
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            let _ = d.emit(err);
            ExitCode::from(1)
        }
    }
}
