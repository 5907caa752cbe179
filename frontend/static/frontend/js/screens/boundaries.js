// Boundaries: what the person will and won't accept, each linked to the needs it protects. When a later
// check-in names one of those needs, the check-in and its page show the boundary quietly.

import { append, clear, field, h, showErrors } from "../dom.js";
import { deleteBoundary, loadBoundaries, saveBoundary } from "../boundaries.js";
import { notify } from "../notices.js";
import { ask } from "../ui/dialog.js";
import { chips } from "../ui/chips.js";
import { nameOf, searchWords, vocabulary } from "../vocabulary.js";

const TEXT_MAX = 500;
const NEEDS_MAX = 10; // the server's limit (tracker.practices.BOUNDARY_NEEDS_MAX)

export async function render(main) {
  const v = await vocabulary();
  let list = await loadBoundaries();
  const listSlot = h("div", {});
  const formSlot = h("div", {});

  function showList() {
    clear(listSlot);
    if (!list.length) {
      listSlot.append(h("div", { class: "card card-quiet empty" },
        h("p", { text: "No boundaries yet, and there's no hurry." }),
        h("p", { text: "A boundary says what you will and won't accept. Writing one down, when you're calm, makes it easier to hold when it matters." })));
      return;
    }
    listSlot.append(h("ul", { class: "entries" }, list.map((b) => h("li", {}, h("article", { class: "card boundary" },
      h("p", { class: "boundary-text", text: b.text }),
      b.needs.length ? h("p", { class: "small muted", text: `Protects: ${b.needs.map((s) => nameOf("need", s)).join(", ")}` }) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button button-small button-secondary", text: "Edit", aria: { label: `Edit: ${b.text.slice(0, 40)}` }, onclick: () => showForm(b) }),
        h("button", { type: "button", class: "button button-small button-quiet", text: "Delete", aria: { label: `Delete: ${b.text.slice(0, 40)}` }, onclick: () => remove(b) })))))));
  }

  async function remove(b) {
    const answer = await ask({
      title: "Delete this boundary?",
      text: "It will no longer show beside your check-ins.",
      actions: [{ label: "Keep it", value: null, kind: "button-quiet" }, { label: "Delete", value: "delete", kind: "button-danger" }],
    });
    if (!answer) return;
    try {
      await deleteBoundary(b.id);
      list = list.filter((x) => x.id !== b.id);
      showList();
      notify("Deleted.");
    } catch (error) {
      notify(error.offline ? "Deleting needs a connection." : error.message);
    }
  }

  function showForm(existing = null) {
    clear(formSlot);
    let needs = existing ? [...existing.needs] : [];
    const text = h("textarea", { maxlength: String(TEXT_MAX), rows: "3", placeholder: "e.g. I won't stay in a conversation where I'm shouted at." });
    text.value = existing?.text || "";
    const chosen = h("div", { aria: { live: "polite" } });
    const results = h("div", {});
    const search = h("input", { type: "search", autocomplete: "off", placeholder: "e.g. to be heard" });
    const showChosen = () => {
      clear(chosen);
      if (needs.length) chosen.append(chips(needs.map((s) => ({ slug: s, name: nameOf("need", s) })), { selected: needs, multiple: true, label: "Needs it protects", onSelect: (next) => { needs = next; showChosen(); showResults(); } }));
      else chosen.append(h("p", { class: "small muted", text: "No need linked yet." }));
    };
    const showResults = () => {
      clear(results);
      const found = searchWords(v.needs, search.value, 10);
      const choose = (next) => {
        if (next.length > NEEDS_MAX) {
          notify(`A boundary can protect up to ${NEEDS_MAX} needs.`, { id: "needs-max" });
          showResults(); // back to the chips as they were
          return;
        }
        needs = next;
        showChosen();
      };
      if (found.length) results.append(chips(found.map((n) => ({ slug: n.slug, name: n.name })), { selected: needs, multiple: true, label: "Matching needs", onSelect: choose }));
      else if (search.value.trim()) results.append(h("p", { class: "small muted", text: "No need matches that yet." }));
    };
    search.addEventListener("input", showResults);
    const save = h("button", { type: "submit", class: "button", text: existing ? "Save changes" : "Save boundary" });
    const form = h("form", { class: "card", novalidate: true },
      h("h2", { text: existing ? "Change this boundary" : "A new boundary" }),
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      field({ label: "What I will and won't accept", control: text, name: "text", hint: "In your own words. Only you can read it." }),
      h("div", { class: "field", data: { field: "needs" } },
        h("h3", { class: "label", text: "The needs it protects" }),
        chosen,
        h("p", { class: "field-error", hidden: true })),
      field({ label: "Find a need to link", control: search, name: "need-search" }),
      results,
      h("div", { class: "actions" }, save, h("button", { type: "button", class: "button button-quiet", text: "Cancel", onclick: () => showAddButton() })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        const saved = await saveBoundary({ id: existing?.id, text: text.value.trim(), needs });
        list = existing ? list.map((b) => (b.id === saved.id ? saved : b)) : [saved, ...list];
        showList();
        showAddButton();
        notify("Boundary saved.");
      } catch (error) {
        showErrors(form, error.offline ? { message: "Saving a boundary needs a connection." } : error);
      } finally {
        save.disabled = false;
      }
    });
    showChosen();
    formSlot.append(form);
    text.focus();
  }

  function showAddButton() {
    clear(formSlot);
    formSlot.append(h("div", { class: "actions" }, h("button", { type: "button", class: "button", text: "Write a boundary", onclick: () => showForm() })));
  }

  append(main, [
    h("h1", { text: "Your boundaries" }),
    h("p", { class: "lead", text: "What you will and won't accept, and the needs each one protects. When a check-in names one of those needs, Attune shows you the boundary you wrote." }),
    formSlot,
    listSlot,
    h("p", {}, h("a", { href: "#settings", text: "Back to Settings" })),
  ]);
  showAddButton();
  showList();
  return null;
}
