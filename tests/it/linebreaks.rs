//! The line-break audit: every line end of the laid-out pages, judged as a Thai reader would.
//!
//! Lines are rebuilt from the text runs of the frames (runs on one baseline that touch), and a
//! line continues the one above it when it starts inside that line's column one line pitch
//! lower. Where both sides of such a break are Thai letters, the break must fall between two
//! words: the package's segmenter (dictionary, fixed expressions, names of the package) is
//! asked about the Thai letters around it, and so is ICU4X's own Thai dictionary, whose words
//! are shorter (so it is the more lenient judge, but it shares nothing with ours). No line
//! may start with ๆ or ฯ.

use std::fmt;

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use ita_report::engine::BuildOptions;
use ita_report::linebreak::{self, glue};
use ita_report::load::Loaded;
use ita_report::thai::words::{self, Segmenter, is_thai_letter};
use typst_layout::PagedDocument;

use crate::common::{
    Line, build, compile_source, engine, lines, load_sample, load_text, root, samples,
};

/// A line end inside a paragraph: the line and the one that continues it.
fn breaks(lines: &[Line]) -> Vec<(&Line, &Line)> {
    let mut out = Vec::new();
    for (k, a) in lines.iter().enumerate() {
        // The next line of the same paragraph starts at the line's left edge, or 2.5 cm to the
        // left of it when the line is a paragraph's indented first line; a line starting to the
        // right of this one opens the next paragraph.
        let indent = 2.5 * 28.3465;
        let next = lines[k + 1..]
            .iter()
            .filter(|b| b.page == a.page && b.y > a.y + 0.5)
            .find(|b| {
                b.x0 >= a.x0 - indent - 1.0
                    && b.x0 <= a.x0 + 1.0
                    && b.y - a.y <= 2.3 * a.size.max(b.size)
            });
        if let Some(b) = next {
            // The nearest line below in the same column, if nothing else sits between them.
            let between = lines.iter().any(|c| {
                c.page == a.page && c.y > a.y + 0.5 && c.y < b.y - 0.5 && c.x0 < a.x1 && c.x1 > a.x0
            });
            if !between {
                out.push((a, b));
            }
        }
    }
    out
}

/// The audit's figures for one document.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Audit {
    breaks: usize,
    thai: usize,
    inside: usize,
    inside_icu: usize,
    leading_mark: usize,
    /// Breaks in a table column between the parts of a long word (allowed).
    parts_in_cells: usize,
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} line breaks, {} between Thai letters, {} inside a word (dictionary and names), {} between the parts of a long word in a table column, {} inside an ICU dictionary word, {} lines starting with ๆ/ฯ",
            self.breaks,
            self.thai,
            self.inside,
            self.parts_in_cells,
            self.inside_icu,
            self.leading_mark
        )
    }
}

/// Whether an occurrence of `word` in `text` has `at` strictly inside it.
fn spans(text: &str, word: &str, at: usize) -> bool {
    text.match_indices(word)
        .any(|(start, w)| start < at && at < start + w.len())
}

/// Audits the breaks of a document. `kept_whole`: names and fixed expressions that no break
/// may cut, checked apart from the segmenter.
fn audit(
    document: &PagedDocument,
    segmenter: &Segmenter,
    kept_whole: &[String],
    faults: &mut Vec<String>,
) -> Audit {
    let icu = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let lines = lines(document);
    let mut figures = Audit::default();
    for (a, b) in breaks(&lines) {
        figures.breaks += 1;
        let end = a.text.trim_end();
        let start = b.text.trim_start();
        if start.starts_with(['ๆ', 'ฯ']) {
            figures.leading_mark += 1;
            faults.push(format!("p{} starts with a mark: {start}", b.page + 1));
        }
        if end.len() != a.text.len() || start.len() != b.text.len() {
            continue; // a break at a space
        }
        let left: String = {
            let tail: Vec<char> = end
                .chars()
                .rev()
                .take_while(|&c| is_thai_letter(c))
                .collect();
            tail.into_iter().rev().collect()
        };
        let right: String = start.chars().take_while(|&c| is_thai_letter(c)).collect();
        if left.is_empty() || right.is_empty() {
            continue;
        }
        figures.thai += 1;
        let joined = format!("{left}{right}");
        let ours = segmenter
            .segment(&joined)
            .iter()
            .any(|t| t.range.start == left.len());
        let whole = kept_whole.iter().find(|w| spans(&joined, w, left.len()));
        if (!ours || whole.is_some())
            && between_parts_in_a_cell(a, b, &joined, left.len(), segmenter)
        {
            figures.parts_in_cells += 1;
        } else if !ours || whole.is_some() {
            figures.inside += 1;
            faults.push(format!(
                "p{}: {left}|{right} {}",
                b.page + 1,
                whole.map_or("", |w| w.as_str())
            ));
        }
        // ICU's dictionary reads some junctions differently in context (เพื่อให้|การ…): a
        // figure for the README, not a verdict.
        if !icu.segment_str(&joined).any(|p| p == left.len()) {
            figures.inside_icu += 1;
        }
    }
    figures
}

