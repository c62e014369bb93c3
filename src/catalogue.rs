//! The measures catalogue: for each indicator, the measures real plans give, so that a new
//! agency's measures start from what agencies actually wrote rather than from a blank page.
//!
//! The catalogue is data (`report-templates/catalogue.json`, embedded), replaceable by
//! `<templates dir>/catalogue.json` like the templates, so a province can ship its own. Each
//! entry says which plan it came from; a row drafted from it carries that source and a digest
//! of what it said ([`crate::documents::measures::Draft`]), so `check` can say which rows are
//! still drafts.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::documents::measures::{Draft, MeasureRow, MeasuresLayout};
use crate::message;
use crate::model::{AgencyKind, Numerals, Paragraphs};

/// The catalogue shipped inside the binary.
pub const EMBEDDED: &str = include_str!("../report-templates/catalogue.json");

/// Stands where a plan named its own agency; replaced by the agency's name when drafting.
pub const AGENCY: &str = "{หน่วยงาน}";
/// Where a plan named a fiscal year: replaced by the year of the measures being drafted.
pub const YEAR: &str = "{ปี}";

/// `{กลุ่มงาน|ส่วนงาน}`: where a plan named one of its own units or its office, the plan's
/// word (before `|`) for an agency of the plan's kinds, a word every kind of agency uses
/// (after it) for the others: a police station's plan says no "กลุ่มงาน", which only a
/// provincial office has.
fn own_or_neutral(text: &str, own: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        out.push_str(&rest[..open]);
        match inner.split_once('|') {
            Some((plan, neutral)) => out.push_str(if own { plan } else { neutral }),
            // `{หน่วยงาน}`, `{ปี}`: filled by the caller.
            None => out.push_str(&rest[open..=open + len]),
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The measures catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// What the file is and how it was made.
    #[serde(default)]
    pub about: Vec<String>,
    /// Source id → the plan it names ("seed 002: เทศบาลเมืองร้อยเอ็ด, …").
    pub sources: std::collections::BTreeMap<String, String>,
    /// Source id → the kinds of agency its units belong to: a drafted row names the
    /// responsible unit only for an agency of one of these kinds.
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, Vec<AgencyKind>>,
    pub indicators: Vec<IndicatorMeasures>,
}

/// Who a row is drafted for.
#[derive(Debug, Clone, Copy)]
pub struct For<'a> {
    /// The agency's name, put where the plan named its own.
    pub agency: &'a str,
    /// Its kind: the responsible unit of a plan of another kind (or of an agency of a kind
    /// not known) is left for the clerk.
    pub kind: Option<AgencyKind>,
    /// The fiscal year of the measures.
    pub year: i32,
    /// The digits of the package: the drafted text is written in them throughout.
    pub numerals: Numerals,
}

/// The catalogue's measures for one indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorMeasures {
    pub number: u8,
    pub name: String,
    pub measures: Vec<Entry>,
}

/// One measures row as a real plan gave it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Key into [`Catalogue::sources`].
    pub source: String,
    /// The layout of the plan it came from: which columns it has.
    pub layout: MeasuresLayout,
    pub measure: Paragraphs,
    #[serde(default)]
    pub finding: Paragraphs,
    #[serde(default)]
    pub steps: Paragraphs,
    #[serde(default)]
    pub responsible: Paragraphs,
    #[serde(default)]
    pub monitoring: Paragraphs,
    #[serde(default)]
    pub timeframe: Paragraphs,
}

