//! Scores quoted in given text, read against the data.
//!
//! A paragraph is read number by number. A number is a score when it has two decimals or is
//! followed by "คะแนน"; a year (๒๕๖๕) sets the year the following numbers speak of. What a
//! score is about comes from the words since the number before it: an indicator named there
//! ("ตัวชี้วัดที่ ๗", "ตัวชี้วัดประสิทธิภาพการสื่อสาร"), else a tool ("แบบ EIT"), else the overall
//! score ("ภาพรวม"), else — only when the number is attached by "เท่ากับ", "ได้", "อยู่ที่" — the
//! subject of the field it sits in, or the total when the words name the agency itself
//! ("ที่ว่าการอำเภอเสลภูมิได้คะแนน ๖๕.๔๘", as a memo writes it). Thresholds ("ต่ำกว่า ๘๕"),
//! extremes without a name ("คะแนนสูงสุด"), items and sub-indicators are not read; the target
//! is ("ค่าเป้าหมาย ๘๕"), and so are changes ("เพิ่มขึ้น ๐.๗๗ คะแนน") where the data gives the
//! change, and a level named right after a total ("… คะแนน อยู่ในระดับผ่าน").

use super::Findings;
use super::reading::Text;
use crate::analysis::Facts;
use crate::diagnostic::JsonPath;
use crate::documents::Package;
use crate::framework::{Framework, Frameworks};
use crate::message;
use crate::model::Tool;

/// What a quoted score is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    Total,
    Tool(Tool),
    Indicator(u8),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Total => f.write_str("the total"),
            Subject::Tool(t) => write!(f, "{t}"),
            Subject::Indicator(n) => write!(f, "indicator {n}"),
        }
    }
}

