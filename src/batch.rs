//! A batch of packages: built on all cores, reported in input order, skipped when up to date,
//! sliced for many machines.
//!
//! Workers take packages from a shared counter and share one [`Engine`] (fonts, templates,
//! frameworks). Each package is loaded, checked, compiled and written on its own (all of its
//! files or none); results come back by index, and the caller prints them in the order of the
//! inputs, whatever the scheduling, so a log reads the same on every run. The bytes of a PDF
//! do not depend on which thread made it.
//!
//! Incremental builds: `.ita-report-state.json` in the output folder keeps, per package, a
//! fingerprint of everything its PDFs come from (the package file, the emblem files beside
//! it, the templates and frameworks, the font folders, this program, the options) and a hash
//! of each file written. A package whose fingerprint and files are unchanged is neither
//! compiled nor loaded again: the warnings its data gave are kept in a small file of their
//! own (`.ita-report-warnings/`, so that a national run holds none of them in memory) and
//! shown from there, pointing into the package as it is (the same bytes, the fingerprint says).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Failure, Message, Severity, SourceFile};
use crate::documents::Package;
use crate::engine::{BuildOptions, Built, Engine};
use crate::framework::Frameworks;
use crate::{archive, emblem, load, message, pdf, sharing};

/// What a batch shares between its packages.
pub struct Batch<'a> {
    pub engine: &'a Engine,
    pub frameworks: &'a Frameworks,
    pub options: &'a BuildOptions,
    pub emit_typst: bool,
    pub deny_warnings: bool,
    pub out_dir: &'a Path,
    /// Fingerprint of the templates, frameworks, fonts, program and options.
    pub setup: String,
    /// The slice of the inputs this run builds (`--shard I/N`): each keeps its own state file,
    /// so that slices running at once into one folder do not overwrite each other's.
    pub shard: Option<(usize, usize)>,
    /// Replace PDFs that carry a signature (`--force`).
    pub force: bool,
}

/// One package of the batch: its file, the name messages use, and its output stem.
#[derive(Debug, Clone)]
pub struct Job {
    pub file: PathBuf,
    pub name: String,
    pub stem: String,
}

/// What became of one package.
pub struct Outcome {
    pub name: String,
    /// Warnings and the files written, or the diagnostics that stopped it.
    pub result: Result<Done, Failure>,
}

/// A package that succeeded.
pub struct Done {
    pub warnings: Vec<Diagnostic>,
    pub written: Vec<PathBuf>,
    /// Up to date: nothing was compiled or written.
    pub skipped: bool,
    /// The state to keep for it.
    state: Option<(String, Entry)>,
    /// Its archival PDFs, for the manifest.
    manifest: Vec<archive::ManifestEntry>,
}

/// How many packages of a run were built, found up to date, or failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub built: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// Runs `jobs` on `threads` workers; `each` receives every outcome with its index as soon as
/// it is ready (on the calling thread). Returns the counts, and what went wrong for the run
/// as a whole (the manifest could not be written). Only each package's state and manifest
/// lines are kept after `each` has seen it: a national run holds no messages in memory.
pub fn run(
    batch: &Batch,
    jobs: &[Job],
    threads: usize,
    mut each: impl FnMut(usize, &Outcome),
) -> (Tally, Vec<Diagnostic>) {
    let state_file = state_file(batch.shard);
    let state = State::read(&batch.out_dir.join(&state_file));
    let next = AtomicUsize::new(0);
    let (send, receive) = mpsc::channel();
    let mut tally = Tally::default();
    // This run's entries: merged into the state as it is at the end (another run into the
    // same folder may have written it meanwhile).
    let mut kept = BTreeMap::new();
    let mut listed: Vec<(usize, archive::ManifestEntry)> = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            let send = send.clone();
            let (next, state) = (&next, &state);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let outcome = Outcome {
                        name: job.name.clone(),
                        result: one(batch, job, state),
                    };
                    // Only a compile fills Typst's caches. Evicting after a skipped package
                    // too would age out what a compile on another thread is still using.
                    if !matches!(&outcome.result, Ok(done) if done.skipped) {
                        crate::engine::evict_caches();
                    }
                    if send.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        for (i, outcome) in receive {
            each(i, &outcome);
            match outcome.result {
                Ok(done) => {
                    if done.skipped {
                        tally.skipped += 1
                    } else {
                        tally.built += 1
                    }
                    if let Some((stem, entry)) = done.state {
                        kept.insert(stem, entry);
                    }
                    listed.extend(done.manifest.into_iter().map(|m| (i, m)));
                }
                Err(_) => tally.failed += 1,
            }
        }
    });
    // Not a failure: without its state the next run builds again.
    let _ = State::merge(&batch.out_dir.join(&state_file), kept);
    // In input order, whatever finished first.
    listed.sort_by_key(|(i, _)| *i);
    let listed: Vec<archive::ManifestEntry> = listed.into_iter().map(|(_, m)| m).collect();
    let problems = match update_manifest(batch.out_dir, listed) {
        Ok(()) => Vec::new(),
        Err(e) => {
            let manifest = batch.out_dir.join(archive::MANIFEST);
            let manifest = manifest.display();
            vec![Diagnostic::error(message!(
                "ปรับ `{manifest}` ไม่ได้: {e}",
                "cannot update `{manifest}`: {e}"
            ))]
        }
    };
    (tally, problems)
}

