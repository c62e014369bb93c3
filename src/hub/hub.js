// The hub's uploads (a results sheet, a signed PDF): the file is sent as the body with the
// session's CSRF token in a header, and the answer shown beside the form.
"use strict";
const csrf = () => document.querySelector("meta[name='ita-csrf']")?.content || "";
for (const form of document.querySelectorAll("form[data-upload]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const output = form.querySelector("output");
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    let url = form.dataset.upload;
    const year = form.querySelector("input[name=year]");
    if (year) url += "?year=" + encodeURIComponent(year.value) + "&file=" + encodeURIComponent(file.name);
    const type = url.startsWith("/api/signed/") ? "application/pdf" : (file.type || "application/octet-stream");
    output.textContent = "กำลังส่ง…";
    try {
      const response = await fetch(url, { method: "POST", body: file, credentials: "same-origin", headers: { "X-ITA-CSRF": csrf(), "Content-Type": type } });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        output.textContent = "สำเร็จ";
        location.reload();
      } else {
        output.textContent = answer.error || ("ไม่สำเร็จ (" + response.status + ")");
      }
    } catch (error) {
      output.textContent = "ติดต่อเครื่องแม่ข่ายไม่ได้: " + error;
    }
  });
}
