//! The province's own documents drawn from the hub: its analysis package (seed 000's shape)
//! from the current version of every agency's package, and the progress report (seed 003's
//! shape) of the year's cycle from the workflow history. Each is a package as a person would
//! write it, built by the same engine as any other; every figure in it is counted here from
//! the store, none typed.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::store::{PackageRow, Step, local_time};
use super::workflow::State;

/// A package of the year and its current version's JSON (`None` when it does not parse).
pub struct Current {
    pub package: PackageRow,
    pub json: Option<Value>,
}

/// The province's analysis package and what went into it.
pub struct ProvinceBuild {
    /// The package, ready to load and build.
    pub json: Value,
    /// The file stem of the PDF.
    pub stem: String,
    /// The agencies whose scores were used.
    pub used: Vec<String>,
    /// The agencies whose current version has no total score (left out).
    pub missing: Vec<String>,
    /// The packages that hold no scores by their nature (an announcement, a progress report):
    /// neither used nor missing.
    pub unscored: Vec<Unscored>,
}

/// A package of documents that carry no scores, and what it holds.
pub struct Unscored {
    pub agency: String,
    pub package: String,
    /// The Thai names of its documents, in the order a combined PDF prints them.
    pub documents: Vec<&'static str>,
}

/// The documents of a package that holds no scores by its nature: one with no `scores` at
/// all (not one whose total is yet to come) that holds documents, and is not the province's
/// own package. `None` for any other: one that does not parse, or holds nothing yet, may
/// still be given its scores.
fn scoreless(current: &Current) -> Option<Vec<&'static str>> {
    let json = current.json.as_ref()?;
    if json.get("scores").is_some() || is_province(json) {
        return None;
    }
    let documents: Vec<&'static str> = crate::documents::ALL
        .into_iter()
        .filter(|kind| json.get(kind.name()).is_some())
        .map(|kind| kind.spec().label.0)
        .collect();
    (!documents.is_empty()).then_some(documents)
}

/// The packages of the year that hold no scores, the province office's own included.
fn unscored(current: &[Current]) -> Vec<Unscored> {
    current
        .iter()
        .filter_map(|c| {
            Some(Unscored {
                agency: c.package.agency.name.clone(),
                package: c.package.name.clone(),
                documents: scoreless(c)?,
            })
        })
        .collect()
}

/// Whether a package is the province's own analysis package (it lists agencies).
fn is_province(json: &Value) -> bool {
    json.get("province").is_some_and(Value::is_object)
}

fn text<'a>(json: &'a Value, pointer: &str) -> Option<&'a str> {
    json.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The province's name (ร้อยเอ็ด): its own package's, else the first agency's that says it.
fn province_name(base: Option<&Value>, current: &[Current]) -> Option<String> {
    base.and_then(|b| text(b, "/agency/province"))
        .or_else(|| {
            current
                .iter()
                .find_map(|c| c.json.as_ref().and_then(|j| text(j, "/agency/province")))
        })
        .map(str::to_owned)
}

/// The province's own package of the year, or one made from its name alone (as `import`
/// makes it from a results sheet).
fn base(year: i64, current: &[Current]) -> Result<Value, String> {
    if let Some(own) = current
        .iter()
        .filter_map(|c| c.json.as_ref())
        .find(|j| is_province(j))
    {
        return Ok(own.clone());
    }
    let province = province_name(None, current).ok_or_else(|| {
        "ยังไม่รู้ชื่อจังหวัด: ไม่มีแฟ้มของจังหวัด และแฟ้มของหน่วยงานไม่ระบุจังหวัด (agency.province) จึงยังสร้างรายงานไม่ได้".to_owned()
    })?;
    Ok(json!({
        "agency": { "name": format!("จังหวัด{province}"), "kind": "province", "province": province },
        "fiscal_year": year,
        "numerals": "thai",
    }))
}

/// The packages of the year by agency (agency id → packages), in the store's order
/// (district, name), leaving out the agency named `own`.
fn by_agency<'a, C: std::borrow::Borrow<Current>>(
    current: &'a [C],
    own: &str,
) -> Vec<Vec<&'a Current>> {
    let mut order: Vec<i64> = Vec::new();
    let mut groups: BTreeMap<i64, Vec<&Current>> = BTreeMap::new();
    for c in current.iter().map(C::borrow) {
        if c.package.agency.name.trim() == own.trim() || c.json.as_ref().is_some_and(is_province) {
            continue;
        }
        let id = c.package.agency.id;
        if !groups.contains_key(&id) {
            order.push(id);
        }
        groups.entry(id).or_default().push(c);
    }
    order
        .into_iter()
        .filter_map(|id| groups.remove(&id))
        .collect()
}

