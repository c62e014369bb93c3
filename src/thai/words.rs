//! Thai word boundaries by dictionary: maximal matching over a word list.
//!
//! Thai is written without spaces between words, so a line may only end where a word ends.
//! Typst finds break opportunities in Thai with ICU4X's LSTM model, which splits words and
//! names (ภาย|นอก, ร้อย|เอ็ด); ICU4X's own Thai dictionary splits compounds that officials
//! read as one word (ร้อย|ละ, ภาย|ใต้, เกี่ยว|กับ). Measured on the seeds' text, a maximal
//! matching over PyThaiNLP's word list (CC0, 61k words, see `words_th.txt`) with the fixed
//! official expressions of `expressions.txt` and the names a package holds breaks only
//! between words, so that is what the documents use.
//!
//! The algorithm is the common one for Thai (as in PyThaiNLP's `newmm`): cuts are allowed
//! only between Thai character clusters; among the ways to cover a run with dictionary words
//! and unknown clusters, take the one with the fewest unknown clusters, then the fewest
//! words. Consecutive unknown clusters form one unknown token, inside which the caller may
//! fall back to another breaker.

use std::ops::Range;
use std::sync::OnceLock;

/// One word of a Thai run: its byte range and whether a dictionary or name list knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub known: bool,
}

/// A sorted word list searched by prefix.
#[derive(Debug, Default, Clone)]
pub struct WordList {
    words: Vec<String>,
}

impl WordList {
    /// Words from text, one a line; blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> WordList {
        WordList::from_words(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')))
    }

    /// The Thai-letter words of `words` (others could never match inside a Thai run).
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> WordList {
        let mut words: Vec<String> =
            words.into_iter().filter(|w| !w.is_empty() && w.chars().all(is_thai_letter)).map(str::to_owned).collect();
        words.sort_unstable();
        words.dedup();
        WordList { words }
    }

    /// The words, sorted.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the list holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Calls `found(end)` for every word of the list that `text` starts with.
    fn prefixes_of(&self, text: &str, mut found: impl FnMut(usize)) {
        let (mut lo, mut hi) = (0, self.words.len());
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let prefix = &text[..end];
            // Words sharing `prefix` form a contiguous range of the sorted list.
            let slice = &self.words[lo..hi];
            let start = slice.partition_point(|w| w.as_str() < prefix);
            let stop = slice.partition_point(|w| w.as_bytes().starts_with(prefix.as_bytes()) || w.as_str() < prefix);
            if start == stop {
                return;
            }
            if slice[start] == prefix {
                found(end);
            }
            (lo, hi) = (lo + start, lo + stop);
        }
    }
}

/// The standard word list (PyThaiNLP) with the fixed official expressions.
pub fn standard() -> &'static WordList {
    static LIST: OnceLock<WordList> = OnceLock::new();
    LIST.get_or_init(|| {
        let words = include_str!("words_th.txt").lines().chain(include_str!("expressions.txt").lines());
        WordList::parse(&words.collect::<Vec<_>>().join("\n"))
    })
}

/// A segmenter: the standard list plus the names of one package.
#[derive(Debug, Clone)]
pub struct Segmenter<'a> {
    lists: Vec<&'a WordList>,
}

impl<'a> Segmenter<'a> {
    /// Words from every list are known; a name list adds the proper names of a package.
    pub fn new(lists: Vec<&'a WordList>) -> Self {
        Segmenter { lists }
    }

    /// The words of a run of Thai letters, in order, covering it exactly.
    pub fn segment(&self, run: &str) -> Vec<Token> {
        let cuts = cut_points(run);
        // best[i]: (unknown clusters, words, next cut, known) for the rest of the run from i.
        let mut best: Vec<Option<(usize, usize, usize, bool)>> = vec![None; run.len() + 1];
        best[run.len()] = Some((0, 0, run.len(), true));
        for &i in cuts.iter().rev().skip(1) {
            let mut choice: Option<(usize, usize, usize, bool)> = None;
            // Words are offered shortest first; among equal covers the longest first word wins
            // (เทศบาลเมือง|ร้อยเอ็ด over เทศบาล|เมืองร้อยเอ็ด), an unknown cluster only when better.
            let mut consider = |j: usize, known: bool| {
                let Some((unknown, words, _, _)) = best[j] else { return };
                let cost = (unknown + usize::from(!known), words + 1, j, known);
                let better = choice.is_none_or(|c| {
                    if known { (cost.0, cost.1) <= (c.0, c.1) } else { (cost.0, cost.1) < (c.0, c.1) }
                });
                if better {
                    choice = Some(cost);
                }
            };
            for list in &self.lists {
                list.prefixes_of(&run[i..], |len| {
                    // A repetition or abbreviation sign belongs to the word before it.
                    let end = i + len + run[i + len..].chars().next().filter(|c| matches!(c, 'ๆ' | 'ฯ')).map_or(0, char::len_utf8);
                    if cuts.binary_search(&end).is_ok() {
                        consider(end, true);
                    }
                });
            }
            let next = cuts[cuts.partition_point(|&c| c <= i)];
            consider(next, false);
            best[i] = choice;
        }
        let mut tokens: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < run.len() {
            let (_, _, next, known) = best[i].expect("every cut reaches the end");
            match tokens.last_mut() {
                Some(last) if !known && !last.known => last.range.end = next,
                _ => tokens.push(Token { range: i..next, known }),
            }
            i = next;
        }
        tokens
    }
}

/// Whether `c` is a Thai letter, vowel, tone mark or repetition sign (not a Thai digit).
pub fn is_thai_letter(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E4E}') && c != '\u{0E3F}'
}

/// Marks written above or below a consonant: never the first letter of a cluster.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Byte offsets where a Thai run may be cut: its start, its end, and every boundary of Thai
/// character clusters (not before a mark or a following vowel, not after a leading vowel,
/// not before ๆ or ฯ, not before a consonant silenced by ์).
pub fn cut_points(run: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let mut cuts = vec![0];
    for k in 1..chars.len() {
        let (at, c) = chars[k];
        let prev = chars[k - 1].1;
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let after_next = chars.get(k + 2).map(|&(_, c)| c);
        let silenced = next == Some('\u{0E4C}') || (next.is_some_and(is_mark) && after_next == Some('\u{0E4C}'));
        let joined = is_mark(c)
            || matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}' | 'ๆ' | 'ฯ')
            || matches!(prev, '\u{0E40}'..='\u{0E44}')
            || silenced;
        if !joined {
            cuts.push(at);
        }
    }
    if !run.is_empty() {
        cuts.push(run.len());
    }
    cuts
}
