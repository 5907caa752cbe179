// One check-in as a card in the history: word, intensity (and after naming it), need, what would help
// and body in words, then the note and the kinder line.

import { h } from "../dom.js";
import { intensityLabel, timeOf } from "../format.js";
import { nameOf } from "../vocabulary.js";

export function bodyText(c) {
  const sensation = nameOf("sensation", c.sensation);
  const area = nameOf("body_area", c.body_area);
  if (sensation && area) return `${sensation} in the ${area}`;
  return sensation || (area ? `in the ${area}` : "");
}

/** "7 · strong", or "7 · strong → 5 · moderate once named" when the naming question was answered. */
export function strengthText(c) {
  const before = intensityLabel(c.intensity);
  return c.intensity_after === null || c.intensity_after === undefined ? before : `${before} → ${intensityLabel(c.intensity_after)} once named`;
}

export function entryCard(c, { zone, href, badge } = {}) {
  const meta = [strengthText(c)];
  if (c.need) meta.push(`needed ${nameOf("need", c.need)}`);
  if (c.would_help) meta.push(`would help: ${nameOf("help", c.would_help)}`);
  const body = bodyText(c);
  if (body) meta.push(body);
  return h(href ? "a" : "div", { class: "entry", href },
    h("div", { class: "entry-top" },
      h("span", { class: "entry-word", text: nameOf("emotion", c.emotion) }),
      h("span", { class: "entry-time", text: timeOf(c.occurred_at, zone) })),
    h("p", { class: "entry-meta", text: meta.join(" · ") }),
    c.note ? h("p", { class: "entry-note", text: c.note }) : null,
    c.kind_line ? h("p", { class: "entry-kind", text: `Kinder line: ${c.kind_line}` }) : null,
    badge ? h("span", { class: `badge ${badge.kind || ""}`, text: badge.text }) : null);
}
