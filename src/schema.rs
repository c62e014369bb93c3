//! The JSON Schema of a package, generated from the model, so editors check a package while
//! it is typed (VS Code: `json.schemas`, see the README).
//!
//! The schema comes from the same types `load` reads with, so it cannot drift from them; the
//! doc comments give the English descriptions and [`THAI`] adds the Thai one, by field name.
//! It says what serde checks (shape, names, enums) and the plain bounds of the rules (scores
//! 0–100, indicators 1–10); the rules that relate fields (a layout's columns, duplicates,
//! dates of the calendar) are still `check`'s.

use schemars::schema::{RootSchema, Schema, SchemaObject};
use serde_json::Value;

use crate::documents::DocKind;
use crate::documents::Package;

/// The Thai name of each package field, by field name: the schema gives it as the field's
/// `title` and before the English description, and the web form labels its fields with it.
pub const THAI: &[(&str, &str)] = &[
    ("agency", "หน่วยงาน"),
    ("name", "ชื่อ"),
    ("unit", "ส่วนราชการ"),
    ("district", "อำเภอ"),
    ("province", "จังหวัด / ผลการประเมินภาพรวมจังหวัด"),
    ("phone", "โทรศัพท์"),
    ("email", "อีเมล"),
    ("fiscal_year", "ปีงบประมาณ (พ.ศ.)"),
    ("numerals", "ตัวเลขที่ใช้"),
    ("font", "แบบอักษร"),
    ("date", "วันที่ (ปปปป-ดด-วว)"),
    ("archive", "ทำ PDF สำหรับจัดเก็บ (PDF/A)"),
    ("emblem", "แฟ้มตราครุฑ"),
    ("report_title", "ชื่อรายงาน (แต่ละบรรทัด)"),
    ("scores", "ผลคะแนน"),
    ("total", "คะแนนรวม"),
    ("level", "ระดับผลการประเมิน"),
    ("target", "ค่าเป้าหมาย"),
    ("tools", "คะแนนรายเครื่องมือ"),
    ("indicators", "ตัวชี้วัด"),
    ("number", "ลำดับ"),
    ("tool", "เครื่องมือ"),
    ("score", "คะแนน"),
    ("analysis", "บทวิเคราะห์"),
    ("summary", "สรุปภาพรวม (แทนย่อหน้าที่โปรแกรมเขียน)"),
    (
        "tool_analysis",
        "บทวิเคราะห์รายเครื่องมือ (แทนย่อหน้าที่โปรแกรมเขียน)",
    ),
    ("analysis_intro", "ย่อหน้านำการวิเคราะห์"),
    ("history", "ผลการประเมินปีก่อน ๆ"),
    ("year", "ปี"),
    ("note", "หมายเหตุ"),
    ("national_rank", "อันดับระดับประเทศ"),
    ("agencies", "หน่วยงานในจังหวัด"),
    ("stated", "ตัวเลขที่เอกสารต้นฉบับระบุ"),
    ("levels", "ระดับ"),
    ("lists", "รายชื่อตามระดับ"),
    ("count", "จำนวน"),
    ("min", "ต่ำสุด"),
    ("max", "สูงสุด"),
    ("pass", "ผ่าน"),
    ("fail", "ไม่ผ่าน"),
    ("subindicators", "ตัวชี้วัดย่อย"),
    ("code", "รหัส"),
    ("groups", "กลุ่ม"),
    ("comment", "ความเห็นผู้ตรวจ"),
    ("urgent", "จุดอ่อนที่ต้องแก้ไขโดยด่วน"),
    ("improve", "ประเด็นที่ควรพัฒนา"),
    ("intro", "ข้อความนำ"),
    ("recommendations", "ข้อเสนอแนะจากผู้ตรวจประเมิน"),
    ("topics", "ประเด็น"),
    ("layout", "รูปแบบตาราง"),
    ("title", "ชื่อเรื่อง"),
    ("heading", "หัวข้อ"),
    ("group_titles", "หัวข้อกลุ่มตามเครื่องมือ"),
    ("rows", "แถวมาตรการ"),
    ("indicator", "ตัวชี้วัดที่"),
    ("measure", "มาตรการ / โครงการ / กิจกรรม"),
    ("finding", "ผลการวิเคราะห์ตัวชี้วัด"),
    ("steps", "ขั้นตอน / วิธีดำเนินการ"),
    ("responsible", "ผู้รับผิดชอบ"),
    ("monitoring", "การติดตามและรายงานผล"),
    ("timeframe", "ระยะเวลาดำเนินการ"),
    ("sections", "หมวด"),
    ("paragraphs", "ย่อหน้า"),
    ("items", "รายการ"),
    ("list", "รายการย่อย"),
    ("text", "ข้อความ"),
    ("reference", "ที่"),
    ("subject", "เรื่อง"),
    ("to", "เรียน"),
    ("body", "เนื้อความ"),
    ("signers", "ผู้ลงนาม"),
    ("positions", "ตำแหน่ง (แต่ละบรรทัด)"),
    ("endorsements", "ความเห็นผู้บังคับบัญชา"),
    ("signer", "ผู้ลงนาม"),
    ("received", "ตรารับ"),
    ("office", "หน่วยงานที่รับ"),
    ("time", "เวลา"),
    ("urgency", "ชั้นความเร็ว"),
    ("secrecy", "ชั้นความลับ"),
    ("address", "ที่อยู่ผู้ส่ง (แต่ละบรรทัด)"),
    ("refer_to", "อ้างถึง"),
    ("enclosures", "สิ่งที่ส่งมาด้วย"),
    ("closing", "คำลงท้าย"),
    ("issuing_unit", "ส่วนราชการเจ้าของเรื่อง (แต่ละบรรทัด)"),
    ("qr", "คิวอาร์โค้ด"),
    ("url", "ที่อยู่เว็บ"),
    ("caption", "คำบรรยาย"),
    ("prepared_by", "จัดทำโดย (แต่ละบรรทัด)"),
    ("issuer", "ผู้ออกประกาศ"),
    ("preamble", "อารัมภบท"),
    ("nacc_period", "ช่วงเวลาที่ ป.ป.ช. กำหนด"),
    ("province_period", "ช่วงเวลาที่จังหวัดกำหนด"),
    ("step", "ขั้นตอน"),
    ("result", "ผลการดำเนินงาน"),
    ("status", "สถานะ"),
    ("draft", "ร่างจากคลังมาตรการ (ลบออกเมื่อแก้ไขแล้ว)"),
    ("kind", "ประเภทหน่วยงาน"),
    ("rank", "ลำดับในกลุ่มหน่วยงาน"),
    ("group", "กลุ่มหน่วยงาน"),
    ("of", "จำนวนหน่วยงานในกลุ่ม"),
    ("analysis_title", "หัวตัวหนาของบทวิเคราะห์"),
    ("outline", "เค้าโครงเอกสาร (ลำดับส่วน)"),
    ("report", "รายงาน"),
    ("part", "ชนิดของส่วน"),
    ("numbered", "ใส่เลขหัวข้อ"),
    ("lead", "บรรทัดนำตาราง"),
    ("subheadings", "หัวข้อย่อยรายเครื่องมือ"),
    ("remarks", "หมายเหตุผ่าน/ไม่ผ่านตามค่าเป้าหมาย"),
    ("numbering", "เลขรายการ"),
    ("header", "หัวตาราง"),
    ("lines", "บรรทัด"),
    ("from", "ที่มาของร่าง"),
    ("digest", "รหัสตรวจสอบข้อความที่ร่าง"),
];

/// The package schema as JSON, with Thai descriptions added.
pub fn package() -> Value {
    let mut root: RootSchema = schemars::schema_for!(Package);
    add_thai(&mut root.schema);
    for schema in root.definitions.values_mut() {
        if let Schema::Object(object) = schema {
            add_thai(object);
        }
    }
    serde_json::to_value(&root).unwrap_or(Value::Null)
}

/// Gives each property that [`THAI`] names its Thai name: as its `title`, and before the
/// English description.
fn add_thai(object: &mut SchemaObject) {
    let Some(validation) = object.object.as_mut() else {
        return;
    };
    for (name, schema) in validation.properties.iter_mut() {
        // A document's data is named as the document is (src/documents/).
        let document = DocKind::from_name(name).map(|k| k.spec().label.0);
        let found = THAI
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, t)| *t);
        let Some(thai) = found.or(document) else {
            continue;
        };
        let Schema::Object(property) = schema else {
            continue;
        };
        let metadata = property.metadata();
        metadata.title = Some(thai.to_owned());
        metadata.description = Some(match metadata.description.take() {
            Some(english) => format!("{thai} — {english}"),
            None => thai.to_owned(),
        });
    }
}
