//! The `ita-report` binary: a thin shell around [`ita_report::cli::run`].

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ita_report::cli::run(ita_report::cli::Cli::parse())
}
