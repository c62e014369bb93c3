//! The parts of a report package that every document shares, as typed serde values: the
//! agency, the scores and their history, a province's summary, the outline, signers and
//! paragraphs. The package itself, with a field for each document kind, is assembled by the
//! document registry (`documents::Package`), each kind's data in its own module there.
//!
//! The model knows nothing of templates, Typst, the terminal or the document kinds. Every
//! struct denies unknown fields, so a misspelt key is an error rather than silently missing
//! data. Shape is checked by serde (see `load`); rules that serde cannot express (score
//! ranges, indicator numbers, dates) are checked by `rules`.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The agency (หน่วยงาน).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub name: String,
    /// The ส่วนราชการ line, e.g. "สำนักงานจังหวัดร้อยเอ็ด กลุ่มงานบริหารทรัพยากรบุคคล".
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The kind of agency (province, municipality, school, …); the measures catalogue drafts
    /// only what fits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AgencyKind>,
    /// Its rank in its group as the NACC publishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<AgencyRank>,
}

/// The kinds of agency the NACC assesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// จังหวัด.
    Province,
    /// ที่ทำการปกครองอำเภอ / สำนักงานอำเภอ.
    DistrictOffice,
    /// ส่วนราชการส่วนภูมิภาค (สำนักงานจังหวัด, สำนักงานศึกษาธิการจังหวัด, …).
    ProvincialUnit,
    /// เทศบาล.
    Municipality,
    /// องค์การบริหารส่วนตำบล.
    Sao,
    /// โรงเรียน / สถานศึกษา.
    School,
    /// โรงพยาบาล.
    Hospital,
    /// สถานีตำรวจ.
    PoliceStation,
    /// มหาวิทยาลัย / สถาบันอุดมศึกษา.
    University,
    /// องค์การมหาชน.
    PublicOrganisation,
    /// กรม / ส่วนราชการระดับกรม.
    MinistryDepartment,
}

impl AgencyKind {
    /// Every kind, in the order above.
    pub const ALL: [AgencyKind; 11] = [
        AgencyKind::Province,
        AgencyKind::DistrictOffice,
        AgencyKind::ProvincialUnit,
        AgencyKind::Municipality,
        AgencyKind::Sao,
        AgencyKind::School,
        AgencyKind::Hospital,
        AgencyKind::PoliceStation,
        AgencyKind::University,
        AgencyKind::PublicOrganisation,
        AgencyKind::MinistryDepartment,
    ];

    /// The key as written in a package (`public_organisation`).
    pub fn key(self) -> &'static str {
        match self {
            AgencyKind::Province => "province",
            AgencyKind::DistrictOffice => "district_office",
            AgencyKind::ProvincialUnit => "provincial_unit",
            AgencyKind::Municipality => "municipality",
            AgencyKind::Sao => "sao",
            AgencyKind::School => "school",
            AgencyKind::Hospital => "hospital",
            AgencyKind::PoliceStation => "police_station",
            AgencyKind::University => "university",
            AgencyKind::PublicOrganisation => "public_organisation",
            AgencyKind::MinistryDepartment => "ministry_department",
        }
    }

    /// The kind a name says plainly ("เทศบาลเมือง…", "สถานีตำรวจ…", "องค์การบริหารส่วนตำบล…"),
    /// when it does; none when the name leaves it open.
    pub fn guess(name: &str) -> Option<AgencyKind> {
        let name = name.trim();
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| name.starts_with(p));
        // A public organisation says so after its name ("สำนักงาน… (องค์การมหาชน)"), which
        // would otherwise read as a provincial unit's "สำนักงาน…".
        Some(if name.contains("องค์การมหาชน") {
            AgencyKind::PublicOrganisation
        } else if starts(&["เทศบาล"]) {
            AgencyKind::Municipality
        } else if starts(&["องค์การบริหารส่วนตำบล", "อบต."])
        {
            AgencyKind::Sao
        } else if starts(&["สถานีตำรวจ", "สภ.", "สน."]) {
            AgencyKind::PoliceStation
        } else if starts(&["โรงพยาบาล", "รพ."]) {
            AgencyKind::Hospital
        } else if starts(&["โรงเรียน"]) {
            AgencyKind::School
        } else if starts(&["มหาวิทยาลัย"]) {
            AgencyKind::University
        } else if starts(&["ที่ทำการปกครองอำเภอ", "สำนักงานอำเภอ"])
        {
            AgencyKind::DistrictOffice
        } else if starts(&["กรม"]) {
            AgencyKind::MinistryDepartment
        } else if starts(&["จังหวัด"]) && !name.contains(' ') {
            AgencyKind::Province
        } else if starts(&["สำนักงาน"]) && name.contains("จังหวัด") {
            AgencyKind::ProvincialUnit
        } else {
            return None;
        })
    }

    /// The group as the NACC names it ("องค์การมหาชน").
    pub fn thai(self) -> &'static str {
        match self {
            AgencyKind::Province => "จังหวัด",
            AgencyKind::DistrictOffice => "ที่ทำการปกครองอำเภอ",
            AgencyKind::ProvincialUnit => "ส่วนราชการส่วนภูมิภาค",
            AgencyKind::Municipality => "เทศบาล",
            AgencyKind::Sao => "องค์การบริหารส่วนตำบล",
            AgencyKind::School => "สถานศึกษา",
            AgencyKind::Hospital => "โรงพยาบาล",
            AgencyKind::PoliceStation => "สถานีตำรวจ",
            AgencyKind::University => "สถาบันอุดมศึกษา",
            AgencyKind::PublicOrganisation => "องค์การมหาชน",
            AgencyKind::MinistryDepartment => "ส่วนราชการระดับกรม",
        }
    }
}

