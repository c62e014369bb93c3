//! Thai sentences written from derived facts, in the register of the provincial reports.
//!
//! Every number in a sentence comes from the facts; wording follows seeds 000 and 002
//! ("ตัวชี้วัดที่ได้คะแนนสูงสุดคือ … รองลงมาคือ … และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ …",
//! "เมื่อเทียบกับปี พ.ศ. ๒๕๖๕ เพิ่มขึ้น ๐.๗๗ คะแนน").

use crate::analysis::{self, Changes, Extremes, Facts, IndicatorFact, ToolFact};
use crate::documents::Package;
use crate::documents::oit::OitItem;
use crate::framework::{Framework, Frameworks};
use crate::model::{Numerals, Paragraphs, Score};
use crate::thai;

/// The facts of a package with every paragraph the package does not give written from them:
/// the overall paragraph, each tool's, and the lines of generated weak-point tables.
pub fn derive(package: &Package, fw: &Framework, frameworks: &Frameworks) -> Facts {
    let mut facts = analysis::derive(package, fw, frameworks);
    let n = package.numerals;
    let previous_year = facts.history.last().map(|h| h.year);
    let target = facts.target;
    for fact in facts.tools.iter_mut().filter(|t| t.narrative.is_empty()) {
        fact.narrative = Paragraphs(vec![tool(fact, target, previous_year, n)]);
    }
    if facts.overall.is_empty() {
        facts.overall = overall(package, &facts)
            .map(|p| Paragraphs(vec![p]))
            .unwrap_or_default();
    }
    if let Some(oit) = facts.oit.as_mut() {
        for table in [&mut oit.urgent, &mut oit.improve]
            .into_iter()
            .filter(|t| !t.given)
        {
            for row in &mut table.rows {
                row.text = Paragraphs(row.failed.iter().map(|item| failed_item(item, n)).collect());
            }
        }
    }
    facts
}

fn indicator_phrase(i: &IndicatorFact, n: Numerals) -> String {
    format!(
        "ตัวชี้วัดที่ {} {}",
        thai::digits(&i.number.to_string(), n),
        i.name
    )
}

/// "A", "A และB", "A B และC".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} และ{last}", rest.join(" ")),
    }
}

/// "ตัวชี้วัดที่ ๓ การใช้อำนาจ คะแนนเท่ากับ ๑๐๐.๐๐ คะแนน" or, for a tie,
/// "ตัวชี้วัดที่ ๔ … และตัวชี้วัดที่ ๕ … ซึ่งได้คะแนนเท่ากัน คือ ๙๙.๙๖ คะแนน".
fn group_phrase(group: &[IndicatorFact], n: Numerals) -> String {
    let names: Vec<String> = group.iter().map(|i| indicator_phrase(i, n)).collect();
    let score = thai::score(group[0].score, n);
    if group.len() > 1 {
        format!("{} ซึ่งได้คะแนนเท่ากัน คือ {score} คะแนน", join(&names))
    } else {
        format!("{} คะแนนเท่ากับ {score} คะแนน", names[0])
    }
}

/// "เพิ่มขึ้น ๐.๗๗ คะแนน", "ลดลง ๑.๒๐ คะแนน", "เท่าเดิม".
pub fn change_phrase(change: i64, n: Numerals) -> String {
    match change.signum() {
        1 => format!("เพิ่มขึ้น {} คะแนน", thai::hundredths(change, n)),
        -1 => format!("ลดลง {} คะแนน", thai::hundredths(-change, n)),
        _ => "เท่าเดิม".to_owned(),
    }
}

/// The highest/second/lowest sentence for a set of indicators (empty when there are none).
fn extremes_sentence(indicators: &[IndicatorFact], e: &Extremes, n: Numerals) -> String {
    match indicators {
        [] => String::new(),
        [only] => format!(
            "โดย{} ได้คะแนน {} คะแนน",
            indicator_phrase(only, n),
            thai::score(only.score, n)
        ),
        _ if e.highest.len() == indicators.len() => {
            format!(
                "โดยทุกตัวชี้วัดได้คะแนนเท่ากัน คือ {} คะแนน",
                thai::score(indicators[0].score, n)
            )
        }
        _ => {
            let mut s = format!("ตัวชี้วัดที่ได้คะแนนสูงสุดคือ {}", group_phrase(&e.highest, n));
            if !e.second.is_empty() {
                s.push_str(&format!(" รองลงมาคือ {}", group_phrase(&e.second, n)));
            }
            s.push_str(&format!(
                " และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ {}",
                group_phrase(&e.lowest, n)
            ));
            s
        }
    }
}

