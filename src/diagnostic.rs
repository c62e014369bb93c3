//! Errors and warnings as values, printed in one place and one style.
//!
//! Data, template and Typst problems all become a [`Diagnostic`]: a message, the file it is
//! about, a byte range in that file (for line, column and a pointer) and, for data, the JSON
//! path. The CLI prints them with codespan-reporting; tests snapshot the plain one-line form.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Files, SimpleFile};
use codespan_reporting::term::{self, termcolor::WriteColor};

/// The language diagnostics are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// For the officials who keep the data; the default.
    Thai,
    /// For engineers and logs shared beyond Thailand (`--lang en`).
    English,
}

static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Chooses the language of every diagnostic shown from now on (once, at start-up).
pub fn set_language(lang: Lang) {
    ENGLISH.store(lang == Lang::English, Ordering::Relaxed);
}

/// The language diagnostics are shown in.
pub fn language() -> Lang {
    if ENGLISH.load(Ordering::Relaxed) {
        Lang::English
    } else {
        Lang::Thai
    }
}

/// A message in English and, where it speaks of the user's data, in Thai as well.
///
/// What `check` finds in a package is read by officials in Thai, on the command line and in
/// the web workspace alike; messages from Typst and the system have English only and are
/// shown in English whatever the language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub thai: Option<String>,
    pub english: String,
}

impl Message {
    /// A message in both languages.
    pub fn new(thai: impl Into<String>, english: impl Into<String>) -> Self {
        Self {
            thai: Some(thai.into()),
            english: english.into(),
        }
    }

    /// The message in a language, or in English when it has no Thai.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.thai) {
            (Lang::Thai, Some(thai)) => thai,
            _ => &self.english,
        }
    }

    /// The message in the chosen language ([`language`]).
    pub fn shown(&self) -> &str {
        self.get(language())
    }
}

impl From<String> for Message {
    fn from(english: String) -> Self {
        Self {
            thai: None,
            english,
        }
    }
}

impl From<&str> for Message {
    fn from(english: &str) -> Self {
        english.to_owned().into()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.shown())
    }
}

/// A [`Message`] in Thai and English, each written as `format!` writes it:
/// `message!("คะแนน {x} …", "score {x} …")`.
#[macro_export]
macro_rules! message {
    ($thai:literal, $english:literal $(,)?) => {
        $crate::diagnostic::Message::new(format!($thai), format!($english))
    };
    ($thai:literal, $english:literal, $($arg:tt)+) => {
        $crate::diagnostic::Message::new(format!($thai, $($arg)+), format!($english, $($arg)+))
    };
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    /// What a check could not decide; never fails a run.
    Note,
}

/// A file a diagnostic points into: its name as shown to the user and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

/// Byte offset of a 1-based line and byte column, as serde_json reports them.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    floor_char_boundary(
        text,
        (line_start + column.saturating_sub(1)).min(text.len()),
    )
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One error or warning.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: Message,
    /// The file and the byte range the message is about, when there is one.
    pub location: Option<(SourceFile, Range<usize>)>,
    /// The JSON path of the offending value (`scores.indicators[2].score`), for data errors.
    pub json_path: Option<String>,
    /// Further lines: what was expected, how to fix it.
    pub notes: Vec<Message>,
}

