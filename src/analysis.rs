//! Derived facts: what follows from the numbers, computed so a document cannot contradict them.
//!
//! Official scores are input; everything a document states about them (levels, highest and
//! lowest indicators, differences from earlier years, gains and losses, counts per level,
//! ranks, pass and fail) is derived here from the validated package and its year's framework,
//! and handed to the templates. Comparisons and differences use exact hundredths.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::documents::Package;
use crate::documents::measures::{MeasureRow, MeasuresLayout};
use crate::documents::oit::{Oit, WeakPoints};
use crate::framework::{Band, Formed, Framework, Frameworks, LevelOutcome};
use crate::model::{HistoryYear, Paragraphs, Score, Tool};

/// Everything templates need beyond the package itself.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// This year's indicators, by number, with names, tools and changes resolved.
    pub indicators: Vec<IndicatorFact>,
    /// The tools that have indicators or a score this year, in the framework's order.
    pub tools: Vec<ToolFact>,
    /// Highest, second and lowest indicators over all tools.
    pub extremes: Extremes,
    /// The indicators that gained and lost most since the previous year.
    pub changes: Changes,
    /// Whether the total reaches the target, when there is a total.
    pub meets_target: Option<bool>,
    /// The target score of the year.
    pub target: Score,
    /// This year's level.
    pub level: Option<LevelFact>,
    /// The overall paragraph(s): the package's text, or (after [`crate::narrative::derive`])
    /// generated.
    pub overall: Paragraphs,
    /// Earlier years, oldest first, each with its level under its own year's framework.
    pub history: Vec<HistoryFact>,
    /// The latest earlier year and the change of the total since then (hundredths).
    pub previous: Option<Previous>,
    /// Totals over the years, oldest first, this year last (for the chart).
    pub totals: Vec<YearTotal>,
    /// The province summary.
    pub province: Option<ProvinceFacts>,
    /// The OIT result item by item.
    pub oit: Option<OitFacts>,
    /// The measures, grouped as the layout prints them.
    pub measures: Option<MeasuresFacts>,
    /// The report's numbered figures and tables, in print order (what "ภาพที่ ๒" can mean).
    pub figures: Vec<Figure>,
    pub tables: Vec<Figure>,
    /// The parts each document prints, in order: the package's outline, or the default.
    pub outline: crate::outline::Resolved,
    /// The total printed: the package's, else the weighted sum of the tools where the year's
    /// framework gives every weight and every tool has a score (given or formed).
    pub total: Option<Score>,
    /// The tool scores printed: the package's, and those formed from their indicators.
    pub tool_scores: BTreeMap<Tool, Score>,
    /// Which of the printed scores the program formed.
    pub derived: DerivedScores,
    /// The agency's group as the NACC names it, when its kind is given.
    pub agency_kind: Option<&'static str>,
}

/// The scores the program formed because the package leaves them out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DerivedScores {
    pub tools: Vec<Tool>,
    pub total: bool,
}

/// A numbered figure or table of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// The overall score by year (one bar when there is no earlier year).
    Totals,
    /// This year's indicators.
    Indicators,
    /// Earlier years compared.
    History,
    /// The province's indicators.
    ProvinceIndicators,
}

/// The largest rises and falls of indicator scores since the previous year; each a group of
/// ties. `gain_second` is the next largest rise, "รองลงมาคือ".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    pub gain: Vec<IndicatorFact>,
    pub gain_second: Vec<IndicatorFact>,
    pub loss: Vec<IndicatorFact>,
}

/// An earlier year with its level: stated, derived by that year's framework, and shown.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryFact {
    pub year: i32,
    pub tools: BTreeMap<Tool, Score>,
    pub total: Score,
    pub note: Option<String>,
    pub level: LevelFact,
    /// Whether the total reached that year's target; none without that year's framework.
    pub meets_target: Option<bool>,
}

/// One indicator, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFact {
    pub number: u8,
    pub name: String,
    pub tool: Tool,
    pub score: Score,
    pub analysis: Paragraphs,
    /// The bold lead of its analysis as the agency writes it.
    pub analysis_title: Option<String>,
    /// The score of the previous year that gives this indicator, and the change (hundredths).
    pub previous: Option<Score>,
    pub change: Option<i64>,
}

