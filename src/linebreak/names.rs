//! Names kept whole at line ends: a title with the name after it, and a name in quotation
//! marks (a project's, an award's) that fits a line.

use std::ops::Range;
use std::sync::LazyLock;

use crate::thai::words::{Token, is_thai_letter};

/// The titles a person's name may follow (`src/thai/titles.txt`), longest first.
static TITLES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut titles: Vec<&str> = include_str!("../thai/titles.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    titles.sort_by_key(|t| std::cmp::Reverse(t.len()));
    titles
});

/// The longest first name, in characters, read whole with its title when the run goes on
/// without a space after it; a longer rest of the run keeps only its first word with the
/// title ("นาย|กิตติ" + "เป็นผู้ประสานงาน").
pub const NAME: usize = 15;

/// The longest quoted Thai run, in characters, kept whole ("จิตพอเพียงต้านทุจริต", 20): about a
/// third of a line of body text. A longer one breaks between its words like other text.
pub const QUOTED: usize = 20;

/// Whether `word` (a word before a space, or the text before a Thai run) is a title or a
/// chain of abbreviated titles ("นาย", "(นางสาว", "ผศ.ดร.", "ว่าที่ร.ต."), or ends in titles
/// after a word written against them ("โดยนาย", "โดยผศ.ดร.").
pub fn is_title(word: &str) -> bool {
    let mut rest = word.trim_start_matches(['(', '"', '“', '‘', '[']);
    if rest.is_empty() {
        return false;
    }
    // A title in letters after other Thai words written against it ("โดยนาย").
    if TITLES
        .iter()
        .any(|t| t.chars().count() >= 3 && t.chars().all(is_thai_letter) && rest.ends_with(*t))
    {
        return true;
    }
    // Abbreviated titles after a word written against them ("โดยผศ.ดร."); what is left must
    // end in a letter, so that "พ.ศ." is no title "ศ.".
    let mut front = rest;
    while let Some(t) = TITLES
        .iter()
        .find(|t| t.ends_with('.') && front.len() > t.len() && front.ends_with(**t))
    {
        front = &front[..front.len() - t.len()];
    }
    if front.len() < rest.len() && front.ends_with(is_thai_letter) {
        return true;
    }
    while !rest.is_empty() {
        let Some(title) = TITLES.iter().find(|t| rest.starts_with(**t)) else {
            return false;
        };
        // Only abbreviations chain without a space ("ผศ.ดร."); a title in letters is whole.
        if !rest[title.len()..].is_empty() && !title.ends_with('.') {
            return false;
        }
        rest = &rest[title.len()..];
    }
    true
}

/// Whether a Thai run that starts after `before` opens the name of an abbreviated title
/// written against it ("ดร." + "สมชาย"): no line may end at the dot.
pub fn after_dotted_title(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    word.ends_with('.') && is_title(word)
}

/// Whether a Thai run that starts after `before` is the name after a title: after a space
/// that follows a title ("นาย สมชาย", "ดร. สมชาย") or against an abbreviated one
/// ("ดร.สมชาย"). Such a run of at most [`NAME`] letters is kept whole (สม|ชาย are two words of
/// the dictionary, and a reader takes a break there for a name cut in two).
pub fn after_title(before: &str) -> bool {
    let trimmed = before.trim_end_matches([' ', '\u{a0}']);
    if trimmed.len() == before.len() && !before.ends_with('.') {
        return false;
    }
    ends_in_title(trimmed)
}

/// Whether the last word of `text` is a title, or "หญิง" after one written apart
/// ("พันตำรวจโท หญิง", "ว่าที่ร้อยตรี หญิง": the title is one word, often typed as two).
pub fn ends_in_title(text: &str) -> bool {
    let mut words = text
        .rsplit(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty());
    match words.next() {
        Some("หญิง") => words.next().is_some_and(is_title),
        Some(word) => is_title(word),
        None => false,
    }
}

/// The words that open the name of a project or an activity written against it
/// ("โครงการ" + "จิตพอเพียงต้านทุจริต").
const PROJECTS: [&str; 2] = ["โครงการ", "กิจกรรม"];

/// The name after the last word of `run` ending in one of `PROJECTS` ("จัดกิจกรรม" is one
/// word of the dictionary), as one token, when it runs to the end of the run (the next space)
/// in at most [`QUOTED`] letters: a line may end after "โครงการ" but not inside "จิต|พอเพียง"
/// or "โรงเรียน|สุจริต". A longer one breaks between its words.
pub fn join_project_names(run: &str, tokens: &mut Vec<Token>) {
    let Some(k) = tokens
        .iter()
        .rposition(|t| PROJECTS.iter().any(|p| run[t.range.clone()].ends_with(p)))
    else {
        return;
    };
    let start = tokens[k].range.end;
    let letters = run[start..].chars().count();
    if !(2..=QUOTED).contains(&letters) || k + 2 >= tokens.len() {
        return;
    }
    tokens.truncate(k + 1);
    tokens.push(Token {
        range: start..run.len(),
        known: true,
    });
}

/// Each title in letters that is a word of `run` joined to the name after it, as one token:
/// the rest of the run when it is at most [`NAME`] letters (the first name runs to the space),
/// else the next word.
pub fn join_titles(run: &str, tokens: &mut Vec<Token>) {
    let mut k = 0;
    while k + 1 < tokens.len() {
        let start = tokens[k].range.start;
        let title_end = TITLES
            .iter()
            .filter(|t| t.chars().all(is_thai_letter) && run[start..].starts_with(**t))
            .map(|t| start + t.len())
            .find(|end| tokens[k..].iter().any(|t| t.range.end == *end));
        let Some(title_end) = title_end else {
            k += 1;
            continue;
        };
        let last_of_title = k + tokens[k..]
            .iter()
            .position(|t| t.range.end == title_end)
            .unwrap_or(0);
        let Some(next) = tokens.get(last_of_title + 1) else {
            break; // the title ends the run: the space after it is kept (keep_together)
        };
        let end = if run[title_end..].chars().count() <= NAME {
            run.len()
        } else {
            next.range.end
        };
        let joined = tokens.iter().filter(|t| t.range.start < end).count();
        tokens.splice(
            k..joined,
            [Token {
                range: start..end,
                known: true,
            }],
        );
        k += 1;
    }
}

/// The byte ranges of `text` inside quotation marks (“…”, ‘…’, «…», "…").
pub fn quoted(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (c, open) {
            ('“' | '‘' | '«', _) | ('"', None) => open = Some(at + c.len_utf8()),
            ('”' | '’' | '»' | '"', Some(start)) => {
                out.push(start..at);
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether the Thai run at `range` of a text is a quoted name kept whole: inside one of
/// `quoted` and at most [`QUOTED`] letters.
pub fn quoted_whole(quoted: &[Range<usize>], range: Range<usize>, run: &str) -> bool {
    run.chars().count() <= QUOTED
        && quoted
            .iter()
            .any(|q| q.start <= range.start && range.end <= q.end)
}
