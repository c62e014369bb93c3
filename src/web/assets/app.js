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
// Served by `ita-report hub`: packages come from the province's import and move through its
// review, so the workspace's file tools (new, import, rename, copy, delete, recycle) are not shown.
const IN_HUB = !!document.querySelector("meta[name='ita-hub']");

async function renewCsrf() {
  const response = await fetch("/", { credentials: "same-origin", cache: "no-store" });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  csrfToken = page.querySelector("meta[name='ita-csrf']")?.content || csrfToken;
}

// This tab's name for the server, so that the previews it asked for are kept for it and
// no other tab's edits push them out; kept over a reload of the tab.
const sessionName = (() => {
  const made = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  try {
    let name = sessionStorage.getItem("ita-session");
    if (!name) {
      name = made();
      sessionStorage.setItem("ita-session", name);
    }
    return name;
  } catch (_) {
    return made();
  }
})();

// Sends a request with the page's token; once more with a renewed token if it was refused.
async function send(url, options) {
  const attempt = () => fetch(url, { ...options, credentials: "same-origin", headers: { ...options.headers, "X-ITA-CSRF": csrfToken, "X-ITA-Session": sessionName } });
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

// Calls the API; answers { status, body (parsed JSON or text), headers }. When the program
// does not answer, status 0 and the page's own words (never the browser's "Failed to fetch").
async function api(method, url, body, headers = {}) {
  const options = { method, headers: { ...headers } };
  if (body !== undefined) {
    options.body = body;
    options.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await send(url, options);
  } catch (_) {
    offline(true);
    return { status: 0, body: { error: OFFLINE }, headers: new Headers(), text: "" };
  }
  offline(false);
  const text = await response.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch (_) { /* not JSON: kept as text */ }
  return { status: response.status, body: parsed, headers: response.headers, text };
}

// The banner that says the program does not answer; gone at the next answer.
function offline(down) {
  let banner = document.getElementById("offline");
  if (!down) {
    if (banner) banner.remove();
    return;
  }
  if (!banner) {
    banner = el("div", { id: "offline", class: "alert error", role: "alert" }, OFFLINE);
    document.body.prepend(banner);
  }
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
  main.replaceChildren(el("p", { class: "muted" }, say("กำลังอ่านแฟ้มในโฟลเดอร์งาน…", "Reading the files of the workspace…")));
  setTitle(say("แฟ้มข้อมูลในโฟลเดอร์งาน", "Package files in the workspace"));
  const answer = await api("GET", "/api/packages");
  if (answer.status !== 200) {
    main.replaceChildren(errorBox(answer), el("button", { type: "button", onclick: showList }, say("ลองอีกครั้ง", "Try again")));
    if (answer.status === 0) setTimeout(() => { if (!state.name) showList(); }, 5000);
    return;
  }
  const packages = answer.body.packages;
  const rows = packages.map(packageRow);
  const table = el("table", { class: "packages", id: "packages" },
    el("thead", {}, el("tr", {}, el("th", {}, say("หน่วยงาน / แฟ้ม", "Agency / file")), el("th", {}, say("อำเภอ", "District")), el("th", {}, say("ปีงบประมาณ", "Fiscal year")),
      el("th", {}, say("เอกสารที่จัดทำ", "Documents")), el("th", {}, say("สถานะ", "Status")), el("th", {}, say("จัดการแฟ้ม", "File")))),
    el("tbody", {}, rows));
  main.replaceChildren(
    el("section", { class: "card" },
      el("h2", {}, say("แฟ้มข้อมูล ITA ในโฟลเดอร์งาน", "ITA package files in the workspace")),
      el("p", { class: "muted" }, say("เลือกหน่วยงานเพื่อกรอกหรือแก้ไขข้อมูล ดูตัวอย่างเอกสาร และดาวน์โหลด PDF", "Choose an agency to fill in or edit its data, preview its documents and download the PDF.")),
      filters(packages, rows), table),
    ...(IN_HUB ? [] : [startCard(), importCard(), newPackageCard(), recycleCard()]));
}

function packageRow(p) {
  const file = p.name;
  return el("tr", { dataset: { name: file, agency: p.agency || "", district: p.district || "", year: p.fiscal_year ? String(p.fiscal_year) : "", status: status(p) } },
    el("td", {}, el("a", { href: "#/p/" + encodeURIComponent(file), class: "package-link" }, p.agency || file),
      el("div", { class: "file" }, file)),
    el("td", {}, p.district || "—"),
    el("td", { class: "num" }, p.fiscal_year ? String(p.fiscal_year) : "—"),
    el("td", {}, p.documents.length ? p.documents.map((d) => el("span", { class: "chip" }, DOCUMENTS[d] || d)) : "—"),
    el("td", { class: "num" }, problemBadge(p)),
    IN_HUB ? el("td", { class: "manage" }, el("a", { href: "/packages/" + p.id, class: "hub-package" }, say("ส่งและประวัติ", "Submissions and history"))) : el("td", { class: "manage" },
      el("button", { type: "button", class: "rename", onclick: () => renamePackage(p) }, say("เปลี่ยนชื่อ", "Rename")),
      el("button", { type: "button", class: "duplicate", onclick: () => duplicatePackage(p) }, say("ทำสำเนา", "Duplicate")),
      el("button", { type: "button", class: "delete", onclick: () => deletePackage(p) }, say("ลบ", "Delete"))));
}

// A package's state in one word, for the filter.
function status(p) {
  if (p.refused || p.errors) return "error";
  if (p.drafts) return "draft";
  if (p.problems) return "warning";
  return "ok";
}

// Search by agency or file, and filters by district, year and state: rows not matching are
// hidden, nothing is asked of the program.
function filters(packages, rows) {
  const distinct = (key) => [...new Set(packages.map((p) => p[key]).filter(Boolean))].sort();
  const search = el("input", { id: "list-search", type: "search", placeholder: say("ค้นหาชื่อหน่วยงานหรือชื่อแฟ้ม", "Search by agency or file name"), "aria-label": say("ค้นหาหน่วยงาน", "Search agencies") });
  const district = el("select", { id: "list-district", "aria-label": say("อำเภอ", "District") }, el("option", { value: "" }, say("ทุกอำเภอ", "All districts")),
    distinct("district").map((d) => el("option", { value: d }, d)));
  const year = el("select", { id: "list-year", "aria-label": say("ปีงบประมาณ", "Fiscal year") }, el("option", { value: "" }, say("ทุกปี", "All years")),
    distinct("fiscal_year").map((y) => el("option", { value: String(y) }, String(y))));
  const chosen = el("select", { id: "list-status", "aria-label": say("สถานะ", "Status") }, el("option", { value: "" }, say("ทุกสถานะ", "All statuses")),
    Object.entries(STATUS_NAMES).map(([v, t]) => el("option", { value: v }, t)));
  const count = el("span", { class: "muted", id: "list-count" });
  const apply = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const d = row.dataset;
      const text = (d.agency + " " + d.name + " " + d.district).toLowerCase();
      const ok = words.every((w) => text.includes(w)) && (!district.value || d.district === district.value)
        && (!year.value || d.year === year.value) && (!chosen.value || d.status === chosen.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = say(`แสดง ${thaiNumber(shown)} จาก ${thaiNumber(rows.length)} แฟ้ม`, `Showing ${thaiNumber(shown)} of ${thaiNumber(rows.length)} files`);
  };
  for (const input of [search, district, year, chosen]) input.addEventListener("input", apply);
  apply();
  return el("div", { class: "filters" }, search, district, year, chosen, count);
}

const STATUS_NAMES = { ok: say("ข้อมูลครบถ้วน", "Complete"), warning: say("มีข้อควรตรวจ", "Has findings to review"), draft: say("ยังมีแถวที่เป็นร่าง", "Has draft rows"), error: say("มีข้อผิดพลาด", "Has errors") };

function stemOf(name) {
  return name.split("/").pop().replace(/\.json$/, "");
}

async function renamePackage(p) {
  const to = prompt(say("ชื่อแฟ้มใหม่ (ไม่ต้องพิมพ์ .json)", "New file name (without .json)"), stemOf(p.name));
  if (!to || to.trim() === stemOf(p.name)) return;
  const folder = p.name.includes("/") ? p.name.slice(0, p.name.lastIndexOf("/") + 1) : "";
  const answer = await api("POST", "/api/rename", JSON.stringify({ from: p.name, to: folder + to.trim() }));
  if (answer.status === 200) showList();
  else alert(answerError(answer));
}

// A copy, as the start of another year's package: the year asked, the name following it.
async function duplicatePackage(p) {
  const next = p.fiscal_year ? p.fiscal_year + 1 : null;
  const year = prompt(say("ปีงบประมาณของสำเนา (พ.ศ.)", "Fiscal year of the copy (Buddhist era)"), next ? String(next) : "");
  if (year === null) return;
  const y = Number(toArabic(year.trim()));
  const stem = stemOf(p.name);
  const base = /^\d{4}-/.test(stem) && y ? `${y}-${stem.slice(5)}` : say(`${stem}-สำเนา`, `${stem}-copy`);
  const to = prompt(say("ชื่อแฟ้มของสำเนา", "File name of the copy"), base === stem ? say(`${stem}-สำเนา`, `${stem}-copy`) : base);
  if (!to) return;
  const folder = p.name.includes("/") ? p.name.slice(0, p.name.lastIndexOf("/") + 1) : "";
  const body = { from: p.name, to: folder + to.trim() };
  if (y) body.year = y;
  const answer = await api("POST", "/api/duplicate", JSON.stringify(body));
  if (answer.status === 201) showList();
  else alert(answerError(answer));
}

async function deletePackage(p) {
  if (!confirm(say(`ย้ายแฟ้ม "${p.agency || p.name}" ไปถังขยะ? (นำกลับได้จากถังขยะท้ายหน้านี้)`, `Move "${p.agency || p.name}" to the recycle folder? (It can be restored from the recycle folder at the end of this page.)`))) return;
  // An empty JSON body: every change the page sends is JSON (the server refuses other kinds).
  const answer = await api("DELETE", packageUrl(p.name), "{}");
  if (answer.status === 200) showList();
  else alert(answerError(answer));
}

// The recycle folder: deleted files and the files an import replaced, each restorable.
function recycleCard() {
  const list = el("ul", { id: "recycle", class: "recycle" });
  const card = el("section", { class: "card", id: "recycle-card" },
    el("h2", {}, say("ถังขยะ", "Recycle folder")),
    el("p", { class: "muted" }, say("แฟ้มที่ลบ และแฟ้มเดิมที่ถูกแทนที่เมื่อนำเข้าตาราง เก็บไว้ที่นี่พร้อมวันเวลา กด \"นำกลับ\" เพื่อคืนแฟ้มไปที่เดิม", "Deleted files, and files replaced by an import, are kept here with their date and time. Press \"Restore\" to put a file back.")),
    list);
  api("GET", "/api/recycle").then((answer) => {
    if (answer.status !== 200) return;
    const items = answer.body.recycled;
    list.replaceChildren(...(items.length ? items.map((r) => el("li", { dataset: { entry: r.entry, original: r.original } },
      el("span", {}, r.original), " ", el("span", { class: "muted" }, say(`(ย้ายมาเมื่อ ${r.when} น. เวลาสากล)`, `(moved here at ${r.when} UTC)`)), " ",
      el("button", { type: "button", class: "restore", onclick: async () => {
        const done = await api("POST", "/api/restore", JSON.stringify({ entry: r.entry }));
        if (done.status === 200) showList();
        else alert(answerError(done));
      } }, say("นำกลับ", "Restore")))) : [el("li", { class: "muted" }, say("ถังขยะว่าง", "The recycle folder is empty"))]));
  });
  return card;
}

function answerError(answer) {
  return answer.body && answer.body.error ? answer.body.error : say(`ทำไม่สำเร็จ (รหัส ${answer.status})`, `Failed (status ${answer.status})`);
}

function toArabic(text) {
  return String(text).replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d)));
}