impl Subject {
    /// Its name in Thai.
    fn thai(self) -> String {
        match self {
            Subject::Total => "คะแนนรวม".to_owned(),
            Subject::Tool(t) => t.to_string(),
            Subject::Indicator(n) => format!("ตัวชี้วัดที่ {n}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Score,
    Year,
    /// A count, an item or sub-indicator number: what follows it is about that item.
    Other,
}

#[derive(Debug, Clone)]
struct Number {
    start: usize,
    end: usize,
    hundredths: i64,
    written: String,
    kind: Kind,
}

/// The numbers of a paragraph, in order.
fn numbers(text: &Text) -> Vec<Number> {
    let c = &text.chars;
    let mut out = Vec::new();
    let mut at = 0;
    while at < c.len() {
        if !c[at].is_ascii_digit()
            || (at > 0 && (c[at - 1].is_ascii_alphabetic() || c[at - 1] == '/'))
        {
            at += 1;
            continue;
        }
        let start = at;
        while at < c.len()
            && (c[at].is_ascii_digit()
                || (c[at] == '.' && c.get(at + 1).is_some_and(char::is_ascii_digit)))
        {
            at += 1;
        }
        let written: String = c[start..at].iter().collect();
        let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
        let value: f64 = written.parse().unwrap_or(f64::NAN);
        let points = written.matches('.').count();
        let followed_by_points = text
            .word_at(at, "คะแนน")
            .is_some_and(|end| text.word_at(end, "เต็ม").is_none());
        let closes_item = decimals == 0 && c.get(at).is_some_and(|&ch| ch == ')' || ch == '/');
        let kind = if points > 1 || !value.is_finite() || closes_item {
            Kind::Other
        } else if decimals == 0 && (2400.0..=2700.0).contains(&value) && !followed_by_points {
            Kind::Year
        } else if (decimals == 2 || followed_by_points) && value <= 100.0 {
            Kind::Score
        } else {
            Kind::Other
        };
        // "ตัวชี้วัดที่ ๑", "ภาพที่ ๒": an ordinal belongs to the name before it, so the words
        // before it still say what follows.
        let before: String = c[start.saturating_sub(4)..start].iter().collect();
        if before.trim_end().ends_with("ที่") && decimals == 0 {
            continue;
        }
        out.push(Number {
            start,
            end: at,
            hundredths: (value * 100.0).round() as i64,
            written,
            kind,
        });
    }
    out
}

/// What the quotes of one paragraph are read against: where it is, what it speaks of when
/// it names nothing, and the data.
pub(super) struct Against<'a> {
    pub path: JsonPath,
    pub default: Option<Subject>,
    pub package: &'a Package,
    pub facts: &'a Facts,
    pub frameworks: &'a Frameworks,
}

/// Every quoted score of a paragraph that differs from the data.
pub(super) fn scores(f: &mut Findings, text: &Text, to: &Against) {
    let numbers = numbers(text);
    let mut year = to.package.fiscal_year;
    for (i, n) in numbers.iter().enumerate() {
        if n.kind == Kind::Year {
            year = (n.hundredths / 100) as i32;
            continue;
        }
        if n.kind != Kind::Score {
            continue;
        }
        let previous = i.checked_sub(1).map(|p| &numbers[p]);
        let segment = text.slice(previous.map_or(0, |p| p.end)..n.start);
        let after_item = previous.is_some_and(|p| p.kind == Kind::Other);
        if read(f, to, n, &segment, year, after_item) == Some(Subject::Total) {
            let until = numbers
                .get(i + 1)
                .map_or(text.chars.len(), |next| next.start);
            stated_level(f, to, &text.slice(n.end..until), year);
        }
    }
}

/// A level named right after a quoted total ("๖๕.๔๘ คะแนน อยู่ในระดับต้องปรับปรุงโดยด่วน")
/// against the level the documents print for that year. Read only when "ระดับ" follows the
/// score closely and nothing negates or compares it ("ไม่ถึงระดับผ่าน", "สูงกว่าระดับ").
fn stated_level(f: &mut Findings, to: &Against, after: &str, year: i32) {
    let (path, package, facts) = (&to.path, to.package, to.facts);
    let Some(at) = after.find("ระดับ") else {
        return;
    };
    let gap = &after[..at];
    if gap.chars().count() > 20 || ["ไม่", "กว่า", "ถึง"].iter().any(|w| gap.contains(w))
    {
        return;
    }
    let Some(fw) = to.frameworks.get(year) else {
        return;
    };
    let Some(written) = level_named(after[at + "ระดับ".len()..].trim_start(), fw) else {
        return;
    };
    let level = if year == package.fiscal_year {
        facts.level.as_ref()
    } else {
        facts
            .history
            .iter()
            .find(|h| h.year == year)
            .map(|h| &h.level)
    };
    let Some(level) = level else { return };
    let (when, when_thai) = if year == package.fiscal_year {
        (String::new(), String::new())
    } else {
        (format!(" in {year}"), format!(" ปี {year}"))
    };
    let (data, data_thai) = match &level.shown {
        Some(shown) if shown != written => (
            format!("the documents print \"{shown}\""),
            format!("เอกสารพิมพ์ระดับ \"{shown}\""),
        ),
        None if !level.possible.is_empty() && !level.possible.iter().any(|p| p == written) => {
            let possible = level.possible.join(", ");
            (
                format!("the score allows only {possible}"),
                format!("คะแนนเป็นได้เพียง {possible}"),
            )
        }
        _ => return,
    };
    f.contradiction(
        path.clone(),
        message!(
            "ข้อความระบุว่าคะแนนรวม{when_thai}อยู่ในระดับ \"{written}\" แต่{data_thai}",
            "the text puts the total{when} at level \"{written}\", but {data}"
        ),
        Some(message!(
            "เอกสารพิมพ์ระดับตามคะแนนและเกณฑ์ของปี ให้แก้ข้อความหรือข้อมูลให้ตรงกัน",
            "the documents print the level the scores and the year's rule give; correct the text or the data"
        )),
    );
}

/// The level of `fw` that `text` starts with, the longest name first ("ผ่านดีเยี่ยม" before
/// "ผ่าน"); a letter grade must end there ("A" is not read from "AB").
fn level_named<'a>(text: &str, fw: &'a Framework) -> Option<&'a str> {
    let mut names: Vec<&str> = fw.levels.levels.iter().map(|l| l.name.as_str()).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.into_iter().find(|name| {
        text.starts_with(name)
            && !(name.is_ascii()
                && text[name.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric()))
    })
}

/// Whether the words before a score name the package's agency.
fn names_agency(segment: &str, package: &Package) -> bool {
    let name = package.agency.name.trim();
    !name.is_empty() && segment.contains(name)
}

