//! Near misses: the known word a misspelt one most likely meant ("ผ่านดีเยียม" for
//! "ผ่านดีเยี่ยม", `scroes` for `scores`). Shared by the loader's unknown fields and `check`'s
//! unknown level names, so both suggest alike.

/// The known word closest to `word`, if it is close enough to be a typo: at most two edits,
/// and at most one edit per three letters of the known word (so short words are not
/// suggested for unrelated ones).
pub fn closest<S: AsRef<str>>(word: &str, known: &[S]) -> Option<String> {
    known
        .iter()
        .map(|k| (edit_distance(word, k.as_ref()), k.as_ref()))
        .filter(|(d, k)| *d <= 2 && *d * 3 <= k.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_owned())
}

/// Levenshtein distance in characters (a Thai mark is one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