impl Catalogue {
    /// The embedded catalogue, or `<dir>/catalogue.json` when that file exists.
    pub fn load(dir: Option<&Path>) -> Result<Catalogue, Diagnostic> {
        let Some(folder) = dir.filter(|d| d.join("catalogue.json").is_file()) else {
            return parse("report-templates/catalogue.json", EMBEDDED);
        };
        let name = folder.join("catalogue.json").display().to_string();
        let bytes = crate::confine::read(
            folder,
            Path::new("catalogue.json"),
            crate::limits::TEMPLATE_BYTES,
        )
        .map_err(|refusal| {
            Diagnostic::error(message!(
                "คลังมาตรการ `{name}` {refusal}",
                "catalogue `{name}` {refusal}"
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            Diagnostic::error(message!(
                "คลังมาตรการ `{name}` ไม่ใช่ข้อความ UTF-8 (ไบต์ที่ใช้ไม่ได้ที่ตำแหน่ง {at})",
                "catalogue `{name}` is not UTF-8 text (invalid byte at offset {at})"
            ))
        })?;
        parse(&name, &text)
    }

    /// A drafted row for `indicator` in `layout`, for the agency and the measures' year of
    /// `to`: the first entry from a plan of the same layout, else the first entry with its
    /// columns mapped (a by-tool plan's monitoring is a by-indicator plan's timeframe and
    /// the reverse). `None` when the catalogue has nothing for the indicator.
    pub fn draft(&self, indicator: u8, layout: MeasuresLayout, to: For) -> Option<MeasureRow> {
        let entries = &self
            .indicators
            .iter()
            .find(|i| i.number == indicator)?
            .measures;
        let entry = entries
            .iter()
            .find(|e| e.layout == layout)
            .or_else(|| entries.first())?;
        let year = to.year.to_string();
        let same_kind = to.kind.is_some_and(|k| {
            self.kinds
                .get(&entry.source)
                .is_some_and(|ks| ks.contains(&k))
        });
        // Every number in the package's digits ("๑." in a Thai-digit plan, never "1.").
        let fill = |p: &Paragraphs| {
            Paragraphs(
                p.0.iter()
                    .map(|t| own_or_neutral(t, same_kind))
                    .map(|t| t.replace(AGENCY, to.agency).replace(YEAR, &year))
                    .map(|t| match to.numerals {
                        Numerals::Thai => crate::thai::thai_digits(&t),
                        Numerals::Arabic => crate::thai::arabic_digits(&t),
                    })
                    .collect(),
            )
        };
        let (monitoring, timeframe) = match layout {
            MeasuresLayout::ByTool if entry.monitoring.is_empty() => {
                (fill(&entry.timeframe), Paragraphs::default())
            }
            MeasuresLayout::ByTool => (fill(&entry.monitoring), Paragraphs::default()),
            _ if entry.timeframe.is_empty() => (Paragraphs::default(), fill(&entry.monitoring)),
            _ => (Paragraphs::default(), fill(&entry.timeframe)),
        };
        let finding = if layout == MeasuresLayout::ByIndicator {
            fill(&entry.finding)
        } else {
            Paragraphs::default()
        };
        let mut row = MeasureRow {
            indicator,
            measure: fill(&entry.measure),
            finding,
            steps: fill(&entry.steps),
            responsible: if same_kind {
                fill(&entry.responsible)
            } else {
                Paragraphs::default()
            },
            monitoring,
            timeframe,
            draft: None,
        };
        let from = self
            .sources
            .get(&entry.source)
            .cloned()
            .unwrap_or_else(|| entry.source.clone());
        row.draft = Some(Draft {
            from,
            digest: row.content_digest(),
        });
        Some(row)
    }
}

/// Parses a catalogue and checks what serde cannot: indicators 1–10, known sources.
fn parse(name: &str, text: &str) -> Result<Catalogue, Diagnostic> {
    let source = SourceFile::new(name, text);
    let catalogue: Catalogue = serde_json::from_str(text).map_err(|e| {
        let offset = crate::diagnostic::offset_of(text, e.line(), e.column());
        Diagnostic::error(message!(
            "คลังมาตรการ `{name}` อ่านไม่ได้: {e}",
            "catalogue `{name}`: {e}"
        ))
        .at(source.clone(), offset..offset)
    })?;
    for indicator in &catalogue.indicators {
        if !(1..=10).contains(&indicator.number) {
            let n = indicator.number;
            return Err(Diagnostic::error(message!(
                "คลังมาตรการ `{name}`: ไม่มีตัวชี้วัดที่ {n}",
                "catalogue `{name}`: indicator {n} does not exist"
            ))
            .with_note(message!("ตัวชี้วัดมีเลข ๑–๑๐", "indicators are numbered 1–10")));
        }
        if let Some(entry) = indicator
            .measures
            .iter()
            .find(|e| !catalogue.sources.contains_key(&e.source))
        {
            let (n, id) = (indicator.number, &entry.source);
            return Err(Diagnostic::error(message!(
                "คลังมาตรการ `{name}`: มาตรการของตัวชี้วัดที่ {n} อ้างแหล่งที่มา `{id}` ซึ่งไม่มีใน `sources`",
                "catalogue `{name}`: a measure of indicator {n} names source `{id}`, which `sources` does not list"
            )));
        }
    }
    Ok(catalogue)
}
