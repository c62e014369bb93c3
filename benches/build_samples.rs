//! Builds every sample in inputs/ in-process many times and reports the time per document
//! and the process's peak memory. Run with `cargo bench`; figures go in the README.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ita_report::documents::DocKind;
use ita_report::engine::{BuildOptions, Engine};
use ita_report::load;

const ROUNDS: usize = 20;

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let started = Instant::now();
    let engine = Engine::new(None, &[]).expect("fonts and templates load");
    let frameworks = ita_report::framework::Frameworks::load(None).expect("frameworks load");
    println!(
        "engine setup (fonts, templates): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut inputs: Vec<PathBuf> = std::fs::read_dir("inputs")
        .expect("run from the repository root")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    inputs.sort();
    let out = std::env::temp_dir().join("ita-report-bench");

    for path in &inputs {
        let name = path.display().to_string();
        let loaded = load::load_file(path, &name, &frameworks).unwrap_or_else(|f| panic!("{f}"));
        let docs = DocKind::available(&loaded.package).len();
        let mut times = Vec::with_capacity(ROUNDS);
        let mut pages = 0;
        for round in 0..ROUNDS {
            let t = Instant::now();
            let built = engine
                .build(&loaded, "bench", &out, &BuildOptions::default())
                .unwrap_or_else(|f| panic!("{f}"));
            times.push(t.elapsed());
            pages = built.artifacts[0].document.pages().len();
            if round == 0 {
                println!(
                    "{name}: first build (cold caches) {:.1} ms",
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
        }
        // Long batches evict memoized results between packages, as the CLI does.
        ita_report::engine::evict_caches();
        times.sort();
        let median = times[ROUNDS / 2];
        let per_doc = median / docs as u32;
        println!(
            "{name}: {docs} documents, {pages} pages; median of {ROUNDS} builds {:.1} ms (min {:.1}, max {:.1}); {:.1} ms per document",
            ms(median),
            ms(times[0]),
            ms(times[ROUNDS - 1]),
            ms(per_doc)
        );
    }
    match peak_memory_mib() {
        Some(mib) => println!("peak memory (VmHWM): {mib:.0} MiB"),
        None => println!("peak memory: not available on this platform"),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
