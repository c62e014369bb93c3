//! The progress report, landscape (seed 003).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::Paragraphs;

/// A progress report: the plan's steps with what was done.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub title: Vec<String>,
    pub rows: Vec<ProgressRow>,
    #[serde(default)]
    pub prepared_by: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// One numbered row: the two periods and one or more steps done in them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRow {
    /// Period set by the NACC (ช่วงระยะเวลา สำนักงาน ป.ป.ช.).
    pub nacc_period: String,
    /// Period set by the province (ช่วงระยะเวลา จังหวัด).
    pub province_period: String,
    pub steps: Vec<ProgressStep>,
}

/// A step, its result and its status.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressStep {
    pub step: Paragraphs,
    pub result: Paragraphs,
    /// e.g. "ดำเนินการเสร็จเรียบร้อยแล้ว", "อยู่ระหว่างดำเนินการ".
    #[serde(default)]
    pub status: Option<String>,
}

pub(super) const SPEC: Spec = Spec {
    name: "progress",
    label: ("รายงานความก้าวหน้า", "progress report"),
    template: include_str!("../../report-templates/progress.typ"),
    present: |p| p.progress.is_some(),
    landscape: |_| true,
    rules,
    ..super::PLAIN
};

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(progress) = &package.progress else {
        return;
    };
    if progress.rows.is_empty() {
        c.report(
            path.key("rows"),
            message!("รายงานความก้าวหน้าไม่มีแถว", "the progress report has no rows"),
        );
    }
    for (i, row) in progress.rows.iter().enumerate() {
        if row.steps.is_empty() {
            c.report(
                path.key("rows").index(i).key("steps"),
                message!("แถวนี้ไม่มีขั้นตอน", "the row has no steps"),
            );
        }
    }
}
