//! The outline of each document: the parts it prints, in order. A package may give its own
//! (`outline.report`, …); a document it leaves out prints the default parts, which are what
//! the program printed before outlines were data, headings and captions included, so a
//! package without an outline builds as it always has. `ita-report init` writes the default
//! out to edit.
//!
//! A generated part prints only what the outline gives it besides the data: a heading, a
//! caption, a lead line. Whether it prints at all still follows the data (a history table
//! without earlier years prints nothing, its heading included).

use serde::Serialize;

use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::documents::Package;
use crate::documents::measures::MeasuresLayout;
use crate::message;
use crate::model::{Block, Division, Heading, Part};
use crate::thai;

/// The outline in force for each document.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    pub cover: Vec<Part>,
    pub report: Vec<Part>,
    pub oit: Vec<Part>,
    pub measures: Vec<Part>,
}

/// The package's outline, each document it leaves out by default.
pub fn resolve(package: &Package) -> Resolved {
    let given = &package.outline;
    Resolved {
        cover: given.cover.clone().unwrap_or_else(cover_default),
        report: given
            .report
            .clone()
            .unwrap_or_else(|| report_default(package)),
        oit: given.oit.clone().unwrap_or_else(|| oit_default(package)),
        measures: given
            .measures
            .clone()
            .unwrap_or_else(|| measures_default(package)),
    }
}

fn heading(text: String, level: u8) -> Heading {
    Heading {
        text,
        level,
        numbered: true,
    }
}

fn headed(text: String, level: u8) -> Block {
    Block {
        heading: Some(heading(text, level)),
        ..Block::default()
    }
}

/// A year in the package's digits. The defaults write it after "พ.ศ." with a no-break
/// space, as the line breaker joins them in template text, so a default heading is set
/// exactly as before outlines were data.
fn year(package: &Package, year: i32) -> String {
    thai::digits(&year.to_string(), package.numerals)
}

/// The report as printed before outlines: title, the agency's own results (one numbered
/// part of its own when a province summary follows, seed 000 ๑. and ๒.), then the summary.
pub fn report_default(package: &Package) -> Vec<Part> {
    let scores = package.scores.as_ref();
    let grouped = package.province.is_some() && scores.is_some();
    let own = if grouped { 2 } else { 1 };
    let fy = year(package, package.fiscal_year);
    let mut parts = vec![Part::Title(Block::default())];
    if grouped {
        parts.push(Part::Heading(heading(
            format!(
                "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ {} ประจำปีงบประมาณ พ.ศ.\u{a0}{fy}",
                package.agency.name
            ),
            1,
        )));
    }
    let results = scores
        .is_some_and(|s| s.total.is_some() || !s.indicators.is_empty() || !s.summary.is_empty());
    if results {
        parts.push(Part::Heading(heading("ผลการประเมินของหน่วยงาน".into(), own)));
    }
    parts.extend([
        Part::Overall(Block::default()),
        Part::SummaryBox(Block::default()),
        Part::TotalsChart(Block {
            caption: Some(totals_caption(package)),
            ..Block::default()
        }),
        Part::IndicatorsChart(Block {
            caption: Some(format!("คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ.\u{a0}{fy}")),
            ..Block::default()
        }),
        Part::IndicatorTable(Block {
            caption: Some(format!(
                "สรุปผลการประเมินรายตัวชี้วัด ประจำปีงบประมาณ พ.ศ.\u{a0}{fy}"
            )),
            ..headed(
                format!("ผลการประเมินรายตัวชี้วัด ประจำปีงบประมาณ พ.ศ.\u{a0}{fy}"),
                own,
            )
        }),
        Part::HistoryTable(Block {
            caption: history_caption(package),
            remarks: true,
            ..headed("ผลการประเมินเปรียบเทียบกับปีที่ผ่านมา".into(), own)
        }),
        Part::HistoryNote(Block::default()),
        Part::ToolAnalyses(Block {
            subheadings: true,
            ..headed("การวิเคราะห์ผลการประเมิน".into(), own)
        }),
        Part::Recommendations(headed("ข้อเสนอแนะจากผู้ตรวจประเมิน".into(), own)),
    ]);
    if let Some(pv) = &package.province {
        let title = pv.title.clone().unwrap_or_else(|| {
            let whole = match &package.agency.province {
                Some(p) => format!("จังหวัด{p}"),
                None => package.agency.name.clone(),
            };
            format!("ผลการประเมินภาพรวม{whole}")
        });
        parts.push(Part::Heading(heading(title, 1)));
        parts.extend([
            Part::ProvinceOverall(Block::default()),
            Part::ProvinceIndicatorsChart(Block {
                caption: Some(format!("คะแนนรายตัวชี้วัดภาพรวมจังหวัด ปีงบประมาณ พ.ศ.\u{a0}{fy}")),
                ..Block::default()
            }),
            Part::ProvinceIndicatorTable(Block::default()),
            Part::LevelTable(Block {
                lead: Some("แยกเป็นระดับผลการประเมิน ดังนี้".into()),
                ..Block::default()
            }),
            Part::RankedLists(Block::default()),
            Part::PassFail(Block::default()),
        ]);
    }
    parts
}

