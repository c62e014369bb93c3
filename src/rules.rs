//! Rules on a well-shaped package that serde cannot express.
//!
//! All rules run in one pass and every violation is returned with its JSON path, so a user
//! fixes a file once rather than once per error.

use std::collections::BTreeMap;

use crate::framework::Framework;
use crate::diagnostic::JsonPath;
use crate::model::{MeasuresLayout, Package, Paragraphs, Score, Signer};
use crate::thai::Date;

/// One rule violation.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: JsonPath,
    pub message: String,
    pub note: Option<String>,
}

struct Checker<'a> {
    problems: Vec<Problem>,
    /// The package year's framework; absent when the year has none (itself a problem).
    framework: Option<&'a Framework>,
}

impl Checker<'_> {
    fn report(&mut self, path: JsonPath, message: impl Into<String>) {
        self.problems.push(Problem { path, message: message.into(), note: None });
    }

    fn report_with(&mut self, path: JsonPath, message: impl Into<String>, note: impl Into<String>) {
        self.problems.push(Problem { path, message: message.into(), note: Some(note.into()) });
    }

    fn score(&mut self, path: JsonPath, score: Score) {
        if !(0.0..=100.0).contains(&score.0) {
            self.report_with(path, format!("score {} is outside 0–100", score.0), "ITA scores run from 0 to 100");
        } else if !score.has_two_decimals_at_most() {
            self.report_with(path, format!("score {} has more than two decimals", score.0), "write the score as published, e.g. 93.14");
        }
    }

    fn year(&mut self, path: JsonPath, year: i32) {
        if !(2550..=2700).contains(&year) {
            let note = if (2000..2200).contains(&year) {
                format!("this looks like a Common-era year; the Buddhist-era year is {}", year + 543)
            } else {
                "expected a Buddhist-era fiscal year, e.g. 2568".to_owned()
            };
            self.report_with(path, format!("year {year} is not a plausible fiscal year"), note);
        }
    }

    fn date(&mut self, path: JsonPath, date: &Option<String>) {
        if let Some(text) = date {
            if let Err(message) = Date::parse(text) {
                self.report(path, message);
            }
        }
    }

    fn text(&mut self, path: JsonPath, text: &str, what: &str) {
        if text.trim().is_empty() {
            self.report(path, format!("{what} is empty"));
        }
    }

    fn indicator(&mut self, path: JsonPath, number: u8) -> bool {
        let exists = match self.framework {
            Some(fw) => fw.indicator(number).is_some(),
            None => (1..=10).contains(&number),
        };
        if !exists {
            self.report_with(path, format!("indicator {number} does not exist"), "indicators are numbered 1 to 10");
        }
        exists
    }

    /// Indicator numbers of a list: each must exist and appear once.
    fn indicator_list(&mut self, path: &JsonPath, numbers: impl Iterator<Item = u8>) {
        let mut seen = BTreeMap::new();
        for (i, number) in numbers.enumerate() {
            let p = path.index(i).key("number");
            if self.indicator(p.clone(), number) {
                if let Some(first) = seen.insert(number, i) {
                    self.report(p, format!("indicator {number} is given twice (also at {path}[{first}])"));
                }
            }
        }
    }

    fn signer(&mut self, path: JsonPath, signer: &Signer) {
        self.text(path.key("name"), &signer.name, "the signer's name");
        self.date(path.key("date"), &signer.date);
    }
}