impl Diagnostic {
    pub fn error(message: impl Into<Message>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            json_path: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<Message>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    pub fn note(message: impl Into<Message>) -> Self {
        Self {
            severity: Severity::Note,
            ..Self::error(message)
        }
    }

    pub fn at(mut self, file: SourceFile, range: Range<usize>) -> Self {
        self.location = Some((file, range));
        self
    }

    pub fn with_json_path(mut self, path: impl Into<String>) -> Self {
        self.json_path = Some(path.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<Message>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Prints the diagnostic with the source line and a pointer under the offending text.
    pub fn emit(&self, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let mut diag = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
            Severity::Note => cs::Diagnostic::note(),
        }
        .with_message(terminal_safe(self.message.shown()));
        let mut notes = Vec::new();
        if let Some(path) = &self.json_path {
            let path = terminal_safe(path);
            notes.push(match language() {
                Lang::Thai => format!("ตำแหน่งใน JSON `{path}`"),
                Lang::English => format!("at JSON path `{path}`"),
            });
        }
        notes.extend(self.notes.iter().map(|n| terminal_safe(n.shown())));
        diag = diag.with_notes(notes);
        let config = term::Config::default();
        match &self.location {
            Some((file, range)) => {
                // Only the lines the range covers are shown: cut them out, so that a batch
                // printing many warnings of a large file does not go over the whole file
                // for each.
                let (window, first_line, range) = lines_around(&file.text, range.clone());
                let (window, range, columns_cut) = excerpt(window, range);
                let (text, range) = safe_source(&window, range);
                let name = terminal_safe(&file.name);
                let lines = Window {
                    file: SimpleFile::new(name.as_str(), text.as_str()),
                    first_line,
                    columns_cut,
                };
                let diag = diag.with_labels(vec![cs::Label::primary((), range)]);
                term::emit(out, &config, &lines, &diag).map_err(std::io::Error::other)
            }
            None => {
                let empty = SimpleFile::new("", "");
                term::emit(out, &config, &empty, &diag).map_err(std::io::Error::other)
            }
        }
    }
}

/// The whole lines of `text` that `range` touches, the 0-based number of the first, and the
/// range within them.
fn lines_around(text: &str, range: Range<usize>) -> (&str, usize, Range<usize>) {
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let end = floor_char_boundary(text, range.end.min(text.len())).max(start);
    let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let last = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = text.as_bytes()[..first]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    (&text[first..last], line, start - first..end - first)
}

/// Characters of context kept on each side of a range in a long line.
const CONTEXT: usize = 40;
/// Characters of a range shown before the rest is elided.
const SHOWN: usize = 80;

/// A single line much longer than a terminal (a paragraph of Thai in one JSON string, a
/// minified file) cut down to the range with a little context, "…" where text was left out;
/// the range within it, and how many characters were cut before it. Other windows as given.
fn excerpt(window: &str, range: Range<usize>) -> (String, Range<usize>, usize) {
    let chars = window.chars().count();
    if window.contains('\n') || chars <= 2 * CONTEXT + SHOWN {
        return (window.to_owned(), range, 0);
    }
    let char_at = |byte: usize| window[..byte].chars().count();
    let byte_at = |ch: usize| {
        window
            .char_indices()
            .nth(ch)
            .map_or(window.len(), |(b, _)| b)
    };
    let (start, end) = (char_at(range.start), char_at(range.end));
    let from = start.saturating_sub(CONTEXT);
    let shown_end = end.min(start + SHOWN);
    let to = (shown_end + CONTEXT).min(chars);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let offset = out.len();
    out.push_str(&window[byte_at(from)..byte_at(to)]);
    let range =
        offset + byte_at(start) - byte_at(from)..offset + byte_at(shown_end) - byte_at(from);
    if to < chars {
        out.push('…');
    }
    // The "…" stands for the characters before it: columns count from the line's start.
    (out, range, from.saturating_sub(usize::from(from > 0)))
}

/// Some lines of a file, numbered as in the file; `columns_cut` characters left out at the
/// start of the first (see [`excerpt`]).
struct Window<'a> {
    file: SimpleFile<&'a str, &'a str>,
    first_line: usize,
    columns_cut: usize,
}

impl<'a> Files<'a> for Window<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Files::name(&self.file, id)
    }

    fn source(&'a self, id: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Files::source(&self.file, id)
    }

    fn line_index(
        &'a self,
        id: (),
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Files::line_index(&self.file, id, byte_index)
    }

    fn line_number(
        &'a self,
        _: (),
        line_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.first_line + line_index + 1)
    }

    fn line_range(
        &'a self,
        id: (),
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        Files::line_range(&self.file, id, line_index)
    }

    fn column_number(
        &'a self,
        id: (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let column = Files::column_number(&self.file, id, line_index, byte_index)?;
        Ok(if line_index == 0 {
            column + self.columns_cut
        } else {
            column
        })
    }
}

/// Text as a terminal may show it: control characters (escape sequences, bells) other than
/// line feed and tab, and bidi overrides, written as `\u{1b}` instead of acting.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A source made terminal-safe, with the range moved to the same text in it.
fn safe_source(text: &str, range: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if !text.chars().any(unsafe_char) {
        return (text.to_owned(), range);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let (mut start, mut end) = (range.start, range.end);
    for (at, c) in text.char_indices() {
        if at == range.start {
            start = out.len();
        }
        if at == range.end {
            end = out.len();
        }
        if unsafe_char(c) {
            out.push_str(&terminal_safe(&c.to_string()))
        } else {
            out.push(c)
        }
    }
    if range.end >= text.len() {
        end = out.len();
    }
    if range.start >= text.len() {
        start = out.len();
    }
    (out, start..end.max(start))
}

/// The one-line form: `file:line:column: error: message [at json.path]`, plus notes.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((file, range)) = &self.location {
            let (line, column) = file.line_column(range.start);
            write!(f, "{}:{line}:{column}: ", file.name)?;
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{kind}: {}", terminal_safe(self.message.shown()))?;
        if let Some(path) = &self.json_path {
            match language() {
                Lang::Thai => write!(f, " (ที่ `{path}`)")?,
                Lang::English => write!(f, " (at `{path}`)")?,
            }
        }
        for note in &self.notes {
            write!(f, "\n  note: {}", terminal_safe(note.shown()))?;
        }
        Ok(())
    }
}

/// Diagnostics that stopped a package, carried as one error value.
#[derive(Debug, Clone)]
pub struct Failure(pub Vec<Diagnostic>);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A JSON path, printed as `scores.indicators[2].score`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPath(pub Vec<Segment>);

impl JsonPath {
    pub fn key(&self, key: &str) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_owned()));
        p
    }

    pub fn index(&self, index: usize) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Segment::Index(index));
        p
    }
}

impl std::fmt::Display for JsonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<top level>");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
