//! The assessment framework of each fiscal year, as data: indicators, tools, weights, the
//! target and the level rule.
//!
//! The NACC changes weights and level rules between years (letter grades until 2565, five
//! levels with per-tool conditions from 2566, EIT in two parts from 2568), so they live in
//! one JSON file per year (`report-templates/frameworks/2566.json`), embedded in the binary
//! and replaceable by a file of the same name under `<templates dir>/frameworks/`. Each file
//! says where its rules come from; a rule not known for certain is marked so, and then the
//! package's stated level is printed rather than a derived one.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, SourceFile, offset_of};
use crate::model::{Score, Tool};

/// The frameworks shipped inside the binary: (fiscal year, text).
pub const EMBEDDED: &[(i32, &str)] = &[
    (
        2562,
        include_str!("../report-templates/frameworks/2562.json"),
    ),
    (
        2563,
        include_str!("../report-templates/frameworks/2563.json"),
    ),
    (
        2564,
        include_str!("../report-templates/frameworks/2564.json"),
    ),
    (
        2565,
        include_str!("../report-templates/frameworks/2565.json"),
    ),
    (
        2566,
        include_str!("../report-templates/frameworks/2566.json"),
    ),
    (
        2567,
        include_str!("../report-templates/frameworks/2567.json"),
    ),
    (
        2568,
        include_str!("../report-templates/frameworks/2568.json"),
    ),
    (
        2569,
        include_str!("../report-templates/frameworks/2569.json"),
    ),
];

/// One fiscal year's framework.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub fiscal_year: i32,
    /// Where each rule comes from and how sure it is.
    pub sources: Vec<String>,
    pub target: Score,
    pub indicators: Vec<Indicator>,
    pub tools: Vec<ToolSpec>,
    pub levels: LevelRule,
}

/// One indicator of the year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub number: u8,
    pub name: String,
    pub tool: Tool,
}

/// One tool of the year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub tool: Tool,
    /// The full title, as a report heading prints it.
    pub title: String,
    /// The short form used in sentences: "แบบวัด… (แบบ IIT)".
    pub phrase: String,
    /// Weight in the total, percent; absent when not known.
    #[serde(default)]
    pub weight: Option<f64>,
    /// How the tool's score is formed from its parts; absent when not known.
    #[serde(default)]
    pub formed: Option<Formed>,
    /// Parts the tool is reported in (2568: EIT ส่วนที่ 1 and 2).
    #[serde(default)]
    pub parts: Vec<String>,
}

/// How a tool's score follows from its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Formed {
    /// The plain mean of the tool's indicator scores.
    MeanOfIndicators,
    /// The share of the tool's items scored 100 (OIT), per indicator and overall.
    ShareOfItems,
}

/// The level rule of a year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// Whether the rule is known for certain; when not, levels are taken from the package.
    pub certain: bool,
    /// Where the rule comes from.
    pub source: String,
    /// Best first. The level of a result is the first whose conditions it meets.
    pub levels: Vec<Level>,
}

/// One level and its conditions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    /// Lowest total of the level.
    pub min: Score,
    /// Lowest score every tool must reach, when the level asks for it.
    #[serde(default)]
    pub tools_min: Option<Score>,
}

/// A level with its score band, as a level table prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub name: String,
    pub min: Score,
    /// Highest total of the band: just below the next unconditional level above, or 100.
    pub max: Score,
    pub tools_min: Option<Score>,
}

/// What the rule says about one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelOutcome {
    /// Exactly this level.
    Decided(String),
    /// One of these, best first: the tool scores needed to choose are missing.
    OneOf(Vec<String>),
    /// The year's rule is not known for certain.
    Unknown,
}

impl LevelOutcome {
    /// Whether `level` is possible under this outcome.
    pub fn allows(&self, level: &str) -> bool {
        match self {
            LevelOutcome::Decided(name) => name == level,
            LevelOutcome::OneOf(names) => names.iter().any(|n| n == level),
            LevelOutcome::Unknown => true,
        }
    }
}

