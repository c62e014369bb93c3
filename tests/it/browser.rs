//! `ita-report serve` in headless Chromium, driven through WebDriver (chromedriver): a clerk
//! imports the province's results (.xlsx with merged title rows), picks their agency, types
//! a score, edits three measures, sees the preview and a contradiction, reloads and gets the
//! unsaved edits back, downloads the PDF and PDF/A (Thai names, the bytes `build` makes of
//! the saved file), loses a conflict and merges it, deletes and restores the package, and
//! works at 1280×720 and 800 px. A page on another origin (another port of 127.0.0.1) tries to write into
//! the workspace with `fetch` and a form, with and without an access token, and nothing is
//! written.
//!
//! The screenshots of the documentation (`docs/src/screens/*.png`, tracked) are written only on
//! request: `ITA_SCREENSHOTS=1 cargo test --release -- browser`; other runs take them but
//! leave the files as they are.
//!
//! Without chromium and chromedriver the tests say they skipped, except under `CI=true`,
//! where they fail: `.ci/run` installs them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common;
use crate::web::{screens, site_and_server};
use crate::webdriver::{Browser, Driver, browser_tools, wait_for};

/// Writes a screenshot into the documentation, when `ITA_SCREENSHOTS=1` asks for it.
fn save_screen(name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    if std::env::var("ITA_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    std::fs::create_dir_all(screens()).unwrap();
    std::fs::write(screens().join(name), png).unwrap();
}

/// The preview's id once it shows a build (the page sets it when the images are placed).
const PREVIEW_READY: &str = "const p = document.querySelector('#preview'); return !!p && p.dataset.state === 'ready' && !!p.dataset.id;";

/// A province's 2568 results as the NACC sends them: two merged title rows, an empty row,
/// then the header; thirty agencies with tools and indicators.
fn write_results_xlsx(path: &std::path::Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(
            0,
            0,
            0,
            8,
            "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ",
            &Format::new(),
        )
        .unwrap();
    sheet
        .merge_range(
            1,
            0,
            1,
            8,
            "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘ จังหวัดทดสอบ",
            &Format::new(),
        )
        .unwrap();
    let mut headers = vec![
        "ลำดับ".to_owned(),
        "อำเภอ".to_owned(),
        "ชื่อหน่วยงาน".to_owned(),
        "คะแนนรวม".to_owned(),
        "IIT".to_owned(),
        "EIT".to_owned(),
        "OIT".to_owned(),
    ];
    headers.extend((1..=10).map(|n| format!("ตัวชี้วัดที่ {n}")));
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string(3, c as u16, header).unwrap();
    }
    for i in 0..30u32 {
        let row = 4 + i;
        let name = if i == 17 {
            "เทศบาลตำบลหนองใหญ่".to_owned()
        } else {
            format!("องค์การบริหารส่วนตำบลทดสอบ{}", i + 1)
        };
        let district = ["เมือง", "โพนทอง", "เสลภูมิ"][i as usize % 3];
        sheet.write_number(row, 0, f64::from(i + 1)).unwrap();
        sheet.write_string(row, 1, district).unwrap();
        sheet.write_string(row, 2, &name).unwrap();
        let base = 70.0 + f64::from(i % 25);
        for (c, value) in [base, base + 1.0, base - 1.0, base + 0.5]
            .iter()
            .enumerate()
        {
            sheet.write_number(row, 3 + c as u16, *value).unwrap();
        }
        for n in 0..10u16 {
            sheet
                .write_number(row, 7 + n, base - 2.0 + f64::from(n) * 0.5)
                .unwrap();
        }
    }
    book.save(path).unwrap();
}

/// The files in `folder` whose names end in `.pdf`, once every download has finished.
fn downloaded(folder: &std::path::Path, count: usize) -> Vec<PathBuf> {
    let mut found = Vec::new();
    wait_for("the downloads", Duration::from_secs(60), || {
        found = std::fs::read_dir(folder)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        found.retain(|p| p.extension().is_some_and(|x| x == "pdf"));
        found.len() >= count
    });
    found.sort();
    found
}

