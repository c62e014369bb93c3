//! Thai sentences written from derived facts, in the register of the provincial reports.
//!
//! Every number in a sentence comes from the facts; wording follows seeds 000 and 002
//! ("ตัวชี้วัดที่ได้คะแนนสูงสุดคือ … และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ …").

use crate::analysis::{Facts, IndicatorFact, ToolFact};
use crate::model::{Numerals, Package, Score, Tool};
use crate::thai;

/// The tool as named in a sentence: "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (แบบ IIT)".
pub fn tool_phrase(tool: Tool) -> &'static str {
    match tool {
        Tool::Iit => "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (แบบ IIT)",
        Tool::Eit => "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (แบบ EIT)",
        Tool::Oit => "แบบวัดการเปิดเผยข้อมูลสาธารณะ (แบบ OIT)",
    }
}

fn indicator_phrase(i: &IndicatorFact, n: Numerals) -> String {
    format!("ตัวชี้วัดที่ {} {}", thai::digits(&i.number.to_string(), n), i.name)
}

/// "A", "A และ B", "A B และ C".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} และ{last}", rest.join(" ")),
    }
}

/// "ตัวชี้วัดที่ ๓ การใช้อำนาจ (๑๐๐.๐๐ คะแนน)" or, for a tie,
/// "ตัวชี้วัดที่ ๔ … และตัวชี้วัดที่ ๕ … ซึ่งได้คะแนนเท่ากัน (๙๙.๙๖ คะแนน)".
fn extreme_phrase(group: &[IndicatorFact], n: Numerals) -> String {
    let names: Vec<String> = group.iter().map(|i| indicator_phrase(i, n)).collect();
    let score = thai::score(group[0].score, n);
    if group.len() > 1 {
        format!("{} ซึ่งได้คะแนนเท่ากัน ({score} คะแนน)", join(&names))
    } else {
        format!("{} ({score} คะแนน)", names[0])
    }
}

/// The highest/lowest sentence for a set of indicators (empty when there are none).
fn extremes_sentence(indicators: &[IndicatorFact], highest: &[IndicatorFact], lowest: &[IndicatorFact], n: Numerals) -> String {
    match indicators {
        [] => String::new(),
        [only] => format!("โดย{} ได้คะแนน {} คะแนน", indicator_phrase(only, n), thai::score(only.score, n)),
        _ if highest.len() == indicators.len() => format!(
            "โดยทุกตัวชี้วัดได้คะแนนเท่ากัน คือ {} คะแนน",
            thai::score(indicators[0].score, n)
        ),
        _ => format!(
            "ตัวชี้วัดที่ได้คะแนนสูงสุดคือ {} และตัวชี้วัดที่ได้คะแนนน้อยที่สุดคือ {}",
            extreme_phrase(highest, n),
            extreme_phrase(lowest, n)
        ),
    }
}

/// The analysis paragraph of one tool.
pub fn tool(fact: &ToolFact, target: Score, n: Numerals) -> String {
    let mut s = tool_phrase(fact.tool).to_owned();
    if let Some(score) = fact.score {
        s.push_str(&format!(" มีค่าคะแนนเท่ากับ {} คะแนน", thai::score(score, n)));
    }
    let extremes = extremes_sentence(&fact.indicators, &fact.highest, &fact.lowest, n);
    if !extremes.is_empty() {
        s.push(' ');
        s.push_str(&extremes);
    }
    let target_text = thai::score(target, n);
    if !fact.indicators.is_empty() {
        if fact.below_target.is_empty() {
            s.push_str(&format!(" ทุกตัวชี้วัดได้คะแนนตั้งแต่ค่าเป้าหมาย {target_text} คะแนนขึ้นไป"));
        } else {
            let names: Vec<String> = fact.below_target.iter().map(|i| indicator_phrase(i, n)).collect();
            s.push_str(&format!(" ตัวชี้วัดที่ได้คะแนนต่ำกว่าค่าเป้าหมาย {target_text} คะแนน ได้แก่ {}", join(&names)));
        }
    }
    s
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
    if let Some(level) = &scores.level {
        s.push_str(&format!(" อยู่ในระดับ{level}"));
    }
    let target = thai::score(scores.target, n);
    let relation = match total.hundredths().cmp(&scores.target.hundredths()) {
        std::cmp::Ordering::Greater => "ซึ่งสูงกว่าค่าเป้าหมาย",
        std::cmp::Ordering::Equal => "ซึ่งเท่ากับค่าเป้าหมาย",
        std::cmp::Ordering::Less => "ซึ่งต่ำกว่าค่าเป้าหมาย",
    };
    s.push_str(&format!(" {relation} {target} คะแนน"));
    if let Some(prev) = &facts.previous {
        let prev_year = thai::digits(&prev.year.to_string(), n);
        let change = match prev.change.signum() {
            1 => format!("เพิ่มขึ้น {} คะแนน", thai::hundredths(prev.change, n)),
            -1 => format!("ลดลง {} คะแนน", thai::hundredths(-prev.change, n)),
            _ => "เท่าเดิม".to_owned(),
        };
        s.push_str(&format!(
            " เมื่อเทียบกับปี พ.ศ. {prev_year} ซึ่งได้ {} คะแนน {change}",
            thai::score(prev.total, n)
        ));
    }
    let extremes = extremes_sentence(&facts.indicators, &facts.highest, &facts.lowest, n);
    if !extremes.is_empty() {
        s.push_str(" ในภาพรวม");
        s.push_str(&extremes);
    }
    Some(s)
}