/// "คะแนนภาพรวม ปีงบประมาณ พ.ศ. 2563–2566": the years the totals chart shows.
fn totals_caption(package: &Package) -> String {
    let earliest = package
        .history
        .iter()
        .map(|h| h.year)
        .filter(|&y| y < package.fiscal_year)
        .min();
    let years = match earliest {
        Some(first) => format!(
            "{}–{}",
            year(package, first),
            year(package, package.fiscal_year)
        ),
        None => year(package, package.fiscal_year),
    };
    format!("คะแนนภาพรวม ปีงบประมาณ พ.ศ.\u{a0}{years}")
}

/// "ผลการประเมิน ปีงบประมาณ พ.ศ. 2563–2566": the years the history table shows.
fn history_caption(package: &Package) -> Option<String> {
    let earlier = || {
        package
            .history
            .iter()
            .map(|h| h.year)
            .filter(|&y| y < package.fiscal_year)
    };
    let first = earlier().min()?;
    let has_total = package.scores.as_ref().is_some_and(|s| s.total.is_some());
    let last = if has_total {
        package.fiscal_year
    } else {
        earlier().max()?
    };
    Some(format!(
        "ผลการประเมิน ปีงบประมาณ พ.ศ.\u{a0}{}–{}",
        year(package, first),
        year(package, last)
    ))
}

/// The OIT detail as printed before outlines.
pub fn oit_default(package: &Package) -> Vec<Part> {
    let title = package
        .oit
        .as_ref()
        .and_then(|o| o.title.clone())
        .unwrap_or_else(|| "ผลคะแนนรายข้อย่อย (OIT)".into());
    let text = format!(
        "{title} {} ประจำปีงบประมาณ พ.ศ.\u{a0}{}",
        package.agency.name,
        year(package, package.fiscal_year)
    );
    vec![
        Part::OitItems(Block {
            subheadings: true,
            ..headed(text, 1)
        }),
        Part::OitTotal(Block::default()),
        Part::Urgent(Block {
            lead: Some("สรุปประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อนที่จะต้องแก้ไขโดยเร่งด่วน".into()),
            ..Block::default()
        }),
        Part::Improve(Block {
            lead: Some("สรุปประเด็นที่จะต้องพัฒนาให้ดีขึ้น".into()),
            ..Block::default()
        }),
    ]
}

/// The measures as printed before outlines: a numbered heading when the data gives one,
/// then an outline-form plan under its numbered title, or a table under its title lines.
pub fn measures_default(package: &Package) -> Vec<Part> {
    let Some(m) = &package.measures else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    if let Some(h) = &m.heading {
        parts.push(Part::Heading(heading(h.clone(), 1)));
    }
    if m.layout == MeasuresLayout::Outline {
        if m.heading.is_none() {
            parts.push(Part::Heading(heading(measures_title(package), 1)));
        }
    } else {
        parts.push(Part::MeasuresTitle(Block::default()));
    }
    parts.push(Part::MeasuresIntro(Block::default()));
    parts.push(Part::MeasuresBody(Block {
        subheadings: true,
        ..Block::default()
    }));
    parts
}

/// The measures' title: the data's, else the standard one for the plan's year.
pub fn measures_title(package: &Package) -> String {
    let m = package.measures.as_ref();
    if let Some(title) = m.and_then(|m| m.title.clone()) {
        return title;
    }
    let fy = m
        .and_then(|m| m.fiscal_year)
        .unwrap_or(package.fiscal_year + 1);
    format!(
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ.\u{a0}{}",
        year(package, fy)
    )
}