/// An agency's rank in its group: "ลำดับที่ ๔ ของหน่วยงานประเภทองค์การมหาชน".
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRank {
    /// The rank, from 1.
    #[schemars(range(min = 1))]
    pub rank: u32,
    /// The group as published ("หน่วยงานประเภทองค์การมหาชน"); from `kind` when absent.
    #[serde(default)]
    pub group: Option<String>,
    /// How many agencies the group has, when published.
    #[serde(default)]
    pub of: Option<u32>,
}

/// The parts of each document, in order. A document left out prints its default parts.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<Vec<Part>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Vec<Part>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oit: Option<Vec<Part>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<Vec<Part>>,
}

impl Outline {
    pub fn is_empty(&self) -> bool {
        self.cover.is_none()
            && self.report.is_none()
            && self.oit.is_none()
            && self.measures.is_none()
    }
}

/// One part of a document: a block the program writes from the data (with the heading,
/// caption and lead line the outline gives it, and no other), or the agency's own block.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    /// A heading, numbered when asked (๑., ๑.๑).
    Heading(Heading),
    /// Paragraphs of text.
    Paragraph(TextPart),
    /// A list, numbered ๑) ๒) or as asked.
    List(ListPart),
    /// A table with the given rows.
    Table(TablePart),
    /// A part heading, centred ("ส่วนที่ ๑" and its title lines).
    Division(Division),
    /// A new page.
    PageBreak(NoOptions),
    /// The report's title lines.
    Title(Block),
    /// The overall paragraph(s).
    Overall(Block),
    /// The box of the total, level, target and change.
    SummaryBox(Block),
    /// The chart of totals by year.
    TotalsChart(Block),
    /// The chart of this year's indicators.
    IndicatorsChart(Block),
    /// The table of indicators by tool.
    IndicatorTable(Block),
    /// The table of earlier years.
    HistoryTable(Block),
    /// The line under the history table: the change of the total.
    HistoryNote(Block),
    /// The analysis of each tool (and the intro paragraphs before it).
    ToolAnalyses(Block),
    /// The assessors' recommendations.
    Recommendations(Block),
    /// A province's overall paragraph.
    ProvinceOverall(Block),
    /// The chart of the province's indicators.
    ProvinceIndicatorsChart(Block),
    /// The table of the province's indicators.
    ProvinceIndicatorTable(Block),
    /// The table of levels with their counts.
    LevelTable(Block),
    /// The ranked list of each level.
    RankedLists(Block),
    /// The closing count of agencies passing and failing.
    PassFail(Block),
    /// The OIT items by sub-indicator.
    OitItems(Block),
    /// The OIT total of items passed.
    OitTotal(Block),
    /// The table of urgent weaknesses.
    Urgent(Block),
    /// The table of points to improve.
    Improve(Block),
    /// The measures' title lines.
    MeasuresTitle(Block),
    /// The measures' intro paragraphs.
    MeasuresIntro(Block),
    /// The measures' table or numbered sections.
    MeasuresBody(Block),
    /// The cover's title lines.
    CoverTitle(Block),
    /// The cover's "จัดทำโดย" and contact lines.
    CoverContact(Block),
}

/// A heading.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Heading {
    pub text: String,
    /// 1–4; 1 when absent.
    #[serde(default = "level_one")]
    #[schemars(range(min = 1, max = 4))]
    pub level: u8,
    /// Whether the program numbers it (๑., ๑.๑) after the headings before it.
    #[serde(default)]
    pub numbered: bool,
}

fn level_one() -> u8 {
    1
}