// Starting an agency's package from what the province sent: an agency of any results sheet
// in the workspace, its scores and a drafted measures row for each indicator (as
// `ita-report init --scores` does).
function startCard() {
  const thisYear = new Date().getFullYear() + 543;
  const message = el("div", { id: "start-message" });
  const results = el("ul", { id: "start-agencies", class: "agencies" });
  const search = el("input", { id: "start-search", type: "search", placeholder: say("พิมพ์ชื่อหน่วยงานหรืออำเภอ", "Type an agency or district name"), "aria-label": say("ค้นหาหน่วยงานในตารางผลคะแนน", "Search the agencies of the results sheets") });
  const year = el("input", { id: "start-year", type: "number", value: String(thisYear - 1), "aria-label": say("ปีงบประมาณที่ประเมิน", "Fiscal year assessed") });
  const layout = el("select", { id: "start-layout", "aria-label": say("รูปแบบตารางมาตรการ", "Measures table layout") },
    el("option", { value: "by_indicator" }, say("ตารางมาตรการรายตัวชี้วัด (๖ ช่อง)", "Measures by indicator (6 columns)")), el("option", { value: "by_tool" }, say("ตารางมาตรการตามเครื่องมือ (๔ ช่อง)", "Measures by tool (4 columns)")));
  let agencies = [];
  const show = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const found = agencies.filter((a) => words.every((w) => (a.name + " " + (a.district || "")).toLowerCase().includes(w)));
    results.replaceChildren(...found.slice(0, 12).map((a) => el("li", {},
      el("button", { type: "button", class: "agency", dataset: { name: a.name, district: a.district || "" }, onclick: () => start(a) },
        el("strong", {}, a.name), a.district ? say(` อำเภอ${a.district}`, ` district ${a.district}`) : "",
        a.total !== null && a.total !== undefined ? el("span", { class: "muted" }, say(` คะแนนรวม ${a.total}`, ` total ${a.total}`)) : "",
        el("span", { class: "muted" }, say(` (ปี ${a.year})`, ` (year ${a.year})`))))));
    if (found.length > 12) results.append(el("li", { class: "muted" }, say(`และอีก ${thaiNumber(found.length - 12)} หน่วยงาน พิมพ์เพิ่มเพื่อค้นหาให้แคบลง`, `and ${thaiNumber(found.length - 12)} more agencies: type more to narrow the search`)));
    if (!agencies.length) results.replaceChildren(el("li", { class: "muted" }, say("ยังไม่มีตารางผลคะแนนในโฟลเดอร์งาน: นำเข้าตารางจากส่วน \"นำเข้าผลคะแนนจากตาราง\" ก่อน", "There is no results sheet in the workspace yet: import one under \"Import scores from a sheet\" first.")));
  };
  const load = async () => {
    const answer = await api("GET", "/api/sheets?year=" + encodeURIComponent(toArabic(year.value)));
    if (answer.status !== 200) {
      message.replaceChildren(errorBox(answer));
      return;
    }
    agencies = answer.body.sheets.flatMap((s) => s.agencies.map((a) => ({ ...a, sheet: s.sheet, year: s.year })));
    const failed = answer.body.sheets.filter((s) => s.error);
    message.replaceChildren(...failed.map((s) => el("p", { class: "muted" }, say(`อ่านตาราง "${s.sheet}" ไม่ได้: ${s.error}`, `Cannot read the sheet "${s.sheet}": ${s.error}`))));
    show();
  };
  const start = async (a) => {
    const body = { agency: a.name, year: a.year, district: a.district || null, sheet: a.sheet, layout: layout.value };
    const answer = await api("POST", "/api/new", JSON.stringify(body));
    if (answer.status === 201) location.hash = "#/p/" + encodeURIComponent(answer.body.name);
    else message.replaceChildren(errorBox(answer));
  };
  search.addEventListener("input", show);
  year.addEventListener("change", load);
  load();
  return el("section", { class: "card", id: "start-card" },
    el("h2", {}, say("เริ่มแฟ้มของหน่วยงาน", "Start an agency's package")),
    el("p", { class: "muted" }, say("เลือกหน่วยงานจากตารางผลคะแนนที่นำเข้าไว้ โปรแกรมสร้างแฟ้มพร้อมคะแนนของหน่วยงาน และร่างมาตรการของทุกตัวชี้วัดจากคลังมาตรการ", "Choose an agency from an imported results sheet: the program makes its package with its scores and drafts the measures of every indicator from the measures catalogue.")),
    el("div", { class: "filters" }, search, el("label", { class: "inline" }, say("ปีงบประมาณ ", "Fiscal year "), year), layout),
    results, message);
}

