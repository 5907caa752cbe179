// Server-drawn charts: an SVG in the page's colour scheme (a <picture> swaps light and dark without
// script), and the calm "this needs a connection" state for screens that read the API.

import { append, h } from "../dom.js";

export function chartImage(path, alt) {
  const sep = path.includes("?") ? "&" : "?";
  return h("picture", {},
    h("source", { srcset: `${path}${sep}theme=dark`, media: "(prefers-color-scheme: dark)" }),
    h("img", { class: "chart", src: `${path}${sep}theme=light`, alt, width: "720", height: "400" }));
}

export function times(n) {
  if (n === 1) return "once";
  if (n === 2) return "twice";
  return `${n} times`;
}

export function needsConnection(main, title, error) {
  append(main, [
    h("h1", { text: title }),
    h("div", { class: "card card-quiet" },
      h("p", { text: error.offline ? "This screen needs a connection. Check-ins still work offline: they are saved on this phone and sent later." : error.message }),
      h("a", { class: "button button-small", href: "#checkin", text: "Check in" })),
  ]);
  return null;
}
