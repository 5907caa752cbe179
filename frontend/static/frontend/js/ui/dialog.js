// A modal question with a few answers, on the native <dialog> (focus trap and Escape for free).

import { h } from "../dom.js";

/** Resolves with the chosen action's value, or null when dismissed. */
export function ask({ title, text, actions }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { aria: { labelledby: "dialog-title" } },
      h("h2", { id: "dialog-title", text: title }),
      [].concat(text).map((t) => h("p", { text: t })),
      h("div", { class: "actions" }, actions.map((a) =>
        h("button", { type: "button", class: `button ${a.kind || ""}`, text: a.label, onclick: () => finish(a.value) }))));
    const finish = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
