// Support at a hard moment: the local emergency number first, then where to find a helpline.

import { h } from "../dom.js";

export function render(main) {
  main.append(
    h("h1", { text: "If it feels like too much" }),
    h("p", { class: "lead", text: "You don't have to hold this alone. Reaching out is a strong thing to do." }),
    h("section", { class: "card card-attention", aria: { labelledby: "danger-heading" } },
      h("h2", { id: "danger-heading", text: "If you are in danger right now" }),
      h("p", { text: "Call your local emergency number. It is 112 across Europe and on most mobile phones, 911 in North America, 999 in the UK, 000 in Australia." }),
      h("p", { text: "If you might hurt yourself, please call now, or go to the nearest emergency department." })),
    h("section", { class: "card", aria: { labelledby: "helpline-heading" } },
      h("h2", { id: "helpline-heading", text: "Talk to someone" }),
      h("ul", { class: "prose" },
        h("li", { text: "Helplines are free and confidential, and many are open day and night. Search for “crisis line” with your country's name, or ask your doctor for the local one." }),
        h("li", { text: "In the US and Canada, call or text 988. In the UK and Ireland, Samaritans answer on 116 123." }),
        h("li", { text: "A person you trust counts too: a friend, family member or your therapist." }))),
    h("section", { class: "card card-quiet", aria: { labelledby: "now-heading" } },
      h("h2", { id: "now-heading", text: "For the next few minutes" }),
      h("ul", { class: "prose" },
        h("li", { text: "Breathe out slowly, longer than you breathe in: in for four, out for six." }),
        h("li", { text: "Feel your feet on the floor, and name five things you can see." }),
        h("li", { text: "This feeling is real, and it will change. You can come back to it later." }))),
    h("p", {}, h("a", { href: "#today", text: "Back to Today" })),
  );
}
