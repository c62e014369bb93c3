//! Crafted PDFs against the reader, `sign`, `verify` and `extract`.
