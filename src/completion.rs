//! Tool scores as the year's framework forms them from the indicators: a tool whose score is
//! the mean of its indicators (IIT and EIT 2562–2569) when the package gives the indicators
//! but not the tool. `check` reads a given total against the weighted sum of these, so a
//! total the indicators contradict is found even where the tool scores are left out.
//!
//! The documents print the scores as given: a figure the agency's own report does not
//! state is not added to it (a package that wants it printed gives it).

use std::collections::BTreeMap;

use crate::framework::{Formed, Framework};
use crate::model::{Score, Scores, Tool};

/// The given tool scores, with those the framework forms from indicators filled in where
/// the package leaves them out and gives every indicator they are formed from.
pub fn formed_tools(scores: &Scores, fw: &Framework) -> BTreeMap<Tool, Score> {
    let mut tools = scores.tools.clone();
    for spec in &fw.tools {
        if tools.contains_key(&spec.tool) || spec.formed != Some(Formed::MeanOfIndicators) {
            continue;
        }
        let given: Option<Vec<Score>> = fw
            .indicators
            .iter()
            .filter(|i| i.tool == spec.tool)
            .map(|i| {
                let found = scores.indicators.iter().find(|g| g.number == i.number);
                found.map(|g| g.score)
            })
            .collect();
        if let Some(given) = given.filter(|g| !g.is_empty()) {
            tools.insert(spec.tool, Score(mean(&given) as f64 / 100.0));
        }
    }
    tools
}

/// The mean of scores in hundredths, rounded half up as the published scores are.
pub fn mean(values: &[Score]) -> i64 {
    let sum: i64 = values.iter().map(|v| v.hundredths()).sum();
    let n = values.len() as i64;
    (2 * sum + n) / (2 * n)
}
