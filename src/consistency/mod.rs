//! Contradictions in well-formed data, proven from the numbers and the year's framework.
//!
//! Real reports contradict themselves: a level its score band excludes, a count that is not
//! the number of rows listed, a tool score that is not the mean of its indicators, a sentence
//! quoting 99.74 for an indicator scored 99.64. Such data is valid input (the documents print
//! what follows from the rows and scores), so each contradiction is a warning with its JSON
//! path; `--deny-warnings` makes them errors. Where the data cannot settle a question (levels
//! without tool scores), a note says so rather than guessing.

use std::collections::BTreeMap;

mod names;
mod quotes;
mod reading;
mod text;

use crate::analysis;
use crate::checker::Problem;
use crate::completion::mean;
use crate::diagnostic::{JsonPath, Message};
use crate::documents::Package;
use crate::framework::{Formed, Framework, Frameworks, LevelOutcome};
use crate::message;
use crate::model::{Score, Tool};

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The data contradicts itself or the framework.
    Contradiction,
    /// The data does not allow a decision.
    Undecided,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub problem: Problem,
}

/// The largest gap between a total and its weighted tools that rounding of published tool
/// scores (two decimals each) can explain.
const ROUNDING: i64 = 1;

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn contradiction(&mut self, path: JsonPath, message: Message, note: Option<Message>) {
        self.0.push(Finding {
            kind: Kind::Contradiction,
            problem: Problem {
                path,
                message,
                note,
            },
        });
    }

    fn undecided(&mut self, path: JsonPath, message: Message, note: Option<Message>) {
        self.0.push(Finding {
            kind: Kind::Undecided,
            problem: Problem {
                path,
                message,
                note,
            },
        });
    }
}

fn s(score: Score) -> String {
    format!("{:.2}", score.hundredths() as f64 / 100.0)
}

fn h(hundredths: i64) -> String {
    format!("{:.2}", hundredths as f64 / 100.0)
}

/// Every contradiction `check` can prove in a validated package.
pub fn findings(
    package: &Package,
    facts: &analysis::Facts,
    fw: &Framework,
    frameworks: &Frameworks,
) -> Vec<Finding> {
    let mut f = Findings::default();
    let root = JsonPath::default();
    scores_findings(&mut f, package, fw);
    history_findings(&mut f, package, frameworks);
    if let (Some(province), Some(derived)) = (&package.province, &facts.province) {
        province_findings(
            &mut f,
            package,
            fw,
            province,
            derived,
            &root.key("province"),
        );
    }
    if let (Some(oit), Some(facts)) = (&package.oit, &facts.oit) {
        oit_shares(&mut f, package, fw, facts);
        oit_comments(&mut f, oit, &root.key("oit"));
    }
    text::findings(&mut f, package, facts, frameworks);
    names::findings(&mut f, package, fw);
    if let Some(letter) = &package.letter {
        letter_refers(&mut f, letter, &root.key("letter"));
    }
    drafts(&mut f, package, &root);
    title_years(&mut f, package, &root);
    labels_typed_twice(&mut f, package, &root);
    f.0
}

/// The level and total given for the year assessed, and tools formed as the mean of their
/// indicators against those indicators.
fn scores_findings(f: &mut Findings, package: &Package, fw: &Framework) {
    let Some(scores) = &package.scores else {
        return;
    };
    let path = JsonPath::default().key("scores");
    if scores.total.is_none() {
        unformed_total(f, fw, path.clone(), scores);
    }
    if let Some(total) = scores.total {
        level(
            f,
            fw,
            path.key("level"),
            scores.level.as_deref(),
            total,
            &scores.tools,
        );
        let formed = crate::completion::formed_tools(scores, fw);
        if formed.len() == scores.tools.len() {
            weighted_total(f, fw, path.key("total"), total, &scores.tools, None);
        } else {
            total_against_indicators(f, fw, path.key("total"), total, &formed, &scores.tools);
        }
    }
    let indicators: BTreeMap<u8, Score> = scores
        .indicators
        .iter()
        .map(|i| (i.number, i.score))
        .collect();
    for spec in fw
        .tools
        .iter()
        .filter(|t| t.formed == Some(Formed::MeanOfIndicators))
    {
        let Some(&score) = scores.tools.get(&spec.tool) else {
            continue;
        };
        let numbers: Vec<u8> = fw
            .indicators
            .iter()
            .filter(|i| i.tool == spec.tool)
            .map(|i| i.number)
            .collect();
        let Some(values) = numbers
            .iter()
            .map(|n| indicators.get(n).copied())
            .collect::<Option<Vec<Score>>>()
        else {
            continue;
        };
        let mean = mean(&values);
        if (score.hundredths() - mean).abs() > 0 {
            let (tool, score, mean, year) = (spec.tool, s(score), h(mean), fw.fiscal_year);
            let numbers = numbers
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            f.contradiction(
                path.key("tools").key(spec.tool.code()),
                message!(
                    "{tool} ได้ {score} แต่ค่าเฉลี่ยของตัวชี้วัดคือ {mean}",
                    "{tool} is {score}, but the mean of its indicators is {mean}"
                ),
                Some(message!(
                    "ปี {year} คะแนนของเครื่องมือคือค่าเฉลี่ยของตัวชี้วัด ({numbers})",
                    "in {year} a tool's score is the mean of its indicators ({numbers})"
                )),
            );
        }
    }
}

/// Each earlier year's level and total against that year's framework.
fn history_findings(f: &mut Findings, package: &Package, frameworks: &Frameworks) {
    for (i, year) in package.history.iter().enumerate() {
        let path = JsonPath::default().key("history").index(i);
        match frameworks.get(year.year) {
            Some(fw) => {
                level(
                    f,
                    fw,
                    path.key("level"),
                    year.level.as_deref(),
                    year.total,
                    &year.tools,
                );
                weighted_total(f, fw, path.key("total"), year.total, &year.tools, None);
            }
            None if year.level.is_some() => {
                let (y, span) = (year.year, frameworks.span());
                f.undecided(
                    path.key("level"),
                    message!(
                        "ไม่ได้ตรวจระดับของปี {y}: ไม่มีเกณฑ์ของปีนั้น",
                        "the level of {y} is not checked: there is no framework for that year"
                    ),
                    Some(message!("มีเกณฑ์ของปี {span}", "frameworks cover {span}")),
                )
            }
            None => {}
        }
    }
}

