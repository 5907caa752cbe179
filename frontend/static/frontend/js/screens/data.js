// Your data: export (JSON or CSV), import (Attune JSON or CSV, Daylio CSV, with a mapping for unknown
// moods), the report for a therapist, and deleting the account.

import { api, ApiError, csrfToken } from "../api.js";
import { append, clear, field, h, showErrors } from "../dom.js";
import { addDays, localDateOf, plural } from "../format.js";
import { afterAccountDeleted } from "../lifecycle.js";
import { notify } from "../notices.js";
import { currentUser } from "../session.js";
import { ask } from "../ui/dialog.js";
import { vocabulary } from "../vocabulary.js";

/** POST a file with upload progress (fetch cannot report it). */
async function uploadWithProgress(path, form, onProgress) {
  const token = await csrfToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.send(form);
  });
}

function exportSection() {
  return h("section", { class: "card" },
    h("h2", { text: "Export everything" }),
    h("p", { text: "All your check-ins, words, settings and reminders, as a file for you to keep." }),
    h("div", { class: "actions" },
      h("a", { class: "button button-small", href: "/api/export?format=json", download: "", text: "Download (JSON)" }),
      h("a", { class: "button button-small button-secondary", href: "/api/export?format=csv", download: "", text: "Download for a spreadsheet (CSV)" })),
    h("p", { class: "small muted", text: "JSON keeps everything and can be imported again. CSV opens in any spreadsheet." }));
}

