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

use crate::model::Package;

/// Thai descriptions of the package's fields, by field name.
pub const THAI: &[(&str, &str)] = &[
    ("agency", "หน่วยงาน"),
    ("name", "ชื่อ"),
    ("unit", "ส่วนราชการ"),
    ("district", "อำเภอ"),
    ("province", "จังหวัด / ผลการประเมินภาพรวมจังหวัด"),
    ("phone", "โทรศัพท์"),
    ("email", "ไปรษณีย์อิเล็กทรอนิกส์"),
    ("fiscal_year", "ปีงบประมาณ (พ.ศ.)"),
    ("numerals", "ตัวเลข: ไทย (thai) หรืออารบิก (arabic)"),
    ("font", "แบบอักษร"),
    ("date", "วันที่ (ปปปป-ดด-วว)"),
    ("report_title", "ชื่อรายงาน"),
    ("scores", "ผลคะแนนการประเมิน"),
    ("total", "คะแนนรวม"),
    ("level", "ระดับผลการประเมิน"),
    ("target", "ค่าเป้าหมาย"),
    ("tools", "คะแนนรายเครื่องมือ (IIT, EIT, OIT)"),
    ("indicators", "ตัวชี้วัด"),
    ("number", "ลำดับที่"),
    ("tool", "เครื่องมือ"),
    ("score", "คะแนน"),
    ("analysis", "ผลการวิเคราะห์"),
    ("summary", "สรุปผลการประเมินภาพรวม"),
    ("tool_analysis", "ผลการวิเคราะห์รายเครื่องมือ"),
    ("analysis_intro", "ย่อหน้านำการวิเคราะห์"),
    ("history", "ผลการประเมินปีที่ผ่านมา"),
    ("year", "ปี (พ.ศ.)"),
    ("note", "หมายเหตุ"),
    ("recommendations", "ข้อเสนอแนะ"),
    ("topics", "ประเด็น"),
    ("text", "ข้อความ"),
    ("measures", "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"),
    ("layout", "รูปแบบตารางมาตรการ"),
    ("title", "ชื่อเรื่อง"),
    ("heading", "หัวข้อ"),
    ("intro", "ย่อหน้านำ"),
    ("group_titles", "หัวข้อกลุ่มตามเครื่องมือ"),
    ("rows", "แถว"),
    ("measure", "มาตรการ/โครงการ/กิจกรรม"),
    ("finding", "ผลการวิเคราะห์ตัวชี้วัด"),
    ("steps", "ขั้นตอน/วิธีการดำเนินการ"),
    ("responsible", "ผู้รับผิดชอบ"),
    ("monitoring", "การกำกับติดตามและรายงานผล"),
    ("timeframe", "ระยะเวลาดำเนินการ"),
    ("draft", "ร่างจากคลังมาตรการ (ลบออกเมื่อแก้ไขแล้ว)"),
    ("sections", "หัวข้อ"),
    ("items", "ข้อย่อย"),
    ("memo", "บันทึกข้อความ"),
    ("reference", "ที่ (เลขที่หนังสือ)"),
    ("subject", "เรื่อง"),
    ("to", "เรียน"),
    ("body", "เนื้อความ"),
    ("signers", "ผู้ลงนาม"),
    ("positions", "ตำแหน่ง"),
    ("endorsements", "ความเห็นผู้บังคับบัญชา"),
    ("letter", "หนังสือภายนอก"),
    ("cover", "ปก"),
    ("announcement", "ประกาศ"),
    ("progress", "รายงานความก้าวหน้า"),
    ("agencies", "หน่วยงานในจังหวัด"),
    ("oit", "ผลการประเมิน OIT รายข้อ"),
    ("emblem", "ตราครุฑ (ไฟล์ภาพ)"),
    ("archive", "PDF/A สำหรับเก็บรักษา"),
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

/// Adds the Thai description of each property that [`THAI`] names, before the English one.
fn add_thai(object: &mut SchemaObject) {
    let Some(validation) = object.object.as_mut() else { return };
    for (name, schema) in validation.properties.iter_mut() {
        let Some((_, thai)) = THAI.iter().find(|(field, _)| field == name) else { continue };
        let Schema::Object(property) = schema else { continue };
        let metadata = property.metadata();
        metadata.description = Some(match metadata.description.take() {
            Some(english) => format!("{thai} — {english}"),
            None => (*thai).to_owned(),
        });
    }
}
