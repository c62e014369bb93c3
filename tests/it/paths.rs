//! Every JSON path the code names in its messages exists in the package model and its schema:
//! a field renamed in `model.rs` but not where a rule reports it would send the clerk to a
//! field that is not there.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::root;

/// Every property name the package schema declares, at any depth, and the values of its
/// enumerations (a map keyed by tool has the keys `IIT`, `EIT`, `OIT`).
fn schema_fields(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            if let Some(Value::Array(values)) = map.get("enum") {
                out.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            map.values().for_each(|v| schema_fields(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_fields(v, out)),
        _ => {}
    }
}

/// The names given to `JsonPath::key(..)` in the sources under `dir`, with where.
fn keys_named(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_named(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(at) = rest.find(".key(\"") {
                    rest = &rest[at + 6..];
                    let Some(end) = rest.find('"') else { break };
                    let place = format!("{}:{}", path.display(), n + 1);
                    out.push((rest[..end].to_owned(), place));
                }
            }
        }
    }
}

/// A dotted path as messages write it (`scores.total`, `letter.qr.url`) walked through the
/// schema from the package's root.
fn resolves(schema: &Value, path: &str) -> bool {
    fn deref<'a>(definitions: &'a Value, mut s: &'a Value) -> &'a Value {
        loop {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                s = &definitions[r.trim_start_matches("#/definitions/")];
            } else if let Some(any) = s.get("anyOf").or(s.get("allOf")).and_then(Value::as_array) {
                match any
                    .iter()
                    .find(|v| v.get("type") != Some(&Value::from("null")))
                {
                    Some(v) => s = v,
                    None => return s,
                }
            } else if let Some(items) = s.get("items") {
                s = items;
            } else {
                return s;
            }
        }
    }
    let definitions = &schema["definitions"];
    let mut at = schema;
    for part in path.split('.') {
        let name = part.split('[').next().unwrap_or(part);
        let next = &deref(definitions, at)["properties"][name];
        if next.is_null() {
            return false;
        }
        at = next;
    }
    true
}

#[test]
fn every_key_the_rules_report_under_is_a_field_of_the_schema() {
    let schema = ita_report::schema::package();
    let mut fields = BTreeSet::new();
    schema_fields(&schema, &mut fields);
    assert!(
        fields.contains("fiscal_year") && fields.contains("signers"),
        "{fields:?}"
    );
    let mut keys = Vec::new();
    keys_named(&root().join("src"), &mut keys);
    assert!(keys.len() > 100, "the scan found only {} keys", keys.len());
    let unknown: Vec<_> = keys.iter().filter(|(k, _)| !fields.contains(k)).collect();
    assert!(unknown.is_empty(), "keys no schema field has: {unknown:?}");
}

#[test]
fn every_dotted_path_in_a_message_resolves_in_the_schema() {
    let schema = ita_report::schema::package();
    assert!(resolves(&schema, "letter.qr.url") && !resolves(&schema, "letter.qr.link"));
    let mut found = 0;
    for file in [
        "src/consistency/mod.rs",
        "src/consistency/text.rs",
        "src/load/mod.rs",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for quoted in text.split('`').skip(1).step_by(2) {
            let dotted = quoted.contains('.') && !quoted.contains(' ');
            let lower = quoted
                .chars()
                .all(|c| c.is_ascii_lowercase() || "._[]0123456789".contains(c));
            if dotted && lower && !quoted.ends_with(".json") && !quoted.ends_with(".typ") {
                found += 1;
                assert!(
                    resolves(&schema, quoted),
                    "{file}: `{quoted}` is not a field path"
                );
            }
        }
    }
    assert!(found >= 2, "only {found} paths found");
}

/// The spanned parse the loader locates messages with: a key written with escapes is the same
/// key (serde_json keeps the last), a missing field points at the object that lacks it, and
/// nesting past serde_json's bound is not read.
#[test]
fn places_come_from_one_spanned_parse() {
    use ita_report::diagnostic::Segment;
    use ita_report::spanned::parse;
    let text = r#"{"a": {"b": [1, {"c": true}]}, "\u0061": {"b": []}}"#;
    let tree = parse(text).unwrap();
    let duplicates = tree.duplicates();
    assert_eq!(duplicates.len(), 1, "{duplicates:?}");
    assert_eq!(duplicates[0].path.to_string(), "a");
    assert_eq!(
        &text[duplicates[0].second..duplicates[0].second + 8],
        r#""\u0061""#
    );
    let key = |k: &str| Segment::Key(k.to_owned());
    // The last `a` is the one serde_json read: its `b` is the empty array.
    let b = tree.locate(&[key("a"), key("b")], false);
    assert_eq!(&text[b], "[]");
    let missing = tree.locate(&[key("a"), key("z")], false);
    assert_eq!(&text[missing.start..missing.end], "{");
    let first = &r#"{"x": [{"y": 1}]}"#;
    let t = parse(first).unwrap();
    let y = t.locate(&[key("x"), Segment::Index(0), key("y")], true);
    assert_eq!(&first[y], r#""y""#);
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(parse(&deep).is_none());
    assert!(parse(r#"{"a": 1} x"#).is_none());
}