/// OIT scores given against the share of items scored 100, in years that form them so.
fn oit_shares(f: &mut Findings, package: &Package, fw: &Framework, facts: &analysis::OitFacts) {
    let root = JsonPath::default();
    let formed = fw.tool(Tool::Oit).and_then(|t| t.formed) == Some(Formed::ShareOfItems);
    let given: BTreeMap<u8, (usize, Score)> = package
        .scores
        .iter()
        .flat_map(|s| s.indicators.iter().enumerate())
        .map(|(i, ind)| (ind.number, (i, ind.score)))
        .collect();
    for ind in facts.indicators.iter().filter(|_| formed) {
        if let Some(&(i, score)) = given.get(&ind.number)
            && score.hundredths() != ind.share.hundredths()
        {
            let (number, given, passed, items, derived) =
                (ind.number, s(score), ind.passed, ind.items, s(ind.share));
            let year = fw.fiscal_year;
            f.contradiction(
                    root.key("scores").key("indicators").index(i).key("score"),
                    message!(
                        "ตัวชี้วัดที่ {number} ได้ {given} แต่ข้อของ OIT ได้ 100 คะแนน {passed} จาก {items} ข้อ ซึ่งคิดเป็น {derived}",
                        "indicator {number} is {given}, but {passed} of its {items} OIT items scored 100, which gives {derived}"
                    ),
                    Some(message!(
                        "ปี {year} คะแนนตัวชี้วัดของ OIT คือสัดส่วนของข้อที่ได้ 100 คะแนน",
                        "in {year} an OIT indicator is the share of its items scored 100"
                    )),
                );
        }
    }
    if let Some(score) = package
        .scores
        .as_ref()
        .and_then(|s| s.tools.get(&Tool::Oit))
        .filter(|_| formed)
        && score.hundredths() != facts.share.hundredths()
    {
        let (given, passed, items, derived) =
            (s(*score), facts.passed, facts.items, s(facts.share));
        f.contradiction(
            root.key("scores").key("tools").key("OIT"),
            message!(
                "OIT ได้ {given} แต่ได้ 100 คะแนน {passed} จาก {items} ข้อ ซึ่งคิดเป็น {derived}",
                "OIT is {given}, but {passed} of {items} items scored 100, which gives {derived}"
            ),
            None,
        );
    }
}

/// An item scored although its committee comment says the evidence is missing.
fn oit_comments(f: &mut Findings, oit: &crate::documents::oit::Oit, path: &JsonPath) {
    for (i, ind) in oit.indicators.iter().enumerate() {
        for (j, sub) in ind.subindicators.iter().enumerate() {
            for (k, group) in sub.groups.iter().enumerate() {
                for (l, item) in group.items.iter().enumerate() {
                    let Some(comment) = &item.comment else {
                        continue;
                    };
                    if item.score.hundredths() > 0 && says_missing(comment) {
                        let (number, score) = (item.number, s(item.score));
                        f.contradiction(
                            path.key("indicators").index(i).key("subindicators").index(j).key("groups").index(k).key("items").index(l).key("score"),
                            message!(
                                "ข้อ {number} ได้ {score} คะแนน แต่ความเห็นบอกว่าไม่พบหลักฐาน: \"{comment}\"",
                                "item {number} is scored {score}, but its comment says the evidence is missing: \"{comment}\""
                            ),
                            Some(message!("ข้อที่ไม่พบหลักฐานได้ 0 คะแนน", "an item whose evidence cannot be found scores 0")),
                        );
                    }
                }
            }
        }
    }
}

/// Titles that name a fiscal year other than the package's or its measures' (a title copied
/// from last year's report): "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖" in the report of 2567.
fn title_years(f: &mut Findings, package: &Package, root: &JsonPath) {
    let fiscal = package.fiscal_year;
    let measures = package
        .measures
        .as_ref()
        .and_then(|m| m.fiscal_year)
        .unwrap_or(fiscal + 1);
    let mut titles: Vec<(JsonPath, &str, Vec<i32>)> = Vec::new();
    for (i, line) in package.report_title.iter().enumerate() {
        titles.push((
            root.key("report_title").index(i),
            line,
            vec![fiscal, measures],
        ));
    }
    for (i, line) in package
        .cover
        .iter()
        .flat_map(|c| c.title.iter().enumerate())
    {
        titles.push((
            root.key("cover").key("title").index(i),
            line,
            vec![fiscal, measures],
        ));
    }
    for (i, line) in package
        .progress
        .iter()
        .flat_map(|p| p.title.iter().enumerate())
    {
        titles.push((
            root.key("progress").key("title").index(i),
            line,
            vec![fiscal, measures],
        ));
    }
    if let Some(title) = package.measures.as_ref().and_then(|m| m.title.as_deref()) {
        titles.push((root.key("measures").key("title"), title, vec![measures]));
    }
    for (path, text, allowed) in titles {
        for year in fiscal_years_named(text)
            .into_iter()
            .filter(|y| !allowed.contains(y))
        {
            let expected = allowed
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(" หรือ ");
            let expected_en = allowed
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            f.contradiction(
                path.clone(),
                message!(
                    "ชื่อเรื่องระบุปีงบประมาณ พ.ศ. {year} แต่เอกสารนี้เป็นของปี {expected}",
                    "the title names fiscal year {year}, but this document is for {expected_en}"
                ),
                Some(message!(
                    "ชื่อเรื่องที่คัดลอกจากปีก่อนต้องแก้ปีด้วย",
                    "a title copied from an earlier year needs its year changed"
                )),
            );
        }
    }
}

