//! The one integration-test binary (one link of typst instead of many).
//!
//! Modules by subject: Thai formatting tables, escaping of user text, the samples (Typst
//! snapshots, text read back from the laid-out pages, reproducible bytes), invalid inputs
//! with their messages snapshotted, and the command line.

mod common;

mod cli;
mod escape;
mod invalid;
mod layout;
mod samples;
mod thai;
