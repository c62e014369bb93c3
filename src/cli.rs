//! The command line: what to build, where to write it, what to print, which exit code.
//!
//! Only this module prints. A batch goes on past a bad package and ends with a summary; the
//! exit code is 0 when every package succeeded, 1 when any failed, 2 when the run itself
//! could not start (bad options, unreadable fonts or templates).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codespan_reporting::term::termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};

use crate::archive::sign;
use crate::batch::{self, Batch, Job};
use crate::diagnostic::{Diagnostic, Failure, Severity};
use crate::engine::{BuildOptions, Engine};
use crate::framework::Frameworks;
use crate::message;
use crate::world::Fonts;
use crate::{load, pdf};

mod archive;
mod data;
mod hub;
mod manifest;
mod templates;

/// Thai official documents of the yearly ITA assessment, from JSON data to PDF.
#[derive(Debug, Parser)]
#[command(name = "ita-report", version)]
pub struct Cli {
    /// Language of the messages about the data and of the run's own lines (files written,
    /// summary, progress): `th` (default) or `en`. Also read from ITA_REPORT_LANG. Messages
    /// from Typst and the system are in English either way.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    #[command(subcommand)]
    pub command: Command,
}

/// The values of `--lang`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    Th,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the PDFs of report packages.
    Build(BuildArgs),
    /// Write out the files attached to archival PDFs (the package and its facts), with what
    /// their signatures say of them.
    Extract {
        /// Archival PDFs.
        #[arg(required = true)]
        pdfs: Vec<PathBuf>,
        /// Folder to write into (default: the current one).
        #[arg(short, long, default_value = ".")]
        output: PathBuf,
        /// Extract files the signatures do not vouch for (changed after signing, a broken
        /// signature) and replace files of the folder that differ.
        #[arg(long)]
        force: bool,
    },
    /// Sign PDFs, each in one of its signature fields: PAdES baseline B-B, as an incremental
    /// update. The PKCS#12 password is read from ITA_REPORT_P12_PASSWORD, else asked once on
    /// the terminal.
    Sign {
        /// The PDFs to sign; one that fails does not stop the others.
        #[arg(required = true)]
        pdfs: Vec<PathBuf>,
        /// The signer's certificate and private key (PKCS#12, .p12/.pfx, also the older
        /// triple-DES/RC2 exports): RSA 2048-4096 or ECDSA P-256/P-384.
        #[arg(long, value_name = "ID.p12")]
        cert: PathBuf,
        /// The field to sign (default: the first empty one).
        #[arg(long)]
        field: Option<String>,
        /// Why it is signed (the signature's /Reason).
        #[arg(long)]
        reason: Option<String>,
        /// Where it is signed (the signature's /Location).
        #[arg(long)]
        location: Option<String>,
        /// Where to write the signed PDF, one PDF only (default: over the input, which only
        /// grows).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Extra font folder for the signature's appearance; may be repeated.
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// An RFC 3161 time-stamping authority (http://…): its token over the signature
        /// proves when it was made (PAdES B-T).
        #[arg(long, value_name = "URL")]
        tsa: Option<String>,
    },
    /// Keep what validates the signatures of a signed PDF years from now: a DSS with the
    /// certificates and the CRLs/OCSP responses given, then a document timestamp over the
    /// whole file (PAdES B-LTA), as incremental updates.
    Ltv {
        /// The signed PDF.
        pdf: PathBuf,
        /// The RFC 3161 time-stamping authority (http://…) of the document timestamp.
        #[arg(long, value_name = "URL")]
        tsa: String,
        /// A CRL (DER or PEM) to keep; may be repeated.
        #[arg(long = "crl", value_name = "FILE")]
        crls: Vec<PathBuf>,
        /// An OCSP response (DER or PEM) to keep; may be repeated.
        #[arg(long = "ocsp", value_name = "FILE")]
        ocsps: Vec<PathBuf>,
        /// Certificates (DER or PEM) to keep beside the ones the signatures carry, such as
        /// the issuers' chain; may be repeated.
        #[arg(long = "cert-chain", value_name = "FILE")]
        certs: Vec<PathBuf>,
        /// Where to write (default: over the input, which only grows).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Check archival PDFs: PDF/A-3 with the package inside, the unsigned revision rebuilt
    /// byte for byte from that package, and every signature.
    Verify {
        /// PDFs to check.
        #[arg(required_unless_present = "manifest")]
        pdfs: Vec<PathBuf>,
        /// Check every PDF of the folder against its `manifest.json`: each listed file is
        /// there with the hash recorded, or has been signed since and its signatures hold.
        #[arg(long, value_name = "DIR")]
        manifest: Option<PathBuf>,
        /// The templates the PDFs were built with, if not the embedded ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// The font folders the PDFs were built with; may be repeated.
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// The font family the PDFs were built with, if chosen on the command line.
        #[arg(long)]
        font: Option<String>,
        /// Certificates to trust as anchors (PEM files, or folders of .pem/.crt/.cer); a
        /// signer's certificate must lead to one of them. May be repeated.
        #[arg(long, value_name = "FILE|DIR")]
        trust: Vec<PathBuf>,
        /// Also write the results as JSON on standard output (one object per file, each
        /// signature with its ETSI indication).
        #[arg(long)]
        json: bool,
    },
    /// Validate packages and report the contradictions in their data, without building.
    Check {
        /// Package files or folders searched for `*.json` (default: inputs/).
        paths: Vec<PathBuf>,
        /// Folder with overriding templates; its `frameworks/` replaces the embedded year
        /// frameworks of the same name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Extra font folder, for the check that every character has a font; may be repeated.
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// Treat contradictions found in the data as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Read a results spreadsheet (.xlsx, .ods, .csv) into the province package, and with
    /// --per-agency one package per agency with its measures drafted.
    Import {
        /// The results sheet: a header row naming ชื่อหน่วยงาน and คะแนน/IIT/EIT/OIT/ตัวชี้วัด.
        file: PathBuf,
        /// The fiscal year the results are of (พ.ศ.).
        #[arg(long)]
        year: i32,
        /// Output folder.
        #[arg(short, long, default_value = ".")]
        output: PathBuf,
        /// Also one package per agency, ready for its measures.
        #[arg(long)]
        per_agency: bool,
        /// Measures layout of the agencies' packages.
        #[arg(long, value_enum, default_value = "by-indicator")]
        layout: Layout,
        /// The province package's agency name (default: จังหวัด… from the sheet's title).
        #[arg(long)]
        agency: Option<String>,
        /// Replace package files that already exist.
        #[arg(long)]
        force: bool,
        /// Folder with overriding templates, frameworks and `catalogue.json`.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Start an agency's package: the year's indicators, its scores from a results sheet, and
    /// a measures row drafted from the catalogue for each indicator below the target.
    Init {
        /// The agency's name, as the results sheet writes it.
        #[arg(long)]
        agency: String,
        /// The fiscal year assessed (พ.ศ.); the measures are for the year after.
        #[arg(long)]
        year: i32,
        /// A results sheet to take the agency's scores from.
        #[arg(long, value_name = "FILE")]
        scores: Option<PathBuf>,
        /// The district, when several agencies in the sheet share the name.
        #[arg(long)]
        district: Option<String>,
        /// The agency's province.
        #[arg(long)]
        province: Option<String>,
        /// Measures layout.
        #[arg(long, value_enum, default_value = "by-indicator")]
        layout: Layout,
        /// Output folder.
        #[arg(short, long, default_value = ".")]
        output: PathBuf,
        /// Replace the package file if it exists.
        #[arg(long)]
        force: bool,
        /// Folder with overriding templates, frameworks and `catalogue.json`.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Print the JSON Schema of a package (for editors that check JSON as it is typed).
    Schema,
    /// Customised templates: what a folder changes from this version's built-in ones, or
    /// the built-in ones written out to start from.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// The province's server: accounts, each agency's packages, review, signing and a
    /// dashboard, in one database (`hub init` first).
    Hub(hub::HubArgs),
    /// Serve a browser workspace over a folder of packages: a form per package, `check`'s
    /// messages beside the fields, a live preview, downloads and safe saving.
    Serve {
        /// Folder of package files (default: inputs/).
        #[arg(default_value = "inputs")]
        workspace: PathBuf,
        /// Address to listen on. Any address other than loopback requires a token.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Token every request must carry (made up and printed when listening beyond
        /// loopback without one). Other users of the machine see it in `ps`: prefer
        /// `--token-file` or the variable ITA_REPORT_TOKEN.
        #[arg(long, conflicts_with = "token_file")]
        token: Option<String>,
        /// File whose first line is the token (read instead of `--token`).
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// As for `build`.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// As for `build`; may be repeated.
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
    },
}

/// The options of `build`, resolved once into a run (`BuildArgs::run`).
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Package files or folders searched for `*.json` (default: inputs/).
    pub paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// One PDF per document (memo, report, measures) instead of one per package.
    #[arg(long)]
    pub split: bool,
    /// Also write the generated Typst source beside each PDF.
    #[arg(long)]
    pub emit_typst: bool,
    /// Folder whose template files replace the embedded ones of the same name (and whose
    /// `frameworks/<year>.json` replace the embedded year frameworks).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Extra font folder (e.g. with TH Sarabun New); may be repeated.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// Font family for every package, overriding the package's `font`.
    #[arg(long)]
    pub font: Option<String>,
    /// Treat contradictions found in the data as errors: build nothing from such a package.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Packages built at once (default: the number of cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Build only slice I of N of the inputs (1-based), e.g. `--shard 3/8` on the third
    /// of eight machines; a file's slice depends on its path only.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// No progress line; messages and the summary only.
    #[arg(short, long)]
    pub quiet: bool,
    /// Archival PDFs: PDF/A-3b with the package and its facts attached, listed with their
    /// SHA-256 in `manifest.json` of the output folder.
    #[arg(long)]
    pub archive: bool,
    /// Replace PDFs that carry a signature (by default they are kept, and a package
    /// changed since is refused: rebuilding would lose the signature).
    #[arg(long)]
    pub force: bool,
}

impl BuildArgs {
    /// Loads the frameworks, fonts and templates once and builds every package.
    fn run(self, err: &mut StandardStream) -> ExitCode {
        let templates = self.templates.as_deref();
        let started = Frameworks::load(templates)
            .and_then(|f| Ok((f, Engine::new(templates, &self.font_dirs)?)));
        let (frameworks, engine) = match started {
            Ok(started) => started,
            Err(d) => {
                let _ = d.emit(err);
                return ExitCode::from(2);
            }
        };
        let options = BuildOptions {
            split: self.split,
            font: self.font,
            archive: self.archive,
        };
        let setup = batch::setup(templates, &self.font_dirs, &options, self.emit_typst);
        let run = Batch {
            engine: &engine,
            frameworks: &frameworks,
            options: &options,
            emit_typst: self.emit_typst,
            deny_warnings: self.deny_warnings,
            out_dir: &self.output,
            setup,
            shard: self.shard,
            force: self.force,
        };
        let threads = self
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let progress = !self.quiet
            && std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none();
        build(&run, &self.paths, threads, progress, err)
    }
}

/// What `templates` does.
#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Show what each template of a folder (as given with --templates) changes from the
    /// built-in one of this version.
    Diff {
        /// The folder of customised templates.
        dir: PathBuf,
    },
    /// Write the built-in templates into a folder, to change only what an office needs
    /// (changing `style.typ` alone keeps every other template current).
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        /// Replace template files that already exist there.
        #[arg(long)]
        force: bool,
    },
}

