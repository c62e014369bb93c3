//! The measures appendix (มาตรการ): two table layouts and an outline (seeds 001 part 2,
//! 002 §4, 000 §3).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{MeasureRow, Measures, MeasuresLayout, Package, Paragraphs};
use crate::rules::Checker;

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
