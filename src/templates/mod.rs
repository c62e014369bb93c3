//! minijinja templates that write Typst source, embedded in the binary, overridable on disk.
//!
//! Every value from the data reaches Typst as a string literal (`#"…";`), so markup and code
//! in user text (`#read(..)`, `*bold*`, `$x$`, `<label>`, `// comment`) print literally; only
//! the templates' own text is Typst. Numbers printed by a template follow the package's digit
//! style automatically, and so do the digits of text from the data (`digits.rs`); headings,
//! items, tables and figures are numbered as the source is written (`numbers.rs`). Undefined
//! variables are errors, so a misspelt name in a template fails loudly instead of leaving a
//! hole in an official document.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{Numerals, Score};
use crate::thai;

pub mod custom;
pub mod digits;
mod numbers;

/// The shared templates shipped inside the binary: (name, text). Each document kind's own
/// template is declared by its module in [`crate::documents`].
pub const SHARED: &[(&str, &str)] = &[
    ("main.typ", include_str!("../../report-templates/main.typ")),
    (
        "layout.typ",
        include_str!("../../report-templates/layout.typ"),
    ),
    (
        "style.typ",
        include_str!("../../report-templates/style.typ"),
    ),
    (ENGINE, include_str!("../../report-templates/engine.typ")),
    // The agency's own parts of an outline (src/outline.rs), for every document's template.
    (
        "parts.typ",
        include_str!("../../report-templates/parts.typ"),
    ),
    // The OIT detail's parts, for the OIT detail's and the report's templates.
    (
        "oit-parts.typ",
        include_str!("../../report-templates/oit-parts.typ"),
    ),
];

/// The template the program's own passes rely on (markers, the layout language): never
/// taken from a folder of overrides.
pub const ENGINE: &str = "engine.typ";

/// The name of every built-in template: the shared ones, then one per document kind.
pub fn names() -> Vec<String> {
    let shared = SHARED.iter().map(|(name, _)| (*name).to_owned());
    let kinds = crate::documents::ALL
        .into_iter()
        .map(|k| format!("{}.typ", k.name()));
    shared.chain(kinds).collect()
}

/// The built-in text of the template `name`, when there is one.
pub fn embedded(name: &str) -> Option<&'static str> {
    if let Some((_, text)) = SHARED.iter().find(|(n, _)| *n == name) {
        return Some(text);
    }
    let kind = crate::documents::DocKind::from_name(name.strip_suffix(".typ")?)?;
    Some(kind.spec().template)
}

/// The template set: embedded defaults, each replaceable by a same-named file in a folder.
pub struct Templates {
    env: Environment<'static>,
    dir: Option<Arc<PathBuf>>,
}

impl Templates {
    /// Templates from the binary, overridden by files in `dir` when given.
    pub fn new(dir: Option<&Path>) -> Result<Self, Diagnostic> {
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(Diagnostic::error(format!(
                "template folder `{}` does not exist or is not a folder",
                dir.display()
            )));
        }
        let dir = dir.map(|d| Arc::new(d.to_path_buf()));
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A loop in a template (an override on disk) cannot run for ever.
        env.set_fuel(Some(crate::limits::TEMPLATE_FUEL));
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ") {
                AutoEscape::Custom("typst")
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        let loader_dir = dir.clone();
        env.set_loader(move |name| {
            template_text(loader_dir.as_deref().map(PathBuf::as_path), name)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
        });
        env.add_filter("score", filter_score);
        env.add_filter("num", filter_num);
        env.add_filter("date_long", |state: &State, v: String| {
            filter_date(state, &v, false)
        });
        env.add_filter("date_short", |state: &State, v: String| {
            filter_date(state, &v, true)
        });
        env.add_filter("str", |v: String| {
            Value::from_safe_string(string_literal(&v))
        });
        env.add_filter("lit", filter_lit);
        env.add_filter("change", filter_change);
        env.add_filter("target", |state: &State, v: f64| {
            thai::target(Score(v), numerals(state))
        });
        env.add_filter("after", |v: String, before: String| {
            thai::spaced(&before, &v)
        });
        env.add_filter("group_levels", group_levels);
        numbers::register(&mut env);
        let templates = Self { env, dir };
        // Every template is parsed now, so that a mistake in one stops the run once, before
        // any package, instead of failing every package alike.
        for name in names() {
            templates
                .env
                .get_template(&name)
                .map_err(|e| templates.diagnostic(&e))?;
        }
        Ok(templates)
    }

    /// Renders `main.typ` with a context; errors point at the template line.
    pub fn render(&self, context: &Value) -> Result<String, Diagnostic> {
        let result = self
            .env
            .get_template("main.typ")
            .and_then(|t| t.render(context));
        result.map_err(|e| self.diagnostic(&e))
    }

    fn diagnostic(&self, outer: &Error) -> Diagnostic {
        // An error inside an included template arrives wrapped ("error in measures.typ"):
        // point at the innermost template line, where the mistake is.
        let mut e = outer;
        while let Some(inner) = std::error::Error::source(e).and_then(|s| s.downcast_ref::<Error>())
        {
            e = inner;
        }
        let mut message = match e.detail() {
            Some(detail) => format!("template error: {detail}"),
            None => format!("template error: {}", e.kind()),
        };
        let mut diag;
        match (e.name(), e.line()) {
            (Some(name), Some(line)) => {
                let shown = match &self.dir {
                    Some(dir) if dir.join(name).is_file() => dir.join(name).display().to_string(),
                    _ => format!("report-templates/{name} (embedded)"),
                };
                let text = template_text(self.dir.as_deref().map(PathBuf::as_path), name)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let range = line_range(&text, line);
                diag = Diagnostic::error(message).at(SourceFile::new(shown, text), range);
            }
            _ => {
                if let Some(name) = e.name() {
                    message.push_str(&format!(" in `{name}`"));
                }
                diag = Diagnostic::error(message);
            }
        }
        let mut source = std::error::Error::source(e);
        while let Some(inner) = source {
            diag = diag.with_note(inner.to_string());
            source = inner.source();
        }
        diag
    }
}

