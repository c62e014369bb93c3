//! Where Typst would break inside a word, and what keeps it from doing so.
//!
//! Typst 0.15 takes its break opportunities from ICU4X's line segmenter with the LSTM model
//! for Thai, run over each stretch of Thai letters between other characters. Two characters
//! steer it without a box (a box could not take part in justification):
//!
//! - U+200B ZERO WIDTH SPACE between words ends a stretch and is itself a break opportunity,
//!   so each word is segmented alone;
//! - U+2060 WORD JOINER forbids a break where the model would put one inside a word.
//!
//! Both are written into the text itself, so that a paragraph is still shaped in long runs;
//! both are default-ignorable, so shaping gives them no glyph, and [`crate::text_layer`] takes
//! them out of the laid-out text before the PDF is written, so that searching finds the words.
//! The same ICU4X version and model as Typst's (pinned in Cargo.toml) tells which joiners a
//! word needs; a joiner splits the stretch, so the model is asked again until no break
//! inside the word remains. In a word the dictionary does not know, the model's own breaks
//! are kept as boundaries instead (never before ๆ or ฯ), so such a word still wraps.
//!
//! The shared template lays Thai out under the tag `zh-TH` ([`crate::layout_lang`]), and
//! Typst then does not run the model at all: the boundaries alone decide. The joiners stay
//! for any paragraph that mixes languages (a template's `text(lang: "en")[…]` in it), which
//! Typst breaks with the model again.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::{LineSegmenter, LineSegmenterBorrowed};

use super::names;
use super::tokens::{self, Mark};
use crate::thai::{
    self,
    words::{self, Segmenter, Token},
};

/// A break opportunity between two words: U+200B ZERO WIDTH SPACE.
pub const BOUNDARY: char = '\u{200B}';
/// No break here: U+2060 WORD JOINER.
pub const JOINER: char = '\u{2060}';
/// The marks this module writes into the text, which the PDF's text must not keep.
pub const MARKS: [char; 2] = [BOUNDARY, JOINER];

static LSTM: LazyLock<LineSegmenterBorrowed<'static>> =
    LazyLock::new(|| LineSegmenter::new_lstm(LineBreakOptions::default()));

/// Marks per word, shared by every document of a process (words repeat).
static CACHE: LazyLock<Mutex<HashMap<String, Marks>>> = LazyLock::new(Default::default);

/// A piece of text as Typst should receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text set as given.
    Text(String),
    /// A break opportunity between two Thai words ([`BOUNDARY`]).
    Boundary,
    /// No break here ([`JOINER`]).
    Joiner,
    /// A word that must not break, set in a box (see [`boxed`]).
    Whole(String),
    /// A break opportunity that is no character: an empty box.
    Opening,
}

/// The pieces with no invisible character: each Thai word that needed joiners is a box, each
/// boundary an empty box. For headings, whose plain text becomes the PDF's bookmark; in
/// running text boxes would keep justification from spreading the words.
pub fn boxed(pieces: Vec<Piece>) -> Vec<Piece> {
    let thai_len = |chars: &mut dyn Iterator<Item = char>| -> usize {
        chars
            .take_while(|&c| words::is_thai_letter(c))
            .map(char::len_utf8)
            .sum()
    };
    let mut out: Vec<Piece> = Vec::new();
    let mut joining = false;
    for piece in pieces {
        match piece {
            Piece::Boundary => out.push(Piece::Opening),
            Piece::Joiner => {
                if let Some(Piece::Text(text)) = out.last_mut() {
                    let tail = text.split_off(text.len() - thai_len(&mut text.chars().rev()));
                    if text.is_empty() {
                        out.pop();
                    }
                    out.push(Piece::Whole(tail));
                }
                joining = true;
            }
            Piece::Text(text) => match out.last_mut() {
                Some(Piece::Whole(word)) if joining => {
                    let head = thai_len(&mut text.chars());
                    word.push_str(&text[..head]);
                    if head < text.len() {
                        out.push(Piece::Text(text[head..].to_owned()));
                    }
                }
                _ => out.push(Piece::Text(text)),
            },
            other => out.push(other),
        }
        joining &= !matches!(out.last(), Some(Piece::Text(_)) | Some(Piece::Opening));
    }
    out
}

