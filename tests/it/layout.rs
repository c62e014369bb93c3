//! The official layout, measured on the laid-out pages: margins, type sizes, the emblem,
//! page numbers, dotted leaders, tables continuing with their header, the QR code.

use std::path::Path;

use ita_report::documents::DocKind;
use ita_report::engine::BuildOptions;
use ita_report::load::{self, Loaded};
use ita_report::qr;
use typst_layout::PagedDocument;

use crate::common::{Item, build, engine, items, load_sample, root, runs, samples, vertical_rules};

/// Laksaman is scaled so that its letters have TH Sarabun's height (README: Fonts).
const LAKSAMAN: f64 = 0.665;
const CM: f64 = 28.3465; // points per centimetre

fn page_size(document: &PagedDocument, page: usize) -> (f64, f64) {
    let size = document.pages()[page].frame.size();
    (size.x.to_pt(), size.y.to_pt())
}

fn find<'a>(items: &'a [Item], needle: &str) -> &'a Item {
    items
        .iter()
        .find(|i| i.text.as_ref().is_some_and(|(t, _)| t.contains(needle)))
        .unwrap_or_else(|| panic!("`{needle}` is not on the page"))
}

fn split(path: &Path) -> Vec<(DocKind, PagedDocument)> {
    let built = build(
        &load_sample(path),
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    built
        .artifacts
        .into_iter()
        .map(|a| (a.kinds[0], a.document))
        .collect()
}

/// A stand-in emblem: the repository ships none, and placement does not depend on the drawing.
const TEST_EMBLEM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="100" viewBox="0 0 90 100"><ellipse cx="45" cy="50" rx="44" ry="49" fill="#b8860b"/></svg>"##;

/// A sample package copied beside an emblem file named `garuda.svg`.
fn with_emblem(sample: &str) -> (crate::common::Scratch, Loaded) {
    let dir = crate::common::Scratch::new("emblem");
    std::fs::write(dir.path().join("garuda.svg"), TEST_EMBLEM).unwrap();
    let path = dir.path().join("package.json");
    std::fs::copy(root().join("inputs").join(sample), &path).unwrap();
    let loaded = load::load_file(&path, "package.json", crate::common::frameworks())
        .unwrap_or_else(|f| panic!("{f}"));
    (dir, loaded)
}

/// The samples, and packages of other agencies whose long names and compounds once ran over
/// their table column and out of the page (`tests/fixtures/layout/`, drafted by `init`).
fn samples_and_long_names() -> Vec<std::path::PathBuf> {
    let mut paths = samples();
    paths.extend(
        ["long-name-hospital.json", "long-name-sao.json"]
            .map(|name| root().join("tests/fixtures/layout").join(name)),
    );
    paths
}

#[test]
fn text_stays_inside_the_margins_on_every_page() {
    for path in samples_and_long_names() {
        for (kind, document) in split(&path) {
            let top = match kind {
                DocKind::Memo => 1.5,
                DocKind::Letter | DocKind::Announcement => 2.5,
                _ => 2.0,
            } * CM;
            for page in 0..document.pages().len() {
                let (width, height) = page_size(&document, page);
                for item in items(&document, page) {
                    let what = format!("{} {kind:?} page {}: {item:?}", path.display(), page + 1);
                    let is_page_number =
                        item.text.as_ref().is_some_and(|(t, _)| t.starts_with("- "))
                            && item.y < top;
                    let is_received_stamp =
                        kind == DocKind::Memo && item.y < top && item.x > width / 2.0;
                    assert!(item.x >= 3.0 * CM - 0.5, "left margin: {what}");
                    // A space that ends a line hangs into the margin invisibly.
                    let hanging = item
                        .text
                        .as_ref()
                        .filter(|(t, _)| t.ends_with(' '))
                        .map_or(0.0, |(_, size)| 0.35 * size);
                    assert!(
                        item.x + item.width <= width - 2.0 * CM + 0.5 + hanging,
                        "right margin: {what}"
                    );
                    assert!(item.y <= height - 2.0 * CM + 0.5, "bottom margin: {what}");
                    if !is_page_number && !is_received_stamp {
                        assert!(item.y >= top - item.height - 0.5, "top margin: {what}");
                    }
                }
            }
        }
    }
}

#[test]
fn text_never_runs_across_a_table_rule() {
    for path in samples_and_long_names() {
        for (kind, document) in split(&path) {
            for page in 0..document.pages().len() {
                let rules = vertical_rules(&document, page);
                for item in items(&document, page) {
                    let Some((text, size)) = &item.text else {
                        continue;
                    };
                    // The text's body, from its baseline up; a space at its end may hang.
                    let ink = item.width
                        - if text.ends_with(' ') {
                            0.35 * size
                        } else {
                            0.0
                        };
                    let (top, bottom) = (item.y - 0.7 * size, item.y);
                    let crossed = rules.iter().find(|&&(x, y0, y1)| {
                        x > item.x + 0.5 && x < item.x + ink - 0.5 && y0 < bottom && y1 > top
                    });
                    assert!(
                        crossed.is_none(),
                        "{} {kind:?} page {}: `{text}` runs across the rule at x = {:.1}",
                        path.display(),
                        page + 1,
                        crossed.unwrap().0
                    );
                }
            }
        }
    }
}

#[test]
fn memo_heading_and_labels_have_official_sizes() {
    // The sample without a received stamp, whose small text also says วันที่.
    let docs = split(&root().join("inputs/2567-roiet-education-office.json"));
    let (_, memo) = docs.iter().find(|(k, _)| *k == DocKind::Memo).unwrap();
    let page = runs(memo, 0);
    let size = |needle| find(&page, needle).text.as_ref().unwrap().1;
    assert!((size("บันทึกข้อความ") - 29.0 * LAKSAMAN).abs() < 0.05);
    for label in ["ส่วนราชการ", "วันที่", "เรื่อง"] {
        assert!((size(label) - 20.0 * LAKSAMAN).abs() < 0.05, "{label}");
    }
    assert!(
        (size("เรียน") - 16.0 * LAKSAMAN).abs() < 0.05,
        "body text is 16 pt TH Sarabun"
    );
    // ที่ and วันที่ share a line.
    assert!((find(&page, "ที่").y - find(&page, "วันที่").y).abs() < 1.0);
}

#[test]
fn dotted_leaders_reach_the_right_margin() {
    let docs = split(&root().join("inputs/2567-roiet-education-office.json"));
    let (_, memo) = docs.iter().find(|(k, _)| *k == DocKind::Memo).unwrap();
    let (width, _) = page_size(memo, 0);
    let page = runs(memo, 0);
    let subject = find(&page, "เรื่อง");
    let rightmost_dot = page
        .iter()
        .filter(|i| i.text.as_ref().is_some_and(|(t, _)| t.trim() == "."))
        .filter(|i| (i.y - subject.y).abs() < 2.0)
        .map(|i| i.x + i.width)
        .fold(0.0, f64::max);
    let margin = width - 2.0 * CM;
    assert!(
        rightmost_dot > margin - 6.0 && rightmost_dot <= margin + 0.5,
        "leader ends at {rightmost_dot}, margin {margin}"
    );
}

#[test]
fn emblem_sits_where_the_form_puts_it() {
    let (_dir, loaded) = with_emblem("2566-roiet-province.json");
    let built = engine()
        .build(
            &loaded,
            "p",
            &std::env::temp_dir(),
            &BuildOptions {
                split: true,
                ..Default::default()
            },
        )
        .unwrap_or_else(|f| panic!("{f}"));
    assert!(
        !built
            .warnings
            .iter()
            .any(|w| w.message.english.contains("emblem")),
        "no emblem warning when one is supplied"
    );
    let doc = |kind| {
        &built
            .artifacts
            .iter()
            .find(|a| a.kinds == [kind])
            .unwrap()
            .document
    };

    let memo = items(doc(DocKind::Memo), 0);
    let image = memo
        .iter()
        .find(|i| i.text.is_none())
        .expect("the memo shows the emblem");
    assert!(
        (image.height - 1.5 * CM).abs() < 0.5,
        "memo emblem is 1.5 cm high"
    );
    assert!(
        (image.x - 3.0 * CM).abs() < 0.5 && (image.y - 1.5 * CM).abs() < 0.5,
        "at the top left"
    );

    let letter = items(doc(DocKind::Letter), 0);
    let (width, _) = page_size(doc(DocKind::Letter), 0);
    let image = letter
        .iter()
        .find(|i| i.text.is_none())
        .expect("the letter shows the emblem");
    assert!(
        (image.height - 3.0 * CM).abs() < 0.5,
        "letter emblem is 3 cm high"
    );
    let centre = (3.0 * CM + width - 2.0 * CM) / 2.0;
    assert!(
        (image.x + image.width / 2.0 - centre).abs() < 0.5,
        "centred"
    );

    let (_dir, loaded) = with_emblem("2566-roiet-announcement.json");
    let built = engine()
        .build(
            &loaded,
            "a",
            &std::env::temp_dir(),
            &BuildOptions::default(),
        )
        .unwrap();
    let page = items(&built.artifacts[0].document, 0);
    let image = page
        .iter()
        .find(|i| i.text.is_none())
        .expect("the announcement shows the emblem");
    assert!(
        (image.height - 3.0 * CM).abs() < 0.5,
        "announcement emblem is 3 cm high"
    );
    assert!(
        (image.x + image.width / 2.0 - centre).abs() < 0.5,
        "centred"
    );
    assert!((image.y - 2.5 * CM).abs() < 0.5, "at the top margin");
}

#[test]
fn without_emblem_the_space_is_kept_and_a_warning_says_what_to_supply() {
    let loaded = load_sample(&root().join("inputs/2566-roiet-province.json"));
    let built = build(
        &loaded,
        &BuildOptions {
            split: true,
            ..Default::default()
        },
    );
    let warning = built
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<String>();
    assert!(warning.contains("garuda.svg"), "{warning}");
    let memo = &built
        .artifacts
        .iter()
        .find(|a| a.kinds == [DocKind::Memo])
        .unwrap()
        .document;
    let page = runs(memo, 0);
    assert!(page.iter().all(|i| i.text.is_some()), "no image");
    // The form below the emblem band is where it is with an emblem.
    let (_dir, with) = with_emblem("2566-roiet-province.json");
    let other = engine()
        .build(
            &with,
            "p",
            &std::env::temp_dir(),
            &BuildOptions {
                split: true,
                ..Default::default()
            },
        )
        .unwrap();
    let other_memo = &other
        .artifacts
        .iter()
        .find(|a| a.kinds == [DocKind::Memo])
        .unwrap()
        .document;
    assert!((find(&page, "ส่วนราชการ").y - find(&runs(other_memo, 0), "ส่วนราชการ").y).abs() < 0.1);
}

#[test]
fn page_numbers_from_page_two_centred_at_the_top() {
    let docs = split(&root().join("inputs/2566-roiet-province.json"));
    let (_, report) = docs.iter().find(|(k, _)| *k == DocKind::Report).unwrap();
    assert!(report.pages().len() >= 2);
    let first = items(report, 0);
    assert!(first.iter().all(|i| {
        !i.text
            .as_ref()
            .unwrap_or(&(String::new(), 0.0))
            .0
            .starts_with("- ")
    }));
    let (width, _) = page_size(report, 1);
    let second = runs(report, 1);
    let number = find(&second, "- ๒ -");
    let centre = (3.0 * CM + width - 2.0 * CM) / 2.0;
    assert!(
        (number.x + number.width / 2.0 - centre).abs() < 1.0,
        "centred"
    );
    assert!(number.y < 2.0 * CM, "in the top margin");
}

#[test]
fn long_tables_repeat_their_header_on_every_page() {
    let docs = split(&root().join("inputs/2567-roiet-education-office.json"));
    let (_, measures) = docs.iter().find(|(k, _)| *k == DocKind::Measures).unwrap();
    assert!(measures.pages().len() >= 3, "the table crosses pages");
    for page in 1..measures.pages().len() {
        find(&runs(measures, page), "ขั้นตอน/วิธีการปฏิบัติ");
    }
    let docs = split(&root().join("inputs/2566-roiet-progress.json"));
    let (_, progress) = docs.iter().find(|(k, _)| *k == DocKind::Progress).unwrap();
    let (width, height) = page_size(progress, 0);
    assert!(width > height, "the progress report is landscape");
    for page in 0..progress.pages().len() {
        find(&runs(progress, page), "ผลการดำเนินการ");
    }
}

#[test]
fn qr_code_decodes_to_the_url() {
    // An example address: the samples hold none, their seed gives none.
    let url = "https://example.org/ita/2566/report.pdf";
    let rows = qr::matrix(url).unwrap();
    let n = rows.len();
    let scale = 8;
    let image = rqrr::PreparedImage::prepare_from_greyscale(n * scale, n * scale, |x, y| {
        if rows[y / scale].as_bytes()[x / scale] == b'1' {
            0
        } else {
            255
        }
    });
    let mut image = image;
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, url);

    // A letter given that address draws exactly the dark modules of that matrix.
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-province.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["letter"]["qr"] = serde_json::json!({ "url": url });
    let loaded = crate::common::load_text(&json.to_string(), "with-qr.json");
    let source = engine()
        .typst_source(&loaded, &[DocKind::Letter], &BuildOptions::default())
        .unwrap();
    let drawn = rows
        .iter()
        .map(|row| format!("\"{row}\","))
        .collect::<String>();
    assert!(
        source.contains(&format!("qr-code(({drawn})")),
        "the letter draws the matrix row by row"
    );
}

