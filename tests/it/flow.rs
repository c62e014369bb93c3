//! Page flow and numbering, measured on purpose-made packages: text of growing length moves
//! each heading, table and signature across the page foot, and every position must keep the
//! rules (a heading with two lines below it, a table header with two rows, a short table
//! whole, a signature with the text it signs, numbers derived in one sequence).

use ita_report::documents::DocKind;
use ita_report::engine::BuildOptions;
use serde_json::{Value, json};
use typst_layout::PagedDocument;

use crate::common::{
    Line, build, engine, lines, load_sample, load_text, page_texts, root, squeeze,
};

const SENTENCE: &str = "หน่วยงานได้นำผลการประเมินไปปรับปรุงการปฏิบัติงานและการให้บริการอย่างต่อเนื่อง ";

fn indicators() -> Value {
    let scores = [91.2, 88.4, 93.0, 86.7, 84.1, 89.9, 87.4, 86.0, 72.5, 80.0];
    Value::Array(
        scores
            .iter()
            .enumerate()
            .map(|(k, s)| json!({ "number": k + 1, "score": s }))
            .collect(),
    )
}

/// A report whose opening paragraph and analysis introduction have `n` sentences each,
/// pushing what follows them down the pages (the charts between them move by whole pages).
fn report(n: usize, extra: Value) -> Value {
    let mut package = json!({
        "agency": { "name": "เทศบาลตำบลทดสอบ", "province": "ทดสอบ" },
        "fiscal_year": 2567,
        "scores": { "total": 86.2, "indicators": indicators(), "summary": SENTENCE.repeat(n), "analysis_intro": SENTENCE.repeat(n) },
        "history": [
            { "year": 2563, "total": 80.1 }, { "year": 2564, "total": 81.5 },
            { "year": 2565, "total": 83.0 }, { "year": 2566, "total": 84.4 }
        ]
    });
    if let (Value::Object(p), Value::Object(e)) = (&mut package, extra) {
        p.extend(e);
    }
    package
}

/// A memo package: a subject, one section and one signer, with `fields` in place of them.
fn memo(fields: Value) -> Value {
    let mut memo = json!({
        "subject": "รายงานผลการประเมิน",
        "to": "นายอำเภอ",
        "body": [{ "heading": "เรื่องเดิม", "paragraphs": [SENTENCE] }],
        "signers": [{ "name": "นายทดสอบ ระบบดี", "positions": ["ปลัดเทศบาล"] }]
    });
    if let (Value::Object(m), Value::Object(f)) = (&mut memo, fields) {
        m.extend(f);
    }
    json!({ "agency": { "name": "เทศบาลตำบลทดสอบ" }, "fiscal_year": 2567, "memo": memo })
}

fn laid_out(package: &Value) -> Vec<Line> {
    let loaded = load_text(&package.to_string(), "flow.json");
    let built = build(&loaded, &BuildOptions::default());
    // Page flow decides on positions of the pass before; the passes must settle.
    for warning in &built.warnings {
        assert!(
            !warning.message.english.contains("converge"),
            "{}: {package}",
            warning.message.english
        );
    }
    lines(&built.artifacts[0].document)
}

/// Lines below `line` on its page.
fn below<'a>(all: &'a [Line], line: &Line) -> Vec<&'a Line> {
    all.iter()
        .filter(|l| l.page == line.page && l.y > line.y + 0.5)
        .collect()
}

#[test]
fn headings_keep_two_lines_of_what_follows() {
    let headings = [
        "ผลการประเมินรายตัวชี้วัด",
        "ผลการประเมินเปรียบเทียบกับปีที่ผ่านมา",
        "การวิเคราะห์ผลการประเมิน",
        "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",
    ];
    let mut seen_low = false;
    for n in (4..60).step_by(3) {
        let all = laid_out(&report(n, json!({})));
        for line in all.iter().filter(|l| {
            headings
                .iter()
                .any(|h| squeeze(&l.text).contains(&squeeze(h)))
        }) {
            let after = below(&all, line);
            assert!(
                after.len() >= 2,
                "n={n}: heading `{}` on page {} has {} line(s) below it",
                line.text,
                line.page + 1,
                after.len()
            );
            seen_low |= line.y > 600.0;
        }
    }
    assert!(seen_low, "some heading was pushed near a page foot");
}