/// The options of a generated block: what it prints besides the data.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// A heading printed before the block, when the block prints.
    #[serde(default)]
    pub heading: Option<Heading>,
    /// The caption of its table or chart, after the number the program gives ("ตารางที่ ๑").
    #[serde(default)]
    pub caption: Option<String>,
    /// A line kept with the top of its table ("แยกเป็นระดับผลการประเมิน ดังนี้"), or the
    /// bold title of a weak-point table.
    #[serde(default)]
    pub lead: Option<String>,
    /// Headings of its own parts (each tool, each OIT indicator) one level below `heading`,
    /// numbered when `heading` is.
    #[serde(default)]
    pub subheadings: bool,
    /// The history table only: whether its หมายเหตุ says, for a year whose data gives no
    /// note, whether the year reached its target (ผ่าน / ไม่ผ่าน). Without it the column
    /// holds only the notes the data gives, and is left out when there are none.
    #[serde(default)]
    pub remarks: bool,
}

/// Paragraphs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextPart {
    pub text: Paragraphs,
}

/// A list.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPart {
    pub items: Vec<String>,
    /// How the items are marked; `paren` (๑)) when absent.
    #[serde(default)]
    pub numbering: ListNumbering,
}

/// How a list marks its items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListNumbering {
    /// ๑) ๒) ๓)
    #[default]
    Paren,
    /// ๑. ๒. ๓.
    Dot,
    /// -
    Dash,
    /// No mark: the items as written.
    None,
}

/// A table with the given rows.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TablePart {
    /// The caption after its number ("ตารางที่ ๓"); no caption when absent.
    #[serde(default)]
    pub caption: Option<String>,
    /// A title above the table, unnumbered and bold ("(๑) คะแนนตัวชี้วัดและระดับผลการ
    /// ประเมิน").
    #[serde(default)]
    pub title: Option<String>,
    pub header: Vec<String>,
    /// Each row has one cell per header cell.
    pub rows: Vec<Vec<String>>,
}

/// A part heading: "ส่วนที่ ๑" and its title lines, centred and bold.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Division {
    pub lines: Vec<String>,
}

/// A part with no options.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

/// Which digits the program writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Numerals {
    /// ๐–๙, the norm in official documents.
    #[default]
    Thai,
    /// 0–9, as some agencies use.
    Arabic,
}

/// The three assessment tools.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
pub enum Tool {
    /// Internal stakeholders (indicators 1–5).
    #[serde(rename = "IIT")]
    Iit,
    /// External stakeholders (indicators 6–8).
    #[serde(rename = "EIT")]
    Eit,
    /// Open data, scored from the website (indicators 9–10).
    #[serde(rename = "OIT")]
    Oit,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Iit, Tool::Eit, Tool::Oit];

    /// The short code, as printed ("IIT").
    pub fn code(self) -> &'static str {
        match self {
            Tool::Iit => "IIT",
            Tool::Eit => "EIT",
            Tool::Oit => "OIT",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A score as published by the NACC system: 0–100 with at most two decimals.
///
/// Kept as the number given; [`Score::hundredths`] gives the exact value used for every
/// comparison and difference, so 99.64 − 99.62 is 0.02 and never 0.019999.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Score(#[schemars(range(min = 0, max = 100))] pub f64);

impl Score {
    /// The score in hundredths of a point, rounded.
    pub fn hundredths(self) -> i64 {
        (self.0 * 100.0).round() as i64
    }

    /// Whether the number has at most two decimals.
    pub fn has_two_decimals_at_most(self) -> bool {
        (self.0 * 100.0 - (self.0 * 100.0).round()).abs() < 1e-6
    }
}

/// This year's scores.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    /// Overall ITA score.
    #[serde(default)]
    pub total: Option<Score>,
    /// The level as the data states it (e.g. "ผ่าน", "ผ่านดีเยี่ยม", "A").
    #[serde(default)]
    pub level: Option<String>,
    /// Target score; 85 unless stated.
    #[serde(default = "default_target")]
    pub target: Score,
    /// Score per tool, where published.
    #[serde(default)]
    pub tools: BTreeMap<Tool, Score>,
    /// Score per indicator.
    #[serde(default)]
    pub indicators: Vec<IndicatorScore>,
    /// Text for the overall paragraph; replaces the generated one.
    #[serde(default)]
    pub summary: Paragraphs,
    /// Text for a tool's analysis paragraph; replaces the generated one.
    #[serde(default)]
    pub tool_analysis: BTreeMap<Tool, Paragraphs>,
    /// Paragraphs that open the analysis section, before the analysis of each tool (seed 002
    /// §3 "จากผลการประเมิน… ดังต่อไปนี้").
    #[serde(default)]
    pub analysis_intro: Paragraphs,
}

fn default_target() -> Score {
    Score(85.0)
}

