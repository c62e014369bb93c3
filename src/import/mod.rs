//! Data in without typing JSON: a results spreadsheet becomes the province package (and,
//! asked, one package per agency), and `init` starts an agency's package with its measures
//! drafted from the catalogue.
//!
//! Nothing here writes files: each step returns the files to write, already checked by
//! loading them as the build would, so the command line can write all or nothing.

pub mod results;
pub mod scaffold;
pub mod sheet;

use std::path::Path;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Failure};
use crate::documents::measures::MeasuresLayout;
use crate::framework::{Framework, Frameworks};
use crate::message;
pub use results::AgencyResult;
pub use scaffold::Start;

/// A package file to write: its name in the output folder and its JSON.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub text: String,
}

/// What an import gives.
#[derive(Debug)]
pub struct Imported {
    pub files: Vec<NewFile>,
    /// What the user should know: columns not read, how the province was named.
    pub notes: Vec<Diagnostic>,
}

/// How to import a results sheet.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The fiscal year the results are of.
    pub year: i32,
    /// Also one package per agency, with measures drafted.
    pub per_agency: bool,
    /// The measures layout of the agencies' packages.
    pub layout: MeasuresLayout,
    /// The province package's agency name; read from the sheet's title when absent.
    pub name: Option<String>,
}

/// Reads the agencies of a results sheet: `shown` is the file as messages name it.
pub fn read_results(
    path: &Path,
    shown: &str,
    framework: &Framework,
) -> Result<results::Results, Failure> {
    let sheets = sheet::read(path, shown)?;
    results::read(&sheets, framework)
}

/// Reads the agencies of a results sheet received as bytes (an upload, a file kept in a
/// workspace): `shown` names it in messages and says its format by its extension.
pub fn read_results_bytes(
    bytes: Vec<u8>,
    shown: &str,
    frameworks: &Frameworks,
    year: i32,
) -> Result<results::Results, Failure> {
    let framework = framework(frameworks, year)?;
    let sheets = sheet::parse(bytes, shown)?;
    results::read(&sheets, framework)
}

/// The year's framework, or a message naming the years there are.
pub fn framework(frameworks: &Frameworks, year: i32) -> Result<&Framework, Diagnostic> {
    frameworks.get(year).map(|f| &**f).ok_or_else(|| {
        let span = frameworks.span();
        Diagnostic::error(message!(
            "ไม่มีเกณฑ์ของปีงบประมาณ {year}",
            "there is no framework for fiscal year {year}"
        ))
        .with_note(message!("มีเกณฑ์ของปี {span}", "frameworks cover {span}"))
    })
}

/// A results sheet as the province package, and with `per_agency` one package per agency.
pub fn import(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    frameworks: &Frameworks,
    catalogue: &Catalogue,
) -> Result<Imported, Failure> {
    import_sheets(
        &sheet::read(path, shown)?,
        shown,
        options,
        frameworks,
        catalogue,
    )
}

/// [`import`] of a sheet received as bytes (an upload): `shown` names it in messages and says
/// its format by its extension.
pub fn import_bytes(
    bytes: Vec<u8>,
    shown: &str,
    options: &ImportOptions,
    frameworks: &Frameworks,
    catalogue: &Catalogue,
) -> Result<Imported, Failure> {
    let sheets = sheet::parse(bytes, shown)?;
    import_sheets(&sheets, shown, options, frameworks, catalogue)
}

/// [`import`] of sheets already read.
pub fn import_sheets(
    sheets: &[sheet::Sheet],
    shown: &str,
    options: &ImportOptions,
    frameworks: &Frameworks,
    catalogue: &Catalogue,
) -> Result<Imported, Failure> {
    let framework = framework(frameworks, options.year)?;
    let results = results::read(sheets, framework)?;
    let mut notes = Vec::new();
    if !results.ignored.is_empty() {
        let columns = results.ignored.join(", ");
        notes.push(Diagnostic::note(message!(
            "{shown}: คอลัมน์ที่ไม่ได้อ่าน: {columns}",
            "{shown}: columns not read: {columns}"
        )));
    }
    if options
        .name
        .as_deref()
        .is_some_and(|n| crate::filename::clean(n).is_empty())
    {
        return Err(blank_name().into());
    }
    let province = province_of(&results.title);
    let name = match (&options.name, &province) {
        (Some(name), _) => name.clone(),
        (None, Some(province)) => format!("จังหวัด{province}"),
        (None, None) => {
            return Err(Diagnostic::error(message!(
                "{shown}: ชื่อตารางไม่ได้ระบุจังหวัด (จังหวัด…)",
                "{shown}: the sheet's title does not name a province (จังหวัด…)"
            ))
            .with_note(message!(
                "ระบุชื่อแฟ้มของจังหวัด เช่น --agency จังหวัดร้อยเอ็ด (ในหน้าเว็บ: ช่องชื่อหน่วยงาน)",
                "give the province package's name with --agency, e.g. --agency จังหวัดร้อยเอ็ด"
            ))
            .into());
        }
    };
    let package = scaffold::province(&name, province.clone(), framework, &results.agencies)?;
    // `-province`: the province's own administration is usually one of the agencies listed.
    let mut files = vec![NewFile {
        name: file_name(options.year, &format!("{name}-province"), None),
        text: package.to_json(),
    }];
    if options.per_agency {
        // How many rows share each name, counted once: asked per row, the count made the
        // import quadratic (160,000 rows took two minutes).
        let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for agency in &results.agencies {
            *names.entry(results::normalize(&agency.name)).or_default() += 1;
        }
        for agency in &results.agencies {
            let start = Start {
                name: &agency.name,
                district: agency.district.clone(),
                province: province.clone(),
                kind: None,
                year: options.year,
                layout: options.layout,
                scores: Some(agency),
            };
            let text = scaffold::agency(&start, framework, catalogue).to_json();
            let shared = names[&results::normalize(&agency.name)] > 1;
            let district = agency.district.as_deref().filter(|_| shared);
            files.push(NewFile {
                name: file_name(options.year, &agency.name, district),
                text,
            });
        }
    }
    distinct_names(&files, &results.agencies)?;
    for file in &files {
        verify(file, frameworks)?;
    }
    Ok(Imported { files, notes })
}

