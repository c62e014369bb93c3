//! The results sheet: agencies and their scores, found wherever the header row is.
//!
//! Published result sheets differ in everything but their words: a title merged over the
//! first rows, columns in any order, headers such as "ชื่อหน่วยงาน", "คะแนนรวม", "IIT",
//! "ตัวชี้วัดที่ 9" or the indicator's name, scores typed with Thai or Arabic digits. So
//! columns are recognised by what their header says (see [`classify`]), the header row is the
//! first that names an agency column and a score column, and every bad cell is reported with
//! its address in one pass: a sheet with any error gives nothing.

use std::collections::BTreeMap;

use super::sheet::{Cell, Sheet};
use crate::completion::mean;
use crate::diagnostic::{Diagnostic, Failure, Lang, Message};
use crate::framework::{Formed, Framework};
use crate::message;
use crate::model::{Score, Tool};
use crate::thai;

/// How far down a sheet the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 30;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Name,
    District,
    Total,
    Tool(Tool),
    Indicator(u8),
    Level,
    /// "จังหวัด": the name column of a regional table (one row per province); beside a
    /// name column, the agency's province, not read.
    Province,
    /// A weight ("น้ำหนัก") or a weighted score ("คะแนนถ่วงน้ำหนัก IIT"): recognised, so it
    /// is not read as a score, and not read.
    Weighted,
}

impl Column {
    fn is_score(self) -> bool {
        matches!(self, Column::Total | Column::Tool(_) | Column::Indicator(_))
    }

    /// What the column holds, in Thai and English.
    fn what(self) -> Message {
        let (thai, english) = match self {
            Column::Name => ("ชื่อหน่วยงาน".to_owned(), "the agency's name".to_owned()),
            Column::District => ("อำเภอ".to_owned(), "the district".to_owned()),
            Column::Total => ("คะแนนรวม".to_owned(), "the total score".to_owned()),
            Column::Tool(tool) => (format!("คะแนน {tool}"), format!("the {tool} score")),
            Column::Indicator(n) => (format!("คะแนนตัวชี้วัดที่ {n}"), format!("indicator {n}'s score")),
            Column::Level => ("ระดับ".to_owned(), "the level".to_owned()),
            Column::Province => ("จังหวัด".to_owned(), "the province".to_owned()),
            Column::Weighted => (
                "น้ำหนักหรือคะแนนถ่วงน้ำหนัก".to_owned(),
                "a weight or weighted score".to_owned(),
            ),
        };
        Message::new(thai, english)
    }
}

/// One agency's row.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyResult {
    pub name: String,
    pub district: Option<String>,
    pub total: Option<Score>,
    pub tools: BTreeMap<Tool, Score>,
    pub indicators: BTreeMap<u8, Score>,
    pub level: Option<String>,
    /// Where the row is, for messages: the address of its name cell.
    pub at: String,
}

impl AgencyResult {
    /// The total as the year's framework forms it from the row's tools, and from its
    /// indicators for the tools the row leaves blank (2564: 0.3·IIT + 0.3·EIT + 0.4·OIT, each
    /// tool the mean of its indicators); none where a weight or a part is not known.
    pub fn formed_total(&self, framework: &Framework) -> Option<Score> {
        let mut tools = self.tools.clone();
        for spec in &framework.tools {
            if tools.contains_key(&spec.tool) || spec.formed != Some(Formed::MeanOfIndicators) {
                continue;
            }
            let parts: Option<Vec<Score>> = framework
                .indicators
                .iter()
                .filter(|i| i.tool == spec.tool)
                .map(|i| self.indicators.get(&i.number).copied())
                .collect();
            if let Some(parts) = parts.filter(|p| !p.is_empty()) {
                tools.insert(spec.tool, Score(mean(&parts) as f64 / 100.0));
            }
        }
        let hundredths = framework.weighted_total(&tools)?;
        Some(Score(hundredths as f64 / 100.0))
    }
}

/// What a results sheet holds.
#[derive(Debug, Clone)]
pub struct Results {
    pub agencies: Vec<AgencyResult>,
    /// The text of the rows above the header (the sheet's title).
    pub title: Vec<String>,
    /// Headers of columns that were not read, for a note.
    pub ignored: Vec<String>,
}