/// The cover: its title, then "จัดทำโดย" and the contact lines.
pub fn cover_default() -> Vec<Part> {
    vec![
        Part::CoverTitle(Block::default()),
        Part::CoverContact(Block::default()),
    ]
}

/// Where a part may go, by its `part` key: "" for any document.
fn home(part: &Part) -> &'static str {
    match part {
        Part::Heading(_)
        | Part::Paragraph(_)
        | Part::List(_)
        | Part::Table(_)
        | Part::Division(_)
        | Part::PageBreak(_) => "",
        Part::OitItems(_) | Part::OitTotal(_) | Part::Urgent(_) | Part::Improve(_) => "oit",
        Part::MeasuresTitle(_) | Part::MeasuresIntro(_) | Part::MeasuresBody(_) => "measures",
        Part::CoverTitle(_) | Part::CoverContact(_) => "cover",
        _ => "report",
    }
}

/// The generated blocks that print a numbered caption.
fn captioned(part: &Part) -> bool {
    matches!(
        part,
        Part::TotalsChart(_)
            | Part::IndicatorsChart(_)
            | Part::IndicatorTable(_)
            | Part::HistoryTable(_)
            | Part::ProvinceIndicatorsChart(_)
    )
}

fn block(part: &Part) -> Option<&Block> {
    match part {
        Part::Heading(_)
        | Part::Paragraph(_)
        | Part::List(_)
        | Part::Table(_)
        | Part::Division(_)
        | Part::PageBreak(_) => None,
        Part::Title(b)
        | Part::Overall(b)
        | Part::SummaryBox(b)
        | Part::TotalsChart(b)
        | Part::IndicatorsChart(b)
        | Part::IndicatorTable(b)
        | Part::HistoryTable(b)
        | Part::HistoryNote(b)
        | Part::ToolAnalyses(b)
        | Part::Recommendations(b)
        | Part::ProvinceOverall(b)
        | Part::ProvinceIndicatorsChart(b)
        | Part::ProvinceIndicatorTable(b)
        | Part::LevelTable(b)
        | Part::RankedLists(b)
        | Part::PassFail(b)
        | Part::OitItems(b)
        | Part::OitTotal(b)
        | Part::Urgent(b)
        | Part::Improve(b)
        | Part::MeasuresTitle(b)
        | Part::MeasuresIntro(b)
        | Part::MeasuresBody(b)
        | Part::CoverTitle(b)
        | Part::CoverContact(b) => Some(b),
    }
}