#[test]
fn a_clerk_prepares_an_agency_from_the_province_sheet_in_the_browser_alone() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let (site, server) = site_and_server("browser");
    let base = format!("http://{}", server.addr);
    let driver = Driver::start(&chromedriver);
    let downloads = site.scratch.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let clerk = Browser::open_with(&driver, &chromium, Some(&downloads));
    clerk.size(1280, 720);

    // The list: every package, searchable.
    clerk.go(&format!("{base}/"));
    clerk.wait(
        "the list",
        "return document.querySelectorAll('#packages tbody tr').length === 5;",
    );
    clerk.wait(
        "the Thai font",
        "return document.fonts.check('16px Sarabun', 'ก') && document.fonts.status === 'loaded';",
    );
    save_screen("list.png", &clerk.screenshot(None));

    // Import the province's sheet (merged title rows) without per-agency files.
    let sheet = site.scratch.path().join("ผลITA2568.xlsx");
    write_results_xlsx(&sheet);
    let input = clerk.find("#import-sheet input[name='sheet']");
    clerk.call(
        "POST",
        &format!("/element/{input}/value"),
        Some(json!({ "text": sheet.to_str().unwrap() })),
    );
    clerk.type_into("#import-sheet input[name='year']", "2568");
    clerk.click("#import-sheet button[type='submit']");
    clerk.wait(
        "the province package",
        "return document.querySelectorAll('#packages tbody tr').length === 6;",
    );
    // Again: the page offers to add only the missing files, no dead end.
    let input = clerk.find("#import-sheet input[name='sheet']");
    clerk.call(
        "POST",
        &format!("/element/{input}/value"),
        Some(json!({ "text": sheet.to_str().unwrap() })),
    );
    clerk.type_into("#import-sheet input[name='year']", "2568");
    clerk.click("#import-sheet button[type='submit']");
    clerk.wait(
        "the choice",
        "return !!document.querySelector('#import-choice');",
    );
    clerk.click("#import-missing");
    clerk.wait(
        "nothing more to add",
        "return /สร้างแล้ว ๐ แฟ้ม/.test(document.querySelector('#import-message').textContent);",
    );

    // Pick the agency from the sheet by a word of its name.
    clerk.go(&format!("{base}/"));
    clerk.wait(
        "the agencies of the sheet",
        "return document.querySelectorAll('#start-agencies button.agency').length > 0;",
    );
    clerk.type_into("#start-search", "หนองใหญ่");
    clerk.wait(
        "one agency found",
        "return document.querySelectorAll('#start-agencies button.agency').length === 1;",
    );
    save_screen("start.png", &clerk.screenshot(Some("#start-card")));
    clerk.click("#start-agencies button.agency");
    clerk.wait("the form and preview", PREVIEW_READY);
    let name = "2568-เทศบาลตำบลหนองใหญ่.json";
    let file = site.workspace().join(name);
    let started: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        started["scores"]["indicators"][0]["score"], 85.0,
        "the sheet's scores"
    );

    // One indicator score typed, three measures edited.
    let score = "[data-path='scores.indicators[0].score'] input";
    assert_eq!(clerk.attribute(score, "max").as_deref(), Some("100"));
    clerk.type_into(score, "91.25");
    let measures = [
        "มาตรการเผยแพร่คู่มือการปฏิบัติงานของเทศบาล",
        "มาตรการเปิดเผยงบประมาณรายไตรมาส",
        "มาตรการรับเรื่องร้องเรียนทางออนไลน์",
    ];
    for (i, text) in measures.iter().enumerate() {
        clerk.type_into(
            &format!("[data-path='measures.rows[{i}].measure'] textarea"),
            text,
        );
    }
    // A contradiction: the analysis says another score than the data.
    clerk.script("const s = document.querySelector(\"[data-path='scores.indicators[0]'] > select.add-field\"); s.value = 'analysis'; s.dispatchEvent(new Event('change'));", json!([]));
    let analysis = "[data-path='scores.indicators[0].analysis[0]'] textarea";
    clerk.wait(
        "the analysis field",
        &format!("return !!document.querySelector(\"{analysis}\");"),
    );
    clerk.type_into(analysis, "ตัวชี้วัดที่ 1 ได้ 50.00 คะแนน ต่ำกว่าค่าเป้าหมาย");
    clerk.wait("the contradiction beside its field", "const m = document.querySelector(\"[data-path='scores.indicators[0].analysis'] .message.contradiction\"); return !!m && m.textContent.includes('91.25');");
    let listed = clerk.script(
        "return document.querySelector('#problems').textContent;",
        json!([]),
    );
    assert!(listed.as_str().unwrap().contains("ข้อขัดแย้ง"), "{listed}");
    assert!(
        listed
            .as_str()
            .unwrap()
            .contains("ผลคะแนน › ตัวชี้วัด › ตัวชี้วัดที่ ๑ › บทวิเคราะห์"),
        "{listed}"
    );
    clerk.wait("the preview of the edits", &format!("const p = document.querySelector('#preview'); return p.dataset.state === 'ready' && JSON.stringify(state.doc).includes('{}');", measures[2]));
    clerk.script("document.activeElement.blur(); document.querySelector(\"[data-path='scores.indicators[0]']\").scrollIntoView({block: 'start'});", json!([]));
    std::thread::sleep(Duration::from_millis(400));
    save_screen("check.png", &clerk.screenshot(None));

    // Reload: the unsaved edits are offered back.
    clerk.go(&format!("{base}/#/p/{name}"));
    clerk.script("location.reload();", json!([]));
    clerk.wait(
        "the offer of the unsaved edits",
        "return !!document.querySelector('#unsaved-restore');",
    );
    clerk.click("#unsaved-restore");
    clerk.wait("the edits back", &format!("const t = document.querySelector(\"[data-path='measures.rows[2].measure'] textarea\"); return !!t && t.value === '{}';", measures[2]));
    assert_eq!(clerk.value(score), json!("91.25"));

    // The page of a field, found in the preview.
    clerk.wait("the preview", PREVIEW_READY);
    clerk.click("[data-path='measures.rows[1].measure'] textarea");
    clerk.script(
        "document.querySelector('#preview-note').textContent = '';",
        json!([]),
    );
    clerk.click("#go-to-page");
    clerk.wait(
        "the page of the field",
        "return document.querySelector('#preview-note').textContent !== '';",
    );
    let found = clerk.script(
        "return document.querySelector('#preview-note').textContent;",
        json!([]),
    );
    assert!(found.as_str().unwrap().starts_with("ช่องนี้อยู่ที่หน้า"), "{found}");
    clerk.script("document.querySelector(\"[data-path='measures.rows[0]']\").scrollIntoView({block: 'start'}); window.scrollBy(0, -10);", json!([]));
    std::thread::sleep(Duration::from_millis(300));
    save_screen("form.png", &clerk.screenshot(None));
    save_screen("preview.png", &clerk.screenshot(Some(".preview-pane")));

    // Save (the contradiction is a warning: it saves), then download what is on screen.
    clerk.script("document.querySelector(\"[data-path='scores.indicators[0].analysis[0]'] textarea\").value = '';", json!([]));
    clerk.type_into(analysis, "ตัวชี้วัดที่ 1 ได้ 91.25 คะแนน");
    clerk.click("#save");
    clerk.wait(
        "the save",
        "return document.querySelector('#status').classList.contains('saved');",
    );
    let saved = std::fs::read(&file).unwrap();
    let stored = clerk.script("return localStorage.length;", json!([]));
    assert_eq!(stored, json!(0), "the browser's copy is dropped once saved");
    clerk.click("#download-pdf");
    clerk.wait(
        "the PDF",
        "return !!document.querySelector('#preview-note').dataset.downloaded;",
    );
    clerk.script(
        "delete document.querySelector('#preview-note').dataset.downloaded;",
        json!([]),
    );
    clerk.click("#download-archive");
    clerk.wait(
        "the PDF/A",
        "return !!document.querySelector('#preview-note').dataset.downloaded;",
    );
    let files = downloaded(&downloads, 2);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "2568-เทศบาลตำบลหนองใหญ่-archive.pdf",
            "2568-เทศบาลตำบลหนองใหญ่.pdf"
        ]
    );
    let loaded =
        ita_report::load::load_bytes(saved.clone(), &file, name, common::frameworks()).unwrap();
    for (path, archive) in [(&files[1], false), (&files[0], true)] {
        let options = ita_report::engine::BuildOptions {
            archive,
            ..Default::default()
        };
        let built = common::engine()
            .build(
                &loaded,
                "2568-เทศบาลตำบลหนองใหญ่",
                &std::env::temp_dir(),
                &options,
            )
            .unwrap();
        assert!(
            std::fs::read(path).unwrap() == built.artifacts[0].pdf,
            "{} is the build of the saved file",
            path.display()
        );
    }

    // A colleague saves another row first; the clerk's save is told, merged field by field.
    let colleague = Browser::open_with(&driver, &chromium, None);
    colleague.go(&format!("{base}/#/p/{name}"));
    colleague.wait("the colleague's form", PREVIEW_READY);
    let theirs = "กองคลัง (ฉบับของเพื่อนร่วมงาน)";
    colleague.type_into(
        "[data-path='measures.rows[3].responsible'] textarea",
        theirs,
    );
    colleague.click("#save");
    colleague.wait(
        "the colleague's save",
        "return document.querySelector('#status').classList.contains('saved');",
    );
    let mine = "สำนักปลัดเทศบาล (ฉบับของเจ้าหน้าที่)";
    clerk.type_into("[data-path='measures.rows[4].responsible'] textarea", mine);
    clerk.click("#save");
    clerk.wait("the merge", "return !!document.querySelector('#merge');");
    let rows = clerk.script("return [...document.querySelectorAll('#merge tbody tr')].map(r => r.dataset.path + '=' + r.querySelector('input:checked').value);", json!([]));
    assert_eq!(
        rows,
        json!([
            "measures.rows[3].responsible=theirs",
            "measures.rows[4].responsible=mine"
        ])
    );
    clerk.script("document.querySelector('#conflict-message').scrollIntoView({block: 'start'}); window.scrollBy(0, -130);", json!([]));
    save_screen("merge.png", &clerk.screenshot(None));
    clerk.click("#merge-save");
    clerk.wait(
        "the merged save",
        "return document.querySelector('#status').classList.contains('saved');",
    );
    let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
    assert!(
        text.contains(theirs) && text.contains(mine),
        "both edits saved"
    );
    // The colleague, behind now, saves again after merging.
    colleague.type_into(
        "[data-path='measures.rows[5].responsible'] textarea",
        "กองช่าง",
    );
    colleague.click("#save");
    colleague.wait(
        "the colleague's merge",
        "return !!document.querySelector('#merge');",
    );
    colleague.click("#merge-save");
    colleague.wait(
        "the colleague's second save",
        "return document.querySelector('#status').classList.contains('saved');",
    );
    let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
    assert!(text.contains("กองช่าง") && text.contains(mine) && text.contains(theirs));

    // Delete to the recycle folder, and restore.
    clerk.go(&format!("{base}/"));
    clerk.wait(
        "the list",
        "return document.querySelectorAll('#packages tbody tr').length === 7;",
    );
    clerk.script("window.confirm = () => true;", json!([]));
    clerk.click(&format!("tr[data-name='{name}'] button.delete"));
    clerk.wait("the package in the recycle folder", &format!("return !document.querySelector(\"tr[data-name='{name}']\") && !!document.querySelector(\"#recycle li[data-original='{name}'] button\");"));
    assert!(!file.exists());
    clerk.click(&format!(
        "#recycle li[data-original='{name}'] button.restore"
    ));
    clerk.wait(
        "the package back",
        &format!("return !!document.querySelector(\"tr[data-name='{name}']\");"),
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // At 800 px: the form and the preview as tabs.
    clerk.size(800, 900);
    clerk.go(&format!("{base}/#/p/{name}"));
    clerk.wait("the form", PREVIEW_READY);
    let preview_shown = clerk.script(
        "return getComputedStyle(document.querySelector('.preview-pane')).display;",
        json!([]),
    );
    assert_eq!(
        preview_shown,
        json!("none"),
        "the preview is a tab at 800 px"
    );
    save_screen("form-800.png", &clerk.screenshot(None));
    clerk.click("#tab-preview");
    clerk.wait(
        "the first page's image",
        "const i = document.querySelector('#preview img.page'); return !!i && i.complete && i.naturalWidth > 0;",
    );
    let top = clerk.script("return document.querySelector('#preview img.page').getBoundingClientRect().top + window.scrollY;", json!([]));
    assert!(
        top.as_f64().unwrap() < 900.0,
        "the preview starts on the first screen: {top}"
    );
    save_screen("preview-800.png", &clerk.screenshot(None));
}

