//! The spreadsheet readers on arbitrary bytes: the first byte picks the format (.xlsx, .ods,
//! .csv), the rest is the file. A panic is a crash even though `sheet::parse` catches it
//! (the hook aborts first); an allocation beyond libFuzzer's `-rss_limit_mb` is one too.

#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["f.xlsx", "f.ods", "f.csv"];

static HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("{info}");
            std::process::abort();
        }))
    });
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    if let Err(d) = ita_report::import::sheet::parse(bytes.to_vec(), name) {
        // Every refusal names the file.
        assert!(d.message.english.contains(name), "{}", d.message.english);
    }
});