/// Where a text is set, as wide as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Column {
    /// Running text, a heading, a table cell of an ordinary column.
    #[default]
    Text,
    /// A cell of a column the templates mark narrow (`narrow[…]`): long words may break
    /// between their parts there ([`LONG_IN_CELL`]).
    Narrow,
}

/// The pieces of `text`: Thai runs cut into words with boundaries between them and joiners
/// where Typst would otherwise break a word; spaces that must not end a line made
/// non-breaking (see [`keep_together`]).
pub fn pieces(text: &str, segmenter: &Segmenter, column: Column) -> Vec<Piece> {
    let text = keep_together(text, column == Column::Narrow);
    let quoted = names::quoted(&text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let thai = rest
            .find(|c| !words::is_thai_letter(c))
            .unwrap_or(rest.len());
        if thai > 0 {
            let (run, initial) = before_abbreviation(&rest[..thai], &rest[thai..]);
            if names::after_dotted_title(&text[..at]) {
                out.push(Piece::Joiner);
            }
            let how = Run {
                narrow: column == Column::Narrow,
                dotted: initial.is_empty() && rest[thai..].starts_with('.'),
                whole: names::quoted_whole(&quoted, at..at + run.len(), run)
                    || (names::after_title(&text[..at]) && run.chars().count() <= names::NAME),
            };
            thai_run(run, segmenter, how, &mut out);
            if !initial.is_empty() {
                out.push(Piece::Boundary);
                push_text(&mut out, initial);
            }
            rest = &rest[thai..];
        }
        let other = rest.find(words::is_thai_letter).unwrap_or(rest.len());
        if other > 0 {
            long_tokens(&rest[..other], &mut out);
            rest = &rest[other..];
        }
    }
    out
}

/// How a Thai run is set.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// In a narrow column.
    narrow: bool,
    /// A dot follows it.
    dotted: bool,
    /// A name kept whole (in quotation marks, or after a title).
    whole: bool,
}

/// Known words longer than this, in characters, may break between the shorter words they are
/// made of in a cell of a narrow column (ปลัด|องค์การบริหารส่วนตำบล, ผู้มี|ส่วนได้ส่วนเสีย): such
/// a column (about 3 cm at 14 pt) holds about this many, and a longer word kept whole ran over
/// the next one. Only columns the templates mark narrow: a cell breaks lines at the last
/// place that fits, so in a wide one such a word would break where it fitted whole.
pub const LONG_IN_CELL: usize = 15;

/// A run that ends in the first letter of a dotted abbreviation written against it
/// ("ประจำปีงบประมาณพ" + ".ศ.๒๕๖๘", "ภายในม" + ".ค."): the run before that letter, and
/// the letter. Read with the run, the letter could join a word ("งบ|ประ|มาณพ") and leave the
/// real one broken.
fn before_abbreviation<'a>(run: &'a str, after: &str) -> (&'a str, &'a str) {
    let consonant = |c: char| ('\u{0E01}'..='\u{0E2E}').contains(&c);
    let mut next = after.chars();
    let dotted =
        next.next() == Some('.') && next.next().is_some_and(consonant) && next.next() == Some('.');
    match run.char_indices().last() {
        Some((at, last)) if dotted && at > 0 && consonant(last) => run.split_at(at),
        _ => (run, ""),
    }
}

/// The longest abbreviation kept whole before its dot, in letters ("สสจ.", "อบต.", "สพป.").
const ABBREVIATION: usize = 5;

