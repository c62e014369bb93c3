// The workspace page: the list of packages, and for one package a form generated from its
// JSON, check's messages beside the fields, the live preview, downloads and saving.
// Plain script, no build step; labels.js holds the Thai labels.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// The server's token for this page: every change sends it, so that no page elsewhere can
// make this browser change the workspace. A server started again has a new one, read from
// the page anew when a change is refused for it.
let csrfToken = document.querySelector("meta[name='ita-csrf']")?.content || "";

async function renewCsrf() {
  const response = await fetch("/", { credentials: "same-origin", cache: "no-store" });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  csrfToken = page.querySelector("meta[name='ita-csrf']")?.content || csrfToken;
}

// Sends a request with the page's token; once more with a renewed token if it was refused.
async function send(url, options) {
  const attempt = () => fetch(url, { ...options, credentials: "same-origin", headers: { ...options.headers, "X-ITA-CSRF": csrfToken } });
  let response = await attempt();
  if (response.status === 403 && options.method !== "GET") {
    const answer = await response.clone().json().catch(() => ({}));
    if (answer.reason === "csrf") {
      await renewCsrf();
      response = await attempt();
    }
  }
  return response;
}

// Calls the API; answers { status, body (parsed JSON or text), headers }.
async function api(method, url, body, headers = {}) {
  const options = { method, headers: { ...headers } };
  if (body !== undefined) {
    options.body = body;
    options.headers["Content-Type"] = "application/json";
  }
  const response = await send(url, options);
  const text = await response.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch (_) { /* not JSON: kept as text */ }
  return { status: response.status, body: parsed, headers: response.headers, text };
}

// The kinds of spreadsheet the server takes; any other file is sent as plain bytes.
const SHEET_TYPES = ["text/csv", "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.oasis.opendocument.spreadsheet"];

const packageUrl = (name) => "/api/packages/" + name.split("/").map(encodeURIComponent).join("/");
const apiUrl = (kind, name) => `/api/${kind}/` + name.split("/").map(encodeURIComponent).join("/");

// ---- JSON paths, written as the command line writes them: scores.indicators[2].score ----

function pathText(path) {
  let out = "";
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += i === 0 ? seg : "." + seg;
  });
  return out;
}

function parsePath(text) {
  const path = [];
  for (const part of text.match(/[^.[\]]+|\[\d+\]/g) || []) {
    path.push(part.startsWith("[") ? Number(part.slice(1, -1)) : part);
  }
  return path;
}

function getAt(root, path) {
  return path.reduce((node, seg) => (node === undefined || node === null ? undefined : node[seg]), root);
}

function setAt(root, path, value) {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
}

// ---- the list of packages ----

async function showList() {
  state.name = null;
  const main = $("#main");
  main.replaceChildren(el("p", { class: "muted" }, "กำลังอ่านแฟ้มในโฟลเดอร์งาน…"));
  setTitle("แฟ้มข้อมูลในโฟลเดอร์งาน");
  const answer = await api("GET", "/api/packages");
  if (answer.status !== 200) {
    main.replaceChildren(errorBox(answer));
    return;
  }
  const rows = answer.body.packages.map((p) =>
    el("tr", { dataset: { name: p.name } },
      el("td", {}, el("a", { href: "#/p/" + encodeURIComponent(p.name), class: "package-link" }, p.agency || p.name),
        el("div", { class: "file" }, p.name)),
      el("td", { class: "num" }, p.fiscal_year ? String(p.fiscal_year) : "—"),
      el("td", {}, p.documents.length ? p.documents.map((d) => el("span", { class: "chip" }, DOCUMENTS[d] || d)) : "—"),
      el("td", { class: "num" }, problemBadge(p))));
  main.replaceChildren(
    el("section", { class: "card" },
      el("h2", {}, "แฟ้มข้อมูล ITA ในโฟลเดอร์งาน"),
      el("p", { class: "muted" }, "เลือกหน่วยงานเพื่อกรอกหรือแก้ไขข้อมูล ดูตัวอย่างเอกสาร และดาวน์โหลด PDF"),
      el("table", { class: "packages", id: "packages" },
        el("thead", {}, el("tr", {}, el("th", {}, "หน่วยงาน / แฟ้ม"), el("th", {}, "ปีงบประมาณ"), el("th", {}, "เอกสารที่จัดทำ"), el("th", {}, "ปัญหาที่ตรวจพบ"))),
        el("tbody", {}, rows))),
    newPackageCard(),
    importCard());
}