// Importing a results spreadsheet, as `ita-report import` does: the province package, and
// with the box ticked one package per agency; nothing is written from a sheet with errors.
// When some of its files exist, the clerk chooses: add only the missing, or replace (the old
// files go to the recycle folder with their date).
function importCard() {
  const message = el("div", { id: "import-message" });
  const send_ = async (mode) => {
    const data = new FormData(form);
    const file = data.get("sheet");
    if (!file || !file.name) return;
    const query = new URLSearchParams({ year: toArabic(data.get("year")), per_agency: data.get("per_agency") ? "1" : "0", agency: data.get("agency") || "" });
    if (mode) query.set("mode", mode);
    const type = SHEET_TYPES.includes(file.type) ? file.type : "application/octet-stream";
    message.replaceChildren(el("p", { class: "muted" }, say("กำลังอ่านตาราง…", "Reading the sheet…")));
    let response;
    try {
      response = await send("/api/import/" + encodeURIComponent(file.name) + "?" + query, { method: "POST", body: file, headers: { "Content-Type": type } });
    } catch (_) {
      message.replaceChildren(el("div", { class: "error" }, OFFLINE));
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201) {
      const parts = [say(`สร้างแล้ว ${thaiNumber(answer.created.length)} แฟ้ม`, `${thaiNumber(answer.created.length)} files made`)];
      if (answer.skipped.length) parts.push(say(`ข้ามแฟ้มที่มีอยู่แล้ว ${thaiNumber(answer.skipped.length)} แฟ้ม`, `${thaiNumber(answer.skipped.length)} existing files left as they were`));
      if (answer.replaced.length) parts.push(say(`แฟ้มเดิม ${thaiNumber(answer.replaced.length)} แฟ้มเก็บไว้ในถังขยะ`, `${thaiNumber(answer.replaced.length)} former files kept in the recycle folder`));
      message.replaceChildren(el("p", { class: "ok" }, parts.join(" · ")));
      setTimeout(showList, 800);
    } else if (response.status === 409 && answer.reason === "exists") {
      message.replaceChildren(el("div", { class: "choice", id: "import-choice" },
        el("p", {}, answer.error),
        el("ul", {}, answer.existing.map((n) => el("li", { class: "file" }, n))),
        el("button", { type: "button", class: "primary", id: "import-missing", onclick: () => send_("missing") }, say("เพิ่มเฉพาะแฟ้มที่ยังไม่มี", "Add only the missing files")), " ",
        el("button", { type: "button", id: "import-replace", onclick: () => send_("replace") }, say("แทนที่แฟ้มเดิม (เก็บฉบับเดิมไว้ในถังขยะ)", "Replace the existing files (the former ones kept in the recycle folder)"))));
    } else {
      message.replaceChildren(el("div", { class: "error" }, answer.error || say(`นำเข้าไม่ได้ (รหัส ${response.status})`, `Import failed (status ${response.status})`)));
    }
  };
  const form = el("form", { id: "import-sheet", class: "new-package", onsubmit: (e) => { e.preventDefault(); send_(null); } },
    el("label", {}, say("ไฟล์ผลคะแนน (.xlsx .ods .csv)", "Results file (.xlsx .ods .csv)"), el("input", { name: "sheet", type: "file", required: true, accept: ".xlsx,.xls,.ods,.csv" })),
    el("label", {}, say("ปีงบประมาณที่ประเมิน (พ.ศ.)", "Fiscal year assessed (Buddhist era)"), el("input", { name: "year", type: "number", required: true, value: String(new Date().getFullYear() + 542) })),
    el("label", {}, say("ชื่อแฟ้มภาพรวม (ถ้าหัวตารางไม่ระบุจังหวัด)", "Name of the overall file (when the sheet's title names no province)"), el("input", { name: "agency", placeholder: say("เช่น จังหวัดร้อยเอ็ด", "e.g. Roi Et province") })),
    el("label", { class: "check" }, el("input", { name: "per_agency", type: "checkbox" }), say("สร้างแฟ้มของแต่ละหน่วยงานด้วย", "Also make a file for each agency")),
    el("button", { type: "submit", class: "primary" }, say("นำเข้า", "Import")));
  return el("section", { class: "card" },
    el("h2", {}, say("นำเข้าผลคะแนนจากตาราง", "Import scores from a sheet")),
    el("p", { class: "muted" }, say("ตารางที่มีแถวหัวตาราง เช่น ชื่อหน่วยงาน อำเภอ คะแนนรวม IIT EIT OIT ตัวชี้วัดที่ ๑–๑๐ ระดับ: ทุกช่องที่ผิดจะแจ้งพร้อมตำแหน่ง และจะไม่สร้างแฟ้มใดจนกว่าจะถูกต้องทั้งหมด ตารางที่นำเข้าเก็บไว้ในโฟลเดอร์งาน เพื่อใช้เริ่มแฟ้มของหน่วยงานภายหลัง", "A sheet with a header row (agency name, district, total, IIT, EIT, OIT, indicators 1–10, level): every wrong cell is named with its place, and no file is made until all are right. The imported sheet is kept in the workspace to start agencies' packages from later.")),
    form, message);
}

// Starting a package without a results sheet, as `ita-report init` does: the agency, the
// year assessed and the measures layout; the measures start drafted from the catalogue.
function newPackageCard() {
  const thisYear = new Date().getFullYear() + 543;
  const message = el("p", { class: "muted", id: "new-message" });
  const form = el("form", { id: "new-package", class: "new-package", onsubmit: async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {
      agency: data.get("agency"), year: Number(toArabic(data.get("year"))), layout: data.get("layout"),
      district: data.get("district") || null, province: data.get("province") || null,
    };
    const answer = await api("POST", "/api/new", JSON.stringify(body));
    if (answer.status === 201) location.hash = "#/p/" + encodeURIComponent(answer.body.name);
    else message.replaceChildren(errorBox(answer));
  } },
    el("label", {}, say("ชื่อหน่วยงาน", "Agency name"), el("input", { name: "agency", required: true, placeholder: say("เช่น องค์การบริหารส่วนตำบล…", "e.g. Subdistrict administrative organization …") })),
    el("label", {}, say("ปีงบประมาณที่ประเมิน (พ.ศ.)", "Fiscal year assessed (Buddhist era)"), el("input", { name: "year", type: "number", required: true, value: String(thisYear - 1) })),
    el("label", {}, say("อำเภอ", "District"), el("input", { name: "district" })),
    el("label", {}, say("จังหวัด", "Province"), el("input", { name: "province" })),
    el("label", {}, say("รูปแบบตารางมาตรการ", "Measures table layout"), el("select", { name: "layout" },
      el("option", { value: "by_indicator" }, say("รายตัวชี้วัด (๖ ช่อง)", "By indicator (6 columns)")), el("option", { value: "by_tool" }, say("ตามเครื่องมือ (๔ ช่อง)", "By tool (4 columns)")))),
    el("button", { type: "submit", class: "primary" }, say("เริ่มแฟ้มเปล่า", "Start an empty package")));
  return el("section", { class: "card" },
    el("h2", {}, say("เริ่มแฟ้มเปล่า (ไม่มีตารางผลคะแนน)", "Start an empty package (no results sheet)")),
    el("p", { class: "muted" }, say("ใช้เมื่อยังไม่มีตารางผลคะแนน: คะแนนกรอกเองภายหลังได้ มาตรการทุกตัวชี้วัดจะร่างจากคลังมาตรการ", "For when there is no results sheet yet: scores can be typed later; the measures of every indicator are drafted from the measures catalogue.")),
    form, message);
}

