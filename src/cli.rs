//! The command line: what to build, where to write it, what to print, which exit code.
//!
//! Only this module prints. A batch goes on past a bad package and ends with a summary; the
//! exit code is 0 when every package succeeded, 1 when any failed, 2 when the run itself
//! could not start (bad options, unreadable fonts or templates).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::diagnostic::Diagnostic;
use crate::{load, message};

mod archive;
mod build;
mod check;
mod data;
mod hub;
mod manifest;
mod serve;
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
    Build(build::BuildArgs),
    /// Write out the files attached to archival PDFs (the package and its facts), with what
    /// their signatures say of them.
    Extract(archive::ExtractArgs),
    /// Sign PDFs, each in one of its signature fields: PAdES baseline B-B (B-T with `--tsa`), as
    /// an incremental update. The PKCS#12 password is read from ITA_REPORT_P12_PASSWORD, else asked once on
    /// the terminal.
    Sign(archive::SignArgs),
    /// Keep what validates the signatures of a signed PDF years from now: a DSS with the
    /// certificates and the CRLs/OCSP responses given, then a document timestamp over the
    /// whole file (PAdES B-LTA), as incremental updates.
    Ltv(archive::LtvArgs),
    /// Check archival PDFs: PDF/A-3 with the package inside, the unsigned revision rebuilt
    /// byte for byte from that package, and every signature.
    Verify(archive::VerifyArgs),
    /// Validate packages and report the contradictions in their data, without building.
    Check(check::CheckArgs),
    /// Read a results spreadsheet (.xlsx, .ods, .csv) into the province package, and with
    /// --per-agency one package per agency with its measures drafted.
    Import(data::ImportArgs),
    /// Start an agency's package: the year's indicators, its scores from a results sheet, and
    /// a measures row drafted from the catalogue for each indicator below the target.
    Init(data::InitArgs),
    /// Print the JSON Schema of a package (for editors that check JSON as it is typed).
    Schema,
    /// Customised templates: what a folder changes from this version's built-in ones, or
    /// the built-in ones written out to start from.
    Templates {
        #[command(subcommand)]
        action: templates::TemplatesAction,
    },
    /// The province's server: accounts, each agency's packages, review, signing and a
    /// dashboard, in one database (`hub init` first).
    Hub(hub::HubArgs),
    /// Serve a browser workspace over a folder of packages: a form per package, `check`'s
    /// messages beside the fields, a live preview, downloads and safe saving.
    Serve(serve::ServeArgs),
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

/// Runs the command line and returns the process exit code: each command's options run
/// themselves, in the command's own module.
pub fn run(cli: Cli) -> ExitCode {
    let mut err = terminal();
    set_language(cli.lang);
    match cli.command {
        Command::Build(args) => args.run(&mut err),
        Command::Check(args) => args.run(&mut err),
        Command::Import(args) => args.run(&mut err),
        Command::Init(args) => args.run(&mut err),
        Command::Schema => data::schema(),
        Command::Templates { action } => action.run(&mut err),
        Command::Extract(args) => args.run(&mut err),
        Command::Sign(args) => args.run(&mut err),
        Command::Ltv(args) => args.run(&mut err),
        Command::Verify(args) => args.run(&mut err),
        Command::Serve(args) => args.run(&mut err),
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