/// Highest, second-highest and lowest of a set of indicators; each a group of ties.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extremes {
    pub highest: Vec<IndicatorFact>,
    /// The next score below the highest, when it is not also the lowest.
    pub second: Vec<IndicatorFact>,
    pub lowest: Vec<IndicatorFact>,
}

/// One tool's facts.
#[derive(Debug, Clone, Serialize)]
pub struct ToolFact {
    pub tool: Tool,
    /// The tool's full Thai title, and the short form for sentences.
    pub title: String,
    pub phrase: String,
    pub score: Option<Score>,
    /// The previous year's score of the tool and the change (hundredths).
    pub previous: Option<Score>,
    pub change: Option<i64>,
    pub indicators: Vec<IndicatorFact>,
    pub extremes: Extremes,
    /// The indicators of the tool that gained and lost most since the previous year.
    pub changes: Changes,
    /// Indicators below the target.
    pub below_target: Vec<IndicatorFact>,
    /// The analysis paragraph(s): the package's text, or (after [`crate::narrative::derive`])
    /// generated.
    pub narrative: Paragraphs,
}

/// A level: what the data states, what the rule gives, and what documents print.
#[derive(Debug, Clone, Serialize)]
pub struct LevelFact {
    pub stated: Option<String>,
    /// The level the rule decides, when it can.
    pub derived: Option<String>,
    /// The levels still possible when the rule cannot decide (tool scores missing).
    pub possible: Vec<String>,
    /// What a document prints: the derived level, else the stated one when the rule allows
    /// it, else nothing.
    pub shown: Option<String>,
}

/// The comparison with the latest earlier year.
#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    pub year: i32,
    pub total: Score,
    /// This year's total minus that year's, in hundredths.
    pub change: i64,
}

/// One year's total.
#[derive(Debug, Clone, Serialize)]
pub struct YearTotal {
    pub year: i32,
    pub total: Score,
}

/// The province summary, derived from its agency rows.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceFacts {
    /// Number of agencies listed.
    pub count: usize,
    /// Province-wide score per indicator, with names.
    pub indicators: Vec<IndicatorFact>,
    /// The level table: every level of the year with its band, its count and its agencies
    /// ranked, highest level first; the group of agencies whose level cannot be told comes
    /// after the lowest level it could be (after the passing levels, when their tool scores
    /// are missing), so ranks still run down the report.
    pub levels: Vec<LevelGroup>,
    /// Agencies at or above the target, and below it.
    pub pass: usize,
    pub fail: usize,
    /// The mean of the agency scores (hundredths, rounded half up).
    pub mean: i64,
    /// All agencies ranked by score (ties share a rank).
    pub ranked: Vec<RankedAgency>,
}

/// One level of the province's level table.
#[derive(Debug, Clone, Serialize)]
pub struct LevelGroup {
    /// The level and its band; none for the group of agencies whose level cannot be told.
    pub band: Option<Band>,
    pub agencies: Vec<RankedAgency>,
    /// Whether some agency whose level cannot be told may be at this level: its count is
    /// then only a least count.
    pub open: bool,
}

/// An agency with its rank.
#[derive(Debug, Clone, Serialize)]
pub struct RankedAgency {
    /// Rank among all agencies of the province (1224 ranking: ties share, then skip).
    pub rank: usize,
    pub name: String,
    pub district: Option<String>,
    pub score: Score,
    pub tools: BTreeMap<Tool, Score>,
    pub level: LevelFact,
}

/// The OIT detail with the scores its items give.
#[derive(Debug, Clone, Serialize)]
pub struct OitFacts {
    pub indicators: Vec<OitIndicatorFact>,
    /// The OIT score the detail prints: the share of items where the year forms OIT that way,
    /// else the published one (`scores.tools.OIT`), if any.
    pub score: Option<Score>,
    /// Whether the year forms OIT scores as the share of items scored 100, so that the
    /// detail can say the items "come to" its score ("คิดเป็น").
    pub from_items: bool,
    /// Items scored 100 over all items (17 of 30 → 56.67).
    pub share: Score,
    pub passed: usize,
    pub items: usize,
    /// The weak-point tables: the package's text, or generated from the items scored 0.
    pub urgent: WeakPointsFact,
    pub improve: WeakPointsFact,
}