// Importing a results spreadsheet, as `ita-report import` does: the province package, and
// with the box ticked one package per agency; nothing is written from a sheet with errors.
function importCard() {
  const message = el("div", { id: "import-message" });
  const form = el("form", { id: "import-sheet", class: "new-package", onsubmit: async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const file = data.get("sheet");
    if (!file || !file.name) return;
    const query = new URLSearchParams({ year: data.get("year"), per_agency: data.get("per_agency") ? "1" : "0", agency: data.get("agency") || "" });
    const type = SHEET_TYPES.includes(file.type) ? file.type : "application/octet-stream";
    const response = await send("/api/import/" + encodeURIComponent(file.name) + "?" + query, { method: "POST", body: file, headers: { "Content-Type": type } });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201) {
      message.replaceChildren(el("p", { class: "ok" }, `สร้างแล้ว ${answer.created.length} แฟ้ม`));
      setTimeout(showList, 800);
    } else {
      message.replaceChildren(el("div", { class: "error" }, answer.error || `นำเข้าไม่ได้ (${response.status})`));
    }
  } },
    el("label", {}, "ไฟล์ผลคะแนน (.xlsx .ods .csv)", el("input", { name: "sheet", type: "file", required: true, accept: ".xlsx,.xls,.ods,.csv" })),
    el("label", {}, "ปีงบประมาณที่ประเมิน (พ.ศ.)", el("input", { name: "year", type: "number", required: true, value: String(new Date().getFullYear() + 542) })),
    el("label", {}, "ชื่อแฟ้มภาพรวม (ถ้าหัวตารางไม่ระบุจังหวัด)", el("input", { name: "agency", placeholder: "เช่น จังหวัดร้อยเอ็ด" })),
    el("label", { class: "check" }, el("input", { name: "per_agency", type: "checkbox" }), "สร้างแฟ้มของแต่ละหน่วยงานด้วย"),
    el("button", { type: "submit", class: "primary" }, "นำเข้า"));
  return el("section", { class: "card" },
    el("h2", {}, "นำเข้าผลคะแนนจากตาราง"),
    el("p", { class: "muted" }, "ตารางที่มีแถวหัวตาราง เช่น ชื่อหน่วยงาน อำเภอ คะแนนรวม IIT EIT OIT ตัวชี้วัดที่ ๑–๑๐ ระดับ: ทุกช่องที่ผิดจะแจ้งพร้อมตำแหน่ง และจะไม่สร้างแฟ้มใดจนกว่าจะถูกต้องทั้งหมด"),
    form, message);
}

// Starting a package, as `ita-report init` does: the agency, the year assessed and the
// measures layout; the measures start drafted from the catalogue, marked as drafts.
function newPackageCard() {
  const thisYear = new Date().getFullYear() + 543;
  const message = el("p", { class: "muted", id: "new-message" });
  const form = el("form", { id: "new-package", class: "new-package", onsubmit: async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {
      agency: data.get("agency"), year: Number(data.get("year")), layout: data.get("layout"),
      district: data.get("district") || null, province: data.get("province") || null,
    };
    const answer = await api("POST", "/api/new", JSON.stringify(body));
    if (answer.status === 201) location.hash = "#/p/" + encodeURIComponent(answer.body.name);
    else message.replaceChildren(errorBox(answer));
  } },
    el("label", {}, "ชื่อหน่วยงาน", el("input", { name: "agency", required: true, placeholder: "เช่น องค์การบริหารส่วนตำบล…" })),
    el("label", {}, "ปีงบประมาณที่ประเมิน (พ.ศ.)", el("input", { name: "year", type: "number", required: true, value: String(thisYear - 1) })),
    el("label", {}, "อำเภอ", el("input", { name: "district" })),
    el("label", {}, "จังหวัด", el("input", { name: "province" })),
    el("label", {}, "รูปแบบตารางมาตรการ", el("select", { name: "layout" },
      el("option", { value: "by_indicator" }, "รายตัวชี้วัด (๖ ช่อง)"), el("option", { value: "by_tool" }, "ตามเครื่องมือ (๔ ช่อง)"))),
    el("button", { type: "submit", class: "primary" }, "เริ่มแฟ้มใหม่"));
  return el("section", { class: "card" },
    el("h2", {}, "เริ่มแฟ้มใหม่ของหน่วยงาน"),
    el("p", { class: "muted" }, "มาตรการทุกตัวชี้วัดจะร่างจากคลังมาตรการของแผนจริง และทำเครื่องหมายว่าเป็นร่าง จนกว่าจะแก้ไขให้เป็นของหน่วยงาน"),
    form, message);
}

