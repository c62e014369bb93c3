//! The measures appendix (มาตรการ): two table layouts and an outline (seeds 001 part 2,
//! 002 §4, 000 §3).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Paragraphs, Tool};

/// The measures plan.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measures {
    /// Fiscal year the measures apply to; the package's year + 1 when absent.
    #[serde(default)]
    pub fiscal_year: Option<i32>,
    pub layout: MeasuresLayout,
    /// Title of the measures (above the table, or the outline's numbered heading); a
    /// standard title when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// A numbered section heading the measures open with, written without its number (the
    /// program numbers it after the report's sections: seed 002's "๔. การนำผลการวิเคราะห์
    /// ไปสู่การปรับปรุง…").
    #[serde(default)]
    pub heading: Option<String>,
    /// Paragraphs before the table.
    #[serde(default)]
    pub intro: Paragraphs,
    /// Group heading per tool (layout `by_tool`); a standard heading when absent.
    #[serde(default)]
    pub group_titles: BTreeMap<Tool, String>,
    /// Table rows (layouts `by_tool`, `by_indicator`).
    #[serde(default)]
    pub rows: Vec<MeasureRow>,
    /// Numbered sections (layout `outline`).
    #[serde(default)]
    pub sections: Vec<OutlineSection>,
}

/// A section of an outline-form measures plan (๓.๑ …).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutlineSection {
    pub title: String,
    #[serde(default)]
    pub paragraphs: Paragraphs,
    /// Sub-sections, numbered ๓.๑.๑ ….
    #[serde(default)]
    pub items: Vec<OutlineItem>,
}

/// A sub-section with an optional list under it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutlineItem {
    pub text: String,
    /// List lines printed as given (e.g. "๑) ประกาศ …").
    #[serde(default)]
    pub list: Vec<String>,
}

/// The two table layouts found in real measures appendices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasuresLayout {
    /// Four columns (measure, steps, responsible, monitoring) under tool headings (seed 001).
    ByTool,
    /// Six columns, one row per indicator (indicator, measure, finding, steps, responsible,
    /// timeframe) (seed 002).
    ByIndicator,
    /// Numbered sections and lists, no table (seed 000 §3).
    Outline,
}

/// One row of the measures plan.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRow {
    /// The indicator, 1–10.
    #[schemars(range(min = 1, max = 10))]
    pub indicator: u8,
    /// Measure / project / activity.
    pub measure: Paragraphs,
    /// Analysis finding (ผลการวิเคราะห์ตัวชี้วัด); layout `by_indicator`.
    #[serde(default)]
    pub finding: Paragraphs,
    /// Steps (ขั้นตอน/วิธีดำเนินการ).
    #[serde(default)]
    pub steps: Paragraphs,
    /// Responsible unit.
    #[serde(default)]
    pub responsible: Paragraphs,
    /// Monitoring and reporting; layout `by_tool`.
    #[serde(default)]
    pub monitoring: Paragraphs,
    /// Timeframe (e.g. "รอบ ๖ เดือน"); layout `by_indicator`.
    #[serde(default)]
    pub timeframe: Paragraphs,
    /// Set on a row drafted from the measures catalogue (`ita-report init`, `import
    /// --per-agency`); while the row's text is as drafted, `check` says it is a draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<Draft>,
}

