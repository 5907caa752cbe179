// Settings: the account, the day and week, your data, install, and signing out.

import { h } from "../dom.js";
import { plural } from "../format.js";
import { signOutAndWipe } from "../lifecycle.js";
import { notify } from "../notices.js";
import { outboxEntries } from "../outbox.js";
import { currentUser } from "../session.js";
import { syncNow } from "../sync.js";
import { ask } from "../ui/dialog.js";

export async function render(main) {
  const profile = currentUser();
  async function signOut() {
    let waiting = (await outboxEntries(profile.username)).length;
    if (waiting) {
      const answer = await ask({
        title: "Some check-ins are only on this phone",
        text: [`${plural(waiting, "check-in")} ${waiting === 1 ? "has" : "have"} not reached the server yet. Signing out removes everything Attune keeps on this phone.`],
        actions: [
          { label: "Sync first", value: "sync" },
          { label: "Sign out and discard", value: "discard", kind: "button-danger" },
          { label: "Cancel", value: null, kind: "button-quiet" },
        ],
      });
      if (!answer) return;
      if (answer === "sync") {
        await syncNow();
        waiting = (await outboxEntries(profile.username)).length;
        if (waiting) {
          notify(`${plural(waiting, "check-in")} could not be sent yet. You are still signed in.`);
          return;
        }
      }
    }
    try {
      await signOutAndWipe();
    } catch (error) {
      notify(error.offline ? "Signing out needs a connection, so the server can end your session." : error.message);
    }
  }
  main.append(
    h("h1", { text: "Settings" }),
    h("p", { class: "lead", text: `Signed in as ${profile.username}` }),
    h("ul", { class: "list" },
      h("li", {}, h("a", { href: "#privacy", text: "Your privacy" })),
      h("li", {}, h("a", { href: "#support", text: "If it feels like too much" }))),
    h("div", { class: "actions" }, h("button", { type: "button", class: "button button-quiet", text: "Sign out", onclick: signOut })),
  );
}
