//! File names made from data (an agency's name, a package's stem): nothing that would hide
//! or reorder what a clerk sees in a folder listing, nothing a file system refuses.
//!
//! Bidirectional controls (an override shows `fdp.exe` as `exe.pdf`) and other control and
//! invisible format characters are removed; characters Windows or Unix refuse become `-`;
//! a leading `.` (a hidden file, skipped when folders are walked) is dropped. A name longer
//! than the file system allows (255 bytes: 85 Thai letters, three bytes each in UTF-8) is cut
//! at a character, and a short hash of the whole name is added, so that the cut name is the
//! same on every run and two long names that differ only at the end stay apart.

/// The longest file name most file systems take (ext4, XFS, Btrfs, APFS: 255 bytes).
pub const LIMIT: usize = 255;

/// Whether `c` is left out of names: controls, bidirectional embeddings, overrides, isolates
/// and marks, and the other invisible format characters (zero-width, BOM, line separators).
pub fn removed(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2028}'..='\u{2029}'
                | '\u{2060}'..='\u{2069}'
                | '\u{061C}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` made safe as (part of) a file name: the characters above removed, spaces joined
/// into one `-`, refused characters replaced by `-`, no `.` or `-` at either end. Empty when
/// nothing printable is left.
pub fn clean(text: &str) -> String {
    let kept: String = text.chars().filter(|&c| !removed(c)).collect();
    let joined = kept.split_whitespace().collect::<Vec<_>>().join("-");
    let replaced: String = joined
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '-' } else { c })
        .collect();
    replaced.trim_matches(['.', '-']).to_owned()
}

/// `stem` + `extension` (with its dot) within `limit` bytes: as it is when it fits, else the
/// stem cut at a character with `-` and 8 hex digits of a hash of the whole stem.
pub fn fit(stem: &str, extension: &str, limit: usize) -> String {
    if stem.len() + extension.len() <= limit {
        return format!("{stem}{extension}");
    }
    let hash = crate::fingerprint::fingerprint(&[stem.as_bytes()]);
    let room = limit.saturating_sub(extension.len() + 9);
    format!("{}-{}{extension}", cut_at_char(stem, room), &hash[..8])
}

/// The longest start of `text` of at most `bytes` bytes that ends at a character boundary
/// and not before a combining mark (a Thai vowel or tone mark is kept with its consonant).
pub fn cut_at_char(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    // Not between a consonant and the marks written on it.
    while end > 0
        && text[end..]
            .chars()
            .next()
            .is_some_and(|c| !crate::thai::words::starts_cluster(c))
    {
        end -= text[..end].chars().next_back().map_or(1, char::len_utf8);
    }
    &text[..end]
}

/// The name of a package file made from data: `<year>-<name>[-<district>].json`, made safe
/// and cut to [`PACKAGE_LIMIT`]. `None` when the name has nothing printable.
pub fn package(year: i32, name: &str, district: Option<&str>) -> Option<String> {
    let name = clean(name);
    if name.is_empty() {
        return None;
    }
    let stem = match district.map(clean).filter(|d| !d.is_empty()) {
        Some(d) => format!("{year}-{name}-{d}"),
        None => format!("{year}-{name}"),
    };
    Some(fit(&stem, ".json", PACKAGE_LIMIT))
}

/// Package names leave room for what a build adds to their stem (`-announcement.pdf`, the
/// temporary and warnings files' parts) within [`LIMIT`].
pub const PACKAGE_LIMIT: usize = 200;

/// The longest suffix a build adds to a stem for one document (`-announcement`); the
/// registry test holds every document kind's name to it.
pub const DOCUMENT_SUFFIX: usize = 13;

/// The stem of the output files of the package file `stem`: the characters above removed
/// (an empty result becomes `package`), cut so that `<stem>-<document>.pdf` fits [`LIMIT`].
/// Spaces and the rest stay: the PDF is named as the clerk named the package.
pub fn output_stem(stem: &str) -> String {
    let kept: String = stem.chars().filter(|&c| !removed(c)).collect();
    let kept = if kept.trim().is_empty() {
        "package".to_owned()
    } else {
        kept
    };
    // The document's suffix and `.pdf` or `.typ`, with room to spare.
    fit(&kept, "", LIMIT - DOCUMENT_SUFFIX - 11)
}