/// A page of another origin: a server on another port of 127.0.0.1 that answers every
/// request with `html`; stopped when dropped.
struct Elsewhere {
    addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Elsewhere {
    fn serve(html: &'static str) -> Elsewhere {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = [0u8; 8192];
                let _ = stream.read(&mut head);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Elsewhere { addr, stop }
    }
}

impl Drop for Elsewhere {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

/// What an attacker's page does to the workspace at `?target=`: simple requests with
/// `fetch` (text/plain, no-cors, with cookies), a JSON request with a guessed token (needs
/// a preflight), reads of the data and of the page (for its token), and a form posted into
/// a frame. It records what each gave in `window.results`.
const ATTACKER: &str = r#"<!doctype html><html><head><meta charset="utf-8"></head><body>
<iframe name="sink"></iframe>
<form id="form" method="POST" enctype="text/plain" target="sink"><input name='{"agency": "หน่วยงานจากแบบฟอร์ม", "year": 2568, "x": "' value='"}'></form>
<script>
(async () => {
  const target = new URLSearchParams(location.search).get("target");
  const agency = (name) => JSON.stringify({ agency: name, year: 2568 });
  const sheet = "ผลการประเมิน ITA ปี ๒๕๖๖ จังหวัดผู้บุกรุก,,\nชื่อหน่วยงาน,อำเภอ,คะแนนรวม\nเทศบาลตำบลผู้บุกรุก,เมือง,90\n";
  const simple = { method: "POST", mode: "no-cors", credentials: "include", headers: { "Content-Type": "text/plain" } };
  const tries = [
    ["new", "/api/new", { ...simple, body: agency("หน่วยงานของผู้บุกรุก") }],
    ["import", "/api/import/x.csv?year=2566&per_agency=1", { ...simple, body: sheet }],
    ["check", "/api/check/x.json", { ...simple, body: "{}" }],
    ["json", "/api/new", { method: "POST", credentials: "include", headers: { "Content-Type": "application/json", "X-ITA-CSRF": "guess" }, body: agency("ผู้บุกรุกแบบ JSON") }],
    ["read", "/api/packages", { credentials: "include" }],
    ["page", "/", { credentials: "include" }],
  ];
  const results = {};
  for (const [name, path, options] of tries) {
    try {
      const response = await fetch(target + path, options);
      results[name] = response.type + " " + response.status + " " + (response.type === "opaque" ? "" : (await response.text()).slice(0, 200));
    } catch (e) {
      results[name] = "blocked";
    }
  }
  const form = document.getElementById("form");
  form.action = target + "/api/new";
  const sent = new Promise((resolve) => { document.querySelector("iframe").onload = resolve; setTimeout(resolve, 5000); });
  form.submit();
  await sent;
  window.results = results;
})();
</script></body></html>"#;

#[test]
fn a_page_on_another_origin_cannot_write_into_the_workspace() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let (site, open) = site_and_server("browser-csrf");
    let guarded = site.serve("127.0.0.1:0", Some("given-secret"));
    let elsewhere = Elsewhere::serve(ATTACKER);
    let driver = Driver::start(&chromedriver);
    let clerk = Browser::open(&driver, &chromium);
    let before = std::fs::read_dir(site.workspace()).unwrap().count();
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(site.workspace())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let listed = files();
    assert_eq!(listed.len(), before);

