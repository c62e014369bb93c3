//! Excel workbooks (.xlsx, .xlsm) through calamine, cell by cell.
//!
//! calamine's `worksheet_range` allocates the rectangle from the first used cell to the last
//! (17 billion cells for one at A1 and one at XFD1048576); its cell reader yields the cells
//! that exist, which [`Grid`] keeps within the file's budget. The zip is checked first.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::grid::{Budget, Grid};
use super::{Cell, Sheet, zipped};
use crate::diagnostic::{Diagnostic, terminal_safe};
use crate::message;

pub fn read(bytes: &[u8], shown: &str) -> Result<Vec<Sheet>, Diagnostic> {
    let mut archive = zipped::open(bytes, shown)?;
    zipped::check_shared_strings(&mut archive, shown)?;
    drop(archive);
    let cannot = |e: XlsxError| {
        let e = terminal_safe(&e.to_string());
        Diagnostic::error(message!(
            "อ่านแฟ้มตาราง `{shown}` ไม่ได้: {e}",
            "cannot read the spreadsheet `{shown}`: {e}"
        ))
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(cannot)?;
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let mut cells = match book.worksheet_cells_reader(&name) {
            Ok(cells) => cells,
            // A chart sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(cannot(e)),
        };
        let mut grid = Grid::new(shown, Some(name.clone()), &mut budget);
        while let Some(found) = cells.next_cell().map_err(cannot)? {
            let (row, column) = found.get_position();
            grid.put(row.into(), column.into(), cell(found.get_value()))?;
        }
        sheets.push(grid.finish()?);
    }
    Ok(sheets)
}

fn cell(data: &DataRef) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(d) => Cell::Text(d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Text(format!("#{e}")),
    }
}