/// Adds or replaces `entries` of `manifest.json` in `dir`, holding its lock: runs finishing
/// together into one folder (`--shard` on several machines, `sign`) each keep their entries.
pub fn update_manifest(dir: &Path, entries: Vec<archive::ManifestEntry>) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    sharing::locked(&dir.join(archive::MANIFEST), || {
        archive::Manifest::update(dir, entries)
    })
}

/// Loads, checks, compiles and writes one package, unless it is up to date.
fn one(batch: &Batch, job: &Job, state: &State) -> Result<Done, Failure> {
    let bytes = load::read_package(&job.file, &job.name)?;
    let key = fingerprint(&[batch.setup.as_bytes(), &bytes]);
    let dir = job.file.parent().unwrap_or(Path::new("."));
    let (current, signed) = kept(batch, state.packages.get(&job.stem), &key, dir);
    // Up to date: its warnings are shown again without loading it.
    let again = |e: &Entry| e.warnings_again(job, &bytes, batch.out_dir);
    if let Some((entry, warnings)) = current.and_then(|e| Some((e, again(e)?))) {
        return if batch.deny_warnings && !warnings.is_empty() {
            Err(denied(job, warnings))
        } else {
            Ok(skipped(batch, job, entry, with_kept(warnings, &signed)))
        };
    }
    let package_sha256 = archive::sha256(&bytes);
    let loaded = load::load_bytes(bytes, &job.file, &job.name, batch.frameworks)?;
    let warnings: Vec<Diagnostic> = loaded
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .cloned()
        .collect();
    if batch.deny_warnings && !warnings.is_empty() {
        return Err(denied(job, loaded.warnings.clone()));
    }
    // Up to date, but kept by an older version without its warnings.
    if let Some(entry) = current {
        return Ok(skipped(batch, job, entry, with_kept(warnings, &signed)));
    }
    let built = batch
        .engine
        .build(&loaded, &job.stem, batch.out_dir, batch.options)
        .inspect_err(|failure| {
            if batch.emit_typst {
                write_generated(failure, batch.out_dir);
            }
        })?;
    let files = outputs(batch, &built);
    if !batch.force {
        refuse_signed(&files)?;
    }
    // Everything compiled: only now touch the output folder, all files or none.
    pdf::write_all(&files).map_err(|e| {
        let out = batch.out_dir.display();
        Diagnostic::error(message!(
            "เขียนลงโฟลเดอร์ `{out}` ไม่ได้ จึงไม่ได้เขียนแฟ้มใดของแฟ้มข้อมูลนี้: {e}",
            "cannot write into `{out}`, so no file of this package was written: {e}"
        ))
    })?;
    let data_warnings = KeptWarnings::write(batch.out_dir, job, &key, &warnings);
    let entry = entry(
        key,
        &loaded.package,
        dir,
        &files,
        built.warnings.len(),
        data_warnings,
    );
    let manifest = if batch.options.archival(&loaded.package) {
        manifest_entries(job, &loaded.package, &built, package_sha256)
    } else {
        Vec::new()
    };
    let written = files
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    Ok(Done {
        warnings: built.warnings,
        written,
        skipped: false,
        state: Some((job.stem.clone(), entry)),
        manifest,
    })
}

/// The state's entry when the package's last build still stands: its files are as written,
/// or they were signed since (kept as they are: a rebuild would lose the signatures and give
/// the same unsigned bytes) unless `--force`; with the files signed since.
fn kept<'s>(
    batch: &Batch,
    entry: Option<&'s Entry>,
    key: &str,
    dir: &Path,
) -> (Option<&'s Entry>, Vec<String>) {
    let out = batch.out_dir;
    let mut signed = Vec::new();
    let current = entry.filter(|e| {
        e.key == key
            && (e.current(dir, out) || {
                signed = e.signed_since(dir, out);
                !batch.force && !signed.is_empty()
            })
    });
    (current, signed)
}

