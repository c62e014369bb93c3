//! One thing with two names: an indicator spelled differently in two places of a package (or
//! from its year's framework), an agency listed twice in spellings that differ only in spaces
//! or marks.
//!
//! Two spellings are taken for one indicator when they share most of their letters (a ratio
//! of common subsequence of at least [`SAME`]); anything further apart is another word, not a
//! misspelling, and is left alone.

use std::collections::BTreeMap;

use super::Findings;
use super::reading::Text;
use crate::diagnostic::{JsonPath, Message};
use crate::documents::Package;
use crate::framework::Framework;
use crate::message;

/// How alike two spellings must be to be one name written two ways.
const SAME: f64 = 0.75;

/// Every name finding of a package.
pub(super) fn findings(f: &mut Findings, package: &Package, fw: &Framework) {
    let table = table_names(package);
    for (&number, (path, name)) in &table {
        if let Some(official) = fw.indicator(number).map(|i| i.name.as_str())
            && squash(name) != squash(official)
        {
            let year = fw.fiscal_year;
            f.contradiction(
                    path.clone(),
                    message!(
                        "ตัวชี้วัดที่ {number} ที่นี่ชื่อ \"{name}\" แต่เกณฑ์ปี {year} ใช้ชื่อ \"{official}\"",
                        "indicator {number} is named \"{name}\" here, but the {year} framework names it \"{official}\""
                    ),
                    Some(one_name()),
                );
        }
    }
    let known = |number: u8| -> Vec<(String, Message)> {
        let mut names = Vec::new();
        if let Some((path, name)) = table.get(&number) {
            names.push((
                name.clone(),
                Message::new(format!("ช่อง {path}"), path.to_string()),
            ));
        }
        if let Some(i) = fw.indicator(number) {
            let year = fw.fiscal_year;
            names.push((
                i.name.clone(),
                message!("เกณฑ์ปี {year}", "the {year} framework"),
            ));
        }
        names
    };
    let numbers: Vec<u8> = fw.indicators.iter().map(|i| i.number).collect();
    for (i, r) in package.recommendations.iter().enumerate() {
        for (j, topic) in r.topics.iter().enumerate() {
            let path = JsonPath::default()
                .key("recommendations")
                .index(i)
                .key("topics")
                .index(j);
            misspelt(f, &path, topic.trim(), &numbers, &known);
        }
    }
    if let Some(scores) = &package.scores {
        let path = JsonPath::default().key("scores");
        for (i, ind) in scores.indicators.iter().enumerate() {
            mentions(
                f,
                &path.key("indicators").index(i).key("analysis"),
                &ind.analysis.0,
                &numbers,
                &known,
            );
        }
        for (tool, text) in &scores.tool_analysis {
            mentions(
                f,
                &path.key("tool_analysis").key(tool.code()),
                &text.0,
                &numbers,
                &known,
            );
        }
        mentions(f, &path.key("summary"), &scores.summary.0, &numbers, &known);
    }
    agencies(f, package);
}

/// The names the package's indicator table gives, by number, with their paths.
fn table_names(package: &Package) -> BTreeMap<u8, (JsonPath, String)> {
    let path = JsonPath::default().key("scores").key("indicators");
    package
        .scores
        .iter()
        .flat_map(|s| s.indicators.iter().enumerate())
        .filter_map(|(i, ind)| Some((ind.number, (path.index(i).key("name"), ind.name.clone()?))))
        .collect()
}

/// "ตัวชี้วัดที่ ๔ การใช้…" and "ตัวชี้วัดการใช้…" in given text, against the names known.
fn mentions(
    f: &mut Findings,
    path: &JsonPath,
    paragraphs: &[String],
    numbers: &[u8],
    known: &dyn Fn(u8) -> Vec<(String, Message)>,
) {
    for p in paragraphs {
        let text = Text::new(p);
        for at in text.find_all("ตัวชี้วัด") {
            let mut after = at + "ตัวชี้วัด".chars().count();
            let mut only: Option<u8> = None;
            if let Some(end) = text.word_at(after, "ที่") {
                match text.integer_at(end) {
                    Some((n, end)) => {
                        only = u8::try_from(n).ok();
                        after = end;
                    }
                    None => continue,
                }
            }
            let rest = text.slice(after..text.chars.len());
            let word: String = rest
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && !"(),".contains(*c))
                .collect();
            if word.is_empty() {
                continue;
            }
            let candidates: Vec<u8> = only.map_or_else(|| numbers.to_vec(), |n| vec![n]);
            misspelt(f, path, &word, &candidates, known);
        }
    }
}

