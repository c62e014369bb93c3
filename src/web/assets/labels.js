// Thai labels of package fields, by field name (README's input format). A field not listed
// is shown under its JSON name, so nothing the package holds is hidden.
"use strict";

const LABELS = {
  agency: "หน่วยงาน", name: "ชื่อ", unit: "ส่วนราชการ", district: "อำเภอ", province: "จังหวัด",
  phone: "โทรศัพท์", email: "อีเมล", fiscal_year: "ปีงบประมาณ (พ.ศ.)", numerals: "ตัวเลขที่ใช้",
  font: "แบบอักษร", date: "วันที่", archive: "ทำ PDF สำหรับจัดเก็บ (PDF/A)", emblem: "แฟ้มตราครุฑ",
  report_title: "ชื่อรายงาน (แต่ละบรรทัด)", scores: "ผลคะแนน", total: "คะแนนรวม", level: "ระดับผลการประเมิน",
  target: "ค่าเป้าหมาย", tools: "คะแนนรายเครื่องมือ", indicators: "ตัวชี้วัด", number: "ลำดับ",
  tool: "เครื่องมือ", score: "คะแนน", analysis: "บทวิเคราะห์", summary: "สรุปภาพรวม (แทนย่อหน้าที่โปรแกรมเขียน)",
  tool_analysis: "บทวิเคราะห์รายเครื่องมือ (แทนย่อหน้าที่โปรแกรมเขียน)", analysis_intro: "ย่อหน้านำการวิเคราะห์",
  history: "ผลการประเมินปีก่อน ๆ", year: "ปี", note: "หมายเหตุ", national_rank: "อันดับระดับประเทศ",
  agencies: "หน่วยงานในจังหวัด", stated: "ตัวเลขที่เอกสารต้นฉบับระบุ", levels: "ระดับ", lists: "รายชื่อตามระดับ",
  count: "จำนวน", min: "ต่ำสุด", max: "สูงสุด", pass: "ผ่าน", fail: "ไม่ผ่าน",
  oit: "รายละเอียด OIT", subindicators: "ตัวชี้วัดย่อย", code: "รหัส", groups: "กลุ่ม", comment: "ความเห็นผู้ตรวจ",
  urgent: "จุดอ่อนที่ต้องแก้ไขโดยด่วน", improve: "ประเด็นที่ควรพัฒนา", intro: "ข้อความนำ",
  recommendations: "ข้อเสนอแนะจากผู้ตรวจประเมิน", topics: "ประเด็น",
  measures: "มาตรการส่งเสริมคุณธรรมและความโปร่งใส", layout: "รูปแบบตาราง", title: "ชื่อเรื่อง",
  heading: "หัวข้อ", group_titles: "หัวข้อกลุ่มตามเครื่องมือ", rows: "แถวมาตรการ", indicator: "ตัวชี้วัดที่",
  measure: "มาตรการ / โครงการ / กิจกรรม", finding: "ผลการวิเคราะห์ตัวชี้วัด", steps: "ขั้นตอน / วิธีดำเนินการ",
  responsible: "ผู้รับผิดชอบ", monitoring: "การติดตามและรายงานผล", timeframe: "ระยะเวลาดำเนินการ",
  sections: "หมวด", paragraphs: "ย่อหน้า", items: "รายการ", list: "รายการย่อย", text: "ข้อความ",
  memo: "บันทึกข้อความ", reference: "ที่", subject: "เรื่อง", to: "เรียน", body: "เนื้อความ",
  signers: "ผู้ลงนาม", positions: "ตำแหน่ง (แต่ละบรรทัด)", endorsements: "ความเห็นผู้บังคับบัญชา", signer: "ผู้ลงนาม",
  received: "ตรารับ", office: "หน่วยงานที่รับ", time: "เวลา", urgency: "ชั้นความเร็ว", secrecy: "ชั้นความลับ",
  letter: "หนังสือภายนอก", address: "ที่อยู่ผู้ส่ง (แต่ละบรรทัด)", refer_to: "อ้างถึง", enclosures: "สิ่งที่ส่งมาด้วย",
  closing: "คำลงท้าย", issuing_unit: "ส่วนราชการเจ้าของเรื่อง (แต่ละบรรทัด)", qr: "คิวอาร์โค้ด", url: "ที่อยู่เว็บ",
  caption: "คำบรรยาย", cover: "ปก", prepared_by: "จัดทำโดย (แต่ละบรรทัด)", announcement: "ประกาศ", issuer: "ผู้ออกประกาศ",
  preamble: "อารัมภบท", progress: "รายงานความก้าวหน้า", nacc_period: "ช่วงเวลาที่ ป.ป.ช. กำหนด",
  province_period: "ช่วงเวลาที่จังหวัดกำหนด", step: "ขั้นตอน", result: "ผลการดำเนินงาน", status: "สถานะ",
};

