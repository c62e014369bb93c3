//! Field-by-field differences between two versions of a package: each JSON path whose value
//! differs, with the value before and after (leaves only; an array or object that exists on
//! one side only is one difference).

use serde_json::Value;

/// One difference: the path (`measures.rows[2].action`), the value before and after
/// (`None` where the field did not exist).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The differences from `before` to `after`, in document order.
pub fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(String::new(), Some(before), Some(after), &mut out);
    out
}

/// The paths of [`changes`], for the version list.
pub fn paths(before: &str, after: &str) -> Vec<String> {
    match (serde_json::from_str(before), serde_json::from_str(after)) {
        (Ok(before), Ok(after)) => changes(&before, &after)
            .into_iter()
            .map(|c| c.path)
            .collect(),
        _ => vec!["(ทั้งแฟ้ม)".to_owned()],
    }
}

fn walk(path: String, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Change>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (key, value) in a {
                walk(join(&path, key), Some(value), b.get(key), out);
            }
            for (key, value) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                walk(join(&path, key), None, Some(value), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change {
            path: if path.is_empty() {
                "(ทั้งแฟ้ม)".to_owned()
            } else {
                path
            },
            before: a.cloned(),
            after: b.cloned(),
        }),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