#[test]
fn font_scale_keeps_letters_at_th_sarabun_height() {
    let fonts = ita_report::world::Fonts::load(&[]).unwrap();
    assert!((fonts.scale("Laksaman") - LAKSAMAN).abs() < 0.001);
    assert!(
        (fonts.scale("Sarabun") - 0.681).abs() < 0.01,
        "{}",
        fonts.scale("Sarabun")
    );
}

#[test]
fn ranked_lists_keep_their_columns_from_level_to_level() {
    // Each level's list of agencies is a table of its own; an official reads them as one, so
    // the headers' columns stand at the same places on every page.
    let path = root().join("inputs/2566-roiet-province.json");
    let built = build(&load_sample(&path), &BuildOptions::default());
    let document = &built.artifacts[0].document;
    let mut places: Vec<Vec<i64>> = Vec::new();
    for page in 0..document.pages().len() {
        let all = items(document, page);
        for head in all
            .iter()
            .filter(|i| i.text.as_ref().is_some_and(|(t, _)| t == "อำเภอ"))
        {
            let row: Vec<i64> = all
                .iter()
                .filter(|i| (i.y - head.y).abs() < 1.0)
                .filter(|i| {
                    i.text.as_ref().is_some_and(|(t, _)| {
                        ["อำเภอ", "ITA", "ลำดับ"].iter().any(|w| t.contains(w))
                    })
                })
                .map(|i| i.x.round() as i64)
                .collect();
            places.push(row);
        }
    }
    assert!(
        places.len() >= 3,
        "the sample has lists for several levels: {places:?}"
    );
    assert!(
        places.windows(2).all(|w| w[0] == w[1]),
        "header columns move: {places:?}"
    );
}
