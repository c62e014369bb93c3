//! The one integration-test binary (one link of typst instead of many).
//!
//! Modules by subject: derived analysis and check findings, Thai formatting tables, escaping of user text, the samples (Typst
//! snapshots, text read back from the laid-out pages, reproducible bytes), invalid inputs
//! with their messages snapshotted, the command line, and the web workspace (`web`: its API
//! over plain HTTP; `browser`: headless Chromium through WebDriver).

mod common;
mod http;

mod analysis;
mod archive;
mod batch;
mod browser;
mod clerk;
mod cli;
mod derive;
mod documents;
mod escape;
mod flow;
mod hostile;
mod hub;
mod hub_browser;
mod import;
mod invalid;
mod language;
mod layout;
mod linebreaks;
mod paths;
mod record;
mod samples;
mod sign_names;
mod signing;
mod statements;
mod thai;
mod timestamps;
mod web;
mod webdriver;
mod xref;