function problemBadge(p) {
  if (p.refused) return el("span", { class: "badge error", title: p.refused }, "เปิดไม่ได้");
  if (p.errors) return el("span", { class: "badge error" }, `ผิดพลาด ${p.errors}`);
  if (p.problems) return el("span", { class: "badge warning" }, `${p.problems} รายการ`);
  return el("span", { class: "badge ok" }, "ไม่พบ");
}

function errorBox(answer) {
  const message = answer.body && answer.body.error ? answer.body.error : `ข้อผิดพลาด ${answer.status}: ${answer.text}`;
  return el("div", { class: "alert error", role: "alert" }, message);
}

function setTitle(text) {
  document.title = text + " — ITA Report";
}

// ---- one package ----

const state = {
  name: null, doc: null, etag: null, dirty: false, fields: new Map(), schema: null,
  timer: null, running: false, again: false, previewId: null, generation: 0,
};

async function showPackage(name) {
  state.name = name;
  state.generation += 1;
  const main = $("#main");
  main.replaceChildren(el("p", { class: "muted" }, "กำลังเปิดแฟ้ม…"));
  const answer = await api("GET", packageUrl(name));
  if (answer.status !== 200) {
    main.replaceChildren(errorBox(answer), el("p", {}, el("a", { href: "#/" }, "← กลับไปที่รายการแฟ้ม")));
    return;
  }
  if (!state.schema) {
    const schema = await api("GET", "/api/schema");
    if (schema.status === 200) state.schema = schema.body;
  }
  state.doc = answer.body;
  state.etag = answer.headers.get("ETag");
  state.dirty = false;
  state.previewId = null;
  setTitle(state.doc.agency && state.doc.agency.name ? state.doc.agency.name : name);
  main.replaceChildren(editorLayout(name));
  renderForm();
  refresh();
}

function editorLayout(name) {
  return el("div", { class: "editor" },
    el("div", { class: "toolbar" },
      el("a", { href: "#/", class: "back" }, "← รายการแฟ้ม"),
      el("div", { class: "heading" },
        el("h2", { id: "package-title" }, (state.doc.agency && state.doc.agency.name) || name),
        el("div", { class: "file" }, name)),
      el("div", { class: "actions" },
        el("button", { id: "save", type: "button", class: "primary", onclick: save }, "บันทึก"),
        el("a", { id: "download-pdf", class: "button disabled", download: "" }, "ดาวน์โหลด PDF"),
        el("a", { id: "download-archive", class: "button disabled", download: "" }, "PDF สำหรับจัดเก็บ (PDF/A)"))),
    el("div", { id: "status", class: "status", role: "status" }, "ยังไม่มีการแก้ไข"),
    el("div", { id: "conflict" }),
    el("div", { id: "problems", class: "problems" }),
    el("div", { class: "columns" },
      el("form", { id: "form", class: "form", onsubmit: (e) => e.preventDefault() }),
      el("aside", { class: "preview-pane" },
        el("div", { class: "preview-head" }, el("strong", {}, "ตัวอย่างเอกสาร"), el("span", { id: "preview-state", class: "muted" }, "")),
        el("div", { id: "preview", dataset: { state: "busy" } }))));
}

