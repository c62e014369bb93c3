//! Rules on a well-shaped package that serde cannot express.
//!
//! All rules run in one pass and every violation is returned with its JSON path, so a user
//! fixes a file once rather than once per error.

use std::collections::BTreeMap;

use crate::diagnostic::{JsonPath, Message};
use crate::framework::Framework;
use crate::message;
use crate::model::{MeasuresLayout, Package, Paragraphs, Score, Signer};
use crate::thai::Date;

/// One rule violation.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: JsonPath,
    pub message: Message,
    pub note: Option<Message>,
}

struct Checker<'a> {
    problems: Vec<Problem>,
    /// The package year's framework; absent when the year has none (itself a problem).
    framework: Option<&'a Framework>,
}

impl Checker<'_> {
    fn report(&mut self, path: JsonPath, message: impl Into<Message>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
            note: None,
        });
    }

    fn report_with(&mut self, path: JsonPath, message: Message, note: Message) {
        self.problems.push(Problem {
            path,
            message,
            note: Some(note),
        });
    }

    fn score(&mut self, path: JsonPath, score: Score) {
        if !(0.0..=100.0).contains(&score.0) {
            let (score, range) = (
                score.0,
                message!("คะแนน ITA มีค่าตั้งแต่ 0 ถึง 100", "ITA scores run from 0 to 100"),
            );
            self.report_with(
                path,
                message!(
                    "คะแนน {score} อยู่นอกช่วง 0–100",
                    "score {score} is outside 0–100"
                ),
                range,
            );
        } else if !score.has_two_decimals_at_most() {
            let score = score.0;
            self.report_with(
                path,
                message!(
                    "คะแนน {score} มีทศนิยมเกินสองตำแหน่ง",
                    "score {score} has more than two decimals"
                ),
                message!(
                    "เขียนคะแนนตามที่ประกาศ เช่น 93.14",
                    "write the score as published, e.g. 93.14"
                ),
            );
        }
    }

    fn year(&mut self, path: JsonPath, year: i32) {
        if !(2550..=2700).contains(&year) {
            let note = if (2000..2200).contains(&year) {
                let be = year + 543;
                message!(
                    "ดูเป็นปีคริสต์ศักราช ปีพุทธศักราชคือ {be}",
                    "this looks like a Common-era year; the Buddhist-era year is {be}"
                )
            } else {
                message!(
                    "ต้องเป็นปีงบประมาณพุทธศักราช เช่น 2568",
                    "expected a Buddhist-era fiscal year, e.g. 2568"
                )
            };
            self.report_with(
                path,
                message!(
                    "ปี {year} ไม่ใช่ปีงบประมาณที่เป็นไปได้",
                    "year {year} is not a plausible fiscal year"
                ),
                note,
            );
        }
    }

    fn date(&mut self, path: JsonPath, date: &Option<String>) {
        if let Some(text) = date {
            if let Err(e) = Date::parse(text) {
                self.report(path, Message::new(e.thai(), e.to_string()));
            }
        }
    }

    fn text(&mut self, path: JsonPath, text: &str, empty: Message) {
        if text.trim().is_empty() {
            self.report(path, empty);
        }
    }

    fn indicator(&mut self, path: JsonPath, number: u8) -> bool {
        let exists = match self.framework {
            Some(fw) => fw.indicator(number).is_some(),
            None => (1..=10).contains(&number),
        };
        if !exists {
            self.report_with(
                path,
                message!("ไม่มีตัวชี้วัดที่ {number}", "indicator {number} does not exist"),
                message!("ตัวชี้วัดมีหมายเลข 1 ถึง 10", "indicators are numbered 1 to 10"),
            );
        }
        exists
    }

    /// Indicator numbers of a list: each must exist and appear once.
    fn indicator_list(&mut self, path: &JsonPath, numbers: impl Iterator<Item = u8>) {
        let mut seen = BTreeMap::new();
        for (i, number) in numbers.enumerate() {
            let p = path.index(i).key("number");
            if self.indicator(p.clone(), number) {
                if let Some(first) = seen.insert(number, i) {
                    self.report(
                        p,
                        message!(
                            "ตัวชี้วัดที่ {number} ซ้ำกับที่ {path}[{first}]",
                            "indicator {number} is given twice (also at {path}[{first}])"
                        ),
                    );
                }
            }
        }
    }

    /// The documents write "จังหวัด" before the province's name themselves: one written
    /// with it would be printed "จังหวัดจังหวัดตาก".
    fn bare_province(&mut self, path: JsonPath, province: &str) {
        let Some(bare) = province
            .trim()
            .strip_prefix("จังหวัด")
            .map(str::trim)
            .filter(|b| !b.is_empty())
        else {
            return;
        };
        let province = province.trim();
        self.report_with(
            path,
            message!(
                "ชื่อจังหวัด \"{province}\" มีคำว่า จังหวัด นำหน้า ซึ่งเอกสารเติมให้เองอยู่แล้ว",
                "the province \"{province}\" starts with จังหวัด, which the documents add themselves"
            ),
            message!("ใส่เพียง \"{bare}\"", "write only \"{bare}\""),
        );
    }

    /// A history entry must be an earlier year: the documents take the package's own year
    /// from `scores` and leave out any history entry that is not earlier, so such an entry
    /// would be dropped without a word.
    fn history_year(&mut self, path: JsonPath, year: i32, fiscal: i32) {
        let note = message!(
            "ผลย้อนหลังเก็บเฉพาะปีก่อน {fiscal} ถ้าปีงบประมาณของแฟ้มผิด ให้แก้ `fiscal_year`",
            "history holds only years before {fiscal}; if the package's fiscal year is wrong, correct `fiscal_year`"
        );
        if year == fiscal {
            self.report_with(
                path,
                message!(
                    "ปี {year} ในผลย้อนหลังเป็นปีงบประมาณของแฟ้มเอง: คะแนนของปีนี้ต้องอยู่ใน `scores` ให้ลบรายการนี้ออกจาก `history`",
                    "history year {year} is the package's own fiscal year: this year's scores belong in `scores`; remove this entry from `history`"
                ),
                note,
            );
        } else if year > fiscal {
            self.report_with(
                path,
                message!(
                    "ปี {year} ในผลย้อนหลังอยู่หลังปีงบประมาณ {fiscal} ของแฟ้ม",
                    "history year {year} is after the package's fiscal year {fiscal}"
                ),
                note,
            );
        }
    }

    fn signer(&mut self, path: JsonPath, signer: &Signer) {
        self.text(
            path.key("name"),
            &signer.name,
            message!("ไม่ได้ใส่ชื่อผู้ลงนาม", "the signer's name is empty"),
        );
        self.date(path.key("date"), &signer.date);
    }
}