function problemBadge(p) {
  if (p.refused) return el("span", { class: "badge error", title: p.refused }, say("เปิดไม่ได้", "Cannot open"));
  if (p.errors) return el("span", { class: "badge error" }, say(`ข้อผิดพลาด ${thaiNumber(p.errors)}`, `${thaiNumber(p.errors)} errors`));
  if (p.drafts) return el("span", { class: "badge warning" }, say(`ร่าง ${thaiNumber(p.drafts)} แถว`, `${thaiNumber(p.drafts)} draft rows`));
  if (p.problems) return el("span", { class: "badge warning" }, say(`ควรตรวจ ${thaiNumber(p.problems)}`, `${thaiNumber(p.problems)} to review`));
  return el("span", { class: "badge ok" }, say("ข้อมูลครบถ้วน", "Complete"));
}

function errorBox(answer) {
  const message = answer.body && answer.body.error ? answer.body.error : say(`ทำไม่สำเร็จ (รหัส ${answer.status})`, `Failed (status ${answer.status})`);
  return el("div", { class: "alert error", role: "alert" }, message);
}

function setTitle(text) {
  document.title = text + " — ITA Report";
}

// ---- one package ----

const state = {
  name: null, doc: null, etag: null, dirty: false, fields: new Map(), schema: null,
  timer: null, running: false, again: false, previewId: null, generation: 0,
  base: null, framework: null, texts: [], zoom: 1, focused: null,
};

// The browser's copy of unsaved edits, per package: kept at every change, offered back after
// a reload or a crash, dropped once saved.
const unsavedKey = (name) => "ita-report:unsaved:" + name;

function keepUnsaved() {
  try {
    localStorage.setItem(unsavedKey(state.name), JSON.stringify({ etag: state.etag, base: state.base, doc: state.doc, at: Date.now() }));
  } catch (_) { /* storage full or off: the edits stay on the page */ }
}

function dropUnsaved(name) {
  try { localStorage.removeItem(unsavedKey(name)); } catch (_) { /* nothing kept */ }
}

function unsaved(name) {
  try { return JSON.parse(localStorage.getItem(unsavedKey(name)) || "null"); } catch (_) { return null; }
}

async function showPackage(name) {
  state.name = name;
  state.generation += 1;
  const main = $("#main");
  main.replaceChildren(el("p", { class: "muted" }, say("กำลังเปิดแฟ้ม…", "Opening the file…")));
  const answer = await api("GET", packageUrl(name));
  if (answer.status !== 200) {
    main.replaceChildren(errorBox(answer), el("p", {}, el("a", { href: "#/" }, say("← กลับไปที่รายการแฟ้ม", "← Back to the list of files"))));
    if (answer.status === 0) setTimeout(() => { if (state.name === name) showPackage(name); }, 5000);
    return;
  }
  if (!state.schema) {
    const schema = await api("GET", "/api/schema");
    if (schema.status === 200) state.schema = schema.body;
  }
  state.doc = answer.body;
  state.base = JSON.parse(JSON.stringify(answer.body));
  state.etag = answer.headers.get("ETag");
  state.dirty = false;
  state.previewId = null;
  state.lastCheck = null;
  await loadFramework(state.doc.fiscal_year);
  setTitle(state.doc.agency && state.doc.agency.name ? state.doc.agency.name : name);
  main.replaceChildren(editorLayout(name));
  offerUnsaved(name);
  renderForm();
  refresh();
}

// The year's indicators (number, tool, name), for new indicator rows.
async function loadFramework(year) {
  if (!year || (state.framework && state.framework.year === year)) return;
  const answer = await api("GET", "/api/framework/" + encodeURIComponent(year));
  state.framework = answer.status === 200 ? answer.body : null;
}

// Edits kept in this browser and not saved: offered back, or dropped.
function offerUnsaved(name) {
  const kept = unsaved(name);
  if (!kept || JSON.stringify(kept.doc) === JSON.stringify(state.doc)) {
    if (kept) dropUnsaved(name);
    return;
  }
  const when = new Date(kept.at).toLocaleString("th-TH");
  $("#restore").replaceChildren(el("div", { class: "alert warning", id: "unsaved-offer", role: "alert" },
    el("p", {}, say(`พบการแก้ไขแฟ้มนี้ที่ยังไม่ได้บันทึก (แก้ไขล่าสุดเมื่อ ${when}) ซึ่งเก็บไว้ในเบราว์เซอร์นี้`, `This browser keeps unsaved edits of this file (last edited ${when}).`)),
    el("button", { type: "button", class: "primary", id: "unsaved-restore", onclick: () => {
      state.doc = kept.doc;
      state.base = kept.base || state.base;
      state.etag = kept.etag || state.etag;
      $("#restore").replaceChildren();
      changed(true);
    } }, say("นำการแก้ไขกลับมา", "Bring the edits back")), " ",
    el("button", { type: "button", id: "unsaved-drop", onclick: () => {
      dropUnsaved(name);
      $("#restore").replaceChildren();
    } }, say("ทิ้งการแก้ไขนั้น", "Discard them"))));
}

function editorLayout(name) {
  return el("div", { class: "editor" },
    el("div", { class: "toolbar" },
      el("a", { href: "#/", class: "back" }, say("← รายการแฟ้ม", "← Files")),
      el("div", { class: "heading" },
        el("h2", { id: "package-title" }, (state.doc.agency && state.doc.agency.name) || name),
        el("div", { class: "file" }, name)),
      el("div", { class: "actions" },
        el("button", { id: "save", type: "button", class: "primary", onclick: save }, say("บันทึก", "Save")),
        el("button", { id: "download-pdf", type: "button", disabled: true, onclick: () => download("pdf") }, say("ดาวน์โหลด PDF", "Download PDF")),
        el("button", { id: "download-archive", type: "button", disabled: true, onclick: () => download("archive") }, say("PDF สำหรับจัดเก็บ (PDF/A)", "PDF for archiving (PDF/A)"))),
      el("div", { id: "status", class: "status", role: "status" }, say("ยังไม่มีการแก้ไข", "No edits yet"))),
    el("div", { id: "restore" }),
    el("div", { id: "conflict" }),
    el("div", { id: "problems", class: "problems" }),
    el("div", { class: "tabs", role: "tablist" },
      el("button", { type: "button", role: "tab", id: "tab-form", class: "active", onclick: () => showTab("form") }, say("แบบฟอร์ม", "Form")),
      el("button", { type: "button", role: "tab", id: "tab-preview", onclick: () => showTab("preview") }, say("ตัวอย่างเอกสาร", "Preview"))),
    el("div", { class: "columns", id: "columns", dataset: { tab: "form" } },
      el("form", { id: "form", class: "form", onsubmit: (e) => e.preventDefault() }),
      el("aside", { class: "preview-pane" },
        el("div", { class: "preview-head" }, el("strong", {}, say("ตัวอย่างเอกสาร", "Preview")), el("span", { id: "preview-state", class: "muted" }, ""),
          el("span", { class: "zoom" },
            el("button", { type: "button", id: "zoom-out", title: say("ย่อ", "Zoom out"), "aria-label": say("ย่อ", "Zoom out"), onclick: () => zoom(-0.25) }, "−"),
            el("span", { id: "zoom-level" }, say("๑๐๐%", "100%")),
            el("button", { type: "button", id: "zoom-in", title: say("ขยาย", "Zoom in"), "aria-label": say("ขยาย", "Zoom in"), onclick: () => zoom(0.25) }, "+"),
            el("button", { type: "button", id: "go-to-page", disabled: true, onclick: goToFieldPage }, say("ไปหน้าของช่องนี้", "Go to this field's page")))),
        el("div", { id: "preview-note", class: "preview-note", role: "status" }),
        el("div", { id: "preview", dataset: { state: "busy" } }))));
}

