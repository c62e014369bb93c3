//! ประกาศ, an announcement (seed 004).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Paragraphs, Signer};

/// An announcement (ประกาศ).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    /// Who announces: "สำนักงานจังหวัดร้อยเอ็ด" gives "ประกาศสำนักงานจังหวัดร้อยเอ็ด".
    pub issuer: String,
    pub subject: String,
    #[serde(default)]
    pub preamble: Paragraphs,
    pub sections: Vec<AnnouncementSection>,
    /// ประกาศ ณ วันที่, `YYYY-MM-DD`.
    pub date: String,
    pub signer: Signer,
}

/// A titled section of numbered items.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementSection {
    pub title: String,
    pub items: Vec<NumberedItem>,
}

/// An item numbered ๑., ๒. with optional sub-items numbered ๒.๑, ๒.๒.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberedItem {
    pub text: String,
    #[serde(default)]
    pub items: Vec<String>,
}

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