/// Checks every rule and returns all violations (empty when the package is valid).
pub fn check(package: &Package, framework: Option<&Framework>) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
        framework,
    };
    let root = JsonPath::default();
    c.text(
        root.key("agency").key("name"),
        &package.agency.name,
        agency_name_empty(),
    );
    c.year(root.key("fiscal_year"), package.fiscal_year);
    c.date(root.key("date"), &package.date);
    if let Some(province) = &package.agency.province {
        c.bare_province(root.key("agency").key("province"), province);
    }

    if let Some(scores) = &package.scores {
        let path = root.key("scores");
        if let Some(total) = scores.total {
            c.score(path.key("total"), total);
        }
        c.score(path.key("target"), scores.target);
        for (tool, score) in &scores.tools {
            c.score(path.key("tools").key(tool.code()), *score);
        }
        c.indicator_list(
            &path.key("indicators"),
            scores.indicators.iter().map(|i| i.number),
        );
        for (i, ind) in scores.indicators.iter().enumerate() {
            let p = path.key("indicators").index(i);
            c.score(p.key("score"), ind.score);
            let standard = framework.and_then(|fw| fw.indicator(ind.number));
            if let (Some(tool), Some(standard)) = (ind.tool, standard) {
                if tool != standard.tool {
                    let (number, belongs) = (ind.number, standard.tool);
                    c.report_with(
                        p.key("tool"),
                        message!(
                            "ตัวชี้วัดที่ {number} อยู่ใต้ {tool} แต่เป็นตัวชี้วัดของ {belongs}",
                            "indicator {number} is under {tool}, but it belongs to {belongs}"
                        ),
                        message!(
                            "ตัวชี้วัดที่ 1–5 เป็น IIT, 6–8 เป็น EIT, 9–10 เป็น OIT",
                            "indicators 1–5 are IIT, 6–8 EIT, 9–10 OIT"
                        ),
                    );
                }
            }
        }
    }

    let mut years = BTreeMap::new();
    for (i, year) in package.history.iter().enumerate() {
        let p = root.key("history").index(i);
        c.year(p.key("year"), year.year);
        if (2550..=2700).contains(&package.fiscal_year) {
            c.history_year(p.key("year"), year.year, package.fiscal_year);
        }
        if let Some(first) = years.insert(year.year, i) {
            let y = year.year;
            c.report(
                p.key("year"),
                message!(
                    "ปี {y} ซ้ำกับที่ history[{first}]",
                    "year {y} is given twice (also at history[{first}])"
                ),
            );
        }
        c.score(p.key("total"), year.total);
        for (tool, score) in &year.tools {
            c.score(p.key("tools").key(tool.code()), *score);
        }
        c.indicator_list(
            &p.key("indicators"),
            year.indicators.iter().map(|i| i.number),
        );
        for (j, ind) in year.indicators.iter().enumerate() {
            c.score(p.key("indicators").index(j).key("score"), ind.score);
        }
    }

    if let Some(province) = &package.province {
        let path = root.key("province");
        if let Some(total) = province.total {
            c.score(path.key("total"), total);
        }
        if province.national_rank == Some(0) {
            c.report(
                path.key("national_rank"),
                message!("อันดับระดับประเทศเริ่มที่ 1", "the national rank starts at 1"),
            );
        }
        c.indicator_list(
            &path.key("indicators"),
            province.indicators.iter().map(|i| i.number),
        );
        for (i, ind) in province.indicators.iter().enumerate() {
            c.score(path.key("indicators").index(i).key("score"), ind.score);
        }
        if province.agencies.is_empty() {
            c.report(
                path.key("agencies"),
                message!(
                    "สรุปผลของจังหวัดไม่มีรายชื่อหน่วยงาน",
                    "the province summary lists no agencies"
                ),
            );
        }
        for (i, agency) in province.agencies.iter().enumerate() {
            let p = path.key("agencies").index(i);
            c.text(p.key("name"), &agency.name, agency_name_empty());
            c.score(p.key("score"), agency.score);
            for (tool, score) in &agency.tools {
                c.score(p.key("tools").key(tool.code()), *score);
            }
        }
        if let Some(stated) = &province.stated {
            for (list, levels) in [("levels", &stated.levels), ("lists", &stated.lists)] {
                for (i, level) in levels.iter().enumerate() {
                    let p = path.key("stated").key(list).index(i);
                    for (key, score) in [("min", level.min), ("max", level.max)] {
                        if let Some(score) = score {
                            c.score(p.key(key), score);
                        }
                    }
                }
            }
        }
    }

    if let Some(oit) = &package.oit {
        let path = root.key("oit");
        if oit.indicators.is_empty() {
            c.report(
                path.key("indicators"),
                message!("รายละเอียด OIT ไม่มีตัวชี้วัด", "the OIT detail has no indicators"),
            );
        }
        c.indicator_list(
            &path.key("indicators"),
            oit.indicators.iter().map(|i| i.number),
        );
        let mut items = BTreeMap::new();
        for (i, ind) in oit.indicators.iter().enumerate() {
            let p = path.key("indicators").index(i);
            if let Some(standard) = framework.and_then(|fw| fw.indicator(ind.number)) {
                if standard.tool != crate::model::Tool::Oit {
                    let number = ind.number;
                    c.report_with(
                        p.key("number"),
                        message!(
                            "ตัวชี้วัดที่ {number} ไม่ใช่ตัวชี้วัดของ OIT",
                            "indicator {number} is not an OIT indicator"
                        ),
                        message!(
                            "ตัวชี้วัดของ OIT คือตัวชี้วัดที่ 9 และ 10",
                            "the OIT indicators are 9 and 10"
                        ),
                    );
                }
            }
            for (j, sub) in ind.subindicators.iter().enumerate() {
                let p = p.key("subindicators").index(j);
                for (k, group) in sub.groups.iter().enumerate() {
                    let p = p.key("groups").index(k);
                    if group.items.is_empty() {
                        c.report(
                            p.key("items"),
                            message!("กลุ่มนี้ไม่มีข้อ", "the group has no items"),
                        );
                    }
                    for (l, item) in group.items.iter().enumerate() {
                        let p = p.key("items").index(l);
                        c.score(p.key("score"), item.score);
                        if let Some(first) = items.insert(item.number, p.to_string()) {
                            let number = item.number;
                            c.report(
                                p.key("number"),
                                message!(
                                    "ข้อ {number} ซ้ำกับที่ {first}",
                                    "item {number} is given twice (also at {first})"
                                ),
                            );
                        }
                    }
                }
            }
        }
        for (key, table) in [("urgent", &oit.urgent), ("improve", &oit.improve)] {
            for (i, row) in table.iter().flat_map(|t| t.rows.iter()).enumerate() {
                c.indicator(
                    path.key(key).key("rows").index(i).key("indicator"),
                    row.indicator,
                );
            }
        }
    }

    for (i, rec) in package.recommendations.iter().enumerate() {
        if rec.text.is_empty() {
            c.report(
                root.key("recommendations").index(i).key("text"),
                message!("ไม่ได้ใส่ข้อความข้อเสนอแนะ", "the recommendation text is empty"),
            );
        }
    }

    if let Some(measures) = &package.measures {
        let path = root.key("measures");
        if let Some(year) = measures.fiscal_year {
            c.year(path.key("fiscal_year"), year);
        }
        match measures.layout {
            MeasuresLayout::Outline => {
                if measures.sections.is_empty() {
                    c.report(
                        path.key("sections"),
                        message!(
                            "รูปแบบ `outline` ต้องมี `sections`",
                            "layout `outline` needs `sections`"
                        ),
                    );
                }
                if !measures.rows.is_empty() {
                    c.report(
                        path.key("rows"),
                        message!(
                            "รูปแบบ `outline` พิมพ์เป็นหัวข้อ ไม่ใช่แถวในตาราง",
                            "layout `outline` prints sections, not table rows"
                        ),
                    );
                }
            }
            _ => {
                if measures.rows.is_empty() {
                    c.report(
                        path.key("rows"),
                        message!("แผนมาตรการไม่มีแถว", "the measures plan has no rows"),
                    );
                }
                if !measures.sections.is_empty() {
                    c.report(
                        path.key("sections"),
                        message!(
                            "มีแต่รูปแบบ `outline` ที่พิมพ์ `sections`",
                            "only layout `outline` prints sections"
                        ),
                    );
                }
            }
        }
        // A column the layout does not print would silently drop data: refuse it instead.
        let hidden: &[(&str, fn(&crate::model::MeasureRow) -> &Paragraphs)] = match measures.layout
        {
            MeasuresLayout::ByTool => {
                &[("finding", |r| &r.finding), ("timeframe", |r| &r.timeframe)]
            }
            MeasuresLayout::ByIndicator => &[("monitoring", |r| &r.monitoring)],
            MeasuresLayout::Outline => &[],
        };
        for (i, row) in measures.rows.iter().enumerate() {
            let p = path.key("rows").index(i);
            c.indicator(p.key("indicator"), row.indicator);
            if row.measure.is_empty() {
                c.report(
                    p.key("measure"),
                    message!("ไม่ได้ใส่มาตรการ", "the measure is empty"),
                );
            }
            for (field, get) in hidden {
                if !get(row).is_empty() {
                    let layout = layout_name(measures.layout);
                    c.report_with(
                        p.key(field),
                        message!(
                            "รูปแบบ `{layout}` ไม่มีคอลัมน์ `{field}`",
                            "layout `{layout}` has no `{field}` column"
                        ),
                        message!(
                            "ใช้รูปแบบอื่น หรือย้ายข้อความนี้ไปไว้ในคอลัมน์ที่รูปแบบนี้พิมพ์",
                            "use the other layout, or move this text into a column the layout shows"
                        ),
                    );
                }
            }
        }
    }

    if let Some(memo) = &package.memo {
        let path = root.key("memo");
        c.date(path.key("date"), &memo.date);
        c.text(path.key("subject"), &memo.subject, subject_empty());
        c.text(path.key("to"), &memo.to, addressee_empty());
        if memo.body.is_empty() {
            c.report(
                path.key("body"),
                message!("บันทึกข้อความไม่มีเนื้อความ", "the memo has no body"),
            );
        }
        if memo.signers.is_empty() {
            c.report(
                path.key("signers"),
                message!("บันทึกข้อความไม่มีผู้ลงนาม", "the memo has no signer"),
            );
        }
        for (i, signer) in memo.signers.iter().enumerate() {
            c.signer(path.key("signers").index(i), signer);
        }
        for (i, e) in memo.endorsements.iter().enumerate() {
            c.signer(path.key("endorsements").index(i).key("signer"), &e.signer);
        }
        if let Some(received) = &memo.received {
            c.date(
                path.key("received").key("date"),
                &Some(received.date.clone()),
            );
        }
    }

    if let Some(letter) = &package.letter {
        let path = root.key("letter");
        c.date(path.key("date"), &Some(letter.date.clone()));
        c.text(path.key("subject"), &letter.subject, subject_empty());
        c.text(path.key("to"), &letter.to, addressee_empty());
        if letter.body.is_empty() {
            c.report(
                path.key("body"),
                message!("หนังสือไม่มีเนื้อความ", "the letter has no body"),
            );
        }
        c.signer(path.key("signer"), &letter.signer);
        if let Some(qr) = &letter.qr {
            if let Err(e) = crate::qr::matrix(&qr.url) {
                c.report(
                    path.key("qr").key("url"),
                    message!("ทำ QR code จากที่อยู่นี้ไม่ได้ ({e})", "{e}"),
                );
            }
        }
    }

    if let Some(cover) = &package.cover {
        if cover.title.iter().all(|t| t.trim().is_empty()) {
            c.report(
                root.key("cover").key("title"),
                message!("ปกไม่มีชื่อเรื่อง", "the cover has no title"),
            );
        }
    }

    if let Some(a) = &package.announcement {
        let path = root.key("announcement");
        c.date(path.key("date"), &Some(a.date.clone()));
        c.text(path.key("subject"), &a.subject, subject_empty());
        c.signer(path.key("signer"), &a.signer);
        for (i, section) in a.sections.iter().enumerate() {
            if section.items.is_empty() {
                c.report(
                    path.key("sections").index(i).key("items"),
                    message!("หัวข้อนี้ไม่มีรายการ", "the section has no items"),
                );
            }
        }
    }

    if let Some(progress) = &package.progress {
        let path = root.key("progress");
        if progress.rows.is_empty() {
            c.report(
                path.key("rows"),
                message!("รายงานความก้าวหน้าไม่มีแถว", "the progress report has no rows"),
            );
        }
        for (i, row) in progress.rows.iter().enumerate() {
            if row.steps.is_empty() {
                c.report(
                    path.key("rows").index(i).key("steps"),
                    message!("แถวนี้ไม่มีขั้นตอน", "the row has no steps"),
                );
            }
        }
    }
    c.problems
}

fn agency_name_empty() -> Message {
    message!("ไม่ได้ใส่ชื่อหน่วยงาน", "the agency name is empty")
}

fn subject_empty() -> Message {
    message!("ไม่ได้ใส่เรื่อง", "the subject (เรื่อง) is empty")
}

fn addressee_empty() -> Message {
    message!("ไม่ได้ใส่คำขึ้นต้น (เรียน)", "the addressee (เรียน) is empty")
}

fn layout_name(layout: MeasuresLayout) -> &'static str {
    match layout {
        MeasuresLayout::ByTool => "by_tool",
        MeasuresLayout::ByIndicator => "by_indicator",
        MeasuresLayout::Outline => "outline",
    }
}
