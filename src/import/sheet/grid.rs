//! Cells as a reader finds them, built into a [`Sheet`]'s rows within the file's bounds.
//!
//! Only cells that hold something are kept while reading, so a declared or implied extent
//! (a cell at A1 and one at XFD1048576) costs nothing until the rows are built; then each row
//! is as long as its own last cell, and the whole is charged to the file's [`Budget`] before
//! any of it is allocated.

use super::{Cell, Sheet, column_letters};
use crate::diagnostic::Diagnostic;
use crate::limits::{CELL_CHARS, SHEET_CELLS, SHEET_COLUMNS, SHEET_ROWS, SHEET_TEXT_BYTES};
use crate::message;

/// The cells, and the bytes of their text, one file may still build, shared by its sheets.
#[derive(Debug)]
pub struct Budget {
    left: usize,
    text: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            left: SHEET_CELLS,
            text: SHEET_TEXT_BYTES,
        }
    }
}

/// One sheet being read.
pub struct Grid<'a> {
    file: &'a str,
    name: Option<String>,
    /// Row, column and value of each cell holding something, in the order read.
    cells: Vec<(u32, u32, Cell)>,
    budget: &'a mut Budget,
}

impl<'a> Grid<'a> {
    pub fn new(file: &'a str, name: Option<String>, budget: &'a mut Budget) -> Self {
        Self {
            file,
            name,
            cells: Vec::new(),
            budget,
        }
    }

    /// `FILE!Sheet!C12` of a 0-based row and column.
    fn place(&self, row: u64, column: u64) -> String {
        let cell = format!("{}{}", column_letters(column as usize), row + 1);
        match &self.name {
            Some(name) => format!("{}!{name}!{cell}", self.file),
            None => format!("{}!{cell}", self.file),
        }
    }

    /// Keeps a cell that holds something (blank ones are what a missing cell reads as).
    /// Rows and columns are `u64` so that a reader adding repeats cannot wrap around.
    pub fn put(&mut self, row: u64, column: u64, cell: Cell) -> Result<(), Diagnostic> {
        if cell.is_blank() {
            return Ok(());
        }
        if row >= u64::from(SHEET_ROWS) || column >= u64::from(SHEET_COLUMNS) {
            let (at, rows, last) = (
                self.place(row.min(u64::from(u32::MAX)), column.min(1 << 20)),
                SHEET_ROWS,
                column_letters(SHEET_COLUMNS as usize - 1),
            );
            return Err(Diagnostic::error(message!(
                "{at}: อยู่นอกตารางที่โปรแกรมอ่าน (ไม่เกิน {rows} แถว และไม่เกินคอลัมน์ {last})",
                "{at}: outside the sheet this program reads (at most {rows} rows and columns to {last})"
            )));
        }
        if let Cell::Text(text) = &cell {
            let chars = if text.len() > CELL_CHARS * 4 {
                text.len() / 4
            } else {
                text.chars().count()
            };
            if chars > CELL_CHARS {
                let at = self.place(row, column);
                return Err(Diagnostic::error(message!(
                    "{at}: ข้อความยาวเกินขีดจำกัด {CELL_CHARS} ตัวอักษรต่อช่อง",
                    "{at}: a text longer than the limit of {CELL_CHARS} characters a cell"
                )));
            }
        }
        let bytes = match &cell {
            Cell::Text(text) => text.len() as u64,
            _ => 0,
        };
        if self.budget.left == 0 || bytes > self.budget.text {
            let (file, at) = (self.file, self.place(row, column));
            return Err(if self.budget.left == 0 {
                too_many(file, &at)
            } else {
                too_much_text(file, &at)
            });
        }
        self.budget.left -= 1;
        self.budget.text -= bytes;
        self.cells.push((row as u32, column as u32, cell));
        Ok(())
    }