function renderForm() {
  const form = $("#form");
  const scroll = window.scrollY;
  state.fields = new Map();
  form.replaceChildren(...topLevel());
  window.scrollTo(0, scroll);
  if (state.lastCheck) showDiagnostics(state.lastCheck);
  requestAnimationFrame(() => form.querySelectorAll("textarea").forEach(fit));
}

// A text area as tall as its text, so nothing typed is hidden.
function fit(area) {
  area.style.height = "auto";
  area.style.height = area.scrollHeight + 2 + "px";
}

// The top level: plain values (year, digits, font…) together first, then each part.
function topLevel() {
  const keys = Object.keys(state.doc);
  const plain = keys.filter((k) => !isPart(state.doc[k]));
  const general = el("fieldset", { class: "object" }, el("legend", {}, "ข้อมูลทั่วไป"),
    el("div", { class: "fields" }, plain.map((k) => renderField([k], state.doc[k]))));
  const parts = keys.filter((k) => isPart(state.doc[k])).map((k) => renderField([k], state.doc[k]));
  const missing = Object.keys(NEW_PARTS).filter((k) => !(k in state.doc));
  const start = missing.length
    ? el("div", { class: "new-parts" }, el("span", { class: "muted" }, "เริ่มส่วนใหม่: "),
      missing.map((k) => el("button", { type: "button", class: "add", dataset: { part: k }, onclick: () => {
        state.doc[k] = NEW_PARTS[k]();
        changed(true);
      } }, "+ " + label(k))))
    : null;
  return [general, ...parts, start].filter(Boolean);
}

function isPart(value) {
  return value !== null && typeof value === "object" && !(Array.isArray(value) && value.every((v) => typeof v !== "object"));
}

function label(key) {
  return schemaLabel(key) || key;
}

// A field's Thai name: its `title` in the package schema (`src/schema.rs`, THAI).
function schemaLabel(key) {
  if (!state.schema) return null;
  for (const definition of [state.schema, ...Object.values(state.schema.definitions || {})]) {
    const property = definition.properties && definition.properties[key];
    if (property && property.title) return property.title;
  }
  return null;
}

function readOnly(path, value) {
  return READ_ONLY_ROOTS.has(path[0]) && typeof value === "number";
}

// One field of the form for the value at `path`, by the value's type.
function renderField(path, value, hint = {}) {
  const key = hint.key || [...path].reverse().find((seg) => typeof seg === "string");
  let node;
  if (Array.isArray(value)) node = renderList(path, value, key);
  else if (value !== null && typeof value === "object") node = renderObject(path, value, key);
  else node = renderScalar(path, value, key, hint);
  node.dataset.path = pathText(path);
  state.fields.set(pathText(path), node);
  return node;
}

function title(path, key) {
  const last = path[path.length - 1];
  return typeof last === "number" ? `${label(key)} ${last + 1}` : label(key);
}

function renderObject(path, value, key) {
  const keys = objectKeys(path, value);
  const isRow = path.length === 3 && path[0] === "measures" && path[1] === "rows";
  const box = el("fieldset", { class: isRow ? "object row" : "object" },
    el("legend", {}, title(path, key)), el("div", { class: "diag" }));
  if (path.length === 1 && path[0] === "scores") box.append(generatedBox());
  const body = el("div", { class: isRow ? "row-grid" : "fields" });
  for (const k of keys) {
    const present = Object.prototype.hasOwnProperty.call(value, k);
    body.append(renderField([...path, k], present ? value[k] : "", { key: k, optional: !present }));
  }
  box.append(body);
  // Every field the model allows here and the object lacks, from the package's schema.
  const schema = schemaAt(path);
  const properties = (schema && schema.properties) || {};
  const addable = Object.keys(properties).filter((k) => !Object.prototype.hasOwnProperty.call(value, k) && !keys.includes(k));
  if (addable.length) {
    box.append(el("select", { class: "add-field", "aria-label": "เพิ่มช่อง", onchange: (e) => {
      const k = e.target.value;
      getAt(state.doc, path)[k] = newFieldValue(k, resolveSchema(properties[k]), state.doc);
      changed(true);
    } }, el("option", { value: "" }, "+ เพิ่มช่อง…"), addable.map((k) => el("option", { value: k }, label(k)))));
  }
  return box;
}

