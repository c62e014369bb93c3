//! The analysis report: scores, history, recommendations and, for a province, its agencies.
//! Its data (`scores`, `history`, `province`, …) is the package's own, shared with the other
//! documents, so its rules are the package's ([`crate::rules::check`]).

use super::{Spec, never, no_date, no_secrecy, no_signers};
use crate::diagnostic::JsonPath;
use crate::model::Package;
use crate::rules::Checker;

pub(super) const SPEC: Spec = Spec {
    name: "report",
    label: ("รายงานผลการวิเคราะห์", "analysis report"),
    template: include_str!("../../report-templates/report.typ"),
    emblem: false,
    continues: true,
    leads: true,
    present,
    landscape: never,
    secrecy: no_secrecy,
    date: no_date,
    signers: no_signers,
    rules,
};

/// A report needs scores (a total or indicators) or a province's summary.
fn present(package: &Package) -> bool {
    let has_scores = package
        .scores
        .as_ref()
        .is_some_and(|s| s.total.is_some() || !s.indicators.is_empty());
    has_scores || package.province.is_some()
}

fn rules(_: &Package, _: &mut Checker, _: JsonPath) {}