impl Framework {
    /// The indicator with this number.
    pub fn indicator(&self, number: u8) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.number == number)
    }

    /// The tool's description.
    pub fn tool(&self, tool: Tool) -> Option<&ToolSpec> {
        self.tools.iter().find(|t| t.tool == tool)
    }

    /// The level a total (and, when known, every tool's score) earns.
    ///
    /// `tools` holds the scores that are known; a level with a per-tool condition is decided
    /// only when every tool of the year has a score.
    pub fn level(&self, total: Score, tools: &BTreeMap<Tool, Score>) -> LevelOutcome {
        if !self.levels.certain {
            return LevelOutcome::Unknown;
        }
        let all_tools: Option<Vec<Score>> = self
            .tools
            .iter()
            .map(|t| tools.get(&t.tool).copied())
            .collect();
        let mut possible = Vec::new();
        for level in &self.levels.levels {
            if total.hundredths() < level.min.hundredths() {
                continue;
            }
            match (level.tools_min, &all_tools) {
                (None, _) => {
                    possible.push(level.name.clone());
                    break;
                }
                (Some(min), Some(scores)) => {
                    if scores.iter().all(|s| s.hundredths() >= min.hundredths()) {
                        possible.push(level.name.clone());
                        break;
                    }
                }
                // Cannot tell without the tool scores: this level and the ones below stay open.
                (Some(_), None) => possible.push(level.name.clone()),
            }
        }
        match possible.len() {
            1 => LevelOutcome::Decided(possible.remove(0)),
            _ => LevelOutcome::OneOf(possible),
        }
    }

    /// The total the tool scores give under the year's weights, in hundredths rounded half
    /// away from zero; none when a weight or a tool's score is missing.
    pub fn weighted_total(&self, tools: &BTreeMap<Tool, Score>) -> Option<i64> {
        let parts: Option<Vec<(f64, Score)>> = self
            .tools
            .iter()
            .map(|t| Some((t.weight?, *tools.get(&t.tool)?)))
            .collect();
        let sum = parts?
            .iter()
            .map(|(w, s)| w * s.hundredths() as f64)
            .sum::<f64>()
            / 100.0;
        Some(sum.round() as i64)
    }

    /// The year's tools that `tools` has no score for, in the framework's order.
    pub fn missing_tools(&self, tools: &BTreeMap<Tool, Score>) -> Vec<Tool> {
        self.tools
            .iter()
            .map(|t| t.tool)
            .filter(|t| !tools.contains_key(t))
            .collect()
    }

    /// The levels with their score bands, best first.
    pub fn bands(&self) -> Vec<Band> {
        let levels = &self.levels.levels;
        levels
            .iter()
            .enumerate()
            .map(|(i, level)| {
                let ceiling = levels[..i]
                    .iter()
                    .rev()
                    .find(|l| l.tools_min.is_none() && l.min.hundredths() > level.min.hundredths())
                    .map_or(10_000, |l| l.min.hundredths() - 1);
                Band {
                    name: level.name.clone(),
                    min: level.min,
                    max: Score(ceiling as f64 / 100.0),
                    tools_min: level.tools_min,
                }
            })
            .collect()
    }

    /// The levels whose band of totals, as the report's level table prints it, holds `total`:
    /// all that can be said of a level in a year whose rule is not known for certain.
    pub fn band_outcome(&self, total: Score) -> LevelOutcome {
        let within =
            |b: &Band| (b.min.hundredths()..=b.max.hundredths()).contains(&total.hundredths());
        LevelOutcome::OneOf(
            self.bands()
                .into_iter()
                .filter(within)
                .map(|b| b.name)
                .collect(),
        )
    }

    /// Whether `name` is a level of this year's rule.
    pub fn has_level(&self, name: &str) -> bool {
        self.levels.levels.iter().any(|l| l.name == name)
    }
}

/// Every framework available to a run: embedded, replaced by files on disk of the same year.
#[derive(Debug, Clone)]
pub struct Frameworks {
    years: BTreeMap<i32, Arc<Framework>>,
}