/// The years a text names after ปีงบประมาณ ("ปีงบประมาณ พ.ศ. ๒๕๖๖", "ปีงบประมาณ 2567").
fn fiscal_years_named(text: &str) -> Vec<i32> {
    let text = crate::thai::arabic_digits(text);
    text.match_indices("ปีงบประมาณ")
        .filter_map(|(at, word)| {
            let rest = text[at + word.len()..].trim_start();
            let rest = rest.strip_prefix("พ.ศ.").unwrap_or(rest).trim_start();
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (digits.len() == 4).then(|| digits.parse().ok()).flatten()
        })
        .collect()
}

/// Measures rows drafted from the catalogue and not edited since: they speak for another
/// agency's plan until someone makes them this agency's.
fn drafts(f: &mut Findings, package: &Package, root: &JsonPath) {
    let Some(measures) = &package.measures else {
        return;
    };
    for (i, row) in measures.rows.iter().enumerate() {
        let Some(draft) = &row.draft else { continue };
        let path = root.key("measures").key("rows").index(i);
        let (number, from) = (row.indicator, &draft.from);
        if row.content_digest() == draft.digest {
            f.contradiction(
                path,
                message!(
                    "แถวมาตรการของตัวชี้วัดที่ {number} ยังเป็นร่างจากคลังมาตรการ ({from})",
                    "the measures row for indicator {number} is still a draft from the catalogue ({from})"
                ),
                Some(message!(
                    "แก้ให้เป็นแผนของหน่วยงานนี้เอง (มาตรการ ขั้นตอน ผู้รับผิดชอบ) แล้วลบ `draft` ออก",
                    "make it this agency's plan (measure, steps, responsible unit), then remove `draft`"
                )),
            );
        } else {
            f.undecided(
                path.key("draft"),
                message!(
                    "แถวมาตรการของตัวชี้วัดที่ {number} แก้ไขแล้วหลังจากร่าง เมื่อเป็นฉบับสุดท้ายให้ลบ `draft` ออก",
                    "the measures row for indicator {number} was edited after drafting; remove `draft` when it is final"
                ),
                None,
            );
        }
    }
}

/// A stated level against the year's rule.
fn level(
    f: &mut Findings,
    fw: &Framework,
    path: JsonPath,
    stated: Option<&str>,
    total: Score,
    tools: &BTreeMap<Tool, Score>,
) {
    let Some(stated) = stated else { return };
    let year = fw.fiscal_year;
    // The names hold even in years whose rule is not known for certain (2568: "the five
    // level names are unchanged"), so a misspelt one is caught there too.
    if !fw.has_level(stated) {
        let (near_th, near_en) = did_you_mean(fw, stated);
        let outcome = fw.level(total, tools);
        let (names, score) = (level_names(fw), s(total));
        let (rule_th, rule_en) = (rule_thai(&outcome, &score), rule_english(&outcome, &score));
        f.contradiction(
            path,
            message!(
                "\"{stated}\" ไม่ใช่ระดับของปี {year}{near_th}",
                "\"{stated}\" is not a level of {year}{near_en}"
            ),
            Some(message!(
                "ระดับของปี {year} คือ {names}{rule_th}",
                "the {year} levels are {names}{rule_en}"
            )),
        );
        return;
    }
    if !fw.levels.certain {
        if outside_band(f, fw, path.clone(), stated, total, None) {
            return;
        }
        f.undecided(
            path,
            message!(
                "ไม่ได้ตรวจระดับ \"{stated}\": ยังไม่รู้เกณฑ์ระดับของปี {year} แน่ชัด",
                "level \"{stated}\" is not checked: the {year} level rule is not known for certain"
            ),
            None,
        );
        return;
    }
    match fw.level(total, tools) {
        outcome if !outcome.allows(stated) => {
            let (total, th, en) = (s(total), outcome_thai(&outcome), outcome_english(&outcome));
            f.contradiction(
                path,
                message!(
                    "ระดับ \"{stated}\" ขัดกับคะแนน {total}: เกณฑ์ปี {year} ให้{th}",
                    "level \"{stated}\" contradicts the score {total}: the {year} rule gives {en}"
                ),
                None,
            )
        }
        LevelOutcome::OneOf(names) if names.len() > 1 => {
            let (total, names) = (s(total), names.join(", "));
            f.undecided(
                path,
                message!(
                    "ตรวจระดับ \"{stated}\" ไม่ได้ถ้าไม่มีคะแนนทุกเครื่องมือ: คะแนน {total} อาจเป็น {names}",
                    "level \"{stated}\" cannot be checked without every tool's score: {total} allows {names}"
                ),
                None,
            )
        }
        _ => {}
    }
}

fn outcome_english(outcome: &LevelOutcome) -> String {
    match outcome {
        LevelOutcome::Decided(name) => format!("\"{name}\""),
        LevelOutcome::OneOf(names) => format!("one of {}", names.join(", ")),
        LevelOutcome::Unknown => "no level".to_owned(),
    }
}

/// What a level rule gives, to follow "เกณฑ์ให้".
fn outcome_thai(outcome: &LevelOutcome) -> String {
    match outcome {
        LevelOutcome::Decided(name) => format!("ระดับ \"{name}\""),
        LevelOutcome::OneOf(names) => format!("ระดับใดระดับหนึ่งใน {}", names.join(", ")),
        LevelOutcome::Unknown => "ไม่มีระดับใด".to_owned(),
    }
}

