//! A generated province (204 agency packages) or nation (8,317), each package a report and
//! measures of the seed 002 shape with its own name and scores, built in-process as
//! `ita-report build` does: all cores, one engine. Prints wall time, time per document, peak
//! memory, and the time of an unchanged rebuild (incremental: nothing compiled).
//!
//! `cargo bench --bench batch -- [COUNT] [--jobs N] [--typst PATH]`. With `--typst` (the typst
//! command-line tool of the same minor version) the same Typst sources are also compiled by
//! it, once per document with the same parallelism, as the reference ratio.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ita_report::batch::{self, Batch, Job};
use ita_report::engine::{BuildOptions, Engine};
use ita_report::framework::Frameworks;

/// The program's allocator (see `src/main.rs`), so the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Writes `count` packages into `dir`: seed 002's package with the agency's name and every
/// score moved by a fixed pseudo-random amount, so no two are alike.
fn generate(dir: &Path, count: usize) -> Vec<PathBuf> {
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("inputs/2568-roiet-municipality.json")
            .expect("run from the repository root"),
    )
    .unwrap();
    let mut seed: u64 = 0x51_7CC1_B727_220A;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .map(|k| {
            let mut p = base.clone();
            p["agency"]["name"] = serde_json::json!(format!("องค์การบริหารส่วนตำบลทดสอบ {}", k + 1));
            for ind in p["scores"]["indicators"].as_array_mut().unwrap() {
                let score = ind["score"].as_f64().unwrap();
                let moved = (score - (next() % 1500) as f64 / 100.0).clamp(0.0, 100.0);
                ind["score"] = serde_json::json!((moved * 100.0).round() / 100.0);
            }
            let total = p["scores"]["total"].as_f64().unwrap() - (next() % 800) as f64 / 100.0;
            p["scores"]["total"] = serde_json::json!((total * 100.0).round() / 100.0);
            let path = dir.join(format!("agency-{:05}.json", k + 1));
            std::fs::write(&path, serde_json::to_vec_pretty(&p).unwrap()).unwrap();
            path
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let count: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(204);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let threads: usize = flag("--jobs")
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let typst = flag("--typst");

    let root = std::env::temp_dir().join(format!("ita-report-bench-{count}"));
    let _ = std::fs::remove_dir_all(&root);
    let files = generate(&root.join("in"), count);
    let out = root.join("out");

    let started = Instant::now();
    let engine = Engine::new(None, &[]).expect("fonts and templates load");
    let frameworks = Frameworks::load(None).expect("frameworks load");
    let options = BuildOptions::default();
    let setup = batch::setup(None, &[], &options, typst.is_some());
    let run = Batch {
        engine: &engine,
        frameworks: &frameworks,
        options: &options,
        emit_typst: typst.is_some(),
        deny_warnings: false,
        out_dir: &out,
        setup,
        shard: None,
        force: false,
    };
    let jobs: Vec<Job> = files
        .iter()
        .map(|f| Job {
            file: f.clone(),
            name: f.display().to_string(),
            stem: f.file_stem().unwrap().to_string_lossy().into_owned(),
        })
        .collect();
    let (tally, _) = batch::run(&run, &jobs, threads, |_, _| {});
    let wall = started.elapsed().as_secs_f64();
    let failed = tally.failed;
    assert_eq!(failed, 0, "every generated package builds");
    let documents = count * 2;
    println!("{count} packages ({documents} documents: report and measures), {threads} jobs");
    println!(
        "  wall {wall:.1} s, {:.1} ms per document, {:.1} packages/s",
        wall * 1e3 / documents as f64,
        count as f64 / wall
    );
    match peak_memory_mib() {
        Some(mib) => println!("  peak memory (VmHWM) {mib:.0} MiB"),
        None => println!("  peak memory: not available on this platform"),
    }

    let again = Instant::now();
    let (tally, _) = batch::run(&run, &jobs, threads, |_, _| {});
    let skipped = tally.skipped;
    println!(
        "  unchanged rebuild: {:.2} s ({skipped} of {count} up to date)",
        again.elapsed().as_secs_f64()
    );

    // One package changed: one compiled.
    let changed = std::fs::read_to_string(&files[0]).unwrap().replacen(
        "\"fiscal_year\": 2568",
        "\"fiscal_year\": 2568 ",
        1,
    );
    std::fs::write(
        &files[0],
        changed.replacen(
            "องค์การบริหารส่วนตำบลทดสอบ 1\"",
            "องค์การบริหารส่วนตำบลทดสอบ 1 แก้ไข\"",
            1,
        ),
    )
    .unwrap();
    let one = Instant::now();
    let (tally, _) = batch::run(&run, &jobs, threads, |_, _| {});
    let rebuilt = tally.built;
    println!(
        "  one package changed: {:.2} s ({rebuilt} built)",
        one.elapsed().as_secs_f64()
    );

    let Some(typst) = typst else {
        println!("  reference: skipped (give --typst PATH to the typst command-line tool)");
        return;
    };
    let sources: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "typ"))
        .collect();
    let reference = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(source) = sources.get(i) else { break };
                    let status = std::process::Command::new(&typst)
                        .args([
                            "compile",
                            "--font-path",
                            "fonts",
                            "--ignore-system-fonts",
                            "--root",
                        ])
                        .arg(source.parent().unwrap())
                        .arg(source)
                        .arg(source.with_extension("ref.pdf"))
                        .status()
                        .expect("typst runs");
                    assert!(status.success());
                }
            });
        }
    });
    let theirs = reference.elapsed().as_secs_f64();
    println!(
        "  typst CLI on the same {} sources: wall {theirs:.1} s; throughput ours/theirs {:.2}",
        sources.len(),
        theirs / wall
    );
}