/// Whether a break at `at` in `joined` falls in a table column (both lines far narrower than
/// the text width) between the parts of a word too long to be kept whole there
/// ([`glue::LONG_IN_CELL`]): the program allows those breaks, so that the word wraps inside
/// its column rather than run over the next one.
fn between_parts_in_a_cell(
    a: &Line,
    b: &Line,
    joined: &str,
    at: usize,
    segmenter: &Segmenter,
) -> bool {
    let narrow = |line: &Line| line.x1 - line.x0 < 8.0 * 28.3465;
    if !narrow(a) || !narrow(b) {
        return false;
    }
    segmenter
        .segment(joined)
        .iter()
        .filter(|t| t.known && t.range.start < at && at < t.range.end)
        .any(|t| {
            let word = &joined[t.range.clone()];
            word.chars().count() > glue::LONG_IN_CELL
                && segmenter
                    .parts(word)
                    .is_some_and(|parts| parts.iter().any(|p| t.range.start + p.range.start == at))
        })
}

/// The names of a package and the fixed expressions: what must never be cut.
fn kept_whole(loaded: &Loaded) -> Vec<String> {
    let names = linebreak::package_names(&loaded.package);
    let expressions = include_str!("../../src/thai/expressions.txt")
        .lines()
        .filter(|l| !l.starts_with('#'));
    names
        .words()
        .iter()
        .map(String::as_str)
        .chain(expressions)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn audit_package(loaded: &Loaded, label: &str) -> Audit {
    let names = linebreak::package_names(&loaded.package);
    let segmenter = Segmenter::new(vec![words::standard(), &names]);
    let built = build(loaded, &BuildOptions::default());
    let mut faults = Vec::new();
    let figures = audit(
        &built.artifacts[0].document,
        &segmenter,
        &kept_whole(loaded),
        &mut faults,
    );
    eprintln!("line-break audit, {label}: {figures}");
    assert!(
        faults.is_empty(),
        "{label}: {figures}\n{}",
        faults.join("\n")
    );
    figures
}

#[test]
fn samples_break_thai_lines_only_between_words() {
    let mut total = Audit::default();
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let figures = audit_package(&load_sample(&path), &name);
        total.breaks += figures.breaks;
        total.thai += figures.thai;
        assert!(figures.breaks > 0, "{name}: the audit found lines");
    }
    assert!(
        total.thai > 100,
        "the samples break many lines between Thai letters: {total:?}"
    );
}

#[test]
fn text_of_other_agencies_breaks_only_between_words() {
    let path = root().join("tests/fixtures/thai/other-agencies.json");
    let figures = audit_package(&load_sample(&path), "other agencies");
    assert!(
        figures.thai > 40,
        "the test text is long enough to judge: {figures}"
    );
}

#[test]
fn audit_catches_a_word_broken_by_typst_alone() {
    // The same text without the dictionary pass, tagged Thai: Typst's own model splits words.
    let path = root().join("tests/fixtures/thai/other-agencies.json");
    let loaded = load_sample(&path);
    let names = linebreak::package_names(&loaded.package);
    let segmenter = Segmenter::new(vec![words::standard(), &names]);
    let kinds = ita_report::documents::DocKind::available(&loaded.package);
    let source = engine()
        .typst_source(&loaded, &kinds, &BuildOptions::default())
        .unwrap_or_else(|f| panic!("{f}"));
    let source = source.replace(crate::language::LAYOUT_TAG_SET, "  lang: \"th\",\n");
    let unbroken = compile_source(&source, &loaded);
    let mut faults = Vec::new();
    let figures = audit(&unbroken, &segmenter, &kept_whole(&loaded), &mut faults);
    assert!(
        figures.inside > 0,
        "Typst alone breaks inside words, and the audit sees it: {figures}"
    );
}

#[test]
fn names_from_the_package_stay_whole() {
    let text = include_str!("../fixtures/thai/names.json");
    let loaded = load_text(text, "names.json");
    let names = linebreak::package_names(&loaded.package);
    let segmenter = Segmenter::new(vec![words::standard(), &names]);
    for name in ["จตุรพักตรพิมาน", "หนองพอก", "อรรคศิริวร", "ร้อยเอ็ด"]
    {
        let tokens = segmenter.segment(name);
        assert_eq!(tokens.len(), 1, "{name} is one word: {tokens:?}");
    }
    audit_package(&loaded, "names");
}

