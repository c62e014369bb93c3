//! Text that cannot be set as given, found before it is set: characters no loaded font has
//! (they would print as empty boxes) and runs too long for any line (they are broken at
//! arbitrary points). Each is a warning with the JSON path of the text.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Message};
use crate::linebreak::tokens;
use crate::load::{self, JsonPath, Loaded};
use crate::message;
use crate::thai::words::{Segmenter, is_thai_letter, standard};
use crate::world::Fonts;

/// A run without a space longer than this cannot fit a line of the body text (16 cm at the
/// body size holds about 60 Latin letters).
pub const LINE: usize = 60;

/// The warnings for every text of a package.
pub fn warnings(loaded: &Loaded, fonts: &Fonts) -> Vec<Diagnostic> {
    let Ok(value) = serde_json::to_value(&loaded.package) else {
        return Vec::new();
    };
    let texts = crate::strict::strings(&value);
    let mut covered: BTreeMap<char, bool> = BTreeMap::new();
    let mut out = Vec::new();
    for (path, text) in texts {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|&c| !c.is_whitespace() && !c.is_control() && !is_default_ignorable(c))
            .filter(|&c| !*covered.entry(c).or_insert_with(|| fonts.covers(c)))
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            let shown: Vec<String> = missing
                .iter()
                .take(5)
                .map(|&c| format!("{c} (U+{:04X})", c as u32))
                .collect();
            let shown = shown.join(", ");
            out.push(located(
                loaded,
                &path,
                message!(
                    "ไม่มีฟอนต์ใดมีอักขระ {shown}: จะพิมพ์ออกมาเป็นกล่องว่าง",
                    "no font has {shown}: it prints as an empty box"
                ),
                message!(
                    "เพิ่มฟอนต์ที่มีอักขระนี้ด้วย --font-dir หรือเขียนข้อความโดยไม่ใช้อักขระนี้",
                    "add a font that has it with --font-dir, or write the text without it"
                ),
            ));
        }
        if let Some(len) = longest_run(text) {
            out.push(located(
                loaded,
                &path,
                message!(
                    "ข้อความยาว {len} ตัวอักษรโดยไม่มีช่องว่างหรือรอยต่อคำ ยาวเกินหนึ่งบรรทัด จะถูกตัดขึ้นบรรทัดใหม่ตรงจุดใดก็ได้",
                    "a run of {len} characters with no space or word boundary does not fit a line: it is broken at arbitrary points"
                ),
                message!("เว้นวรรคในจุดที่ขึ้นบรรทัดใหม่ได้", "put spaces where the text may wrap"),
            ));
        }
    }
    out
}

/// Whether the shaper hides `c` when no font has it, rather than printing a box: the
/// default-ignorable code points as HarfBuzz (and rustybuzz, which Typst shapes with) lists
/// them: soft hyphen, zero-width space and joiners, word joiner, byte-order mark, variation
/// selectors, bidirectional marks, tag characters.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The length of the longest run a line may not end inside, when over [`LINE`]: non-Thai
/// text between white space and the separators after which the line breaker lets an
/// address or a file name end a line ([`tokens::SEPARATORS`]: a long address breaks after
/// its slashes, so it is not one run), or Thai letters no word boundary cuts.
fn longest_run(text: &str) -> Option<usize> {
    let other = text
        .split(|c: char| c.is_whitespace() || is_thai_letter(c) || tokens::SEPARATORS.contains(&c))
        .map(|t| t.chars().count())
        .max();
    // Thai is written without spaces: a run of Thai letters breaks between its words, so only
    // the long ones are looked into (cheap for the usual text).
    let thai = text
        .split(|c: char| !is_thai_letter(c))
        .filter(|run| run.chars().count() > LINE)
        .map(thai_unbroken)
        .max();
    other.max(thai).filter(|&n| n > LINE)
}

/// The longest stretch of a Thai run without a word boundary a reader would take: letters
/// no dictionary word covers, or one word repeated (กกกก… is words of กก, and no text).
fn thai_unbroken(run: &str) -> usize {
    let segmenter = Segmenter::new(vec![standard()]);
    let (mut longest, mut current) = (0, 0);
    let mut previous: Option<&str> = None;
    for token in segmenter.segment(run) {
        let word = &run[token.range];
        let n = word.chars().count();
        current = if previous == Some(word) {
            current + n
        } else {
            n
        };
        longest = longest.max(current);
        previous = Some(word);
    }
    longest
}

fn located(loaded: &Loaded, path: &JsonPath, message: Message, note: Message) -> Diagnostic {
    let range = load::locate(&loaded.source.text, &path.0, false).unwrap_or(0..0);
    Diagnostic::warning(message)
        .at(loaded.source.clone(), range)
        .with_json_path(path.to_string())
        .with_note(note)
}
