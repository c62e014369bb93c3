//! Where a token without spaces may end a line: a web address after its scheme's slashes,
//! after each slash of its path and the separators in it, never inside its host
//! (`"https://ita.ipst." | "ac.th/"` read as two addresses); any other token over [`LONG`]
//! characters (a file name, a code) after its separators and every `CHUNK` characters of a
//! long stretch between them, so it wraps in a narrow cell rather than running over the next
//! column.

/// A place inside a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A line may end here.
    Break,
    /// No line may end here, whatever Typst's own rules say.
    Join,
}

/// The marks inside `token`, by byte offset: a web address's (`address_marks`) or a long
/// token's breaks; `None` for a short token that is no address.
pub fn marks(token: &str) -> Option<Vec<(usize, Mark)>> {
    let marks = address_marks(token).or_else(|| {
        (token.chars().count() > LONG).then(|| {
            token_breaks(token)
                .into_iter()
                .map(|at| (at, Mark::Break))
                .collect()
        })
    })?;
    // A file's extension or the last letters of a run do not start a line alone
    // ("…/moit22." | "pdf"): the break before them becomes a joiner.
    let tail = |at: usize| token[at..].chars().count() <= TAIL;
    Some(
        marks
            .into_iter()
            .map(|(at, mark)| {
                if tail(at) {
                    (at, Mark::Join)
                } else {
                    (at, mark)
                }
            })
            .collect(),
    )
}

/// The most characters at a token's end that are kept with what precedes them.
const TAIL: usize = 4;

/// Tokens without a space longer than this get places to break.
pub const LONG: usize = 20;
const CHUNK: usize = 8;

/// Where an address or a file name may end a line: after these (`www.` `go.th/` `report-`).
pub const SEPARATORS: [char; 9] = ['/', '.', '-', '_', '?', '&', '=', '#', ':'];

/// The marks inside `token` when it is a web address (`None` otherwise), by byte offset:
/// boundaries where it may break, and joiners that keep Typst from applying its own rule for
/// links, which breaks after every dot of the host (typst-layout's `linebreak_link`, started
/// at a break right after "://" or before "www."). A host longer than [`LONG`] characters
/// breaks after its dots too, so that it still wraps in a narrow column.
fn address_marks(token: &str) -> Option<Vec<(usize, Mark)>> {
    let scheme = token.find("://");
    let host_start = match scheme {
        Some(at) => at + 3,
        None if token.starts_with("www.") => 0,
        None => return None,
    };
    let host_end = token[host_start..]
        .find('/')
        .map_or(token.len(), |at| host_start + at);
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    if let Some(at) = scheme {
        marks.push((at + 1, Mark::Join));
    }
    marks.extend(
        token
            .match_indices("www.")
            .map(|(at, _)| (at + 3, Mark::Join)),
    );
    if host_start > 0 && host_start < token.len() {
        marks.push((host_start, Mark::Break));
    }
    let host = &token[host_start..host_end];
    let mut breaks: Vec<usize> = Vec::new();
    if host.chars().count() > LONG {
        breaks.extend(token_breaks(host).into_iter().map(|at| host_start + at));
    }
    breaks.extend(
        token_breaks(&token[host_end..])
            .into_iter()
            .map(|at| host_end + at),
    );
    marks.extend(breaks.into_iter().map(|at| (at, Mark::Break)));
    marks.sort_by_key(|(at, piece)| (*at, *piece == Mark::Break));
    marks.dedup_by_key(|(at, _)| *at);
    Some(marks)
}

/// Byte offsets inside `token` where it may break (see [`marks`]).
fn token_breaks(token: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    let separator = |k: &usize| SEPARATORS.contains(&chars[*k].1);
    let mut breaks = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        // A stretch without separators, then its group of separators ("://" breaks once).
        let end = (k..chars.len()).find(separator).unwrap_or(chars.len());
        if end - k > LONG {
            breaks.extend((k + CHUNK..end).step_by(CHUNK).map(|j| chars[j].0));
        }
        let next = (end..chars.len())
            .find(|j| !separator(j))
            .unwrap_or(chars.len());
        if next > 0 && next < chars.len() {
            breaks.push(chars[next].0);
        }
        k = next;
    }
    breaks
}
