//! ประกาศ, an announcement (seed 004).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::Package;
use crate::rules::Checker;

pub(super) const SPEC: Spec = Spec {
    name: "announcement",
    label: ("ประกาศ", "announcement"),
    template: include_str!("../../report-templates/announcement.typ"),
    emblem: true,
    present: |p| p.announcement.is_some(),
    date: |p| p.announcement.as_ref().map(|a| a.date.as_str()),
    signers: |p| p.announcement.iter().map(|a| &a.signer).collect(),
    rules,
    ..super::PLAIN
};

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(a) = &package.announcement else {
        return;
    };
    c.date(path.key("date"), &Some(a.date.clone()));
    c.text(path.key("subject"), &a.subject, Checker::subject_empty());
    c.signer(path.key("signer"), &a.signer);
    for (i, section) in a.sections.iter().enumerate() {
        if section.items.is_empty() {
            c.report(
                path.key("sections").index(i).key("items"),
                message!("หัวข้อนี้ไม่มีรายการ", "the section has no items"),
            );
        }
    }
}
