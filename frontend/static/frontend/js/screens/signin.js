// Sign in. When the session ended while check-ins wait on this phone, say so: they are sent after.

import { append, field, h, showErrors } from "../dom.js";
import { afterSignIn } from "../lifecycle.js";
import { outboxEntries } from "../outbox.js";
import { plural } from "../format.js";
import { sessionExpired, signIn } from "../session.js";
import { kv } from "../db.js";

export async function render(main) {
  const username = h("input", { type: "text", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "button button-wide", text: "Sign in" });
  const form = h(
    "form",
    { novalidate: true },
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "Username", control: username, name: "username" }),
    field({ label: "Password", control: password, name: "password" }),
    h("div", { class: "actions" }, submit),
  );

  // Only after an expired session: reading the device's storage otherwise would recreate it after
  // sign-out wiped it.
  const stored = sessionExpired() ? await kv.get("me").catch(() => null) : null;
  let waitingNote = null;
  if (stored) {
    username.value = stored.username;
    const waiting = (await outboxEntries(stored.username)).length;
    waitingNote = h(
      "div",
      { class: "card card-quiet" },
      h("p", {
        text: waiting
          ? `Please sign in again. ${plural(waiting, "check-in")} saved on this phone will be sent as soon as you do.`
          : "Please sign in again to carry on.",
      }),
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await signIn({ username: username.value.trim(), password: password.value });
      await afterSignIn("#today");
    } catch (error) {
      showErrors(form, error.offline ? { message: "Signing in needs a connection. Please try again when you're online." } : error);
    } finally {
      submit.disabled = false;
    }
  });

  append(main, [
    h("h1", { text: "Welcome back" }),
    h("p", { class: "lead", text: "Name what you feel, the need underneath, and where it sits in your body." }),
    waitingNote,
    form,
    h("p", {}, "New here? ", h("a", { href: "#signup", text: "Create an account" })),
    h("p", { class: "small" }, h("a", { href: "#privacy", text: "What Attune keeps, and for whom" })),
  ]);
  if (username.value) password.focus();
}
