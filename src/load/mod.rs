//! Loading a package: JSON text → [`Package`], with every problem located.
//!
//! serde stops at the first shape error and forgets where values were in the text. So the
//! text is parsed to a `serde_json::Value` first; then the typed model is read from it with
//! serde_path_to_error to learn the JSON path of a shape error; unknown fields are set aside
//! and reading is retried, so several misspelt keys and the rule errors behind them are
//! reported in one pass. A small scanner ([`locate`]) maps each JSON path back to a line and
//! column in the original text.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::analysis::Facts;
use crate::checker::Problem;
use crate::consistency;
use crate::diagnostic::{Diagnostic, Failure, Message, SourceFile, offset_of};
use crate::documents::Package;
use crate::framework::{Framework, Frameworks};
use crate::message;

mod thai;
pub mod walk;

pub use crate::diagnostic::{JsonPath, Segment};

/// A package read from a file, with the text kept for later diagnostics.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub package: Package,
    /// The framework of the package's fiscal year.
    pub framework: Arc<Framework>,
    /// Every framework of the run, for the levels of earlier years.
    pub frameworks: Frameworks,
    /// What follows from the data (levels, extremes, changes, counts) and the narrative
    /// written from it: derived once, read by `check` and by every document.
    pub facts: Facts,
    /// Contradictions in the data that `check` can prove (see [`crate::consistency`]).
    pub warnings: Vec<Diagnostic>,
    pub source: SourceFile,
    /// The input's folder: the only place its documents may read files (an emblem) from.
    pub dir: PathBuf,
}

/// Reads and checks one package file. `display_name` is the path as the user should see it.
pub fn load_file(
    path: &Path,
    display_name: &str,
    frameworks: &Frameworks,
) -> Result<Loaded, Failure> {
    load_bytes(
        read_package(path, display_name)?,
        path,
        display_name,
        frameworks,
    )
}

/// The bytes of a package file, within the size bound.
pub fn read_package(path: &Path, display_name: &str) -> Result<Vec<u8>, Diagnostic> {
    crate::confine::read_limited(path, crate::limits::PACKAGE_BYTES).map_err(|refusal| {
        let thai = refusal.thai();
        Diagnostic::error(message!(
            "แฟ้ม `{display_name}` {thai}",
            "the package `{display_name}` {refusal}"
        ))
    })
}

/// Checks the bytes read from the package file at `path` (its folder is where the documents
/// may read files from).
pub fn load_bytes(
    bytes: Vec<u8>,
    path: &Path,
    display_name: &str,
    frameworks: &Frameworks,
) -> Result<Loaded, Failure> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        let byte = bytes[offset];
        Diagnostic::error(message!(
            "`{display_name}` ไม่ใช่ข้อความ UTF-8: ไบต์ 0x{byte:02X} ที่ตำแหน่ง {offset} (บรรทัด {line}) ไม่ใช่ UTF-8",
            "`{display_name}` is not UTF-8 text: byte 0x{byte:02X} at byte offset {offset} (line {line}) is not valid UTF-8"
        ))
        .with_note(message!(
            "บันทึกแฟ้มเป็น UTF-8 (รหัสอักขระของ JSON) โปรแกรมไม่อ่านภาษาไทยแบบ TIS-620 หรือ Windows-874",
            "save the file as UTF-8 (the encoding of JSON); TIS-620 or Windows-874 Thai is not read"
        ))
    })?;
    let mut loaded = load_str(&text, display_name, frameworks)?;
    loaded.dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(loaded)
}

