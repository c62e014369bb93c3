//! `ita-report build`: the options resolved once into a [`Batch`], the packages built in
//! parallel, their messages printed in input order, with a progress line on a terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use codespan_reporting::term::termcolor::{Buffer, StandardStream, WriteColor};

use super::{Verb, discover, emit_all, shown, summary};
use crate::batch::{self, Batch, Job};
use crate::diagnostic::{Diagnostic, Failure};
use crate::engine::{BuildOptions, Engine};
use crate::framework::Frameworks;
use crate::{message, pdf};

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
    pub fn run(self, err: &mut StandardStream) -> ExitCode {
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
    let mut printer = Printer {
        meter: Progress {
            shown: progress,
            total: jobs.len(),
            done: 0,
            started: std::time::Instant::now(),
        },
        ready: Default::default(),
        printed: 0,
        skipped: 0,
        built: 0,
        broken: Vec::new(),
    };
    let (_, problems) = batch::run(run, &jobs, threads, |i, outcome| {
        printer.outcome(i, outcome, err);
    });
    let Printer {
        meter,
        skipped,
        built,
        mut broken,
        ..
    } = printer;
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

/// The messages of a batch in input order, whatever finished first: an outcome is printed
/// once every earlier one has been, under the progress line.
struct Printer {
    meter: Progress,
    ready: std::collections::BTreeMap<usize, Vec<u8>>,
    printed: usize,
    skipped: usize,
    built: usize,
    /// The packages that failed, with their place in the input.
    broken: Vec<(usize, String)>,
}

impl Printer {
    fn outcome(&mut self, i: usize, outcome: &batch::Outcome, err: &mut StandardStream) {
        let mut buffer = if err.supports_color() {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        report(outcome, &mut buffer);
        match &outcome.result {
            Ok(done) if done.skipped => self.skipped += 1,
            Ok(_) => self.built += 1,
            Err(_) => self.broken.push((i, outcome.name.clone())),
        }
        self.ready.insert(i, buffer.into_inner());
        self.meter.clear(err);
        while let Some(text) = self.ready.remove(&self.printed) {
            let _ = err.write_all(&text);
            self.printed += 1;
        }
        self.meter.done += 1;
        self.meter.draw(err);
    }
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