/// An agency's row of the province's list, from the first of its packages with a total.
fn agency_row(packages: &[&Current]) -> Option<Value> {
    packages.iter().find_map(|c| {
        let json = c.json.as_ref()?;
        let score = json.pointer("/scores/total").and_then(Value::as_f64)?;
        let mut row = Map::new();
        row.insert("name".into(), json!(c.package.agency.name));
        if !c.package.agency.district.is_empty() {
            row.insert("district".into(), json!(c.package.agency.district));
        }
        row.insert("score".into(), json!(score));
        if let Some(tools) = json
            .pointer("/scores/tools")
            .filter(|t| t.as_object().is_some_and(|o| !o.is_empty()))
        {
            row.insert("tools".into(), tools.clone());
        }
        if let Some(level) = text(json, "/scores/level") {
            row.insert("level".into(), json!(level));
        }
        Some(Value::Object(row))
    })
}

/// The province's analysis package of `year`: its own package (or its name alone) with the
/// list of agencies replaced by each agency's current total, tools and level. The counts a
/// source document stated (`province.stated`) go: they spoke of another list.
pub fn province(year: i64, current: &[Current]) -> Result<ProvinceBuild, String> {
    let mut json = base(year, current)?;
    let own = text(&json, "/agency/name").unwrap_or("").to_owned();
    let (mut rows, mut used, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    let scored: Vec<&Current> = current.iter().filter(|c| scoreless(c).is_none()).collect();
    for packages in by_agency(&scored, &own) {
        let name = packages[0].package.agency.name.clone();
        match agency_row(&packages) {
            Some(row) => {
                rows.push(row);
                used.push(name);
            }
            None => missing.push(name),
        }
    }
    if rows.is_empty() {
        return Err(format!(
            "ยังไม่มีหน่วยงานใดในปีงบประมาณ {year} ที่มีคะแนนรวม จึงยังสร้างรายงานของจังหวัดไม่ได้"
        ));
    }
    if let Some(object) = json.as_object_mut() {
        let province = object.entry("province").or_insert_with(|| json!({}));
        if let Some(province) = province.as_object_mut() {
            province.remove("stated");
            province.insert("agencies".into(), Value::Array(rows));
        }
        object.insert("fiscal_year".into(), json!(year));
    }
    Ok(ProvinceBuild {
        json,
        stem: format!("{year}-{own}-ผลการวิเคราะห์จากระบบ"),
        used,
        missing,
        unscored: unscored(current),
    })
}

/// A date as Thai documents write it short: ๗ ธ.ค. ๒๕๖๙.
pub fn thai_date(seconds: i64) -> String {
    let (day, month, year, _, _) = local_time(seconds);
    crate::thai::thai_digits(&format!(
        "{day} {} {year}",
        crate::thai::MONTHS_SHORT[month - 1]
    ))
}

fn thai_count(n: usize) -> String {
    crate::thai::thai_digits(&n.to_string())
}

/// How far along the cycle a state is (a returned package is back at the start).
fn rank(state: State) -> usize {
    match state {
        State::Draft | State::Returned => 0,
        State::Submitted => 1,
        State::Approved => 2,
        State::Signed => 3,
        State::Published => 4,
    }
}

/// One agency in the cycle: its row, where its packages stand (the least advanced), and the
/// latest time each of its packages moved into each state.
struct Standing<'a> {
    package: &'a PackageRow,
    rank: usize,
    moved: BTreeMap<&'static str, i64>,
    created: Option<i64>,
    returns: usize,
}

/// Where each agency of the year stands, from the history alone.
fn standings<'a>(current: &'a [Current], history: &[(i64, Step)], own: &str) -> Vec<Standing<'a>> {
    let mut out: Vec<Standing> = Vec::new();
    for packages in by_agency(current, own) {
        let mut standing = Standing {
            package: &packages[0].package,
            rank: usize::MAX,
            moved: BTreeMap::new(),
            created: None,
            returns: 0,
        };
        for c in &packages {
            let steps: Vec<&Step> = history
                .iter()
                .filter(|(id, _)| *id == c.package.id)
                .map(|(_, s)| s)
                .collect();
            let state = steps.last().map_or(State::Draft, |s| s.to);
            standing.rank = standing.rank.min(rank(state));
            for step in &steps {
                if step.from.is_none() {
                    standing.created = Some(standing.created.map_or(step.at, |t| t.min(step.at)));
                }
                standing.returns += usize::from(step.to == State::Returned);
                let latest = standing.moved.entry(step.to.as_str()).or_insert(step.at);
                *latest = (*latest).max(step.at);
            }
        }
        out.push(standing);
    }
    out
}

