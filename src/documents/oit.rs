//! The OIT detail: every OIT item by sub-indicator with the committee's comments, and the
//! weak-point tables (seed 001 part 1).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Paragraphs, Score, Tool};

/// The OIT result item by item, with the committee's comments.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Oit {
    /// Heading of the part; a standard heading when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// Indicators 9 and 10.
    pub indicators: Vec<OitIndicator>,
    /// The table of urgent weaknesses; generated from the items scored 0 when absent.
    #[serde(default)]
    pub urgent: Option<WeakPoints>,
    /// The table of points to improve; generated from the items scored 0 when absent.
    #[serde(default)]
    pub improve: Option<WeakPoints>,
}

/// One OIT indicator and its sub-indicators.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OitIndicator {
    #[schemars(range(min = 1, max = 10))]
    pub number: u8,
    pub subindicators: Vec<SubIndicator>,
}

/// A sub-indicator ("9.1 ข้อมูลพื้นฐาน").
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubIndicator {
    /// "9.1".
    pub code: String,
    pub name: String,
    pub groups: Vec<ItemGroup>,
}

/// A numbered group of items ("๑) ข้อมูลพื้นฐาน").
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemGroup {
    pub name: String,
    pub items: Vec<OitItem>,
}

/// One OIT item.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OitItem {
    /// 1–43 (o1–o43), in order over the whole form.
    pub number: u32,
    pub name: String,
    /// 0 or 100.
    pub score: Score,
    /// The committee's comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A weak-point table as the agency words it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeakPoints {
    #[serde(default)]
    pub intro: Paragraphs,
    pub rows: Vec<WeakPointRow>,
}

/// One row: an indicator and the issue.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeakPointRow {
    pub indicator: u8,
    pub text: Paragraphs,
}

pub(super) const SPEC: Spec = Spec {
    name: "oit",
    label: ("รายละเอียด OIT", "OIT detail"),
    template: include_str!("../../report-templates/oit.typ"),
    continues: true,
    leads: true,
    // Not printed when its outline is given empty (its parts printed in the report).
    present: |p| p.oit.is_some() && p.outline.oit.as_ref().is_none_or(|o| !o.is_empty()),
    rules,
    ..super::PLAIN
};

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(oit) = &package.oit else { return };
    if oit.indicators.is_empty() {
        c.report(
            path.key("indicators"),
            message!("รายละเอียด OIT ไม่มีตัวชี้วัด", "the OIT detail has no indicators"),
        );
    }
    c.indicator_list(
        &path.key("indicators"),
        oit.indicators.iter().map(|i| i.number),
    );
    let mut items = BTreeMap::new();
    for (i, ind) in oit.indicators.iter().enumerate() {
        let p = path.key("indicators").index(i);
        let standard = c.framework().and_then(|fw| fw.indicator(ind.number));
        if standard.is_some_and(|s| s.tool != Tool::Oit) {
            let number = ind.number;
            c.report_with(
                p.key("number"),
                message!(
                    "ตัวชี้วัดที่ {number} ไม่ใช่ตัวชี้วัดของ OIT",
                    "indicator {number} is not an OIT indicator"
                ),
                message!(
                    "ตัวชี้วัดของ OIT คือตัวชี้วัดที่ 9 และ 10",
                    "the OIT indicators are 9 and 10"
                ),
            );
        }
        for (j, sub) in ind.subindicators.iter().enumerate() {
            let p = p.key("subindicators").index(j);
            for (k, group) in sub.groups.iter().enumerate() {
                let p = p.key("groups").index(k);
                if group.items.is_empty() {
                    c.report(
                        p.key("items"),
                        message!("กลุ่มนี้ไม่มีข้อ", "the group has no items"),
                    );
                }
                for (l, item) in group.items.iter().enumerate() {
                    let p = p.key("items").index(l);
                    c.score(p.key("score"), item.score);
                    if let Some(first) = items.insert(item.number, p.to_string()) {
                        let number = item.number;
                        c.report(
                            p.key("number"),
                            message!(
                                "ข้อ {number} ซ้ำกับที่ {first}",
                                "item {number} is given twice (also at {first})"
                            ),
                        );
                    }
                }
            }
        }
    }
    for (key, table) in [("urgent", &oit.urgent), ("improve", &oit.improve)] {
        for (i, row) in table.iter().flat_map(|t| t.rows.iter()).enumerate() {
            c.indicator(
                path.key(key).key("rows").index(i).key("indicator"),
                row.indicator,
            );
        }
    }
}
