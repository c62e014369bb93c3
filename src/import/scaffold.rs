//! New packages written out as JSON a person will go on editing: the province package of an
//! imported sheet, and an agency's package with its measures drafted from the catalogue.
//!
//! The output is its own small set of types rather than the model's, so that the file holds
//! only what was known (no empty lists, no nulls), in the order the README describes a
//! package, one paragraph as a string and several as a list.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::results::AgencyResult;
use crate::catalogue::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::documents::measures::{Draft, MeasureRow, MeasuresLayout};
use crate::framework::Framework;
use crate::message;
use crate::model::{AgencyKind, Numerals, Paragraphs, Score, Tool};
use crate::thai;

#[derive(Serialize)]
pub(super) struct PackageOut {
    agency: AgencyOut,
    fiscal_year: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<ScoresOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    province: Option<ProvinceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measures: Option<MeasuresOut>,
    /// The default outline of the documents the package starts with, to edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    outline: Option<Value>,
}

#[derive(Serialize)]
struct AgencyOut {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<AgencyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    province: Option<String>,
}

#[derive(Serialize)]
struct ScoresOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tools: BTreeMap<Tool, f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    indicators: Vec<IndicatorOut>,
}

#[derive(Serialize)]
struct IndicatorOut {
    number: u8,
    name: String,
    tool: Tool,
    score: f64,
}

#[derive(Serialize)]
struct ProvinceOut {
    agencies: Vec<LocalAgencyOut>,
}

#[derive(Serialize)]
struct LocalAgencyOut {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    district: Option<String>,
    score: f64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tools: BTreeMap<Tool, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<String>,
}

#[derive(Serialize)]
struct MeasuresOut {
    layout: MeasuresLayout,
    rows: Vec<RowOut>,
}

#[derive(Serialize)]
struct RowOut {
    indicator: u8,
    measure: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    finding: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    steps: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    responsible: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    monitoring: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    timeframe: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<Draft>,
}

impl PackageOut {
    /// The package with its default outline written out (`init`): the agency edits the
    /// parts and their headings rather than starting an outline.
    pub(super) fn with_outline(mut self) -> Self {
        self.outline = default_outline(&self);
        self
    }

    /// Pretty JSON with a final newline, as a person would keep it under version control.
    pub(super) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// One paragraph as a string, several as a list, none as nothing.
fn paragraphs(p: &Paragraphs) -> Value {
    match p.0.as_slice() {
        [] => Value::Null,
        [one] => Value::String(one.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    }
}

/// The province package of an imported sheet: the agency list the province report ranks.
/// A row without a total takes the one the year's framework forms from its tools or
/// indicators; a row the framework gives none for is an error at its name cell.
pub(super) fn province(
    name: &str,
    province: Option<String>,
    framework: &Framework,
    agencies: &[AgencyResult],
) -> Result<PackageOut, Diagnostic> {
    let year = framework.fiscal_year;
    let rows = agencies
        .iter()
        .map(|a| {
            let score = a
                .total
                .or_else(|| a.formed_total(framework))
                .ok_or_else(|| no_total(a, year))?;
            Ok(LocalAgencyOut {
                name: a.name.clone(),
                district: a.district.clone(),
                score: score.0,
                tools: a.tools.iter().map(|(t, s)| (*t, s.0)).collect(),
                level: a.level.clone(),
            })
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    Ok(PackageOut {
        agency: AgencyOut {
            name: name.to_owned(),
            kind: None,
            district: None,
            province,
        },
        fiscal_year: year,
        scores: None,
        province: Some(ProvinceOut { agencies: rows }),
        measures: None,
        outline: None,
    })
}

fn no_total(agency: &AgencyResult, year: i32) -> Diagnostic {
    let (at, name) = (&agency.at, &agency.name);
    Diagnostic::error(message!(
        "{at}: ตารางไม่มีคะแนนรวมของ {name} และคำนวณจากคะแนนในแถวไม่ได้ตามเกณฑ์ปี {year}",
        "{at}: the sheet gives no total score for {name}, and the {year} framework does not form it from the row"
    ))
    .with_note(message!(
        "เพิ่มคอลัมน์คะแนนรวม (หัวคอลัมน์ \"คะแนนรวม\") ตามที่ประกาศ",
        "add a column of the published totals (headed \"คะแนนรวม\")"
    ))
}

/// What `init` starts an agency from.
pub struct Start<'a> {
    pub name: &'a str,
    pub district: Option<String>,
    pub province: Option<String>,
    /// The kind of agency, when the clerk says it (else what its name says plainly).
    pub kind: Option<AgencyKind>,
    pub year: i32,
    pub layout: MeasuresLayout,
    /// The agency's row of a results sheet, when known.
    pub scores: Option<&'a AgencyResult>,
}

/// An agency's package: its scores where known and a drafted measures row for each
/// indicator below the target (every indicator when no score says which).
pub(super) fn agency(start: &Start, framework: &Framework, catalogue: &Catalogue) -> PackageOut {
    // The kind given, else the kind its name says plainly; the clerk sets it where the name
    // leaves it open.
    let kind = start.kind.or_else(|| AgencyKind::guess(start.name));
    let scores = start.scores.map(|r| ScoresOut {
        total: r.total.map(|s| s.0),
        level: r.level.clone(),
        tools: r.tools.iter().map(|(t, s)| (*t, s.0)).collect(),
        indicators: framework
            .indicators
            .iter()
            .filter_map(|i| {
                r.indicators.get(&i.number).map(|s| IndicatorOut {
                    number: i.number,
                    name: i.name.clone(),
                    tool: i.tool,
                    score: s.0,
                })
            })
            .collect(),
    });
    let rows = weak_indicators(start.scores, framework)
        .into_iter()
        .filter_map(|(number, score)| {
            let to = crate::catalogue::For {
                agency: start.name,
                kind,
                year: start.year + 1,
                // A new package writes Thai digits (its `numerals` default).
                numerals: Numerals::Thai,
            };
            let mut row = catalogue.draft(number, start.layout, to)?;
            if let (Some(score), MeasuresLayout::ByIndicator) = (score, start.layout) {
                row.finding.0.insert(0, finding(framework, number, score));
                row.draft = row.draft.take().map(|d| Draft {
                    digest: row.content_digest(),
                    ..d
                });
            }
            Some(row_out(row))
        })
        .collect();
    PackageOut {
        agency: AgencyOut {
            name: start.name.to_owned(),
            kind,
            district: start.district.clone(),
            province: start.province.clone(),
        },
        fiscal_year: start.year,
        scores,
        province: None,
        measures: Some(MeasuresOut {
            layout: start.layout,
            rows,
        }),
        outline: None,
    }
}

/// The outline the package builds with when it gives none (its report and measures),
/// written out so that the agency edits it rather than starts one.
fn default_outline(out: &PackageOut) -> Option<Value> {
    let package: crate::documents::Package = serde_json::to_value(out)
        .and_then(serde_json::from_value)
        .ok()?;
    let resolved = crate::outline::resolve(&package);
    let mut outline = serde_json::json!({
        "report": resolved.report,
        "measures": resolved.measures,
    });
    plain(&mut outline);
    Some(outline)
}

/// Drops what a person need not write: nulls and `false`.
fn plain(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !(v.is_null() || *v == Value::Bool(false)));
            map.values_mut().for_each(plain);
        }
        Value::Array(items) => items.iter_mut().for_each(plain),
        _ => {}
    }
}