/// Checks package text: syntax, shape (types, missing and unknown fields) and rules.
pub fn load_str(
    text: &str,
    display_name: &str,
    frameworks: &Frameworks,
) -> Result<Loaded, Failure> {
    // A byte-order mark (some Windows editors write one) is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = SourceFile::new(display_name, text);
    let mut value = parse_object(text, &source)?;
    // Every place a message points at is read from one spanned parse of the text.
    let tree = crate::spanned::parse(text).unwrap_or(crate::spanned::Node {
        span: 0..text.len(),
        kind: crate::spanned::Kind::Scalar,
    });
    let strict = strict_problems(text, &tree, &source, &mut value);
    if !strict.errors.is_empty() {
        return Err(Failure(strict.errors));
    }
    let shape = read_shape(value);
    let mut diagnostics = shape_diagnostics(&tree, &source, shape.problems);
    // With values set aside (and stand-ins read in their place) there is no model to check.
    let Some(package) = shape.package.filter(|_| shape.set_aside.is_empty()) else {
        return Err(Failure(diagnostics));
    };
    let located = |problem: Problem, severity: fn(Message) -> Diagnostic| {
        let range = tree.locate(&problem.path.0, false);
        let mut d = severity(problem.message)
            .at(source.clone(), range)
            .with_json_path(problem.path.to_string());
        if let Some(note) = problem.note {
            d = d.with_note(note);
        }
        d
    };
    let framework = frameworks.get(package.fiscal_year).cloned();
    if framework.is_none() && (2550..=2700).contains(&package.fiscal_year) {
        let problem = no_framework(package.fiscal_year, frameworks);
        diagnostics.push(located(problem, Diagnostic::error));
    }
    // Indicator numbers and tools are the same in every year: check them against the nearest
    // year's framework even when the package's own year has none.
    let nearest = framework
        .as_ref()
        .or_else(|| frameworks.nearest(package.fiscal_year));
    let problems = crate::rules::check(&package, nearest.map(|f| &**f));
    add_errors(&mut diagnostics, problems, display_name, &located);
    match framework {
        Some(framework) if diagnostics.is_empty() => {
            let mut warnings = strict.warnings;
            let facts = crate::narrative::derive(&package, &framework, frameworks);
            let findings = consistency::findings(&package, &facts, &framework, frameworks);
            warnings.extend(findings_shown(findings, display_name, &located));
            Ok(Loaded {
                package,
                facts,
                framework,
                frameworks: frameworks.clone(),
                warnings,
                source,
                dir: PathBuf::from("."),
            })
        }
        _ => Err(Failure(diagnostics)),
    }
}

/// Contradictions as warnings and what could not be decided as notes, up to the limit.
fn findings_shown(
    findings: Vec<consistency::Finding>,
    display_name: &str,
    located: &dyn Fn(Problem, fn(Message) -> Diagnostic) -> Diagnostic,
) -> Vec<Diagnostic> {
    let hidden = findings.len().saturating_sub(crate::limits::ERRORS);
    let mut shown: Vec<Diagnostic> = findings
        .into_iter()
        .take(crate::limits::ERRORS)
        .map(|finding| match finding.kind {
            consistency::Kind::Contradiction => located(finding.problem, Diagnostic::warning),
            consistency::Kind::Undecided => located(finding.problem, Diagnostic::note),
        })
        .collect();
    if hidden > 0 {
        shown.push(Diagnostic::warning(message!(
            "{display_name}: ยังมีข้อสังเกตอีก {hidden} รายการที่ไม่ได้แสดง",
            "{display_name}: {hidden} more findings not shown"
        )));
    }
    shown
}

/// The package's year has no framework: where to add one.
fn no_framework(year: i32, frameworks: &Frameworks) -> Problem {
    Problem {
        path: JsonPath::default().key("fiscal_year"),
        message: message!(
            "ไม่มีเกณฑ์ของปีงบประมาณ {year}",
            "there is no framework for fiscal year {year}"
        ),
        note: Some(message!(
            "มีเกณฑ์ของปี {span} ให้เพิ่ม `frameworks/{year}.json` ในโฟลเดอร์ที่ให้กับ --templates",
            "frameworks cover {span}; add `frameworks/{year}.json` to the folder given with --templates",
            span = frameworks.span()
        )),
    }
}

/// The rules' errors after the shape's, in the order of the file as the user reads it, and
/// no more than are shown (locating one reads the text: linear in the errors shown).
fn add_errors(
    diagnostics: &mut Vec<Diagnostic>,
    problems: Vec<Problem>,
    display_name: &str,
    located: &dyn Fn(Problem, fn(Message) -> Diagnostic) -> Diagnostic,
) {
    let hidden = problems.len().saturating_sub(crate::limits::ERRORS);
    let mut rule_errors: Vec<Diagnostic> = problems
        .into_iter()
        .take(crate::limits::ERRORS)
        .map(|p| located(p, Diagnostic::error))
        .collect();
    rule_errors.sort_by_key(|d| d.location.as_ref().map_or(0, |(_, range)| range.start));
    diagnostics.extend(rule_errors);
    let hidden = hidden + diagnostics.len().saturating_sub(crate::limits::ERRORS);
    diagnostics.truncate(crate::limits::ERRORS);
    if hidden > 0 {
        diagnostics.push(Diagnostic::error(message!(
            "{display_name}: ยังมีข้อผิดพลาดอีก {hidden} รายการที่ไม่ได้แสดง",
            "{display_name}: {hidden} more errors not shown"
        )));
    }
}

