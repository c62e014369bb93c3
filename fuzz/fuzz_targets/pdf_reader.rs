//! The PDF reader and `verify` on arbitrary bytes: no panic, no stack overflow, no hang.
//! `cargo +nightly fuzz run pdf_reader` (seeds: any PDF, e.g. an archival build, and one
//! saved with cross-reference and object streams, in corpus/pdf_reader/). The cross-reference
//! sections (tables and streams) are read at the last `startxref` and up to 8 sections back
//! along /Prev, and streams decoded with their predictors.
#![no_main]

use ita_report::archive::pdfobj::{self, Objects, Trailer};
use ita_report::archive::{fields, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut at = pdfobj::xref::last_startxref(data);
    for _ in 0..8 {
        let Some(section) = at.and_then(|a| pdfobj::xref::read(data, a).ok()) else {
            break;
        };
        at = pdfobj::integer(&section.trailer, "/Prev").and_then(|p| usize::try_from(p).ok());
    }
    if let Ok(objects) = Objects::read(data) {
        for (number, text) in objects.all() {
            let _ = pdfobj::entries(text);
            let _ = pdfobj::elements(text);
            let _ = pdfobj::same(text, text);
            let _ = pdfobj::text(text);
            let _ = objects.stream(number);
            let _ = pdfobj::decode::decode(number, text, data);
        }
        if let Ok(trailer) = Trailer::read(data) {
            let _ = fields::read(&objects, &trailer);
            let _ = fields::pages(&objects, &trailer);
            let _ = objects.next_free(&trailer, 1);
        }
    }
    let _ = verify::inspect(data);
    let _ = ita_report::archive::attachments(data);
});