/// Scores without a total that the year's framework cannot form one from (2566: OIT is the
/// share of its items, not the mean of indicators 9 and 10; 2568: the weights are not
/// known): the report prints no total, level or chart of totals, which the clerk would
/// otherwise find only by reading it.
fn unformed_total(f: &mut Findings, fw: &Framework, path: JsonPath, scores: &crate::model::Scores) {
    // Every tool scored or given indicators: an agency assessed on some tools only (seed 001
    // on OIT) has no total to expect.
    let covered = fw.tools.iter().all(|t| {
        scores.tools.contains_key(&t.tool)
            || scores.indicators.iter().any(|i| {
                fw.indicator(i.number)
                    .is_some_and(|spec| spec.tool == t.tool)
            })
    });
    if !covered {
        return;
    }
    let formed = crate::completion::formed_tools(scores, fw);
    if fw.weighted_total(&formed).is_some() {
        return;
    }
    let year = fw.fiscal_year;
    let unweighted: Vec<String> = fw
        .tools
        .iter()
        .filter(|t| t.weight.is_none())
        .map(|t| t.tool.to_string())
        .collect();
    let (th, en) = if unweighted.is_empty() {
        let missing: Vec<String> = fw
            .missing_tools(&formed)
            .iter()
            .map(ToString::to_string)
            .collect();
        let missing = missing.join(", ");
        (
            format!("ไม่มีคะแนน {missing} และคำนวณจากคะแนนตัวชี้วัดที่ให้มาไม่ได้ตามเกณฑ์"),
            format!(
                "{missing} is not given and the framework does not form it from the indicators given"
            ),
        )
    } else {
        let tools = unweighted.join(", ");
        (
            format!("ไม่ทราบน้ำหนักของ {tools} ในคะแนนรวม"),
            format!("the weights of {tools} in the total are not known"),
        )
    };
    f.undecided(
        path,
        message!(
            "ไม่มีคะแนนรวม และคำนวณจากคะแนนที่มีไม่ได้ตามเกณฑ์ปี {year}: {th} รายงานจึงไม่พิมพ์คะแนนรวม ระดับ และกราฟคะแนนภาพรวม",
            "no total, and the {year} framework cannot form one from the scores given: {en}; the report prints no total, level or chart of totals"
        ),
        Some(message!(
            "ใส่คะแนนรวม (`total`) และคะแนนรายเครื่องมือ (`tools`) ตามที่ ป.ป.ช. ประกาศ",
            "give the total (`total`) and the tool scores (`tools`) as the NACC published them"
        )),
    );
}

/// A given total against the weighted sum of the tools, some of them formed from their
/// indicators because the package leaves them out (85.45 given where the indicators give
/// 81.45).
fn total_against_indicators(
    f: &mut Findings,
    fw: &Framework,
    path: JsonPath,
    total: Score,
    formed: &BTreeMap<Tool, Score>,
    given: &BTreeMap<Tool, Score>,
) {
    let Some(weighted) = fw.weighted_total(formed) else {
        return;
    };
    if (total.hundredths() - weighted).abs() <= ROUNDING {
        return;
    }
    let from: Vec<String> = formed
        .iter()
        .filter(|(tool, _)| !given.contains_key(tool))
        .map(|(tool, score)| format!("{tool} {}", s(*score)))
        .collect();
    let (total, weighted, year, from) = (s(total), h(weighted), fw.fiscal_year, from.join(", "));
    f.contradiction(
        path,
        message!(
            "คะแนนรวม {total} ไม่เท่ากับผลรวมถ่วงน้ำหนัก {weighted} ของคะแนนเครื่องมือ ซึ่ง {from} คำนวณจากค่าเฉลี่ยของตัวชี้วัดตามเกณฑ์ปี {year}",
            "the total {total} is not the weighted sum {weighted} of the tools, where {from} are the means of their indicators as the {year} framework forms them"
        ),
        Some(message!(
            "ใส่คะแนนเครื่องมือ (`tools`) ตามที่ประกาศ หรือแก้คะแนนรวมหรือคะแนนตัวชี้วัดให้ตรงกัน",
            "give the published tool scores (`tools`), or correct the total or the indicators"
        )),
    );
}

/// The total against the weighted tool scores, when the framework gives every weight.
/// `agency` names the row of a province's list the figures belong to.
fn weighted_total(
    f: &mut Findings,
    fw: &Framework,
    path: JsonPath,
    total: Score,
    tools: &BTreeMap<Tool, Score>,
    agency: Option<&str>,
) {
    let Some(weighted) = fw.weighted_total(tools) else {
        return;
    };
    if (total.hundredths() - weighted).abs() <= ROUNDING {
        return;
    }
    let weights: Vec<String> = fw
        .tools
        .iter()
        .map(|t| format!("{} {}%", t.tool, t.weight.unwrap_or_default()))
        .collect();
    let (total, weighted, year, weights) =
        (s(total), h(weighted), fw.fiscal_year, weights.join(", "));
    let rounding = message!(
        "น้ำหนักของปี {year}: {weights}; การปัดเศษอธิบายความต่างได้ไม่เกิน 0.01",
        "weights of {year}: {weights}; rounding explains at most 0.01"
    );
    let (message, note) = match agency {
        None => (
            message!(
                "คะแนนรวม {total} ไม่เท่ากับผลรวมถ่วงน้ำหนักของคะแนนเครื่องมือ ซึ่งคือ {weighted}",
                "the total {total} is not the weighted sum of the tool scores, {weighted}"
            ),
            rounding,
        ),
        Some(name) => (
            message!(
                "\"{name}\" ได้คะแนน {total} แต่ผลรวมถ่วงน้ำหนักของคะแนนเครื่องมือใน `tools` คือ {weighted}",
                "\"{name}\" has the score {total}, but the weighted sum of its `tools` is {weighted}"
            ),
            Message::new(
                format!(
                    "{} แก้ `score` หรือ `tools` ให้ตรงกับผลที่ประกาศ",
                    rounding.thai.as_deref().unwrap_or_default()
                ),
                format!(
                    "{}; correct `score` or `tools` to the published result",
                    rounding.english
                ),
            ),
        ),
    };
    f.contradiction(path, message, Some(note));
}