/// The files a build writes: each PDF, and its Typst source when asked for.
fn outputs<'b>(batch: &Batch, built: &'b Built) -> Vec<(PathBuf, &'b [u8])> {
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    for artifact in &built.artifacts {
        let pdf = batch.out_dir.join(format!("{}.pdf", artifact.stem));
        files.push((pdf, &artifact.pdf));
        if batch.emit_typst {
            let typ = batch.out_dir.join(format!("{}.typ", artifact.stem));
            files.push((typ, artifact.typst.as_bytes()));
        }
    }
    files
}

/// What the state keeps of a build: the key, the files written and the files read beside
/// the package (emblems), each with its hash, to tell later whether it is up to date.
fn entry(
    key: String,
    package: &Package,
    dir: &Path,
    files: &[(PathBuf, &[u8])],
    warnings: usize,
    data_warnings: Option<usize>,
) -> Entry {
    let defaults = emblem::DEFAULT_NAMES.iter().map(|n| (*n).to_owned());
    let beside = defaults.chain(package.emblem.clone());
    Entry {
        key,
        warnings,
        data_warnings,
        beside: beside
            .map(|name| {
                let h = file_hash(&dir.join(&name));
                (name, h)
            })
            .collect(),
        files: files
            .iter()
            .map(|(p, bytes)| (file_name(p), fingerprint(&[bytes])))
            .collect(),
    }
}

/// The manifest's lines for the archival PDFs of one package.
fn manifest_entries(
    job: &Job,
    package: &Package,
    built: &Built,
    package_sha256: String,
) -> Vec<archive::ManifestEntry> {
    built
        .artifacts
        .iter()
        .map(|a| archive::ManifestEntry {
            file: format!("{}.pdf", a.stem),
            sha256: archive::sha256(&a.pdf),
            package: job.name.clone(),
            package_sha256: package_sha256.clone(),
            agency: package.agency.name.clone(),
            fiscal_year: package.fiscal_year,
            documents: a.kinds.iter().map(|k| k.name().to_owned()).collect(),
            ita_report: env!("CARGO_PKG_VERSION").to_owned(),
        })
        .collect()
}

/// With `--emit-typst`, the generated source a failed compile points into, written where the
/// messages say it is (`<out>/<stem>.typ`); without it nothing is written.
fn write_generated(failure: &Failure, out: &Path) {
    let mut written = std::collections::BTreeSet::new();
    for d in &failure.0 {
        let Some((source, _)) = &d.location else {
            continue;
        };
        let path = PathBuf::from(&source.name);
        let generated = path.extension().is_some_and(|e| e == "typ")
            && path.parent() == Some(out)
            && written.insert(source.name.clone());
        if generated {
            let _ = pdf::write_atomic(&path, source.text.as_bytes());
        }
    }
}

/// A build that would replace a PDF carrying a signature: refused, naming the files.
fn refuse_signed(files: &[(PathBuf, &[u8])]) -> Result<(), Failure> {
    let signed: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
        .filter(|(p, _)| pdf::is_signed(p).unwrap_or(false))
        .map(|(p, _)| p.display().to_string())
        .collect();
    if signed.is_empty() {
        return Ok(());
    }
    let list = signed.join(", ");
    Err(Diagnostic::error(message!(
        "ไม่เขียนทับ {list}: แฟ้มมีลายมือชื่ออิเล็กทรอนิกส์แล้ว การสร้างใหม่จะทำให้ลายมือชื่อหายไป",
        "{list} not replaced: it carries a signature, which a new build would lose"
    ))
    .with_note(message!(
        "แฟ้มที่ลงนามแล้วยังอยู่ครบทุกไบต์ ย้ายไปเก็บที่อื่นก่อน หรือใช้ --force เพื่อเขียนทับ (ลายมือชื่อจะหายไป)",
        "the signed file is kept byte for byte; move it elsewhere first, or give --force to replace it (the signature is lost)"
    ))
    .into())
}

/// The warnings of a package kept up to date, and a note for each PDF kept because it was
/// signed since it was built.
fn with_kept(mut warnings: Vec<Diagnostic>, signed: &[String]) -> Vec<Diagnostic> {
    for file in signed {
        warnings.push(Diagnostic::note(message!(
            "เก็บ {file} ไว้ตามเดิม: ลงนามแล้ว และข้อมูลไม่เปลี่ยนตั้งแต่สร้าง",
            "kept {file} as it is: signed, and its package is unchanged since it was built"
        )));
    }
    warnings
}

