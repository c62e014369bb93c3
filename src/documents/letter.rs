//! หนังสือภายนอก, the external letter that distributes the report (seed 000 p.2).

use super::Spec;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::Package;
use crate::rules::Checker;

pub(super) const SPEC: Spec = Spec {
    name: "letter",
    label: ("หนังสือภายนอก", "letter"),
    template: include_str!("../../report-templates/letter.typ"),
    emblem: true,
    present: |p| p.letter.is_some(),
    secrecy: |p| p.letter.as_ref().and_then(|l| l.secrecy.as_deref()),
    date: |p| p.letter.as_ref().map(|l| l.date.as_str()),
    signers: |p| p.letter.iter().map(|l| &l.signer).collect(),
    rules,
    ..super::PLAIN
};

fn rules(package: &Package, c: &mut Checker, path: JsonPath) {
    let Some(letter) = &package.letter else {
        return;
    };
    c.date(path.key("date"), &Some(letter.date.clone()));
    c.text(
        path.key("subject"),
        &letter.subject,
        Checker::subject_empty(),
    );
    c.text(path.key("to"), &letter.to, Checker::addressee_empty());
    if letter.body.is_empty() {
        c.report(
            path.key("body"),
            message!("หนังสือไม่มีเนื้อความ", "the letter has no body"),
        );
    }
    c.signer(path.key("signer"), &letter.signer);
    if let Some(qr) = &letter.qr
        && let Err(e) = crate::qr::matrix(&qr.url)
    {
        c.report(
            path.key("qr").key("url"),
            message!("ทำ QR code จากที่อยู่นี้ไม่ได้ ({e})", "{e}"),
        );
    }
}
