// A harsh line and a kinder one beside it, both private like the note. The examples are shown as
// examples: nothing is filled in for the person.

import { field, h } from "../dom.js";

export const LINE_MAX = 500;

/** Two text areas bound to state.harsh_line and state.kind_line; onInput after each change. */
export function kindLineFields(state, examples, onInput) {
  const area = (key, label, hint) => {
    const control = h("textarea", { maxlength: String(LINE_MAX), rows: "2" });
    control.value = state[key] || "";
    control.addEventListener("input", () => {
      state[key] = control.value;
      onInput();
    });
    return field({ label, control, name: key, hint });
  };
  return h("div", { class: "kind-line" },
    area("harsh_line", "The harsh line (optional)", "What the inner critic says, in its words."),
    area("kind_line", "A kinder line (optional)", "What you would say to a friend who felt this."),
    examples.length
      ? h("details", { class: "examples" },
        h("summary", { text: "Examples of kinder lines" }),
        h("ul", { class: "prose" }, examples.map((e) => h("li", {}, h("span", { class: "muted", text: `“${e.harsh}”` }), " → ", h("span", { text: `“${e.kind}”` })))))
      : null);
}