/// The text as one JSON object, or where it stops being one.
fn parse_object(text: &str, source: &SourceFile) -> Result<Value, Failure> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let offset = offset_of(text, e.line(), e.column());
        // The location is shown by the diagnostic itself (in characters, not bytes).
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        Diagnostic::error(Message::new(
            thai::syntax(message),
            format!("invalid JSON: {message}"),
        ))
        .at(source.clone(), offset..offset)
        .with_note(message!(
            "แฟ้มต้องเป็นออบเจกต์ JSON หนึ่งก้อน ดูรูปแบบข้อมูลใน docs/src/reference/input-format.md",
            "the file must hold one JSON object, see the input format in docs/src/reference/en/input-format.md"
        ))
    })?;

    if !value.is_object() {
        let (kind, kind_thai) = match value {
            Value::Array(_) => ("an array", "รายการ (array)"),
            Value::String(_) => ("a string", "ข้อความ"),
            Value::Number(_) => ("a number", "ตัวเลข"),
            Value::Bool(_) => ("true or false", "true หรือ false"),
            _ => ("null", "null"),
        };
        return Err(Diagnostic::error(message!(
            "แฟ้มนี้เป็น{kind_thai} แต่แฟ้มข้อมูลต้องเป็นออบเจกต์ JSON หนึ่งก้อน `{{ … }}`",
            "the file holds {kind}, but a package is one JSON object `{{ … }}`"
        ))
        .at(source.clone(), 0..text.len().min(1))
        .with_note(message!(
            "ดูรูปแบบข้อมูลใน docs/src/reference/input-format.md",
            "see the input format in docs/src/reference/en/input-format.md"
        ))
        .into());
    }
    Ok(value)
}

/// What reading the value into the model found.
struct Shape {
    package: Option<Package>,
    /// Shape errors: the path, serde's message, and for an unknown field a note (a near miss
    /// or a retired name).
    problems: Vec<(JsonPath, String, Option<Option<Message>>)>,
    /// Values of the wrong shape set aside to look further.
    set_aside: Vec<JsonPath>,
}

/// Reads the value into the model, setting aside what has the wrong shape to find every
/// shape error in one pass (up to the error limit).
fn read_shape(mut value: Value) -> Shape {
    let mut problems = Vec::new();
    // Values of the wrong shape set aside to look further; a later "missing field" for one of
    // them is its consequence, not a second problem.
    let mut set_aside: Vec<JsonPath> = Vec::new();
    let package = loop {
        if problems.len() > crate::limits::ERRORS {
            break None;
        }
        match serde_path_to_error::deserialize::<_, Package>(&value) {
            Ok(package) => break Some(package),
            Err(err) => {
                let mut path = convert_path(err.path());
                let message = err.inner().to_string();
                let unknown = unknown_field(&message);
                if let Some(field) = &unknown
                    && path.0.last() != Some(&Segment::Key(field.clone()))
                {
                    path.0.push(Segment::Key(field.clone()));
                }
                // An unknown field is set aside (or, when it is a near miss of a field the
                // object lacks, read under the right name) to look for further problems; any
                // other shape error leaves no typed model to check rules on.
                let Some(field) = unknown else {
                    if let Some(missing) = missing_field(&message) {
                        let field = path.key(&missing);
                        if set_aside.contains(&field) {
                            // Put in a stand-in of the type the field wants, only to read on.
                            if stand_in(&mut value, &path, &missing) {
                                continue;
                            }
                            break None;
                        }
                    }
                    problems.push((path.clone(), message, None));
                    // A value of an object's field is set aside and the rest read on; an
                    // array item cannot be (the items after it would move).
                    if matches!(path.0.last(), Some(Segment::Key(_)))
                        && take(&mut value, &path).is_some()
                    {
                        set_aside.push(path);
                        continue;
                    }
                    break None;
                };
                let suggestion = crate::spelling::closest(&field, &expected_fields(&message));
                let Some(removed) = take(&mut value, &path) else {
                    problems.push((path, message, None));
                    break None;
                };
                let note = retired(&path.to_string()).or_else(|| {
                    suggestion
                        .as_ref()
                        .map(|s| message!("หมายถึง `{s}` หรือไม่", "did you mean `{s}`?"))
                });
                if let Some(s) = &suggestion {
                    let mut renamed = path.clone();
                    renamed.0.pop();
                    insert(&mut value, &renamed, s, removed);
                }
                let message = message
                    .split(", expected")
                    .next()
                    .unwrap_or(&message)
                    .to_owned();
                problems.push((path, message, Some(note)));
            }
        }
    };

    Shape {
        package,
        problems,
        set_aside,
    }
}