#[test]
fn short_tables_never_split_and_long_ones_start_with_two_rows() {
    let agencies: Vec<Value> = (0..40)
        .map(|k| json!({ "name": format!("องค์การบริหารส่วนตำบลทดสอบที่ {}", k + 1), "district": "เมือง", "score": 99.0 - k as f64 * 0.3 }))
        .collect();
    for n in (4..70).step_by(5) {
        let province = json!({ "province": { "agencies": agencies } });
        let all = laid_out(&report(n, province));
        // The history table (five rows) is whole on one page.
        let years: Vec<&Line> = all
            .iter()
            // Table cells are 14 pt; the chart's year labels under the bars are smaller.
            .filter(|l| {
                ["๒๕๖๓", "๒๕๖๔", "๒๕๖๕", "๒๕๖๖"].contains(&l.text.trim()) && l.size > 14.0 * 0.66
            })
            .collect();
        assert_eq!(years.len(), 4, "n={n}: the history rows are found");
        assert!(
            years.windows(2).all(|w| w[0].page == w[1].page),
            "n={n}: the history table split"
        );
        // Wherever the ranked list's header stands, two of its rows stand under it.
        // (A header repeated at the top of a continued page is not a table's start.)
        let starts = all
            .iter()
            .filter(|l| l.text.contains("ลำดับในจังหวัด"))
            .filter(|h| {
                all.iter()
                    .any(|l| l.page == h.page && l.y < h.y - 12.0 && !l.text.starts_with("- "))
            });
        for header in starts {
            let mut rows: Vec<i64> = below(&all, header)
                .into_iter()
                .filter(|l| l.text.contains("ทดสอบที่"))
                .map(|l| l.y.round() as i64)
                .collect();
            rows.dedup();
            let rows = rows.len();
            assert!(
                rows >= 2,
                "n={n}: header on page {} with {rows} row(s)",
                header.page + 1
            );
        }
    }
}

#[test]
fn a_signature_stays_with_the_last_lines_it_signs() {
    for n in (2..40).step_by(2) {
        let all = laid_out(&memo(json!({
            "body": [{ "heading": "เรื่องเดิม", "paragraphs": [SENTENCE.repeat(n)] },
                     { "heading": "ข้อเสนอ", "paragraphs": [SENTENCE.repeat(n / 2 + 1)] }]
        })));
        let name = all
            .iter()
            .find(|l| l.text.contains("นายทดสอบ"))
            .expect("the signer is printed");
        let above = all
            .iter()
            .filter(|l| l.page == name.page && l.y < name.y - 0.5 && l.text.contains("หน่วยงาน"))
            .count();
        assert!(
            above >= 2,
            "n={n}: the signature on page {} has {above} line(s) of text above it",
            name.page + 1
        );
    }
}

#[test]
fn an_announcement_signs_below_its_last_item() {
    // The date, the name and the position lines never part, and at least the end of the
    // last item stands above them on their page.
    for n in (1..24).step_by(2) {
        let package = json!({
            "agency": { "name": "เทศบาลตำบลทดสอบ" },
            "fiscal_year": 2567,
            "announcement": {
                "issuer": "เทศบาลตำบลทดสอบ",
                "subject": "มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
                "preamble": SENTENCE.repeat(3),
                "sections": [{ "title": "มาตรการเผยแพร่ข้อมูล", "items": [
                    { "text": SENTENCE.repeat(n) },
                    { "text": SENTENCE.repeat(2), "items": [SENTENCE.repeat(n / 2 + 1), "ผู้บริหารกำกับติดตามผลการดำเนินงานทุกไตรมาส"] }
                ] }],
                "date": "2566-10-02",
                "signer": { "name": "นายทดสอบ ระบบดี", "positions": ["รองปลัดเทศบาล รักษาราชการแทนปลัดเทศบาลตำบลทดสอบ"] }
            }
        });
        let all = laid_out(&package);
        let date = all
            .iter()
            .find(|l| l.text.starts_with("ประกาศ ณ วันที่"))
            .expect("the date line");
        let name = all
            .iter()
            .find(|l| l.text.contains("นายทดสอบ"))
            .expect("the signer");
        let position = all
            .iter()
            .find(|l| l.text.starts_with("รองปลัดเทศบาล"))
            .expect("the position, on one line");
        assert!(
            date.page == name.page && name.page == position.page,
            "n={n}: date, name and position on pages {}, {}, {}",
            date.page + 1,
            name.page + 1,
            position.page + 1
        );
        assert!(
            all.iter()
                .any(|l| l.page == date.page && l.y < date.y && l.text.contains("ไตรมาส")),
            "n={n}: the date on page {} has no item above it",
            date.page + 1
        );
    }
}