/// The measures layouts a new package can start with.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Layout {
    /// One row per indicator, six columns (seed 002).
    #[value(alias = "by_indicator")]
    ByIndicator,
    /// Rows under tool headings, four columns (seed 001).
    #[value(alias = "by_tool")]
    ByTool,
}

/// Standard error, in colour only on a terminal (termcolor's `Auto` looks at TERM and
/// NO_COLOR, not at whether stderr is redirected to a log file).
fn terminal() -> StandardStream {
    let colour = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    StandardStream::stderr(colour)
}

/// The language of messages: `--lang`, else ITA_REPORT_LANG, else Thai.
fn set_language(lang: Option<LangArg>) {
    let english = match lang {
        Some(lang) => matches!(lang, LangArg::En),
        None => std::env::var("ITA_REPORT_LANG").is_ok_and(|l| l.trim().eq_ignore_ascii_case("en")),
    };
    crate::diagnostic::set_language(if english {
        crate::diagnostic::Lang::English
    } else {
        crate::diagnostic::Lang::Thai
    });
}

/// Runs the command line and returns the process exit code.
// Longer than a screen: one arm per command, each handing its options to that command's
// own function; splitting the match would only scatter the list of commands.
pub fn run(cli: Cli) -> ExitCode {
    let mut err = terminal();
    set_language(cli.lang);
    match cli.command {
        Command::Check {
            paths,
            templates,
            font_dirs,
            deny_warnings,
        } => {
            let started = Frameworks::load(templates.as_deref())
                .and_then(|f| Ok((f, Fonts::load(&font_dirs)?)));
            let (frameworks, fonts) = match started {
                Ok(started) => started,
                Err(d) => {
                    let _ = d.emit(&mut err);
                    return ExitCode::from(2);
                }
            };
            check(&paths, &frameworks, &fonts, deny_warnings, &mut err)
        }
        Command::Extract {
            pdfs,
            output,
            force,
        } => archive::extract(&pdfs, &output, force, &mut err),
        Command::Import {
            file,
            year,
            output,
            per_agency,
            layout,
            agency,
            force,
            templates,
        } => {
            let options = crate::import::ImportOptions {
                year,
                per_agency,
                layout: layout.into(),
                name: agency,
            };
            data::import(
                &file,
                &options,
                &output,
                force,
                templates.as_deref(),
                &mut err,
            )
        }
        Command::Init {
            agency,
            year,
            scores,
            district,
            province,
            layout,
            output,
            force,
            templates,
        } => {
            let asked = data::InitArgs {
                agency,
                year,
                scores,
                district,
                province,
                layout: layout.into(),
            };
            data::init(&asked, &output, force, templates.as_deref(), &mut err)
        }
        Command::Schema => data::schema(),
        Command::Templates { action } => match action {
            TemplatesAction::Diff { dir } => templates::diff(&dir, &mut err),
            TemplatesAction::Export { dir, force } => templates::export(&dir, force, &mut err),
        },
        Command::Sign {
            pdfs,
            cert,
            field,
            reason,
            location,
            output,
            font_dirs,
            tsa,
        } => {
            let request = sign::Request {
                field,
                reason,
                location,
                tsa,
                ..sign::Request::now()
            };
            archive::sign_files(
                &pdfs,
                &cert,
                &request,
                output.as_deref(),
                &font_dirs,
                &mut err,
            )
        }
        Command::Ltv {
            pdf,
            tsa,
            crls,
            ocsps,
            certs,
            output,
        } => archive::ltv(
            &pdf,
            output.as_deref(),
            &tsa,
            (&certs, &crls, &ocsps),
            &mut err,
        ),
        Command::Verify {
            pdfs,
            manifest: Some(dir),
            ..
        } if pdfs.is_empty() => manifest::verify(&dir, &mut err),
        Command::Verify {
            pdfs,
            manifest,
            templates,
            font_dirs,
            font,
            trust,
            json,
        } => {
            let mut code = archive::verify(
                &pdfs,
                templates.as_deref(),
                &font_dirs,
                font,
                &trust,
                json,
                &mut err,
            );
            if let Some(dir) = manifest
                && manifest::verify(&dir, &mut err) != ExitCode::SUCCESS
            {
                code = ExitCode::from(1);
            }
            code
        }
        Command::Serve {
            workspace,
            addr,
            token,
            token_file,
            templates,
            font_dirs,
        } => serve(
            crate::web::Config {
                workspace,
                addr,
                token,
                templates,
                font_dirs,
            },
            token_file.as_deref(),
            &mut err,
        ),
        Command::Build(args) => args.run(&mut err),
        Command::Hub(args) => args.run(&mut err),
    }
}