/// The shape errors located in the text, in the order of the file.
fn shape_diagnostics(
    tree: &crate::spanned::Node,
    source: &SourceFile,
    problems: Vec<(JsonPath, String, Option<Option<Message>>)>,
) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|(path, message, unknown)| {
            let range = tree.locate(&path.0, unknown.is_some());
            let message = Message::new(thai::shape(&message), plain_types(&message));
            let mut d = Diagnostic::error(message)
                .at(source.clone(), range)
                .with_json_path(path.to_string());
            if let Some(note) = unknown.flatten() {
                d = d.with_note(note);
            }
            d
        })
        .collect();
    // In the order of the file, as the user reads it.
    diagnostics.sort_by_key(|d| d.location.as_ref().map_or(0, |(_, range)| range.start));
    diagnostics
}

/// What strict reading found: errors (duplicate keys, texts over the limit) and warnings
/// (characters taken out).
struct Strict {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

fn strict_problems(
    text: &str,
    tree: &crate::spanned::Node,
    source: &SourceFile,
    value: &mut Value,
) -> Strict {
    let at = |offset: usize| {
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[..offset]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1;
        format!("{line}:{column}")
    };
    let mut errors: Vec<Diagnostic> = tree
        .duplicates()
        .into_iter()
        .map(|d| {
            let len = text[d.second..].find(':').unwrap_or(0);
            let (path, first, second) = (&d.path, at(d.first), at(d.second));
            Diagnostic::error(message!(
                "`{path}` มีสองครั้ง (ครั้งแรกที่ {first} อีกครั้งที่ {second})",
                "`{path}` is given twice (first at {first}, again at {second})"
            ))
            .at(source.clone(), d.second..d.second + len)
            .with_json_path(d.path.to_string())
            .with_note(message!(
                "โปรแกรมอ่าน JSON จะเก็บไว้เพียงค่าเดียว ให้ลบค่าที่ผิดออก",
                "JSON readers keep only one of the two; remove the one that is wrong"
            ))
        })
        .collect();
    for (path, chars) in crate::strict::too_long(value, crate::limits::TEXT_CHARS) {
        let range = tree.locate(&path.0, false);
        errors.push(
            Diagnostic::error(message!(
                "ข้อความยาว {chars} ตัวอักษร เกินขีดจำกัด {limit}",
                "a text of {chars} characters is longer than the limit of {limit}",
                limit = crate::limits::TEXT_CHARS
            ))
            .at(source.clone(), range)
            .with_json_path(path.to_string())
            .with_note(message!(
                "แบ่งเป็นย่อหน้า (รายการของข้อความ) หรือตัดให้สั้นลง",
                "split it into paragraphs (a list of strings) or shorten it"
            )),
        );
    }
    cap(&mut errors, &source.name);
    let mut warnings: Vec<Diagnostic> = crate::strict::clean(value)
        .into_iter()
        .map(|c| {
            let range = tree.locate(&c.path.0, false);
            let mut names: Vec<String> = c
                .removed
                .iter()
                .map(|&ch| crate::strict::code_point(ch))
                .collect();
            names.dedup();
            let (count, names) = (c.removed.len(), names.join(", "));
            Diagnostic::warning(message!(
                "นำอักขระควบคุมหรืออักขระกำหนดทิศทาง {count} ตัวออกจากข้อความ: {names}",
                "{count} control or direction character(s) removed from the text: {names}"
            ))
            .at(source.clone(), range)
            .with_json_path(c.path.to_string())
            .with_note(message!(
                "อักขระเหล่านี้ไม่พิมพ์อะไรออกมา หรือกลับลำดับของข้อความที่พิมพ์",
                "they print nothing, or reverse the order of printed text"
            ))
        })
        .collect();
    cap(&mut warnings, &source.name);
    Strict { errors, warnings }
}

/// Keeps the first [`crate::limits::ERRORS`] diagnostics and counts the rest in one more.
fn cap(diagnostics: &mut Vec<Diagnostic>, name: &str) {
    let limit = crate::limits::ERRORS;
    if diagnostics.len() > limit {
        let rest = diagnostics.len() - limit;
        let severity = diagnostics[limit].severity;
        diagnostics.truncate(limit);
        diagnostics.push(match severity {
            crate::diagnostic::Severity::Error => Diagnostic::error(message!(
                "{name}: ยังมีข้อผิดพลาดอีก {rest} รายการที่ไม่ได้แสดง",
                "{name}: {rest} more errors not shown"
            )),
            _ => Diagnostic::note(message!(
                "{name}: ยังมีคำเตือนอีก {rest} รายการที่ไม่ได้แสดง",
                "{name}: {rest} more warnings not shown"
            )),
        });
    }
}

/// Puts into the object at `path` a value for `field` that deserializes (so that reading
/// can go on past a required field whose value was set aside).
fn stand_in(value: &mut Value, path: &JsonPath, field: &str) -> bool {
    let candidates = [
        Value::from(""),
        Value::from(0),
        Value::Array(Vec::new()),
        Value::Object(Default::default()),
        Value::from(false),
    ];
    let target = path.key(field);
    for candidate in candidates {
        insert(value, path, field, candidate);
        match serde_path_to_error::deserialize::<_, Package>(&*value) {
            Ok(_) => return true,
            Err(e)
                if convert_path(e.path()) != target
                    && !missing_field(&e.inner().to_string())
                        .is_some_and(|m| path.key(&m) == target) =>
            {
                return true;
            }
            Err(_) => {
                take(value, &target);
            }
        }
    }
    false
}

/// The field named by serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

fn convert_path(path: &serde_path_to_error::Path) -> JsonPath {
    use serde_path_to_error::Segment as S;
    JsonPath(
        path.iter()
            .filter_map(|seg| match seg {
                S::Seq { index } => Some(Segment::Index(*index)),
                S::Map { key } => Some(Segment::Key(key.clone())),
                S::Enum { variant } => Some(Segment::Key(variant.clone())),
                S::Unknown => None,
            })
            .collect(),
    )
}

/// What to do instead of a field earlier versions read.
fn retired(path: &str) -> Option<Message> {
    match path {
        "measures.number" => Some(message!(
            "โปรแกรมคำนวณเลขหัวข้อเอง มาตรการได้เลขต่อจากหัวข้อของรายงาน ให้ลบช่องนี้ออก",
            "section numbers are derived now: the measures are numbered after the report's sections; remove the field"
        )),
        _ => None,
    }
}

/// Serde's message with Rust's type names said as a user would: "expected f64" → "expected a
/// number", "expected u16" → "expected a whole number".
fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once("expected ") else {
        return message.to_owned();
    };
    let plain = match expected.trim() {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" => "a whole number",
        _ => return message.to_owned(),
    };
    format!("{head}expected {plain}")
}