    /// The sheet's rows, from its first used row and column; refused, before anything is
    /// allocated, when they would take more cells than the file has left.
    pub fn finish(self) -> Result<Sheet, Diagnostic> {
        let Grid {
            file,
            name,
            mut cells,
            budget,
        } = self;
        // Stable: of two cells at one place (a malformed file), the later is kept.
        cells.sort_by_key(|&(r, c, _)| (r, c));
        cells.dedup_by(|later, earlier| {
            let same = (later.0, later.1) == (earlier.0, earlier.1);
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            return Ok(Sheet::new(file, name, Vec::new(), (0, 0)));
        };
        let (top, bottom) = (first.0, last.0);
        let left = cells.iter().map(|c| c.1).min().unwrap_or(0);
        let height = (bottom - top) as usize + 1;
        // One for each row, and each row as long as its last cell (cells are sorted).
        let mut size = height;
        for (k, &(r, c, _)) in cells.iter().enumerate() {
            if cells.get(k + 1).is_none_or(|next| next.0 != r) {
                size += (c - left) as usize + 1;
            }
        }
        let kept = cells.len();
        if size - kept > budget.left {
            let sheet = Sheet::new(file, name, Vec::new(), (top as usize, left as usize));
            let (from, to) = (
                sheet.place(top as usize, left as usize),
                sheet.place(
                    bottom as usize,
                    cells.iter().map(|c| c.1).max().unwrap_or(0) as usize,
                ),
            );
            return Err(spread(&from, &to, size));
        }
        budget.left -= size - kept;
        Ok(Sheet::new(
            file,
            name,
            rows(cells, top, left, height),
            (top as usize, left as usize),
        ))
    }
}

/// Rows from cells sorted by place, each as long as its last cell.
fn rows(cells: Vec<(u32, u32, Cell)>, top: u32, left: u32, height: usize) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(height);
    let mut cells = cells.into_iter().peekable();
    while let Some((r, c, cell)) = cells.next() {
        let index = (r - top) as usize;
        rows.resize_with(index + 1, Vec::new);
        let mut row = vec![(c - left, cell)];
        while let Some((_, c, cell)) = cells.next_if(|next| next.0 == r) {
            row.push((c - left, cell));
        }
        let width = row.last().map_or(0, |(c, _)| *c as usize + 1);
        let mut built = vec![Cell::Empty; width];
        for (c, cell) in row {
            built[c as usize] = cell;
        }
        rows[index] = built;
    }
    rows
}

fn too_many(file: &str, at: &str) -> Diagnostic {
    Diagnostic::error(message!(
        "แฟ้มตาราง `{file}` มีข้อมูลเกินขีดจำกัด {SHEET_CELLS} ช่อง (นับถึงช่อง {at})",
        "the spreadsheet `{file}` holds more than the limit of {SHEET_CELLS} cells (counting to {at})"
    ))
    .with_note(message!(
        "คัดลอกเฉพาะตารางผลคะแนนไปยังแฟ้มใหม่แล้วนำเข้าแฟ้มนั้น",
        "copy only the results table into a new file and import that"
    ))
}

fn too_much_text(file: &str, at: &str) -> Diagnostic {
    let limit = SHEET_TEXT_BYTES / (1024 * 1024);
    Diagnostic::error(message!(
        "แฟ้มตาราง `{file}` มีข้อความในช่องรวมกันเกินขีดจำกัด {limit} MB (นับถึงช่อง {at})",
        "the text of the cells of the spreadsheet `{file}` adds up to more than the limit of {limit} MB (counting to {at})"
    ))
    .with_note(message!(
        "คัดลอกเฉพาะตารางผลคะแนนไปยังแฟ้มใหม่แล้วนำเข้าแฟ้มนั้น",
        "copy only the results table into a new file and import that"
    ))
}

fn spread(from: &str, to: &str, size: usize) -> Diagnostic {
    Diagnostic::error(message!(
        "{from} ถึง {to}: ข้อมูลกระจายกว้างจนต้องสร้างตาราง {size} ช่อง เกินขีดจำกัด {SHEET_CELLS} ช่อง",
        "{from} to {to}: the cells are spread so wide that the table would take {size} cells, more than the limit of {SHEET_CELLS}"
    ))
    .with_note(message!(
        "ลบข้อมูลที่อยู่ห่างออกไปจากตารางผลคะแนน หรือคัดลอกเฉพาะตารางผลคะแนนไปยังแฟ้มใหม่",
        "delete the cells far from the results table, or copy only the table into a new file"
    ))
}