/// Reads one score with the words before it; returns what it was read as a score of, when
/// the data gives that score (not for targets and changes).
fn read(
    f: &mut Findings,
    to: &Against,
    n: &Number,
    segment: &str,
    year: i32,
    after_item: bool,
) -> Option<Subject> {
    let year = year_meant(segment, year, to.facts)?;
    let tail = segment.trim_end();
    if tail.ends_with("ร้อยละ") || target_stated(f, to, n, tail, year) {
        return None;
    }
    const BOUNDS: [&str; 8] = [
        "ต่ำกว่า",
        "สูงกว่า",
        "ไม่ถึง",
        "ตั้งแต่",
        "เกิน",
        "ไม่น้อยกว่า",
        "มากกว่า",
        "น้อยกว่า",
    ];
    if BOUNDS.iter().any(|w| tail.ends_with(w)) {
        return None;
    }
    let change = ["เพิ่มขึ้น", "สูงขึ้น", "ลดลง", "ต่ำลง"]
        .into_iter()
        .find(|w| tail.ends_with(w));
    let subject = match named(segment, to.package, to.facts) {
        Named::One(s) => s,
        Named::Several(list) => {
            if change.is_none() {
                none_of_them(f, to, n, &list, year);
            }
            return None;
        }
        Named::Unclear => return None,
        Named::Nothing => unnamed(to, segment, change.is_some(), after_item)?,
    };
    match change {
        Some(word) => {
            changed(f, to, n, subject, word, year);
            None
        }
        None => quoted(f, to, n, subject, year),
    }
}

/// The year a score is of: "ปีที่แล้วได้ ๘๖.๓๗" names the year before without its number.
fn year_meant(segment: &str, year: i32, facts: &Facts) -> Option<i32> {
    let last_year = ["ปีที่แล้ว", "ปีก่อน", "ปีที่ผ่านมา"]
        .iter()
        .any(|w| segment.contains(w));
    match facts.history.last() {
        Some(h) if last_year => Some(h.year),
        None if last_year => None,
        _ => Some(year),
    }
}

/// Whether the number is a target: "ค่าเป้าหมาย" is the framework's, held against it; a
/// "เป้าหมาย" of the agency's own ("ตั้งเป้าหมายให้ได้ ๙๕ คะแนน" in a measure) is its plan.
fn target_stated(f: &mut Findings, to: &Against, n: &Number, tail: &str, year: i32) -> bool {
    let near: String = {
        let mut last: Vec<char> = tail.chars().rev().take(30).collect();
        last.reverse();
        last.into_iter().collect()
    };
    if !near.contains("เป้าหมาย") {
        return false;
    }
    let target = to.facts.target.hundredths();
    let framework = near.contains("ค่าเป้าหมาย") || near.contains("เป้าหมายที่กำหนด");
    if framework && n.hundredths != target && year == to.package.fiscal_year {
        let (written, target) = (&n.written, super::h(target));
        f.contradiction(
            to.path.clone(),
            message!(
                "ข้อความระบุค่าเป้าหมาย {written} แต่ข้อมูลให้ {target}",
                "the text gives the target as {written}, but the data gives {target}"
            ),
            None,
        );
    }
    true
}

/// A score quoted after several things are named, none of which has it: a note, not a guess.
fn none_of_them(f: &mut Findings, to: &Against, n: &Number, list: &[Subject], year: i32) {
    let values: Vec<Option<i64>> = list
        .iter()
        .map(|s| value(*s, year, to.package, to.facts))
        .collect();
    if values.iter().any(Option::is_none) || values.contains(&Some(n.hundredths)) {
        return;
    }
    let names = list.iter().map(ToString::to_string).collect::<Vec<_>>();
    let names_thai = list.iter().map(|s| s.thai()).collect::<Vec<_>>();
    let (names, names_thai) = (names.join(" and "), names_thai.join(" และ "));
    let written = &n.written;
    f.undecided(
        to.path.clone(),
        message!(
            "ข้อความยกคะแนน {written} หลังเอ่ยถึง {names_thai} แต่ไม่มีรายการใดได้คะแนนนั้น",
            "the text quotes {written} after naming {names}; none of them has that score"
        ),
        None,
    );
}