/// The field name in serde's "unknown field `x`, expected …" message.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_owned())
}

/// The object holding the last segment of `path`, if the path leads to one.
fn parent_object<'v>(
    value: &'v mut Value,
    path: &JsonPath,
) -> Option<&'v mut serde_json::Map<String, Value>> {
    let (_, parents) = path.0.split_last()?;
    let mut node = value;
    for seg in parents {
        node = match (seg, node) {
            (Segment::Key(k), Value::Object(map)) => map.get_mut(k)?,
            (Segment::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    node.as_object_mut()
}

/// Removes and returns the field at `path`.
fn take(value: &mut Value, path: &JsonPath) -> Option<Value> {
    let Some(Segment::Key(key)) = path.0.last() else {
        return None;
    };
    parent_object(value, path)?.remove(key)
}

/// Puts `field` into the object at `object_path` unless it is already there.
fn insert(value: &mut Value, object_path: &JsonPath, field: &str, item: Value) {
    if let Some(map) = parent_object(value, &object_path.key(field)) {
        map.entry(field.to_owned()).or_insert(item);
    }
}

/// The field names serde lists after "expected" in an unknown-field message.
fn expected_fields(message: &str) -> Vec<String> {
    let Some((_, list)) = message.split_once("expected") else {
        return Vec::new();
    };
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The byte range of the value at `path` in JSON `text`, or of its key when `key` is set;
/// the innermost value found when the path runs out (a missing field points at the object
/// that lacks it). `None` when the text is not one JSON value.
pub fn locate(text: &str, path: &[Segment], key: bool) -> Option<Range<usize>> {
    Some(crate::spanned::parse(text)?.locate(path, key))
}
