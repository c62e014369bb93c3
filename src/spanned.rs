//! One parse of a JSON text that keeps where every value and key stands.
//!
//! serde_json gives values without places and keeps only the last of two equal keys. Messages
//! must point at the value they are about, and a key given twice must be found with both
//! places, so the text is read once more into this tree: duplicate keys ([`Node::duplicates`])
//! and the place of a JSON path ([`Node::locate`]) are both answered from it. It reads only
//! text serde_json has accepted, under the same nesting bound.

use std::ops::Range;

use crate::diagnostic::{JsonPath, Segment};

/// Nesting deeper than serde_json's own bound is not read.
const DEPTH: usize = 128;

/// A value and the bytes it spans.
#[derive(Debug)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    /// Members in the order written, duplicates included.
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// A string, number, `true`, `false` or `null`.
    Scalar,
}

#[derive(Debug)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

/// A key given twice in one object: byte offsets of both keys.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub path: JsonPath,
    pub first: usize,
    pub second: usize,
}

/// The tree of a JSON text holding one value, or `None` when it does not.
pub fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let node = p.value(0)?;
    p.skip_ws();
    (p.pos == p.bytes.len()).then_some(node)
}

impl Node {
    /// The place of the value at `path`, or of its key when `key` is set. When the path runs
    /// out (a missing field, an index past the end) it is the innermost value found: the
    /// opening of the object that lacks the field.
    pub fn locate(&self, path: &[Segment], key: bool) -> Range<usize> {
        let Some((first, rest)) = path.split_first() else {
            return self.span.clone();
        };
        let opening = self.span.start..self.span.start + 1;
        match (first, &self.kind) {
            (Segment::Key(wanted), Kind::Object(members)) => {
                // serde_json reads the last of equal keys, so the last is the one meant.
                match members.iter().rev().find(|m| &m.key == wanted) {
                    Some(m) if rest.is_empty() && key => m.key_span.clone(),
                    Some(m) => m.value.locate(rest, key),
                    None => opening,
                }
            }
            (Segment::Index(i), Kind::Array(items)) => match items.get(*i) {
                Some(item) => item.locate(rest, key),
                None => opening,
            },
            _ => self.span.clone(),
        }
    }

    /// Every key given twice in one object, at any depth, in the order of the text.
    pub fn duplicates(&self) -> Vec<Duplicate> {
        let mut out = Vec::new();
        self.collect_duplicates(&JsonPath::default(), &mut out);
        out.sort_by_key(|d| d.second);
        out
    }

    fn collect_duplicates(&self, path: &JsonPath, out: &mut Vec<Duplicate>) {
        match &self.kind {
            Kind::Object(members) => {
                let mut seen: std::collections::HashMap<&str, usize> = Default::default();
                for m in members {
                    let here = path.key(&m.key);
                    match seen.get(m.key.as_str()) {
                        Some(&first) => out.push(Duplicate {
                            path: here.clone(),
                            first,
                            second: m.key_span.start,
                        }),
                        None => {
                            seen.insert(&m.key, m.key_span.start);
                        }
                    }
                    m.value.collect_duplicates(&here, out);
                }
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.collect_duplicates(&path.index(i), out);
                }
            }
            Kind::Scalar => {}
        }
    }
}

/// The byte after the closing quote of the JSON string starting at `start` (its opening
/// quote); the end of `bytes` when it is not closed.
pub fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        self.skip_ws();
        let start = self.pos;
        let kind =
            match *self.bytes.get(self.pos)? {
                b'{' if depth < DEPTH => Kind::Object(self.members(depth + 1)?),
                b'[' if depth < DEPTH => Kind::Array(self.items(depth + 1)?),
                b'"' => {
                    self.string()?;
                    Kind::Scalar
                }
                b'{' | b'[' | b'}' | b']' | b',' | b':' => return None,
                _ => {
                    while self.bytes.get(self.pos).is_some_and(|b| {
                        !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()
                    }) {
                        self.pos += 1;
                    }
                    Kind::Scalar
                }
            };
        Some(Node {
            span: start..self.pos,
            kind,
        })
    }

    /// After `{`: the members up to the closing `}`.
    fn members(&mut self, depth: usize) -> Option<Vec<Member>> {
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b'}') && members.is_empty() {
                self.pos += 1;
                return Some(members);
            }
            let key_start = self.pos;
            let key_end = self.string()?;
            let key = serde_json::from_str(&self.text[key_start..key_end]).ok()?;
            self.skip_ws();
            (self.bytes.get(self.pos) == Some(&b':')).then_some(())?;
            self.pos += 1;
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span: key_start..key_end,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(members);
                }
                _ => return None,
            }
        }
    }

    /// After `[`: the items up to the closing `]`.
    fn items(&mut self, depth: usize) -> Option<Vec<Node>> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b']') && items.is_empty() {
                self.pos += 1;
                return Some(items);
            }
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    /// At `"`: moves past the closing quote and answers that position.
    fn string(&mut self) -> Option<usize> {
        (self.bytes.get(self.pos) == Some(&b'"')).then_some(())?;
        let end = string_end(self.bytes, self.pos);
        (end <= self.bytes.len() && self.bytes.get(end - 1) == Some(&b'"') && end > self.pos + 1)
            .then_some(())?;
        self.pos = end;
        Some(end)
    }
}
