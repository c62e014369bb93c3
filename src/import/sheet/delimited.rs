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
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut budget = Budget::default();
    let mut grid = Grid::new(shown, None, &mut budget);
    let mut record = ::csv::StringRecord::new();
    for row in 0u64.. {
        let more = reader.read_record(&mut record).map_err(|e| {
            let (line, e) = (row + 1, terminal_safe(&e.to_string()));
            Diagnostic::error(message!(
                "`{shown}` บรรทัด {line}: ไม่ใช่ CSV: {e}",
                "`{shown}` line {line}: not CSV: {e}"
            ))
        })?;
        if !more {
            break;
        }
        for (column, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                grid.put(row, column as u64, Cell::Text(field.to_owned()))?;
            }
        }
    }
    grid.finish()
}