/// Breaks `run` into words and writes them with their marks: a title joined to the name
/// after it, a long word split into its parts in a narrow column, an abbreviation before its
/// dot whole, a nominalizer joined to its word.
fn thai_run(run: &str, segmenter: &Segmenter, how: Run, out: &mut Vec<Piece>) {
    let mut tokens = if how.whole {
        vec![Token {
            range: 0..run.len(),
            known: true,
        }]
    } else {
        segmenter.segment(run)
    };
    names::join_titles(run, &mut tokens);
    names::join_project_names(run, &mut tokens);
    if how.narrow {
        let mut split = Vec::with_capacity(tokens.len());
        for token in tokens {
            split_long(run, token, segmenter, &mut split);
        }
        tokens = split;
    }
    if how.dotted {
        abbreviation_whole(run, &mut tokens);
    }
    join_nominalizers(run, &mut tokens);
    for (k, token) in tokens.into_iter().enumerate() {
        if k > 0 {
            out.push(Piece::Boundary);
        }
        let word = &run[token.range];
        let marks = marks(word, token.known);
        let mut inside: Vec<(usize, Piece)> =
            marks.joins.iter().map(|&at| (at, Piece::Joiner)).collect();
        inside.extend(marks.breaks.iter().map(|&at| (at, Piece::Boundary)));
        inside.sort_by_key(|(at, _)| *at);
        let mut last = 0;
        for (at, piece) in inside {
            push_text(out, &word[last..at]);
            out.push(piece);
            last = at;
        }
        push_text(out, &word[last..]);
    }
}

/// The words that make a noun of the word after them ("การ|ปฏิบัติ", "ความ|โปร่งใส", the
/// doer's "ผู้|แจ้ง"). A line that ends between them reads as a word cut in two, so they are
/// kept with that word.
const NOMINALIZERS: [&str; 3] = ["การ", "ความ", "ผู้"];

/// Each nominalizer joined to the known word after it, as one token.
fn join_nominalizers(run: &str, tokens: &mut Vec<Token>) {
    let mut k = 0;
    while k + 1 < tokens.len() {
        if NOMINALIZERS.contains(&&run[tokens[k].range.clone()]) && tokens[k + 1].known {
            let next = tokens.remove(k + 1);
            tokens[k] = Token {
                range: tokens[k].range.start..next.range.end,
                known: true,
            };
        }
        k += 1;
    }
}

/// The end of a run followed by a dot, kept whole as one abbreviation ("สสจ.", "อบต."): the
/// last words that no dictionary knows or that are written in consonants alone, up to
/// [`ABBREVIATION`] letters. Read as words, "สสจ.ร้อยเอ็ด" would break as "สส | จ.".
fn abbreviation_whole(run: &str, tokens: &mut Vec<Token>) {
    let consonants = |w: &str| w.chars().all(|c| ('\u{0E01}'..='\u{0E2E}').contains(&c));
    let mut first = tokens.len();
    let mut letters = 0;
    while let Some(token) = first.checked_sub(1).map(|k| &tokens[k]) {
        let word = &run[token.range.clone()];
        letters += word.chars().count();
        if letters > ABBREVIATION || (token.known && !consonants(word)) {
            break;
        }
        first -= 1;
    }
    if first < tokens.len() {
        let range = tokens[first].range.start..run.len();
        tokens.truncate(first);
        tokens.push(Token { range, known: true });
    }
}

/// `token`, or the parts it is made of when it is a known word too long for a narrow column,
/// each part split again while still too long.
fn split_long(run: &str, token: Token, segmenter: &Segmenter, out: &mut Vec<Token>) {
    let word = &run[token.range.clone()];
    let long = token.known && word.chars().count() > LONG_IN_CELL;
    match long.then(|| segmenter.parts(word)).flatten() {
        Some(parts) => {
            for part in parts {
                let range =
                    token.range.start + part.range.start..token.range.start + part.range.end;
                split_long(run, Token { range, known: true }, segmenter, out);
            }
        }
        None => out.push(token),
    }
}

/// Non-Thai text, with the places to break inside its long tokens and web addresses that
/// [`tokens::marks`] finds.
fn long_tokens(text: &str, out: &mut Vec<Piece>) {
    let mut last = 0;
    for (start, token) in spaced_tokens(text) {
        let Some(marks) = tokens::marks(token) else {
            continue;
        };
        for (at, mark) in marks {
            push_text(out, &text[last..start + at]);
            out.push(match mark {
                Mark::Break => Piece::Boundary,
                Mark::Join => Piece::Joiner,
            });
            last = start + at;
        }
    }
    push_text(out, &text[last..]);
}