// On a narrow screen the form and the preview are two tabs; on a wide one, side by side.
function showTab(which) {
  $("#columns").dataset.tab = which;
  $("#tab-form").classList.toggle("active", which === "form");
  $("#tab-preview").classList.toggle("active", which === "preview");
  if (which === "form") requestAnimationFrame(fitAll);
}

function zoom(step) {
  state.zoom = Math.min(3, Math.max(0.5, state.zoom + step));
  $("#preview").style.setProperty("--zoom", String(state.zoom));
  $("#zoom-level").textContent = thaiNumber(Math.round(state.zoom * 100)) + "%";
}

// The page that prints the field last typed in: the program finds it by the field's value as
// the document prints it (digits in the document's numerals, numbers as scores are written),
// and says so when the field is empty and prints nowhere.
async function goToFieldPage() {
  const note = $("#preview-note");
  if (!state.focused || !state.previewId) return;
  const pointer = "/" + state.focused.map((seg) => String(seg).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
  const answer = await api("GET", `/api/render/${state.previewId}/where?field=${encodeURIComponent(pointer)}`);
  if (answer.status !== 200) {
    note.textContent = answerError(answer);
    return;
  }
  const index = answer.body.page ? answer.body.page - 1 : -1;
  if (index < 0) {
    note.textContent = answer.body.message || "";
    return;
  }
  note.textContent = say(`ช่องนี้อยู่ที่หน้า ${thaiNumber(index + 1)}`, `This field is on page ${thaiNumber(index + 1)}`);
  showTab("preview");
  const img = $(`#preview img[data-page='${index + 1}']`);
  if (img) {
    img.scrollIntoView({ block: "start" });
    img.classList.add("found");
    setTimeout(() => img.classList.remove("found"), 1500);
  }
}

function renderForm() {
  const form = $("#form");
  const scroll = window.scrollY;
  state.fields = new Map();
  form.replaceChildren(...topLevel());
  window.scrollTo(0, scroll);
  if (state.lastCheck) showDiagnostics(state.lastCheck);
  requestAnimationFrame(fitAll);
}

// A text area as tall as its text, so nothing typed is hidden (again after a resize).
function fit(area) {
  if (!area.offsetParent) return;
  area.style.height = "auto";
  area.style.height = area.scrollHeight + 2 + "px";
}

function fitAll() {
  document.querySelectorAll("#form textarea").forEach(fit);
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(fitAll, 150);
});

// The top level: plain values (year, digits, font…) together first, with every plain field
// the model allows offered; then each part, and the parts the package has not started.
function topLevel() {
  const keys = Object.keys(state.doc);
  const plain = keys.filter((k) => !isPart(state.doc[k]));
  const general = el("fieldset", { class: "object", dataset: { path: "" } }, el("legend", {}, say("ข้อมูลทั่วไป", "General")),
    el("div", { class: "fields" }, plain.map((k) => renderField([k], state.doc[k], { key: k, removable: !required([], k) }))));
  const root = schemaAt([]);
  const properties = (root && root.properties) || {};
  const addable = Object.keys(properties).filter((k) => !(k in state.doc) && !isPart(initialValue(resolveSchema(properties[k]))));
  if (addable.length) general.append(addFieldSelect([], addable, properties));
  const parts = keys.filter((k) => isPart(state.doc[k])).map((k) => renderField([k], state.doc[k], { key: k, removable: !required([], k) }));
  const startable = Object.keys(properties).filter((k) => !(k in state.doc) && (NEW_PARTS[k] || isPart(initialValue(resolveSchema(properties[k])))));
  const start = startable.length
    ? el("div", { class: "new-parts" }, el("span", { class: "muted" }, say("เริ่มส่วนใหม่: ", "Start a new part: ")),
      startable.map((k) => el("button", { type: "button", class: "add", dataset: { part: k }, onclick: () => {
        state.doc[k] = NEW_PARTS[k] ? NEW_PARTS[k]() : initialValue(resolveSchema(properties[k]));
        changed(true);
      } }, "+ " + labelAt([k], k))))
    : null;
  return [general, ...parts, start].filter(Boolean);
}

function isPart(value) {
  return value !== null && typeof value === "object" && !(Array.isArray(value) && value.every((v) => typeof v !== "object"));
}

// A field's name: its Thai title, or in English its key in words ("report_title" →
// "Report title"; the schema's titles are Thai).
function label(key) {
  if (ENGLISH) return DOCUMENTS[key] || String(key).replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  return schemaLabel(key) || key;
}

// A field's Thai name at a place: the place's own name, else its `title` in the package
// schema.
function labelAt(path, key) {
  const named = LABELS_AT[pathText(path.filter((s) => typeof s === "string"))];
  if (named && path.length === path.filter((s) => typeof s === "string").length) return named;
  return label(key);
}

// A field's Thai name: its `title` in the package schema (src/schema.rs, THAI).
function schemaLabel(key) {
  if (!state.schema) return null;
  for (const definition of [state.schema, ...Object.values(state.schema.definitions || {})]) {
    const property = definition.properties && definition.properties[key];
    if (property && property.title) return property.title;
  }
  return null;
}

// Where a field is, in Thai labels: "มาตรการ › แถวที่ ๑ › ผู้รับผิดชอบ".
function labelPath(path) {
  const parts = [];
  path.forEach((seg, i) => {
    if (typeof seg === "number") {
      const list = path[i - 1];
      const item = getAt(state.doc, path.slice(0, i + 1));
      if (list === "rows") parts.push(say(`แถวที่ ${thaiNumber(seg + 1)}`, `row ${thaiNumber(seg + 1)}`));
      else if (list === "indicators" && item && typeof item.number === "number") parts.push(say(`ตัวชี้วัดที่ ${thaiNumber(item.number)}`, `indicator ${thaiNumber(item.number)}`));
      else parts.push(say(`รายการที่ ${thaiNumber(seg + 1)}`, `item ${thaiNumber(seg + 1)}`));
    } else {
      parts.push(labelAt(path.slice(0, i + 1), seg));
    }
  });
  return parts.join(" › ");
}

function readOnly(path, value) {
  return READ_ONLY_ROOTS.has(path[0]) && typeof value === "number";
}

// Whether the schema requires `key` of the object at `path` (such a field cannot be removed).
function required(path, key) {
  const s = schemaAt(path);
  return !!(s && (s.required || []).includes(key));
}

// One field of the form for the value at `path`, by the value's type. A field the schema
// does not require can be removed (its box has a button for it).
function renderField(path, value, hint = {}) {
  const key = hint.key || [...path].reverse().find((seg) => typeof seg === "string");
  let node;
  if (Array.isArray(value)) node = renderList(path, value, key);
  else if (value !== null && typeof value === "object") node = renderObject(path, value, key);
  else node = renderScalar(path, value, key, hint);
  node.dataset.path = pathText(path);
  state.fields.set(pathText(path), node);
  if (hint.removable && !hint.optional) {
    const button = removeFieldButton(path, key);
    const legend = node.tagName === "FIELDSET" ? node.querySelector(":scope > legend") : null;
    if (legend) legend.append(" ", button);
    else node.prepend(button);
  }
  return node;
}

