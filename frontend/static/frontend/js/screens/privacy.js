// The privacy statement, short and plain.

import { h } from "../dom.js";
import { currentUser } from "../session.js";

export function privacyPoints() {
  return [
    "Attune stores what you enter: your check-ins (feelings, needs, body, notes, times), your reminders and your settings, on this app's server, under your account only.",
    "Nothing goes to anyone else: no advertisers, no analytics, no other company's servers. Reminders carry no feeling or note, only “Time for a gentle check-in”.",
    "This phone keeps a copy of the app and any check-ins not yet sent, so it works offline. Signing out removes them.",
    "Your data is yours: you can export all of it, import it elsewhere, and delete your account and everything in it at any time.",
  ];
}

export function render(main) {
  main.append(
    h("h1", { text: "Your privacy" }),
    h("div", { class: "prose" },
      h("p", { class: "lead", text: "What you write here is some of the most private data there is. This is how Attune treats it." }),
      h("ul", {}, privacyPoints().map((text) => h("li", { text }))),
      h("p", { text: "Export, import and deletion are under Settings, and always will be." })),
    h("p", {}, h("a", { href: currentUser() ? "#settings" : "#signup", text: currentUser() ? "Back to settings" : "Create an account" })),
  );
}