/// A spelling that is close to, but not, a name an indicator has elsewhere. `written` may run
/// on into the sentence ("การใช้งบประมาณได้คะแนน…"): a known name it starts with is fine.
fn misspelt(
    f: &mut Findings,
    path: &JsonPath,
    written: &str,
    numbers: &[u8],
    known: &dyn Fn(u8) -> Vec<(String, Message)>,
) {
    let all: Vec<(u8, String, Message)> = numbers
        .iter()
        .flat_map(|&n| {
            known(n)
                .into_iter()
                .map(move |(name, place)| (n, name, place))
        })
        .collect();
    if all
        .iter()
        .any(|(_, name, _)| squash(written).starts_with(&squash(name)))
    {
        return;
    }
    let best = all
        .iter()
        .map(|(n, name, place)| {
            let head: String = written.chars().take(name.chars().count() + 4).collect();
            (alike(&squash(&head), &squash(name)), n, name, place)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((ratio, n, name, place)) = best
        && ratio >= SAME
    {
        let head: String = written.chars().take(name.chars().count() + 4).collect();
        let shown = if squash(&head).len() < squash(written).len() {
            format!("{head}…")
        } else {
            head
        };
        let (place_thai, place) = (
            place.thai.as_deref().unwrap_or(&place.english),
            &place.english,
        );
        f.contradiction(
            path.clone(),
            message!(
                "ตัวชี้วัดที่ {n} ที่นี่เขียนว่า \"{shown}\" แต่ใน{place_thai} เขียนว่า \"{name}\"",
                "indicator {n} is written \"{shown}\" here, but \"{name}\" in {place}"
            ),
            Some(one_name()),
        );
    }
}

/// Agencies of one list whose names differ only in spaces or marks (tone marks, ็ ์ ั and the
/// vowels above and below), in the same district.
fn agencies(f: &mut Findings, package: &Package) {
    let Some(province) = &package.province else {
        return;
    };
    let path = JsonPath::default().key("province").key("agencies");
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, a) in province.agencies.iter().enumerate() {
        let key = (
            bare(&a.name),
            a.district.as_deref().map(bare).unwrap_or_default(),
        );
        match seen.get(&key) {
            Some(&first) if province.agencies[first].name.trim() != a.name.trim() => {
                let (name, other, at) =
                    (&a.name, &province.agencies[first].name, path.index(first));
                f.contradiction(
                    path.index(i).key("name"),
                    message!(
                        "\"{name}\" ต่างจาก \"{other}\" (ที่ {at}) เพียงช่องว่างหรือเครื่องหมาย",
                        "\"{name}\" differs from \"{other}\" (at {at}) only in spaces or marks"
                    ),
                    Some(message!(
                        "หน่วยงานเดียวกันมีในรายชื่อสองครั้ง หรือสะกดชื่อผิดไปหนึ่งแห่ง",
                        "the same agency listed twice, or one name misspelt"
                    )),
                )
            }
            Some(_) => {}
            None => {
                seen.insert(key, i);
            }
        }
    }
}

fn one_name() -> Message {
    message!(
        "ตัวชี้วัดหนึ่งควรใช้ชื่อเดียวกันตลอดทั้งเอกสาร",
        "one indicator should have one name throughout the documents"
    )
}

/// Text without white space or zero-width characters.
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}'))
        .collect()
}

/// Text without spaces and without the Thai marks a slip of the keys changes.
fn bare(text: &str) -> String {
    squash(text)
        .chars()
        .filter(|&c| !matches!(c, '\u{0e31}' | '\u{0e34}'..='\u{0e3a}' | '\u{0e47}'..='\u{0e4e}'))
        .collect()
}

/// How alike two spellings are: twice their longest common subsequence over their lengths.
fn alike(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for x in &a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    2.0 * row[b.len()] as f64 / (a.len() + b.len()) as f64
}
