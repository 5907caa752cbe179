// One check-in: everything it holds in words (and a boundary the person wrote for its need), with edit
// and delete.

import { api } from "../api.js";
import { boundariesFor } from "../boundaries.js";
import { append, h } from "../dom.js";
import { dayLabel, localDateOf, timeOf } from "../format.js";
import { notify } from "../notices.js";
import { discard, outboxEntries } from "../outbox.js";
import { go } from "../router.js";
import { currentUser } from "../session.js";
import { ask } from "../ui/dialog.js";
import { boundaryNote } from "../ui/boundary.js";
import { bodyText, strengthText } from "../ui/entry.js";
import { nameOf, vocabulary } from "../vocabulary.js";

export async function render(main, { arg: id }) {
  const profile = currentUser();
  const v = await vocabulary();
  const waiting = (await outboxEntries(profile.username)).find((e) => e.id === id);
  let c;
  try {
    c = waiting ? { ...waiting.body, id } : await api.get(`/api/checkins/${encodeURIComponent(id)}/`);
  } catch (error) {
    append(main, [h("h1", { text: "Check-in not found" }), h("p", { text: error.offline ? "Opening it needs a connection." : "It may have been deleted." }), h("p", {}, h("a", { href: "#today", text: "Back to Today" }))]);
    return null;
  }
  const word = v.emotion.get(c.emotion);
  const need = v.need.get(c.need);
  const today = localDateOf(Date.now(), profile);
  const day = c.local_date || localDateOf(c.occurred_at, profile);
  const rows = [
    ["Strength", strengthText(c)],
    ["Needed", need ? need.name : "—"],
    ["Would help", c.would_help ? nameOf("help", c.would_help) : "—"],
    ["Body", bodyText(c) || "—"],
    ["When", `${dayLabel(day, today)}, ${timeOf(c.occurred_at, profile.timezone)}`],
    ["Who or where", (c.context || []).join(", ") || "—"],
  ];
  async function remove() {
    const answer = await ask({
      title: "Delete this check-in?",
      text: "It is removed from your history for good.",
      actions: [{ label: "Keep it", value: null, kind: "button-quiet" }, { label: "Delete", value: "delete", kind: "button-danger" }],
    });
    if (!answer) return;
    try {
      if (waiting) await discard(id);
      else await api.delete(`/api/checkins/${encodeURIComponent(id)}/`);
      notify("Deleted.");
      go("#today");
    } catch (error) {
      notify(error.offline ? "Deleting needs a connection." : error.message);
    }
  }
  append(main, [
    h("h1", { text: nameOf("emotion", c.emotion) }),
    word?.definition ? h("p", { class: "lead", text: word.definition }) : null,
    waiting ? h("p", {}, h("span", { class: "badge", text: "Waiting to sync" })) : null,
    h("dl", { class: "detail-list" }, rows.flatMap(([k, val]) => [h("dt", { text: k }), h("dd", { text: val })])),
    c.note ? h("section", { class: "card" }, h("h2", { text: "Note" }), h("p", { class: "note-text", text: c.note })) : null,
    c.harsh_line || c.kind_line
      ? h("section", { class: "card", aria: { labelledby: "kind-heading" } },
        h("h2", { id: "kind-heading", text: "A kinder line" }),
        c.harsh_line ? h("p", { class: "harsh-line" }, h("span", { class: "muted", text: "Instead of: " }), h("span", { text: c.harsh_line })) : null,
        c.kind_line ? h("p", { class: "kind-line-text", text: c.kind_line }) : null)
      : null,
    boundaryNote(await boundariesFor(c.need), need?.name || ""),
    h("div", { class: "actions" },
      h("a", { class: "button", href: `#checkin/${encodeURIComponent(id)}`, text: "Edit" }),
      h("button", { type: "button", class: "button button-danger", text: "Delete", onclick: remove })),
    h("p", {}, h("a", { href: "#today", text: "Back to Today" })),
  ]);
  return null;
}