/// One OIT indicator with the score its items give.
#[derive(Debug, Clone, Serialize)]
pub struct OitIndicatorFact {
    pub number: u8,
    pub name: String,
    /// The indicator's score the detail prints, as [`OitFacts::score`].
    pub score: Option<Score>,
    /// Its items scored 100 over all its items.
    pub share: Score,
    pub passed: usize,
    pub items: usize,
    #[serde(flatten)]
    pub detail: crate::documents::oit::OitIndicator,
}

/// A weak-point table ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct WeakPointsFact {
    /// Whether the text is the package's own (else generated).
    pub given: bool,
    pub intro: Paragraphs,
    pub rows: Vec<WeakPointRowFact>,
}

/// One row: the indicator and the issue as paragraphs.
#[derive(Debug, Clone, Serialize)]
pub struct WeakPointRowFact {
    pub indicator: u8,
    pub name: String,
    pub text: Paragraphs,
    /// For a generated row, the items scored 0 that its text names.
    pub failed: Vec<crate::documents::oit::OitItem>,
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

/// Derives the facts of a validated package under its year's framework; earlier years are
/// judged under their own frameworks where `frameworks` has them.
pub fn derive(package: &Package, fw: &Framework, frameworks: &Frameworks) -> Facts {
    let earlier = earlier_years(package);
    let last = earlier.last();
    let indicators = indicator_facts(package, fw, &earlier);
    let target = package.scores.as_ref().map_or(fw.target, |s| s.target);
    let scores = derived_scores(package, fw);
    let tools = tool_facts(package, fw, &indicators, &scores.tools, last, target);
    let total = scores.total;
    let previous = last.and_then(|h| {
        total.map(|t| Previous {
            year: h.year,
            total: h.total,
            change: t.hundredths() - h.total.hundredths(),
        })
    });
    let level = package.scores.as_ref().and_then(|s| {
        let outcome = total.map(|t| fw.level(t, &scores.tools));
        (s.level.is_some() || outcome.is_some())
            .then(|| level_fact(s.level.clone(), outcome.unwrap_or(LevelOutcome::Unknown)))
    });
    let mut facts = Facts {
        extremes: extremes(&indicators),
        changes: changes(&indicators),
        indicators,
        tools,
        meets_target: total.map(|t| t.hundredths() >= target.hundredths()),
        target,
        level,
        overall: Paragraphs::default(),
        history: earlier
            .iter()
            .map(|h| history_fact(h, frameworks))
            .collect(),
        previous,
        totals: year_totals(&earlier, total, package.fiscal_year),
        province: package
            .province
            .as_ref()
            .map(|p| province(package, fw, p, target)),
        oit: package.oit.as_ref().map(|o| oit(package, fw, o)),
        measures: package.measures.as_ref().map(|m| measures(package, fw, m)),
        figures: Vec::new(),
        tables: Vec::new(),
        outline: crate::outline::resolve(package),
        total,
        tool_scores: scores.tools,
        derived: scores.derived,
        agency_kind: package.agency.kind.map(|k| k.thai()),
    };
    (facts.figures, facts.tables) = numbered(&facts, package.fiscal_year);
    facts.overall = package
        .scores
        .as_ref()
        .map(|s| s.summary.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_default();
    facts
}

/// The years before the package's, oldest first.
fn earlier_years(package: &Package) -> Vec<HistoryYear> {
    let mut earlier: Vec<HistoryYear> = package
        .history
        .iter()
        .filter(|h| h.year < package.fiscal_year)
        .cloned()
        .collect();
    earlier.sort_by_key(|h| h.year);
    earlier
}

/// This year's indicators by number, each with the latest earlier year that gives it.
fn indicator_facts(
    package: &Package,
    fw: &Framework,
    earlier: &[HistoryYear],
) -> Vec<IndicatorFact> {
    let mut indicators: Vec<IndicatorFact> = package
        .scores
        .iter()
        .flat_map(|s| &s.indicators)
        .map(|i| {
            let previous = earlier.iter().rev().find_map(|h| {
                h.indicators
                    .iter()
                    .find(|p| p.number == i.number)
                    .map(|p| p.score)
            });
            IndicatorFact {
                analysis: i.analysis.clone(),
                analysis_title: i.analysis_title.clone(),
                ..indicator_fact(package, fw, i.number, i.score, previous)
            }
        })
        .collect();
    indicators.sort_by_key(|i| i.number);
    indicators
}

/// The scores the documents print: those given, and where the package leaves them out,
/// those the year's framework forms (tools from their indicators, the total from the tools).
struct Derived {
    tools: BTreeMap<Tool, Score>,
    total: Option<Score>,
    derived: DerivedScores,
}

fn derived_scores(package: &Package, fw: &Framework) -> Derived {
    let Some(scores) = &package.scores else {
        return Derived {
            tools: BTreeMap::new(),
            total: None,
            derived: DerivedScores::default(),
        };
    };
    let tools = crate::completion::formed_tools(scores, fw);
    let derived_tools = tools
        .keys()
        .filter(|t| !scores.tools.contains_key(t))
        .copied()
        .collect();
    let formed_total = fw
        .weighted_total(&tools)
        .filter(|_| fw.missing_tools(&tools).is_empty());
    let total = scores
        .total
        .or_else(|| formed_total.map(|h| Score(h as f64 / 100.0)));
    Derived {
        derived: DerivedScores {
            tools: derived_tools,
            total: scores.total.is_none() && total.is_some(),
        },
        tools,
        total,
    }
}

/// Each tool of the year that has indicators or a score.
fn tool_facts(
    package: &Package,
    fw: &Framework,
    indicators: &[IndicatorFact],
    scores: &BTreeMap<Tool, Score>,
    last: Option<&HistoryYear>,
    target: Score,
) -> Vec<ToolFact> {
    fw.tools
        .iter()
        .filter_map(|spec| {
            let tool = spec.tool;
            let of_tool: Vec<IndicatorFact> = indicators
                .iter()
                .filter(|i| i.tool == tool)
                .cloned()
                .collect();
            let score = scores.get(&tool).copied();
            if of_tool.is_empty() && score.is_none() {
                return None;
            }
            let previous = last.and_then(|h| h.tools.get(&tool).copied());
            let below_target = of_tool
                .iter()
                .filter(|i| i.score.hundredths() < target.hundredths())
                .cloned()
                .collect();
            // The package's own paragraph; [`crate::narrative`] writes one where it gives none.
            let given = package
                .scores
                .as_ref()
                .and_then(|s| s.tool_analysis.get(&tool));
            Some(ToolFact {
                tool,
                title: spec.title.clone(),
                phrase: spec.phrase.clone(),
                score,
                previous,
                change: score
                    .zip(previous)
                    .map(|(s, p)| s.hundredths() - p.hundredths()),
                extremes: extremes(&of_tool),
                changes: changes(&of_tool),
                indicators: of_tool,
                below_target,
                narrative: given.filter(|t| !t.is_empty()).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// Totals over the years, oldest first, this year's last when there is one.
fn year_totals(earlier: &[HistoryYear], total: Option<Score>, year: i32) -> Vec<YearTotal> {
    let mut totals: Vec<YearTotal> = earlier
        .iter()
        .map(|h| YearTotal {
            year: h.year,
            total: h.total,
        })
        .collect();
    if let Some(total) = total {
        totals.push(YearTotal { year, total });
    }
    totals
}

/// The report's numbered figures and tables, in the order its outline prints them: a part
/// with a caption whose data is there.
fn numbered(facts: &Facts, year: i32) -> (Vec<Figure>, Vec<Figure>) {
    use crate::model::Part;
    let mut figures = Vec::new();
    let mut tables = Vec::new();
    let province_indicators = facts
        .province
        .as_ref()
        .is_some_and(|p| !p.indicators.is_empty());
    for part in &facts.outline.report {
        let (figure, present, table) = match part {
            Part::TotalsChart(b) => (
                b,
                facts.totals.last().is_some_and(|t| t.year == year),
                false,
            ),
            Part::IndicatorsChart(b) => (b, !facts.indicators.is_empty(), false),
            Part::ProvinceIndicatorsChart(b) => (b, province_indicators, false),
            Part::IndicatorTable(b) => (b, !facts.indicators.is_empty(), true),
            Part::HistoryTable(b) => (b, !facts.history.is_empty(), true),
            _ => continue,
        };
        if !present || figure.caption.is_none() {
            continue;
        }
        let which = match part {
            Part::TotalsChart(_) => Figure::Totals,
            Part::IndicatorsChart(_) | Part::IndicatorTable(_) => Figure::Indicators,
            Part::HistoryTable(_) => Figure::History,
            _ => Figure::ProvinceIndicators,
        };
        if table {
            tables.push(which);
        } else {
            figures.push(which);
        }
    }
    (figures, tables)
}

/// An earlier year judged by its own year's framework.
fn history_fact(h: &HistoryYear, frameworks: &Frameworks) -> HistoryFact {
    let fw = frameworks.get(h.year);
    let outcome = fw.map_or(LevelOutcome::Unknown, |fw| fw.level(h.total, &h.tools));
    HistoryFact {
        year: h.year,
        tools: h.tools.clone(),
        total: h.total,
        note: h.note.clone(),
        level: level_fact(h.level.clone(), outcome),
        meets_target: fw.map(|fw| h.total.hundredths() >= fw.target.hundredths()),
    }
}

/// The largest rise with the next largest, and the largest fall, over indicators with a change.
pub fn changes(indicators: &[IndicatorFact]) -> Changes {
    let mut rises: Vec<i64> = indicators
        .iter()
        .filter_map(|i| i.change)
        .filter(|&c| c > 0)
        .collect();
    rises.sort_unstable_by(|a, b| b.cmp(a));
    rises.dedup();
    let with = |change: Option<&i64>| -> Vec<IndicatorFact> {
        change.map_or_else(Vec::new, |c| {
            indicators
                .iter()
                .filter(|i| i.change == Some(*c))
                .cloned()
                .collect()
        })
    };
    let loss = indicators
        .iter()
        .filter_map(|i| i.change)
        .filter(|&c| c < 0)
        .min();
    Changes {
        gain: with(rises.first()),
        gain_second: with(rises.get(1)),
        loss: with(loss.as_ref()),
    }
}

/// Resolves a level against what the rule says.
pub fn level_fact(stated: Option<String>, outcome: LevelOutcome) -> LevelFact {
    let (derived, possible) = match &outcome {
        LevelOutcome::Decided(name) => (Some(name.clone()), vec![name.clone()]),
        LevelOutcome::OneOf(names) => (None, names.clone()),
        LevelOutcome::Unknown => (None, Vec::new()),
    };
    let shown = derived
        .clone()
        .or_else(|| stated.clone().filter(|s| outcome.allows(s)));
    LevelFact {
        stated,
        derived,
        possible,
        shown,
    }
}

/// The highest, second and lowest indicators (all of them when tied).
pub fn extremes(indicators: &[IndicatorFact]) -> Extremes {
    let mut values: Vec<i64> = indicators.iter().map(|i| i.score.hundredths()).collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    values.dedup();
    let pick = |v: i64| {
        indicators
            .iter()
            .filter(|i| i.score.hundredths() == v)
            .cloned()
            .collect()
    };
    match values.as_slice() {
        [] => Extremes::default(),
        [only] => Extremes {
            highest: pick(*only),
            second: Vec::new(),
            lowest: pick(*only),
        },
        [high, low] => Extremes {
            highest: pick(*high),
            second: Vec::new(),
            lowest: pick(*low),
        },
        [high, second, .., low] => Extremes {
            highest: pick(*high),
            second: pick(*second),
            lowest: pick(*low),
        },
    }
}

/// An indicator with its name and tool resolved, and its change from `previous`.
fn indicator_fact(
    package: &Package,
    fw: &Framework,
    number: u8,
    score: Score,
    previous: Option<Score>,
) -> IndicatorFact {
    IndicatorFact {
        number,
        name: indicator_name(package, fw, number),
        tool: fw.indicator(number).expect("validated").tool,
        score,
        analysis: Paragraphs::default(),
        analysis_title: None,
        previous,
        change: previous.map(|p| score.hundredths() - p.hundredths()),
    }
}

/// The indicator's name as the package prints it, else the framework's name.
pub fn indicator_name(package: &Package, fw: &Framework, number: u8) -> String {
    package
        .scores
        .iter()
        .flat_map(|s| &s.indicators)
        .find(|i| i.number == number)
        .and_then(|i| i.name.clone())
        .unwrap_or_else(|| {
            fw.indicator(number)
                .map(|i| i.name.clone())
                .unwrap_or_default()
        })
}

/// Ranks scores, highest first; equal scores share a rank and the next rank skips (1, 2, 2, 4).
pub fn ranks(scores: &[Score]) -> Vec<usize> {
    // One sort, then a binary search per score: counting per score made a province of
    // 160,000 agencies take two minutes to import.
    let mut descending: Vec<i64> = scores.iter().map(|s| s.hundredths()).collect();
    descending.sort_unstable_by(|a, b| b.cmp(a));
    scores
        .iter()
        .map(|s| 1 + descending.partition_point(|&o| o > s.hundredths()))
        .collect()
}

fn province(
    package: &Package,
    fw: &Framework,
    p: &crate::model::Province,
    target: Score,
) -> ProvinceFacts {
    let scores: Vec<Score> = p.agencies.iter().map(|a| a.score).collect();
    let ranked = ranked_agencies(fw, p, &scores);
    let levels = level_groups(fw, &ranked);
    let pass = scores
        .iter()
        .filter(|s| s.hundredths() >= target.hundredths())
        .count();
    let count = scores.len();
    let mean = if count == 0 {
        0
    } else {
        crate::completion::mean(&scores)
    };
    let mut indicators: Vec<IndicatorFact> = p
        .indicators
        .iter()
        .map(|i| indicator_fact(package, fw, i.number, i.score, None))
        .collect();
    indicators.sort_by_key(|i| i.number);
    ProvinceFacts {
        count,
        indicators,
        levels,
        pass,
        fail: count - pass,
        mean,
        ranked,
    }
}

/// The agencies by rank, each with its level under the year's rule.
fn ranked_agencies(
    fw: &Framework,
    p: &crate::model::Province,
    scores: &[Score],
) -> Vec<RankedAgency> {
    let mut ranked: Vec<RankedAgency> = p
        .agencies
        .iter()
        .zip(ranks(scores))
        .map(|(a, rank)| RankedAgency {
            rank,
            name: a.name.clone(),
            district: a.district.clone(),
            score: a.score,
            tools: a.tools.clone(),
            // In a year whose rule is uncertain a stated level is shown where the level
            // table's band holds the score (else the list would contradict the table).
            level: level_fact(
                a.level.clone(),
                if fw.levels.certain {
                    fw.level(a.score, &a.tools)
                } else {
                    fw.band_outcome(a.score)
                },
            ),
        })
        .collect();
    // Stable: agencies with equal scores keep the order of the data.
    ranked.sort_by_key(|a| a.rank);
    ranked
}

/// The level table: each band with its agencies, and the agencies whose level cannot be
/// told after the lowest level they could be.
fn level_groups(fw: &Framework, ranked: &[RankedAgency]) -> Vec<LevelGroup> {
    let without: Vec<RankedAgency> = ranked
        .iter()
        .filter(|a| a.level.shown.as_deref().is_none_or(|l| !fw.has_level(l)))
        .cloned()
        .collect();
    let mut levels: Vec<LevelGroup> = fw
        .bands()
        .into_iter()
        .map(|band| LevelGroup {
            agencies: ranked
                .iter()
                .filter(|a| a.level.shown.as_deref() == Some(band.name.as_str()))
                .cloned()
                .collect(),
            open: without
                .iter()
                .any(|a| a.level.possible.contains(&band.name)),
            band: Some(band),
        })
        .collect();
    if !without.is_empty() {
        let after = levels
            .iter()
            .rposition(|g| g.open)
            .map_or(levels.len(), |last| last + 1);
        levels.insert(
            after,
            LevelGroup {
                band: None,
                agencies: without,
                open: false,
            },
        );
    }
    levels
}

/// Share of items scored 100, as a score with two decimals (17 of 30 → 56.67).
pub fn share(passed: usize, items: usize) -> Score {
    if items == 0 {
        return Score(0.0);
    }
    let hundredths = (passed as i64 * 10_000 * 2 + items as i64) / (2 * items as i64);
    Score(hundredths as f64 / 100.0)
}

fn oit(package: &Package, fw: &Framework, o: &Oit) -> OitFacts {
    // Where the year's OIT is not known to be the share of items (from 2568), the item share
    // is no score: the detail prints the published ones, the figures the report prints.
    // (Where it is, `check` flags a published score that differs from the share.)
    let formed = fw.tool(Tool::Oit).and_then(|t| t.formed) == Some(Formed::ShareOfItems);
    let indicators = oit_indicators(package, fw, o, formed);
    let passed = indicators.iter().map(|i| i.passed).sum();
    let items = indicators.iter().map(|i| i.items).sum();
    let all = share(passed, items);
    OitFacts {
        score: if formed {
            Some(all)
        } else {
            package
                .scores
                .as_ref()
                .and_then(|s| s.tools.get(&Tool::Oit).copied())
        },
        from_items: formed,
        share: all,
        passed,
        items,
        urgent: given_weak_points(package, fw, &o.urgent)
            .unwrap_or_else(|| generated_weak_points(&indicators, true)),
        improve: given_weak_points(package, fw, &o.improve)
            .unwrap_or_else(|| generated_weak_points(&indicators, false)),
        indicators,
    }
}

/// Each OIT indicator with the items it passed and the score the detail prints: the share
/// of its items where the year forms OIT so (`formed`), else the published score.
fn oit_indicators(
    package: &Package,
    fw: &Framework,
    o: &Oit,
    formed: bool,
) -> Vec<OitIndicatorFact> {
    let published = |number: u8| {
        package
            .scores
            .iter()
            .flat_map(|s| &s.indicators)
            .find(|i| i.number == number)
            .map(|i| i.score)
    };
    o.indicators
        .iter()
        .map(|ind| {
            let items: Vec<_> = ind
                .subindicators
                .iter()
                .flat_map(|s| &s.groups)
                .flat_map(|g| &g.items)
                .collect();
            let passed = items
                .iter()
                .filter(|i| i.score.hundredths() == 10_000)
                .count();
            let share = share(passed, items.len());
            OitIndicatorFact {
                number: ind.number,
                name: indicator_name(package, fw, ind.number),
                score: if formed {
                    Some(share)
                } else {
                    published(ind.number)
                },
                share,
                passed,
                items: items.len(),
                detail: ind.clone(),
            }
        })
        .collect()
}

/// A weak-point table as the package words it.
fn given_weak_points(
    package: &Package,
    fw: &Framework,
    table: &Option<WeakPoints>,
) -> Option<WeakPointsFact> {
    table.as_ref().map(|t| WeakPointsFact {
        given: true,
        intro: t.intro.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| WeakPointRowFact {
                indicator: r.indicator,
                name: indicator_name(package, fw, r.indicator),
                text: r.text.clone(),
                failed: Vec::new(),
            })
            .collect(),
    })
}

/// A weak-point table from the items: an indicator with no item passed is an urgent
/// weakness as a whole; elsewhere the items scored 0 are points to improve.
fn generated_weak_points(indicators: &[OitIndicatorFact], urgent: bool) -> WeakPointsFact {
    WeakPointsFact {
        given: false,
        intro: Paragraphs::default(),
        rows: indicators
            .iter()
            .filter(|i| i.passed < i.items && (i.passed == 0) == urgent)
            .map(|i| WeakPointRowFact {
                indicator: i.number,
                name: i.name.clone(),
                text: Paragraphs::default(),
                failed: i
                    .detail
                    .subindicators
                    .iter()
                    .flat_map(|s| &s.groups)
                    .flat_map(|g| &g.items)
                    .filter(|item| item.score.hundredths() == 0)
                    .cloned()
                    .collect(),
            })
            .collect(),
    }
}

fn measures(
    package: &Package,
    fw: &Framework,
    m: &crate::documents::measures::Measures,
) -> MeasuresFacts {
    let row_fact = |row: &MeasureRow| MeasureRowFact {
        indicator_name: indicator_name(package, fw, row.indicator),
        row: row.clone(),
    };
    let groups = match m.layout {
        MeasuresLayout::Outline => Vec::new(),
        MeasuresLayout::ByIndicator => vec![MeasureGroup {
            tool: None,
            title: None,
            rows: m.rows.iter().map(row_fact).collect(),
        }],
        MeasuresLayout::ByTool => fw
            .tools
            .iter()
            .filter_map(|spec| {
                let rows: Vec<MeasureRowFact> = m
                    .rows
                    .iter()
                    .filter(|r| fw.indicator(r.indicator).map(|i| i.tool) == Some(spec.tool))
                    .map(row_fact)
                    .collect();
                (!rows.is_empty()).then(|| MeasureGroup {
                    tool: Some(spec.tool),
                    title: Some(
                        m.group_titles
                            .get(&spec.tool)
                            .cloned()
                            .unwrap_or_else(|| spec.title.clone()),
                    ),
                    rows,
                })
            })
            .collect(),
    };
    MeasuresFacts {
        fiscal_year: m.fiscal_year.unwrap_or(package.fiscal_year + 1),
        groups,
    }
}
