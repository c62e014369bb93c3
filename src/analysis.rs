//! Derived facts: what follows from the numbers, computed so a document cannot contradict them.
//!
//! Official scores are input; everything else a document states about them (highest and
//! lowest indicators, differences from last year, whether the target is met) is derived here
//! and handed to the templates with the validated package. Comparisons use exact hundredths.

use serde::Serialize;

use crate::framework;
use crate::model::{HistoryYear, MeasureRow, MeasuresLayout, Package, Paragraphs, Score, Tool};
use crate::narrative;

/// Everything templates need beyond the package itself.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// This year's indicators, by number, with names and tools resolved.
    pub indicators: Vec<IndicatorFact>,
    /// The tools that have indicators or a score this year, in IIT, EIT, OIT order.
    pub tools: Vec<ToolFact>,
    /// Highest and lowest indicators over all tools.
    pub highest: Vec<IndicatorFact>,
    pub lowest: Vec<IndicatorFact>,
    /// Whether the total reaches the target, when there is a total.
    pub meets_target: Option<bool>,
    /// The overall paragraph(s): the package's text, or generated.
    pub overall: Paragraphs,
    /// Earlier years, oldest first.
    pub history: Vec<HistoryYear>,
    /// The latest earlier year and the change of the total since then (hundredths).
    pub previous: Option<Previous>,
    /// The measures, grouped as the layout prints them.
    pub measures: Option<MeasuresFacts>,
    /// The letter's QR code as rows of `0`/`1` modules.
    pub qr: Option<Vec<String>>,
}

/// One indicator, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFact {
    pub number: u8,
    pub name: String,
    pub tool: Tool,
    pub score: Score,
    pub analysis: Paragraphs,
}

/// One tool's facts.
#[derive(Debug, Clone, Serialize)]
pub struct ToolFact {
    pub tool: Tool,
    /// The tool's full Thai title.
    pub title: String,
    pub score: Option<Score>,
    pub indicators: Vec<IndicatorFact>,
    pub highest: Vec<IndicatorFact>,
    pub lowest: Vec<IndicatorFact>,
    /// Indicators below the target.
    pub below_target: Vec<IndicatorFact>,
    /// The analysis paragraph(s): the package's text, or generated.
    pub narrative: Paragraphs,
}

/// The comparison with the latest earlier year.
#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    pub year: i32,
    pub total: Score,
    /// This year's total minus that year's, in hundredths.
    pub change: i64,
}

/// Measures grouped for printing.
#[derive(Debug, Clone, Serialize)]
pub struct MeasuresFacts {
    pub fiscal_year: i32,
    pub groups: Vec<MeasureGroup>,
}

/// Rows under one heading (a tool in layout `by_tool`; one group in layout `by_indicator`).
#[derive(Debug, Clone, Serialize)]
pub struct MeasureGroup {
    pub tool: Option<Tool>,
    pub title: Option<String>,
    pub rows: Vec<MeasureRowFact>,
}

/// A measures row with its indicator's name.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureRowFact {
    pub indicator_name: String,
    #[serde(flatten)]
    pub row: MeasureRow,
}