/// A header's text reduced to what identifies it: no spaces or line breaks, Arabic digits,
/// lower case.
pub fn normalize(text: &str) -> String {
    thai::arabic_digits(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a header names, by its words; `None` for columns the import does not read (ลำดับ,
/// จังหวัด, …).
pub fn classify(header: &str, framework: &Framework) -> Option<Column> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    // Before the tools: "IIT (น้ำหนักร้อยละ 30)" and "คะแนนถ่วงน้ำหนัก EIT" are not the
    // tool's score; "คะแนนรวม (ถ่วงน้ำหนัก)" is the total.
    let total = h.starts_with("คะแนนรวม") || h.starts_with("รวม");
    if !total && (h.contains("น้ำหนัก") || h.contains("ถ่วง") || h.contains("weight"))
    {
        return Some(Column::Weighted);
    }
    for tool in Tool::ALL {
        if h.contains(&tool.code().to_lowercase()) {
            return Some(Column::Tool(tool));
        }
    }
    if let Some(rest) = h.strip_prefix("ตัวชี้วัดที่").or_else(|| h.strip_prefix("ตัวชี้วัด"))
    {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<u8>() {
            return Some(Column::Indicator(n));
        }
    }
    if let Some(ind) = framework
        .indicators
        .iter()
        .find(|i| normalize(&i.name) == h || h.ends_with(&normalize(&i.name)))
    {
        return Some(Column::Indicator(ind.number));
    }
    let starts = |words: &[&str]| words.iter().any(|w| h.starts_with(w));
    // The body an agency belongs to ("หน่วยงานต้นสังกัด", "สังกัด", "กระทรวง"), beside its
    // own name: not read (it is not the agency).
    if h.contains("ต้นสังกัด") || starts(&["สังกัด", "กระทรวง", "หน่วยงานที่กำกับ"])
    {
        return None;
    }
    if starts(&[
        "ชื่อ",
        "หน่วยงาน",
        "องค์กรปกครองส่วนท้องถิ่น",
        "อปท",
        "ส่วนราชการ",
        "หน่วยรับการประเมิน",
        "สถานศึกษา",
    ]) {
        Some(Column::Name)
    } else if starts(&["จังหวัด"]) {
        Some(Column::Province)
    } else if starts(&["อำเภอ"]) {
        Some(Column::District)
    } else if starts(&["คะแนน", "ผลคะแนน"]) || h == "ita" || h == "รวม"
    {
        Some(Column::Total)
    } else if starts(&["ระดับ", "ผลการประเมิน"]) {
        Some(Column::Level)
    } else {
        None
    }
}

/// The columns a row names, if it is a header row: one holding the agency's name and at
/// least one holding scores. Two columns of one kind are an error.
fn header(
    sheet: &Sheet,
    row: usize,
    framework: &Framework,
) -> Option<Result<BTreeMap<Column, usize>, Diagnostic>> {
    let mut columns: BTreeMap<Column, usize> = BTreeMap::new();
    for (c, cell) in sheet.rows[row].iter().enumerate() {
        let Some(kind) = classify(&cell.text(), framework) else {
            continue;
        };
        // Weights come one per tool, often under one merged heading: none is read.
        if kind == Column::Weighted {
            continue;
        }
        if let Some(&first) = columns.get(&kind) {
            // Only an error once this is known to be the header row.
            let (a, b, what) = (
                sheet.address(row, first),
                sheet.address(row, c),
                kind.what(),
            );
            let (what, what_thai) = (&what.english, what.get(Lang::Thai));
            let (first_text, text) = (sheet.cell(row, first).text(), cell.text());
            let message = message!(
                "{a} และ {b} เป็น{what_thai}ทั้งคู่: \"{first_text}\" และ \"{text}\"",
                "{a} and {b} both hold {what}: \"{first_text}\" and \"{text}\""
            );
            let note = message!(
                "เก็บไว้คอลัมน์เดียว หรือเปลี่ยนหัวคอลัมน์ของอีกคอลัมน์",
                "keep one of the columns, or rename the other"
            );
            let is_header = columns.contains_key(&Column::Name) || kind == Column::Name;
            return is_header.then(|| Err(Diagnostic::error(message).with_note(note)));
        }
        columns.insert(kind, c);
    }
    // A regional table names its rows by province; beside a name column the province is
    // the agency's, which the import takes from its options.
    // Kept as the name column's second key, so the rows know they are provinces.
    if let Some(&c) = columns.get(&Column::Province) {
        match columns.entry(Column::Name) {
            std::collections::btree_map::Entry::Occupied(_) => {
                columns.remove(&Column::Province);
            }
            std::collections::btree_map::Entry::Vacant(name) => {
                name.insert(c);
            }
        }
    }
    let usable = columns.contains_key(&Column::Name) && columns.keys().any(|k| k.is_score());
    usable.then_some(Ok(columns))
}

/// Reads the first sheet that has a header row.
pub fn read(sheets: &[Sheet], framework: &Framework) -> Result<Results, Failure> {
    for sheet in sheets {
        for row in 0..sheet.rows.len().min(HEADER_SEARCH_ROWS) {
            match header(sheet, row, framework) {
                Some(Ok(columns)) => return rows(sheet, row, &columns, framework),
                Some(Err(diagnostic)) => return Err(diagnostic.into()),
                None => {}
            }
        }
    }
    let file = sheets
        .first()
        .map_or("the spreadsheet", |s| s.file.as_str());
    let rows = HEADER_SEARCH_ROWS;
    Err(Diagnostic::error(message!(
        "{file}: ไม่พบแถวหัวตารางใน {rows} แถวแรกของแผ่นงานใดเลย",
        "{file}: no header row found in the first {rows} rows of any sheet"
    ))
    .with_note(message!(
        "ต้องมีแถวที่มีคอลัมน์ชื่อ (ชื่อหน่วยงาน หน่วยงาน ชื่อ อปท. หรือ จังหวัด) และคอลัมน์คะแนน (คะแนน, คะแนนรวม, IIT, EIT, OIT, ตัวชี้วัดที่ 1 … 10)",
        "expected a row with a name column (ชื่อหน่วยงาน, หน่วยงาน, ชื่อ อปท. or จังหวัด) and a score column (คะแนน, คะแนนรวม, IIT, EIT, OIT, ตัวชี้วัดที่ 1 … 10)"
    ))
    .into())
}

fn rows(
    sheet: &Sheet,
    header: usize,
    columns: &BTreeMap<Column, usize>,
    framework: &Framework,
) -> Result<Results, Failure> {
    let mut agencies = Vec::new();
    let mut errors = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate().skip(header + 1) {
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        match agency(sheet, r, columns, framework) {
            Ok(agency) => agencies.push(agency),
            Err(mut found) => errors.append(&mut found),
        }
    }
    if agencies.is_empty() && errors.is_empty() {
        let at = sheet.address(header, 0);
        errors.push(Diagnostic::error(message!(
            "{at}: ใต้แถวหัวตารางไม่มีหน่วยงานใด",
            "{at}: the header row has no agencies under it"
        )));
    }
    if !errors.is_empty() {
        return Err(Failure(cap(errors)));
    }
    let read: Vec<usize> = columns.values().copied().collect();
    let ignored = sheet.rows[header]
        .iter()
        .enumerate()
        .filter(|(c, cell)| !read.contains(c) && !cell.is_blank())
        .map(|(_, cell)| cell.text())
        .collect();
    let title = sheet.rows[..header]
        .iter()
        .flatten()
        .filter(|c| !c.is_blank())
        .map(Cell::text)
        .collect();
    Ok(Results {
        agencies,
        title,
        ignored,
    })
}

/// Errors beyond the limit are counted, not listed.
fn cap(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let limit = crate::limits::ERRORS;
    if errors.len() > limit {
        let more = errors.len() - limit;
        errors.truncate(limit);
        errors.push(Diagnostic::error(message!(
            "… และยังมีช่องที่ผิดอีก {more} ช่อง",
            "… and {more} more bad cells"
        )));
    }
    errors
}

fn agency(
    sheet: &Sheet,
    r: usize,
    columns: &BTreeMap<Column, usize>,
    framework: &Framework,
) -> Result<AgencyResult, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let name_column = columns[&Column::Name];
    let regional = columns.get(&Column::Province) == Some(&name_column);
    let name = match sheet.cell(r, name_column) {
        Cell::Text(t) if !t.trim().is_empty() => {
            let name = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if regional { province_name(name) } else { name }
        }
        other => {
            errors.push(bad(sheet, r, name_column, Column::Name.what(), other));
            String::new()
        }
    };
    let mut result = AgencyResult {
        name,
        district: None,
        total: None,
        tools: BTreeMap::new(),
        indicators: BTreeMap::new(),
        level: None,
        at: sheet.address(r, name_column),
    };
    for (&kind, &c) in columns {
        let cell = sheet.cell(r, c);
        match kind {
            Column::Name | Column::Province | Column::Weighted => {}
            Column::District => result.district = (!cell.is_blank()).then(|| cell.text()),
            Column::Level => result.level = (!cell.is_blank()).then(|| cell.text()),
            Column::Indicator(n) if framework.indicator(n).is_none() => {
                let (at, year) = (sheet.address(r, c), framework.fiscal_year);
                errors.push(Diagnostic::error(message!(
                    "{at}: ปี {year} ไม่มีตัวชี้วัดที่ {n}",
                    "{at}: indicator {n} does not exist in {year}"
                )));
            }
            // A tool or indicator left blank or dashed is one the results do not give (an
            // agency assessed on fewer tools); the total is what a row is for, so a blank
            // one is read only where the framework forms it (checked below).
            Column::Tool(_) | Column::Indicator(_) | Column::Total if not_given(cell) => {}
            _ => match score(cell) {
                Some(score) => match kind {
                    Column::Total => result.total = Some(score),
                    Column::Tool(tool) => _ = result.tools.insert(tool, score),
                    Column::Indicator(n) => _ = result.indicators.insert(n, score),
                    _ => {}
                },
                None => {
                    let what = kind.what();
                    let (what, what_thai) = (&what.english, what.get(Lang::Thai));
                    let expected = message!(
                        "{what_thai} (คะแนนตั้งแต่ 0 ถึง 100 ทศนิยมไม่เกินสองตำแหน่ง)",
                        "{what} (a score from 0 to 100 with at most two decimals)"
                    );
                    errors.push(bad(sheet, r, c, expected, cell));
                }
            },
        }
    }
    if let Some(&c) = columns.get(&Column::Total)
        && errors.is_empty()
        && result.total.is_none()
        && result.formed_total(framework).is_none()
    {
        errors.push(blank_total(sheet, r, c, framework));
    }
    if errors.is_empty() {
        Ok(result)
    } else {
        Err(errors)
    }
}

/// A total left blank in a row whose tools or indicators do not give it under the year's
/// framework.
fn blank_total(sheet: &Sheet, r: usize, c: usize, framework: &Framework) -> Diagnostic {
    let expected = message!(
        "คะแนนรวม (คะแนนตั้งแต่ 0 ถึง 100 ทศนิยมไม่เกินสองตำแหน่ง)",
        "the total score (a score from 0 to 100 with at most two decimals)"
    );
    let year = framework.fiscal_year;
    bad(sheet, r, c, expected, sheet.cell(r, c)).with_note(message!(
        "คะแนนรวมว่างได้เฉพาะเมื่อคำนวณจากคะแนนเครื่องมือหรือตัวชี้วัดในแถวได้ตามเกณฑ์ปี {year} (น้ำหนักของทุกเครื่องมือ และคะแนนครบ) ใส่คะแนนรวมตามที่ประกาศ",
        "a total may be blank only where the {year} framework forms it from the row's tools or indicators (every tool's weight known, every score given): give the published total"
    ))
}

/// A regional table's row names the province as "ร้อยเอ็ด": the agency is "จังหวัดร้อยเอ็ด"
/// (Bangkok is named without "จังหวัด").
fn province_name(name: String) -> String {
    if name.starts_with("จังหวัด") || name.starts_with("กรุงเทพ") {
        name
    } else {
        format!("จังหวัด{name}")
    }
}

/// An empty cell, or one holding only a dash.
fn not_given(cell: &Cell) -> bool {
    cell.is_blank() || matches!(cell.text().trim(), "-" | "–" | "—")
}

fn bad(sheet: &Sheet, r: usize, c: usize, expected: Message, found: &Cell) -> Diagnostic {
    let (found, found_thai) = match found {
        Cell::Empty => ("an empty cell".to_owned(), "ช่องว่าง".to_owned()),
        Cell::Text(t) if t.trim().is_empty() => ("an empty cell".to_owned(), "ช่องว่าง".to_owned()),
        other => {
            let shown = format!("\"{}\"", crate::diagnostic::terminal_safe(&other.text()));
            (shown.clone(), shown)
        }
    };
    let (at, expected_thai, expected) = (
        sheet.address(r, c),
        expected.thai.unwrap_or_default(),
        expected.english,
    );
    Diagnostic::error(message!(
        "{at}: ต้องเป็น{expected_thai} แต่พบ {found_thai}",
        "{at}: expected {expected}, found {found}"
    ))
}

/// A score from a cell: a number from 0 to 100 with at most two decimals, typed with Thai
/// or Arabic digits. A spreadsheet's binary fraction (95.549999…) is the score it shows.
fn score(cell: &Cell) -> Option<Score> {
    let value = match cell {
        Cell::Number(n) => *n,
        Cell::Text(t) => {
            let t = thai::arabic_digits(t.trim());
            t.parse::<f64>().ok()?
        }
        Cell::Empty => return None,
    };
    let hundredths = value * 100.0;
    let ok = value.is_finite()
        && (0.0..=100.0).contains(&value)
        && (hundredths - hundredths.round()).abs() < 1e-6;
    ok.then(|| Score(hundredths.round() / 100.0))
}