/// The tokens of `text` between white space, with their byte offsets.
fn spaced_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(char::is_whitespace)
        .filter(|t| !t.is_empty())
        .map(move |t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
}

fn push_text(out: &mut Vec<Piece>, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Piece::Text(last)) => last.push_str(text),
        _ => out.push(Piece::Text(text.to_owned())),
    }
}

/// Where Typst must not break inside `word` (joiners) and where it may (boundaries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Byte offsets that need a joiner: every place the model would break inside a known
    /// word, and before ๆ or ฯ in an unknown one.
    pub joins: Vec<usize>,
    /// Byte offsets inside an unknown word where the model breaks: marked as boundaries, so
    /// that the word breaks there however Typst segments (under the layout tag `zh-TH` it
    /// would not break it at all, and a long unknown word could not wrap).
    pub breaks: Vec<usize>,
}

/// The marks of `word`: a known word is kept whole; an unknown one breaks where the model
/// does, never before ๆ or ฯ.
pub fn marks(word: &str, known: bool) -> Marks {
    let key = format!("{}{word}", if known { 'k' } else { 'u' });
    if let Some(found) = CACHE.lock().map(|c| c.get(&key).cloned()).ok().flatten() {
        return found;
    }
    let mut joins: Vec<usize> = Vec::new();
    loop {
        let new: Vec<usize> = model_breaks(word, &joins)
            .into_iter()
            .filter(|&at| known || word[at..].starts_with(['ๆ', 'ฯ']))
            .filter(|at| !joins.contains(at))
            .collect();
        // Each round adds offsets, of which a word has finitely many: this ends.
        if new.is_empty() {
            break;
        }
        joins.extend(new);
        joins.sort_unstable();
    }
    let breaks = if known {
        Vec::new()
    } else {
        model_breaks(word, &joins)
    };
    let marks = Marks { joins, breaks };
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(key, marks.clone());
    }
    marks
}

/// The model's breaks strictly inside `word` with joiners at `joins`, as offsets in `word`.
fn model_breaks(word: &str, joins: &[usize]) -> Vec<usize> {
    let mut text = String::with_capacity(word.len() + 3 * joins.len());
    let mut map = Vec::new(); // offset in `text` → offset in `word`, at char starts
    let mut next = joins.iter().peekable();
    for (at, c) in word.char_indices() {
        if next.next_if(|&&j| j == at).is_some() {
            text.push(JOINER);
        }
        map.push((text.len(), at));
        text.push(c);
    }
    LSTM.segment_str(&text)
        .filter_map(|p| map.iter().find(|&&(t, _)| t == p).map(|&(_, w)| w))
        .filter(|&at| at > 0 && at < word.len())
        .collect()
}

/// Words after a number that belong with it ("๘๕ คะแนน", "๑๔ กันยายน"): units, classifiers
/// and month names.
const UNITS: &[&str] = &[
    "คะแนน",
    "ข้อ",
    "แห่ง",
    "คน",
    "ราย",
    "ครั้ง",
    "วัน",
    "เดือน",
    "ปี",
    "บาท",
    "ล้าน",
    "หน่วยงาน",
    "เรื่อง",
    "ฉบับ",
    "หน้า",
    "ชั่วโมง",
    "นาที",
    "น.",
    "โครงการ",
    "กิจกรรม",
    "ตัวชี้วัด",
    "ระดับ",
    "รายการ",
];

