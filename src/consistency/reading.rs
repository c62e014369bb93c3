//! Given text as `check` reads it: characters with Thai digits made Arabic, searched for
//! words and numbers by position. Shared by the readers of statements, quotes and names.

/// A paragraph as characters with Arabic digits, so that Thai and Arabic numbers read alike.
pub(crate) struct Text {
    pub chars: Vec<char>,
}

impl Text {
    pub fn new(text: &str) -> Self {
        let chars = text
            .chars()
            .map(|c| match c {
                '๐'..='๙' => char::from_digit(c as u32 - '๐' as u32, 10).unwrap_or(c),
                _ => c,
            })
            .collect();
        Text { chars }
    }

    /// Positions where `word` starts.
    pub fn find_all(&self, word: &str) -> Vec<usize> {
        let w: Vec<char> = word.chars().collect();
        if w.is_empty() || w.len() > self.chars.len() {
            return Vec::new();
        }
        (0..=self.chars.len() - w.len())
            .filter(|&i| self.chars[i..i + w.len()] == w[..])
            .collect()
    }

    /// The whole number at `at` after optional spaces, with the position after it.
    pub fn integer_at(&self, mut at: usize) -> Option<(u64, usize)> {
        while self.chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        let start = at;
        while self.chars.get(at).is_some_and(char::is_ascii_digit) {
            at += 1;
        }
        let digits: String = self.chars[start..at].iter().collect();
        digits.parse().ok().map(|n| (n, at))
    }

    /// Whether `word` follows `at` after optional spaces; the position after it.
    pub fn word_at(&self, mut at: usize, word: &str) -> Option<usize> {
        while self.chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        let w: Vec<char> = word.chars().collect();
        (self.chars.get(at..at + w.len()) == Some(&w[..])).then_some(at + w.len())
    }

    pub fn slice(&self, range: std::ops::Range<usize>) -> String {
        self.chars[range.start.min(self.chars.len())..range.end.min(self.chars.len())]
            .iter()
            .collect()
    }
}
