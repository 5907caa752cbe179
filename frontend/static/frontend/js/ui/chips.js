// Toggle chips: a list of buttons with aria-pressed. Words are never told apart by colour alone: the
// pressed one is also bold and announced as pressed.

import { h } from "../dom.js";

/**
 * items: [{slug, name, mark?}]; selected: slug or null; onSelect(slug or null).
 * Pressing the chosen chip again clears the choice when `clearable`.
 */
export function chips(items, { selected = null, onSelect, clearable = true, label } = {}) {
  const list = h("ul", { class: "chips", aria: label ? { label } : undefined });
  for (const item of items) {
    const button = h(
      "button",
      {
        type: "button",
        class: "chip",
        aria: { pressed: String(item.slug === selected) },
        data: { slug: item.slug },
        onclick: () => {
          const next = item.slug === selected && clearable ? null : item.slug;
          selected = next;
          for (const b of list.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.slug === next));
          onSelect?.(next);
        },
      },
      item.name,
      item.mark ? h("span", { class: "chip-mark", text: item.mark }) : null,
    );
    list.append(h("li", {}, button));
  }
  return list;
}
