//! "ไปหน้าของช่องนี้": the page a field of the package prints on, found by its value as the
//! document prints it. Text is looked for by its first characters, spaces left out on both
//! sides (Thai is set without spaces and lines break anywhere); numbers by the forms a
//! document prints them in ("2568", "87.74"), standing alone (not the "85" of "2585"); digits
//! are compared whatever their form, since the document writes typed digits in its numerals.
//! A field that is empty prints nowhere, and the answer says so rather than "not found".

use serde_json::Value;

/// Where a field prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// On this page (from 1): the first that prints its value.
    Page(usize),
    /// The field is empty (no text, no rows): it prints nowhere.
    Empty,
    /// A yes-or-no choice, which changes the document but is not printed as text.
    Choice,
    /// No page prints the value as it was typed (a document that leaves it out, or prints it
    /// in another form).
    Nowhere,
}

/// The characters of the text compared: the first of a text field, enough to tell one
/// paragraph from another, few enough to sit on one page.
const NEEDLE_CHARS: usize = 24;

/// The page of `pages` (each page's text) that prints the value at `pointer` (a JSON Pointer,
/// "/measures/rows/0/measure") of `package`.
pub fn page_of(package: &Value, pointer: &str, pages: &[String]) -> Found {
    let value = package.pointer(pointer).unwrap_or(&Value::Null);
    let needles = match first_leaf(value) {
        None => return Found::Empty,
        Some(Value::Bool(_)) => return Found::Choice,
        Some(Value::Number(n)) => number_forms(n),
        Some(Value::String(s)) => {
            let squeezed: Vec<char> = squeeze(s).chars().take(NEEDLE_CHARS).collect();
            vec![squeezed]
        }
        Some(_) => return Found::Empty,
    };
    pages
        .iter()
        .map(|page| squeeze(page).chars().collect::<Vec<char>>())
        .position(|page| needles.iter().any(|n| holds(&page, n)))
        .map_or(Found::Nowhere, |i| Found::Page(i + 1))
}

/// The first value with something to print, depth first: a text with characters other than
/// spaces, a number, a choice; none for an empty field, list or box.
fn first_leaf(value: &Value) -> Option<&Value> {
    match value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::Array(items) => items.iter().find_map(first_leaf),
        Value::Object(fields) => fields.values().find_map(first_leaf),
        leaf => Some(leaf),
    }
}

/// Text without spaces, soft hyphens and zero-width spaces, its digits Arabic.
fn squeeze(text: &str) -> String {
    crate::thai::arabic_digits(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !['\u{ad}', '\u{200b}'].contains(c))
        .collect()
}

/// A number as documents print it: whole numbers as they are ("2568"), then with two
/// decimals as scores are ("85.00"); others with two decimals, then as typed.
fn number_forms(n: &serde_json::Number) -> Vec<Vec<char>> {
    let typed = n.to_string();
    let forms = match n.as_f64() {
        Some(f) if f.fract() == 0.0 => vec![typed, format!("{f:.2}")],
        Some(f) => vec![format!("{f:.2}"), typed],
        None => vec![typed],
    };
    forms.into_iter().map(|f| f.chars().collect()).collect()
}

/// Whether `page` holds `needle`, a number not read as part of a longer one.
fn holds(page: &[char], needle: &[char]) -> bool {
    if needle.is_empty() || needle.len() > page.len() {
        return false;
    }
    let numeric = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit());
    (0..=page.len() - needle.len()).any(|at| {
        let end = at + needle.len();
        page[at..end] == *needle
            && !(numeric(needle.first()) && at > 0 && numeric(page.get(at - 1)))
            && !(numeric(needle.last()) && numeric(page.get(end)))
            // "87.7" is not the start of "87.74".
            && !(numeric(needle.last()) && page.get(end) == Some(&'.') && numeric(page.get(end + 1)))
    })
}
