// A boundary the person wrote, shown quietly where it matters: beside a check-in that names a need it
// protects.

import { h } from "../dom.js";

export function boundaryNote(boundaries, needName) {
  if (!boundaries.length) return null;
  return h("aside", { class: "card card-quiet boundary-note", aria: { label: "Your boundary" } },
    h("p", { class: "small muted", text: boundaries.length === 1 ? `A boundary you wrote for ${needName}:` : `Boundaries you wrote for ${needName}:` }),
    boundaries.map((b) => h("p", { class: "boundary-text", text: b.text })));
}
