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
//! words, then the likeliest words (corpus frequencies; fixed expressions and the package's
//! names above all). Consecutive unknown clusters form one unknown token, inside which the
//! caller may fall back to another breaker.
//!
//! Fewest words alone reads ทุกรายการตาม as ทุกราย|การตาม (two rare words) and leaves a break
//! at ราย|การ; so a second reading, the likeliest words by corpus counts (ทุก|รายการ|ตาม), is
//! made too, and a line may end only where both readings end a word
//! ([`Segmenter::segment`]).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{LazyLock, Mutex, OnceLock};

/// One word of a Thai run: its byte range and whether a dictionary or name list knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub known: bool,
}

/// A sorted word list searched by prefix, each word with a weight (how likely it is).
#[derive(Debug, Default, Clone)]
pub struct WordList {
    words: Vec<String>,
    weights: Vec<u16>,
}

/// The weight of a word that must be read whole wherever it occurs: a fixed expression, or a
/// name the package holds (above any corpus weight).
pub const WHOLE: u16 = 200;

impl WordList {
    /// Words from text, one a line, each optionally followed by a tab and its weight (default
    /// `default`); blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str, default: u16) -> WordList {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| match l.split_once('\t') {
                Some((word, weight)) => (word, weight.trim().parse().unwrap_or(default)),
                None => (l, default),
            });
        WordList::weighted(entries)
    }

    /// The Thai-letter words of `words` (others could never match inside a Thai run), each
    /// kept whole ([`WHOLE`]).
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> WordList {
        WordList::weighted(words.into_iter().map(|w| (w, WHOLE)))
    }

    fn weighted<'a>(entries: impl IntoIterator<Item = (&'a str, u16)>) -> WordList {
        let mut entries: Vec<(&str, u16)> = entries
            .into_iter()
            .filter(|(w, _)| !w.is_empty() && w.chars().all(is_thai_letter))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
        entries.dedup_by(|b, a| a.0 == b.0); // the heaviest of duplicates is kept
        WordList {
            words: entries.iter().map(|(w, _)| (*w).to_owned()).collect(),
            weights: entries.iter().map(|(_, weight)| *weight).collect(),
        }
    }

    /// Adds the words of `other`; a word in both keeps the heavier weight.
    fn merge(&mut self, other: WordList) {
        let mine = std::mem::take(self);
        let entries = mine
            .words
            .iter()
            .map(String::as_str)
            .zip(mine.weights.iter().copied());
        let theirs = other
            .words
            .iter()
            .map(String::as_str)
            .zip(other.weights.iter().copied());
        *self = WordList::weighted(entries.chain(theirs).collect::<Vec<_>>());
    }

    /// The words, sorted.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Calls `found(end, weight)` for every word of the list that `text` starts with.
    fn prefixes_of(&self, text: &str, mut found: impl FnMut(usize, u16)) {
        let (mut lo, mut hi) = (0, self.words.len());
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            let prefix = &text[..end];
            // Words sharing `prefix` form a contiguous range of the sorted list.
            let slice = &self.words[lo..hi];
            let start = slice.partition_point(|w| w.as_str() < prefix);
            let stop = slice.partition_point(|w| {
                w.as_bytes().starts_with(prefix.as_bytes()) || w.as_str() < prefix
            });
            if start == stop {
                return;
            }
            if slice[start] == prefix {
                found(end, self.weights[lo + start]);
            }
            (lo, hi) = (lo + start, lo + stop);
        }
    }
}

/// The standard word list (PyThaiNLP) with the fixed official expressions.
pub fn standard() -> &'static WordList {
    static LIST: OnceLock<WordList> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list = WordList::parse(include_str!("expressions.txt"), WHOLE);
        list.merge(WordList::parse(include_str!("words_th.txt"), 0));
        list
    })
}

/// A run of Thai letters and the package names in it, with their weights.
type SegmentKey = (String, Vec<(String, u16)>);