/// Checks every rule and returns all violations (empty when the package is valid).
pub fn check(package: &Package, framework: Option<&Framework>) -> Vec<Problem> {
    let mut c = Checker { problems: Vec::new(), framework };
    let root = JsonPath::default();
    c.text(root.key("agency").key("name"), &package.agency.name, "the agency name");
    c.year(root.key("fiscal_year"), package.fiscal_year);
    c.date(root.key("date"), &package.date);

    if let Some(scores) = &package.scores {
        let path = root.key("scores");
        if let Some(total) = scores.total {
            c.score(path.key("total"), total);
        }
        c.score(path.key("target"), scores.target);
        for (tool, score) in &scores.tools {
            c.score(path.key("tools").key(tool.code()), *score);
        }
        c.indicator_list(&path.key("indicators"), scores.indicators.iter().map(|i| i.number));
        for (i, ind) in scores.indicators.iter().enumerate() {
            let p = path.key("indicators").index(i);
            c.score(p.key("score"), ind.score);
            let standard = framework.and_then(|fw| fw.indicator(ind.number));
            if let (Some(tool), Some(standard)) = (ind.tool, standard) {
                if tool != standard.tool {
                    c.report_with(
                        p.key("tool"),
                        format!("indicator {} is under {tool}, but it belongs to {}", ind.number, standard.tool),
                        "indicators 1–5 are IIT, 6–8 EIT, 9–10 OIT",
                    );
                }
            }
        }
    }

    let mut years = BTreeMap::new();
    for (i, year) in package.history.iter().enumerate() {
        let p = root.key("history").index(i);
        c.year(p.key("year"), year.year);
        if year.year > package.fiscal_year && (2550..=2700).contains(&package.fiscal_year) {
            c.report(p.key("year"), format!("history year {} is after the package's fiscal year {}", year.year, package.fiscal_year));
        }
        if let Some(first) = years.insert(year.year, i) {
            c.report(p.key("year"), format!("year {} is given twice (also at history[{first}])", year.year));
        }
        c.score(p.key("total"), year.total);
        for (tool, score) in &year.tools {
            c.score(p.key("tools").key(tool.code()), *score);
        }
        c.indicator_list(&p.key("indicators"), year.indicators.iter().map(|i| i.number));
        for (j, ind) in year.indicators.iter().enumerate() {
            c.score(p.key("indicators").index(j).key("score"), ind.score);
        }
    }

    if let Some(province) = &package.province {
        let path = root.key("province");
        if let Some(total) = province.total {
            c.score(path.key("total"), total);
        }
        if province.national_rank == Some(0) {
            c.report(path.key("national_rank"), "the national rank starts at 1");
        }
        c.indicator_list(&path.key("indicators"), province.indicators.iter().map(|i| i.number));
        for (i, ind) in province.indicators.iter().enumerate() {
            c.score(path.key("indicators").index(i).key("score"), ind.score);
        }
        if province.agencies.is_empty() {
            c.report(path.key("agencies"), "the province summary lists no agencies");
        }
        for (i, agency) in province.agencies.iter().enumerate() {
            let p = path.key("agencies").index(i);
            c.text(p.key("name"), &agency.name, "the agency name");
            c.score(p.key("score"), agency.score);
            for (tool, score) in &agency.tools {
                c.score(p.key("tools").key(tool.code()), *score);
            }
        }
        if let Some(stated) = &province.stated {
            for (list, levels) in [("levels", &stated.levels), ("lists", &stated.lists)] {
                for (i, level) in levels.iter().enumerate() {
                    let p = path.key("stated").key(list).index(i);
                    for (key, score) in [("min", level.min), ("max", level.max)] {
                        if let Some(score) = score {
                            c.score(p.key(key), score);
                        }
                    }
                }
            }
        }
    }

    if let Some(oit) = &package.oit {
        let path = root.key("oit");
        if oit.indicators.is_empty() {
            c.report(path.key("indicators"), "the OIT detail has no indicators");
        }
        c.indicator_list(&path.key("indicators"), oit.indicators.iter().map(|i| i.number));
        let mut items = BTreeMap::new();
        for (i, ind) in oit.indicators.iter().enumerate() {
            let p = path.key("indicators").index(i);
            if let Some(standard) = framework.and_then(|fw| fw.indicator(ind.number)) {
                if standard.tool != crate::model::Tool::Oit {
                    c.report_with(p.key("number"), format!("indicator {} is not an OIT indicator", ind.number), "the OIT indicators are 9 and 10");
                }
            }
            for (j, sub) in ind.subindicators.iter().enumerate() {
                let p = p.key("subindicators").index(j);
                for (k, group) in sub.groups.iter().enumerate() {
                    let p = p.key("groups").index(k);
                    if group.items.is_empty() {
                        c.report(p.key("items"), "the group has no items");
                    }
                    for (l, item) in group.items.iter().enumerate() {
                        let p = p.key("items").index(l);
                        c.score(p.key("score"), item.score);
                        if let Some(first) = items.insert(item.number, p.to_string()) {
                            c.report(p.key("number"), format!("item {} is given twice (also at {first})", item.number));
                        }
                    }
                }
            }
        }
        for (key, table) in [("urgent", &oit.urgent), ("improve", &oit.improve)] {
            for (i, row) in table.iter().flat_map(|t| t.rows.iter()).enumerate() {
                c.indicator(path.key(key).key("rows").index(i).key("indicator"), row.indicator);
            }
        }
    }

    for (i, rec) in package.recommendations.iter().enumerate() {
        if rec.text.is_empty() {
            c.report(root.key("recommendations").index(i).key("text"), "the recommendation text is empty");
        }
    }

    if let Some(measures) = &package.measures {
        let path = root.key("measures");
        if let Some(year) = measures.fiscal_year {
            c.year(path.key("fiscal_year"), year);
        }
        match measures.layout {
            MeasuresLayout::Outline => {
                if measures.sections.is_empty() {
                    c.report(path.key("sections"), "layout `outline` needs `sections`");
                }
                if !measures.rows.is_empty() {
                    c.report(path.key("rows"), "layout `outline` prints sections, not table rows");
                }
            }
            _ => {
                if measures.rows.is_empty() {
                    c.report(path.key("rows"), "the measures plan has no rows");
                }
                if !measures.sections.is_empty() {
                    c.report(path.key("sections"), "only layout `outline` prints sections");
                }
            }
        }
        // A column the layout does not print would silently drop data: refuse it instead.
        let hidden: &[(&str, fn(&crate::model::MeasureRow) -> &Paragraphs)] = match measures.layout {
            MeasuresLayout::ByTool => &[("finding", |r| &r.finding), ("timeframe", |r| &r.timeframe)],
            MeasuresLayout::ByIndicator => &[("monitoring", |r| &r.monitoring)],
            MeasuresLayout::Outline => &[],
        };
        for (i, row) in measures.rows.iter().enumerate() {
            let p = path.key("rows").index(i);
            c.indicator(p.key("indicator"), row.indicator);
            if row.measure.is_empty() {
                c.report(p.key("measure"), "the measure is empty");
            }
            for (field, get) in hidden {
                if !get(row).is_empty() {
                    c.report_with(
                        p.key(field),
                        format!("layout `{}` has no `{field}` column", layout_name(measures.layout)),
                        "use the other layout, or move this text into a column the layout shows",
                    );
                }
            }
        }
    }

    if let Some(memo) = &package.memo {
        let path = root.key("memo");
        c.date(path.key("date"), &memo.date);
        c.text(path.key("subject"), &memo.subject, "the subject (เรื่อง)");
        c.text(path.key("to"), &memo.to, "the addressee (เรียน)");
        if memo.body.is_empty() {
            c.report(path.key("body"), "the memo has no body");
        }
        if memo.signers.is_empty() {
            c.report(path.key("signers"), "the memo has no signer");
        }
        for (i, signer) in memo.signers.iter().enumerate() {
            c.signer(path.key("signers").index(i), signer);
        }
        for (i, e) in memo.endorsements.iter().enumerate() {
            c.signer(path.key("endorsements").index(i).key("signer"), &e.signer);
        }
        if let Some(received) = &memo.received {
            c.date(path.key("received").key("date"), &Some(received.date.clone()));
        }
    }

    if let Some(letter) = &package.letter {
        let path = root.key("letter");
        c.date(path.key("date"), &Some(letter.date.clone()));
        c.text(path.key("subject"), &letter.subject, "the subject (เรื่อง)");
        c.text(path.key("to"), &letter.to, "the addressee (เรียน)");
        if letter.body.is_empty() {
            c.report(path.key("body"), "the letter has no body");
        }
        c.signer(path.key("signer"), &letter.signer);
        if let Some(qr) = &letter.qr {
            if let Err(message) = crate::qr::matrix(&qr.url) {
                c.report(path.key("qr").key("url"), message);
            }
        }
    }

    if let Some(cover) = &package.cover {
        if cover.title.iter().all(|t| t.trim().is_empty()) {
            c.report(root.key("cover").key("title"), "the cover has no title");
        }
    }

    if let Some(a) = &package.announcement {
        let path = root.key("announcement");
        c.date(path.key("date"), &Some(a.date.clone()));
        c.text(path.key("subject"), &a.subject, "the subject (เรื่อง)");
        c.signer(path.key("signer"), &a.signer);
        for (i, section) in a.sections.iter().enumerate() {
            if section.items.is_empty() {
                c.report(path.key("sections").index(i).key("items"), "the section has no items");
            }
        }
    }

    if let Some(progress) = &package.progress {
        let path = root.key("progress");
        if progress.rows.is_empty() {
            c.report(path.key("rows"), "the progress report has no rows");
        }
        for (i, row) in progress.rows.iter().enumerate() {
            if row.steps.is_empty() {
                c.report(path.key("rows").index(i).key("steps"), "the row has no steps");
            }
        }
    }
    c.problems
}

fn layout_name(layout: MeasuresLayout) -> &'static str {
    match layout {
        MeasuresLayout::ByTool => "by_tool",
        MeasuresLayout::ByIndicator => "by_indicator",
        MeasuresLayout::Outline => "outline",
    }
}