/// Whether a committee comment says the evidence was not found.
pub fn says_missing(comment: &str) -> bool {
    [
        "ไม่ได้แสดง",
        "ไม่ปรากฏ",
        "ไม่พบ",
        "ไม่ได้ลิงค์",
        "ไม่ได้ลิงก์",
        "ไม่มีข้อมูล",
        "ไม่ได้เผยแพร่",
    ]
    .iter()
    .any(|m| comment.contains(m))
}

/// What a province's row leaves open about its level.
enum Row {
    Settled,
    /// The stated level is possible, but the rule needs tool scores the row lacks.
    Undecided,
    /// Neither `level` nor `tools`, and the total allows several levels.
    Unlabelled,
}

/// The findings of one agency of a province's list: its score against its tools, tools the
/// year needs that it lacks, and its stated level against the year's names and rule.
fn agency_row(
    f: &mut Findings,
    fw: &Framework,
    a: &crate::model::LocalAgency,
    path: JsonPath,
) -> Row {
    weighted_total(f, fw, path.key("score"), a.score, &a.tools, Some(&a.name));
    let outcome = fw.level(a.score, &a.tools);
    let open = matches!(&outcome, LevelOutcome::OneOf(n) if n.len() > 1);
    let missing = fw.missing_tools(&a.tools);
    if !a.tools.is_empty() && !missing.is_empty() {
        partial_tools(
            f,
            fw,
            a,
            &missing,
            open && a.level.is_none(),
            path.key("tools"),
        );
    }
    let Some(stated) = &a.level else {
        return if open && a.tools.is_empty() {
            Row::Unlabelled
        } else {
            Row::Settled
        };
    };
    let year = fw.fiscal_year;
    let (name, score, th, en) = (
        &a.name,
        s(a.score),
        outcome_thai(&outcome),
        outcome_english(&outcome),
    );
    if !fw.has_level(stated) {
        let (near_th, near_en) = did_you_mean(fw, stated);
        let (names, rule_th, rule_en) = (
            level_names(fw),
            rule_thai(&outcome, &score),
            rule_english(&outcome, &score),
        );
        f.contradiction(
            path.key("level"),
            message!(
                "\"{name}\" อยู่ในรายชื่อระดับ \"{stated}\" ซึ่งไม่ใช่ชื่อระดับของปี {year}{near_th}",
                "\"{name}\" is listed as \"{stated}\", which is not a level of {year}{near_en}"
            ),
            Some(message!(
                "ระดับของปี {year} คือ {names}{rule_th}",
                "the {year} levels are {names}{rule_en}"
            )),
        );
        return Row::Settled;
    }
    if !fw.levels.certain {
        outside_band(f, fw, path.key("level"), stated, a.score, Some(name));
        return Row::Settled;
    }
    if !outcome.allows(stated) {
        f.contradiction(
            path.key("level"),
            message!(
                "\"{name}\" อยู่ในรายชื่อระดับ \"{stated}\" ด้วยคะแนน {score}: เกณฑ์ปี {year} ให้{th}",
                "\"{name}\" is listed as \"{stated}\" with {score}: the {year} rule gives {en}"
            ),
            None,
        );
        return Row::Settled;
    }
    if open { Row::Undecided } else { Row::Settled }
}

/// A stated level whose band of totals, as the report's level table prints it, leaves out
/// the total: a contradiction inside the document even in a year whose rule is not known for
/// certain (`name`: the agency of a province row). Whether one was found.
fn outside_band(
    f: &mut Findings,
    fw: &Framework,
    path: JsonPath,
    stated: &str,
    total: Score,
    name: Option<&str>,
) -> bool {
    let Some(band) = fw.bands().into_iter().find(|b| b.name == stated) else {
        return false;
    };
    if (band.min.hundredths()..=band.max.hundredths()).contains(&total.hundredths()) {
        return false;
    }
    let (score, min, max) = (s(total), s(band.min), s(band.max));
    let (who_th, who_en) = match name {
        Some(name) => (
            format!("\"{name}\" อยู่ในรายชื่อระดับ"),
            format!("\"{name}\" is listed as"),
        ),
        None => ("ระดับ".to_owned(), "level".to_owned()),
    };
    f.contradiction(
        path,
        message!(
            "{who_th} \"{stated}\" ด้วยคะแนน {score} แต่ตารางระดับในรายงานให้ \"{stated}\" ที่ {min}–{max}",
            "{who_en} \"{stated}\" with {score}, but the report's level table gives \"{stated}\" as {min}–{max}"
        ),
        None,
    );
    true
}

/// An agency whose `tools` lacks a tool the year weighs: its level and weighted total
/// cannot be worked out, and (when `undecided`) the report cannot place it.
fn partial_tools(
    f: &mut Findings,
    fw: &Framework,
    a: &crate::model::LocalAgency,
    missing: &[Tool],
    undecided: bool,
    path: JsonPath,
) {
    let join = |tools: &mut dyn Iterator<Item = Tool>| {
        tools.map(|t| t.code()).collect::<Vec<_>>().join(", ")
    };
    let (name, year) = (&a.name, fw.fiscal_year);
    let (given, missing) = (
        join(&mut a.tools.keys().copied()),
        join(&mut missing.iter().copied()),
    );
    let note = if undecided {
        message!(
            "รายงานจะรวมไว้ในกลุ่ม \"ยังระบุระดับไม่ได้\" ใส่คะแนน {missing} ใน `tools` หรือใส่ `level` ตามที่ประกาศ",
            "the report lists it as ยังระบุระดับไม่ได้; add the {missing} score to `tools`, or give the published `level`"
        )
    } else {
        message!(
            "ใส่คะแนน {missing} ใน `tools` ตามที่ประกาศ",
            "add the published {missing} score to `tools`"
        )
    };
    f.contradiction(
        path,
        message!(
            "\"{name}\" มีคะแนนเครื่องมือ {given} แต่ไม่มี {missing} ซึ่งเกณฑ์ปี {year} ใช้คิดระดับ",
            "\"{name}\" gives the tool scores {given} but not {missing}, which the {year} rule needs"
        ),
        Some(note),
    );
}