// ---- the package's JSON Schema (GET /api/schema), to know what an object may hold ----

// A schema with references, single `allOf` wrappers and "or null" alternatives followed.
function resolveSchema(schema) {
  let s = schema;
  for (let depth = 0; s && depth < 16; depth += 1) {
    if (s.$ref) s = state.schema.definitions[s.$ref.replace("#/definitions/", "")];
    else if (s.allOf && s.allOf.length === 1 && !s.properties) s = s.allOf[0];
    else if (s.anyOf && s.anyOf.length === 2 && s.anyOf.some((b) => b.type === "null")) s = s.anyOf.find((b) => b.type !== "null");
    else break;
  }
  return s;
}

// The schema of the value at `path`, or null where the schema says nothing.
function schemaAt(path) {
  if (!state.schema) return null;
  let s = resolveSchema(state.schema);
  for (const seg of path) {
    if (!s) return null;
    if (typeof seg === "number") s = resolveSchema(s.items);
    else s = resolveSchema((s.properties && s.properties[seg]) || (typeof s.additionalProperties === "object" ? s.additionalProperties : null));
  }
  return s || null;
}

// The keys of an object in the order shown: a measures row in its layout's columns (also
// those it lacks yet), any other object as it stands.
function objectKeys(path, value) {
  const layout = state.doc.measures && state.doc.measures.layout;
  if (path.length === 3 && path[0] === "measures" && path[1] === "rows" && MEASURE_COLUMNS[layout]) {
    const columns = MEASURE_COLUMNS[layout];
    return [...columns, ...Object.keys(value).filter((k) => !columns.includes(k))];
  }
  return Object.keys(value);
}

function renderList(path, items, key) {
  const box = el("div", { class: "list" },
    el("div", { class: "list-label" }, title(path, key), el("span", { class: "muted" }, ` (${items.length})`)),
    el("div", { class: "diag" }));
  const fixed = READ_ONLY_ROOTS.has(path[0]) && items.length && typeof items[0] === "object" && !isParagraphs(key);
  items.forEach((item, i) => {
    const scalar = item === null || typeof item !== "object";
    const entry = el("div", { class: scalar ? "item scalar" : "item" }, renderField([...path, i], item, { key, compact: scalar }));
    if (!fixed) entry.append(itemTools(path, i, items.length));
    box.append(entry);
  });
  if (!fixed) {
    box.append(el("button", { type: "button", class: "add", onclick: () => addItem(path, items, key) }, "+ เพิ่ม" + label(key)));
  }
  return box;
}

function itemTools(path, index, count) {
  const move = (to) => () => {
    const list = getAt(state.doc, path);
    const [item] = list.splice(index, 1);
    list.splice(to, 0, item);
    changed(true);
  };
  return el("div", { class: "item-tools" },
    el("button", { type: "button", title: "เลื่อนขึ้น", "aria-label": "เลื่อนขึ้น", disabled: index === 0, onclick: move(index - 1) }, "↑"),
    el("button", { type: "button", title: "เลื่อนลง", "aria-label": "เลื่อนลง", disabled: index === count - 1, onclick: move(index + 1) }, "↓"),
    el("button", { type: "button", title: "ลบรายการนี้", "aria-label": "ลบ", class: "remove", onclick: () => {
      if (!confirm("ลบรายการนี้?")) return;
      getAt(state.doc, path).splice(index, 1);
      changed(true);
    } }, "✕"));
}

// A new item for a list: like its last item with the text emptied, else by the field name.
function addItem(path, items, key) {
  let item;
  if (items.length) item = blank(items[items.length - 1]);
  else if (key === "rows" && path[0] === "measures") item = newRow();
  else if (NEW_ITEMS[key]) item = NEW_ITEMS[key]();
  else item = "";
  getAt(state.doc, path).push(item);
  changed(true);
}

function newRow() {
  const columns = MEASURE_COLUMNS[state.doc.measures.layout] || ["indicator", "measure"];
  return Object.fromEntries(columns.map((c) => [c, c === "indicator" ? 1 : ""]));
}