/// Package files named by `paths` (files as given, folders searched for `*.json` as
/// [`load::walk`] does: without `output`, hidden files and what the program writes), sorted.
pub fn discover(paths: &[PathBuf], output: Option<&Path>) -> Result<Vec<PathBuf>, Diagnostic> {
    let default = [PathBuf::from("inputs")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(load::walk::packages(path, output));
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(Diagnostic::error(format!(
                "`{}` is neither a file nor a folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

/// The path as the user should see it: relative to the working directory when inside it.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    crate::diagnostic::terminal_safe(&relative.display().to_string())
}

fn emit_all(diagnostics: &[Diagnostic], err: &mut StandardStream) {
    for d in diagnostics {
        let _ = d.emit(err);
    }
}

/// Whether a package's findings stop it: only with `--deny-warnings`, and only contradictions.
fn denied(warnings: &[Diagnostic], deny_warnings: bool) -> bool {
    deny_warnings && warnings.iter().any(|d| d.severity == Severity::Warning)
}

fn check(
    paths: &[PathBuf],
    frameworks: &Frameworks,
    fonts: &Fonts,
    deny_warnings: bool,
    err: &mut StandardStream,
) -> ExitCode {
    let files = match discover(paths, None) {
        Ok(files) => files,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let mut failed = Vec::new();
    for file in &files {
        let name = shown(file);
        // The files a package names are confined as `build` confines them: the same function.
        let loaded = load::load_file(file, &name, frameworks)
            .and_then(|l| crate::emblem::find(&l).map(|_| l).map_err(Failure::from));
        match loaded {
            Ok(mut loaded) => {
                let unsettable = crate::settable::warnings(&loaded, fonts);
                loaded.warnings.extend(unsettable);
                emit_all(&loaded.warnings, err);
                let count = loaded
                    .warnings
                    .iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .count();
                if denied(&loaded.warnings, deny_warnings) {
                    let _ = writeln!(
                        err,
                        "{}",
                        message!(
                            "ไม่ผ่าน: {name}: คำเตือน {count} รายการ ซึ่ง --deny-warnings ไม่ยอมให้ผ่าน",
                            "failed: {name}: {count} warning(s), denied by --deny-warnings"
                        )
                    );
                    failed.push(name);
                } else if count > 0 {
                    let _ = writeln!(
                        err,
                        "{}",
                        message!(
                            "ผ่าน: {name} (คำเตือน {count} รายการ)",
                            "ok: {name} ({count} warning(s))"
                        )
                    );
                } else {
                    let _ = writeln!(err, "{}", message!("ผ่าน: {name}", "ok: {name}"));
                }
            }
            Err(Failure(diagnostics)) => {
                emit_all(&diagnostics, err);
                failed.push(name);
            }
        }
    }
    summary(Verb::Checked, files.len(), &failed, err)
}

/// What a run did to its packages, for its last line.
enum Verb {
    Checked,
    Built,
    Extracted,
    Signed,
}

/// The last line of a run (in the language of the messages), and its exit code.
fn summary(verb: Verb, total: usize, failed: &[String], err: &mut StandardStream) -> ExitCode {
    let (n, names) = (failed.len(), failed.join(", "));
    let line = match (verb, failed.is_empty()) {
        (Verb::Checked, true) => message!(
            "ตรวจ {total} แฟ้ม: ผ่านทั้งหมด",
            "checked {total} package(s): all ok"
        ),
        (Verb::Checked, false) => message!(
            "ตรวจ {total} แฟ้ม: ไม่ผ่าน {n} แฟ้ม: {names}",
            "checked {total} package(s): {n} failed: {names}"
        ),
        (Verb::Built, true) => message!(
            "สร้างเอกสารจาก {total} แฟ้ม: สำเร็จทั้งหมด",
            "built {total} package(s): all ok"
        ),
        (Verb::Built, false) => message!(
            "สร้างเอกสารจาก {total} แฟ้ม: ไม่สำเร็จ {n} แฟ้ม: {names}",
            "built {total} package(s): {n} failed: {names}"
        ),
        (Verb::Extracted, true) => message!(
            "ถอดข้อมูลจาก PDF {total} แฟ้ม: สำเร็จทั้งหมด",
            "extracted {total} package(s): all ok"
        ),
        (Verb::Extracted, false) => message!(
            "ถอดข้อมูลจาก PDF {total} แฟ้ม: ไม่สำเร็จ {n} แฟ้ม: {names}",
            "extracted {total} package(s): {n} failed: {names}"
        ),
        (Verb::Signed, true) => message!(
            "ลงนาม PDF {total} แฟ้ม: สำเร็จทั้งหมด",
            "signed {total} PDF(s): all ok"
        ),
        (Verb::Signed, false) => message!(
            "ลงนาม PDF {total} แฟ้ม: ไม่สำเร็จ {n} แฟ้ม: {names}",
            "signed {total} PDF(s): {n} failed: {names}"
        ),
    };
    let _ = writeln!(err, "{line}");
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn build(
    run: &Batch,
    paths: &[PathBuf],
    threads: usize,
    progress: bool,
    err: &mut StandardStream,
) -> ExitCode {
    let mut files = match discover(paths, Some(run.out_dir)) {
        Ok(files) => files,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    if let Some((index, count)) = run.shard {
        files.retain(|f| batch::in_shard(f, index, count));
    }
    for stale in pdf::remove_stale(run.out_dir) {
        let stale = shown(&stale);
        let _ = writeln!(
            err,
            "{}",
            message!(
                "ลบ {stale} (ค้างจากการทำงานครั้งก่อนที่ถูกขัดจังหวะ)",
                "removed {stale} (left by an interrupted run)"
            )
        );
    }
    let mut failed = Vec::new();
    let jobs = jobs(&files, &mut failed, err);
    // Messages in input order: an outcome is printed once every earlier one has been.
    let started = std::time::Instant::now();
    let mut meter = Progress {
        shown: progress,
        total: jobs.len(),
        done: 0,
        started,
    };
    let mut ready: std::collections::BTreeMap<usize, Vec<u8>> = Default::default();
    let mut printed = 0;
    let (mut skipped, mut built) = (0, 0);
    let mut broken = Vec::new();
    let (_, problems) = batch::run(run, &jobs, threads, |i, outcome| {
        let mut buffer = if err.supports_color() {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        report(outcome, &mut buffer);
        match &outcome.result {
            Ok(done) if done.skipped => skipped += 1,
            Ok(_) => built += 1,
            Err(_) => broken.push((i, outcome.name.clone())),
        }
        ready.insert(i, buffer.into_inner());
        meter.clear(err);
        while let Some(text) = ready.remove(&printed) {
            let _ = err.write_all(&text);
            printed += 1;
        }
        meter.done += 1;
        meter.draw(err);
    });
    meter.clear(err);
    emit_all(&problems, err);
    if !problems.is_empty() {
        failed.push(shown(&run.out_dir.join(crate::archive::MANIFEST)));
    }
    if skipped > 0 {
        let _ = writeln!(
            err,
            "{}",
            message!(
                "{skipped} แฟ้มไม่เปลี่ยน ใช้ PDF เดิม และสร้างใหม่ {built} แฟ้ม",
                "{skipped} package(s) up to date, {built} built"
            )
        );
    }
    // Failures named in input order, whatever finished first.
    broken.sort();
    failed.extend(broken.into_iter().map(|(_, name)| name));
    summary(Verb::Built, files.len(), &failed, err)
}

/// One job per package file; a file whose outputs another would overwrite fails here.
fn jobs(files: &[PathBuf], failed: &mut Vec<String>, err: &mut StandardStream) -> Vec<Job> {
    let mut stems = std::collections::BTreeMap::new();
    let mut jobs = Vec::new();
    for file in files {
        let name = shown(file);
        // Named from the file, without the characters that would hide or reorder its name.
        let stem = crate::filename::output_stem(
            &file
                .file_stem()
                .map_or("package".into(), |s| s.to_string_lossy()),
        );
        if let Some(other) = stems.insert(stem.clone(), name.clone()) {
            let _ = Diagnostic::error(message!(
                "`{name}` จะเขียนทับแฟ้มผลลัพธ์ของ `{other}`",
                "`{name}` would write the same output files as `{other}`"
            ))
            .with_note(message!(
                "ตั้งชื่อแฟ้มทั้งสองให้ต่างกัน",
                "give the packages different file names"
            ))
            .emit(err);
            failed.push(name);
            continue;
        }
        jobs.push(Job {
            file: file.clone(),
            name,
            stem,
        });
    }
    jobs
}

/// The messages of one package's outcome.
fn report(outcome: &batch::Outcome, out: &mut Buffer) {
    match &outcome.result {
        Ok(done) => {
            for d in &done.warnings {
                let _ = d.emit(out);
            }
            for path in done.written.iter().filter(|_| !done.skipped) {
                let path = shown(path);
                let _ = writeln!(out, "{}", message!("เขียน {path}", "wrote {path}"));
            }
        }
        Err(Failure(diagnostics)) => {
            for d in diagnostics {
                let _ = d.emit(out);
            }
        }
    }
}

/// A progress line on a terminal: count, rate and time left, redrawn in place.
struct Progress {
    shown: bool,
    total: usize,
    done: usize,
    started: std::time::Instant,
}

impl Progress {
    fn draw(&self, err: &mut StandardStream) {
        if !self.shown || self.done >= self.total {
            return;
        }
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = self.done as f64 / seconds.max(0.001);
        let left = (self.total - self.done) as f64 / rate.max(0.001);
        let width = 30;
        let filled = width * self.done / self.total.max(1);
        let bar = format!("{}{}", "=".repeat(filled), " ".repeat(width - filled));
        let (done, total) = (self.done, self.total);
        let pace = message!(
            "{rate:.1} แฟ้ม/วินาที เหลืออีก {left:.0} วินาที",
            "{rate:.1}/s, {left:.0} s left"
        );
        let _ = write!(err, "\r[{bar}] {done}/{total} {pace} ");
        let _ = err.flush();
    }

    fn clear(&self, err: &mut StandardStream) {
        if self.shown {
            let _ = write!(err, "\r\x1b[2K");
        }
    }
}

/// Starts the web workspace and serves until the process is stopped. The token comes from
/// `--token-file`, `--token` (with a warning: `ps` shows it) or the environment.
fn serve(
    mut config: crate::web::Config,
    token_file: Option<&Path>,
    err: &mut StandardStream,
) -> ExitCode {
    if config.token.is_some() {
        let _ = writeln!(
            err,
            "{}",
            message!(
                "คำเตือน: ผู้ใช้อื่นของเครื่องนี้เห็นรหัสที่ให้ทาง --token ได้ (คำสั่ง ps) โปรดใช้ --token-file หรือตัวแปร {var} แทน",
                "warning: other users of this machine can see a --token (ps): use --token-file or the variable {var} instead",
                var = crate::web::TOKEN_VARIABLE
            )
        );
    }
    let variable = std::env::var(crate::web::TOKEN_VARIABLE).ok();
    config.token = match crate::web::read_token(config.token.take(), token_file, variable) {
        Ok(token) => token,
        Err(d) => {
            let _ = d.emit(err);
            return ExitCode::from(2);
        }
    };
    let given_token = config.token.is_some();
    let workspace = shown(&config.workspace);
    match crate::web::start(config) {
        Ok(running) => {
            for file in &running.cleaned {
                let file = shown(file);
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "ลบแฟ้มชั่วคราวที่การบันทึกครั้งก่อนค้างไว้: {file}",
                        "removed a temporary file an interrupted save left: {file}"
                    )
                );
            }
            let addr = running.addr;
            let _ = writeln!(
                err,
                "{}",
                message!(
                    "เปิดโฟลเดอร์งาน {workspace} ที่ http://{addr}/ แล้ว (กด Ctrl+C เพื่อหยุด)",
                    "serving {workspace} at http://{addr}/ (stop with Ctrl+C)"
                )
            );
            if let Some(token) = &running.token {
                let line = if given_token {
                    message!("รหัสเข้าใช้: {token}", "token: {token}")
                } else {
                    message!(
                        "รหัสเข้าใช้ (สร้างขึ้นสำหรับครั้งนี้ แสดงครั้งเดียว): {token}",
                        "token (made up for this run, shown once): {token}"
                    )
                };
                let _ = writeln!(err, "{line}");
                let _ = writeln!(
                    err,
                    "{}",
                    message!(
                        "เปิดในเว็บเบราว์เซอร์: http://{addr}/?token={token}",
                        "open http://{addr}/?token={token}"
                    )
                );
            }
            running.wait();
            ExitCode::SUCCESS
        }
        Err(d) => {
            let _ = d.emit(err);
            ExitCode::from(2)
        }
    }
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not I/N, e.g. 2/8"))?;
    let (i, n): (usize, usize) = (
        i.trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number"))?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: I must be from 1 to N"));
    }
    Ok((i, n))
}
