//! บันทึกข้อความ, the internal memo (seeds 000 p.1 and 001 p.1).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Package, Signer};
use crate::rules::Checker;

pub(super) const SPEC: Spec = Spec {
    name: "memo",
    label: ("บันทึกข้อความ", "memo"),
    template: include_str!("../../report-templates/memo.typ"),
    emblem: true,
    present: |p| p.memo.is_some(),
    secrecy: |p| p.memo.as_ref().and_then(|m| m.secrecy.as_deref()),
    date: |p| p.memo.as_ref().and_then(|m| m.date.as_deref()),
    signers,
    rules,
    ..super::PLAIN
};

fn signers(package: &Package) -> Vec<&Signer> {
    package
        .memo
        .iter()
        .flat_map(|m| {
            m.signers
                .iter()
                .chain(m.endorsements.iter().map(|e| &e.signer))
        })
        .collect()
}

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(memo) = &package.memo else { return };
    c.date(path.key("date"), &memo.date);
    c.text(path.key("subject"), &memo.subject, Checker::subject_empty());
    c.text(path.key("to"), &memo.to, Checker::addressee_empty());
    if memo.body.is_empty() {
        c.report(
            path.key("body"),
            message!("บันทึกข้อความไม่มีเนื้อความ", "the memo has no body"),
        );
    }
    if memo.signers.is_empty() {
        c.report(
            path.key("signers"),
            message!("บันทึกข้อความไม่มีผู้ลงนาม", "the memo has no signer"),
        );
    }
    for (i, signer) in memo.signers.iter().enumerate() {
        c.signer(path.key("signers").index(i), signer);
    }
    for (i, e) in memo.endorsements.iter().enumerate() {
        c.signer(path.key("endorsements").index(i).key("signer"), &e.signer);
    }
    if let Some(received) = &memo.received {
        c.date(
            path.key("received").key("date"),
            &Some(received.date.clone()),
        );
    }
}
