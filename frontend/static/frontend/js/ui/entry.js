// One check-in as a card in the history: word, intensity, need and body in words.

import { h } from "../dom.js";
import { intensityLabel, timeOf } from "../format.js";
import { nameOf } from "../vocabulary.js";

export function bodyText(c) {
  const sensation = nameOf("sensation", c.sensation);
  const area = nameOf("body_area", c.body_area);
  if (sensation && area) return `${sensation} in the ${area}`;
  return sensation || (area ? `in the ${area}` : "");
}

export function entryCard(c, { zone, href, badge } = {}) {
  const meta = [intensityLabel(c.intensity)];
  if (c.need) meta.push(`needed ${nameOf("need", c.need)}`);
  const body = bodyText(c);
  if (body) meta.push(body);
  return h(href ? "a" : "div", { class: "entry", href },
    h("div", { class: "entry-top" },
      h("span", { class: "entry-word", text: nameOf("emotion", c.emotion) }),
      h("span", { class: "entry-time", text: timeOf(c.occurred_at, zone) })),
    h("p", { class: "entry-meta", text: meta.join(" · ") }),
    c.note ? h("p", { class: "entry-note", text: c.note }) : null,
    badge ? h("span", { class: `badge ${badge.kind || ""}`, text: badge.text }) : null);
}