function blank(value) {
  if (Array.isArray(value)) return value.length && typeof value[0] === "string" ? [""] : [];
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blank(v)]));
  if (typeof value === "string") return "";
  return value;
}

function isParagraphs(key) {
  return PARAGRAPH_FIELDS.has(key);
}

function renderScalar(path, value, key, hint) {
  const id = "f-" + pathText(path).replace(/[^A-Za-z0-9_-]/g, "_");
  const box = el("div", { class: "field" });
  const name = title(path, key);
  let input;
  if (typeof value === "boolean") {
    input = el("input", { id, type: "checkbox", checked: value, onchange: (e) => update(path, e.target.checked) });
  } else if (typeof value === "number" || value === null) {
    input = el("input", { id, type: "number", step: "any", value: value === null ? "" : String(value), readonly: readOnly(path, value),
      oninput: (e) => update(path, e.target.value === "" ? null : Number(e.target.value)) });
  } else if (CHOICES[key] && (value in CHOICES[key])) {
    input = el("select", { id, onchange: (e) => update(path, e.target.value) },
      Object.entries(CHOICES[key]).map(([v, text]) => el("option", { value: v, selected: v === value }, text)));
  } else {
    const long = isParagraphs(key) || value.length > 70 || value.includes("\n");
    const onInput = (e) => {
      if (e.target.tagName === "TEXTAREA") fit(e.target);
      update(path, e.target.value, hint.optional);
    };
    input = long
      ? el("textarea", { id, rows: 2, oninput: onInput })
      : el("input", { id, type: "text", value, oninput: onInput });
    if (long) input.value = value;
  }
  if (key === "date" && typeof value === "string") {
    const shown = el("div", { class: "date-shown muted" }, thaiDate(value));
    input.setAttribute("placeholder", "ปปปป-ดด-วว เช่น 2567-06-26");
    input.addEventListener("input", (e) => { shown.textContent = thaiDate(e.target.value); });
    box.append(el("label", { for: id }, name), input, shown, el("div", { class: "diag" }));
    return box;
  }
  box.append(el("label", { for: id, class: hint.compact ? "compact" : null }, hint.compact ? `${path[path.length - 1] + 1}.` : name), input, el("div", { class: "diag" }));
  if (readOnly(path, value)) box.classList.add("readonly");
  return box;
}

const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
  "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];

// A date as the documents print it ("๒๖ มิถุนายน ๒๕๖๗"): YYYY-MM-DD, a year of 2400 or more
// read as Buddhist era (README: input format); in the package's digits.
function thaiDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return text.trim() ? "รูปแบบวันที่: ปปปป-ดด-วว" : "";
  const year = Number(m[1]) >= 2400 ? Number(m[1]) : Number(m[1]) + 543;
  const words = `พิมพ์เป็น: ${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${year}`;
  return state.doc.numerals === "arabic" ? words : words.replace(/\d/g, (d) => "๐๑๒๓๔๕๖๗๘๙"[d]);
}

// A value typed into a field. A column the row did not have is added when typed into and
// removed again when emptied.
function update(path, value, optional) {
  setAt(state.doc, path, optional && value === "" ? undefined : value);
  changed(false);
}

function changed(structural) {
  state.dirty = true;
  setStatus("มีการแก้ไขที่ยังไม่ได้บันทึก", "dirty");
  if (structural) renderForm();
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, 300);
}

function setStatus(text, kind) {
  const status = $("#status");
  if (!status) return;
  status.textContent = text;
  status.className = "status " + (kind || "");
}

// ---- check and preview, after each pause in typing ----

async function refresh() {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  const generation = state.generation;
  const text = JSON.stringify(state.doc);
  try {
    const [checked, preview] = await Promise.all([
      api("POST", apiUrl("check", state.name), text),
      requestPreview(text),
    ]);
    if (generation !== state.generation) return;
    if (checked.status === 200) {
      state.lastCheck = checked.body;
      showDiagnostics(checked.body);
      showGenerated(checked.body.generated);
    }
    showPreview(preview);
  } finally {
    state.running = false;
    if (state.again && generation === state.generation) {
      state.again = false;
      refresh();
    }
  }
}

