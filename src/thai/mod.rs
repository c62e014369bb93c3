//! Thai formatting: digits, Buddhist-era dates and scores, as pure functions.
//!
//! Official documents write numbers in Thai digits (๐–๙) and dates in the Buddhist era
//! ("๒๗ กันยายน ๒๕๖๖"); some agencies use Arabic digits, so every function here honours a
//! [`Numerals`] choice. Typst's own date display knows neither, so dates are formatted here.

use crate::model::{Numerals, Score};

pub mod words;

/// Difference between the Buddhist and the Common era.
pub const BE_OFFSET: i32 = 543;

/// Month names, January first.
pub const MONTHS_LONG: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Abbreviated month names ("ก.ย."), January first.
pub const MONTHS_SHORT: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Replaces the Arabic digits of `text` by Thai digits; other characters are kept.
pub fn thai_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('๐' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Replaces the Thai digits of `text` by Arabic digits, to read numbers typed either way.
pub fn arabic_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '๐'..='๙' => char::from_u32('0' as u32 + (c as u32 - '๐' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Writes the digits of `text` in the chosen style.
pub fn digits(text: &str, numerals: Numerals) -> String {
    match numerals {
        Numerals::Thai => thai_digits(text),
        Numerals::Arabic => text.to_owned(),
    }
}

/// A score with two decimals ("93.14", "100.00", "๘๑.๕๐").
pub fn score(value: Score, numerals: Numerals) -> String {
    hundredths(value.hundredths(), numerals)
}

/// A target or threshold as the data gives it: whole numbers without decimals ("85"),
/// others with two ("85.50").
pub fn target(value: Score, numerals: Numerals) -> String {
    let h = value.hundredths();
    if h % 100 == 0 {
        digits(&(h / 100).to_string(), numerals)
    } else {
        hundredths(h, numerals)
    }
}

/// A value in hundredths written with two decimals and a sign only when negative.
pub fn hundredths(value: i64, numerals: Numerals) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    digits(&format!("{sign}{}.{:02}", abs / 100, abs % 100), numerals)
}

/// Two pieces of text joined as Thai official text spaces them: no space between Thai words,
/// a space between Thai and a Latin word or a number ("อยู่ในระดับผ่าน", "อยู่ในระดับ B").
pub fn spaced(before: &str, after: &str) -> String {
    let is_thai = words::is_thai_letter;
    match (before.chars().last(), after.chars().next()) {
        (Some(a), Some(b))
            if is_thai(a) != is_thai(b) && !a.is_whitespace() && !b.is_whitespace() =>
        {
            format!("{before} {after}")
        }
        _ => format!("{before}{after}"),
    }
}

/// Why a text is not a date, in English (`Display`) and in Thai ([`DateError::thai`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    text: String,
    kind: DateErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DateErrorKind {
    NotADate,
    NoMonth(u8),
    NoDay { month: u8, days: u8 },
}

impl DateError {
    /// The message in Thai.
    pub fn thai(&self) -> String {
        let (text, expected) = (
            &self.text,
            "ต้องเขียนวันที่เป็น ปปปป-ดด-วว เช่น 2566-09-27 (พ.ศ.) หรือ 2023-09-27 (ค.ศ.)",
        );
        match self.kind {
            DateErrorKind::NotADate => format!("`{text}` ไม่ใช่วันที่: {expected}"),
            DateErrorKind::NoMonth(m) => format!("`{text}` ไม่มีเดือน {m}: {expected}"),
            DateErrorKind::NoDay { month, days } => {
                format!("`{text}` ไม่มีวันนี้ในปฏิทิน: เดือน {month} ของปีนั้นมี {days} วัน")
            }
        }
    }
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (text, expected) = (
            &self.text,
            "expected a date as YYYY-MM-DD, e.g. 2566-09-27 (BE) or 2023-09-27 (CE)",
        );
        match self.kind {
            DateErrorKind::NotADate => write!(f, "`{text}` is not a date: {expected}"),
            DateErrorKind::NoMonth(m) => write!(f, "`{text}` has no month {m}: {expected}"),
            DateErrorKind::NoDay { month, days } => {
                write!(
                    f,
                    "`{text}` is not a day of the calendar: month {month} has {days} days that year"
                )
            }
        }
    }
}

/// A calendar date, kept with its Common-era year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Common-era year.
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, in Arabic or Thai digits. A year of 2400 or more is read as
    /// Buddhist era (2567-06-26), a smaller one as Common era (2024-06-26). Rejects impossible
    /// dates (2566-02-30).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let error = |kind| DateError {
            text: text.to_owned(),
            kind,
        };
        // A date typed in Thai digits (๒๕๖๗-๐๖-๒๖) is the same date.
        let ascii = arabic_digits(text);
        let parts: Vec<&str> = ascii.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(error(DateErrorKind::NotADate));
        };
        let well_formed = y.len() == 4
            && m.len() == 2
            && d.len() == 2
            && [y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(error(DateErrorKind::NotADate));
        }
        let (y, m, d): (i32, u8, u8) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
        let year = if y >= 2400 { y - BE_OFFSET } else { y };
        if !(1..=12).contains(&m) {
            return Err(error(DateErrorKind::NoMonth(m)));
        }
        if d == 0 || d > days_in_month(year, m) {
            return Err(error(DateErrorKind::NoDay {
                month: m,
                days: days_in_month(year, m),
            }));
        }
        Ok(Date {
            year,
            month: m,
            day: d,
        })
    }

    /// Buddhist-era year.
    pub fn year_be(self) -> i32 {
        self.year + BE_OFFSET
    }

    /// Long form: "๒๗ กันยายน ๒๕๖๖".
    pub fn long(self, numerals: Numerals) -> String {
        let month = MONTHS_LONG[usize::from(self.month - 1)];
        digits(
            &format!("{} {month} {}", self.day, self.year_be()),
            numerals,
        )
    }

    /// Short form: "๒๘ ก.ย. ๒๕๖๖".
    pub fn short(self, numerals: Numerals) -> String {
        let month = MONTHS_SHORT[usize::from(self.month - 1)];
        digits(
            &format!("{} {month} {}", self.day, self.year_be()),
            numerals,
        )
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}
