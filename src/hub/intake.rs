//! Packages in and out of the hub: a results sheet becomes one package per agency (as
//! `import --per-agency` makes them), a folder of package files comes in (`hub import`), and
//! the current versions go out as today's JSON files (`hub export`), on which `build`,
//! `check` and `sign` work.

use std::path::{Path, PathBuf};

use super::store::{NewPackage, Store};
use super::{Hub, Refusal};
use crate::diagnostic::Failure;
use crate::framework::Frameworks;

/// The kind of an agency, from its official name (the dashboard groups by it).
pub fn kind_of(name: &str) -> &'static str {
    let name: String = name.split_whitespace().collect();
    if name.contains("องค์การบริหารส่วนจังหวัด") || name.starts_with("อบจ")
    {
        "อบจ."
    } else if name.contains("องค์การบริหารส่วนตำบล") || name.starts_with("อบต")
    {
        "อบต."
    } else if name.contains("เทศบาล") {
        "เทศบาล"
    } else {
        "ส่วนราชการ"
    }
}

/// Problems `check` finds in a package text (errors and contradictions; fonts aside).
pub fn problems(frameworks: &Frameworks, name: &str, json: &str) -> i64 {
    match crate::load::load_str(json, name, frameworks) {
        Ok(loaded) => loaded
            .warnings
            .iter()
            .filter(|d| d.severity != crate::diagnostic::Severity::Note)
            .count() as i64,
        Err(Failure(diagnostics)) => diagnostics.len().max(1) as i64,
    }
}

/// A package file's agency name and district, or why it cannot come in.
fn agency_of(name: &str, json: &str) -> Result<(String, String), String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("`{name}` ไม่ใช่ JSON ที่อ่านได้ ({e})"))?;
    let agency = value
        .pointer("/agency/name")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| format!("`{name}` ไม่มีชื่อหน่วยงาน (agency.name)"))?;
    let district = value
        .pointer("/agency/district")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .trim();
    Ok((agency.to_owned(), district.to_owned()))
}

/// Adds package files (name, JSON) all or none; the names of those added.
pub fn add_files(
    store: &Store,
    frameworks: &Frameworks,
    files: &[(String, String)],
    by: Option<i64>,
) -> Result<Vec<String>, String> {
    let mut rows = Vec::new();
    for (name, json) in files {
        let (agency, district) = agency_of(name, json)?;
        let year = serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|v| v.get("fiscal_year").and_then(|y| y.as_i64()))
            .unwrap_or(0);
        rows.push((agency, district, year, problems(frameworks, name, json)));
    }
    let news: Vec<NewPackage> = files
        .iter()
        .zip(&rows)
        .map(
            |((name, json), (agency, district, year, problems))| NewPackage {
                agency,
                district,
                kind: kind_of(agency),
                name,
                year: *year,
                json,
                problems: *problems,
            },
        )
        .collect();
    store
        .add_packages(&news, by)
        .map_err(|e| e.message().to_owned())?;
    Ok(files.iter().map(|(name, _)| name.clone()).collect())
}

/// A results sheet (its bytes, named `file`) as one package per agency, all or none.
pub fn import_sheet(
    hub: &Hub,
    bytes: Vec<u8>,
    file: &str,
    year: i32,
    by: Option<i64>,
    address: &str,
) -> Result<Vec<String>, Refusal> {
    let failed = |failure: Failure| {
        let lines: Vec<String> = failure
            .0
            .iter()
            .map(|d| d.message.shown().to_owned())
            .collect();
        Refusal::bad(format!("นำเข้าไม่ได้ จึงไม่ได้สร้างแฟ้มใด: {}", lines.join("; ")))
    };
    let options = crate::import::ImportOptions {
        year,
        per_agency: true,
        layout: crate::documents::measures::MeasuresLayout::ByIndicator,
        name: None,
    };
    let imported =
        crate::import::import_bytes(bytes, file, &options, &hub.frameworks, &hub.catalogue)
            .map_err(failed)?;
    // The first file is the province's own summary package, written by the secretariat.
    let files: Vec<(String, String)> = imported
        .files
        .into_iter()
        .skip(1)
        .map(|f| (f.name, f.text))
        .collect();
    let created = add_files(&hub.store, &hub.frameworks, &files, by).map_err(Refusal::bad)?;
    let detail = format!("{file}: {} packages", created.len());
    let _ = hub.store.audit(by, address, "import", None, &detail);
    Ok(created)
}