async function requestPreview(text) {
  const pane = $("#preview");
  const note = $("#preview-state");
  if (pane) pane.dataset.state = "busy";
  if (note) note.textContent = "กำลังจัดหน้า…";
  // The server builds a few documents at once and asks the rest to wait (503).
  for (let tries = 0; ; tries++) {
    const answer = await api("POST", apiUrl("preview", state.name), text);
    if (answer.status !== 503 || tries >= 10) return answer;
    const seconds = Number(answer.headers.get("Retry-After")) || 2;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

function showPreview(answer) {
  const pane = $("#preview");
  if (!pane) return;
  const note = $("#preview-state");
  if (answer.status !== 200) {
    pane.dataset.state = "error";
    note.textContent = answer.body && answer.body.error ? answer.body.error : `ข้อผิดพลาด ${answer.status}`;
    for (const link of ["#download-pdf", "#download-archive"]) $(link).classList.add("disabled");
    return;
  }
  const { id, pages } = answer.body;
  state.previewId = id;
  note.textContent = `${pages} หน้า`;
  setDownload("#download-pdf", `/api/render/${id}/pdf`);
  setDownload("#download-archive", `/api/render/${id}/archive`);
  const images = [...pane.querySelectorAll("img.page")];
  for (let n = 1; n <= pages; n++) {
    const src = `/api/render/${id}/page/${n}`;
    let img = images[n - 1];
    if (!img) {
      img = el("img", { class: "page", alt: `หน้า ${n}`, loading: "lazy", dataset: { page: String(n) } });
      pane.append(img);
      img.src = src;
    } else if (img.getAttribute("src") !== src) {
      swapImage(img, src);
    }
  }
  images.slice(pages).forEach((img) => img.remove());
  pane.dataset.id = id;
  pane.dataset.pages = String(pages);
  pane.dataset.state = "ready";
}

// Shows a page's new image once it has loaded, so the preview does not flash blank.
function swapImage(img, src) {
  const rect = img.getBoundingClientRect();
  const visible = rect.bottom > -500 && rect.top < window.innerHeight + 500;
  if (!visible) {
    img.src = src;
    return;
  }
  const next = new Image();
  next.onload = () => { if (img.isConnected) img.src = src; };
  next.src = src;
}

function setDownload(selector, href) {
  const link = $(selector);
  link.href = href;
  link.classList.remove("disabled");
}

// Shows each diagnostic beside the field its JSON path names (or the nearest field that
// holds it), with the command line's words, and all of them in the list at the top.
function showDiagnostics(checked) {
  document.querySelectorAll(".diag").forEach((d) => d.replaceChildren());
  document.querySelectorAll(".has-error, .has-warning, .has-note").forEach((n) => n.classList.remove("has-error", "has-warning", "has-note"));
  const list = [];
  for (const d of checked.diagnostics) {
    const field = d.path ? nearestField(d.path) : null;
    if (field) {
      const place = field.querySelector(":scope > .diag");
      place.append(diagnosticNode(d));
      field.classList.add("has-" + d.severity);
    }
    list.push(el("li", { class: d.severity },
      el("span", { class: "sev" }, SEVERITY[d.severity]),
      d.path ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); focusField(field); } }, d.path) : null,
      " ", d.message));
  }
  const problems = $("#problems");
  if (!problems) return;
  const count = checked.problems;
  problems.replaceChildren(count || checked.diagnostics.length
    ? el("details", { open: checked.diagnostics.length <= 6 },
      el("summary", {}, count ? `ตรวจพบปัญหา ${count} รายการ` : "ข้อสังเกต", el("span", { class: "muted" }, " (ข้อความเดียวกับคำสั่ง ita-report check)")),
      el("ul", {}, list))
    : el("div", { class: "ok-line" }, "✓ ไม่พบปัญหาในข้อมูล"));
}

const SEVERITY = { error: "ข้อผิดพลาด", warning: "ข้อขัดแย้ง", note: "หมายเหตุ" };

