//! Where a web address may end a line: after the scheme's slashes, after each slash of its
//! path and the separators in it; never inside its host (`"https://ita.ipst." | "ac.th/"` read
//! as two addresses).

use super::glue::{LONG, Piece, token_breaks};

/// The marks inside `token` when it is a web address (`None` otherwise), by byte offset:
/// boundaries where it may break, and joiners that keep Typst from applying its own rule for
/// links, which breaks after every dot of the host (typst-layout's `linebreak_link`, started
/// at a break right after "://" or before "www."). A host longer than [`LONG`] characters
/// breaks after its dots too, so that it still wraps in a narrow column.
pub fn marks(token: &str) -> Option<Vec<(usize, Piece)>> {
    let scheme = token.find("://");
    let host_start = match scheme {
        Some(at) => at + 3,
        None if token.starts_with("www.") => 0,
        None => return None,
    };
    let host_end = token[host_start..]
        .find('/')
        .map_or(token.len(), |at| host_start + at);
    let mut marks: Vec<(usize, Piece)> = Vec::new();
    if let Some(at) = scheme {
        marks.push((at + 1, Piece::Joiner));
    }
    marks.extend(
        token
            .match_indices("www.")
            .map(|(at, _)| (at + 3, Piece::Joiner)),
    );
    if host_start > 0 && host_start < token.len() {
        marks.push((host_start, Piece::Boundary));
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
    marks.extend(breaks.into_iter().map(|at| (at, Piece::Boundary)));
    marks.sort_by_key(|(at, piece)| (*at, *piece == Piece::Boundary));
    marks.dedup_by_key(|(at, _)| *at);
    Some(marks)
}