/// Segmentations kept across packages (cleared when full; a run is a few words to a line).
static SEGMENTS: LazyLock<Mutex<HashMap<SegmentKey, Vec<Token>>>> = LazyLock::new(Default::default);
const CACHED_RUNS: usize = 100_000;

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
    ///
    /// The runs of a batch's packages are mostly the same (the templates' words, the same
    /// catalogue rows): with the standard list, a run's words are kept for the next package
    /// that has the same names in it.
    pub fn segment(&self, run: &str) -> Vec<Token> {
        let Some(key) = self.cache_key(run) else {
            return self.segment_agreed(run);
        };
        if let Some(tokens) = SEGMENTS.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return tokens.clone();
        }
        let tokens = self.segment_agreed(run);
        let mut cache = SEGMENTS.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= CACHED_RUNS {
            cache.clear();
        }
        cache.insert(key, tokens.clone());
        tokens
    }

    /// The run and the words of the name lists it contains (with their weights): all that
    /// decides its segmentation besides the standard list. `None` for other first lists.
    fn cache_key(&self, run: &str) -> Option<SegmentKey> {
        let (first, names) = self.lists.split_first()?;
        if !std::ptr::eq(*first, standard()) {
            return None;
        }
        let present = names
            .iter()
            .flat_map(|list| list.words.iter().zip(&list.weights))
            .filter(|(word, _)| run.contains(word.as_str()))
            .map(|(word, weight)| (word.clone(), *weight))
            .collect();
        Some((run.to_owned(), present))
    }

    /// The smaller known words a known word is made of ("องค์การ", "บริหาร", "ส่วน", "ตำบล"),
    /// where a narrow column may break it; `None` when no cover of it without the word itself
    /// is all known words.
    pub fn parts(&self, word: &str) -> Option<Vec<Token>> {
        let tokens = self.segment_afresh(word, false, Reading::Fewest);
        (tokens.len() > 1 && tokens.iter().all(|t| t.known)).then_some(tokens)
    }

    /// The words of `run` where two readings agree: the cover with the fewest words and the
    /// likeliest one ([`Reading`]). Where they part (ทุกราย|การตาม against ทุก|รายการ|ตาม,
    /// กระบวน|การงาน against กระบวนการ|งาน) a break at a junction of one would cut a word of
    /// the other, so the stretch is one token: a line ends only where both readings end a
    /// word. A stretch longer than [`AGREED`] letters (กระบวน|การบริหารงานบุคคล against
    /// กระบวนการ|บริหาร|งาน|บุคคล) would not fit a narrow column whole: it takes the likeliest
    /// reading's words. A stretch with a cluster no list knows keeps the fewest-words tokens,
    /// which the caller breaks by its own fallback.
    fn segment_agreed(&self, run: &str) -> Vec<Token> {
        let fewest = self.segment_afresh(run, true, Reading::Fewest);
        let likeliest = self.segment_afresh(run, true, Reading::Likeliest);
        let ends: Vec<usize> = likeliest.iter().map(|t| t.range.end).collect();
        let mut out: Vec<Token> = Vec::with_capacity(fewest.len());
        let mut group: Vec<Token> = Vec::new();
        for token in fewest {
            let end = token.range.end;
            group.push(token);
            if ends.binary_search(&end).is_err() {
                continue; // the likeliest reading has a word across this end
            }
            let start = group[0].range.start;
            let known = group.iter().all(|t| t.known)
                && likeliest
                    .iter()
                    .filter(|t| t.range.start >= start && t.range.end <= end)
                    .all(|t| t.known);
            if known && group.len() > 1 && run[start..end].chars().count() <= AGREED {
                out.push(Token {
                    range: start..end,
                    known: true,
                });
                group.clear();
            } else if known && group.len() > 1 {
                // Too long to keep whole: the likeliest reading's words.
                out.extend(
                    likeliest
                        .iter()
                        .filter(|t| t.range.start >= start && t.range.end <= end)
                        .cloned(),
                );
                group.clear();
            } else {
                out.append(&mut group);
            }
        }
        out.append(&mut group);
        out
    }

    /// The best cover of `run` by `reading`; with `whole` false, not by one word spanning all
    /// of it.
    fn segment_afresh(&self, run: &str, whole: bool, reading: Reading) -> Vec<Token> {
        let cuts = cut_points(run);
        // best[i]: the best cover of the run from i on, and its first token's end.
        let mut best: Vec<Option<(Cost, usize, bool)>> = vec![None; run.len() + 1];
        best[run.len()] = Some((Cost::default(), run.len(), true));
        for &i in cuts.iter().rev().skip(1) {
            let mut choice: Option<(Cost, usize, bool)> = None;
            let mut consider = |j: usize, weight: Option<u16>| {
                let Some((rest, _, _)) = best[j] else { return };
                let cost = rest.with(weight);
                if choice.is_none_or(|(c, _, _)| reading.key(&cost) < reading.key(&c)) {
                    choice = Some((cost, j, weight.is_some()));
                }
            };
            for list in &self.lists {
                list.prefixes_of(&run[i..], |len, weight| {
                    // A repetition or abbreviation sign belongs to the word before it.
                    let end = i
                        + len
                        + run[i + len..]
                            .chars()
                            .next()
                            .filter(|c| matches!(c, 'ๆ' | 'ฯ'))
                            .map_or(0, char::len_utf8);
                    if cuts.binary_search(&end).is_ok() && (whole || i > 0 || end < run.len()) {
                        consider(end, Some(weight));
                    }
                });
            }
            let next = cuts[cuts.partition_point(|&c| c <= i)];
            consider(next, None);
            best[i] = choice;
        }
        let mut tokens: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < run.len() {
            let (_, next, known) = best[i].expect("every cut reaches the end");
            match tokens.last_mut() {
                Some(last) if !known && !last.known => last.range.end = next,
                _ => tokens.push(Token {
                    range: i..next,
                    known,
                }),
            }
            i = next;
        }
        tokens
    }
}