impl MeasureRow {
    /// A digest of what the row says (indicator and every column), to tell a drafted row
    /// from an edited one without keeping the drafted text twice.
    pub fn content_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let columns = [
            &self.measure,
            &self.finding,
            &self.steps,
            &self.responsible,
            &self.monitoring,
            &self.timeframe,
        ];
        let mut hasher = Sha256::new();
        hasher.update([self.indicator]);
        for column in columns {
            for paragraph in &column.0 {
                hasher.update(paragraph.as_bytes());
                hasher.update([0]);
            }
            hasher.update([1]);
        }
        hasher.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Where a drafted measures row came from, and what it said when drafted.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// The catalogue entry's source, e.g. "seed 002: เทศบาลเมืองร้อยเอ็ด, มาตรการ ปี 2569".
    pub from: String,
    /// [`MeasureRow::content_digest`] of the row as drafted.
    pub digest: String,
}
pub(super) const SPEC: Spec = Spec {
    name: "measures",
    label: ("มาตรการส่งเสริมคุณธรรมและความโปร่งใส", "measures"),
    template: include_str!("../../report-templates/measures.typ"),
    continues: true,
    present: |p| p.measures.is_some(),
    // The six-column table of seed 001 needs the width of a landscape page.
    landscape: |p| {
        p.measures
            .as_ref()
            .is_some_and(|m| m.layout == MeasuresLayout::ByIndicator)
    },
    rules,
    ..super::PLAIN
};

/// A column of the measures table: its field and how to read it from a row.
type Column = (&'static str, fn(&MeasureRow) -> &Paragraphs);

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(measures) = &package.measures else {
        return;
    };
    if let Some(year) = measures.fiscal_year {
        c.year(path.key("fiscal_year"), year);
    }
    layout_parts(measures, c, &path);
    // A column the layout does not print would silently drop data: refuse it instead.
    let hidden: &[Column] = match measures.layout {
        MeasuresLayout::ByTool => &[("finding", |r| &r.finding), ("timeframe", |r| &r.timeframe)],
        MeasuresLayout::ByIndicator => &[("monitoring", |r| &r.monitoring)],
        MeasuresLayout::Outline => &[],
    };
    for (i, row) in measures.rows.iter().enumerate() {
        let p = path.key("rows").index(i);
        c.indicator(p.key("indicator"), row.indicator);
        if row.measure.is_empty() {
            c.report(
                p.key("measure"),
                message!("ไม่ได้ใส่มาตรการ", "the measure is empty"),
            );
        }
        for (field, get) in hidden {
            if !get(row).is_empty() {
                let layout = layout_name(measures.layout);
                c.report_with(
                    p.key(field),
                    message!(
                        "รูปแบบ `{layout}` ไม่มีคอลัมน์ `{field}`",
                        "layout `{layout}` has no `{field}` column"
                    ),
                    message!(
                        "ใช้รูปแบบอื่น หรือย้ายข้อความนี้ไปไว้ในคอลัมน์ที่รูปแบบนี้พิมพ์",
                        "use the other layout, or move this text into a column the layout shows"
                    ),
                );
            }
        }
    }
}

/// An outline prints sections and no rows; the tables print rows and no sections.
fn layout_parts(measures: &Measures, c: &mut Checker, path: &JsonPath) {
    if measures.layout == MeasuresLayout::Outline {
        if measures.sections.is_empty() {
            c.report(
                path.key("sections"),
                message!(
                    "รูปแบบ `outline` ต้องมี `sections`",
                    "layout `outline` needs `sections`"
                ),
            );
        }
        if !measures.rows.is_empty() {
            c.report(
                path.key("rows"),
                message!(
                    "รูปแบบ `outline` พิมพ์เป็นหัวข้อ ไม่ใช่แถวในตาราง",
                    "layout `outline` prints sections, not table rows"
                ),
            );
        }
        return;
    }
    if measures.rows.is_empty() {
        c.report(
            path.key("rows"),
            message!("แผนมาตรการไม่มีแถว", "the measures plan has no rows"),
        );
    }
    if !measures.sections.is_empty() {
        c.report(
            path.key("sections"),
            message!(
                "มีแต่รูปแบบ `outline` ที่พิมพ์ `sections`",
                "only layout `outline` prints sections"
            ),
        );
    }
}

fn layout_name(layout: MeasuresLayout) -> &'static str {
    match layout {
        MeasuresLayout::ByTool => "by_tool",
        MeasuresLayout::ByIndicator => "by_indicator",
        MeasuresLayout::Outline => "outline",
    }
}
