// Toggle chips: a list of buttons with aria-pressed. Words are never told apart by colour alone: the
// pressed one is also bold and announced as pressed.

import { h } from "../dom.js";

/**
 * items: [{slug, name, mark?}]; selected: slug or null; onSelect(slug or null).
 * Pressing the chosen chip again clears the choice when `clearable`.
 * With `multiple`, selected is a list of slugs, each chip toggles on its own and onSelect gets the list.
 */
export function chips(items, { selected = null, onSelect, clearable = true, label, multiple = false } = {}) {
  const list = h("ul", { class: "chips", aria: label ? { label } : undefined });
  const isOn = (slug) => (multiple ? selected.includes(slug) : slug === selected);
  for (const item of items) {
    const button = h(
      "button",
      {
        type: "button",
        class: "chip",
        aria: { pressed: String(isOn(item.slug)) },
        data: { slug: item.slug },
        onclick: () => {
          if (multiple) selected = isOn(item.slug) ? selected.filter((s) => s !== item.slug) : [...selected, item.slug];
          else selected = item.slug === selected && clearable ? null : item.slug;
          for (const b of list.querySelectorAll("button")) b.setAttribute("aria-pressed", String(isOn(b.dataset.slug)));
          onSelect?.(selected);
        },
      },
      item.name,
      item.mark ? h("span", { class: "chip-mark", text: item.mark }) : null,
    );
    list.append(h("li", {}, button));
  }
  return list;
}