/// Derives the facts of a validated package.
pub fn derive(package: &Package) -> Facts {
    let mut indicators: Vec<IndicatorFact> = package
        .scores
        .iter()
        .flat_map(|s| &s.indicators)
        .map(|i| IndicatorFact {
            number: i.number,
            name: indicator_name(package, i.number),
            tool: framework::indicator(i.number).expect("validated").tool,
            score: i.score,
            analysis: i.analysis.clone(),
        })
        .collect();
    indicators.sort_by_key(|i| i.number);

    let target = package.scores.as_ref().map_or(Score(85.0), |s| s.target);
    let tools = Tool::ALL
        .iter()
        .filter_map(|&tool| {
            let of_tool: Vec<IndicatorFact> =
                indicators.iter().filter(|i| i.tool == tool).cloned().collect();
            let score = package.scores.as_ref().and_then(|s| s.tools.get(&tool).copied());
            if of_tool.is_empty() && score.is_none() {
                return None;
            }
            let (highest, lowest) = extremes(&of_tool);
            let below_target =
                of_tool.iter().filter(|i| i.score.hundredths() < target.hundredths()).cloned().collect();
            let mut fact = ToolFact {
                tool,
                title: framework::tool_title(tool).to_owned(),
                score,
                indicators: of_tool,
                highest,
                lowest,
                below_target,
                narrative: Paragraphs::default(),
            };
            let given = package.scores.as_ref().and_then(|s| s.tool_analysis.get(&tool));
            fact.narrative = match given {
                Some(text) if !text.is_empty() => text.clone(),
                _ => Paragraphs(vec![narrative::tool(&fact, target, package.numerals)]),
            };
            Some(fact)
        })
        .collect();

    let mut history = package.history.clone();
    history.sort_by_key(|h| h.year);
    let total = package.scores.as_ref().and_then(|s| s.total);
    let previous = history.iter().rev().find(|h| h.year < package.fiscal_year).and_then(|h| {
        total.map(|t| Previous { year: h.year, total: h.total, change: t.hundredths() - h.total.hundredths() })
    });

    let (highest, lowest) = extremes(&indicators);
    let mut facts = Facts {
        indicators,
        tools,
        highest,
        lowest,
        meets_target: total.map(|t| t.hundredths() >= target.hundredths()),
        overall: Paragraphs::default(),
        history,
        previous,
        measures: package.measures.as_ref().map(|m| measures(package, m)),
        // Encodability is a validation rule, so a validated package always encodes.
        qr: package.letter.as_ref().and_then(|l| l.qr.as_ref()).and_then(|q| crate::qr::matrix(&q.url).ok()),
    };
    facts.overall = match package.scores.as_ref().map(|s| &s.summary) {
        Some(text) if !text.is_empty() => text.clone(),
        _ => narrative::overall(package, &facts).map(|p| Paragraphs(vec![p])).unwrap_or_default(),
    };
    facts
}

/// The indicators with the highest and the lowest score (all of them when tied).
pub fn extremes(indicators: &[IndicatorFact]) -> (Vec<IndicatorFact>, Vec<IndicatorFact>) {
    let Some(max) = indicators.iter().map(|i| i.score.hundredths()).max() else {
        return (Vec::new(), Vec::new());
    };
    let min = indicators.iter().map(|i| i.score.hundredths()).min().expect("non-empty");
    let pick = |v: i64| indicators.iter().filter(|i| i.score.hundredths() == v).cloned().collect();
    (pick(max), pick(min))
}

/// The indicator's name as the package prints it, else the standard name.
pub fn indicator_name(package: &Package, number: u8) -> String {
    package
        .scores
        .iter()
        .flat_map(|s| &s.indicators)
        .find(|i| i.number == number)
        .and_then(|i| i.name.clone())
        .unwrap_or_else(|| framework::indicator(number).map(|i| i.name.to_owned()).unwrap_or_default())
}

fn measures(package: &Package, m: &crate::model::Measures) -> MeasuresFacts {
    let row_fact = |row: &MeasureRow| MeasureRowFact {
        indicator_name: indicator_name(package, row.indicator),
        row: row.clone(),
    };
    let groups = match m.layout {
        MeasuresLayout::Outline => Vec::new(),
        MeasuresLayout::ByIndicator => vec![MeasureGroup {
            tool: None,
            title: None,
            rows: m.rows.iter().map(row_fact).collect(),
        }],
        MeasuresLayout::ByTool => Tool::ALL
            .iter()
            .filter_map(|&tool| {
                let rows: Vec<MeasureRowFact> = m
                    .rows
                    .iter()
                    .filter(|r| framework::indicator(r.indicator).map(|i| i.tool) == Some(tool))
                    .map(row_fact)
                    .collect();
                (!rows.is_empty()).then(|| MeasureGroup {
                    tool: Some(tool),
                    title: Some(
                        m.group_titles
                            .get(&tool)
                            .cloned()
                            .unwrap_or_else(|| framework::tool_title(tool).to_owned()),
                    ),
                    rows,
                })
            })
            .collect(),
    };
    MeasuresFacts { fiscal_year: m.fiscal_year.unwrap_or(package.fiscal_year + 1), groups }
}