// The command line's message and notes; the field stands for its file, line and JSON path
// (the line:column of the page's own text would point nowhere in the file). The whole
// command-line line is the tooltip.
function diagnosticNode(d) {
  return el("div", { class: "message " + d.severity, title: d.text },
    el("strong", {}, SEVERITY[d.severity] + ": "), el("span", {}, d.message),
    ...d.notes.map((n) => el("div", { class: "note" }, n)));
}

function nearestField(text) {
  const path = parsePath(text);
  while (path.length) {
    const found = state.fields.get(pathText(path));
    if (found) return found;
    path.pop();
  }
  return null;
}

function focusField(field) {
  if (!field) return;
  field.scrollIntoView({ behavior: "smooth", block: "center" });
  const input = field.querySelector("input, textarea");
  if (input) input.focus({ preventScroll: true });
}

// The analysis as it will print (given or written by the program), under the scores.
function generatedBox() {
  return el("div", { id: "generated", class: "generated" });
}

function showGenerated(generated) {
  const box = $("#generated");
  if (!box) return;
  if (!generated) {
    box.replaceChildren();
    return;
  }
  const paragraphs = (list) => list.map((p) => el("p", {}, p));
  box.replaceChildren(
    el("h3", {}, "บทวิเคราะห์ตามที่จะพิมพ์ (โปรแกรมเขียนจากคะแนน)"),
    el("h4", {}, "ภาพรวม"), ...paragraphs(generated.overall),
    ...generated.tools.flatMap((t) => [el("h4", {}, t.title || t.tool), ...paragraphs(t.paragraphs)]));
}

// ---- saving ----

async function save() {
  clearTimeout(state.timer);
  const button = $("#save");
  button.disabled = true;
  setStatus("กำลังบันทึก…", "busy");
  const text = JSON.stringify(state.doc, null, 2);
  try {
    const answer = await api("PUT", packageUrl(state.name), text, { "If-Match": state.etag || "" });
    if (answer.status === 200) {
      state.etag = answer.body.etag;
      state.dirty = false;
      $("#conflict").replaceChildren();
      setStatus("บันทึกแล้ว " + new Date().toLocaleTimeString("th-TH"), "saved");
      state.lastCheck = answer.body.check;
      showDiagnostics(answer.body.check);
    } else if (answer.status === 412) {
      showConflict(answer, text);
    } else {
      setStatus("บันทึกไม่สำเร็จ", "error");
      $("#conflict").replaceChildren(errorBox(answer));
    }
  } catch (e) {
    setStatus("บันทึกไม่สำเร็จ: ติดต่อโปรแกรมไม่ได้ (" + e.message + ")", "error");
  } finally {
    button.disabled = false;
  }
}

// Another browser saved first: nothing was written; the edits stay in this page, and can be
// kept as a file or compared with the newer version in another tab.
function showConflict(answer, text) {
  setStatus("ยังไม่ได้บันทึก: มีผู้อื่นบันทึกแฟ้มนี้ก่อน", "error");
  const copy = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  $("#conflict").replaceChildren(el("div", { class: "alert error", role: "alert", id: "conflict-message" },
    el("p", {}, answer.body.error),
    el("p", {},
      el("a", { href: "#/p/" + encodeURIComponent(state.name), target: "_blank", class: "button" }, "เปิดฉบับล่าสุดในแท็บใหม่"), " ",
      el("a", { href: copy, download: state.name.split("/").pop().replace(/\.json$/, "") + "-ฉบับแก้ไขของฉัน.json", class: "button" }, "ดาวน์โหลดสำเนาการแก้ไขของฉัน"))));
}

// ---- routing ----

function route() {
  const hash = location.hash;
  if (hash.startsWith("#/p/")) showPackage(decodeURIComponent(hash.slice(4)));
  else showList();
}

window.addEventListener("hashchange", () => {
  if (state.dirty && state.name && !confirm("มีการแก้ไขที่ยังไม่ได้บันทึก ออกจากหน้านี้หรือไม่?")) {
    // Stay, with the address of the package again (replacing it fires no hashchange).
    history.replaceState(null, "", "#/p/" + encodeURIComponent(state.name));
    return;
  }
  state.dirty = false;
  route();
});
window.addEventListener("beforeunload", (e) => {
  if (state.dirty) e.preventDefault();
});
route();