/// The indicators to draft measures for, with their scores: those below the target when
/// indicator scores are known; else every indicator of a tool below the target when tool
/// scores are; else every indicator. When nothing is below the target every indicator is
/// drafted too: a plan still covers them all.
fn weak_indicators(
    scores: Option<&AgencyResult>,
    framework: &Framework,
) -> Vec<(u8, Option<Score>)> {
    let target = framework.target.hundredths();
    let all = || {
        framework
            .indicators
            .iter()
            .map(|i| {
                (
                    i.number,
                    scores.and_then(|s| s.indicators.get(&i.number).copied()),
                )
            })
            .collect()
    };
    let Some(scores) = scores else { return all() };
    let below: Vec<(u8, Option<Score>)> = if !scores.indicators.is_empty() {
        scores
            .indicators
            .iter()
            .filter(|(_, s)| s.hundredths() < target)
            .map(|(n, s)| (*n, Some(*s)))
            .collect()
    } else {
        let weak: Vec<Tool> = scores
            .tools
            .iter()
            .filter(|(_, s)| s.hundredths() < target)
            .map(|(t, _)| *t)
            .collect();
        framework
            .indicators
            .iter()
            .filter(|i| weak.contains(&i.tool))
            .map(|i| (i.number, None))
            .collect()
    };
    if below.is_empty() { all() } else { below }
}

/// The finding of a drafted by-indicator row, from the score: "ตัวชี้วัดที่ ๙ การเปิดเผยข้อมูล
/// ได้คะแนน ๗๐.๐๐ ต่ำกว่าค่าเป้าหมาย ๘๕ คะแนน".
fn finding(framework: &Framework, number: u8, score: Score) -> String {
    let name = framework
        .indicator(number)
        .map_or(String::new(), |i| format!(" {}", i.name));
    let n = Numerals::Thai;
    let comparison = if score.hundredths() < framework.target.hundredths() {
        "ต่ำกว่า"
    } else {
        "ไม่ต่ำกว่า"
    };
    format!(
        "ตัวชี้วัดที่ {}{name} ได้คะแนน {} {comparison}ค่าเป้าหมาย {} คะแนน",
        thai::digits(&number.to_string(), n),
        thai::score(score, n),
        thai::target(framework.target, n)
    )
}

fn row_out(row: MeasureRow) -> RowOut {
    RowOut {
        indicator: row.indicator,
        measure: paragraphs(&row.measure),
        finding: paragraphs(&row.finding),
        steps: paragraphs(&row.steps),
        responsible: paragraphs(&row.responsible),
        monitoring: paragraphs(&row.monitoring),
        timeframe: paragraphs(&row.timeframe),
        draft: row.draft,
    }
}
