// A simple body outline whose areas are labelled, focusable buttons; the same areas also come as a list
// of chips beside it (the outline is a help, never the only way).

import { h } from "../dom.js";

const S = { svg: true };
// Shapes on a 160 × 330 front view; "back" is the small rear figure, "whole body" the dashed halo.
const SHAPES = {
  "whole-body": [["ellipse", { cx: 80, cy: 165, rx: 76, ry: 160, class: "halo" }]],
  head: [["circle", { cx: 80, cy: 32, r: 22 }]],
  jaw: [["path", { d: "M66 46 Q80 62 94 46 L94 52 Q80 68 66 52 Z" }]],
  throat: [["rect", { x: 72, y: 60, width: 16, height: 14, rx: 4 }]],
  shoulders: [["path", { d: "M40 78 Q48 72 70 74 L70 88 L40 92 Z" }], ["path", { d: "M120 78 Q112 72 90 74 L90 88 L120 92 Z" }]],
  chest: [["rect", { x: 52, y: 90, width: 56, height: 42, rx: 8 }]],
  stomach: [["rect", { x: 55, y: 134, width: 50, height: 42, rx: 8 }]],
  arms: [["rect", { x: 28, y: 94, width: 20, height: 92, rx: 9 }], ["rect", { x: 112, y: 94, width: 20, height: 92, rx: 9 }]],
  hands: [["circle", { cx: 38, cy: 198, r: 11 }], ["circle", { cx: 122, cy: 198, r: 11 }]],
  legs: [["rect", { x: 56, y: 180, width: 21, height: 128, rx: 9 }], ["rect", { x: 83, y: 180, width: 21, height: 128, rx: 9 }]],
  back: [["rect", { x: 128, y: 232, width: 26, height: 40, rx: 8 }]],
};
const ORDER = ["whole-body", "head", "jaw", "throat", "shoulders", "chest", "stomach", "arms", "hands", "legs", "back"];

export function bodyOutline(areas, { selected, onSelect }) {
  const names = new Map(areas.map((a) => [a.slug, a.name]));
  const groups = new Map();
  const svg = h("svg", { ...S, viewBox: "0 0 160 330", class: "body-figure", role: "group", aria: { label: "Body outline: choose an area" } });
  const select = (slug) => {
    selected = selected === slug ? null : slug;
    for (const [s, g] of groups) g.setAttribute("aria-pressed", String(s === selected));
    onSelect?.(selected);
  };
  for (const slug of ORDER) {
    if (!names.has(slug)) continue;
    const group = h("g", { ...S, class: "region-group", role: "button", tabindex: "0", aria: { label: names.get(slug), pressed: String(slug === selected) }, data: { area: slug } });
    for (const [tag, attrs] of SHAPES[slug]) {
      group.append(h(tag, { ...S, ...attrs, class: attrs.class || "region" }));
    }
    if (slug === "back") group.append(h("text", { ...S, x: 141, y: 286, "text-anchor": "middle", text: "back" }));
    group.addEventListener("click", (event) => {
      event.stopPropagation();
      select(slug);
    });
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(slug);
      }
    });
    groups.set(slug, group);
    svg.append(group);
  }
  return {
    el: svg,
    set(slug) {
      selected = slug;
      for (const [s, g] of groups) g.setAttribute("aria-pressed", String(s === selected));
    },
  };
}
