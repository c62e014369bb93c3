//! OpenDocument spreadsheets (.ods), read from `content.xml` one event at a time.
//!
//! Not through calamine: it builds every sheet when the file is opened, expanding repeated
//! rows and columns up to 100 million cells (3 GB). Here a repeat is a count: empty repeats
//! (LibreOffice ends every sheet with a million of them) only move the position, and cells
//! that hold something are kept by [`Grid`] within the file's budget.

use std::io::{BufRead, BufReader};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::grid::{Budget, Grid};
use super::{Cell, Sheet, zipped};
use crate::diagnostic::{Diagnostic, terminal_safe};
use crate::limits::CELL_CHARS;
use crate::message;

pub fn read(bytes: &[u8], shown: &str) -> Result<Vec<Sheet>, Diagnostic> {
    let mut archive = zipped::open(bytes, shown)?;
    let content = archive.by_name("content.xml").map_err(|_| {
        Diagnostic::error(message!(
            "อ่านแฟ้มตาราง `{shown}` ไม่ได้: ไม่มี content.xml จึงไม่ใช่แฟ้ม OpenDocument",
            "cannot read the spreadsheet `{shown}`: it has no content.xml, so it is not OpenDocument"
        ))
    })?;
    let mut xml = Reader::from_reader(BufReader::new(content));
    let cannot = |e: String, at: u64| {
        let e = terminal_safe(&e);
        Diagnostic::error(message!(
            "อ่านแฟ้มตาราง `{shown}` ไม่ได้: content.xml ไบต์ที่ {at}: {e}",
            "cannot read the spreadsheet `{shown}`: content.xml at byte {at}: {e}"
        ))
    };
    let mut budget = Budget::default();
    let (mut sheets, mut buf) = (Vec::new(), Vec::new());
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == b"table:table" => {
                let name = attribute(&e, "table:name").unwrap_or_default();
                let grid = Grid::new(shown, Some(name), &mut budget);
                match table(&mut xml, grid) {
                    Ok(sheet) => sheets.push(sheet),
                    Err(Failure::Cell(d)) => return Err(d),
                    Err(Failure::Xml(e)) => return Err(cannot(e, xml.buffer_position())),
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(cannot(e.to_string(), xml.buffer_position())),
        }
    }
    Ok(sheets)
}

/// Why a table could not be read: a cell beyond the bounds, or XML that is not.
enum Failure {
    Cell(Diagnostic),
    Xml(String),
}

impl From<quick_xml::Error> for Failure {
    fn from(e: quick_xml::Error) -> Self {
        Failure::Xml(e.to_string())
    }
}

impl From<quick_xml::encoding::EncodingError> for Failure {
    fn from(e: quick_xml::encoding::EncodingError) -> Self {
        Failure::Xml(e.to_string())
    }
}

fn unclosed() -> Failure {
    Failure::Xml("the file ends inside a table".to_owned())
}

/// One `table:table`, after its start tag, to its end.
fn table<R: BufRead>(xml: &mut Reader<R>, mut grid: Grid) -> Result<Sheet, Failure> {
    let (mut row, mut buf) = (0u64, Vec::new());
    // The row being read: its runs of one value (first column, count, value), its next
    // column, and how often it repeats. Runs are expanded only into the grid, which counts.
    let mut runs: Vec<(u64, u64, Cell)> = Vec::new();
    let (mut column, mut repeats) = (0u64, 1u64);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                (column, repeats) = (0, count(&e, "table:number-rows-repeated"));
                runs.clear();
            }
            // A row without cells: only the position moves.
            Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                row = row.saturating_add(count(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                for r in 0..repeats {
                    if runs.is_empty() {
                        break;
                    }
                    for (first, n, value) in &runs {
                        for c in *first..first + n {
                            grid.put(row + r, c, value.clone()).map_err(Failure::Cell)?;
                        }
                    }
                }
                row = row.saturating_add(repeats);
                runs.clear();
            }
            Event::Start(e) if is_cell(&e) => {
                let (n, value) = cell(xml, &e, true)?;
                run(&mut runs, &mut column, n, value, &mut grid, row)?;
            }
            Event::Empty(e) if is_cell(&e) => {
                let (n, value) = cell(xml, &e, false)?;
                run(&mut runs, &mut column, n, value, &mut grid, row)?;
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => break,
            Event::Eof => return Err(unclosed()),
            _ => {}
        }
    }
    grid.finish().map_err(Failure::Cell)
}

