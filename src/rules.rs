//! Rules on a well-shaped package that serde cannot express: the package's own data (the
//! agency, scores, history, a province's agencies, recommendations), then each document
//! kind's ([`crate::documents`]), then the outline's ([`crate::outline`]).
//!
//! All rules run in one pass and every violation is returned with its JSON path, so a user
//! fixes a file once rather than once per error.

use std::collections::BTreeMap;

use crate::checker::{Checker, Problem};
use crate::diagnostic::{JsonPath, Message};
use crate::documents::{ALL, Package};
use crate::framework::Framework;
use crate::message;

/// Every rule a package breaks beyond its shape: the rules of its own data, then those of
/// each document it holds data for, then those of its outline.
pub fn check(package: &Package, framework: Option<&Framework>) -> Vec<Problem> {
    let mut c = Checker::new(framework);
    own(&mut c, package);
    for kind in ALL {
        let spec = kind.spec();
        if (spec.present)(package) {
            (spec.rules)(package, &mut c, JsonPath::default().key(spec.name));
        }
    }
    crate::outline::rules(package, &mut c);
    c.into_problems()
}

/// The rules of the package's own data, which every document shares: the agency, its
/// scores and their history, a province's agencies, the assessors' recommendations.
fn own(c: &mut Checker, package: &Package) {
    let root = JsonPath::default();
    c.text(
        root.key("agency").key("name"),
        &package.agency.name,
        agency_name_empty(),
    );
    c.year(root.key("fiscal_year"), package.fiscal_year);
    c.date(root.key("date"), &package.date);
    if let Some(province) = &package.agency.province {
        bare_province(c, root.key("agency").key("province"), province);
    }
    scores(c, package);
    history(c, package);
    province(c, package);
    for (i, rec) in package.recommendations.iter().enumerate() {
        if rec.text.is_empty() {
            c.report(
                root.key("recommendations").index(i).key("text"),
                message!("ไม่ได้ใส่ข้อความข้อเสนอแนะ", "the recommendation text is empty"),
            );
        }
    }
}

fn scores(c: &mut Checker, package: &Package) {
    let Some(scores) = &package.scores else {
        return;
    };
    let root = JsonPath::default();
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
        let standard = c.framework().and_then(|fw| fw.indicator(ind.number));
        if let (Some(tool), Some(standard)) = (ind.tool, standard)
            && tool != standard.tool
        {
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

fn history(c: &mut Checker, package: &Package) {
    let root = JsonPath::default();
    let mut years = BTreeMap::new();
    for (i, year) in package.history.iter().enumerate() {
        let p = root.key("history").index(i);
        c.year(p.key("year"), year.year);
        if (2550..=2700).contains(&package.fiscal_year) {
            history_year(c, p.key("year"), year.year, package.fiscal_year);
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
}

fn province(c: &mut Checker, package: &Package) {
    let Some(province) = &package.province else {
        return;
    };
    let root = JsonPath::default();
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

fn agency_name_empty() -> Message {
    message!("ไม่ได้ใส่ชื่อหน่วยงาน", "the agency name is empty")
}

/// The documents write "จังหวัด" before the province's name themselves: one written
/// with it would be printed "จังหวัดจังหวัดตาก".
fn bare_province(c: &mut Checker, path: JsonPath, province: &str) {
    let Some(bare) = province
        .trim()
        .strip_prefix("จังหวัด")
        .map(str::trim)
        .filter(|b| !b.is_empty())
    else {
        return;
    };
    let province = province.trim();
    c.report_with(
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
fn history_year(c: &mut Checker, path: JsonPath, year: i32, fiscal: i32) {
    let note = message!(
        "ผลย้อนหลังเก็บเฉพาะปีก่อน {fiscal} ถ้าปีงบประมาณของแฟ้มผิด ให้แก้ `fiscal_year`",
        "history holds only years before {fiscal}; if the package's fiscal year is wrong, correct `fiscal_year`"
    );
    if year == fiscal {
        c.report_with(
            path,
            message!(
                "ปี {year} ในผลย้อนหลังเป็นปีงบประมาณของแฟ้มเอง: คะแนนของปีนี้ต้องอยู่ใน `scores` ให้ลบรายการนี้ออกจาก `history`",
                "history year {year} is the package's own fiscal year: this year's scores belong in `scores`; remove this entry from `history`"
            ),
            note,
        );
    } else if year > fiscal {
        c.report_with(
            path,
            message!(
                "ปี {year} ในผลย้อนหลังอยู่หลังปีงบประมาณ {fiscal} ของแฟ้ม",
                "history year {year} is after the package's fiscal year {fiscal}"
            ),
            note,
        );
    }
}