/// The kinds of agency with how many of each are in `done` out of `all`: "เทศบาล ๑ จาก ๒"
/// ("เทศบาล ๒" when all are).
fn by_kind(all: &[&Standing], done: &[&Standing]) -> String {
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in all {
        kinds.entry(&s.package.agency.kind).or_default().1 += 1;
    }
    for s in done {
        kinds.entry(&s.package.agency.kind).or_default().0 += 1;
    }
    // Where every one has (the packages created), the count alone.
    let whole = done.len() == all.len();
    kinds
        .iter()
        .map(|(kind, (k, n))| match whole {
            true => format!("{kind} {}", thai_count(*n)),
            false => format!("{kind} {} จาก {}", thai_count(*k), thai_count(*n)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many of `times` fall on each day: "วันที่ ๗ ธ.ค. ๒๕๖๙ จำนวน ๒ หน่วยงาน".
fn by_date(times: &[i64]) -> Vec<String> {
    let mut days: Vec<(String, usize)> = Vec::new();
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    for t in sorted {
        let day = thai_date(t);
        match days.last_mut() {
            Some((last, n)) if *last == day => *n += 1,
            _ => days.push((day, 1)),
        }
    }
    days.into_iter()
        .map(|(day, n)| format!("วันที่ {day} จำนวน {} หน่วยงาน", thai_count(n)))
        .collect()
}

/// The first and last day of `times` ("๑ ธ.ค. ๒๕๖๙ – ๗ ธ.ค. ๒๕๖๙"), or a dash.
fn period(times: &[i64]) -> String {
    match (times.iter().min(), times.iter().max()) {
        (Some(first), Some(last)) if thai_date(*first) != thai_date(*last) => {
            format!("{} – {}", thai_date(*first), thai_date(*last))
        }
        (Some(first), _) => thai_date(*first),
        _ => "–".to_owned(),
    }
}

/// The most names a cell lists before "และอีก N หน่วยงาน".
const NAMED: usize = 30;

fn names(behind: &[&Standing]) -> String {
    let mut shown: Vec<String> = behind
        .iter()
        .take(NAMED)
        .map(|s| {
            let district = &s.package.agency.district;
            if district.is_empty() {
                s.package.agency.name.clone()
            } else {
                format!("{} (อำเภอ{district})", s.package.agency.name)
            }
        })
        .collect();
    if behind.len() > NAMED {
        shown.push(format!(
            "และอีก {} หน่วยงาน",
            thai_count(behind.len() - NAMED)
        ));
    }
    shown.join(", ")
}

/// A stage of the cycle in the report: the step's words, the verb of its counts, the state
/// that marks it done.
struct Stage {
    step: &'static str,
    verb: &'static str,
    state: State,
}

const STAGES: [Stage; 4] = [
    Stage {
        step: "หน่วยงานจัดทำข้อมูล บทวิเคราะห์และมาตรการ แล้วส่งให้จังหวัดตรวจ",
        verb: "ส่ง",
        state: State::Submitted,
    },
    Stage {
        step: "จังหวัดตรวจและอนุมัติรายงานของหน่วยงาน",
        verb: "อนุมัติ",
        state: State::Approved,
    },
    Stage {
        step: "หน่วยงานลงลายมือชื่ออิเล็กทรอนิกส์ในเอกสารที่อนุมัติแล้ว และส่งให้จังหวัด",
        verb: "ลงนาม",
        state: State::Signed,
    },
    Stage {
        step: "หน่วยงานเผยแพร่รายงานและมาตรการบนเว็บไซต์ของหน่วยงาน",
        verb: "เผยแพร่",
        state: State::Published,
    },
];

const DONE: &str = "ดำเนินการเสร็จเรียบร้อยแล้ว";
const GOING: &str = "อยู่ระหว่างดำเนินการ";

/// The row of one stage: who has reached it (by kind and by day) and who is behind.
fn stage_row(stage: &Stage, all: &[&Standing]) -> Value {
    let done: Vec<&Standing> = all
        .iter()
        .copied()
        .filter(|s| s.rank >= rank(stage.state))
        .collect();
    let behind: Vec<&Standing> = all
        .iter()
        .copied()
        .filter(|s| s.rank < rank(stage.state))
        .collect();
    let times: Vec<i64> = done
        .iter()
        .filter_map(|s| s.moved.get(stage.state.as_str()).copied())
        .collect();
    let mut result = vec![format!(
        "{}แล้ว {} จาก {} หน่วยงาน ได้แก่ {}",
        stage.verb,
        thai_count(done.len()),
        thai_count(all.len()),
        by_kind(all, &done)
    )];
    if stage.state == State::Approved {
        let returned: Vec<&&Standing> = all.iter().filter(|s| s.returns > 0).collect();
        let returns: usize = returned.iter().map(|s| s.returns).sum();
        if returns > 0 {
            result.push(format!(
                "จังหวัดส่งกลับให้แก้ไข {} ครั้ง จาก {} หน่วยงาน",
                thai_count(returns),
                thai_count(returned.len())
            ));
        }
    }
    result.extend(by_date(&times));
    if !behind.is_empty() {
        result.push(format!(
            "ยังไม่{} {} หน่วยงาน ได้แก่ {}",
            stage.verb,
            thai_count(behind.len()),
            names(&behind)
        ));
    }
    json!({
        "nacc_period": "–",
        "province_period": period(&times),
        "steps": [{
            "step": stage.step,
            "result": result,
            "status": if behind.is_empty() { DONE } else { GOING },
        }],
    })
}

/// The row of the packages' creation (the results sheet imported).
fn created_row(all: &[&Standing]) -> Value {
    let times: Vec<i64> = all.iter().filter_map(|s| s.created).collect();
    let mut result = vec![format!(
        "สร้างแฟ้มข้อมูลของหน่วยงานแล้ว {} หน่วยงาน ได้แก่ {}",
        thai_count(all.len()),
        by_kind(all, all)
    )];
    result.extend(by_date(&times));
    json!({
        "nacc_period": "–",
        "province_period": period(&times),
        "steps": [{
            "step": "นำเข้าผลการประเมินของสำนักงาน ป.ป.ช. และสร้างแฟ้มข้อมูลของแต่ละหน่วยงานในระบบ",
            "result": result,
            "status": DONE,
        }],
    })
}

/// The progress package of `year` at time `now`: a row for the packages' creation and one
/// per stage of the cycle, every count taken from the history.
pub fn progress(
    year: i64,
    current: &[Current],
    history: &[(i64, Step)],
    now: i64,
) -> Result<(Value, String), String> {
    let own = current
        .iter()
        .filter_map(|c| c.json.as_ref())
        .find(|j| is_province(j));
    let own_name = own.and_then(|o| text(o, "/agency/name")).unwrap_or("");
    let standings = standings(current, history, own_name);
    if standings.is_empty() {
        return Err(format!(
            "ยังไม่มีแฟ้มของหน่วยงานในปีงบประมาณ {year} จึงยังสร้างรายงานความก้าวหน้าไม่ได้"
        ));
    }
    let all: Vec<&Standing> = standings.iter().collect();
    let province = province_name(own, current).unwrap_or_default();
    let province_full = if province.is_empty() {
        String::new()
    } else {
        format!("จังหวัด{province}")
    };
    let mut rows = vec![created_row(&all)];
    rows.extend(STAGES.iter().map(|stage| stage_row(stage, &all)));
    let unit = own
        .and_then(|o| text(o, "/agency/unit").or_else(|| text(o, "/agency/name")))
        .map_or_else(|| province_full.clone(), str::to_owned);
    let mut progress = json!({
        "title": [
            format!("รายงานความก้าวหน้าการจัดทำรายงานการประเมินคุณธรรมและความโปร่งใส (ITA) ของหน่วยงานใน{province_full}"),
            crate::thai::thai_digits(&format!("ประจำปีงบประมาณ พ.ศ. {year} ข้อมูล ณ วันที่ {}", thai_date(now))),
        ],
        "rows": rows,
        "prepared_by": [unit],
    });
    if let Some(phone) = own.and_then(|o| text(o, "/agency/phone")) {
        progress["phone"] = json!(format!("โทร. {phone}"));
    }
    if let Some(email) = own.and_then(|o| text(o, "/agency/email")) {
        progress["email"] = json!(email);
    }
    let name = if province_full.is_empty() {
        "จังหวัด".to_owned()
    } else {
        province_full.clone()
    };
    let mut agency = json!({ "name": name });
    if !province.is_empty() {
        agency["province"] = json!(province);
    }
    let json = json!({
        "agency": agency,
        "fiscal_year": year,
        "numerals": "thai",
        "progress": progress,
    });
    Ok((json, format!("{year}-{name}-รายงานความก้าวหน้า")))
}
