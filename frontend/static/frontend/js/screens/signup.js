// Sign up: the privacy statement first, then a username, a password and the time zone (detected).

import { field, h, showErrors } from "../dom.js";
import { deviceZone } from "../format.js";
import { afterSignIn } from "../lifecycle.js";
import { signUp } from "../session.js";
import { privacyPoints } from "./privacy.js";
import { zoneSelect } from "../ui/zones.js";

export function render(main) {
  const username = h("input", { type: "text", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true, maxlength: "150" });
  const password = h("input", { type: "password", autocomplete: "new-password", required: true, minlength: "10" });
  const zone = zoneSelect(deviceZone());
  const submit = h("button", { type: "submit", class: "button button-wide", text: "Create my account" });
  const form = h(
    "form",
    { novalidate: true },
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "Username", control: username, name: "username", hint: "Letters, digits and @ . + - _ only. It need not be your name." }),
    field({ label: "Password", control: password, name: "password", hint: "At least 10 characters. A short sentence works well." }),
    field({ label: "Time zone", control: zone, name: "timezone", hint: "Found from this phone. Your days are counted in it." }),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await signUp({ username: username.value.trim(), password: password.value, timezone: zone.value });
      await afterSignIn("#checkin");
    } catch (error) {
      showErrors(form, error.offline ? { message: "Creating an account needs a connection." } : error);
    } finally {
      submit.disabled = false;
    }
  });
  main.append(
    h("h1", { text: "Create your account" }),
    h("section", { class: "card card-quiet", aria: { labelledby: "privacy-heading" } },
      h("h2", { id: "privacy-heading", text: "Before you start: your privacy" }),
      h("ul", { class: "prose" }, privacyPoints().map((text) => h("li", { text })))),
    form,
    h("p", {}, "Already have an account? ", h("a", { href: "#signin", text: "Sign in" })),
  );
}
