//! Spreadsheets and images that would make the program allocate without bound.
//!
//! The crafted files are written here, part by part: an .xlsx is a zip of XML parts, an .ods
//! a zip with `content.xml`. Whatever would have taken gigabytes runs in a child process
//! whose address space is capped (`ulimit -v`), so an unbounded allocation fails the test
//! instead of the machine.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};

use ita_report::import::sheet::{self, Cell};
use zip::write::SimpleFileOptions;

use super::{package_folder, png_header, scratch, stderr};

/// The address space the child may use: the import of a real 8,000-row sheet takes about a
/// tenth of it.
const MEMORY_KB: u64 = 1_000_000;

/// `ita-report import FILE --year 2567 -o out` in `dir`, with the address space capped.
fn import_capped(dir: &Path, file: &str) -> Output {
    Command::new("sh")
        .current_dir(dir)
        .args([
            "-c",
            &format!("ulimit -v {MEMORY_KB} && exec \"$0\" \"$@\""),
        ])
        .arg(env!("CARGO_BIN_EXE_ita-report"))
        .args(["import", file, "--year", "2567", "-o", "out"])
        .output()
        .expect("the binary runs")
}

/// Asserts a refusal: exit code 1 (not a signal from a failed allocation), the Thai words,
/// and nothing written.
fn assert_refused(dir: &Path, out: &Output, words: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{:?}\n{err}", out.status);
    assert!(err.contains(words), "expected «{words}» in:\n{err}");
    assert!(!dir.join("out").exists(), "something was written");
}

/// A zip of the parts, deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(*name, deflated()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="ผลคะแนน" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;

/// The other parts of a one-sheet workbook around `sheet1.xml` (and `sharedStrings.xml`).
fn xlsx(sheet: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    zip_of(&parts)
}

fn worksheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn number_cell(at: &str, value: u32) -> String {
    format!(r#"<c r="{at}"><v>{value}</v></c>"#)
}

/// Issue 30: one cell at A1 and one at XFD1048576 (1.6 KB) took 23 GB. Only the two cells
/// are built; the sheet has no header row, which is what the clerk is told.
#[test]
fn a_cell_at_a1_and_one_at_xfd1048576_build_two_cells_not_the_rectangle() {
    let dir = scratch("sheet-far");
    let rows = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        number_cell("A1", 1),
        number_cell("XFD1048576", 2)
    );
    let bytes = xlsx(worksheet(&rows).as_bytes(), None);
    assert!(bytes.len() < 2048, "{} bytes", bytes.len());
    std::fs::write(dir.path().join("far.xlsx"), &bytes).unwrap();
    let out = import_capped(dir.path(), "far.xlsx");
    assert_refused(dir.path(), &out, "ไม่พบแถวหัวตาราง");

    let sheets = sheet::parse(bytes, "far.xlsx").expect("read");
    let rows = &sheets[0].rows;
    assert_eq!(sheets[0].origin, (0, 0));
    assert_eq!(rows.len(), 1_048_576);
    assert_eq!(rows.iter().map(Vec::len).sum::<usize>(), 1 + 16_384);
    assert_eq!(rows[1_048_575][16_383], Cell::Number(2.0));
    assert_eq!(
        sheets[0].address(1_048_575, 16_383),
        "far.xlsx!ผลคะแนน!XFD1048576"
    );
}

/// Cells far apart on many rows: the rows would take more cells than the limit, which is
/// said (with the corners) before the rows are built.
#[test]
fn cells_spread_wider_than_the_limit_are_refused_naming_the_corners() {
    let rows: String = (1..=200)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}{}</row>"#,
                number_cell(&format!("A{r}"), r),
                number_cell(&format!("XFD{r}"), r)
            )
        })
        .collect();
    let failure =
        sheet::parse(xlsx(worksheet(&rows).as_bytes(), None), "wide.xlsx").expect_err("refused");
    let thai = failure.message.get(ita_report::diagnostic::Lang::Thai);
    assert!(
        thai.contains("wide.xlsx!ผลคะแนน!A1 ถึง wide.xlsx!ผลคะแนน!XFD200")
            && thai.contains("เกินขีดจำกัด 2000000 ช่อง"),
        "{thai}"
    );
}

