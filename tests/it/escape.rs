//! User text can never become Typst markup or code: it comes out literally.

use ita_report::engine::BuildOptions;
use ita_report::load;
use ita_report::templates::{escape_markup, string_literal};

use crate::common::{build, page_texts, root, squeeze};

const HOSTILE: &[&str] = &[
    r#"#read("/etc/passwd") *x* $y$ <z> @w \"#,
    "*b* _i_ $x$ <l> @r [ ] \\ \" // not a comment",
    "#set page(width: 1cm) #let x = 1",
    "/* open comment",
    "= not a heading",
    "- not a list",
    "+ not an enum",
    "1. not numbered",
    "`raw` ~ -- --- ... 'quote' \"dq\"",
];

/// Markup and code inside Thai words: the line-break pass cuts these strings into several
/// literals and boxes (in headings), and none of the pieces may become markup either.
const HOSTILE_THAI: &[&str] = &[
    r#"ภายนอก"]#read("/etc/passwd")ร้อยเอ็ด*ตัวชี้วัด*_หน่วยงาน_"#,
    r"งบประมาณ\ภาครัฐ $x$ ความโปร่งใส // ข้าราชการ <l> @r",
    "ผู้ปฏิบัติงาน#let x = 1;ว่าด้วย[เกี่ยวกับ]~ต่าง ๆ",
];

#[test]
fn string_literals_round_trip() {
    assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(string_literal("line\nnext"), r#""line\nnext""#);
    assert_eq!(escape_markup("x"), r#"#"x";"#);
}

#[test]
fn hostile_text_prints_literally_everywhere() {
    let text = std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The default outline, whose summary box prints the stated level.
    value.as_object_mut().unwrap().remove("outline");
    value["agency"]["name"] = format!("{} {}", HOSTILE[0], HOSTILE_THAI[0]).into();
    value["scores"]["level"] = HOSTILE[1].into();
    value["scores"]["indicators"][0]["name"] = HOSTILE[2].into();
    value["scores"]["indicators"][1]["analysis"] = serde_json::json!([HOSTILE[3], HOSTILE[4]]);
    value["measures"]["rows"][0]["measure"] = serde_json::json!([HOSTILE[5], HOSTILE[6]]);
    value["measures"]["rows"][0]["steps"] = serde_json::json!([HOSTILE[7], HOSTILE[8]]);
    value["scores"]["indicators"][2]["analysis"] = serde_json::json!([HOSTILE_THAI[1]]);
    value["measures"]["rows"][1]["steps"] = serde_json::json!([HOSTILE_THAI[2]]);
    let loaded = load::load_str(
        &value.to_string(),
        "hostile.json",
        crate::common::frameworks(),
    )
    .expect("valid package");

    let built = build(&loaded, &BuildOptions::default());
    let text = squeeze(&page_texts(&built.artifacts[0].document).concat());
    for hostile in HOSTILE.iter().chain(HOSTILE_THAI) {
        assert!(
            text.contains(&squeeze(hostile)),
            "{hostile:?} does not appear literally"
        );
    }
    // The page setting in user text did not apply: pages are still A4.
    let page = &built.artifacts[0].document.pages()[0];
    assert!((page.frame.width().to_mm() - 210.0).abs() < 0.5);
}
