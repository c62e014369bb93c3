//! ita-report: the Thai official documents of the yearly ITA assessment, from JSON to PDF.
//!
//! Data flows one way: [`load`] (JSON → validated [`documents::Package`]: [`rules`] and each
//! kind's in [`documents`], the year's [`framework`], [`consistency`] findings as warnings,
//! the facts of [`analysis`] and [`narrative`] derived once) → [`templates`] (minijinja →
//! Typst source) → [`linebreak`] (Thai word boundaries written into that source, with
//! [`thai::words`]) → [`world`] (in-process Typst compile) → [`text_layer`] (split Thai
//! clusters rejoined, break marks taken out) → [`pdf`] (export, atomic write) → [`archive`]
//! (signature fields, signing, verifying). The [`engine`] holds what is loaded once per
//! process (fonts, templates) and runs those stages for one package; the faces sit on top:
//! [`cli`] decides what to build and prints diagnostics, [`web`] serves the same stages to a
//! browser.

// A failure carries its diagnostics whole (messages in two languages, the source they point
// into): it happens once per bad package, so boxing it would cost clarity and save nothing.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod archive;
pub mod batch;
pub mod catalogue;
pub mod check;
pub mod checker;
pub mod cli;
pub mod completion;

pub mod confine;
pub mod consistency;
pub mod diagnostic;
pub mod documents;
pub mod emblem;
pub mod engine;
pub mod filename;
pub mod fingerprint;
pub mod flow;
pub mod framework;
pub mod hub;
pub mod import;
pub mod layout_lang;
pub mod limits;
pub mod linebreak;
pub mod load;
pub mod model;
pub mod narrative;
pub mod outline;
pub mod pdf;
pub mod qr;
pub mod rules;
pub mod schema;
pub mod settable;
pub mod sharing;
pub mod spanned;
pub mod spans;
pub mod spelling;
pub mod strict;
pub mod templates;
pub mod text_layer;
pub mod thai;
pub mod web;
pub mod world;