/// Issue 30: a 3 MB sheet of spaces passed 3.5 GB. The parts are inflated into nothing and
/// counted first; the file is refused at 256 MB, naming the part.
#[test]
fn a_sheet_that_inflates_beyond_the_limit_is_refused_before_it_is_read() {
    let dir = scratch("sheet-bomb");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, deflated()).unwrap();
        zip.write_all(bytes.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflated())
        .unwrap();
    let (head, tail) = worksheet("\u{0}")
        .split_once('\u{0}')
        .map(|(h, t)| (h.to_owned(), t.to_owned()))
        .unwrap();
    zip.write_all(head.as_bytes()).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&spaces).unwrap();
    }
    zip.write_all(tail.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 3 << 20, "{} bytes", bytes.len());
    std::fs::write(dir.path().join("spaces.xlsx"), &bytes).unwrap();
    let out = import_capped(dir.path(), "spaces.xlsx");
    assert_refused(
        dir.path(),
        &out,
        "แฟ้มตาราง `spaces.xlsx` ขยายออกเกินขีดจำกัด 256 MB (ที่ส่วน `xl/worksheets/sheet1.xml`)",
    );
}

/// Every part of a zip costs the zip reader a record: parts beyond the limit are counted by
/// their directory signatures before the zip is opened.
#[test]
fn a_zip_of_too_many_parts_is_refused_before_it_is_opened() {
    let names: Vec<String> = (0..10_001).map(|k| format!("p{k}")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let failure = sheet::parse(zip_of(&parts), "parts.xlsx").expect_err("refused");
    assert_eq!(
        failure.message.get(ita_report::diagnostic::Lang::Thai),
        "แฟ้มตาราง `parts.xlsx` มีส่วนประกอบ 10001 ส่วน เกินขีดจำกัด 10000 ส่วน"
    );
}

/// calamine reserves room for the strings a workbook declares before reading one: a
/// declared four billion is refused from the declaration.
#[test]
fn a_shared_string_table_declaring_billions_is_refused() {
    let dir = scratch("sheet-sst");
    let shared = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let bytes = xlsx(worksheet(rows).as_bytes(), Some(shared.as_bytes()));
    std::fs::write(dir.path().join("sst.xlsx"), bytes).unwrap();
    let out = import_capped(dir.path(), "sst.xlsx");
    assert_refused(
        dir.path(),
        &out,
        "แฟ้มตาราง `sst.xlsx` ระบุว่ามีข้อความ 4000000000 รายการ เกินขีดจำกัด 2000000 ช่อง",
    );
}

/// One shared string is copied into every cell that uses it: 10,000 cells of one
/// 30,000-letter string would be 900 MB of text from a file of a few kilobytes.
#[test]
fn a_long_shared_string_in_many_cells_is_refused_at_the_text_limit() {
    let dir = scratch("sheet-text");
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="10000" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "ก".repeat(30_000)
    );
    let rows: String = (1..=1000)
        .map(|r| {
            let cells: String = (b'A'..=b'J')
                .map(|c| format!(r#"<c r="{}{r}" t="s"><v>0</v></c>"#, c as char))
                .collect();
            format!(r#"<row r="{r}">{cells}</row>"#)
        })
        .collect();
    let bytes = xlsx(worksheet(&rows).as_bytes(), Some(shared.as_bytes()));
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    std::fs::write(dir.path().join("text.xlsx"), bytes).unwrap();
    let out = import_capped(dir.path(), "text.xlsx");
    assert_refused(
        dir.path(),
        &out,
        "แฟ้มตาราง `text.xlsx` มีข้อความในช่องรวมกันเกินขีดจำกัด 64 MB",
    );
}

/// An .ods as LibreOffice writes it: a title, a header, two agencies, then a million empty
/// rows of a thousand empty cells (repeats, which are counted and not built).
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="ผล"><table:table-column table:number-columns-repeated="1024"/>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    // The mimetype first and stored, as OpenDocument requires (readers detect the format by it).
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", deflated()).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn ods_text(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

fn ods_number(value: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>"#
    )
}

#[test]
fn an_ods_with_a_million_repeated_empty_rows_reads_its_cells() {
    let row = |cells: &[String]| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let rows = [
        row(&[ods_text("ผลการประเมิน จังหวัดร้อยเอ็ด")]),
        r#"<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#.to_owned(),
        row(&[ods_text("ชื่อหน่วยงาน"), ods_text("คะแนนรวม")]),
        row(&[
            r#"<table:table-cell office:value-type="string"><text:p>เทศบาล<text:s text:c="2"/>ก &amp; ข</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell>"#.to_owned(),
            ods_number("95.5"),
        ]),
        row(&[
            r#"<table:table-cell table:number-columns-repeated="3"/>"#.to_owned(),
            ods_text("ง"),
        ]),
        r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#.to_owned(),
    ]
    .concat();
    let sheets = sheet::parse(ods(&rows), "r.ods").expect("read");
    let sheet = &sheets[0];
    assert_eq!(sheet.rows.len(), 6, "{:?}", sheet.rows);
    assert_eq!(sheet.rows[4][0], Cell::Text("เทศบาล  ก & ข".into()));
    assert_eq!(sheet.rows[4][1], Cell::Number(95.5));
    assert_eq!(sheet.address(5, 3), "r.ods!ผล!D6");
    assert_eq!(sheet.cell(5, 3), &Cell::Text("ง".into()));
}

/// calamine expanded repeats at open (to 100 million cells, 3 GB); a value repeated over
/// every column of a million rows is refused at the cell limit.
#[test]
fn an_ods_repeating_a_value_over_a_million_rows_is_refused_at_the_cell_limit() {
    let dir = scratch("sheet-ods");
    let rows = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    std::fs::write(dir.path().join("repeat.ods"), ods(rows)).unwrap();
    let out = import_capped(dir.path(), "repeat.ods");
    assert_refused(
        dir.path(),
        &out,
        "แฟ้มตาราง `repeat.ods` มีข้อมูลเกินขีดจำกัด 2000000 ช่อง",
    );
}

#[test]
fn csv_rows_columns_and_cells_beyond_the_bounds_are_refused_by_address() {
    let refused = |text: &[u8], file: &str| {
        let failure = sheet::parse(text.to_vec(), file).expect_err("refused");
        failure
            .message
            .get(ita_report::diagnostic::Lang::Thai)
            .to_owned()
    };
    let mut wide = ",".repeat(20_000);
    wide.push('x');
    let thai = refused(wide.as_bytes(), "wide.csv");
    assert!(thai.starts_with("wide.csv!ACOG1: อยู่นอกตาราง"), "{thai}");

    let long = format!("a,{}\n", "ก".repeat(40_000));
    let thai = refused(long.as_bytes(), "long.csv");
    assert!(
        thai.starts_with("long.csv!B1: ข้อความยาวเกินขีดจำกัด 32767"),
        "{thai}"
    );

    let tall = "x\n".repeat(1_048_577);
    let thai = refused(tall.as_bytes(), "tall.csv");
    assert!(thai.starts_with("tall.csv!A1048577: อยู่นอกตาราง"), "{thai}");

    // Rows as a spreadsheet shows them: a blank line is a row, a quoted line break is not.
    let sheets = sheet::parse(b"a\n\nb\n\"c\nd\",e\nf\n".to_vec(), "rows.csv").unwrap();
    assert_eq!(sheets[0].address(4, 0), "rows.csv!A5");
    assert_eq!(sheets[0].cell(4, 0), &Cell::Text("f".into()));
    assert_eq!(sheets[0].cell(3, 1), &Cell::Text("e".into()));
    let sheets = sheet::parse(b"a\rb\r".to_vec(), "cr.csv").unwrap();
    assert_eq!(sheets[0].cell(1, 0), &Cell::Text("b".into()));

    // Blank lines and trailing commas cost nothing.
    let sparse = format!(
        "{}a,,,,\n{}",
        "\n".repeat(500_000),
        ",,,,\n".repeat(100_000)
    );
    let sheets = sheet::parse(sparse.into_bytes(), "sparse.csv").expect("read");
    assert_eq!(sheets[0].origin, (500_000, 0));
    assert_eq!(sheets[0].rows, vec![vec![Cell::Text("a".into())]]);
}

#[test]
fn old_and_binary_excel_files_are_refused_with_how_to_save_them() {
    for file in ["old.xls", "binary.xlsb"] {
        let failure = sheet::parse(b"\xd0\xcf\x11\xe0".to_vec(), file).expect_err("refused");
        let note = &failure.notes[0];
        assert!(
            note.get(ita_report::diagnostic::Lang::Thai)
                .contains("บันทึกเป็น .xlsx"),
            "{note:?}"
        );
    }
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn svg_with(images: &[String]) -> String {
    let tags: String = images
        .iter()
        .map(|href| format!(r#"<image width="10" height="10" xlink:href="{href}"/>"#))
        .collect();
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{tags}</svg>"#
    )
}

fn png_uri(w: u32, h: u32) -> String {
    format!("data:image/png;base64,{}", base64(&png_header(w, h)))
}

/// Issue 30: a 30000×30000 PNG inside an SVG emblem took 2.66 GB and a PDF was written.
#[test]
fn an_svg_emblem_carrying_a_huge_png_is_refused_naming_the_limit() {
    let dir = scratch("svg-png");
    let pkg = package_folder(dir.path());
    let svg = svg_with(&[png_uri(30_000, 30_000)]);
    std::fs::write(pkg.join("garuda.svg"), svg).unwrap();
    let out = super::ita_report(dir.path(), &["build", "pkg", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ตรา `garuda.svg` ใช้เป็นตราไม่ได้: เป็น SVG ที่มีภาพฝังอยู่ 1 ภาพ รวม 900000000 จุด (ภาพใหญ่สุด 30000 × 30000) เกินขีดจำกัด 36 ล้านจุด"),
        "{err}"
    );
    assert!(
        !dir.path().join("out").exists()
            || std::fs::read_dir(dir.path().join("out"))
                .unwrap()
                .next()
                .is_none()
    );
}

/// Pixels are added up over every image, nested SVGs (base64 or percent-encoded, gzipped or
/// not) included; small images pass; nesting and node counts are bounded.
#[test]
fn images_inside_svgs_count_against_the_pixel_limit() {
    use ita_report::limits::check_image;
    let small = svg_with(&[png_uri(100, 100)]);
    assert_eq!(check_image(small.as_bytes()), Ok(()));
    assert_eq!(check_image(svg_with(&[]).as_bytes()), Ok(()));

    // Ten images of 4000 × 1000 each: 40 million in all.
    let many = svg_with(&vec![png_uri(4000, 1000); 10]);
    let e = check_image(many.as_bytes()).expect_err("refused");
    assert!(e.contains("10 images of 40000000 pixels"), "{e}");

    // An SVG inside an SVG inside an SVG, the last one percent-encoded.
    let inner = svg_with(&[png_uri(7000, 7000)]);
    let middle = svg_with(&[format!("data:image/svg+xml,{}", percent(&inner))]);
    let outer = svg_with(&[format!(
        "data:image/svg+xml;base64,{}",
        base64(middle.as_bytes())
    )]);
    let e = check_image(outer.as_bytes()).expect_err("refused");
    assert!(e.contains("7000 × 7000"), "{e}");

    // Gzipped, as .svgz.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(svg_with(&[png_uri(7000, 7000)]).as_bytes())
        .unwrap();
    let e = check_image(&gz.finish().unwrap()).expect_err("refused");
    assert!(e.contains("7000 × 7000"), "{e}");

    // Nesting deeper than the bound.
    let mut nested = svg_with(&[]);
    for _ in 0..5 {
        nested = svg_with(&[format!(
            "data:image/svg+xml;base64,{}",
            base64(nested.as_bytes())
        )]);
    }
    let e = check_image(nested.as_bytes()).expect_err("refused");
    assert!(e.contains("nests SVGs more than 3 deep"), "{e}");

    // A PNG whose header is cut: its size cannot be read, so it is not decoded either.
    let cut = svg_with(&[format!(
        "data:image/png;base64,{}",
        base64(b"\x89PNG\r\n\x1a\n")
    )]);
    let e = check_image(cut.as_bytes()).expect_err("refused");
    assert!(e.contains("size cannot be read"), "{e}");

    // A million and one elements.
    let huge = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}</svg>"#,
        "<g/>".repeat(1_000_001)
    );
    let e = check_image(huge.as_bytes()).expect_err("refused");
    assert!(e.contains("more than 1000000 nodes"), "{e}");
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The parts of a zip, to mutate one and zip them again.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            (part.name().to_owned(), data)
        })
        .collect()
}

/// A real workbook, as rust_xlsxwriter writes it (shared strings, styles, a merged title).
fn written_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "ผลการประเมิน จังหวัดร้อยเอ็ด").unwrap();
    for (c, h) in ["ลำดับ", "ชื่อหน่วยงาน", "อำเภอ", "คะแนนรวม"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for r in 0..20u32 {
        sheet.write_number(3 + r, 0, f64::from(r + 1)).unwrap();
        sheet
            .write_string(3 + r, 1, format!("เทศบาลตำบล {r}"))
            .unwrap();
        sheet.write_string(3 + r, 2, "เมือง").unwrap();
        sheet.write_number(3 + r, 3, 80.25 + f64::from(r)).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Random edits of a workbook (its bytes, and its XML parts zipped again), an .ods and a
/// CSV, with fixed seeds: no panic (the reader turns one into "the file is damaged", which
/// must not appear), and every error names the file.
#[test]
fn mutated_sheets_never_panic_and_every_error_names_the_file() {
    let pieces: [&str; 16] = [
        "<",
        ">",
        "\"",
        "&",
        "&#0;",
        "/>",
        r#"<c r="XFD1048576"><v>1</v></c>"#,
        r#" uniqueCount="99999999999""#,
        r#" table:number-rows-repeated="4000000000""#,
        r#" table:number-columns-repeated="99999""#,
        "1e308",
        "-1",
        r#" t="s""#,
        "<row>",
        "\u{0e01}",
        r#"<table:table-cell office:value-type="float" office:value="x"/>"#,
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let rows = [ods_text("ชื่อหน่วยงาน"), ods_number("1")].concat();
    let originals = [
        ("m.xlsx", written_xlsx()),
        (
            "m.ods",
            ods(&format!("<table:table-row>{rows}</table:table-row>")),
        ),
        (
            "m.csv",
            "จังหวัด ก\nชื่อหน่วยงาน,คะแนนรวม\n\"ก, ข\",95\n"
                .as_bytes()
                .to_vec(),
        ),
    ];
    let started = std::time::Instant::now();
    for round in 0..1500 {
        let (file, original) = &originals[round % originals.len()];
        let zipped = !file.ends_with(".csv");
        let mutated = if zipped && round % 2 == 1 {
            // One XML part edited, the zip made again.
            let mut parts = unzip(original);
            let k = next(parts.len());
            let mut text = String::from_utf8_lossy(&parts[k].1).into_owned();
            for _ in 0..1 + next(3) {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if next(3) == 0 {
                    let end = (at + 1 + next(20)).min(text.len());
                    let end = (end..=text.len())
                        .find(|&e| text.is_char_boundary(e))
                        .unwrap();
                    text.replace_range(at..end, "");
                } else {
                    text.insert_str(at, pieces[next(pieces.len())]);
                }
            }
            parts[k].1 = text.into_bytes();
            let named: Vec<(&str, &[u8])> = parts
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            zip_of(&named)
        } else {
            let mut bytes = original.clone();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len());
                match next(3) {
                    0 => bytes[at] ^= 1 << next(8),
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, pieces[next(pieces.len())].as_bytes()[0]),
                }
            }
            bytes
        };
        match sheet::parse(mutated, file) {
            Ok(_) => {}
            Err(d) => {
                let english = &d.message.english;
                assert!(
                    !english.contains("the file is damaged"),
                    "round {round}: a panic: {english}"
                );
                assert!(
                    english.contains(*file),
                    "round {round}: the file is not named: {english}"
                );
            }
        }
    }
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}
