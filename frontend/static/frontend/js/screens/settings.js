// Settings: your day and week, the gentle prompts, your boundaries and data, installing the app, privacy
// and support, signing out.

import { append, field, h, showErrors } from "../dom.js";
import { plural, WEEKDAYS } from "../format.js";
import { canPrompt, IOS_STEPS, isIOS, isStandalone, promptInstall } from "../install.js";
import { signOutAndWipe } from "../lifecycle.js";
import { notify } from "../notices.js";
import { outboxEntries } from "../outbox.js";
import { PROMPTS, promptOn } from "../prompts.js";
import { currentUser, updateProfile } from "../session.js";
import { syncNow } from "../sync.js";
import { ask } from "../ui/dialog.js";
import { zoneSelect } from "../ui/zones.js";


function hourName(hour) {
  if (hour === 0) return "midnight";
  if (hour === 12) return "noon";
  return hour < 12 ? `${hour} am` : `${hour - 12} pm`;
}

function dayForm(profile) {
  const zone = zoneSelect(profile.timezone);
  const dayStart = h("select", {}, Array.from({ length: 24 }, (_, hour) => h("option", { value: String(hour), text: hourName(hour), selected: hour === profile.day_starts_at })));
  const weekStart = h("select", {}, WEEKDAYS.map(([v, t]) => h("option", { value: v, text: t, selected: v === profile.week_starts_on })));
  const save = h("button", { type: "submit", class: "button", text: "Save" });
  const form = h("form", { class: "card", novalidate: true },
    h("h2", { text: "Your day and week" }),
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    field({ label: "Time zone", control: zone, name: "timezone", hint: "Days and reminders follow it. Past check-ins keep the day you lived them." }),
    field({ label: "My day ends at", control: dayStart, name: "day_starts_at", hint: "If you are often up late, a check-in at 1 am can still count as the day before." }),
    field({ label: "Weeks start on", control: weekStart, name: "week_starts_on" }),
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await updateProfile({ timezone: zone.value, day_starts_at: Number(dayStart.value), week_starts_on: weekStart.value });
      showErrors(form, null);
      notify("Saved.");
    } catch (error) {
      showErrors(form, error.offline ? { message: "Saving settings needs a connection." } : error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/** One switch per gentle prompt, saved as soon as it changes. */
function promptsForm() {
  const form = h("section", { class: "card", role: "group", aria: { labelledby: "prompts-heading" } },
    h("h2", { id: "prompts-heading", text: "Gentle prompts" }),
    h("p", { class: "small muted", text: "Small, skippable parts of the check-in. Turn off any you don't want." }));
  for (const [name, label] of PROMPTS) {
    const input = h("input", { type: "checkbox", checked: promptOn(name) });
    input.addEventListener("change", async () => {
      input.disabled = true;
      try {
        await updateProfile({ [`prompt_${name}`]: input.checked });
        notify(input.checked ? "Turned on." : "Turned off.", { id: "prompts" });
      } catch (error) {
        input.checked = !input.checked;
        notify(error.offline ? "Changing this needs a connection." : error.message);
      } finally {
        input.disabled = false;
      }
    });
    form.append(h("label", { class: "choice" }, input, label));
  }
  return form;
}

function installSection() {
  if (isStandalone()) return h("p", { class: "muted small", text: "Attune is installed on this device." });
  const box = h("section", { class: "card card-quiet" }, h("h2", { text: "Install Attune" }));
  if (canPrompt()) {
    append(box, [h("p", { text: "Put Attune on your Home Screen: it opens like an app, works offline and can remind you." }),
      h("button", { type: "button", class: "button button-small", text: "Install the app", onclick: async () => { if (await promptInstall()) box.remove(); } })]);
  } else if (isIOS()) {
    append(box, [h("p", { text: "Put Attune on your Home Screen to use it like an app, offline and with reminders." }), h("p", { text: IOS_STEPS })]);
  } else {
    box.append(h("p", { text: "Your browser can install Attune from its menu (“Install app” or “Add to Home Screen”)." }));
  }
  return box;
}

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
  append(main, [
    h("h1", { text: "Settings" }),
    h("p", { class: "lead", text: `Signed in as ${profile.username}` }),
    dayForm(profile),
    promptsForm(),
    h("ul", { class: "list" },
      h("li", {}, h("a", { href: "#boundaries", text: "Your boundaries" })),
      h("li", {}, h("a", { href: "#data", text: "Your data: export, import, report, delete" })),
      h("li", {}, h("a", { href: "#reminders", text: "Reminders" })),
      h("li", {}, h("a", { href: "#privacy", text: "Your privacy" })),
      h("li", {}, h("a", { href: "#support", text: "If it feels like too much" }))),
    installSection(),
    h("div", { class: "actions" }, h("button", { type: "button", class: "button button-quiet", text: "Sign out", onclick: signOut })),
  ]);
}