/// The `part` key of a part, as written in a package.
pub fn key(part: &Part) -> String {
    serde_json::to_value(part)
        .ok()
        .and_then(|v| v.get("part").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// The rules of the package's own outline: each part in a document that prints it, each
/// generated block once, captions only where a block has a numbered caption, headings and
/// texts not empty, each table row as wide as its header.
pub fn rules(package: &Package, c: &mut Checker) {
    let given = &package.outline;
    let path = JsonPath::default().key("outline");
    for (doc, parts) in [
        ("cover", &given.cover),
        ("report", &given.report),
        ("oit", &given.oit),
        ("measures", &given.measures),
    ] {
        let Some(parts) = parts else { continue };
        let mut seen = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let p = path.key(doc).index(i);
            let name = key(part);
            let place = home(part);
            // The OIT detail's parts may print in the report too (seed 001 prints the items
            // in its report's part ๑ and the weak points after its analysis).
            let borrowed = place == "oit" && doc == "report";
            if borrowed {
                borrowed_rules(package, &name, c, &p);
            }
            if !place.is_empty() && place != doc && !borrowed {
                c.report(
                    p.key("part"),
                    message!(
                        "ส่วน `{name}` ใช้ได้ใน `outline.{place}` เท่านั้น ไม่ใช่ `outline.{doc}`",
                        "part `{name}` belongs in `outline.{place}`, not `outline.{doc}`"
                    ),
                );
            }
            if let Some(b) = block(part) {
                if seen.contains(&name) {
                    c.report(
                        p.key("part"),
                        message!(
                            "ส่วน `{name}` อยู่ในเค้าโครงมากกว่าหนึ่งครั้ง",
                            "part `{name}` is given more than once"
                        ),
                    );
                }
                seen.push(name.clone());
                block_rules(part, b, c, &p, &name);
            }
            own_rules(part, c, &p);
        }
    }
}

/// An OIT part the report prints is not printed a second time in the OIT detail.
fn borrowed_rules(package: &Package, name: &str, c: &mut Checker, p: &JsonPath) {
    let twice = package
        .outline
        .oit
        .as_ref()
        .is_none_or(|o| o.iter().any(|q| key(q) == name));
    if package.oit.is_some() && twice {
        c.report(
            p.key("part"),
            message!(
                "ส่วน `{name}` จะพิมพ์ทั้งในรายงานและในรายละเอียด OIT ให้นำออกจาก `outline.oit` (หรือกำหนด `outline.oit` เป็น [])",
                "part `{name}` would print both in the report and in the OIT detail; take it out of `outline.oit` (or give `outline.oit` as [])"
            ),
        );
    }
}

fn block_rules(part: &Part, b: &Block, c: &mut Checker, p: &JsonPath, name: &str) {
    if let Some(h) = &b.heading {
        heading_rules(h, c, &p.key("heading"));
    }
    if b.caption.is_some() && !captioned(part) {
        c.report(
            p.key("caption"),
            message!(
                "ส่วน `{name}` ไม่มีคำบรรยายที่มีเลขที่ (ตารางที่ / ภาพที่)",
                "part `{name}` has no numbered caption"
            ),
        );
    }
    if b.remarks && !matches!(part, Part::HistoryTable(_)) {
        c.report(
            p.key("remarks"),
            message!(
                "ส่วนนี้ไม่มีช่องหมายเหตุ การเติมผ่าน/ไม่ผ่านในช่องหมายเหตุใช้ได้กับตารางผลการประเมินเปรียบเทียบกับปีที่ผ่านมาเท่านั้น",
                "part `{name}` has no remarks column; `remarks` is for the history table (`history_table`) only"
            ),
        );
    }
    for (field, text) in [("caption", &b.caption), ("lead", &b.lead)] {
        if text.as_ref().is_some_and(|t| t.trim().is_empty()) {
            c.report(
                p.key(field),
                message!(
                    "ข้อความว่าง ลบช่องนี้ออกถ้าไม่ต้องการ",
                    "the text is empty; remove the field if it is not wanted"
                ),
            );
        }
    }
}

fn heading_rules(h: &Heading, c: &mut Checker, p: &JsonPath) {
    if h.text.trim().is_empty() {
        c.report(
            p.key("text"),
            message!("หัวข้อไม่มีข้อความ", "the heading has no text"),
        );
    }
    if !(1..=4).contains(&h.level) {
        let level = h.level;
        c.report(
            p.key("level"),
            message!(
                "ระดับหัวข้อ {level} ใช้ไม่ได้ ใช้ 1 ถึง 4",
                "heading level {level} is not 1 to 4"
            ),
        );
    }
}

fn own_rules(part: &Part, c: &mut Checker, p: &JsonPath) {
    match part {
        Part::Heading(h) => heading_rules(h, c, p),
        Part::Paragraph(t) if t.text.is_empty() => c.report(
            p.key("text"),
            message!("ย่อหน้าไม่มีข้อความ", "the paragraph has no text"),
        ),
        Part::List(l) if l.items.is_empty() => c.report(
            p.key("items"),
            message!("รายการไม่มีข้อ", "the list has no items"),
        ),
        Part::Division(Division { lines }) if lines.iter().all(|l| l.trim().is_empty()) => c
            .report(
                p.key("lines"),
                message!("ส่วนที่ไม่มีข้อความ", "the part heading has no text"),
            ),
        Part::Table(t) => {
            if t.header.is_empty() {
                c.report(
                    p.key("header"),
                    message!("ตารางไม่มีหัวตาราง", "the table has no header"),
                );
            }
            let width = t.header.len();
            for (r, row) in t.rows.iter().enumerate() {
                if row.len() != width {
                    let cells = row.len();
                    c.report(
                        p.key("rows").index(r),
                        message!(
                            "แถวนี้มี {cells} ช่อง แต่หัวตารางมี {width} ช่อง",
                            "the row has {cells} cells, the header {width}"
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}
