//! หนังสือภายนอก, the external letter that distributes the report (seed 000 p.2).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Package, Spec};
use crate::checker::Checker;
use crate::diagnostic::JsonPath;
use crate::message;
use crate::model::{Paragraphs, Signer};

/// The external letter (หนังสือภายนอก).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    /// ที่, e.g. "รอ ๐๐๑๗.๕/ว ๕๕๑๔".
    pub reference: String,
    /// The sender's address lines, printed at the right.
    pub address: Vec<String>,
    /// `YYYY-MM-DD`, printed long under the address.
    pub date: String,
    /// เรื่อง.
    pub subject: String,
    /// เรียน (may list several recipients).
    pub to: String,
    /// อ้างถึง.
    #[serde(default)]
    pub refer_to: Vec<String>,
    /// สิ่งที่ส่งมาด้วย.
    #[serde(default)]
    pub enclosures: Vec<String>,
    /// The body paragraphs, the last usually "จึงเรียนมาเพื่อ…".
    pub body: Paragraphs,
    /// คำลงท้าย; "ขอแสดงความนับถือ" when absent.
    #[serde(default)]
    pub closing: Option<String>,
    pub signer: Signer,
    /// The issuing unit's lines at the bottom left (ส่วนราชการเจ้าของเรื่อง).
    #[serde(default)]
    pub issuing_unit: Vec<String>,
    /// Telephone / fax line, e.g. "โทร. / โทรสาร ๐ ๔๓๕๑ ๑๓๕๓".
    #[serde(default)]
    pub phone: Option<String>,
    /// A QR code to the published report.
    #[serde(default)]
    pub qr: Option<QrLink>,
    /// Urgency (ด่วน, ด่วนมาก, ด่วนที่สุด), stamped in red above the emblem.
    #[serde(default)]
    pub urgency: Option<String>,
    /// Secrecy (ลับ, ลับมาก, ลับที่สุด), marked in red at the top and the bottom centre of
    /// every page of the letter.
    #[serde(default)]
    pub secrecy: Option<String>,
}

/// A link printed as a QR code.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QrLink {
    pub url: String,
    /// Text under the code.
    #[serde(default)]
    pub caption: Option<String>,
}

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
