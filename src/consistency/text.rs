//! Given text read against the document it sits in.
//!
//! Officials write the analysis around the generated tables, and the seeds show what goes
//! wrong: a paragraph pointing at "ภาพที่ ๒" of a report with one chart, "๕ ประเด็น คือ" before
//! four, the EIT paragraph speaking of "แบบ IIT", a lead ending "ดังนี้" with nothing after it,
//! a score quoted that the table does not give. Each reading is narrow on purpose: a statement
//! is judged only when what it is about is named in it or follows from where it sits; when
//! two readings are possible it is a note, and otherwise it is left alone.

use super::Findings;
use super::reading::Text;
use crate::analysis::Facts;
use crate::diagnostic::JsonPath;
use crate::documents::Package;
use crate::documents::announcement::Announcement;
use crate::documents::measures::Measures;
use crate::framework::Frameworks;
use crate::message;
use crate::model::{Outline, Paragraphs, Part, Scores, Tool};

/// What a field of text is about, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    Total,
    Tool(Tool),
    Indicator(u8),
    Other,
}

/// One field of given text.
struct Field<'a> {
    path: JsonPath,
    paragraphs: Vec<&'a str>,
    scope: Scope,
    /// Whether it is printed in the report (whose figures and tables it may refer to).
    in_report: bool,
    /// How many items the document prints right after the field (a list, rows, sections);
    /// zero when nothing follows that a lead could introduce.
    follows: usize,
    /// Whether `follows` is the count of what follows, or only says that something does (a
    /// generated block or the agency's next part, whose items are not counted here).
    counted: bool,
}

impl<'a> Field<'a> {
    fn new(
        path: JsonPath,
        text: &'a Paragraphs,
        scope: Scope,
        in_report: bool,
        follows: usize,
    ) -> Self {
        Field {
            path,
            paragraphs: text.0.iter().map(String::as_str).collect(),
            scope,
            in_report,
            follows,
            counted: true,
        }
    }

    fn one(path: JsonPath, text: &'a str, follows: usize) -> Self {
        Field {
            path,
            paragraphs: vec![text],
            scope: Scope::Other,
            in_report: false,
            follows,
            counted: true,
        }
    }
}

/// Every field of free text in the package, with what it is about and what follows it.
fn fields<'a>(package: &'a Package, facts: &Facts) -> Vec<Field<'a>> {
    let root = JsonPath::default();
    let mut out = Vec::new();
    if let Some(scores) = &package.scores {
        score_fields(&mut out, scores, facts, &root.key("scores"));
    }
    for (i, r) in package.recommendations.iter().enumerate() {
        let path = root.key("recommendations").index(i).key("text");
        out.push(Field::new(path, &r.text, Scope::Tool(r.tool), true, 0));
    }
    if let Some(oit) = &package.oit {
        for (key, table) in [("urgent", &oit.urgent), ("improve", &oit.improve)] {
            if let Some(t) = table {
                let path = root.key("oit").key(key).key("intro");
                out.push(Field::new(path, &t.intro, Scope::Other, true, t.rows.len()));
            }
        }
    }
    if let Some(m) = &package.measures {
        measures_fields(&mut out, m, &root.key("measures"));
    }
    if let Some(memo) = &package.memo {
        for (i, s) in memo.body.iter().enumerate() {
            let sp = root.key("memo").key("body").index(i);
            let (paragraphs, items) = (&s.paragraphs, s.items.len());
            out.push(Field::new(
                sp.key("paragraphs"),
                paragraphs,
                Scope::Other,
                false,
                items,
            ));
            for (j, item) in s.items.iter().enumerate() {
                out.push(Field::new(
                    sp.key("items").index(j),
                    item,
                    Scope::Other,
                    false,
                    0,
                ));
            }
        }
    }
    if let Some(letter) = &package.letter {
        let path = root.key("letter").key("body");
        out.push(Field::new(path, &letter.body, Scope::Other, false, 0));
    }
    if let Some(a) = &package.announcement {
        announcement_fields(&mut out, a, &root.key("announcement"));
    }
    outline_fields(&mut out, &package.outline, &root.key("outline"));
    if let Some(p) = &package.progress {
        for (i, row) in p.rows.iter().enumerate() {
            let rp = root.key("progress").key("rows").index(i);
            for (j, step) in row.steps.iter().enumerate() {
                let sp = rp.key("steps").index(j);
                out.push(Field::new(
                    sp.key("step"),
                    &step.step,
                    Scope::Other,
                    false,
                    0,
                ));
                out.push(Field::new(
                    sp.key("result"),
                    &step.result,
                    Scope::Other,
                    false,
                    0,
                ));
            }
        }
    }
    out
}

