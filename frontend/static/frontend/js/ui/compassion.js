// The self-compassion card on Today: three short parts, dismissible, never a task.

import { h } from "../dom.js";
import { dismissCompassion } from "../compassion.js";

export function compassionCard(card) {
  const part = (title, text) => h("div", { class: "compassion-part" }, h("h3", { text: title }), h("p", { text }));
  const box = h("aside", { class: "card compassion", aria: { labelledby: "compassion-heading" } },
    h("h2", { id: "compassion-heading", text: "A moment of kindness" }),
    part("Kindness", card.kindness),
    part("You're not alone", card.common_humanity),
    part("Just this moment", card.mindfulness),
    h("div", { class: "actions" }, h("button", {
      type: "button", class: "button button-small button-quiet", text: "Thank you",
      onclick: async () => {
        await dismissCompassion();
        box.remove();
      },
    })));
  return box;
}