/// How much justification widened each space of the body text: its advance over the font's.
fn space_stretch(document: &PagedDocument) -> Vec<f64> {
    use typst::layout::{Frame, FrameItem};
    fn walk(frame: &Frame, out: &mut Vec<f64>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => {
                    for glyph in &text.glyphs {
                        if &text.text[glyph.range()] != " " {
                            continue;
                        }
                        if let Some(natural) =
                            text.font.x_advance(glyph.id).filter(|a| a.get() > 0.0)
                        {
                            out.push(glyph.x_advance.get() / natural.get());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

#[test]
fn justified_spaces_stay_close_to_a_normal_space() {
    let mut stretch = Vec::new();
    for path in samples()
        .into_iter()
        .chain([root().join("tests/fixtures/thai/other-agencies.json")])
    {
        let built = build(&load_sample(&path), &BuildOptions::default());
        stretch.extend(space_stretch(&built.artifacts[0].document));
    }
    stretch.sort_by(f64::total_cmp);
    let share =
        |limit: f64| stretch.iter().filter(|&&s| s > limit).count() as f64 / stretch.len() as f64;
    eprintln!(
        "justified spaces: {} in all; median {:.2}× a normal space, 95th percentile {:.2}×, widest {:.2}×; {:.1} % wider than 2×",
        stretch.len(),
        stretch[stretch.len() / 2],
        stretch[stretch.len() * 95 / 100],
        stretch[stretch.len() - 1],
        100.0 * share(2.0)
    );
    assert!(stretch.len() > 500, "the samples set many spaces");
    assert!(
        share(2.0) < 0.02,
        "at most 2 % of spaces are stretched past twice their width"
    );
}

/// Text with each case of a word, title, name and address that once broke inside.
const KEPT: &str = "จัดหาพัสดุทุกรายการตามงบประมาณ ในทุกกระบวนการงาน พร้อมรับการตรวจสอบทุกภาคส่วน แยกผลประโยชน์ส่วนตนออกจากผลประโยชน์ส่วนรวม คุ้มครองผู้แจ้งเบาะแส โดยนางอุบลรัตน์ ศรีสุข และนาย สมชาย ใจดี ร่วมกับดร.สมหญิง รักดี และว่าที่ร้อยตรีสมศักดิ์ มั่นคง ในโครงการ “จิตพอเพียงต้านทุจริต” ดูได้ที่ https://ita.ipst.ac.th/index.php/report ";

/// What no line may end inside, as it reads without spaces.
const WHOLE: [&str; 11] = [
    "รายการ",
    "กระบวนการ",
    "ภาคส่วน",
    "ส่วนตน",
    "ผู้แจ้ง",
    "นางอุบลรัตน์",
    "นายสมชาย",
    "ดร.สมหญิง",
    "ว่าที่ร้อยตรีสมศักดิ์",
    "จิตพอเพียงต้านทุจริต",
    "ita.ipst.ac.th",
];

#[test]
fn words_names_and_hosts_that_fit_their_column_are_never_cut() {
    // The municipality's sample with the text above in every paragraph of the analysis and
    // every step of the measures (a table cell), each time after a lead of another length,
    // so that each case meets line ends in wide and narrow columns.
    let mut package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("inputs/2568-roiet-municipality.json")).unwrap(),
    )
    .unwrap();
    let mut k = 0;
    let mut variant = || {
        k += 1;
        format!("{}{KEPT}", "และ".repeat(k % 17))
    };
    for indicator in package["scores"]["indicators"].as_array_mut().unwrap() {
        indicator["analysis"] = serde_json::json!([variant(), variant(), variant()]);
    }
    for row in package["measures"]["rows"].as_array_mut().unwrap() {
        row["steps"] = serde_json::json!([variant(), variant()]);
    }
    let loaded = load_text(&package.to_string(), "kept.json");
    let built = build(&loaded, &BuildOptions::default());
    let lines = lines(&built.artifacts[0].document);
    let (mut faults, mut near) = (Vec::new(), 0);
    for (a, b) in breaks(&lines) {
        let left: String = a.text.chars().filter(|c| !c.is_whitespace()).collect();
        let right: String = b.text.chars().filter(|c| !c.is_whitespace()).collect();
        let joined = format!("{left}{right}");
        for word in WHOLE {
            if spans(&joined, word, left.len()) {
                faults.push(format!("p{}: {left}|{right}", b.page + 1));
            }
            // A line that ends just before or after the word: the case was at a line end.
            near += usize::from(left.ends_with(word) || right.starts_with(word));
        }
    }
    assert!(faults.is_empty(), "cut:\n{}", faults.join("\n"));
    assert!(near > 10, "the cases met line ends only {near} times");
}
