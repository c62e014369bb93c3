//! CSV files: UTF-8 (with or without a byte-order mark), else Windows-874 as Thai Excel saves
//! it. Every field is text; numbers are read later, Thai digits included. Fields are kept by
//! [`Grid`] as they are read, so rows, columns and cells are bounded as for a workbook.

use super::grid::{Budget, Grid};
use super::{Cell, Sheet};
use crate::diagnostic::{Diagnostic, terminal_safe};
use crate::message;

pub fn read(bytes: &[u8], shown: &str) -> Result<Sheet, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_874
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    // Blank lines before the first record are skipped without being counted as lines.
    let skip = text
        .bytes()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let leading = text[..skip].matches('\n').count() as u64;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text[skip..].as_bytes());
    let mut budget = Budget::default();
    let mut grid = Grid::new(shown, None, &mut budget);
    let mut record = ::csv::StringRecord::new();
    // Rows as a spreadsheet shows the file: a blank line is an empty row (the CSV reader
    // skips it), a record over several lines (a quoted line break) one row.
    let (mut folded, mut next) = (0u64, 0u64);
    for index in 0u64.. {
        let more = reader.read_record(&mut record).map_err(|e| {
            let (line, e) = (
                e.position().map_or(index + 1, |p| p.line()) + leading,
                terminal_safe(&e.to_string()),
            );
            Diagnostic::error(message!(
                "`{shown}` บรรทัด {line}: ไม่ใช่ CSV: {e}",
                "`{shown}` line {line}: not CSV: {e}"
            ))
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(index + 1, |p| p.line()) + leading;
        // At least the row after the last: lines ended by a lone CR are not counted.
        let row = line.saturating_sub(1 + folded).max(next);
        next = row + 1;
        for (column, field) in record.iter().enumerate() {
            folded += field.matches('\n').count() as u64;
            if !field.trim().is_empty() {
                grid.put(row, column as u64, Cell::Text(field.to_owned()))?;
            }
        }
    }
    grid.finish()
}