/// One indicator's score.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorScore {
    /// 1–10.
    #[schemars(range(min = 1, max = 10))]
    pub number: u8,
    /// Name as printed; the standard name when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// The tool; must agree with the indicator number when given.
    #[serde(default)]
    pub tool: Option<Tool>,
    pub score: Score,
    /// The agency's analysis of this indicator.
    #[serde(default)]
    pub analysis: Paragraphs,
    /// The bold lead of the analysis as the agency writes it ("(๓) การใช้อำนาจ"); without
    /// it, "(๓) ตัวชี้วัดที่ ๓" and the indicator's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis_title: Option<String>,
}

/// One earlier year's results.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryYear {
    /// Fiscal year, BE.
    pub year: i32,
    #[serde(default)]
    pub tools: BTreeMap<Tool, Score>,
    /// That year's indicator scores, where known (for differences per indicator).
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    pub total: Score,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An indicator number and its score.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    #[schemars(range(min = 1, max = 10))]
    pub number: u8,
    pub score: Score,
}

/// The summary of a province: its overall result and every agency assessed in it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// Heading of the section; a standard heading when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// The province-wide score published by the NACC.
    #[serde(default)]
    pub total: Option<Score>,
    /// The province's rank in the country, when published.
    #[serde(default)]
    pub national_rank: Option<u32>,
    /// Province-wide score per indicator, as published.
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    /// Every agency assessed (the province's own office and the local agencies).
    pub agencies: Vec<LocalAgency>,
    /// Counts and bands as a source document states them; only `check` reads them, the
    /// documents print counts derived from `agencies`.
    #[serde(default)]
    pub stated: Option<StatedSummary>,
}

/// One agency of a province summary.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalAgency {
    pub name: String,
    /// อำเภอ.
    #[serde(default)]
    pub district: Option<String>,
    pub score: Score,
    /// Score per tool, where published.
    #[serde(default)]
    pub tools: BTreeMap<Tool, Score>,
    /// The level as the source states it.
    #[serde(default)]
    pub level: Option<String>,
}

/// What a source document says about its own rows, kept to be checked.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatedSummary {
    /// Number of agencies.
    #[serde(default)]
    pub count: Option<u32>,
    /// The level table: level, band and count.
    #[serde(default)]
    pub levels: Vec<StatedLevel>,
    /// The headings of the ranked lists ("ระดับผ่านดีเยี่ยม ๒๑ หน่วยงาน"), in order.
    #[serde(default)]
    pub lists: Vec<StatedLevel>,
    /// Agencies at or above the target.
    #[serde(default)]
    pub pass: Option<u32>,
    /// Agencies below the target.
    #[serde(default)]
    pub fail: Option<u32>,
}

/// A level with the band and count a document states for it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatedLevel {
    pub level: String,
    #[serde(default)]
    pub min: Option<Score>,
    #[serde(default)]
    pub max: Option<Score>,
    #[serde(default)]
    pub count: Option<u32>,
}

/// Assessor recommendations for one tool (ข้อเสนอแนะจากผู้ตรวจประเมิน).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub tool: Tool,
    /// The topics listed under the tool, e.g. the indicators concerned.
    #[serde(default)]
    pub topics: Vec<String>,
    pub text: Paragraphs,
}

/// A signature block.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Full name with title, printed in brackets: (นายโกเมท นันทสิงห์).
    pub name: String,
    /// Position lines, e.g. ["รองผู้ว่าราชการจังหวัด ปฏิบัติราชการแทน", "ผู้ว่าราชการจังหวัดร้อยเอ็ด"].
    #[serde(default)]
    pub positions: Vec<String>,
    /// Date written under the signature, `YYYY-MM-DD`; printed short (๒๘ ก.ย. ๒๕๖๖).
    #[serde(default)]
    pub date: Option<String>,
}

/// Text that is one paragraph or several: accepts a string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Paragraphs(pub Vec<String>);

impl Paragraphs {
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| p.trim().is_empty())
    }
}

impl JsonSchema for Paragraphs {
    fn schema_name() -> String {
        "Paragraphs".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject, SubschemaValidation};
        let one = generator.subschema_for::<String>();
        let many = generator.subschema_for::<Vec<String>>();
        Schema::Object(SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "One paragraph, or a list of paragraphs. / ย่อหน้าเดียว หรือรายการย่อหน้า".to_owned(),
                ),
                ..Default::default()
            })),
            subschemas: Some(Box::new(SubschemaValidation {
                any_of: Some(vec![one, many]),
                ..Default::default()
            })),
            instance_type: None::<schemars::schema::SingleOrVec<InstanceType>>,
            ..Default::default()
        })
    }
}

impl<'de> Deserialize<'de> for Paragraphs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParagraphsVisitor;

        impl<'de> Visitor<'de> for ParagraphsVisitor {
            type Value = Paragraphs;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Paragraphs, E> {
                Ok(Paragraphs(vec![v.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Paragraphs, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(Paragraphs(items))
            }
        }

        deserializer.deserialize_any(ParagraphsVisitor)
    }
}