// The documents a package makes (DocKind names).
const DOCUMENTS = {
  memo: "บันทึกข้อความ", letter: "หนังสือภายนอก", cover: "ปก", report: "รายงานผลการวิเคราะห์",
  oit: "รายละเอียด OIT", measures: "มาตรการ", announcement: "ประกาศ", progress: "รายงานความก้าวหน้า",
};

// Fields printed as paragraphs: a string is edited in a text area, a list as paragraphs.
const PARAGRAPH_FIELDS = new Set([
  "analysis", "summary", "analysis_intro", "intro", "measure", "finding", "steps", "responsible",
  "monitoring", "timeframe", "paragraphs", "text", "body", "preamble", "result", "comment", "note",
]);

// The columns of a measures row in each table layout (README: measures.rows).
const MEASURE_COLUMNS = {
  by_indicator: ["indicator", "measure", "finding", "steps", "responsible", "timeframe"],
  by_tool: ["indicator", "measure", "steps", "responsible", "monitoring"],
};

// Figures read from the NACC system: shown, not edited.
const READ_ONLY_ROOTS = new Set(["scores", "history", "province"]);

// A new item for an empty list, by the list's field name.
const NEW_ITEMS = {
  signers: () => ({ name: "", positions: [""] }),
  body: () => ({ heading: "", paragraphs: [""] }),
  endorsements: () => ({ text: [""], signer: { name: "", positions: [""] } }),
  recommendations: () => ({ tool: "IIT", topics: [], text: [""] }),
  sections: () => ({ title: "", items: [] }),
};

// Fields with a fixed set of values: value → Thai name.
const CHOICES = {
  numerals: { thai: "เลขไทย (๑๒๓)", arabic: "เลขอารบิก (123)" },
  layout: { by_indicator: "ตาราง ๖ คอลัมน์ รายตัวชี้วัด", by_tool: "ตาราง ๔ คอลัมน์ ตามเครื่องมือ", outline: "หัวข้อและรายการ (ไม่มีตาราง)" },
  tool: { IIT: "IIT", EIT: "EIT", OIT: "OIT" },
};

// Optional fields a box can take that the package may not have yet, by the box's field name:
// offered in the box's "add a field" list.
// The parts of a package the form can start when the package has none yet, with the fields
// each needs (README's input format); check then says what is still missing.
const NEW_PARTS = {
  memo: () => ({ reference: "", date: "", subject: "", to: "", body: [{ heading: "", paragraphs: [""] }], signers: [{ name: "", positions: [""] }] }),
  letter: () => ({ reference: "", address: [""], date: "", subject: "", to: "", body: [""], signer: { name: "", positions: [""] } }),
  cover: () => ({ title: [""], prepared_by: [""] }),
  measures: () => ({ layout: "by_indicator", rows: [] }),
};

// The value a newly added field starts with, from its schema: text empty, paragraphs one
// empty paragraph, lists empty, an object with its required fields, a choice its first
// value; the measures' year the one after the package's.
function newFieldValue(key, schema, doc) {
  if (key === "fiscal_year") return (doc.fiscal_year || 0) + 1;
  return initialValue(schema);
}

function initialValue(schema) {
  if (!schema) return "";
  const branches = schema.anyOf || [];
  if (branches.some((b) => b.type === "string") && branches.some((b) => b.type === "array")) return [""]; // paragraphs
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "array") return [];
  if (type === "boolean") return false;
  if (type === "integer" || type === "number") return "";
  if (type === "object" && schema.properties) {
    return Object.fromEntries((schema.required || []).map((k) => [k, initialValue(resolveSchema(schema.properties[k]))]));
  }
  if (type === "object") return {};
  return "";
}