/// The names of a year's levels, best first, for messages.
fn level_names(fw: &Framework) -> String {
    fw.levels
        .levels
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// " หมายถึง \"ผ่านดีเยี่ยม\" หรือไม่" (and its English) when a name that is not a level of
/// the year is a near miss of one; empty otherwise.
fn did_you_mean(fw: &Framework, stated: &str) -> (String, String) {
    let names: Vec<&str> = fw.levels.levels.iter().map(|l| l.name.as_str()).collect();
    match crate::spelling::closest(stated.trim(), &names) {
        Some(near) => (
            format!(" หมายถึง \"{near}\" หรือไม่"),
            format!("; did you mean \"{near}\"?"),
        ),
        None => (String::new(), String::new()),
    }
}

/// "; เกณฑ์ให้ระดับ … สำหรับคะแนน 78.80", or nothing when the rule is not known for certain.
fn rule_thai(outcome: &LevelOutcome, score: &str) -> String {
    match outcome {
        LevelOutcome::Unknown => String::new(),
        _ => format!(" เกณฑ์ให้{} สำหรับคะแนน {score}", outcome_thai(outcome)),
    }
}

fn rule_english(outcome: &LevelOutcome, score: &str) -> String {
    match outcome {
        LevelOutcome::Unknown => String::new(),
        _ => format!("; the rule gives {} for {score}", outcome_english(outcome)),
    }
}

fn province_findings(
    f: &mut Findings,
    package: &Package,
    fw: &Framework,
    p: &crate::model::Province,
    facts: &analysis::ProvinceFacts,
    path: &JsonPath,
) {
    let agencies = path.key("agencies");
    listed_twice(f, p, &agencies);
    own_row(f, package, p, &agencies);
    row_levels(f, fw, p, &agencies);
    province_total(f, p, facts, path);
    let Some(stated) = &p.stated else { return };
    let spath = path.key("stated");
    if let Some(count) = stated.count
        && count as usize != facts.count
    {
        let listed = facts.count;
        f.contradiction(
            spath.key("count"),
            message!(
                "ข้อมูลระบุว่ามีหน่วยงาน {count} แห่ง แต่มีในรายชื่อ {listed} แห่ง",
                "the data states {count} agencies, but lists {listed}"
            ),
            None,
        );
    }
    stated_levels(f, fw, stated, facts, &spath);
    stated_lists(f, p, stated, &spath);
    stated_pass_fail(f, package, fw, stated, facts, &spath);
}

/// An agency listed twice (the same name in the same district).
fn listed_twice(f: &mut Findings, p: &crate::model::Province, agencies: &JsonPath) {
    let mut seen: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for (i, a) in p.agencies.iter().enumerate() {
        let key = (
            a.name.trim().to_owned(),
            a.district.as_ref().map(|d| d.trim().to_owned()),
        );
        if let Some(first) = seen.insert(key, i) {
            let (name, other) = (&a.name, agencies.index(first));
            f.contradiction(
                agencies.index(i).key("name"),
                message!(
                    "\"{name}\" มีในรายชื่อสองครั้ง (อีกครั้งที่ {other})",
                    "\"{name}\" is listed twice (also at {other})"
                ),
                None,
            );
        }
    }
}

fn own_row(f: &mut Findings, package: &Package, p: &crate::model::Province, agencies: &JsonPath) {
    // The agency itself among the province's rows (the province office, "จังหวัดร้อยเอ็ด"):
    // its row and section 1 of the report print its one score.
    let own = package.agency.name.trim();
    if let Some(total) = package.scores.as_ref().and_then(|s| s.total) {
        for (i, a) in p
            .agencies
            .iter()
            .enumerate()
            .filter(|(_, a)| a.name.trim() == own)
        {
            if a.score.hundredths() != total.hundredths() {
                let (row, total) = (s(a.score), s(total));
                f.contradiction(
                    agencies.index(i).key("score"),
                    message!(
                        "\"{own}\" ได้ {row} ในรายชื่อหน่วยงาน แต่ได้ {total} ใน `scores.total`",
                        "\"{own}\" has {row} in the list of agencies but {total} in `scores.total`"
                    ),
                    None,
                );
            }
        }
    }
}

/// Each row's level against its score and tools, and what could not be decided.
fn row_levels(f: &mut Findings, fw: &Framework, p: &crate::model::Province, agencies: &JsonPath) {
    let year = fw.fiscal_year;
    let mut undecided = Vec::new();
    let mut unlabelled = Vec::new();
    for (i, a) in p.agencies.iter().enumerate() {
        match agency_row(f, fw, a, agencies.index(i)) {
            Row::Undecided => undecided.push(i),
            Row::Unlabelled => unlabelled.push(i),
            Row::Settled => {}
        }
    }
    if !fw.levels.certain {
        f.undecided(
            agencies.clone(),
            message!(
                "ไม่ได้ตรวจระดับของหน่วยงาน: ยังไม่รู้เกณฑ์ระดับของปี {year} แน่ชัด",
                "the agencies' levels are not checked: the {year} level rule is not known for certain"
            ),
            None,
        );
    } else if let Some(&first) = undecided.first() {
        let count = undecided.len();
        f.undecided(
            agencies.index(first).key("level"),
            message!(
                "ตรวจระดับของหน่วยงาน {count} แห่งไม่ได้: ระดับขึ้นกับคะแนนเครื่องมือซึ่งข้อมูลไม่ได้ให้ไว้",
                "{count} agencies' levels cannot be checked: their levels depend on tool scores the data does not give"
            ),
            Some(message!(
                "เอกสารพิมพ์ระดับตามที่ให้ไว้เมื่อคะแนนรวมเป็นไปได้ ใส่ `tools` เพื่อให้โปรแกรมคำนวณระดับเอง",
                "the documents print the stated level where the total allows it; give `tools` to have levels derived"
            )),
        );
    }

    if let Some(&first) = unlabelled.first() {
        let count = unlabelled.len();
        f.contradiction(
            agencies.index(first).key("score"),
            message!(
                "หน่วยงาน {count} แห่งได้คะแนนถึงเกณฑ์ผ่านแต่ไม่มีทั้ง `level` และ `tools`: บอกไม่ได้ว่าอยู่ระดับใด",
                "{count} agencies pass but give neither `level` nor `tools`: their level cannot be told"
            ),
            Some(message!(
                "รายงานจะรวมไว้ในกลุ่ม \"ยังระบุระดับไม่ได้\" และนับระดับผ่านเป็นจำนวนอย่างน้อย ใส่ `level` หรือ `tools` ของหน่วยงานเหล่านี้",
                "the report lists them as ยังระบุระดับไม่ได้ and gives the passing levels as least counts; give their `level` or `tools`"
            )),
        );
    }
}

fn province_total(
    f: &mut Findings,
    p: &crate::model::Province,
    facts: &analysis::ProvinceFacts,
    path: &JsonPath,
) {
    // The province-wide score is the mean of its agencies' scores (seed 000: 204 agencies,
    // mean 95.0197, published 95.02).
    if let Some(total) = p.total
        && total.hundredths() != facts.mean
    {
        let (total, count, mean) = (s(total), facts.count, h(facts.mean));
        f.contradiction(
            path.key("total"),
            message!(
                "คะแนนของจังหวัด {total} ไม่เท่ากับค่าเฉลี่ยคะแนนของหน่วยงาน {count} แห่ง ซึ่งคือ {mean}",
                "the province score {total} is not the mean of its {count} agencies' scores, {mean}"
            ),
            None,
        );
    }
}

/// The stated level table: names, bands and counts against the year's rule and the rows.
fn stated_levels(
    f: &mut Findings,
    fw: &Framework,
    stated: &crate::model::StatedSummary,
    facts: &analysis::ProvinceFacts,
    spath: &JsonPath,
) {
    let year = fw.fiscal_year;
    let derived: BTreeMap<&str, usize> = facts
        .levels
        .iter()
        .filter_map(|g| Some((g.band.as_ref()?.name.as_str(), g.agencies.len())))
        .collect();
    let bands: BTreeMap<&str, &crate::framework::Band> = facts
        .levels
        .iter()
        .filter_map(|g| Some((g.band.as_ref()?.name.as_str(), g.band.as_ref()?)))
        .collect();
    let unresolved = facts.levels.iter().any(|g| g.band.is_none());
    for (i, level) in stated.levels.iter().enumerate() {
        let lp = spath.key("levels").index(i);
        let Some(band) = bands.get(level.level.as_str()) else {
            let (name, names) = (&level.level, level_names(fw));
            let (near_th, near_en) = did_you_mean(fw, name);
            f.contradiction(
                lp.key("level"),
                message!(
                    "\"{name}\" ไม่ใช่ระดับของปี {year}{near_th}",
                    "\"{name}\" is not a level of {year}{near_en}"
                ),
                Some(message!(
                    "ระดับของปี {year} คือ {names}",
                    "the {year} levels are {names}"
                )),
            );
            continue;
        };
        stated_band(f, year, level, band, &lp);
        let rows = derived.get(level.level.as_str()).copied().unwrap_or(0);
        if let Some(count) = level.count.filter(|c| *c as usize != rows && !unresolved) {
            let name = &level.level;
            f.contradiction(
                lp.key("count"),
                message!(
                    "ข้อมูลนับหน่วยงานระดับ \"{name}\" ได้ {count} แห่ง แต่ในรายชื่อมี {rows} แห่งที่อยู่ในระดับนั้น",
                    "the data counts {count} agencies at \"{name}\", but {rows} of the listed agencies are at that level"
                ),
                None,
            );
        }
    }
    let sum: u32 = stated.levels.iter().filter_map(|l| l.count).sum();
    if !stated.levels.is_empty() && sum as usize != facts.count {
        let listed = facts.count;
        f.contradiction(
            spath.key("levels"),
            message!(
                "จำนวนตามระดับรวมกันได้ {sum} แห่ง แต่มีหน่วยงานในรายชื่อ {listed} แห่ง",
                "the level counts add up to {sum}, but {listed} agencies are listed"
            ),
            None,
        );
    }
}

/// A level's stated score band held against the year's rule.
fn stated_band(
    f: &mut Findings,
    year: i32,
    level: &crate::model::StatedLevel,
    band: &crate::framework::Band,
    lp: &JsonPath,
) {
    let (Some(min), Some(max)) = (level.min, level.max) else {
        return;
    };
    if min.hundredths() == band.min.hundredths() && max.hundredths() == band.max.hundredths() {
        return;
    }
    let condition = band
        .tools_min
        .map(|m| format!(" and every tool at least {}", s(m)))
        .unwrap_or_default();
    let condition_thai = band
        .tools_min
        .map(|m| format!(" และทุกเครื่องมือได้อย่างน้อย {}", s(m)))
        .unwrap_or_default();
    let (name, min, max, rule_min, rule_max) =
        (&level.level, s(min), s(max), s(band.min), s(band.max));
    f.contradiction(
        lp.key("min"),
        message!(
            "ข้อมูลให้ \"{name}\" ช่วงคะแนน {min}–{max} แต่เกณฑ์ปี {year} ให้ {rule_min}–{rule_max}{condition_thai}",
            "the data gives \"{name}\" the band {min}–{max}, but the {year} rule gives {rule_min}–{rule_max}{condition}"
        ),
        None,
    );
}

fn stated_lists(
    f: &mut Findings,
    p: &crate::model::Province,
    stated: &crate::model::StatedSummary,
    spath: &JsonPath,
) {
    // The lists' headings against the rows listed under that stated level.
    let mut by_heading: BTreeMap<&str, (u32, usize)> = BTreeMap::new();
    for (i, list) in stated.lists.iter().enumerate() {
        let entry = by_heading.entry(list.level.as_str()).or_insert((0, i));
        entry.0 += list.count.unwrap_or(0);
    }
    for (name, (count, i)) in by_heading {
        let rows = p
            .agencies
            .iter()
            .filter(|a| a.level.as_deref() == Some(name))
            .count();
        if count as usize != rows {
            f.contradiction(
                spath.key("lists").index(i).key("count"),
                message!(
                    "หัวรายชื่อระดับ \"{name}\" นับได้ {count} แห่ง แต่มีรายชื่ออยู่ใต้หัวนั้น {rows} แห่ง",
                    "the list heading counts {count} agencies at \"{name}\", but {rows} are listed under it"
                ),
                None,
            );
        }
    }
}

/// The stated pass and fail counts against the target.
fn stated_pass_fail(
    f: &mut Findings,
    package: &Package,
    fw: &Framework,
    stated: &crate::model::StatedSummary,
    facts: &analysis::ProvinceFacts,
    spath: &JsonPath,
) {
    let target = package.scores.as_ref().map_or(fw.target, |s| s.target);
    let target = s(target);
    for (key, stated, derived, relation, relation_thai) in [
        ("pass", stated.pass, facts.pass, "at or above", "ผ่าน"),
        ("fail", stated.fail, facts.fail, "below", "ต่ำกว่า"),
    ] {
        if let Some(count) = stated
            && count as usize != derived
        {
            f.contradiction(
                    spath.key(key),
                    message!(
                        "ข้อมูลนับหน่วยงานที่{relation_thai}ค่าเป้าหมาย {target} ได้ {count} แห่ง แต่คะแนนให้ {derived} แห่ง",
                        "the data counts {count} agencies {relation} the target {target}, but the scores give {derived}"
                    ),
                    None,
                );
        }
    }
}

/// A memo's or letter's field that starts with the label the form prints before it: a line
/// copied whole from an old letter prints "ที่ ที่ ๐๑๒๓/๒๕๖๗" or "เรียน เรียน ผู้อำนวยการ".
fn labels_typed_twice(f: &mut Findings, package: &Package, root: &JsonPath) {
    let mut fields: Vec<(JsonPath, &str, &str)> = Vec::new();
    if let Some(memo) = &package.memo {
        let at = root.key("memo");
        fields.push((at.key("reference"), "ที่", &memo.reference));
        fields.push((at.key("subject"), "เรื่อง", &memo.subject));
        fields.push((at.key("to"), "เรียน", &memo.to));
    }
    if let Some(letter) = &package.letter {
        let at = root.key("letter");
        fields.push((at.key("reference"), "ที่", &letter.reference));
        fields.push((at.key("subject"), "เรื่อง", &letter.subject));
        fields.push((at.key("to"), "เรียน", &letter.to));
        for (i, line) in letter.refer_to.iter().enumerate() {
            fields.push((at.key("refer_to").index(i), "อ้างถึง", line));
        }
        for (i, line) in letter.enclosures.iter().enumerate() {
            fields.push((at.key("enclosures").index(i), "สิ่งที่ส่งมาด้วย", line));
        }
    }
    for (path, label, text) in fields {
        // The label as a word of its own: "ที่ ๐๑๒๓", "เรียน: …", not "ที่ทำการ…".
        let typed = text.trim_start().strip_prefix(label).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ':')
        });
        if typed {
            f.contradiction(
                path,
                message!(
                    "ข้อความขึ้นต้นด้วย \"{label}\" ซึ่งแบบฟอร์มพิมพ์ไว้หน้าช่องนี้แล้ว เอกสารจะพิมพ์ \"{label}\" ซ้ำสองครั้ง",
                    "the text starts with \"{label}\", which the form prints before the field: the document prints it twice"
                ),
                Some(message!(
                    "ลบ \"{label}\" ที่ต้นข้อความออก",
                    "remove \"{label}\" from the start of the text"
                )),
            );
        }
    }
}