/// What a score names nothing before it is of: the field's own subject, or the total when
/// the agency is named ("เทศบาลเมืองร้อยเอ็ดได้คะแนน …"), and only when the number is
/// attached to a verb of scoring and is not an extreme, a mean or an item's.
fn unnamed(to: &Against, segment: &str, change: bool, after_item: bool) -> Option<Subject> {
    const ATTACHED: [&str; 8] = [
        "เท่ากับ",
        "ได้",
        "ได้คะแนน",
        "อยู่ที่",
        "คือ",
        "(",
        "มีค่าคะแนน",
        "ค่าคะแนน",
    ];
    let tail = segment.trim_end();
    let attached = ATTACHED.iter().any(|w| tail.ends_with(w));
    let extreme = ["สูงสุด", "ต่ำสุด", "ที่สุด", "เฉลี่ย", "เต็ม"]
        .iter()
        .any(|w| segment.contains(w));
    let agency = names_agency(segment, to.package).then_some(Subject::Total);
    let subject = to.default.or(agency)?;
    ((attached || change) && !extreme && !after_item).then_some(subject)
}

/// A change stated ("เพิ่มขึ้น ๒.๐๐") held against the change the scores give.
fn changed(f: &mut Findings, to: &Against, n: &Number, subject: Subject, word: &str, year: i32) {
    let sign = if matches!(word, "ลดลง" | "ต่ำลง") {
        -1
    } else {
        1
    };
    let previous_year = to.facts.previous.as_ref().map(|p| p.year);
    if year != to.package.fiscal_year && Some(year) != previous_year {
        return;
    }
    let Some(given) = change_of(subject, to.facts).filter(|c| *c != sign * n.hundredths) else {
        return;
    };
    let (moved, moved_thai) = if sign > 0 {
        ("rose", "เพิ่มขึ้น")
    } else {
        ("fell", "ลดลง")
    };
    let (written, given, subject_thai) =
        (&n.written, super::h(given), spaced_before(subject.thai()));
    f.contradiction(
        to.path.clone(),
        message!(
            "ข้อความระบุว่า{subject_thai}{moved_thai} {written} แต่ข้อมูลให้ผลต่าง {given}",
            "the text says {subject} {moved} by {written}, but the data gives a change of {given}"
        ),
        Some(message!(
            "เอกสารพิมพ์ผลต่างตามคะแนนในข้อมูล",
            "the documents print the change the scores give"
        )),
    );
}

/// A score quoted for a subject held against the data's score of it in that year.
fn quoted(
    f: &mut Findings,
    to: &Against,
    n: &Number,
    subject: Subject,
    year: i32,
) -> Option<Subject> {
    let data = value(subject, year, to.package, to.facts)?;
    if data == n.hundredths {
        return Some(subject);
    }
    let this_year = year == to.package.fiscal_year;
    let when = if this_year {
        String::new()
    } else {
        format!(" in {year}")
    };
    let when_thai = if this_year {
        String::new()
    } else {
        format!(" ปี {year}")
    };
    let (written, data, subject_thai) = (
        &n.written,
        super::h(data),
        spaced_before(format!("{}{when_thai}", subject.thai())),
    );
    f.contradiction(
        to.path.clone(),
        message!(
            "ข้อความระบุว่า{subject_thai}ได้ {written} แต่ข้อมูลให้ {data}",
            "the text quotes {written} for {subject}{when}, but the data gives {data}"
        ),
        Some(message!(
            "เอกสารพิมพ์คะแนนตามข้อมูล ให้แก้ข้อความหรือคะแนนให้ตรงกัน",
            "the documents print the data's score; correct the text or the score"
        )),
    );
    Some(subject)
}

enum Named {
    Nothing,
    One(Subject),
    Several(Vec<Subject>),
    /// An indicator or sub-indicator is spoken of that cannot be told.
    Unclear,
}