fn is_cell(e: &BytesStart) -> bool {
    matches!(
        e.name().as_ref(),
        b"table:table-cell" | b"table:covered-table-cell"
    )
}

/// A cell repeated `n` times from `column`: a run of the row when it holds something, its
/// last column checked now.
fn run(
    runs: &mut Vec<(u64, u64, Cell)>,
    column: &mut u64,
    n: u64,
    value: Cell,
    grid: &mut Grid,
    row: u64,
) -> Result<(), Failure> {
    if !value.is_blank() {
        let last = column.saturating_add(n - 1);
        if last >= u64::from(crate::limits::SHEET_COLUMNS) {
            // The grid names the place and the bound.
            return grid.put(row, last, value).map_err(Failure::Cell);
        }
        runs.push((*column, n, value));
    }
    *column = column.saturating_add(n);
    Ok(())
}

/// A repeat count: at least 1; a count that does not parse is 1 (as it is for LibreOffice).
fn count(e: &BytesStart, name: &str) -> u64 {
    attribute(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok().flatten()?;
    a.decode_and_unescape_value(e.decoder())
        .ok()
        .map(|v| v.into_owned())
}

/// A cell's repeat count and value; `open` when its content is still to be read.
fn cell<R: BufRead>(
    xml: &mut Reader<R>,
    e: &BytesStart,
    open: bool,
) -> Result<(u64, Cell), Failure> {
    let repeats = count(e, "table:number-columns-repeated");
    let text = if open { content(xml)? } else { String::new() };
    let value = match attribute(e, "office:value-type").as_deref() {
        Some("float" | "percentage" | "currency") => match attribute(e, "office:value") {
            Some(v) => v
                .trim()
                .parse::<f64>()
                .map_or(Cell::Text(v.clone()), Cell::Number),
            None => Cell::Text(text),
        },
        Some("string") => Cell::Text(attribute(e, "office:string-value").unwrap_or(text)),
        Some("date") => Cell::Text(attribute(e, "office:date-value").unwrap_or(text)),
        Some("time") => Cell::Text(attribute(e, "office:time-value").unwrap_or(text)),
        Some("boolean") => Cell::Text(
            attribute(e, "office:boolean-value")
                .map_or(text, |b| b.eq_ignore_ascii_case("true").to_string()),
        ),
        _ => Cell::Empty,
    };
    Ok((repeats, value))
}

/// The text of a cell's paragraphs, one line each, to the cell's end; notes (annotations)
/// left out. Past [`CELL_CHARS`] characters the rest is not kept (the grid refuses the cell).
fn content<R: BufRead>(xml: &mut Reader<R>) -> Result<String, Failure> {
    let (mut text, mut buf) = (String::new(), Vec::new());
    let (mut depth, mut note, mut paragraphs) = (1usize, 0usize, 0usize);
    let full = |text: &String| text.len() > CELL_CHARS * 4;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => {
                depth += 1;
                match e.name().as_ref() {
                    b"office:annotation" if note == 0 => note = depth,
                    b"text:p" | b"text:h" if note == 0 => {
                        if paragraphs > 0 && !full(&text) {
                            text.push('\n');
                        }
                        paragraphs += 1;
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if note == 0 && !full(&text) => match e.name().as_ref() {
                b"text:s" => {
                    let n = count(&e, "text:c").min(CELL_CHARS as u64 + 1) as usize;
                    text.extend(std::iter::repeat_n(' ', n));
                }
                b"text:tab" => text.push('\t'),
                b"text:line-break" => text.push('\n'),
                b"text:p" | b"text:h" => {
                    if paragraphs > 0 {
                        text.push('\n');
                    }
                    paragraphs += 1;
                }
                _ => {}
            },
            Event::End(_) => {
                if note == depth {
                    note = 0;
                }
                depth -= 1;
                if depth == 0 {
                    return Ok(text);
                }
            }
            Event::Text(t) if note == 0 && !full(&text) => {
                text.push_str(&t.decode()?);
            }
            Event::CData(t) if note == 0 && !full(&text) => {
                text.push_str(&t.decode()?);
            }
            Event::GeneralRef(r) if note == 0 && !full(&text) => {
                if let Some(c) = r.resolve_char_ref()? {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.decode()?) {
                    text.push_str(s);
                }
            }
            Event::Eof => return Err(unclosed()),
            _ => {}
        }
    }
}
