//! The cover page of the report (seeds 000, 001, 002).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;

/// The cover page.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// Title lines, printed large and centred.
    pub title: Vec<String>,
    /// Lines under "จัดทำโดย".
    #[serde(default)]
    pub prepared_by: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

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
