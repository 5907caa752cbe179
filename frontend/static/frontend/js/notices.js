// Calm notices at the top of the screen and the one-line sync status. Nothing here ever shows a
// feeling, need or note: only the app's own words.

import { h } from "./dom.js";

export function notify(text, { actionLabel, onAction, id, persistent = false } = {}) {
  const area = document.getElementById("notices");
  if (id) document.getElementById(id)?.remove();
  const close = () => notice.remove();
  const notice = h(
    "div",
    { class: "notice", id, role: "status" },
    h("p", { text }),
    actionLabel
      ? h("button", {
          type: "button",
          class: "button button-small",
          text: actionLabel,
          onclick: () => {
            close();
            onAction?.();
          },
        })
      : null,
    h("button", { type: "button", class: "icon-button", aria: { label: "Dismiss" }, text: "×", onclick: close }),
  );
  area.append(notice);
  if (!persistent) setTimeout(close, 6000);
  return close;
}

let statusTimer = null;
export function setSyncStatus(text, { fade = false } = {}) {
  const line = document.getElementById("sync-status");
  if (!line) return;
  clearTimeout(statusTimer);
  line.textContent = text;
  if (fade) statusTimer = setTimeout(() => (line.textContent = ""), 4000);
}
