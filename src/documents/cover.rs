//! The cover page of the report (seeds 000, 001, 002).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::Package;
use crate::rules::Checker;

pub(super) const SPEC: Spec = Spec {
    name: "cover",
    label: ("ปก", "cover"),
    template: include_str!("../../report-templates/cover.typ"),
    leads: true,
    present: |p| p.cover.is_some(),
    rules,
    ..super::PLAIN
};

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(cover) = &package.cover else { return };
    if cover.title.iter().all(|t| t.trim().is_empty()) {
        c.report(
            path.key("title"),
            message!("ปกไม่มีชื่อเรื่อง", "the cover has no title"),
        );
    }
}
