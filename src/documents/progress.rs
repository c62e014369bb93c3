//! The progress report, landscape (seed 003).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::Package;
use crate::rules::Checker;

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