/// The package files of a folder (`*.json`, not hidden, each within the package size
/// limit) brought in, all or none.
pub fn import_dir(
    store: &Store,
    frameworks: &Frameworks,
    dir: &Path,
) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("อ่านโฟลเดอร์ `{}` ไม่ได้: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with('.') && n != "manifest.json" && !n.ends_with(".facts.json")
            })
        })
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in &paths {
        let bytes = crate::confine::read_limited(path, crate::limits::PACKAGE_BYTES)
            .map_err(|r| format!("`{}` {}", path.display(), r.thai()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("`{}` ไม่ใช่ข้อความ UTF-8", path.display()))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("package.json");
        files.push((name.to_owned(), text));
    }
    add_files(store, frameworks, &files, None)
}

/// The current version of every package written into `dir` as `<name>` (all or none).
pub fn export_dir(store: &Store, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for package in store.packages(None).map_err(|e| e.message().to_owned())? {
        let plain = Path::new(&package.name)
            .file_name()
            .and_then(|n| n.to_str())
            == Some(&package.name);
        if !plain {
            return Err(format!("ชื่อแฟ้ม `{}` ในฐานข้อมูลใช้เป็นชื่อแฟ้มไม่ได้", package.name));
        }
        let version = store
            .version(package.id, None)
            .map_err(|e| e.message().to_owned())?
            .ok_or_else(|| format!("แฟ้ม `{}` ไม่มีฉบับปัจจุบัน", package.name))?;
        files.push((dir.join(&package.name), version.json.into_bytes()));
    }
    let writes: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, b)| (p.clone(), &b[..])).collect();
    crate::pdf::write_all(&writes)
        .map_err(|e| format!("เขียนแฟ้มลงโฟลเดอร์ `{}` ไม่ได้: {e}", dir.display()))?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// A package for every agency a province package of the hub lists and the hub does not
/// hold yet, each with the scores the list gives and measures drafted from the catalogue
/// (as `import --per-agency` makes them from a results sheet), all or none: the demo's
/// province then has its agencies to review.
pub fn agencies_of_provinces(
    store: &Store,
    frameworks: &Frameworks,
    catalogue: &crate::catalogue::Catalogue,
) -> Result<Vec<String>, String> {
    let mut held: Vec<(String, String)> = store
        .agencies()
        .map_err(|e| e.message().to_owned())?
        .into_iter()
        .map(|a| (a.name, a.district))
        .collect();
    let mut files: Vec<(String, String)> = Vec::new();
    for package in store.packages(None).map_err(|e| e.message().to_owned())? {
        let Some(version) = store.version(package.id, None).ok().flatten() else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&version.json) else {
            continue;
        };
        let Some(listed) = json.pointer("/province/agencies").cloned() else {
            continue;
        };
        let agencies: Vec<crate::model::LocalAgency> =
            serde_json::from_value(listed).map_err(|e| format!("`{}`: {e}", package.name))?;
        let province = json
            .pointer("/agency/province")
            .and_then(|p| p.as_str())
            .map(str::to_owned);
        for agency in agencies {
            let key = (
                agency.name.clone(),
                agency.district.clone().unwrap_or_default(),
            );
            if held.contains(&key) {
                continue;
            }
            held.push(key);
            let row = crate::import::AgencyResult {
                name: agency.name.clone(),
                district: agency.district.clone(),
                total: Some(agency.score),
                tools: agency.tools.clone(),
                indicators: std::collections::BTreeMap::new(),
                level: agency.level.clone(),
                at: package.name.clone(),
            };
            let start = crate::import::Start {
                name: &agency.name,
                district: agency.district.clone(),
                province: province.clone(),
                kind: None,
                year: package.year as i32,
                layout: crate::documents::measures::MeasuresLayout::ByIndicator,
                scores: Some(&row),
            };
            let file = crate::import::init(&start, frameworks, catalogue).map_err(|f| {
                let first = f.0.first().map_or("", |d| d.message.shown()).to_owned();
                format!("{}: {first}", agency.name)
            })?;
            // Agencies of one name in two districts: the district tells their files apart.
            let mut name = file.name;
            if files.iter().any(|(n, _)| *n == name)
                || store.package_named(&name).ok().flatten().is_some()
            {
                let district = agency.district.as_deref().unwrap_or("");
                name = format!("{}-{district}.json", name.trim_end_matches(".json"));
            }
            files.push((name, file.text));
        }
    }
    add_files(store, frameworks, &files, None)
}
