//! The analysis report: scores, history, recommendations and, for a province, its agencies.
//! Its data (`scores`, `history`, `province`, …) is the package's own, shared with the other
//! documents, so its rules are the package's (`rules::check`).

use super::{Package, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "report",
    label: ("รายงานผลการวิเคราะห์", "analysis report"),
    template: include_str!("../../report-templates/report.typ"),
    continues: true,
    leads: true,
    present,
    ..super::PLAIN
};

/// A report needs scores (a total or indicators) or a province's summary.
fn present(package: &Package) -> bool {
    let has_scores = package
        .scores
        .as_ref()
        .is_some_and(|s| s.total.is_some() || !s.indicators.is_empty());
    has_scores || package.province.is_some()
}
