//! Thai formatting: digits, Buddhist-era dates, scores, in both numeral styles.

use ita_report::linebreak::{self, glue};
use ita_report::model::{Numerals, Score};
use ita_report::thai::words::{self, Segmenter};
use ita_report::thai::{self, Date};

#[test]
fn digits_follow_the_numeral_style() {
    let cases = [
        ("2566", Numerals::Thai, "๒๕๖๖"),
        ("0 4351 1353", Numerals::Thai, "๐ ๔๓๕๑ ๑๓๕๓"),
        ("รอ 0017.5/ว 5514", Numerals::Thai, "รอ ๐๐๑๗.๕/ว ๕๕๑๔"),
        ("2566", Numerals::Arabic, "2566"),
        ("๑๒ and 12", Numerals::Arabic, "๑๒ and 12"),
        ("", Numerals::Thai, ""),
    ];
    for (input, numerals, expected) in cases {
        assert_eq!(
            thai::digits(input, numerals),
            expected,
            "{input:?} {numerals:?}"
        );
    }
}

#[test]
fn scores_have_two_decimals() {
    let cases = [
        (93.14, Numerals::Arabic, "93.14"),
        (100.0, Numerals::Arabic, "100.00"),
        (81.5, Numerals::Arabic, "81.50"),
        (0.0, Numerals::Arabic, "0.00"),
        (99.645, Numerals::Arabic, "99.65"),
        (98.67, Numerals::Thai, "๙๘.๖๗"),
        (85.0, Numerals::Thai, "๘๕.๐๐"),
    ];
    for (value, numerals, expected) in cases {
        assert_eq!(thai::score(Score(value), numerals), expected, "{value}");
    }
    assert_eq!(thai::hundredths(-77, Numerals::Thai), "-๐.๗๗");
    assert_eq!(thai::hundredths(5, Numerals::Arabic), "0.05");
    // A target as the data gives it: whole numbers without decimals.
    assert_eq!(thai::target(Score(85.0), Numerals::Thai), "๘๕");
    assert_eq!(thai::target(Score(85.5), Numerals::Arabic), "85.50");
    // Levels spaced from the word before them when one is Latin.
    assert_eq!(thai::spaced("อยู่ในระดับ", "B"), "อยู่ในระดับ B");
    assert_eq!(thai::spaced("อยู่ในระดับ", "ผ่าน"), "อยู่ในระดับผ่าน");
}

#[test]
fn dates_are_buddhist_era_long_and_short() {
    let cases = [
        ("2566-09-27", "๒๗ กันยายน ๒๕๖๖", "๒๗ ก.ย. ๒๕๖๖"),
        ("2023-09-28", "๒๘ กันยายน ๒๕๖๖", "๒๘ ก.ย. ๒๕๖๖"),
        ("2567-06-26", "๒๖ มิถุนายน ๒๕๖๗", "๒๖ มิ.ย. ๒๕๖๗"),
        ("2568-01-01", "๑ มกราคม ๒๕๖๘", "๑ ม.ค. ๒๕๖๘"),
        ("2567-02-29", "๒๙ กุมภาพันธ์ ๒๕๖๗", "๒๙ ก.พ. ๒๕๖๗"),
        ("2025-12-31", "๓๑ ธันวาคม ๒๕๖๘", "๓๑ ธ.ค. ๒๕๖๘"),
    ];
    for (input, long, short) in cases {
        let date = Date::parse(input).unwrap();
        assert_eq!(date.long(Numerals::Thai), long, "{input}");
        assert_eq!(date.short(Numerals::Thai), short, "{input}");
    }
    assert_eq!(
        Date::parse("2566-09-27").unwrap().long(Numerals::Arabic),
        "27 กันยายน 2566"
    );
}

#[test]
fn impossible_dates_are_rejected() {
    for bad in [
        "2566-02-29",
        "2566-13-01",
        "2566-04-31",
        "2566-00-10",
        "2566-9-27",
        "27/09/2566",
        "",
        "2566-09-27x",
    ] {
        assert!(Date::parse(bad).is_err(), "{bad:?} should be rejected");
    }
    // 2567 BE is 2024 CE, a leap year; 2566 BE (2023) is not.
    assert!(Date::parse("2567-02-29").is_ok());
}