function importSection(v) {
  const box = h("section", { class: "card" });
  const file = h("input", { type: "file", accept: ".json,.csv,application/json,text/csv" });
  const progress = h("progress", { max: "1", value: "0", hidden: true, aria: { label: "Upload" } });
  const result = h("div", { aria: { live: "polite" } });
  const submit = h("button", { type: "submit", class: "button button-small", text: "Import" });
  const form = h("form", { novalidate: true },
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "A file to import", control: file, name: "file", hint: "An Attune export (JSON or CSV), or a Daylio CSV export." }),
    progress,
    h("div", { class: "actions" }, submit));
  let mapping = null;

  async function send() {
    if (!file.files.length) return showErrors(form, { fields: { file: ["Choose a file first."] } });
    const body = new FormData();
    body.append("file", file.files[0]);
    if (mapping) body.append("mapping", JSON.stringify(mapping));
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    clear(result);
    result.append(h("p", { class: "muted", text: "Importing…" }));
    try {
      const outcome = await uploadWithProgress("/api/import", body, (share) => (progress.value = share));
      showErrors(form, null);
      showResult(outcome);
    } catch (error) {
      clear(result);
      showErrors(form, error.offline ? { message: "Importing needs a connection." } : error);
    } finally {
      submit.disabled = false;
      progress.hidden = true;
    }
  }

  function showResult(outcome) {
    clear(result);
    const words = [`Imported ${plural(outcome.imported, "check-in")}.`];
    if (outcome.skipped) words.push(`${plural(outcome.skipped, "row")} skipped (already here, or waiting for a word below).`);
    result.append(h("div", { class: "card card-quiet" }, h("p", { text: words.join(" ") }),
      outcome.errors.length ? h("ul", { class: "prose" }, outcome.errors.map((e) => h("li", { text: `Row ${e.row}: ${e.message}` }))) : null,
      (outcome.warnings || []).length ? h("ul", { class: "prose small" }, outcome.warnings.map((w) => h("li", { text: typeof w === "string" ? w : `Row ${w.row}: ${w.message}` }))) : null));
    if (outcome.unknown_labels?.length) result.append(mappingForm(outcome.unknown_labels));
  }

  function mappingForm(labels) {
    const emotions = [...v.emotions].sort((a, b) => a.name.localeCompare(b.name));
    const selects = labels.map((label) => [label, h("select", {}, h("option", { value: "", text: "Choose a feeling" }), emotions.map((w) => h("option", { value: w.slug, text: w.name })))]);
    const mapForm = h("form", { class: "card", novalidate: true },
      h("h3", { text: "Which feeling is each of these moods?" }),
      h("p", { class: "small muted", text: "Your file uses moods Attune does not know. Choose the closest feeling for each, then import again: rows already imported are not added twice." }),
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      selects.map(([label, select]) => field({ label, control: select, name: `map-${label}` })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button button-small", text: "Import again with these feelings" })));
    mapForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const missing = selects.filter(([, s]) => !s.value);
      if (missing.length) return showErrors(mapForm, { message: "Choose a feeling for each mood." });
      mapping = Object.fromEntries(selects.map(([label, s]) => [label, s.value]));
      send();
    });
    return mapForm;
  }

  file.addEventListener("change", () => {
    mapping = null;
    clear(result);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  append(box, [h("h2", { text: "Import" }), h("p", { text: "Bring in check-ins from an Attune export or from Daylio. Importing the same file twice adds nothing." }), form, result]);
  return box;
}

function reportSection(profile) {
  const today = localDateOf(Date.now(), profile);
  const from = h("input", { type: "date", value: addDays(today, -27), max: today });
  const to = h("input", { type: "date", value: today, max: today });
  // What is private stays out unless ticked: notes, kinder lines, the small steps of each week.
  const optional = [["include_notes", "Include my notes"], ["include_kind_lines", "Include my kinder lines"], ["include_intentions", "Include my small steps for each week"]]
    .map(([param, label]) => ({ param, label, box: h("input", { type: "checkbox" }) }));
  const link = h("a", { class: "button button-small", download: "", text: "Download the PDF" });
  const update = () => {
    const q = new URLSearchParams({ from: from.value, to: to.value });
    for (const { param, box } of optional) if (box.checked) q.set(param, "true");
    link.href = `/api/report.pdf?${q}`;
  };
  [from, to, ...optional.map((o) => o.box)].forEach((el) => el.addEventListener("change", update));
  update();
  return h("section", { class: "card" },
    h("h2", { text: "A report for your therapist" }),
    h("p", { text: "A few pages with your trends, feelings, needs, what would help, your boundaries and body, in plain words, to print or share if you choose." }),
    h("div", { class: "filters-grid" }, field({ label: "From", control: from, name: "from" }), field({ label: "To", control: to, name: "to" })),
    optional.map(({ box, label }) => h("label", { class: "choice" }, box, label)),
    h("p", { class: "small muted", text: "These are left out unless you tick them. With notes, the report holds the newest ones that fit twelve pages; the export always has them all." }),
    h("div", { class: "actions" }, link));
}

function deleteSection() {
  const password = h("input", { type: "password", autocomplete: "current-password" });
  const form = h("form", { class: "card card-attention", novalidate: true },
    h("h2", { text: "Delete your account" }),
    h("p", { text: "This deletes your account and everything in it, for good: every check-in and note, your own words, reminders, notification devices and the calendar link. It also removes what Attune keeps on this phone. Export first if you want a copy." }),
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "Your password, to confirm", control: password, name: "password" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button button-danger", text: "Delete my account" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!password.value) return showErrors(form, { fields: { password: ["Enter your password to confirm."] } });
    const answer = await ask({ title: "Delete everything?", text: "There is no undo.", actions: [{ label: "Keep my account", value: null, kind: "button-quiet" }, { label: "Delete everything", value: "yes", kind: "button-danger" }] });
    if (!answer) return;
    try {
      await api.delete("/api/me", { password: password.value });
      await afterAccountDeleted();
      notify("Your account and everything in it are deleted.", { persistent: true });
    } catch (error) {
      showErrors(form, error.offline ? { message: "Deleting your account needs a connection." } : error);
    }
  });
  return form;
}

export async function render(main) {
  const profile = currentUser();
  const v = await vocabulary();
  append(main, [
    h("h1", { text: "Your data" }),
    h("p", { class: "lead", text: "It is yours: take it with you, bring it in, or delete it." }),
    navigator.onLine ? null : h("p", { class: "card card-quiet", text: "These need a connection. Check-ins still work offline." }),
    exportSection(),
    importSection(v),
    reportSection(profile),
    deleteSection(),
    h("p", {}, h("a", { href: "#settings", text: "Back to settings" })),
  ]);
}