/// The analysis paragraph of one tool.
pub fn tool(fact: &ToolFact, target: Score, previous_year: Option<i32>, n: Numerals) -> String {
    let mut s = fact.phrase.clone();
    if let Some(score) = fact.score {
        s.push_str(&format!(" มีค่าคะแนนเท่ากับ {} คะแนน", thai::score(score, n)));
        if let (Some(change), Some(year)) = (fact.change, previous_year) {
            s.push_str(&format!(
                " เมื่อเทียบกับปี พ.ศ. {} {}",
                thai::digits(&year.to_string(), n),
                change_phrase(change, n)
            ));
        }
    }
    let extremes = extremes_sentence(&fact.indicators, &fact.extremes, n);
    if !extremes.is_empty() {
        s.push(' ');
        s.push_str(&extremes);
    }
    let changes = changes_sentence(&fact.changes, n);
    if !changes.is_empty() {
        s.push(' ');
        s.push_str(&changes);
    }
    let target_text = thai::target(target, n);
    if !fact.indicators.is_empty() {
        if fact.below_target.is_empty() {
            s.push_str(&format!(
                " ทุกตัวชี้วัดได้คะแนนตั้งแต่ค่าเป้าหมาย {target_text} คะแนนขึ้นไป"
            ));
        } else {
            let names: Vec<String> = fact
                .below_target
                .iter()
                .map(|i| indicator_phrase(i, n))
                .collect();
            s.push_str(&format!(
                " ตัวชี้วัดที่ได้คะแนนต่ำกว่าค่าเป้าหมาย {target_text} คะแนน ได้แก่ {}",
                join(&names)
            ));
        }
    }
    s
}

/// "ตัวชี้วัดที่ ๗ … (เพิ่มขึ้น ๐.๕๐ คะแนน)" for a group of equal changes.
fn changed_group(group: &[IndicatorFact], n: Numerals) -> String {
    let names: Vec<String> = group.iter().map(|i| indicator_phrase(i, n)).collect();
    let change = group[0].change.unwrap_or_default();
    format!("{} ({})", join(&names), change_phrase(change, n))
}

/// "ตัวชี้วัดที่คะแนนเพิ่มขึ้นมากที่สุดคือ … (เพิ่มขึ้น …) รองลงมาคือ … และตัวชี้วัดที่คะแนนลดลงมาก
/// ที่สุดคือ … (ลดลง …)"; empty when no indicator has an earlier score that differs.
fn changes_sentence(c: &Changes, n: Numerals) -> String {
    let mut parts = Vec::new();
    if !c.gain.is_empty() {
        let mut gain = format!("ตัวชี้วัดที่คะแนนเพิ่มขึ้นมากที่สุดคือ {}", changed_group(&c.gain, n));
        if !c.gain_second.is_empty() {
            gain.push_str(&format!(" รองลงมาคือ {}", changed_group(&c.gain_second, n)));
        }
        parts.push(gain);
    }
    if !c.loss.is_empty() {
        parts.push(format!(
            "ตัวชี้วัดที่คะแนนลดลงมากที่สุดคือ {}",
            changed_group(&c.loss, n)
        ));
    }
    join(&parts)
}

/// The overall paragraph, when there is a total to speak of.
pub fn overall(package: &Package, facts: &Facts) -> Option<String> {
    let scores = package.scores.as_ref()?;
    let total = scores.total?;
    let n = package.numerals;
    let year = thai::digits(&package.fiscal_year.to_string(), n);
    let mut s = format!(
        "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) ประจำปีงบประมาณ พ.ศ. {year} ของ{} ได้คะแนนภาพรวม {} คะแนน",
        package.agency.name,
        thai::score(total, n)
    );
    let target = thai::target(scores.target, n);
    let relation = match total.hundredths().cmp(&scores.target.hundredths()) {
        std::cmp::Ordering::Greater => "ซึ่งสูงกว่าค่าเป้าหมาย",
        std::cmp::Ordering::Equal => "ซึ่งเท่ากับค่าเป้าหมาย",
        std::cmp::Ordering::Less => "ซึ่งต่ำกว่าค่าเป้าหมาย",
    };
    s.push_str(&format!(" {relation} {target} คะแนน"));
    // The level after the comparison, so that "ต่ำกว่าค่าเป้าหมาย" cannot be read as said of it.
    if let Some(level) = facts.level.as_ref().and_then(|l| l.shown.as_ref()) {
        s.push_str(&format!(" ผลการประเมิน{}", thai::spaced("อยู่ในระดับ", level)));
    }
    if let Some(prev) = &facts.previous {
        s.push_str(&format!(
            " เมื่อเทียบกับปี พ.ศ. {} ซึ่งได้ {} คะแนน {}",
            thai::digits(&prev.year.to_string(), n),
            thai::score(prev.total, n),
            change_phrase(prev.change, n)
        ));
    }
    let extremes = extremes_sentence(&facts.indicators, &facts.extremes, n);
    if !extremes.is_empty() {
        // "ในภาพรวมตัวชี้วัดที่ได้คะแนนสูงสุดคือ …", but "… โดยทุกตัวชี้วัดได้คะแนนเท่ากัน".
        s.push_str(if extremes.starts_with("โดย") {
            " "
        } else {
            " ในภาพรวม"
        });
        s.push_str(&extremes);
    }
    let changes = changes_sentence(&facts.changes, n);
    if !changes.is_empty() {
        s.push_str(" เมื่อเทียบรายตัวชี้วัดกับปีก่อน ");
        s.push_str(&changes);
    }
    Some(s)
}

/// One OIT item scored 0, as a line of a weak-point table: "ข้อ ๑๕ คู่มือ… (ข้อมูลไม่ปรากฏ…)".
pub fn failed_item(item: &OitItem, n: Numerals) -> String {
    let mut s = format!(
        "ข้อ {} {}",
        thai::digits(&item.number.to_string(), n),
        item.name
    );
    if let Some(comment) = item.comment.as_deref().filter(|c| !c.trim().is_empty()) {
        s.push_str(&format!(" ({comment})"));
    }
    s
}
