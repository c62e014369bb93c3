//! Digits in what the clerk types follow the document: in a package whose numerals are Thai,
//! "คะแนน 87.74" prints as "คะแนน ๘๗.๗๔" and "ตุลาคม 2568" as "ตุลาคม ๒๕๖๘", as an official
//! writes them by hand; the program's own numbers already do.
//!
//! Some words are written in ASCII digits whatever the document, and a Thai official would
//! not retype them: an address a reader types into a browser or a mail program, a file's
//! name, and a code of Latin letters and digits (an indicator "O12", "ITA-2568", "ISO9001",
//! a version "v1.2"). The text is cut into words at white space, and a word is kept as typed
//! when it
//! - holds "://" or starts with "www." (a web address),
//! - holds "@" with a letter or digit on both sides (an e-mail address),
//! - ends in a file extension (".pdf", ".xlsx": a full stop, then one to five ASCII letters
//!   or digits with at least one letter, after other characters);
//!
//! and within other words a code is kept: a run of ASCII letters, digits and `- _ . /`
//! holding both a letter and a digit. Every other ASCII digit becomes its Thai digit, Thai words and dates included ("มท 0808.2"
//! → "มท ๐๘๐๘.๒"). `check` reads numbers in either form (`consistency::reading`), so a score
//! quoted in a paragraph is checked the same before and after.

use crate::model::Numerals;
use crate::thai;

/// `text` with the digits of its ordinary words in the document's `numerals`.
pub fn follow(text: &str, numerals: Numerals) -> String {
    if numerals == Numerals::Arabic || !text.bytes().any(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while !rest.is_empty() {
        // A run of white space, then a word, each copied in turn.
        let space = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..space]);
        rest = &rest[space..];
        let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (w, tail) = rest.split_at(word);
        if address(w) {
            out.push_str(w);
        } else {
            word_digits(w, &mut out);
        }
        rest = tail;
    }
    out
}

/// A word that is an address or a file name, kept whole.
fn address(word: &str) -> bool {
    if !word.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    let url = lower.contains("://") || lower.trim_start_matches('(').starts_with("www.");
    url || email(word) || file_name(word)
}

/// The digits of a word in Thai, but for those of a code: a run of ASCII letters, digits
/// and the joiners `- _ . /` holding both a letter and a digit ("O12", "ITA-2568"), so
/// that "ปี2568(ITA)" still gives "ปี๒๕๖๘(ITA)".
fn word_digits(word: &str, out: &mut String) {
    let joined = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    let mut rest = word;
    while let Some(start) = rest.find(joined) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run.find(|c: char| !joined(c)).unwrap_or(run.len());
        let (run, tail) = run.split_at(end);
        if code(run) {
            out.push_str(run);
        } else {
            out.push_str(&thai::digits(run, Numerals::Thai));
        }
        rest = tail;
    }
    out.push_str(rest);
}

fn email(word: &str) -> bool {
    word.split_once('@').is_some_and(|(user, host)| {
        user.chars().last().is_some_and(char::is_alphanumeric)
            && host.chars().next().is_some_and(char::is_alphanumeric)
    })
}

fn file_name(word: &str) -> bool {
    // Closing marks after a name ("(รายงาน.pdf)", "ไฟล์ a.xlsx,") are not its extension.
    let word = word.trim_end_matches(|c: char| ")]}\"'”’,;:".contains(c));
    word.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && ext.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

fn code(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_alphabetic()) && word.bytes().any(|b| b.is_ascii_digit())
}