function removeFieldButton(path, key) {
  const name = labelAt(path, key);
  return el("button", { type: "button", class: "remove-field", title: say(`ลบช่อง "${name}"`, `Remove the field "${name}"`), "aria-label": say(`ลบช่อง ${name}`, `Remove the field ${name}`), onclick: () => {
    if (!confirm(say(`ลบช่อง "${name}" ออกจากแฟ้ม?`, `Remove the field "${name}" from the file?`))) return;
    setAt(state.doc, path, undefined);
    changed(true);
  } }, say("✕ ลบช่องนี้", "✕ Remove this field"));
}

function title(path, key) {
  const last = path[path.length - 1];
  if (typeof last === "number") {
    const item = getAt(state.doc, path);
    if (path[path.length - 2] === "rows") return say(`แถวที่ ${thaiNumber(last + 1)}`, `row ${thaiNumber(last + 1)}`);
    if (key === "indicators" && item && typeof item.number === "number") return say(`ตัวชี้วัดที่ ${thaiNumber(item.number)}`, `indicator ${thaiNumber(item.number)}`);
    return `${label(key)} ${thaiNumber(last + 1)}`;
  }
  return labelAt(path, key);
}

function renderObject(path, value, key) {
  const keys = objectKeys(path, value).filter((k) => !HIDDEN_FIELDS.has(k));
  const isRow = path.length === 3 && path[0] === "measures" && path[1] === "rows";
  const box = el("fieldset", { class: isRow ? "object row" : "object" },
    el("legend", {}, title(path, key)), el("div", { class: "diag" }));
  if (path.length === 1 && path[0] === "scores") box.append(generatedBox());
  if (value.draft) box.append(draftNote(path, value.draft));
  const body = el("div", { class: isRow ? "row-grid" : "fields" });
  for (const k of keys) {
    const present = Object.prototype.hasOwnProperty.call(value, k);
    body.append(renderField([...path, k], present ? value[k] : "", { key: k, optional: !present, removable: present && !required(path, k) }));
  }
  box.append(body);
  // Every field the model allows here and the object lacks, from the package's schema.
  const schema = schemaAt(path);
  const properties = (schema && schema.properties) || {};
  const addable = Object.keys(properties).filter((k) => !Object.prototype.hasOwnProperty.call(value, k) && !keys.includes(k) && !HIDDEN_FIELDS.has(k));
  if (addable.length) box.append(addFieldSelect(path, addable, properties));
  return box;
}

function addFieldSelect(path, addable, properties) {
  return el("select", { class: "add-field", "aria-label": say("เพิ่มช่อง", "Add a field"), onchange: (e) => {
    const k = e.target.value;
    getAt(state.doc, path)[k] = newFieldValue(k, resolveSchema(properties[k]), state.doc);
    changed(true);
  } }, el("option", { value: "" }, say("+ เพิ่มช่อง…", "+ Add a field…")), addable.map((k) => el("option", { value: k }, labelAt([...path, k], k))));
}

// A row drafted from the measures catalogue: where it came from, and the button that makes
// it the agency's own (the draft marker removed).
function draftNote(path, draft) {
  const from = String(draft.from || "").replace(/seed\s*\d+\s*:?\s*/gi, "");
  return el("div", { class: "draft-note" },
    el("span", {}, say("แถวนี้ร่างจากคลังมาตรการ", "This row was drafted from the measures catalogue") + (from ? say(` (จากแผนของ ${from})`, ` (from the plan of ${from})`) : "") + say(" เมื่อแก้ไขหรือตรวจแล้วว่าใช้ได้ ให้กดปุ่มนี้ ", " Once edited or checked, press this button ")),
    el("button", { type: "button", class: "use-draft", onclick: () => {
      delete getAt(state.doc, path).draft;
      changed(true);
    } }, say("ใช้ข้อความนี้", "Use this text")));
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
    box.append(el("button", { type: "button", class: "add", onclick: () => addItem(path, items, key) }, say("+ เพิ่ม", "+ Add") + label(key)));
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
    el("button", { type: "button", title: say("เลื่อนขึ้น", "Move up"), "aria-label": say("เลื่อนขึ้น", "Move up"), disabled: index === 0, onclick: move(index - 1) }, "↑"),
    el("button", { type: "button", title: say("เลื่อนลง", "Move down"), "aria-label": say("เลื่อนลง", "Move down"), disabled: index === count - 1, onclick: move(index + 1) }, "↓"),
    el("button", { type: "button", title: say("ลบรายการนี้", "Remove this item"), "aria-label": say("ลบ", "Delete"), class: "remove", onclick: () => {
      if (!confirm(say("ลบรายการนี้?", "Remove this item?"))) return;
      getAt(state.doc, path).splice(index, 1);
      changed(true);
    } }, "✕"));
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

// A new item for a list: a new indicator from the year's framework (the first not listed),
// a measures row in the layout's columns, else like the last item with the text emptied.
function addItem(path, items, key) {
  let item;
  if (key === "indicators" && path[0] === "scores") item = newIndicator(items);
  else if (items.length) item = blank(items[items.length - 1]);
  else if (key === "rows" && path[0] === "measures") item = newRow();
  else if (NEW_ITEMS[key]) item = NEW_ITEMS[key]();
  else item = "";
  getAt(state.doc, path).push(item);
  changed(true);
}

function newIndicator(items) {
  const taken = new Set(items.map((i) => i && i.number));
  const known = (state.framework && state.framework.indicators) || [];
  const next = known.find((i) => !taken.has(i.number)) || { number: Math.min(10, items.length + 1) };
  const item = { number: next.number };
  if (next.tool) item.tool = next.tool;
  if (next.name) item.name = next.name;
  item.score = 0;
  return item;
}

// The number of an indicator row: chosen from the year's indicators, which sets its tool
// and name as well.
function indicatorChoice(path, value, id) {
  const known = (state.framework && state.framework.indicators) || [];
  return el("select", { id, onchange: (e) => {
    const found = known.find((i) => i.number === Number(e.target.value));
    const row = getAt(state.doc, path.slice(0, -1));
    row.number = Number(e.target.value);
    if (found) {
      if ("tool" in row || found.tool) row.tool = found.tool;
      if ("name" in row || found.name) row.name = found.name;
    }
    changed(true);
  } }, known.map((i) => el("option", { value: String(i.number), selected: i.number === value },
    say(`ตัวชี้วัดที่ ${thaiNumber(i.number)} ${i.name} (${i.tool})`, `Indicator ${thaiNumber(i.number)} ${i.name} (${i.tool})`))));
}

