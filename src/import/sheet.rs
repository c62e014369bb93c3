//! Spreadsheets as plain grids of cells, each with the address a person finds it by.
//!
//! The secretariat receives results as Excel or OpenDocument files (calamine reads both) or
//! as CSV, which Thai Excel writes in Windows-874 unless told otherwise. Whatever the format,
//! the rest of the import sees rows of [`Cell`]s and names a cell as `FILE!Sheet!C12` (or
//! `FILE!C12` for CSV), the way a spreadsheet user would look it up.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use crate::diagnostic::Diagnostic;
use crate::message;

/// The largest spreadsheet read: the nation's 8,000-odd agencies fit many times over.
pub const SHEET_BYTES: u64 = 50 * 1024 * 1024;

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
    /// The address of `rows[row][column]`: `FILE!Sheet!C12`.
    pub fn address(&self, row: usize, column: usize) -> String {
        let cell = format!(
            "{}{}",
            column_letters(self.origin.1 + column),
            self.origin.0 + row + 1
        );
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

/// Reads every sheet of an `.xlsx`, `.xlsm`, `.xls`, `.ods` or `.csv` file.
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
    let extension = Path::new(shown)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Ok(vec![csv(&bytes, shown)?]),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => workbook(bytes, shown),
        _ => Err(Diagnostic::error(message!(
            "`{shown}` ไม่ใช่แฟ้มตารางที่โปรแกรมอ่านได้",
            "`{shown}` is not a spreadsheet this program reads"
        ))
        .with_note(message!(
            "ต้องเป็นแฟ้มที่ลงท้ายด้วย .xlsx, .xls, .ods หรือ .csv",
            "expected a file ending in .xlsx, .xls, .ods or .csv"
        ))),
    }
}

fn workbook(bytes: Vec<u8>, shown: &str) -> Result<Vec<Sheet>, Diagnostic> {
    let cannot = |e: calamine::Error| {
        Diagnostic::error(message!(
            "อ่านแฟ้มตาราง `{shown}` ไม่ได้: {e}",
            "cannot read the spreadsheet `{shown}`: {e}"
        ))
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(cannot)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(cannot)?;
        let origin = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let rows = range
            .rows()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        sheets.push(Sheet {
            file: shown.to_owned(),
            name: Some(name),
            rows,
            origin,
        });
    }
    Ok(sheets)
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(d) => Cell::Text(d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e}")),
    }
}

/// A CSV file: UTF-8 (with or without a byte-order mark), else Windows-874 as Thai Excel
/// saves it. Every field is text; numbers are read later, Thai digits included.
fn csv(bytes: &[u8], shown: &str) -> Result<Sheet, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_874
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| {
            Diagnostic::error(message!(
                "`{shown}` บรรทัด {line}: ไม่ใช่ CSV: {e}",
                "`{shown}` line {line}: not CSV: {e}"
            ))
        })?;
        rows.push(
            record
                .iter()
                .map(|f| {
                    if f.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(f.to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet {
        file: shown.to_owned(),
        name: None,
        rows,
        origin: (0, 0),
    })
}
