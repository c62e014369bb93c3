//! How a rule reports what a package breaks: the [`Checker`] every rule writes to (with the
//! checks many rules share: scores, years, dates, indicators, signers) and the [`Problem`]s
//! it collects.
//!
//! It sits below the document kinds (`documents`), whose rules report through it,
//! and below `rules`, which runs every rule of a package.

use std::collections::BTreeMap;

use crate::diagnostic::{JsonPath, Message};
use crate::framework::Framework;
use crate::message;
use crate::model::{Score, Signer};
use crate::thai::Date;

/// One rule violation.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: JsonPath,
    pub message: Message,
    pub note: Option<Message>,
}

/// Collects the violations of one package; the rules of the package, of each document kind
/// and of the outline all report through it.
pub struct Checker<'a> {
    problems: Vec<Problem>,
    /// The package year's framework; absent when the year has none (itself a problem).
    framework: Option<&'a Framework>,
}

impl Checker<'_> {
    /// The package year's framework, when the year has one.
    pub fn framework(&self) -> Option<&Framework> {
        self.framework
    }

    pub fn subject_empty() -> Message {
        message!("ไม่ได้ใส่เรื่อง", "the subject (เรื่อง) is empty")
    }

    pub fn addressee_empty() -> Message {
        message!("ไม่ได้ใส่คำขึ้นต้น (เรียน)", "the addressee (เรียน) is empty")
    }

    pub fn report(&mut self, path: JsonPath, message: impl Into<Message>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
            note: None,
        });
    }

    pub fn report_with(&mut self, path: JsonPath, message: Message, note: Message) {
        self.problems.push(Problem {
            path,
            message,
            note: Some(note),
        });
    }

    pub fn score(&mut self, path: JsonPath, score: Score) {
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

    pub fn year(&mut self, path: JsonPath, year: i32) {
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

    pub fn date(&mut self, path: JsonPath, date: &Option<String>) {
        if let Some(text) = date
            && let Err(e) = Date::parse(text)
        {
            self.report(path, Message::new(e.thai(), e.to_string()));
        }
    }

    pub fn text(&mut self, path: JsonPath, text: &str, empty: Message) {
        if text.trim().is_empty() {
            self.report(path, empty);
        }
    }

    pub fn indicator(&mut self, path: JsonPath, number: u8) -> bool {
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
    pub fn indicator_list(&mut self, path: &JsonPath, numbers: impl Iterator<Item = u8>) {
        let mut seen = BTreeMap::new();
        for (i, number) in numbers.enumerate() {
            let p = path.index(i).key("number");
            if self.indicator(p.clone(), number)
                && let Some(first) = seen.insert(number, i)
            {
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

    pub fn signer(&mut self, path: JsonPath, signer: &Signer) {
        self.text(
            path.key("name"),
            &signer.name,
            message!("ไม่ได้ใส่ชื่อผู้ลงนาม", "the signer's name is empty"),
        );
        self.date(path.key("date"), &signer.date);
    }
}

impl<'a> Checker<'a> {
    /// A checker for a package of the year of `framework` (absent when the year has none).
    pub fn new(framework: Option<&'a Framework>) -> Self {
        Checker {
            problems: Vec::new(),
            framework,
        }
    }

    /// Every violation reported, in the order found.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
}