    // The clerk has the workspace open (and, with a token, its cookie), then visits the page
    // elsewhere.
    clerk.go(&format!("http://{}/", open.addr));
    clerk.wait(
        "the list",
        "return document.querySelectorAll('#packages tbody tr').length === 5;",
    );
    clerk.go(&format!("http://{}/?token=given-secret", guarded.addr));
    clerk.wait(
        "the list behind the token",
        "return document.querySelectorAll('#packages tbody tr').length === 5;",
    );
    for server in [&open, &guarded] {
        clerk.go(&format!(
            "http://{}/?target=http://{}",
            elsewhere.addr, server.addr
        ));
        clerk.wait("the attacks", "return !!window.results;");
        let results = clerk.script("return window.results;", json!([]));
        println!("{}: {results}", server.addr);
        assert_eq!(files(), listed, "nothing written by {results}");
        // No answer reaches the page elsewhere, neither the data nor the page with its token.
        for (name, result) in results.as_object().unwrap() {
            assert_eq!(result, "blocked", "{name}: {results}");
        }
    }

    // The clerk's own page still writes, with the page's token, also after the server was
    // started again (with a new token, which the page reads anew when refused).
    clerk.go(&format!("http://{}/", open.addr));
    clerk.wait(
        "the list",
        "return document.querySelectorAll('#packages tbody tr').length === 5;",
    );
    let (addr, old) = (open.addr, open.csrf.clone());
    drop(open);
    let open = site.serve(&addr.to_string(), None);
    assert_ne!(open.csrf, old);
    let made = clerk.script(
        "return api('POST', '/api/new', JSON.stringify({ agency: 'เทศบาลตำบลทดสอบ', year: 2568 })).then((a) => a.status);",
        json!([]),
    );
    assert_eq!(made, json!(201));
    assert_eq!(files().len(), before + 1);
}