/// A letter whose body sends its reader to a QR code or to its enclosures that the data does
/// not give: the printed letter would point at nothing.
fn letter_refers(f: &mut Findings, letter: &crate::documents::letter::Letter, path: &JsonPath) {
    let says = |words: &[&str]| {
        letter
            .body
            .0
            .iter()
            .any(|p| words.iter().any(|w| p.to_lowercase().contains(w)))
    };
    if says(&["qr code", "คิวอาร์โค้ด"]) && letter.qr.is_none() {
        f.contradiction(
            path.key("body"),
            message!(
                "หนังสือให้ผู้อ่านดูจาก QR code แต่ข้อมูลไม่มีที่อยู่สำหรับทำ QR code",
                "the letter sends its reader to a QR code, but the data gives no address for one"
            ),
            Some(message!(
                "ใส่ `letter.qr.url` เป็นที่อยู่ที่ QR code จะเปิด",
                "add `letter.qr.url` with the address the code should open"
            )),
        );
    }
    if says(&["สิ่งที่ส่งมาด้วย"]) && letter.enclosures.is_empty() {
        f.contradiction(
            path.key("body"),
            message!(
                "หนังสือกล่าวถึงสิ่งที่ส่งมาด้วย แต่ข้อมูลไม่มีรายการสิ่งที่ส่งมาด้วย",
                "the letter speaks of its enclosures (สิ่งที่ส่งมาด้วย), but the data lists none"
            ),
            Some(message!(
                "ใส่รายการใน `letter.enclosures` เพื่อพิมพ์ในหัวหนังสือ หรือแก้ข้อความ",
                "list them in `letter.enclosures`, printed in the letter's heading, or change the text"
            )),
        );
    }
}
