//! `sign` says when the certificate's name is not the one printed under the field it signs,
//! also for a position written with periods (ผอ.สพป.), whose field name holds fullwidth stops
//! instead: the printed name is found through the same naming of fields.

use crate::common::{Scratch, root};
use crate::signing::{PASSWORD, certificate, ita_report, key, pkcs12_file, stderr};

const POSITION_FIELD: &str = "ผอ．สพป．ร้อยเอ็ด เขต ๑";
const PRINTED: &str = "นายพิชัยยา ตุระษอง";

/// Signs `out/period.pdf` of `dir` with a certificate made now for `name`, into `output`;
/// what `sign` said.
fn sign_as(dir: &std::path::Path, name: &str, output: &str) -> String {
    let signer = key(name);
    let cert = certificate(&signer, &format!("CN={name},O=สพป.ร้อยเอ็ด เขต ๑,C=TH"));
    let p12 = format!("{output}.p12");
    std::fs::write(dir.join(&p12), pkcs12_file(&signer, &cert, PASSWORD)).unwrap();
    let args = ["sign", "out/period.pdf", "--cert", &p12, "-o", output];
    let run = ita_report(dir, &args, Some(PASSWORD));
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(dir.join(output).exists());
    stderr(&run)
}

#[test]
fn a_signer_whose_position_holds_periods_is_compared_with_the_certificate() {
    let dir = Scratch::new("sign-period");
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-announcement.json")).unwrap();
    let text = text.replace("\"หัวหน้าสำนักงานจังหวัดร้อยเอ็ด\"\n", "\"ผอ.สพป.ร้อยเอ็ด เขต ๑\"\n");
    assert!(text.contains("ผอ.สพป.ร้อยเอ็ด เขต ๑") && text.contains(PRINTED));
    std::fs::write(dir.path().join("period.json"), text).unwrap();
    let args = ["build", "period.json", "-o", "out", "--archive", "--quiet"];
    let run = ita_report(dir.path(), &args, None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // Someone else's certificate: signed, with the warning naming who is printed there.
    let said = sign_as(dir.path(), "นายสมชาย ทดสอบ", "other.pdf");
    let warning = format!(
        "the certificate is นายสมชาย ทดสอบ's, but the name printed under `{POSITION_FIELD}` is {PRINTED}"
    );
    assert!(said.contains(&warning), "{said}");
    // The printed signer's own: signed in the same field, nothing to warn of.
    let said = sign_as(dir.path(), PRINTED, "same.pdf");
    assert!(
        said.contains(&format!("in `{POSITION_FIELD}` as {PRINTED}")),
        "{said}"
    );
    assert!(!said.contains("but the name printed under"), "{said}");
}
