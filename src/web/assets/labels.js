// What the form needs beyond the package schema (which names every field in Thai, see
// `src/schema.rs`): document names, paragraph fields, read-only parts, new parts.
"use strict";

// The page's language: English when the program runs with `--lang en` (the server writes
// it into the page's <html lang>), else Thai. Every text of the page is written in both,
// Thai first: say("ไทย", "English").
const ENGLISH = document.documentElement.lang === "en";
const say = (thai, english) => (ENGLISH ? english : thai);

// The documents a package makes, by their key: the registry's names in the page's
// language, which the server writes into the page.
const DOCUMENTS = JSON.parse(document.querySelector('meta[name="ita-documents"]').content);

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

// Figures read from the NACC system are typed like any other field (a score from 0 to 100):
// nothing is read-only.
const READ_ONLY_ROOTS = new Set([]);

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
  numerals: { thai: say("เลขไทย (๑๒๓)", "Thai digits (๑๒๓)"), arabic: say("เลขอารบิก (123)", "Arabic digits (123)") },
  layout: { by_indicator: say("ตาราง ๖ คอลัมน์ รายตัวชี้วัด", "Table of 6 columns, by indicator"), by_tool: say("ตาราง ๔ คอลัมน์ ตามเครื่องมือ", "Table of 4 columns, by tool"), outline: say("หัวข้อและรายการ (ไม่มีตาราง)", "Headings and items (no table)") },
  tool: { IIT: "IIT", EIT: "EIT", OIT: "OIT" },
  kind: {
    province: say("จังหวัด", "Province"), district_office: say("ที่ทำการปกครองอำเภอ / สำนักงานอำเภอ", "District office"), provincial_unit: say("ส่วนราชการส่วนภูมิภาค", "Regional government office"),
    municipality: say("เทศบาล", "Municipality"), sao: say("องค์การบริหารส่วนตำบล", "Subdistrict administrative organization"), school: say("โรงเรียน / สถานศึกษา", "School"), hospital: say("โรงพยาบาล", "Hospital"),
    police_station: say("สถานีตำรวจ", "Police station"), university: say("มหาวิทยาลัย / สถาบันอุดมศึกษา", "University"), public_organisation: say("องค์การมหาชน", "Public organization"),
    ministry_department: say("กรม / ส่วนราชการระดับกรม", "Department"),
  },
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

// Labels that depend on where a field is (the schema names a field once for every place).
const LABELS_AT = {
  "agency.province": say("จังหวัด", "Province"),
  "province": say("ผลการประเมินภาพรวมจังหวัด", "Province-wide results"),
  "agency.kind": say("ประเภทหน่วยงาน", "Kind of agency"),
  "agency.rank": say("ลำดับของหน่วยงาน", "Rank of the agency"),
};

// A score field: typed as a number from 0 to 100.
const SCORE_FIELDS = new Set(["score", "total", "target", "IIT", "EIT", "OIT", "min", "max"]);

// Fields the form shows otherwise than as a box to type in.
const HIDDEN_FIELDS = new Set(["draft"]);

// Thai digits, for numbers the page shows in running text.
const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
// Numbers in the page's own text: Thai digits, Arabic ones in English.
const thaiNumber = (n) => (ENGLISH ? String(n) : String(n).replace(/\d/g, (d) => THAI_DIGITS[d]));

// What each kind of message is called (the page's words, as the guide uses them).
const KINDS = {
  error: say("ข้อผิดพลาด", "Error"), contradiction: say("ข้อขัดแย้ง", "Contradiction"), warning: say("คำเตือน", "Warning"), note: say("หมายเหตุ", "Note"),
};

// Said when the program does not answer (it was closed, or the network is down).
const OFFLINE = say("ติดต่อโปรแกรมไม่ได้ โปรแกรมอาจปิดอยู่หรือเครือข่ายขัดข้อง การแก้ไขยังเก็บไว้ในเบราว์เซอร์นี้ จะลองใหม่อัตโนมัติทุก ๕ วินาที", "The program does not answer: it may be closed or the network is down. Your edits are kept in this browser; trying again every 5 seconds.");