/// A new agency package: the year's indicators, scores from a results sheet when given, and
/// a drafted measures row for each indicator below the target.
pub fn init(
    start: &Start,
    frameworks: &Frameworks,
    catalogue: &Catalogue,
) -> Result<NewFile, Failure> {
    if crate::filename::clean(start.name).is_empty() {
        return Err(blank_name().into());
    }
    let framework = framework(frameworks, start.year)?;
    let text = scaffold::agency(start, framework, catalogue)
        .with_outline()
        .to_json();
    let file = NewFile {
        name: file_name(start.year, start.name, None),
        text,
    };
    verify(&file, frameworks)?;
    Ok(file)
}

/// The row of `name` (and `district`, when several agencies share the name) in a sheet's
/// results; names are compared without spaces.
pub fn find_agency<'a>(
    results: &'a results::Results,
    shown: &str,
    name: &str,
    district: Option<&str>,
) -> Result<&'a AgencyResult, Diagnostic> {
    let named = |key: String| -> Vec<&'a AgencyResult> {
        results
            .agencies
            .iter()
            .filter(|a| results::normalize(&a.name) == key)
            .filter(|a| {
                district.is_none_or(|d| {
                    a.district.as_deref().map(results::normalize) == Some(results::normalize(d))
                })
            })
            .collect()
    };
    // A regional table names its rows "จังหวัด…": "ร้อยเอ็ด" finds "จังหวัดร้อยเอ็ด".
    let mut matches = named(results::normalize(name));
    if matches.is_empty() {
        matches = named(results::normalize(&format!("จังหวัด{name}")));
    }
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let (th, en) = district.map_or((String::new(), String::new()), |d| {
                (format!(" ในอำเภอ{d}"), format!(" in อำเภอ{d}"))
            });
            let n = results.agencies.len();
            let error = Diagnostic::error(message!(
                "{shown} ไม่มีหน่วยงานชื่อ \"{name}\"{th}",
                "{shown} has no agency named \"{name}\"{en}"
            ));
            let near = near_names(results, name);
            Err(if near.is_empty() {
                error.with_note(message!(
                    "ตารางมีหน่วยงาน {n} แห่ง เทียบชื่อโดยไม่นับช่องว่าง ใส่ชื่อตามที่เขียนในตาราง",
                    "the sheet lists {n} agencies; names are compared without spaces"
                ))
            } else {
                error.with_note(message!(
                    "ชื่อในตารางที่มีชื่อนี้อยู่: {near} ใส่ --agency ตามที่เขียนในตาราง",
                    "names in the sheet that hold it: {near}; give --agency as the sheet writes it"
                ))
            })
        }
        several => {
            let n = several.len();
            let rows = several
                .iter()
                .map(|a| format!("{} (อำเภอ{})", a.at, a.district.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ");
            Err(Diagnostic::error(message!(
                "{shown} มีหน่วยงานชื่อ \"{name}\" {n} แห่ง: {rows}",
                "{shown} has {n} agencies named \"{name}\": {rows}"
            ))
            .with_note(message!(
                "ระบุอำเภอด้วย --district",
                "say which with --district"
            )))
        }
    }
}

