//! บันทึกข้อความ, the internal memo (seeds 000 p.1 and 001 p.1).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Paragraphs, Signer};

/// The covering memo (บันทึกข้อความ).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Memo {
    /// ส่วนราชการ; the agency's unit line when absent.
    #[serde(default)]
    pub unit: Option<String>,
    /// ที่ (reference number), printed as given, may be left open ("ศธ ๐๒๑๐๒/").
    #[serde(default)]
    pub reference: String,
    /// วันที่, `YYYY-MM-DD` (BE or CE year); blank on the form when absent.
    #[serde(default)]
    pub date: Option<String>,
    /// เรื่อง.
    pub subject: String,
    /// เรียน.
    pub to: String,
    /// The body, in order.
    pub body: Vec<MemoSection>,
    /// Who signs, in order.
    pub signers: Vec<Signer>,
    /// Notes from superiors, each with its signature, in order.
    #[serde(default)]
    pub endorsements: Vec<Endorsement>,
    /// The received stamp (เลขรับ) at the top right.
    #[serde(default)]
    pub received: Option<Received>,
    /// Urgency (ด่วน, ด่วนมาก, ด่วนที่สุด), stamped in red.
    #[serde(default)]
    pub urgency: Option<String>,
    /// Secrecy (ลับ, ลับมาก, ลับที่สุด), marked in red at the top and the bottom centre of
    /// every page of the memo.
    #[serde(default)]
    pub secrecy: Option<String>,
}

/// The received stamp of the receiving office.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Received {
    /// The receiving office, e.g. "สำนักงาน รอ.".
    pub office: String,
    /// เลขรับที่.
    pub number: String,
    /// ลงวันที่, `YYYY-MM-DD`, printed short.
    pub date: String,
    /// เวลา, e.g. "08.37".
    #[serde(default)]
    pub time: Option<String>,
}

/// A part of the memo body. With a heading it is numbered (๑. เรื่องเดิม) and its items are
/// numbered under it (๒.๑, ๒.๒); without one its paragraphs stand alone.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoSection {
    #[serde(default)]
    pub heading: Option<String>,
    #[serde(default)]
    pub paragraphs: Paragraphs,
    #[serde(default)]
    pub items: Vec<Paragraphs>,
}

/// A superior's note on the memo ("- เพื่อโปรดทราบ …") and its signature.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endorsement {
    #[serde(default)]
    pub text: Paragraphs,
    pub signer: Signer,
}

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