fn cut(text: &str) -> String {
    let segmenter = Segmenter::new(vec![words::standard()]);
    let tokens = segmenter.segment(text);
    tokens
        .iter()
        .map(|t| &text[t.range.clone()])
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn words_are_cut_where_a_thai_reader_cuts_them() {
    let cases = [
        ("ภายนอก", "ภายนอก"),
        ("ร้อยละ", "ร้อยละ"),
        ("ข้าราชการ", "ข้าราชการ"),
        ("การเผยแพร่", "การ|เผยแพร่"),
        ("ทุกรอบ", "ทุก|รอบ"),
        ("ตัวชี้วัดที่", "ตัวชี้วัด|ที่"),
        ("ต่างๆ", "ต่างๆ"),
        ("ผู้มีส่วนได้ส่วนเสียภายนอก", "ผู้มีส่วนได้ส่วนเสีย|ภายนอก"),
    ];
    for (text, expected) in cases {
        assert_eq!(cut(text), expected, "{text}");
    }
    // Cuts only between clusters: never before a mark, a following vowel or ๆ.
    assert_eq!(words::cut_points("กั้น"), [0, "กั้".len(), "กั้น".len()]);
    assert_eq!(words::cut_points("เก"), [0, "เก".len()]);
}

#[test]
fn spaces_that_keep_a_number_with_its_word() {
    // The groups of a telephone number ("โทร ๐ ๔๓๕๑ ๑๓๕๓") are one number.
    assert!(
        glue::space_glues("โทร ๐", "๔๓๕๑ ๑๓๕๓", false) && glue::space_glues("02 123", "4567", true)
    );
    for (before, after) in [
        ("วันที่", "๑๔ กันยายน"),
        ("พ.ศ.", "๒๕๖๖"),
        ("๘๕", "คะแนน"),
        ("๑๔", "กันยายน"),
        ("ต่าง", "ๆ"),
        ("ตัวชี้วัดที่", "๑"),
    ] {
        assert!(
            glue::space_glues(before, after, false),
            "{before} ⍽ {after} must not break"
        );
    }
    for (before, after) in [("เท่ากับ", "๙๕.๗๘"), ("คะแนน", "ตัวชี้วัด"), ("๒๕๖๖", "ซึ่ง")]
    {
        assert!(
            !glue::space_glues(before, after, false),
            "{before} ⍽ {after} may break"
        );
    }
    // A unit is a word of its own when the dictionary ends a word with it, written against
    // the next word or not ("๖ เดือน|และ"), and not when it only begins a longer word.
    assert!(glue::space_glues("แผนรอบ ๖", "เดือนและ ๑๒ เดือน", false));
    assert!(!glue::space_glues("๑๐", "คนงาน", false));
    // After a month in full the year may go to the next line; after an abbreviated one only
    // in a narrow column.
    assert!(!glue::space_glues("๑๕ ธันวาคม", "๒๕๖๘", false));
    assert!(glue::space_glues("๑๕ ธ.ค.", "๖๘", false));
    // In a table cell the year of a date may go to the next line, and the day with its month
    // may leave its label; the day keeps its month.
    assert!(!glue::space_glues("๓๐ มกราคม", "๒๕๖๖", true));
    assert!(glue::space_glues("๓๐", "มกราคม ๒๕๖๖", true));
    assert!(!glue::space_glues("ภายในวันที่", "๓๑ พฤษภาคม ๒๕๖๘", true));
    assert!(glue::space_glues("ภายในวันที่", "๓๑ พฤษภาคม ๒๕๖๘", false));
    assert!(glue::space_glues("ตัวชี้วัดที่", "๑ และ", true));
}

#[test]
fn the_source_pass_marks_words_and_keeps_headings_free_of_invisible_characters() {
    let segmenter = Segmenter::new(vec![words::standard()]);
    let out = linebreak::apply(
        "ภายนอกหน่วยงาน #\"ร้อยละ\"; #heading(level: 1)[ภายนอกหน่วยงาน]",
        &segmenter,
    );
    let (body, heading) = out.split_once("#heading").unwrap();
    assert!(
        body.contains(glue::BOUNDARY) && body.contains(glue::JOINER),
        "{body}"
    );
    // The embedded string stays one string, its words marked inside it.
    assert!(body.contains("#\"ร้อย") && !body.contains("\";#"), "{body}");
    assert!(
        !heading.contains(&glue::MARKS[..]) && heading.contains("#box["),
        "{heading}"
    );
    // Code and strings in code are left alone.
    let code = "#let x = \"ภายนอก\"\n#if x == \"ภายนอก\" [ok]";
    assert!(linebreak::apply(code, &segmenter).ends_with(code));
}

#[test]
fn an_unknown_word_breaks_where_the_model_would_and_a_known_one_never() {
    // Letters no dictionary joins into a word, long enough for the model to cut.
    let unknown = "ฆฌฎฏฐฑฒณฆฌฎฏฐฑฒณฆฌฎฏฐฑฒณๆ";
    let marks = glue::marks(unknown, false);
    assert!(
        !marks.breaks.is_empty(),
        "the model's breaks become boundaries: {marks:?}"
    );
    assert!(
        marks
            .breaks
            .iter()
            .all(|&at| !unknown[at..].starts_with('ๆ')),
        "never before ๆ: {marks:?}"
    );
    let known = "ผู้มีส่วนได้ส่วนเสีย";
    let marks = glue::marks(known, true);
    assert!(
        marks.breaks.is_empty(),
        "a known word is kept whole: {marks:?}"
    );
    // The pieces written for an unknown run carry its boundaries.
    let pieces = glue::pieces(
        unknown,
        &Segmenter::new(vec![words::standard()]),
        glue::Column::Text,
    );
    assert!(
        pieces
            .iter()
            .filter(|p| **p == glue::Piece::Boundary)
            .count()
            >= 1,
        "{pieces:?}"
    );
}

/// The pieces written for `text` in a column, a boundary shown as "|".
fn written(text: &str, column: glue::Column) -> String {
    glue::pieces(text, &Segmenter::new(vec![words::standard()]), column)
        .iter()
        .map(|p| match p {
            glue::Piece::Text(t) => t.clone(),
            glue::Piece::Boundary => "|".into(),
            glue::Piece::Joiner => String::new(),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_long_address_breaks_after_its_separators_and_a_long_run_every_few_letters() {
    let written = |text: &str| written(text, glue::Column::Text);
    // A web address breaks after its scheme and in its path, never inside its host.
    assert_eq!(
        written("https://www.example.go.th/ita/2569/o36-measures-report.pdf"),
        "https://|www.example.go.th/|ita/|2569/|o36-|measures-|report.pdf"
    );
    // The extension does not start a line alone (seen: "…/moit22." | "pdf", "…/oit." | "html").
    assert_eq!(
        written("https://www.hospital.go.th/ita/moit22.pdf"),
        "https://|www.hospital.go.th/|ita/|moit22.pdf"
    );
    assert_eq!(
        written("https://www.police.go.th/2564/oit.html"),
        "https://|www.police.go.th/|2564/|oit.html"
    );
    // No separator to break at: every 8 letters.
    assert_eq!(
        written("abcdefghijklmnopqrstuvwxyz"),
        "abcdefgh|ijklmnop|qrstuvwxyz"
    );
    // Short tokens are left to Typst.
    assert_eq!(written("www.a.go.th"), "www.a.go.th");
}

#[test]
fn a_dotted_abbreviation_written_against_a_word_does_not_take_its_last_letter() {
    // "มาณพ" is a word: read with the run, พ of พ.ศ. would cut งบประมาณ as งบ|ประ|มาณพ.
    let written = written("ประจำปีงบประมาณพ.ศ.2568", glue::Column::Text);
    assert!(written.contains("งบประมาณ|พ.ศ.2568"), "{written}");
    assert!(!written.contains("ประ|มาณ"), "{written}");
}

#[test]
fn an_abbreviation_before_its_dot_is_kept_whole() {
    let written = |text: &str| written(text, glue::Column::Narrow);
    for (text, whole) in [
        ("สสจ.ร้อยเอ็ด", "สสจ."),
        ("ประสานงานกับสพป.ร้อยเอ็ดเขต ๑", "สพป."),
        ("ผอ.รพ.สต.บ้านหนองแวง", "ผอ."),
    ] {
        let written = written(text);
        assert!(written.contains(whole), "{text}: {written}");
    }
    // Words before the abbreviation still break as words.
    assert!(
        written("ประสานงานกับสพป.").contains("กับ|สพป."),
        "{}",
        written("ประสานงานกับสพป.")
    );
}

#[test]
fn a_nominalizer_stays_with_its_word() {
    // "การ" and "ความ" make a noun of the word after them: no line ends between them.
    let text = written("ตัวชี้วัดการปฏิบัติหน้าที่และความโปร่งใส", glue::Column::Text);
    assert!(
        text.contains("การปฏิบัติ") && text.contains("ความโปร่งใส"),
        "{text}"
    );
    assert!(
        text.contains('|'),
        "the other words still have their boundaries: {text}"
    );
    // An abbreviated month keeps its year in an ordinary table cell; only a narrow column
    // lets the year go.
    assert!(written("ถึง ม.ค. ๒๕๖๘", glue::Column::Text).contains("ม.ค.\u{a0}๒๕๖๘"));
    assert!(written("ถึง ม.ค. ๒๕๖๘", glue::Column::Narrow).contains("ม.ค. ๒๕๖๘"));
}

/// The pieces written for `text` in running text, a boundary shown as "|" and a joiner as "+".
fn marked(text: &str) -> String {
    glue::pieces(
        text,
        &Segmenter::new(vec![words::standard()]),
        glue::Column::Text,
    )
    .iter()
    .map(|p| match p {
        glue::Piece::Text(t) => t.clone(),
        glue::Piece::Boundary => "|".into(),
        glue::Piece::Joiner => "+".into(),
        other => panic!("{other:?}"),
    })
    .collect()
}

#[test]
fn a_line_ends_only_where_both_readings_of_a_run_end_a_word() {
    // Fewest words alone read ทุกราย|การตาม and กระบวน|การงาน, and lines broke at ราย|การ
    // and กระบวน|การ in the seeds' tables; ภาค|ส่วน, ส่วน|ตน and ผู้|แจ้ง broke there too.
    for (text, whole) in [
        ("จัดหาพัสดุทุกรายการตามงบประมาณ", "รายการ"),
        ("ในทุกกระบวนการงานและกิจกรรม", "กระบวนการ"),
        ("การคุ้มครองผู้แจ้งเบาะแส", "ผู้แจ้ง"),
        ("พร้อมรับการตรวจสอบทุกภาคส่วน", "ภาคส่วน"),
        ("ผลประโยชน์ส่วนตนและผลประโยชน์ส่วนรวม", "ส่วนตน"),
    ] {
        let written = written(text, glue::Column::Text);
        assert!(written.contains(whole), "{text}: {written}");
        assert!(written.contains('|'), "{text} still breaks: {written}");
    }
    // A long stretch where the readings part takes the likeliest words, so it still wraps.
    let long = written("เกี่ยวกับกระบวนการบริหารงานบุคคลที่อาจเกิด", glue::Column::Text);
    assert!(long.contains("กระบวนการ|"), "{long}");
}

#[test]
fn a_title_stays_with_the_name_after_it() {
    for (text, whole) in [
        ("ตามที่นางอุบลรัตน์ ศรีสุข รายงาน", "นางอุบลรัตน์"),
        ("โดยนายกิตติเป็นผู้ประสานงาน", "นายกิตติ"),
        ("ว่าที่ร้อยตรีสมศักดิ์ มั่นคง", "ว่าที่ร้อยตรีสมศักดิ์"),
        ("มอบให้นางสาวพรทิพย์ ดีงาม", "นางสาวพรทิพย์"),
        // A space after a title does not end a line either.
        ("มอบให้นาง อุบลรัตน์ ศรีสุข", "นาง\u{a0}อุบลรัตน์"),
        ("เชิญ ดร. สมชาย ใจดี", "ดร.\u{a0}สมชาย"),
        ("โดยผศ.ดร.สมหญิง รักดี", "ผศ.ดร.สมหญิง"),
    ] {
        let marked = marked(text);
        assert!(marked.replace('+', "").contains(whole), "{text}: {marked}");
    }
    // An abbreviated title written against the name: a joiner at the dot.
    let marked_dotted = marked("โดยผศ.ดร.สมหญิง รักดี");
    assert!(marked_dotted.contains("ร.+สม"), "{marked_dotted}");
    // The title is data: a name after a word that is no title breaks as usual.
    assert!(marked("รายงานสมชาย").contains('|'));
}

#[test]
fn a_quoted_name_that_fits_a_line_is_kept_whole() {
    let text = "ดำเนินโครงการ “จิตพอเพียงต้านทุจริต” ของหน่วยงาน";
    let written = written(text, glue::Column::Text);
    assert!(written.contains("จิตพอเพียงต้านทุจริต"), "{written}");
    // Unquoted, the same words break between them.
    let bare = written_text("ดำเนินโครงการจิตพอเพียงต้านทุจริตของหน่วยงาน");
    assert!(!bare.contains("จิตพอเพียงต้านทุจริต"), "{bare}");
}

/// A project's name written against "โครงการ" up to the next space, as memos write them,
/// is kept whole when it fits a third of a line: lines ended at "โครงการจิต|พอเพียงต้านทุจริต"
/// and "โครงการโรงเรียน|สุจริต" in a police station's memo. A line may still end after
/// "โครงการ"; a longer name breaks between its words.
#[test]
fn a_project_name_up_to_the_next_space_is_kept_whole() {
    for (text, name) in [
        ("ผู้รับผิดชอบโครงการจิตพอเพียงต้านทุจริต ร่วมกับ", "จิตพอเพียงต้านทุจริต"),
        ("และโครงการโรงเรียนสุจริต ของหน่วยงาน", "โรงเรียนสุจริต"),
        ("จัดกิจกรรมเดินวิ่งต้านโกง ทุกปี", "เดินวิ่งต้านโกง"),
    ] {
        let written = written_text(text);
        assert!(written.contains(&format!("|{name} ")), "{text}: {written}");
    }
    let long = written_text("โครงการส่งเสริมคุณธรรมจริยธรรมและธรรมาภิบาล ของหน่วยงาน");
    assert!(long.contains("คุณธรรม|"), "{long}");
}

/// "หญิง" typed apart from the rank before it ("พันตำรวจโท หญิง สมใจ") is part of the title:
/// no line ends between it and the name (it did, leaving "พันตำรวจโท หญิง" at a line end).
#[test]
fn a_title_typed_in_two_words_stays_with_the_name() {
    for (text, whole) in [
        ("ร่วมกับพันตำรวจโท หญิง สมใจ รักดี", "หญิง\u{a0}สมใจ"),
        ("โดยว่าที่ร้อยตรี หญิง พรทิพย์ ดีงาม", "หญิง\u{a0}พรทิพย์"),
    ] {
        let marked = marked(text);
        assert!(marked.replace('+', "").contains(whole), "{text}: {marked}");
    }
    // Not after a word that is no title: "ผู้หญิง" is a word.
    assert!(!marked("สำหรับผู้หญิง สมใจ").contains('\u{a0}'));
}

fn written_text(text: &str) -> String {
    written(text, glue::Column::Text)
}

#[test]
fn a_web_address_never_breaks_inside_its_host() {
    // Seen: "https://ita.ipst." | "ac.th/".
    assert_eq!(
        written_text("see https://ita.ipst.ac.th/index.php/report"),
        "see https://|ita.ipst.ac.th/|index.|php/|report"
    );
    assert_eq!(
        written_text("https://aced.nacc.go.th"),
        "https://|aced.nacc.go.th"
    );
    // Joiners keep Typst's own rule for links (a break after every dot) from starting: it
    // starts at a break right after "://" or before "www.".
    let marked = marked("https://www.ipst.ac.th/");
    assert!(marked.starts_with("https:+//|www+.ipst.ac.th/"), "{marked}");
}