/// Labels a number belongs to ("พ.ศ. ๒๕๖๖", "ข้อ ๓", "มาตรา ๙", "ร้อยละ ๘๕"); so does any
/// word ending in the ordinal ที่ ("วันที่ ๑๔", "ตัวชี้วัดที่ ๑") and an abbreviated month
/// ("ก.ย. ๖๖"; see [`space_glues`] for one written in full).
const LABELS: &[&str] = &[
    "พ.ศ.",
    "ค.ศ.",
    "ปี",
    "ข้อ",
    "มาตรา",
    "ร้อยละ",
    "หมู่",
    "เลข",
    "ฉบับ",
    "ชั้น",
    "ห้อง",
    "ครั้ง",
    "รอบ",
    "ระยะ",
    "ไตรมาส",
    "ภาพ",
    "ตาราง",
    "ส่วน",
];

/// The words of a list and the month names, long and abbreviated.
fn with_months(list: &'static [&'static str]) -> impl Iterator<Item = &'static str> {
    list.iter()
        .chain(thai::MONTHS_LONG.iter())
        .chain(thai::MONTHS_SHORT.iter())
        .copied()
}

/// Makes non-breaking the spaces that Thai practice never ends a line at (`narrow`: see
/// [`space_glues`]): between a label and its number ("วันที่ ๑๔", "พ.ศ. ๒๕๖๖", "ข้อ ๓"),
/// between a number and its unit or month ("๘๕ คะแนน", "๑๔ กันยายน"), between the digit
/// groups of one number ("๐ ๔๓๕๑ ๑๓๕๓"), and before ๆ and ฯ.
pub fn keep_together(text: &str, narrow: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let glue = c == ' ' && space_glues(&text[..at], &text[at + 1..], narrow);
        out.push(if glue { '\u{00A0}' } else { c });
    }
    out
}

/// Whether a space between `before` and `after` must not end a line. The year may go to the
/// next line after a month written in full: "วันที่ ๑๕ ธันวาคม ๒๕๖๘" held whole is wider than
/// the slack of a justified line, whose spaces then open wide. In a `narrow` column (a table
/// cell of about 3 cm) it may also after an abbreviated month, and a day with its month may
/// leave its label ("ภายในวันที่ | ๓๑ พฤษภาคม"). A title never parts from the name after it
/// ("นาง อุบลรัตน์", "ดร. สมชาย").
pub fn space_glues(before: &str, after: &str, narrow: bool) -> bool {
    let (Some(last), Some(next)) = (before.chars().last(), after.chars().next()) else {
        return false;
    };
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let titled = names::ends_in_title(before);
    let months: &[&str] = if narrow { &[] } else { &thai::MONTHS_SHORT };
    let labelled = word.ends_with("ที่") || LABELS.iter().chain(months).any(|l| word.ends_with(l));
    (is_digit(next) && labelled && !(narrow && starts_day_and_month(after)))
        || (titled && words::is_thai_letter(next))
        || (is_digit(last) && (is_digit(next) || with_months(UNITS).any(|u| unit_starts(after, u))))
        || matches!(next, 'ๆ' | 'ฯ')
}

/// Whether `text` starts with a day and its month ("๓๑ พฤษภาคม", "๓๑ พ.ค.").
fn starts_day_and_month(text: &str) -> bool {
    let rest = text.trim_start_matches(is_digit);
    rest.strip_prefix([' ', '\u{00A0}']).is_some_and(|rest| {
        thai::MONTHS_LONG
            .iter()
            .chain(&thai::MONTHS_SHORT)
            .any(|m| unit_starts(rest, m))
    })
}

/// Whether `next` opens with `unit` as a word of its own: followed by no Thai letter, or
/// ending the first word the dictionary reads there ("๖ เดือน|และ", not "๒ ปี|งบประมาณ").
fn unit_starts(next: &str, unit: &str) -> bool {
    let Some(rest) = next.strip_prefix(unit) else {
        return false;
    };
    if !rest.starts_with(words::is_thai_letter) {
        return true;
    }
    static STANDARD: LazyLock<Segmenter<'static>> =
        LazyLock::new(|| Segmenter::new(vec![words::standard()]));
    let run = &next[..next
        .find(|c| !words::is_thai_letter(c))
        .unwrap_or(next.len())];
    STANDARD
        .segment(run)
        .first()
        .is_some_and(|word| word.known && word.range == (0..unit.len()))
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '๐'..='๙')
}