/// The text of a template: the file in `dir` if there is one, else the embedded one.
fn template_text(dir: Option<&Path>, name: &str) -> Result<Option<String>, String> {
    if let Some(dir) = dir.filter(|_| name != ENGINE) {
        let path = dir.join(name);
        if path.exists() {
            let bytes = crate::confine::read(dir, Path::new(name), crate::limits::TEMPLATE_BYTES)
                .map_err(|refusal| format!("template `{}` {refusal}", path.display()))?;
            return String::from_utf8(bytes).map(Some).map_err(|e| {
                format!(
                    "template `{}` is not UTF-8 text (invalid byte at offset {})",
                    path.display(),
                    e.utf8_error().valid_up_to()
                )
            });
        }
    }
    Ok(embedded(name).map(str::to_owned))
}

fn line_range(text: &str, line: usize) -> std::ops::Range<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let len = text[start.min(text.len())..]
        .split('\n')
        .next()
        .map_or(0, str::len);
    start..start + len
}

/// A Typst string literal holding `text` exactly.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes `text` for Typst markup: an embedded string expression, ended by `;` so that text
/// following it (`.`, letters) cannot continue the expression.
pub fn escape_markup(text: &str) -> String {
    format!("#{};", string_literal(text))
}

pub(crate) fn numerals(state: &State) -> Numerals {
    match state.lookup("numerals").as_ref().and_then(Value::as_str) {
        Some("arabic") => Numerals::Arabic,
        _ => Numerals::Thai,
    }
}

/// Prints values: none as nothing, numbers in the package's digits, text escaped for Typst
/// with its digits in the package's numerals too, but for addresses, file names and codes
/// ([`digits`]).
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if state.auto_escape() != AutoEscape::Custom("typst") {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_none() {
        return Ok(());
    }
    if value.is_safe() {
        return write!(out, "{value}").map_err(Error::from);
    }
    let text = match value.kind() {
        ValueKind::Number => thai::digits(&value.to_string(), numerals(state)),
        ValueKind::String => digits::follow(&value.to_string(), numerals(state)),
        ValueKind::Bool => value.to_string(),
        kind => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot print a {kind} into a document; print its fields instead"),
            ));
        }
    };
    write!(out, "{}", escape_markup(&text)).map_err(Error::from)
}

fn filter_score(state: &State, value: Value) -> Result<String, Error> {
    let Some(number) = value
        .as_i64()
        .map(|v| v as f64)
        .or_else(|| f64::try_from(value.clone()).ok())
    else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`score` needs a number, got {value}"),
        ));
    };
    Ok(thai::score(Score(number), numerals(state)))
}

/// A difference in hundredths with its sign: "+๐.๗๗", "-๑.๒๐", "๐.๐๐".
fn filter_change(state: &State, value: i64) -> String {
    let sign = if value > 0 { "+" } else { "" };
    format!("{sign}{}", thai::hundredths(value, numerals(state)))
}

fn filter_num(state: &State, value: Value) -> String {
    thai::digits(&value.to_string(), numerals(state))
}

fn filter_date(state: &State, value: &str, short: bool) -> Result<String, Error> {
    let date = thai::Date::parse(value)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?;
    let n = numerals(state);
    Ok(if short { date.short(n) } else { date.long(n) })
}

/// A number as a Typst literal (Arabic digits), for template code such as sizes.
/// A number or a boolean as a Typst literal (in Arabic digits, as code needs them).
fn filter_lit(value: Value) -> Result<Value, Error> {
    match value.kind() {
        ValueKind::Number => Ok(Value::from_safe_string(value.to_string())),
        // minijinja writes booleans as Python does ("True").
        ValueKind::Bool => Ok(Value::from_safe_string(value.is_true().to_string())),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`lit` needs a number or a boolean, got {value}"),
        )),
    }
}

/// The level of each row of an agency's own table as a subheader (2, 3, …), or 0 for a row
/// of data. A row of three or more cells with one cell filled names the group of the rows
/// after it (seed 001: "๙.๒) การบริหารงาน", then "๑) การดำเนินการ"). Set as a subheader,
/// it repeats at a page top, and the page flow keeps a group's rows together. A run of such
/// rows nests (the last is the deepest level yet); one alone replaces the deepest.
fn group_levels(rows: Vec<Vec<String>>) -> Vec<i64> {
    let heads: Vec<bool> = rows
        .iter()
        .map(|r| r.len() >= 3 && r.iter().filter(|c| !c.trim().is_empty()).count() == 1)
        .collect();
    let mut levels = vec![0; rows.len()];
    let (mut deepest, mut k) = (0, 0);
    while k < rows.len() {
        let run = heads[k..].iter().take_while(|&&h| h).count() as i64;
        if run == 0 {
            k += 1;
            continue;
        }
        deepest = deepest.max(run + 1);
        for j in 0..run {
            levels[k + j as usize] = deepest - run + 1 + j;
        }
        k += run as usize;
    }
    levels
}
