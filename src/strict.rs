//! What a JSON parser accepts silently but a package must not hold.
//!
//! serde_json keeps the last of two equal keys, so `"fiscal_year": 2568, "fiscal_year": 2566`
//! built a 2566 report; control characters and bidi overrides print nothing visible, or
//! reverse printed Thai. This module takes such characters out of every text, saying where;
//! duplicate keys are found by the spanned parse ([`crate::spanned::Node::duplicates`]).

use serde_json::Value;

use crate::diagnostic::{JsonPath, Segment};
/// Characters taken out of text: C0 and C1 controls other than line feed, carriage return and
/// tab, and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One text that had characters taken out, or is too long.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub path: JsonPath,
    pub removed: Vec<char>,
}

/// Removes unprintable characters from every string of `value`; returns where it did.
pub fn clean(value: &mut Value) -> Vec<Cleaned> {
    let found: Vec<Cleaned> = strings(value)
        .into_iter()
        .filter(|(_, s)| s.chars().any(is_unprintable))
        .map(|(path, s)| Cleaned {
            path,
            removed: s.chars().filter(|&c| is_unprintable(c)).collect(),
        })
        .collect();
    for c in &found {
        if let Some(Value::String(s)) = value.pointer_mut(&pointer(&c.path)) {
            s.retain(|ch| !is_unprintable(ch));
        }
    }
    found
}

/// A path as a JSON pointer ("/scores/indicators/2/name").
fn pointer(path: &JsonPath) -> String {
    path.0
        .iter()
        .map(|seg| match seg {
            Segment::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// The texts longer than `limit` characters.
pub fn too_long(value: &Value, limit: usize) -> Vec<(JsonPath, usize)> {
    strings(value)
        .into_iter()
        .map(|(path, s)| (path, s.chars().count()))
        .filter(|&(_, n)| n > limit)
        .collect()
}

/// Every string of `value` with its path, in document order.
pub fn strings(value: &Value) -> Vec<(JsonPath, &str)> {
    fn go<'a>(value: &'a Value, path: &mut JsonPath, out: &mut Vec<(JsonPath, &'a str)>) {
        match value {
            Value::String(s) => out.push((path.clone(), s)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.0.push(Segment::Index(i));
                    go(item, path, out);
                    path.0.pop();
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    path.0.push(Segment::Key(k.clone()));
                    go(v, path, out);
                    path.0.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(value, &mut JsonPath::default(), &mut out);
    out
}

/// A character as a message shows it: "U+0007".
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}
