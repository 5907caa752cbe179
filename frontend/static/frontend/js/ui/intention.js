// One small step a week: written on a week's page ("one small thing for next week"), shown back on the
// next week's page. No tick box and no streak: it is a reminder of an intention, never a test.

import { api } from "../api.js";
import { field, h, showErrors } from "../dom.js";
import { notify } from "../notices.js";

export const INTENTION_MAX = 280;
const url = (weekStart) => `/api/intentions/${encodeURIComponent(weekStart)}`;

/** The intention written on that week's page, or "" (also when offline: it is never essential). */
export async function intentionOf(weekStart) {
  try {
    return (await api.get(url(weekStart))).text;
  } catch {
    return "";
  }
}

/** "Last week you meant to: …", said kindly, or null. */
export function lastWeekCard(text) {
  if (!text) return null;
  return h("aside", { class: "card card-quiet intention-back", aria: { label: "Last week's small step" } },
    h("p", {}, h("span", { class: "muted", text: "Last week you meant to: " }), h("span", { class: "intention-text", text })),
    h("p", { class: "small muted", text: "However it went, you made room for it. That counts." }));
}

export function intentionForm(weekStart, text) {
  const input = h("input", { type: "text", maxlength: String(INTENTION_MAX), autocomplete: "off", placeholder: "e.g. ask for ten quiet minutes after work" });
  input.value = text;
  const save = h("button", { type: "submit", class: "button button-small", text: "Keep it" });
  const form = h("form", { class: "card intention", novalidate: true },
    h("h2", { text: "One small thing for next week" }),
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "Something small you'd like to try", control: input, name: "text", hint: "Optional. Next week's page shows it back to you." }),
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await api.put(url(weekStart), { text: input.value.trim() });
      showErrors(form, null);
      notify(input.value.trim() ? "Kept for next week." : "Removed.");
    } catch (error) {
      showErrors(form, error.offline ? { message: "Keeping it needs a connection." } : error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