function renderScalar(path, value, key, hint) {
  const id = "f-" + pathText(path).replace(/[^A-Za-z0-9_-]/g, "_");
  const box = el("div", { class: "field" });
  const name = title(path, key);
  const indicatorNumber = key === "number" && path[0] === "scores" && path[1] === "indicators" && state.framework;
  let input;
  if (typeof value === "boolean") {
    input = el("input", { id, type: "checkbox", checked: value, onchange: (e) => update(path, e.target.checked) });
  } else if (indicatorNumber) {
    input = indicatorChoice(path, value, id);
  } else if (typeof value === "number" || value === null || (SCORE_FIELDS.has(key) && value === "")) {
    const score = SCORE_FIELDS.has(key);
    input = el("input", { id, type: "number", step: "any", min: score ? "0" : null, max: score ? "100" : null, value: value === null ? "" : String(value), readonly: readOnly(path, value),
      oninput: (e) => {
        const bounded = score && e.target.value !== "" && (Number(e.target.value) < 0 || Number(e.target.value) > 100);
        e.target.setCustomValidity(bounded ? say("คะแนนต้องอยู่ระหว่าง 0 ถึง 100", "A score is between 0 and 100") : "");
        box.classList.toggle("out-of-bounds", bounded);
        update(path, e.target.value === "" ? null : Number(e.target.value), hint.optional);
      } });
  } else if (choices(path, key, value)) {
    input = el("select", { id, onchange: (e) => update(path, e.target.value) },
      Object.entries(choices(path, key, value)).map(([v, text]) => el("option", { value: v, selected: v === value }, text)));
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
  input.addEventListener("focus", () => {
    state.focused = path;
    const go = $("#go-to-page");
    if (go) go.disabled = false;
  });
  if (key === "date" && typeof value === "string") {
    const shown = el("div", { class: "date-shown muted" }, thaiDate(value));
    input.setAttribute("placeholder", say("ปปปป-ดด-วว เช่น 2567-06-26 หรือ ๒๕๖๗-๐๖-๒๖", "YYYY-MM-DD, e.g. 2567-06-26"));
    input.addEventListener("input", (e) => { shown.textContent = thaiDate(e.target.value); });
    box.append(el("label", { for: id }, name), input, shown, el("div", { class: "diag" }));
    return box;
  }
  box.append(el("label", { for: id, class: hint.compact ? "compact" : null }, hint.compact ? `${thaiNumber(path[path.length - 1] + 1)}.` : name), input, el("div", { class: "diag" }));
  if (readOnly(path, value)) box.classList.add("readonly");
  return box;
}

// The values a field may take, with their Thai names: from CHOICES, else the schema's list.
function choices(path, key, value) {
  if (CHOICES[key] && value in CHOICES[key]) return CHOICES[key];
  const s = schemaAt(path);
  if (s && Array.isArray(s.enum) && s.enum.includes(value)) return Object.fromEntries(s.enum.map((v) => [v, v]));
  return null;
}

const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
  "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];

// A date as the documents print it ("๒๖ มิถุนายน ๒๕๖๗"): YYYY-MM-DD in either digits, a
// year of 2400 or more read as Buddhist era (README: input format); in the package's digits.
function thaiDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(toArabic(text).trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return text.trim() ? say("รูปแบบวันที่: ปปปป-ดด-วว", "Date format: YYYY-MM-DD") : "";
  const year = Number(m[1]) >= 2400 ? Number(m[1]) : Number(m[1]) + 543;
  const words = say(`พิมพ์เป็น: ${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${year}`, `Prints as: ${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${year}`);
  return state.doc.numerals === "arabic" ? words : words.replace(/\d/g, (d) => THAI_DIGITS[d]);
}

// A value typed into a field. A column the row did not have is added when typed into and
// removed again when emptied.
function update(path, value, optional) {
  setAt(state.doc, path, optional && (value === "" || value === null) ? undefined : value);
  changed(false);
}

function changed(structural) {
  state.dirty = true;
  setStatus(say("มีการแก้ไขที่ยังไม่ได้บันทึก (เก็บสำรองไว้ในเบราว์เซอร์นี้แล้ว)", "Unsaved edits (kept in this browser)"), "dirty");
  keepUnsaved();
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
  let down = false;
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
    down = checked.status === 0 || preview.status === 0;
    showPreview(preview);
  } finally {
    state.running = false;
    if (state.again && generation === state.generation) {
      state.again = false;
      refresh();
    } else if (down && generation === state.generation) {
      // The program does not answer: said in the banner, and asked again.
      setTimeout(() => { if (generation === state.generation) refresh(); }, 5000);
    }
  }
}

async function requestPreview(text) {
  const pane = $("#preview");
  const note = $("#preview-state");
  if (pane) pane.dataset.state = "busy";
  if (note) note.textContent = say("กำลังจัดหน้า…", "Laying out…");
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
    note.textContent = answer.status === 0 ? say("ติดต่อโปรแกรมไม่ได้ กำลังลองใหม่…", "The program does not answer; trying again…") : answerError(answer);
    for (const button of ["#download-pdf", "#download-archive"]) $(button).disabled = true;
    return;
  }
  const { id, pages } = answer.body;
  state.previewId = id;
  state.texts = answer.body.texts || [];
  note.textContent = say(`${thaiNumber(pages)} หน้า`, `${thaiNumber(pages)} pages`);
  for (const button of ["#download-pdf", "#download-archive"]) $(button).disabled = false;
  const images = [...pane.querySelectorAll("img.page")];
  for (let n = 1; n <= pages; n++) {
    const src = `/api/render/${id}/page/${n}`;
    let img = images[n - 1];
    if (!img) {
      img = el("img", { class: "page", alt: say(`หน้า ${thaiNumber(n)}`, `Page ${thaiNumber(n)}`), loading: "lazy", dataset: { page: String(n) } });
      // A page of a preview the program no longer keeps: the preview is asked for again.
      img.addEventListener("error", () => { if (img.isConnected && pane.dataset.state === "ready") refresh(); });
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

// The PDF of what is on the screen: the text shown is sent, and the program gives the PDF it
// previewed, or builds it again when it no longer keeps it. The file keeps its Thai name.
async function download(kind) {
  const button = $(kind === "pdf" ? "#download-pdf" : "#download-archive");
  const note = $("#preview-note");
  button.disabled = true;
  note.textContent = kind === "pdf" ? say("กำลังเตรียม PDF…", "Preparing the PDF…") : say("กำลังเตรียม PDF สำหรับจัดเก็บ…", "Preparing the PDF for archiving…");
  try {
    let response;
    try {
      response = await send(apiUrl("download", state.name) + "?kind=" + kind, { method: "POST", body: JSON.stringify(state.doc), headers: { "Content-Type": "application/json" } });
    } catch (_) {
      offline(true);
      note.textContent = OFFLINE;
      return;
    }
    offline(false);
    if (response.status !== 200) {
      const answer = await response.json().catch(() => ({}));
      note.textContent = answer.error || say(`ดาวน์โหลดไม่สำเร็จ (รหัส ${response.status})`, `Download failed (status ${response.status})`);
      return;
    }
    const name = fileName(response.headers.get("Content-Disposition")) || (stemOf(state.name) + ".pdf");
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    note.textContent = say(`ดาวน์โหลดแล้ว: ${name}`, `Downloaded: ${name}`);
    note.dataset.downloaded = name;
  } finally {
    button.disabled = false;
  }
}

// The file name of a Content-Disposition: `filename*` (UTF-8) when given.
function fileName(header) {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try { return decodeURIComponent(star[1]); } catch (_) { /* the plain name below */ }
  }
  const plain = /filename="([^"]+)"/.exec(header);
  return plain ? plain[1] : null;
}