#[test]
fn memo_items_number_under_their_heading() {
    let loaded = load_sample(&root().join("inputs/2566-roiet-province.json"));
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let memo = built
        .artifacts
        .iter()
        .find(|a| a.kinds == [DocKind::Memo])
        .unwrap();
    let text = squeeze(&page_texts(&memo.document).concat());
    for label in [
        "๑.เรื่องเดิม",
        "๒.ข้อเท็จจริง",
        "๒.๑การประชุม",
        "๒.๒ที่ประชุม",
        "๓.ข้อพิจารณา",
        "๔.ข้อเสนอ",
    ] {
        assert!(text.contains(label), "memo: {label} missing");
    }
    assert_eq!(text.matches("๒.๑").count(), 1, "๒.๑ once");
}

#[test]
fn one_document_numbers_its_parts_in_one_sequence() {
    // Seed 000: cover, report and measures are one document: pages numbered on from the cover,
    // the province's own results ๑. (no ๑.๑: the seed has none), the summary of all agencies
    // ๒., the measures ๓. with ๓.๑.
    let loaded = load_sample(&root().join("inputs/2566-roiet-province.json"));
    let built = build(&loaded, &BuildOptions::default());
    let pages = page_texts(&built.artifacts[0].document);
    let cover = pages.iter().position(|p| p.contains("จัดทำโดย")).unwrap();
    let numbers: Vec<String> = pages[cover + 1..]
        .iter()
        .map(|p| squeeze(p).chars().take(8).collect())
        .collect();
    for (k, head) in numbers.iter().enumerate() {
        let expected = format!("-{}-", ita_report::thai::thai_digits(&(k + 2).to_string()));
        assert!(
            head.starts_with(&expected),
            "page {} after the cover starts {head}, expected {expected}",
            k + 1
        );
    }
    let text = squeeze(&pages.concat());
    for label in [
        "๑.ผลการประเมินคุณธรรม",
        "๒.ผลการประเมินภาพรวมจังหวัดร้อยเอ็ด",
        "๓.มาตรการ/แนวทาง",
        "๓.๑การสร้างการรับรู้",
        "๓.๑.๑จัดทำประกาศ",
    ] {
        assert!(text.contains(label), "{label} missing");
    }
}