/// The longest stretch, in letters, where the two readings part that is kept whole.
pub const AGREED: usize = 12;

/// How a cover of a run is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Fewest clusters no list knows, then fewest words, then the heaviest words: maximal
    /// matching, which takes one long rare word over two common ones.
    Fewest,
    /// Fewest unknown clusters, then the likeliest words together (a unigram model over the
    /// corpus counts: the rarer a word, the more it costs), which takes three common words
    /// over two rare ones (ทุก|รายการ|ตาม over ทุกราย|การตาม).
    Likeliest,
}

impl Reading {
    /// What a cover is compared by, in order.
    fn key(self, cost: &Cost) -> (u32, i64, i64) {
        match self {
            Reading::Fewest => (cost.unknown, i64::from(cost.words), cost.weight),
            Reading::Likeliest => (cost.unknown, cost.surprise, i64::from(cost.words)),
        }
    }
}

/// What a cover of a run costs: clusters no list knows, words, the words' weights (heavier
/// is better, so it counts negatively) and how unlikely its words are together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cost {
    unknown: u32,
    words: u32,
    weight: i64,
    surprise: i64,
}

/// About the natural logarithm of the size of the corpus that weighs the standard list, in
/// tenths like the weights: a word's surprise is this less its weight (a word the corpus
/// lacks costs as much as one seen once; names and fixed expressions cost nothing).
const CORPUS: i64 = 170;

impl Cost {
    /// This cost with one more word in front, of `weight` (`None`: an unknown cluster).
    fn with(self, weight: Option<u16>) -> Cost {
        let w = i64::from(weight.unwrap_or(0));
        Cost {
            unknown: self.unknown + u32::from(weight.is_none()),
            words: self.words + 1,
            weight: self.weight - w,
            surprise: self.surprise + (CORPUS - w).max(0),
        }
    }
}

/// Whether `c` is a Thai letter, vowel, tone mark or repetition sign (not a Thai digit).
pub fn is_thai_letter(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E4E}') && c != '\u{0E3F}'
}

/// Whether a Thai character may begin a cluster (a run may be cut before it): not a mark,
/// a following vowel, ๆ or ฯ.
pub fn starts_cluster(c: char) -> bool {
    !is_mark(c)
        && !matches!(
            c,
            '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}' | 'ๆ' | 'ฯ'
        )
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
        let silenced = next == Some('\u{0E4C}')
            || (next.is_some_and(is_mark) && after_next == Some('\u{0E4C}'));
        let joined = !starts_cluster(c) || matches!(prev, '\u{0E40}'..='\u{0E44}') || silenced;
        if !joined {
            cuts.push(at);
        }
    }
    if !run.is_empty() {
        cuts.push(run.len());
    }
    cuts
}