impl Frameworks {
    /// The embedded frameworks, each replaced by `<dir>/frameworks/<year>.json` when present;
    /// files there for other years add those years.
    pub fn load(dir: Option<&Path>) -> Result<Self, Diagnostic> {
        let mut years = BTreeMap::new();
        for &(year, text) in EMBEDDED {
            let name = format!("report-templates/frameworks/{year}.json");
            years.insert(year, Arc::new(parse(&name, text, year)?));
        }
        let Some(folder) = dir.map(|d| d.join("frameworks")).filter(|d| d.is_dir()) else {
            return Ok(Self { years });
        };
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", folder.display())))?;
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let name = path.display().to_string();
            let year: i32 = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    Diagnostic::error(format!(
                        "framework file `{name}` is not named after a fiscal year"
                    ))
                    .with_note("name it like `2569.json`")
                })?;
            let relative = path.strip_prefix(&folder).unwrap_or(path);
            let bytes = crate::confine::read(&folder, relative, crate::limits::TEMPLATE_BYTES)
                .map_err(|refusal| Diagnostic::error(format!("framework `{name}` {refusal}")))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                Diagnostic::error(format!(
                    "framework `{name}` is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            years.insert(year, Arc::new(parse(&name, &text, year)?));
        }
        Ok(Self { years })
    }

    /// The framework of a fiscal year.
    pub fn get(&self, year: i32) -> Option<&Arc<Framework>> {
        self.years.get(&year)
    }

    /// The framework of the covered year closest to `year` (the later one on a tie), for
    /// checks that hold in every year, such as which tool an indicator belongs to.
    pub fn nearest(&self, year: i32) -> Option<&Arc<Framework>> {
        self.years
            .iter()
            .min_by_key(|(y, _)| ((**y - year).abs(), -**y))
            .map(|(_, fw)| fw)
    }

    /// The years covered, for messages: "2562–2569".
    pub fn span(&self) -> String {
        match (self.years.keys().next(), self.years.keys().last()) {
            (Some(first), Some(last)) if first != last => format!("{first}–{last}"),
            (Some(first), _) => first.to_string(),
            _ => "none".to_owned(),
        }
    }
}

/// Parses and checks one framework file.
fn parse(name: &str, text: &str, year: i32) -> Result<Framework, Diagnostic> {
    let source = SourceFile::new(name, text);
    let mut de = serde_json::Deserializer::from_str(text);
    let framework: Framework = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let offset = offset_of(text, inner.line(), inner.column());
        let message = inner.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        Diagnostic::error(format!("invalid framework: {message}"))
            .at(source.clone(), offset..offset)
            .with_json_path(e.path().to_string())
    })?;
    let invalid =
        |message: String| Diagnostic::error(format!("invalid framework `{name}`: {message}"));
    if framework.fiscal_year != year {
        return Err(invalid(format!(
            "it says fiscal_year {}, but the file name says {year}",
            framework.fiscal_year
        )));
    }
    // Values that reach arithmetic and templates: scores 0–100, weights 0–100 summing to 100.
    let score_ok = |s: Score| s.0.is_finite() && (0.0..=100.0).contains(&s.0);
    if !score_ok(framework.target) {
        return Err(invalid(format!(
            "the target {} is not a score from 0 to 100",
            framework.target.0
        )));
    }
    for level in &framework.levels.levels {
        if !score_ok(level.min) || level.tools_min.is_some_and(|m| !score_ok(m)) {
            return Err(invalid(format!(
                "level \"{}\" has a bound outside 0–100",
                level.name
            )));
        }
    }
    let weights: Vec<f64> = framework.tools.iter().filter_map(|t| t.weight).collect();
    if weights
        .iter()
        .any(|w| !w.is_finite() || !(0.0..=100.0).contains(w))
    {
        return Err(invalid(
            "tool weights must be percentages from 0 to 100".to_owned(),
        ));
    }
    if weights.len() == framework.tools.len()
        && !weights.is_empty()
        && (weights.iter().sum::<f64>() - 100.0).abs() > 0.001
    {
        return Err(invalid(format!(
            "tool weights add up to {}, not 100",
            weights.iter().sum::<f64>()
        )));
    }
    if framework.levels.levels.is_empty() {
        return Err(invalid("it has no levels".to_owned()));
    }
    if framework
        .levels
        .levels
        .windows(2)
        .any(|w| w[0].min.hundredths() < w[1].min.hundredths())
    {
        return Err(invalid(
            "levels must run from best to worst (each `min` no higher than the one before)"
                .to_owned(),
        ));
    }
    for ind in &framework.indicators {
        if framework.tool(ind.tool).is_none() {
            return Err(invalid(format!(
                "indicator {} is under {}, which the file does not list",
                ind.number, ind.tool
            )));
        }
    }
    Ok(framework)
}