/// The refusal of `--deny-warnings`, after the warnings that caused it.
fn denied(job: &Job, mut diagnostics: Vec<Diagnostic>) -> Failure {
    diagnostics.push(Diagnostic::error(format!(
        "`{}` not built: its data contradicts itself (--deny-warnings)",
        job.name
    )));
    Failure(diagnostics)
}

fn skipped(batch: &Batch, job: &Job, entry: &Entry, warnings: Vec<Diagnostic>) -> Done {
    let written = entry
        .files
        .keys()
        .map(|f| batch.out_dir.join(f))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    Done {
        warnings,
        written,
        skipped: true,
        state: Some((job.stem.clone(), entry.clone())),
        manifest: Vec::new(),
    }
}

/// The hash of a file's bytes, or "absent".
fn file_hash(path: &Path) -> String {
    std::fs::read(path).map_or_else(|_| "absent".to_owned(), |b| fingerprint(&[&b]))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What the output folder remembers of earlier runs.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct State {
    packages: BTreeMap<String, Entry>,
}

/// One package: its fingerprint, how many warnings it had, the warnings of its data, the
/// files beside it that the documents may show (emblems) and the hash of each file written.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    warnings: usize,
    /// How many warnings its data gave, kept in [`KeptWarnings`]; `None` when they could not
    /// be kept (one points into another file) or by an older version.
    #[serde(default)]
    data_warnings: Option<usize>,
    beside: BTreeMap<String, String>,
    files: BTreeMap<String, String>,
}

/// The folder of the output folder that keeps each package's warnings.
const WARNINGS_DIR: &str = ".ita-report-warnings";

/// The warnings a package's data gave, for the fingerprint they were found under.
#[derive(Debug, Serialize, Deserialize)]
struct KeptWarnings {
    key: String,
    warnings: Vec<KeptWarning>,
}

impl KeptWarnings {
    fn path(out: &Path, job: &Job) -> PathBuf {
        out.join(WARNINGS_DIR).join(format!("{}.json", job.stem))
    }

    /// Keeps `warnings` of the package `job` (none: nothing to write); returns how many, or
    /// `None` when they cannot be kept.
    fn write(out: &Path, job: &Job, key: &str, warnings: &[Diagnostic]) -> Option<usize> {
        let kept: Vec<KeptWarning> = warnings
            .iter()
            .map(|d| KeptWarning::keep(d, &job.name))
            .collect::<Option<_>>()?;
        if !kept.is_empty() {
            let text = serde_json::to_vec(&KeptWarnings {
                key: key.to_owned(),
                warnings: kept,
            })
            .ok()?;
            // Not synced: a file lost or torn is read as absent, and the package loaded.
            let path = Self::path(out, job);
            std::fs::create_dir_all(path.parent()?).ok()?;
            std::fs::write(&path, &text).ok()?;
        }
        Some(warnings.len())
    }

    fn read(out: &Path, job: &Job, key: &str, count: usize) -> Option<Vec<KeptWarning>> {
        let kept: KeptWarnings =
            serde_json::from_slice(&std::fs::read(Self::path(out, job)).ok()?).ok()?;
        (kept.key == key && kept.warnings.len() == count).then_some(kept.warnings)
    }
}

/// A warning about a package's data as kept: both languages of its message and notes, and
/// where it points in the package file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptWarning {
    message: Message,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<(usize, usize)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json_path: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Message>,
}

impl KeptWarning {
    /// `None` when the warning points into a file other than the package `name`.
    fn keep(warning: &Diagnostic, name: &str) -> Option<KeptWarning> {
        let range = match &warning.location {
            Some((file, _)) if file.name != name => return None,
            location => location.as_ref().map(|(_, r)| (r.start, r.end)),
        };
        Some(KeptWarning {
            message: warning.message.clone(),
            range,
            json_path: warning.json_path.clone(),
            notes: warning.notes.clone(),
        })
    }

    fn restore(&self, source: &SourceFile) -> Diagnostic {
        let mut warning = Diagnostic::warning(self.message.clone());
        warning.location = self.range.map(|(start, end)| (source.clone(), start..end));
        warning.json_path = self.json_path.clone();
        warning.notes = self.notes.clone();
        warning
    }
}

/// `.ita-report-state.json`, or `.ita-report-state-3of8.json` for a slice.
fn state_file(shard: Option<(usize, usize)>) -> String {
    match shard {
        Some((i, n)) => format!(".ita-report-state-{i}of{n}.json"),
        None => ".ita-report-state.json".to_owned(),
    }
}