/// Up to three names of the sheet that hold the name asked, or that it holds ("สำนักงาน…"
/// asked where the sheet writes "สำนักงาน… (องค์การมหาชน)"), with their cells.
fn near_names(results: &results::Results, name: &str) -> String {
    let key = results::normalize(name);
    let near: Vec<String> = results
        .agencies
        .iter()
        .filter(|a| {
            let other = results::normalize(&a.name);
            !key.is_empty() && (other.contains(&key) || key.contains(&other))
        })
        .take(3)
        .map(|a| format!("\"{}\" ({})", a.name, a.at))
        .collect();
    near.join(", ")
}

/// The province a title names: the word after "จังหวัด".
fn province_of(title: &[String]) -> Option<String> {
    title.iter().find_map(|line| {
        let (_, after) = line.split_once("จังหวัด")?;
        let word: String = after
            .trim_start()
            .chars()
            .take_while(|c| {
                crate::thai::words::is_thai_letter(*c) || ('\u{0E31}'..='\u{0E4E}').contains(c)
            })
            .collect();
        (!word.is_empty()).then_some(word)
    })
}

/// `2566-เทศบาลตำบลจันทาร.json`: the year and the name, made safe and cut to the file
/// system's limit ([`crate::filename::package`]); the district is added when asked (for names
/// several agencies share). A name with nothing printable is refused before (see [`init`]).
pub fn file_name(year: i32, name: &str, district: Option<&str>) -> String {
    crate::filename::package(year, name, district).unwrap_or_else(|| format!("{year}-package.json"))
}

/// The refusal of an agency name with nothing printable in it (it names the package file).
pub fn blank_name() -> Diagnostic {
    Diagnostic::error(message!(
        "ชื่อหน่วยงานว่าง: ต้องมีตัวอักษรที่พิมพ์ได้อย่างน้อยหนึ่งตัว",
        "the agency's name is blank: it needs at least one printable character"
    ))
    .with_note(message!(
        "ชื่อหน่วยงานใช้ตั้งชื่อแฟ้มข้อมูล เช่น 2567-เทศบาลตำบลจันทาร.json",
        "the name also names the package file, e.g. 2567-เทศบาลตำบลจันทาร.json"
    ))
}

/// Two rows alike in name and district would overwrite each other's package: an error.
/// (`files[0]` is the province package, `files[i]` the agency of row `i - 1`.)
fn distinct_names(files: &[NewFile], agencies: &[AgencyResult]) -> Result<(), Diagnostic> {
    let mut seen = std::collections::BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        if let Some(first) = seen.insert(file.name.clone(), i) {
            // Row `k - 1`'s name cell; the province package (k = 0) by its file name.
            let at = |k: usize| {
                agencies
                    .get(k.wrapping_sub(1))
                    .map_or_else(|| files[0].name.clone(), |a| a.at.clone())
            };
            let (a, b, name) = (at(first), at(i), &file.name);
            return Err(Diagnostic::error(message!(
                "{a} และ {b} จะถูกเขียนลงแฟ้มเดียวกัน `{name}`",
                "{a} and {b} would both be written to `{name}`"
            ))
            .with_note(message!(
                "สองแถวเป็นหน่วยงานชื่อเดียวกันในอำเภอเดียวกัน ลบแถวที่ซ้ำหรือแก้ชื่อในตาราง",
                "two rows name the same agency in the same district"
            )));
        }
    }
    Ok(())
}

/// Loads a file about to be written as the build would: what `import` and `init` write
/// must build.
fn verify(file: &NewFile, frameworks: &Frameworks) -> Result<(), Failure> {
    // A package `build` would refuse to read is not written (a sheet of 160,000 agencies
    // made a 23 MB one).
    let (size, limit) = (file.text.len() as u64, crate::limits::PACKAGE_BYTES);
    if size > limit {
        let mb = |bytes: u64| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
        let (name, size, limit) = (&file.name, mb(size), mb(limit));
        return Err(Diagnostic::error(message!(
            "แฟ้มข้อมูล `{name}` ที่จะสร้างมีขนาด {size} MB เกินขีดจำกัด {limit} MB ของแฟ้มข้อมูล",
            "the package `{name}` would be {size} MB, more than the limit of {limit} MB of a package"
        ))
        .with_note(message!(
            "ตารางมีหน่วยงานมากเกินกว่าที่แฟ้มข้อมูลเดียวจะรับได้ แยกตารางตามจังหวัด",
            "the sheet lists more agencies than one package holds: split it by province"
        ))
        .into());
    }
    crate::load::load_str(&file.text, &file.name, frameworks)
        .map(|_| ())
        .map_err(|failure| {
            let name = &file.name;
            let mut diagnostics = vec![Diagnostic::error(message!(
                "ข้อผิดพลาดภายในโปรแกรม: แฟ้มข้อมูล `{name}` ที่จะสร้างอ่านกลับไม่ได้ จึงไม่ได้เขียน",
                "internal error: the package written as `{name}` does not load"
            ))];
            diagnostics.extend(failure.0);
            Failure(diagnostics)
        })
}