/// The analysis around the score tables: the summary is about the total, each tool's and
/// indicator's analysis about its own score.
/// The agency's own text in its outline: paragraphs (with what the part after each prints),
/// list items and table cells, read as the same text elsewhere in the package is.
fn outline_fields<'a>(out: &mut Vec<Field<'a>>, outline: &'a Outline, path: &JsonPath) {
    let documents = [
        ("cover", &outline.cover),
        ("report", &outline.report),
        ("oit", &outline.oit),
        ("measures", &outline.measures),
    ];
    for (name, parts) in documents {
        let Some(parts) = parts else { continue };
        for (i, part) in parts.iter().enumerate() {
            let at = path.key(name).index(i);
            match part {
                Part::Paragraph(p) => {
                    let (follows, counted) = printed_after(parts.get(i + 1));
                    let in_report = name == "report";
                    let mut field =
                        Field::new(at.key("text"), &p.text, Scope::Other, in_report, follows);
                    field.counted = counted;
                    out.push(field);
                }
                Part::List(list) => {
                    for (j, item) in list.items.iter().enumerate() {
                        out.push(Field::one(at.key("items").index(j), item, 0));
                    }
                }
                Part::Table(table) => {
                    for (j, row) in table.rows.iter().enumerate() {
                        for (k, cell) in row.iter().enumerate() {
                            let cell_path = at.key("rows").index(j).index(k);
                            out.push(Field::one(cell_path, cell, 0));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// What the part after an outline paragraph prints: the items of a list or the rows of a
/// table, counted; something uncounted for any other part (a heading may open the sections a
/// lead announces); nothing at the document's end.
fn printed_after(next: Option<&Part>) -> (usize, bool) {
    match next {
        None => (0, true),
        Some(Part::List(list)) => (list.items.len(), true),
        Some(Part::Table(table)) => (table.rows.len(), true),
        Some(_) => (1, false),
    }
}

fn score_fields<'a>(out: &mut Vec<Field<'a>>, scores: &'a Scores, facts: &Facts, path: &JsonPath) {
    out.push(Field::new(
        path.key("summary"),
        &scores.summary,
        Scope::Total,
        true,
        0,
    ));
    let tools = facts.tools.len();
    let intro = &scores.analysis_intro;
    out.push(Field::new(
        path.key("analysis_intro"),
        intro,
        Scope::Other,
        true,
        tools,
    ));
    for (tool, text) in &scores.tool_analysis {
        let at = path.key("tool_analysis").key(tool.code());
        out.push(Field::new(at, text, Scope::Tool(*tool), true, 0));
    }
    for (i, ind) in scores.indicators.iter().enumerate() {
        // An OIT indicator's analysis may lead into its items, which the OIT detail prints.
        let items = facts
            .oit
            .iter()
            .flat_map(|o| &o.indicators)
            .find(|o| o.number == ind.number)
            .map_or(0, |o| o.items);
        let at = path.key("indicators").index(i).key("analysis");
        let scope = Scope::Indicator(ind.number);
        out.push(Field::new(at, &ind.analysis, scope, true, items));
    }
}

/// The measures: their lead, the sections with their items, and every column of the rows.
/// A row's finding is about its own indicator; its other columns (the measure, its steps,
/// targets) are judged only where they name what they quote.
fn measures_fields<'a>(out: &mut Vec<Field<'a>>, m: &'a Measures, path: &JsonPath) {
    let follows = m.rows.len() + m.sections.len();
    out.push(Field::new(
        path.key("intro"),
        &m.intro,
        Scope::Other,
        true,
        follows,
    ));
    for (i, s) in m.sections.iter().enumerate() {
        let sp = path.key("sections").index(i);
        let (paragraphs, items) = (s.paragraphs.0.len(), s.items.len());
        let title = Field::one(sp.key("title"), &s.title, paragraphs + items);
        out.push(Field {
            in_report: true,
            ..title
        });
        out.push(Field::new(
            sp.key("paragraphs"),
            &s.paragraphs,
            Scope::Other,
            true,
            items,
        ));
        for (j, item) in s.items.iter().enumerate() {
            let text = Field::one(
                sp.key("items").index(j).key("text"),
                &item.text,
                item.list.len(),
            );
            out.push(Field {
                in_report: true,
                ..text
            });
        }
    }
    for (i, row) in m.rows.iter().enumerate() {
        let rp = path.key("rows").index(i);
        let own = Scope::Indicator(row.indicator);
        out.push(Field::new(rp.key("finding"), &row.finding, own, true, 0));
        for (key, column) in [
            ("measure", &row.measure),
            ("steps", &row.steps),
            ("monitoring", &row.monitoring),
        ] {
            out.push(Field::new(rp.key(key), column, Scope::Other, true, 0));
        }
    }
}

/// The announcement's preamble, section titles and items.
fn announcement_fields<'a>(out: &mut Vec<Field<'a>>, a: &'a Announcement, path: &JsonPath) {
    out.push(Field::new(
        path.key("preamble"),
        &a.preamble,
        Scope::Other,
        false,
        a.sections.len(),
    ));
    for (i, s) in a.sections.iter().enumerate() {
        let sp = path.key("sections").index(i);
        out.push(Field::one(sp.key("title"), &s.title, s.items.len()));
        for (j, item) in s.items.iter().enumerate() {
            let at = sp.key("items").index(j).key("text");
            out.push(Field::one(at, &item.text, item.items.len()));
        }
    }
}

/// Every finding about given text: references, counts, tools, dangling leads, quoted scores.
pub(super) fn findings(
    f: &mut Findings,
    package: &Package,
    facts: &Facts,
    frameworks: &Frameworks,
) {
    for field in fields(package, facts) {
        for (i, paragraph) in field.paragraphs.iter().enumerate() {
            let text = Text::new(paragraph);
            let place = Place {
                field: &field,
                index: i,
            };
            references(f, &place, &text, facts);
            counts(f, &place, &text, package);
            tools(f, &place, &text);
            dangling(f, &place, &text);
            let against = super::quotes::Against {
                path: place.path(),
                default: field.scope_subject(),
                package,
                facts,
                frameworks,
            };
            super::quotes::scores(f, &text, &against);
        }
    }
}

/// A paragraph of a field.
struct Place<'f, 'a> {
    field: &'f Field<'a>,
    index: usize,
}

impl Place<'_, '_> {
    fn path(&self) -> JsonPath {
        self.field.path.clone()
    }

    /// " (paragraph 2)" for fields of more than one paragraph.
    fn which(&self) -> String {
        if self.field.paragraphs.len() > 1 {
            format!(" (paragraph {})", self.index + 1)
        } else {
            String::new()
        }
    }

    /// " (ย่อหน้าที่ 2)" for fields of more than one paragraph.
    fn which_thai(&self) -> String {
        if self.field.paragraphs.len() > 1 {
            format!(" (ย่อหน้าที่ {})", self.index + 1)
        } else {
            String::new()
        }
    }

    fn is_last(&self) -> bool {
        self.index + 1 == self.field.paragraphs.len()
    }

    /// The paragraphs after this one that start with an item marker ("๑.", "(๒)", "-").
    fn marked_after(&self) -> usize {
        self.field.paragraphs[self.index + 1..]
            .iter()
            .take_while(|p| starts_with_marker(p))
            .count()
    }
}

impl Field<'_> {
    fn scope_subject(&self) -> Option<super::quotes::Subject> {
        use super::quotes::Subject;
        match self.scope {
            Scope::Total => Some(Subject::Total),
            Scope::Tool(t) => Some(Subject::Tool(t)),
            Scope::Indicator(n) => Some(Subject::Indicator(n)),
            Scope::Other => None,
        }
    }
}

/// Whether a paragraph starts like a list item: "๑.", "1)", "(๒)", "-", "•", "ก.".
fn starts_with_marker(paragraph: &str) -> bool {
    let t = Text::new(paragraph.trim_start());
    match t.chars.first() {
        Some('-' | '–' | '•' | '*') => true,
        Some('(') => t
            .integer_at(1)
            .is_some_and(|(_, end)| t.chars.get(end) == Some(&')')),
        Some(c) if c.is_ascii_digit() => t
            .integer_at(0)
            .is_some_and(|(_, end)| matches!(t.chars.get(end), Some('.' | ')'))),
        _ => false,
    }
}

/// "ภาพที่ N", "แผนภูมิที่ N", "ตารางที่ N" against the report's numbered figures and tables.
fn references(f: &mut Findings, place: &Place, text: &Text, facts: &Facts) {
    if !place.field.in_report {
        return;
    }
    for (word, what, what_thai, count) in [
        ("ภาพที่", "figure", "ภาพ", facts.figures.len()),
        ("แผนภูมิที่", "figure", "ภาพ", facts.figures.len()),
        ("ตารางที่", "table", "ตาราง", facts.tables.len()),
    ] {
        for at in text.find_all(word) {
            let Some((n, _)) = text.integer_at(at + word.chars().count()) else {
                continue;
            };
            if n == 0 || n as usize > count {
                let has = match count {
                    0 => format!("numbers no {what}s"),
                    1 => format!("has one numbered {what}"),
                    n => format!("has {n} numbered {what}s"),
                };
                let has_thai = match count {
                    0 => format!("ไม่มี{what_thai}ที่มีหมายเลข"),
                    n => format!("มี{what_thai}ที่มีหมายเลข {n} {what_thai}"),
                };
                let (which, which_thai) = (place.which(), place.which_thai());
                f.contradiction(
                    place.path(),
                    message!(
                        "ข้อความ{which_thai}อ้างถึง \"{word} {n}\" แต่รายงาน{has_thai}",
                        "the text{which} refers to \"{word} {n}\", but the report {has}"
                    ),
                    Some(message!(
                        "รายงานใส่หมายเลข{what_thai}เอง ให้อ้างถึง{what_thai}ที่รายงานพิมพ์",
                        "the report numbers its {what}s itself; refer to one it prints"
                    )),
                );
            }
        }
    }
}

/// Words that count the items of a list ("๕ ประเด็น", "๓ คณะ").
const CLASSIFIERS: &[&str] = &[
    "ข้อ",
    "ประการ",
    "ประเด็น",
    "ด้าน",
    "คณะ",
    "ช่องทาง",
    "มาตรการ",
    "แนวทาง",
    "ขั้นตอน",
    "กิจกรรม",
    "เรื่อง",
    "หัวข้อ",
    "รายการ",
    "กลุ่ม",
    "ส่วน",
];
/// Words that open a list after its count.
const OPENERS: &[&str] = &["ดังต่อไปนี้", "ดังนี้", "ได้แก่", "ประกอบด้วย", "คือ"];

/// "N ประเด็น คือ (1) … (2) …" and "จำนวน N คณะ ประกอบด้วย" before the items the text or the
/// document lists; "ทั้ง N แห่ง" against the agencies the package lists.
fn counts(f: &mut Findings, place: &Place, text: &Text, package: &Package) {
    let len = text.chars.len();
    let mut at = 0;
    while at < len {
        let Some((n, end)) = text.chars[at]
            .is_ascii_digit()
            .then(|| text.integer_at(at))
            .flatten()
        else {
            at += 1;
            continue;
        };
        // Part of a decimal or a longer token ("9.1", "ข้อ 15") is not a count.
        let glued = at > 0 && (text.chars[at - 1] == '.' || text.chars[at - 1].is_ascii_digit());
        let decimal = text.chars.get(end) == Some(&'.')
            && text.chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if !glued && !decimal {
            if let Some(after) = CLASSIFIERS.iter().find_map(|c| text.word_at(end, c)) {
                listed(f, place, text, n, at, after);
            }
            whole(f, place, text, n, at, end, package);
        }
        at = end.max(at + 1);
    }
}

/// A count followed by an opener: compare with the inline enumeration or the list after.
fn listed(f: &mut Findings, place: &Place, text: &Text, n: u64, at: usize, after: usize) {
    // The opener must come right after the count ("๕ ประเด็น คือ", "๓ คณะ ประกอบด้วย").
    let Some(open_end) = OPENERS.iter().find_map(|o| text.word_at(after, o)) else {
        return;
    };
    let rest = text.slice(open_end..text.chars.len());
    let counted = text.slice(at..after);
    let inline = enumerators(&Text::new(&rest));
    let (items, where_, where_thai) = if inline > 0 {
        (
            inline,
            "numbered in the same paragraph",
            "มีหมายเลขในย่อหน้าเดียวกัน",
        )
    } else if rest.trim().is_empty() && !place.is_last() && place.marked_after() > 0 {
        (place.marked_after(), "listed after it", "เรียงต่อจากนั้น")
    } else if rest.trim().is_empty()
        && place.is_last()
        && place.field.follows > 0
        && place.field.counted
    {
        (place.field.follows, "printed after it", "พิมพ์ต่อจากนั้น")
    } else {
        return;
    };
    if items as u64 != n {
        let (which, which_thai, counted) = (place.which(), place.which_thai(), counted.trim());
        f.contradiction(
            place.path(),
            message!(
                "ข้อความ{which_thai}บอกว่า \"{counted}\" แต่รายการที่{where_thai}มี {items} รายการ",
                "the text{which} announces \"{counted}\", but {items} are {where_}"
            ),
            None,
        );
    }
}

/// The count of an inline enumeration "(1) … (2) … (3)": the last number of the run from 1.
fn enumerators(text: &Text) -> usize {
    let mut expected = 1;
    for at in text.find_all("(") {
        if let Some((n, end)) = text.integer_at(at + 1)
            && text.chars.get(end) == Some(&')')
            && n == expected
        {
            expected += 1;
        }
    }
    (expected - 1) as usize
}

/// "ทั้ง N แห่ง", "ทั้งสิ้น N หน่วยงาน" against the agencies listed.
fn whole(
    f: &mut Findings,
    place: &Place,
    text: &Text,
    n: u64,
    at: usize,
    end: usize,
    package: &Package,
) {
    let Some(province) = package.province.as_ref().filter(|p| !p.agencies.is_empty()) else {
        return;
    };
    let before = text.slice(at.saturating_sub(8)..at);
    let before = before.trim_end();
    if !(before.ends_with("ทั้ง") || before.ends_with("ทั้งสิ้น")) {
        return;
    }
    let Some(unit) = ["แห่ง", "หน่วยงาน"]
        .into_iter()
        .find(|u| text.word_at(end, u).is_some())
    else {
        return;
    };
    if n as usize != province.agencies.len() {
        let (which, which_thai, listed) =
            (place.which(), place.which_thai(), province.agencies.len());
        f.contradiction(
            place.path(),
            message!(
                "ข้อความ{which_thai}ว่า \"ทั้ง {n} {unit}\" แต่ในแฟ้มมีรายชื่อหน่วยงาน {listed} แห่ง",
                "the text{which} says \"ทั้ง {n} {unit}\", but the package lists {listed} agencies"
            ),
            None,
        );
    }
}

/// "แบบ IIT" in the paragraph of another tool (or of an indicator of another tool), unless
/// the text compares ("เทียบกับแบบ IIT", "และแบบ EIT").
fn tools(f: &mut Findings, place: &Place, text: &Text) {
    let own = match place.field.scope {
        Scope::Tool(t) => t,
        _ => return,
    };
    for at in text.find_all("แบบ") {
        let Some(other) = [Tool::Iit, Tool::Eit, Tool::Oit]
            .into_iter()
            .find(|t| text.word_at(at + 3, t.code()).is_some())
        else {
            continue;
        };
        let before = text.slice(at.saturating_sub(12)..at);
        // "เทียบกับแบบ IIT", "สูงกว่าแบบ EIT", "ขณะที่แบบ OIT": another tool named beside this one.
        let compares = [
            "เทียบ",
            "กับ",
            "และ",
            "หรือ",
            "จาก",
            "กว่า",
            "ขณะที่",
            "ส่วน",
            "ทั้ง",
        ]
        .iter()
        .any(|w| before.trim_end().ends_with(w) || before.contains("เทียบ"));
        if other != own && !compares {
            let (which, which_thai) = (place.which(), place.which_thai());
            f.contradiction(
                place.path(),
                message!(
                    "ข้อความของ {own}{which_thai} กล่าวถึง \"แบบ {other}\"",
                    "the {own} text{which} speaks of \"แบบ {other}\""
                ),
                Some(message!(
                    "ย่อหน้านี้พิมพ์ไว้ใต้หัวข้อ {own} ให้ระบุเครื่องมือที่ย่อหน้านี้กล่าวถึง",
                    "this paragraph is printed under {own}; name the tool it is about"
                )),
            );
        }
    }
}

/// A field that ends with "ดังนี้" (or "ดังต่อไปนี้", "ได้แก่", "ประกอบด้วย") when the document
/// prints nothing after it.
fn dangling(f: &mut Findings, place: &Place, text: &Text) {
    if !place.is_last() || place.field.follows > 0 {
        return;
    }
    let whole: String = text.chars.iter().collect();
    let end = whole
        .trim_end()
        .trim_end_matches([':', '-', '–'])
        .trim_end();
    if let Some(opener) = ["ดังต่อไปนี้", "ดังนี้", "ได้แก่", "ประกอบด้วย"]
        .into_iter()
        .find(|o| end.ends_with(o))
    {
        let (which, which_thai) = (place.which(), place.which_thai());
        f.contradiction(
            place.path(),
            message!(
                "ข้อความ{which_thai}จบด้วย \"{opener}\" แต่ในเอกสารไม่มีอะไรต่อจากนั้น",
                "the text{which} ends with \"{opener}\", but nothing follows it in the document"
            ),
            Some(message!(
                "เพิ่มรายการที่ข้อความนี้นำไว้ หรือจบประโยคโดยไม่ใช้คำนำรายการ",
                "add what it introduces, or end the sentence"
            )),
        );
    }
}