impl State {
    fn read(path: &Path) -> State {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Adds `entries` to the state at `path` as it is now, holding its lock (a run into the
    /// same folder may have written it since this one began). Written through a temporary
    /// file and a rename, so a crash leaves the old state or the new one (the files it names
    /// were renamed into place before).
    fn merge(path: &Path, entries: BTreeMap<String, Entry>) -> std::io::Result<()> {
        // A run that built nothing leaves no folder behind.
        if entries.is_empty() && !path.exists() {
            return Ok(());
        }
        sharing::locked(path, || {
            let mut state = State::read(path);
            state.packages.extend(entries);
            let text = serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?;
            pdf::write_atomic(path, &text)
        })
    }
}

impl Entry {
    /// The warnings to show again for the package `job` whose bytes are `bytes`, or `None`
    /// when they must be found by loading it.
    fn warnings_again(&self, job: &Job, bytes: &[u8], out: &Path) -> Option<Vec<Diagnostic>> {
        match self.data_warnings {
            None => (self.warnings == 0).then(Vec::new),
            Some(0) => Some(Vec::new()),
            Some(count) => {
                let kept = KeptWarnings::read(out, job, &self.key, count)?;
                // As `load` reads it: UTF-8 (it was, or it would not have been built), no BOM.
                let text = std::str::from_utf8(bytes).ok()?;
                let source =
                    SourceFile::new(&job.name, text.strip_prefix('\u{feff}').unwrap_or(text));
                Some(kept.iter().map(|k| k.restore(&source)).collect())
            }
        }
    }

    /// Whether the emblems beside the package in `dir` and every file written into `out`
    /// are as they were.
    fn current(&self, dir: &Path, out: &Path) -> bool {
        self.beside_current(dir)
            && self
                .files
                .iter()
                .all(|(name, hash)| file_hash(&out.join(name)) == *hash)
    }

    fn beside_current(&self, dir: &Path) -> bool {
        self.beside
            .iter()
            .all(|(name, hash)| file_hash(&dir.join(name)) == *hash)
    }

    /// The PDFs written into `out` that have been signed since (the others as they were),
    /// with the emblems beside the package in `dir` unchanged; empty otherwise.
    fn signed_since(&self, dir: &Path, out: &Path) -> Vec<String> {
        let mut signed = Vec::new();
        for (name, hash) in &self.files {
            let path = out.join(name);
            if file_hash(&path) == *hash {
                continue;
            }
            if !(name.ends_with(".pdf") && pdf::is_signed(&path).unwrap_or(false)) {
                return Vec::new();
            }
            signed.push(path.display().to_string());
        }
        if self.beside_current(dir) {
            signed
        } else {
            Vec::new()
        }
    }
}

use crate::fingerprint::fingerprint;

/// The fingerprint of what every package of a run shares: this program, the templates and
/// frameworks folder, the font folders (names, sizes and times) and the options.
pub fn setup(
    templates: Option<&Path>,
    font_dirs: &[PathBuf],
    options: &BuildOptions,
    emit_typst: bool,
) -> String {
    // The program by version, size and time (hashing 50 MB each run would cost more than it saves).
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    let program = format!(
        "{} {:?} {:?}",
        env!("CARGO_PKG_VERSION"),
        exe.as_ref().map(|m| m.len()),
        exe.and_then(|m| m.modified().ok())
    );
    let mut parts: Vec<Vec<u8>> = vec![
        program.into_bytes(),
        format!("{options:?} {emit_typst}").into_bytes(),
    ];
    if let Some(dir) = templates {
        for path in files_under(dir) {
            parts.push(path.to_string_lossy().into_owned().into_bytes());
            parts.push(std::fs::read(&path).unwrap_or_default());
        }
    }
    for dir in font_dirs {
        for path in files_under(dir) {
            let meta = std::fs::metadata(&path).ok();
            let stamp = meta
                .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
                .unwrap_or_default();
            parts.push(format!("{} {stamp}", path.display()).into_bytes());
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    fingerprint(&refs)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Whether a file belongs to slice `index` (1-based) of `count`: by a hash of its path as
/// given, so a file stays in its slice however many files are added.
pub fn in_shard(path: &Path, index: usize, count: usize) -> bool {
    let hash = fingerprint(&[path.to_string_lossy().as_bytes()]);
    let low = u64::from_str_radix(&hash[16..], 16).unwrap_or(0);
    (low % count as u64) as usize == index - 1
}