#[test]
fn a_document_that_does_not_continue_the_one_before_numbers_from_one() {
    // Seed 002's measures open with a numbered heading and go on from the report (๔.); put
    // first, they are ๑., and the report after them, a document of its own, starts at ๑. too.
    let loaded = load_sample(&root().join("inputs/2568-roiet-municipality.json"));
    let source = |kinds: &[DocKind]| {
        engine()
            .typst_source(&loaded, kinds, &BuildOptions::default())
            .unwrap_or_else(|f| panic!("{f}"))
    };
    let numbers = |source: &str| -> Vec<String> {
        source
            .split("heading(level: 1)[#\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        numbers(&source(&[DocKind::Report, DocKind::Measures])),
        ["1.", "2.", "3.", "4."]
    );
    assert_eq!(
        numbers(&source(&[DocKind::Measures, DocKind::Report])),
        ["1.", "1.", "2.", "3."]
    );
}

#[test]
fn report_and_measures_keep_their_own_paragraph_style() {
    // After a cover (centred, no indent) the report's paragraphs are justified with the 2.5 cm
    // first-line indent: the first line of a paragraph starts 2.5 cm right of the next line.
    let loaded = load_sample(&root().join("inputs/2566-roiet-province.json"));
    let built = build(&loaded, &BuildOptions::default());
    let all = lines(&built.artifacts[0].document);
    // The IIT paragraph, given text of many lines.
    let first = all
        .iter()
        .find(|l| l.text.starts_with("- แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน"))
        .expect("IIT paragraph");
    let next = all
        .iter()
        .find(|l| l.page == first.page && l.y > first.y + 1.0)
        .unwrap();
    let cm = 28.3465;
    assert!(
        (first.x0 - next.x0 - 2.5 * cm).abs() < 1.0,
        "first-line indent: {} vs {}",
        first.x0,
        next.x0
    );
    assert!(
        (first.x1 - next.x1).abs() < 1.5,
        "justified: lines end together ({} vs {})",
        first.x1,
        next.x1
    );
}

#[test]
fn no_page_inside_a_document_is_nearly_empty() {
    // A page followed by another page of the same document (it carries a page number and the
    // same orientation) holds text at least a third of the way down its text area. Besides
    // the samples, a package whose section 5 table once went to a page of its own: moved in
    // the first layout pass, it stayed moved after the text before it had become shorter.
    let mut paths = crate::common::samples();
    paths.push(root().join("tests/fixtures/layout/flow-pao-2568.json"));
    for path in paths {
        let built = build(&load_sample(&path), &BuildOptions::default());
        let document = &built.artifacts[0].document;
        let all = lines(document);
        let pages = document.pages();
        for k in 0..pages.len().saturating_sub(1) {
            let (size, next) = (pages[k].frame.size(), pages[k + 1].frame.size());
            let numbered = all
                .iter()
                .any(|l| l.page == k + 1 && l.y < 2.0 * 28.35 && l.text.starts_with("- "));
            if !numbered || (size.x > size.y) != (next.x > next.y) {
                continue; // the next page starts a document, or turns the paper: a forced break
            }
            let height = size.y.to_pt();
            let lowest = all
                .iter()
                .filter(|l| l.page == k)
                .map(|l| l.y)
                .fold(0.0, f64::max);
            let (top, bottom) = (2.0 * 28.35, height - 2.0 * 28.35);
            assert!(
                lowest >= top + (bottom - top) / 3.0,
                "{}: page {} ends its text at {lowest:.0} pt of {height:.0}",
                path.display(),
                k + 1
            );
        }
    }
}

#[test]
fn a_short_table_that_fits_stays_where_it_stands() {
    // The summary table (header and four rows) is followed by a chart that never splits. As
    // the text above pushes them down, the chart goes to the next page first; the table must
    // stay while it fits.
    let mut stayed_before_chart_moved = false;
    for n in 1..30 {
        let all = laid_out(&report(n, json!({})));
        let head = all
            .iter()
            .find(|l| l.text.starts_with("รายการ"))
            .expect("summary table");
        let last = all
            .iter()
            .find(|l| l.text.starts_with("เทียบกับปี"))
            .expect("its last row");
        if last.page != head.page {
            continue; // split: another test's business
        }
        // Four row pitches between the two baselines; one more for the header's top and the
        // last row's foot, and the spacing above a block.
        let height = (last.y - head.y) * 5.0 / 4.0 + 1.2 * 16.0;
        let text = |l: &&Line| !l.text.starts_with("- ");
        let first_on_page = all
            .iter()
            .filter(|l| l.page == head.page)
            .filter(text)
            .map(|l| l.y)
            .fold(f64::MAX, f64::min);
        let lowest_before = all
            .iter()
            .filter(|l| l.page + 1 == head.page)
            .filter(text)
            .map(|l| l.y)
            .fold(f64::NAN, f64::max);
        if head.y <= first_on_page && !lowest_before.is_nan() {
            let free = 841.89 - 2.0 * 28.35 - lowest_before;
            assert!(
                free < height,
                "n = {n}: the table moved to page {} though {free:.0} pt were free under the text ({height:.0} needed)",
                head.page + 1
            );
        }
        let chart = all
            .iter()
            .find(|l| l.text.starts_with("ภาพที่"))
            .expect("chart caption");
        stayed_before_chart_moved |= chart.page > head.page;
    }
    assert!(
        stayed_before_chart_moved,
        "some length puts the table on one page and its chart on the next"
    );
}

#[test]
fn a_memo_subject_of_several_lines_hangs_under_its_first_word() {
    let all = laid_out(&memo(json!({ "subject": SENTENCE.repeat(3) })));
    let first = all
        .iter()
        .position(|l| l.text.starts_with("เรื่อง"))
        .expect("the subject line");
    let (label, next) = (&all[first], &all[first + 1]);
    assert!(
        next.text.starts_with("หน่วยงาน") || next.text.contains("ต่อเนื่อง"),
        "the subject continues: {:?}",
        next.text
    );
    assert!(
        next.x0 > label.x0 + 20.0,
        "continuation at {:.1} pt, label at {:.1} pt",
        next.x0,
        label.x0
    );
}

#[test]
fn secrecy_is_marked_at_the_top_and_foot_of_every_page_and_urgency_once() {
    let long = SENTENCE.repeat(12);
    let all = laid_out(&memo(json!({
        "secrecy": "ลับมาก",
        "urgency": "ด่วนที่สุด",
        "body": [{ "heading": "เรื่องเดิม", "paragraphs": [long, long, long] }]
    })));
    let pages = all.iter().map(|l| l.page).max().unwrap() + 1;
    assert!(pages >= 2, "the memo runs over a page");
    let (a4_height, margin_top) = (841.89, 1.5 / 2.54 * 72.0);
    for page in 0..pages {
        let marks: Vec<f64> = all
            .iter()
            .filter(|l| l.page == page && l.text == "ลับมาก")
            .map(|l| l.y)
            .collect();
        assert!(
            marks.iter().any(|&y| y < margin_top),
            "page {}: no mark above the text: {marks:?}",
            page + 1
        );
        assert!(
            marks.iter().any(|&y| y > a4_height - 2.0 / 2.54 * 72.0),
            "page {}: no mark at the foot: {marks:?}",
            page + 1
        );
        if page > 0 {
            let number = all
                .iter()
                .find(|l| l.page == page && l.text.starts_with("- "))
                .expect("a page number");
            let top_mark = marks.iter().copied().fold(f64::MAX, f64::min);
            assert!(
                number.y > top_mark + 10.0 && number.y < margin_top,
                "page {}: number at {:.1}, mark at {top_mark:.1}",
                page + 1,
                number.y
            );
        }
    }
    assert_eq!(
        all.iter().filter(|l| l.text.contains("ด่วนที่สุด")).count(),
        1,
        "urgency is stamped once, on the first page"
    );
}

#[test]
fn a_cover_line_that_must_wrap_is_cut_into_even_parts() {
    let title = |first: &str| {
        json!({
            "agency": { "name": "จังหวัดทดสอบ" },
            "fiscal_year": 2567,
            "cover": { "title": [
                first,
                "จังหวัดทดสอบ และองค์กรปกครองส่วนท้องถิ่น",
                "และมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๘",
            ] }
        })
    };
    // A little wider than the text at 26 pt: once wrapped, its parts are about even.
    let all = laid_out(&title(
        "รายงานผลการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสของหน่วยงาน",
    ));
    let first: Vec<&Line> = all
        .iter()
        .take_while(|l| !l.text.starts_with("จังหวัดทดสอบ"))
        .collect();
    assert_eq!(first.len(), 2, "the first title line in two: {first:?}");
    let (a, b) = (first[0].x1 - first[0].x0, first[1].x1 - first[1].x0);
    assert!(a.min(b) > 0.6 * a.max(b), "parts of {a:.0} and {b:.0} pt");
    // The lines that fit stay whole, in one size.
    let second = all
        .iter()
        .find(|l| l.text.starts_with("จังหวัดทดสอบ"))
        .unwrap();
    assert!((second.size - first[0].size).abs() < 0.01 && !second.text.is_empty());
}

#[test]
fn a_letter_keeps_its_issuing_unit_with_the_signature() {
    // Lengths that bring the signature ever closer to the foot of the first page.
    for n in 8..22 {
        let package = json!({
            "agency": { "name": "เทศบาลตำบลทดสอบ" },
            "fiscal_year": 2567,
            "letter": {
                "reference": "ทส ๐๐๐๑/๑๒๓", "address": ["เทศบาลตำบลทดสอบ"], "date": "2567-10-01",
                "subject": "ส่งรายงานผลการประเมิน", "to": "นายอำเภอ",
                "body": [SENTENCE.repeat(n), "จึงเรียนมาเพื่อโปรดทราบ"],
                "signer": { "name": "นายทดสอบ ระบบดี", "positions": ["ปลัดเทศบาล"] },
                "issuing_unit": ["สำนักปลัดเทศบาล"], "phone": "โทร. ๐ ๔๓๕๑ ๑๓๕๓"
            }
        });
        let all = laid_out(&package);
        let name = all
            .iter()
            .find(|l| l.text.contains("นายทดสอบ"))
            .expect("the signer is printed");
        let unit = all
            .iter()
            .find(|l| l.text.contains("สำนักปลัดเทศบาล"))
            .expect("the issuing unit is printed");
        assert_eq!(
            unit.page,
            name.page,
            "n={n}: the issuing unit on page {}, the signature on {}",
            unit.page + 1,
            name.page + 1
        );
    }
}

#[test]
fn the_last_signature_of_a_memo_never_stands_alone_on_a_page() {
    // Seed 001's memo printed its last endorsement's signature alone on page ๒. Every
    // signature and endorsement but the last keeps with the one after it, so the last
    // paragraph (short enough to move), the signatures and the endorsements move together.
    let mut moved = false;
    for n in (2..40).step_by(2) {
        let all = laid_out(&memo(json!({
            "body": [{ "heading": "เรื่องเดิม", "paragraphs": [SENTENCE.repeat(n)] },
                     { "heading": "ข้อเสนอ", "paragraphs": [SENTENCE.repeat(2)] }],
            "endorsements": [
                { "text": ["- เพื่อโปรดทราบ"], "signer": { "name": "นางทดสอบ สองดี", "positions": ["หัวหน้ากลุ่ม"] } },
                { "text": [], "signer": { "name": "นายทดสอบ สามดี", "positions": ["ผู้อำนวยการ"] } }
            ]
        })));
        let last = all
            .iter()
            .find(|l| squeeze(&l.text).contains("นายทดสอบสามดี"))
            .expect("the last signer is printed");
        let first = all
            .iter()
            .find(|l| squeeze(&l.text).contains("นายทดสอบระบบดี"))
            .expect("the first signer is printed");
        assert_eq!(
            first.page,
            last.page,
            "n={n}: the signatures on pages {} and {}",
            first.page + 1,
            last.page + 1
        );
        let text_above = all
            .iter()
            .any(|l| l.page == last.page && l.y < first.y - 40.0 && !l.text.starts_with("- "));
        assert!(
            text_above,
            "n={n}: page {} holds signatures only",
            last.page + 1
        );
        moved |= last.page > 0;
    }
    assert!(moved, "some length puts the signatures on the second page");
}

#[test]
fn a_letter_page_never_holds_one_line_and_the_signature() {
    // Seed 000's letter put its one-line last paragraph alone above the closing on page ๒.
    // The paragraph before a last one keeps with it (up to a quarter of a page), so the
    // closing's page holds more of the text.
    let mut moved = false;
    for n in 8..22 {
        let package = json!({
            "agency": { "name": "เทศบาลตำบลทดสอบ" },
            "fiscal_year": 2567,
            "letter": {
                "reference": "ทส ๐๐๐๑/๑๒๓", "address": ["เทศบาลตำบลทดสอบ"], "date": "2567-10-01",
                "subject": "ส่งรายงานผลการประเมิน", "to": "นายอำเภอ",
                "body": [SENTENCE.repeat(n), SENTENCE.repeat(3), "จึงเรียนมาเพื่อโปรดทราบ"],
                "signer": { "name": "นายทดสอบ ระบบดี", "positions": ["ปลัดเทศบาล"] }
            }
        });
        let all = laid_out(&package);
        let closing = all
            .iter()
            .find(|l| l.text.contains("ขอแสดงความนับถือ"))
            .expect("the closing is printed");
        let above = all
            .iter()
            .filter(|l| l.page == closing.page && l.y < closing.y - 0.5)
            .filter(|l| !l.text.starts_with("- "))
            .count();
        assert!(
            closing.page == 0 || above >= 3,
            "n={n}: the closing on page {} has {above} line(s) of text above it",
            closing.page + 1
        );
        moved |= closing.page > 0;
    }
    assert!(moved, "some length puts the closing on the second page");
}

#[test]
fn no_sample_has_a_page_of_signatures_alone() {
    // Every page that carries a signature carries at least two lines of the text it signs
    // above its first signature (seed 001's memo once had a page of one signature alone).
    let mut checked = 0;
    for path in crate::common::samples() {
        let loaded = load_sample(&path);
        let built = build(&loaded, &BuildOptions::default());
        let all = lines(&built.artifacts[0].document);
        let names: Vec<String> = ita_report::documents::signers(&loaded.package)
            .map(|s| format!("({})", squeeze(&s.name)))
            .collect();
        let signature = |l: &Line| names.iter().any(|n| squeeze(&l.text).contains(n.as_str()));
        let pages: std::collections::BTreeSet<usize> = all
            .iter()
            .filter(|l| signature(l))
            .map(|l| l.page)
            .collect();
        for page in pages {
            let first = all
                .iter()
                .filter(|l| l.page == page && signature(l))
                .map(|l| l.y)
                .fold(f64::MAX, f64::min);
            // The space to sign (36 pt) and the closing lines sit above the name.
            let above = all
                .iter()
                .filter(|l| l.page == page && l.y < first - 40.0 && !l.text.starts_with("- "))
                .count();
            assert!(
                above >= 2,
                "{}: page {} holds a signature with {above} line(s) above it",
                path.display(),
                page + 1
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 4,
        "signature pages found in the samples: {checked}"
    );
}

/// How many rows of a table stand on each page that holds any: rows found by `row`, one
/// baseline each.
fn rows_per_page(all: &[Line], row: impl Fn(&Line) -> bool) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, i64)> = all
        .iter()
        .filter(|l| row(l))
        .map(|l| (l.page, l.y.round() as i64))
        .collect();
    found.dedup();
    let mut pages: Vec<(usize, usize)> = Vec::new();
    for (page, _) in found {
        match pages.last_mut() {
            Some((p, n)) if *p == page => *n += 1,
            _ => pages.push((page, 1)),
        }
    }
    pages
}

#[test]
fn no_page_holds_a_single_row_of_a_long_table() {
    // Forty agencies of one level make one ranked list longer than a page; as the text above
    // grows, its rows cross a page foot at every place. Each page holds two of its rows or
    // none (seed 001's OIT table printed its last item alone at the top of a page).
    let agencies: Vec<Value> = (0..40)
        .map(|k| json!({ "name": format!("องค์การบริหารส่วนตำบลทดสอบที่ {}", k + 1), "district": "เมือง", "score": 84.0 - k as f64 * 0.3 }))
        .collect();
    let mut split = 0;
    for n in (4..70).step_by(2) {
        let all = laid_out(&report(n, json!({ "province": { "agencies": agencies } })));
        let pages = rows_per_page(&all, |l| l.text.contains("ทดสอบที่"));
        assert_eq!(
            pages.iter().map(|(_, k)| k).sum::<usize>(),
            40,
            "n={n}: the rows are found"
        );
        for (page, rows) in &pages {
            assert!(
                *rows >= 2,
                "n={n}: page {} holds one row of the list",
                page + 1
            );
        }
        split += usize::from(pages.len() > 1);
    }
    assert!(split > 10, "the list crossed a page foot {split} times");
}

#[test]
fn the_last_rows_of_seed_001s_tables_are_not_alone_on_their_page() {
    // Seed 001's item ๔๓, the last of the OIT detail, stood alone at the top of a page; so
    // did item ๓๐, the end of the report's table of items and the only row under "๒) การ
    // เปิดโอกาสให้เกิดการมีส่วนร่วม" (a group of one row).
    let loaded = load_sample(&root().join("inputs/2567-roiet-education-office.json"));
    let built = build(&loaded, &BuildOptions::default());
    let all = lines(&built.artifacts[0].document);
    let item = |number: &str| {
        all.iter()
            .find(|l| l.text.trim() == number)
            .unwrap_or_else(|| panic!("item {number} is printed"))
    };
    for (last, before) in [("๔๓", "๔๒"), ("๓๐", "๒๙")] {
        let (l, b) = (item(last).page + 1, item(before).page + 1);
        assert_eq!(l, b, "item {last} on page {l}, item {before} on page {b}");
    }
}

/// The top of the text area of a document of `kind` (its top margin), in points.
fn area_top(kind: DocKind) -> f64 {
    let cm = 28.3465;
    match kind {
        DocKind::Memo => 1.5 * cm,
        DocKind::Letter | DocKind::Announcement => 2.5 * cm,
        _ => 2.0 * cm,
    }
}

/// How far down its text area page `page` (of `height` points) holds text: its lowest baseline
/// inside the area (page numbers and secrecy marks in the margins left out), as a share of
/// the area's height.
fn filled(height: f64, all: &[Line], page: usize, top: f64) -> f64 {
    let bottom = height - 2.0 * 28.3465;
    let lowest = all
        .iter()
        .filter(|l| l.page == page && l.y > top && l.y <= bottom)
        .map(|l| l.y)
        .fold(top, f64::max);
    (lowest - top) / (bottom - top)
}

/// The last page of every document of several pages holds a fifth of its text area or more.
/// `documents`: each document's kind and page count, in order.
fn assert_last_pages(document: &PagedDocument, documents: &[(DocKind, usize)], what: &str) {
    let all = lines(document);
    let mut first = 0;
    for &(kind, pages) in documents {
        let last = first + pages - 1;
        let height = document.pages()[last].frame.size().y.to_pt();
        let fill = filled(height, &all, last, area_top(kind));
        assert!(
            pages == 1 || fill >= 0.2,
            "{what}: the {} ends on page {} filled to {:.0}% of its text area",
            kind.name(),
            last + 1,
            fill * 100.0
        );
        first = last + 1;
    }
}

#[test]
fn no_document_ends_on_a_page_of_under_a_fifth() {
    // A memo's second section and a report's paragraphs grow sentence by sentence, so that
    // each document's end falls at every height of a page (seed 000's measures ended on a
    // page of four lines, seed 002's report on one of three).
    let mut short_before = 0;
    for n in 1..48 {
        let package = memo(json!({
            "body": [{ "heading": "เรื่องเดิม", "paragraphs": [SENTENCE.repeat(8)] },
                     { "heading": "ข้อเท็จจริง", "paragraphs": [SENTENCE.repeat(n), SENTENCE.repeat(2)] }]
        }));
        let built = build(
            &load_text(&package.to_string(), "flow.json"),
            &BuildOptions::default(),
        );
        let document = &built.artifacts[0].document;
        let pages = document.pages().len();
        assert_last_pages(document, &[(DocKind::Memo, pages)], &format!("memo n={n}"));
        short_before += usize::from(pages > 1);
    }
    for n in (2..62).step_by(3) {
        let package = report(n, json!({}));
        let built = build(
            &load_text(&package.to_string(), "flow.json"),
            &BuildOptions::default(),
        );
        let document = &built.artifacts[0].document;
        let pages = document.pages().len();
        assert_last_pages(
            document,
            &[(DocKind::Report, pages)],
            &format!("report n={n}"),
        );
    }
    assert!(
        short_before > 10,
        "the memo ran over a page {short_before} times"
    );
}

#[test]
fn no_sample_document_ends_on_a_page_of_under_a_fifth() {
    // Each document of a combined PDF counts on its own (a memo, a letter, the report that
    // continues a cover): its pages are those of the same document built alone.
    for path in crate::common::samples() {
        let loaded = load_sample(&path);
        let split = build(
            &loaded,
            &BuildOptions {
                split: true,
                ..Default::default()
            },
        );
        let documents: Vec<(DocKind, usize)> = split
            .artifacts
            .iter()
            .map(|a| (a.kinds[0], a.document.pages().len()))
            .collect();
        for (artifact, &one) in split.artifacts.iter().zip(&documents) {
            assert_last_pages(&artifact.document, &[one], &path.display().to_string());
        }
        let combined = build(&loaded, &BuildOptions::default());
        let document = &combined.artifacts[0].document;
        let pages: usize = documents.iter().map(|(_, n)| n).sum();
        assert_eq!(document.pages().len(), pages, "{}: pages", path.display());
        assert_last_pages(document, &documents, &path.display().to_string());
    }
}

#[test]
fn a_short_table_splits_rather_than_leave_most_of_a_page_blank() {
    // A table of twelve rows (under half a page) after a paragraph that grows sentence by
    // sentence reaches the page foot at every height. Where moving it whole would leave
    // more than 40% of the page blank (seed 000's page 18 once did), it splits: its header
    // repeats, and each page holds two of its rows or more.
    let rows: Vec<Value> = (0..12)
        .map(|k| {
            json!([
                (k + 1).to_string(),
                format!("โครงการส่งเสริมคุณธรรมที่ {}", k + 1),
                "ดำเนินการแล้ว"
            ])
        })
        .collect();
    let (mut split, mut whole) = (0, 0);
    for n in 12..36 {
        let package = report(
            n,
            json!({ "outline": { "report": [
            { "part": "paragraph", "text": [SENTENCE.repeat(n)] },
            { "part": "table", "title": "ผลการดำเนินงานตามมาตรการ", "header": ["ที่", "โครงการ", "ผล"], "rows": rows },
            { "part": "paragraph", "text": [SENTENCE.repeat(3)] }
        ] } }),
        );
        let all = laid_out(&package);
        let pages = rows_per_page(&all, |l| l.text.contains("ส่งเสริมคุณธรรมที่"));
        assert_eq!(
            pages.iter().map(|(_, k)| k).sum::<usize>(),
            12,
            "n={n}: the rows are found"
        );
        for (page, rows) in &pages {
            assert!(
                *rows >= 2,
                "n={n}: page {} holds one row of the table",
                page + 1
            );
            let header = all
                .iter()
                .any(|l| l.page == *page && l.text.starts_with("ที่"));
            assert!(
                header,
                "n={n}: page {} has no header over its rows",
                page + 1
            );
        }
        if pages.len() > 1 {
            split += 1;
            continue;
        }
        // Whole, and starting its page: the page before holds text most of the way down.
        let page = pages[0].0;
        let title = all
            .iter()
            .find(|l| l.text.contains("ผลการดำเนินงานตามมาตรการ"))
            .expect("the table's title");
        let above = all
            .iter()
            .any(|l| l.page == page && l.y < title.y - 1.0 && !l.text.starts_with("- "));
        if title.page == page && page > 0 && !above {
            whole += 1;
            let fill = filled(841.89, &all, page - 1, area_top(DocKind::Report));
            assert!(
                fill >= 0.6,
                "n={n}: the table moved whole to page {}, leaving page {} {:.0}% blank",
                page + 1,
                page,
                (1.0 - fill) * 100.0
            );
        }
    }
    assert!(
        split > 2,
        "the table split {split} times (and started a page {whole} times)"
    );
}
