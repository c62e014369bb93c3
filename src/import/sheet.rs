//! Spreadsheets as plain grids of cells, each with the address a person finds it by.
//!
//! The secretariat receives results as Excel files (calamine's cell reader), OpenDocument
//! files (read here, event by event) or as CSV, which Thai Excel writes in Windows-874 unless told otherwise. Whatever the format,
//! the rest of the import sees rows of [`Cell`]s and names a cell as `FILE!Sheet!C12` (or
//! `FILE!C12` for CSV), the way a spreadsheet user would look it up.
//!
//! Every reader is bounded (see `crate::limits`): the file's bytes, what its zip parts
//! inflate to, and the cells built, counted before they are allocated (`grid`).

// A `Diagnostic` (160 bytes) is the error of every reader here, as of the rest of the crate;
// a refusal happens once a file, so its size costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

mod delimited;
mod grid;
mod ods;
mod xlsx;
mod zipped;

use std::path::Path;

use crate::diagnostic::Diagnostic;
pub use crate::limits::SHEET_BYTES;
use crate::message;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as text, for headers and names (numbers as written, without a trailing `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }

    /// Whether the cell holds nothing but spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }
}

/// One sheet: its rows from the first used cell, and where that cell is.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The file as the user named it.
    pub file: String,
    /// The sheet's name; `None` for CSV, which has one unnamed sheet.
    pub name: Option<String>,
    pub rows: Vec<Vec<Cell>>,
    /// 0-based row and column of `rows[0][0]` in the spreadsheet.
    pub origin: (usize, usize),
}

impl Sheet {
    fn new(file: &str, name: Option<String>, rows: Vec<Vec<Cell>>, origin: (usize, usize)) -> Self {
        Self {
            file: file.to_owned(),
            name,
            rows,
            origin,
        }
    }

    /// The address of `rows[row][column]`: `FILE!Sheet!C12`.
    pub fn address(&self, row: usize, column: usize) -> String {
        self.place(self.origin.0 + row, self.origin.1 + column)
    }

    /// The address of a 0-based row and column of the spreadsheet.
    fn place(&self, row: usize, column: usize) -> String {
        let cell = format!("{}{}", column_letters(column), row + 1);
        match &self.name {
            Some(name) => format!("{}!{name}!{cell}", self.file),
            None => format!("{}!{cell}", self.file),
        }
    }

    /// The cell at `row`, `column`; empty beyond the row's end.
    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .unwrap_or(&Cell::Empty)
    }
}

/// Spreadsheet column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads every sheet of an `.xlsx`, `.xlsm`, `.ods` or `.csv` file.
pub fn read(path: &Path, shown: &str) -> Result<Vec<Sheet>, Diagnostic> {
    let bytes = crate::confine::read_limited(path, SHEET_BYTES).map_err(|refusal| {
        let thai = refusal.thai();
        Diagnostic::error(message!(
            "แฟ้มตาราง `{shown}` {thai}",
            "spreadsheet `{shown}` {refusal}"
        ))
    })?;
    parse(bytes, shown)
}

/// Every sheet of a spreadsheet's bytes; `shown` is its file name, whose extension says the
/// format (as uploaded to the web workspace).
pub fn parse(bytes: Vec<u8>, shown: &str) -> Result<Vec<Sheet>, Diagnostic> {
    if bytes.len() as u64 > SHEET_BYTES {
        let (size, limit) = (megabytes(bytes.len() as u64), megabytes(SHEET_BYTES));
        return Err(Diagnostic::error(message!(
            "แฟ้มตาราง `{shown}` มีขนาด {size} MB เกินขีดจำกัด {limit} MB",
            "the spreadsheet `{shown}` is {size} MB, more than the limit of {limit} MB"
        )));
    }
    let extension = Path::new(shown)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    // Whatever a library does with a malformed file, the user gets a message, not a crash.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match extension.as_str() {
        "csv" => delimited::read(&bytes, shown).map(|sheet| vec![sheet]),
        "xlsx" | "xlsm" => xlsx::read(&bytes, shown),
        "ods" => ods::read(&bytes, shown),
        "xls" | "xlsb" => Err(Diagnostic::error(message!(
            "`{shown}` เป็นแฟ้ม Excel แบบเก่าหรือแบบไบนารี ซึ่งโปรแกรมไม่อ่านเพราะตรวจขนาดก่อนอ่านไม่ได้",
            "`{shown}` is an old or binary Excel file, which this program does not read: its size cannot be checked before it is read"
        ))
        .with_note(message!(
            "เปิดแฟ้มใน Excel แล้วบันทึกเป็น .xlsx (สมุดงาน Excel) หรือ .csv",
            "open it in Excel and save it as .xlsx (Excel Workbook) or .csv"
        ))),
        _ => Err(Diagnostic::error(message!(
            "`{shown}` ไม่ใช่แฟ้มตารางที่โปรแกรมอ่านได้",
            "`{shown}` is not a spreadsheet this program reads"
        ))
        .with_note(message!(
            "ต้องเป็นแฟ้มที่ลงท้ายด้วย .xlsx, .ods หรือ .csv",
            "expected a file ending in .xlsx, .ods or .csv"
        ))),
    }
    }));
    read.unwrap_or_else(|_| {
        Err(Diagnostic::error(message!(
            "อ่านแฟ้มตาราง `{shown}` ไม่ได้: แฟ้มเสียหาย",
            "cannot read the spreadsheet `{shown}`: the file is damaged"
        )))
    })
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}