// Shows each message beside the field it is about (or the nearest field that holds it), and
// all of them in the list at the top, each named by its field's Thai label path.
function showDiagnostics(checked) {
  document.querySelectorAll(".diag").forEach((d) => d.replaceChildren());
  document.querySelectorAll(".has-error, .has-warning, .has-note, .has-contradiction").forEach((n) => n.classList.remove("has-error", "has-warning", "has-note", "has-contradiction"));
  const list = [];
  const counts = { error: 0, contradiction: 0, warning: 0, note: 0 };
  for (const d of checked.diagnostics) {
    const kind = d.kind || d.severity;
    counts[kind] = (counts[kind] || 0) + 1;
    const field = d.path ? nearestField(d.path) : null;
    if (field) {
      const place = field.querySelector(":scope > .diag");
      if (place) place.append(diagnosticNode(d));
      field.classList.add("has-" + kind);
    }
    list.push(el("li", { class: kind },
      el("span", { class: "sev" }, KINDS[kind]),
      d.path ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); focusField(field); } }, labelPath(parsePath(d.path))) : null,
      " ", d.message));
  }
  const problems = $("#problems");
  if (!problems) return;
  const summary = Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${KINDS[k]} ${thaiNumber(n)}`).join(" · ");
  problems.replaceChildren(checked.diagnostics.length
    ? el("details", { open: checked.diagnostics.length <= 3 },
      el("summary", {}, say("ผลการตรวจข้อมูล: ", "Check: ") + summary),
      el("ul", {}, list))
    : el("div", { class: "ok-line" }, say("✓ ตรวจข้อมูลแล้ว ไม่พบข้อผิดพลาดหรือข้อขัดแย้ง", "✓ Checked: no errors or contradictions")));
}

function diagnosticNode(d) {
  const kind = d.kind || d.severity;
  return el("div", { class: "message " + kind },
    el("strong", {}, KINDS[kind] + ": "), el("span", {}, d.message),
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
  showTab("form");
  field.scrollIntoView({ behavior: "smooth", block: "center" });
  const input = field.querySelector("input, textarea, select");
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
    el("h3", {}, say("บทวิเคราะห์ตามที่จะพิมพ์ (โปรแกรมเขียนจากคะแนน)", "The analysis as it will print (written by the program from the scores)")),
    el("h4", {}, say("ภาพรวม", "Overall")), ...paragraphs(generated.overall),
    ...generated.tools.flatMap((t) => [el("h4", {}, t.title || t.tool), ...paragraphs(t.paragraphs)]));
}

// ---- saving ----

async function save() {
  clearTimeout(state.timer);
  const button = $("#save");
  button.disabled = true;
  setStatus(say("กำลังบันทึก…", "Saving…"), "busy");
  const text = JSON.stringify(state.doc, null, 2);
  try {
    const answer = await api("PUT", packageUrl(state.name), text, { "If-Match": state.etag || "" });
    if (answer.status === 200) {
      state.etag = answer.body.etag;
      state.base = JSON.parse(text);
      state.dirty = false;
      dropUnsaved(state.name);
      $("#conflict").replaceChildren();
      setStatus(say("บันทึกแล้ว ", "Saved ") + new Date().toLocaleTimeString("th-TH"), "saved");
      state.lastCheck = answer.body.check;
      showDiagnostics(answer.body.check);
    } else if (answer.status === 412) {
      await showConflict(answer);
    } else if (answer.status === 0) {
      setStatus(say("ยังไม่ได้บันทึก: ติดต่อโปรแกรมไม่ได้ การแก้ไขยังเก็บไว้ในเบราว์เซอร์นี้ โปรดกดบันทึกอีกครั้งเมื่อโปรแกรมกลับมาทำงาน", "Not saved: the program does not answer. Your edits are kept in this browser; press Save again when the program is back."), "error");
    } else {
      setStatus(say("บันทึกไม่สำเร็จ", "Saving failed"), "error");
      $("#conflict").replaceChildren(errorBox(answer));
    }
  } finally {
    button.disabled = false;
  }
}

// The values of a document by field, down to the plain values (a list whose length
// differs between the versions is one value).
function leaves(a, b, path = [], out = new Map()) {
  const object = (v) => v !== null && typeof v === "object";
  const sameShape = object(a) && object(b) && Array.isArray(a) === Array.isArray(b) && (!Array.isArray(a) || a.length === b.length);
  if (!sameShape) {
    out.set(pathText(path), { path, mine: a, theirs: b });
    return out;
  }
  const keys = Array.isArray(a) ? a.map((_, i) => i) : [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) leaves(a[k], b[k], [...path, k], out);
  return out;
}

function shown(value) {
  if (value === undefined) return say("(ไม่มีช่องนี้)", "(no such field)");
  if (value === null || value === "") return say("(ว่าง)", "(empty)");
  if (typeof value !== "object") return String(value);
  return JSON.stringify(value, null, 1).replace(/[{}[\]"]/g, "").replace(/\n\s*\n/g, "\n").trim();
}

// Another browser saved first: nothing was written. Each field that differs is shown in both
// versions; a field only one side changed starts on that side's version, one both changed on
// the clerk's. The merge is saved over the other version (the clerk can save again).
async function showConflict(answer) {
  setStatus(say("ยังไม่ได้บันทึก: มีผู้อื่นบันทึกแฟ้มนี้ก่อน", "Not saved: someone else saved this file first"), "error");
  const current = await api("GET", packageUrl(state.name));
  if (current.status !== 200) {
    $("#conflict").replaceChildren(errorBox(current));
    return;
  }
  const theirs = current.body;
  const theirTag = current.headers.get("ETag");
  const base = state.base || {};
  const differing = [...leaves(state.doc, theirs).values()].filter((d) => JSON.stringify(d.mine) !== JSON.stringify(d.theirs));
  const rows = differing.map((d, i) => {
    const before = JSON.stringify(getAt(base, d.path));
    const mineChanged = JSON.stringify(d.mine) !== before;
    const pick = mineChanged ? "mine" : "theirs";
    const choice = (side, text) => el("label", { class: "pick" },
      el("input", { type: "radio", name: "pick-" + i, value: side, checked: side === pick }), " ", text);
    return el("tr", { dataset: { index: String(i), path: pathText(d.path) } },
      el("th", {}, labelPath(d.path)),
      el("td", {}, choice("mine", say("ฉบับของท่าน", "Yours")), el("div", { class: "version" }, shown(d.mine))),
      el("td", {}, choice("theirs", say("ฉบับที่บันทึกไว้แล้ว", "Saved")), el("div", { class: "version" }, shown(d.theirs))));
  });
  const table = el("table", { class: "merge", id: "merge" },
    el("thead", {}, el("tr", {}, el("th", {}, say("ช่อง", "Field")), el("th", {}, say("ฉบับของท่าน (ยังไม่ได้บันทึก)", "Yours (not saved)")), el("th", {}, say("ฉบับที่ผู้อื่นบันทึกไว้แล้ว", "Saved by someone else")))),
    el("tbody", {}, rows));
  const setAll = (side) => table.querySelectorAll(`input[value='${side}']`).forEach((r) => { r.checked = true; });
  const merge = () => {
    const merged = JSON.parse(JSON.stringify(theirs));
    differing.forEach((d, i) => {
      const picked = table.querySelector(`input[name='pick-${i}']:checked`);
      if (picked && picked.value === "mine") putAt(merged, d.path, d.mine === undefined ? undefined : JSON.parse(JSON.stringify(d.mine)));
    });
    state.doc = merged;
    state.base = JSON.parse(JSON.stringify(theirs));
    state.etag = theirTag;
    $("#conflict").replaceChildren();
    changed(true);
    save();
  };
  $("#conflict").replaceChildren(el("div", { class: "alert error", role: "alert", id: "conflict-message" },
    el("p", {}, answer.body.error),
    differing.length
      ? el("p", {}, say(`ช่องที่ต่างกัน ${thaiNumber(differing.length)} ช่อง: เลือกฉบับของแต่ละช่อง แล้วกด "รวมและบันทึก"`, `${thaiNumber(differing.length)} fields differ: choose the version of each, then press "Merge and save"`))
      : el("p", {}, say("ฉบับที่บันทึกไว้ตรงกับของท่านทุกช่อง กด \"รวมและบันทึก\" เพื่อบันทึก", "The saved version equals yours in every field: press \"Merge and save\" to save")),
    table,
    el("p", { class: "actions" },
      el("button", { type: "button", id: "take-mine", onclick: () => setAll("mine") }, say("เลือกฉบับของท่านทุกช่อง", "Take yours for every field")),
      el("button", { type: "button", id: "take-theirs", onclick: () => setAll("theirs") }, say("เลือกฉบับที่บันทึกไว้ทุกช่อง", "Take the saved one for every field")),
      el("button", { type: "button", id: "merge-save", class: "primary", onclick: merge }, say("รวมและบันทึก", "Merge and save")))));
}

// Sets a value, making the objects on the way; `undefined` removes it.
function putAt(root, path, value) {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (node[path[i]] === undefined || node[path[i]] === null || typeof node[path[i]] !== "object") node[path[i]] = typeof path[i + 1] === "number" ? [] : {};
    node = node[path[i]];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

// ---- routing ----

function route() {
  const hash = location.hash;
  if (hash.startsWith("#/p/")) showPackage(decodeURIComponent(hash.slice(4)));
  else showList();
}

// Leaving a package with unsaved edits loses nothing: they are kept in this browser and
// offered back when it is opened again.
window.addEventListener("hashchange", () => {
  state.dirty = false;
  route();
});
route();