/// What the words before a number name: indicators first, then a tool, then the total.
fn named(segment: &str, package: &Package, facts: &Facts) -> Named {
    let text = Text::new(segment);
    let mut indicators: Vec<u8> = Vec::new();
    let mut unclear = false;
    for at in text.find_all("ตัวชี้วัด") {
        let after = at + "ตัวชี้วัด".chars().count();
        if let Some(end) = text.word_at(after, "ที่")
            && let Some((n, _)) = text.integer_at(end)
        {
            indicators.push(n as u8);
            continue;
        }
        let rest = text.slice(after..text.chars.len());
        let rest = rest.trim_start();
        if let Some(n) = indicator_named(rest, package, facts) {
            indicators.push(n);
        } else if ![
            "ที่",
            "ใน",
            "นี้",
            "ดังกล่าว",
            "ต่าง",
            "ทั้ง",
            "ทุก",
            "ซึ่ง",
            "และ",
            "ได้",
            "มี",
            "เป็น",
            "ของ",
            "ละ",
        ]
        .iter()
        .any(|w| rest.starts_with(w))
            && !rest.is_empty()
        {
            unclear = true;
        }
    }
    indicators.dedup();
    match indicators.len() {
        1 => return Named::One(Subject::Indicator(indicators[0])),
        2.. => return Named::Several(indicators.into_iter().map(Subject::Indicator).collect()),
        _ if unclear || segment.contains("ย่อย") || segment.contains("ข้อ") => {
            return Named::Unclear;
        }
        _ => {}
    }
    let mut tools: Vec<Tool> = [Tool::Iit, Tool::Eit, Tool::Oit]
        .into_iter()
        .filter(|t| segment.contains(t.code()))
        .collect();
    tools.dedup();
    match tools.len() {
        1 => Named::One(Subject::Tool(tools[0])),
        2.. => Named::Unclear,
        _ if segment.contains("ภาพรวม") || segment.contains("คะแนนรวม") => {
            Named::One(Subject::Total)
        }
        _ => Named::Nothing,
    }
}

/// The indicator whose name (as the package prints it, or the framework's) starts `text`.
fn indicator_named(text: &str, package: &Package, facts: &Facts) -> Option<u8> {
    let given = package
        .scores
        .iter()
        .flat_map(|s| &s.indicators)
        .filter_map(|i| Some((i.number, i.name.as_deref()?)));
    let resolved = facts.indicators.iter().map(|i| (i.number, i.name.as_str()));
    let mut names: Vec<(u8, &str)> = given
        .chain(resolved)
        .filter(|(_, n)| !n.is_empty())
        .collect();
    // The longest name first, so that "การแก้ไขปัญหาการทุจริต" is not read as a shorter one.
    names.sort_by_key(|(_, n)| std::cmp::Reverse(n.chars().count()));
    names
        .into_iter()
        .find(|(_, name)| text.starts_with(name))
        .map(|(n, _)| n)
}

/// The score of a subject in a year, from the data.
fn value(subject: Subject, year: i32, package: &Package, facts: &Facts) -> Option<i64> {
    let scores = package.scores.as_ref()?;
    if year == package.fiscal_year {
        return match subject {
            Subject::Total => scores.total.map(|s| s.hundredths()),
            Subject::Tool(t) => scores.tools.get(&t).map(|s| s.hundredths()),
            Subject::Indicator(n) => facts
                .indicators
                .iter()
                .find(|i| i.number == n)
                .map(|i| i.score.hundredths()),
        };
    }
    let h = package.history.iter().find(|h| h.year == year)?;
    match subject {
        Subject::Total => Some(h.total.hundredths()),
        Subject::Tool(t) => h.tools.get(&t).map(|s| s.hundredths()),
        Subject::Indicator(n) => h
            .indicators
            .iter()
            .find(|i| i.number == n)
            .map(|i| i.score.hundredths()),
    }
}

/// The change of a subject since the previous year, from the data.
fn change_of(subject: Subject, facts: &Facts) -> Option<i64> {
    match subject {
        Subject::Total => facts.previous.as_ref().map(|p| p.change),
        Subject::Tool(t) => facts.tools.iter().find(|f| f.tool == t)?.change,
        Subject::Indicator(n) => facts.indicators.iter().find(|i| i.number == n)?.change,
    }
}

/// `subject` ready to stand before the next Thai word of a message: written against it
/// ("คะแนนรวมได้"), with a space after a number or a Latin word ("ตัวชี้วัดที่ 1 ได้").
fn spaced_before(subject: impl Into<String>) -> String {
    let mut subject = subject.into();
    if subject.ends_with(|c: char| c.is_ascii_alphanumeric() || ('๐'..='๙').contains(&c)) {
        subject.push(' ');
    }
    subject
}
