// Reminders: the schedules (time, days, a random window, a label), a pause, notifications on this phone
// (asked only after a tap), a test reminder, and the calendar feed where Web Push is not available.

import { api } from "../api.js";
import { append, clear, field, h, showErrors } from "../dom.js";
import { addDays, localDateOf, longDate, timeOf, WEEKDAYS, zonedInstant } from "../format.js";
import { IOS_STEPS, isIOS, isStandalone } from "../install.js";
import { notify } from "../notices.js";
import { registerPushSubscription, unregisterPushSubscription } from "../pushsub.js";
import { currentUser, updateProfile } from "../session.js";
import { needsConnection } from "../ui/charts.js";
import { ask } from "../ui/dialog.js";
import { swRegistration } from "../updates.js";

const DAYS = WEEKDAYS.map(([slug, name]) => [slug, name.slice(0, 3)]); // "Mon": seven fit a phone's line
const WINDOWS = [[0, "Exactly then"], [15, "Within 15 minutes"], [30, "Within 30 minutes"], [60, "Within an hour"], [120, "Within two hours"]];

function daysText(days) {
  const set = new Set(days);
  if (set.size === 7) return "Every day";
  if (set.size === 5 && !set.has("sat") && !set.has("sun")) return "Weekdays";
  if (set.size === 2 && set.has("sat") && set.has("sun")) return "Weekends";
  return DAYS.filter(([d]) => set.has(d)).map(([, n]) => n).join(", ");
}

function pushSupport() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return isIOS() && !isStandalone() ? "ios-not-installed" : "unsupported";
  }
  if (Notification.permission === "denied") return "denied";
  return "ok";
}

export async function render(main) {
  let reminders;
  let devices;
  try {
    [reminders, devices] = await Promise.all([api.get("/api/reminders/"), api.get("/api/push/subscriptions")]);
  } catch (error) {
    return needsConnection(main, "Reminders", error);
  }
  const profile = currentUser();
  const list = h("div", {});
  const editor = h("div", {});
  const pause = h("section", {});
  const phone = h("section", { class: "card" });
  append(main, [
    h("h1", { text: "Reminders" }),
    h("p", { class: "lead", text: "Gentle prompts at times you choose. They only ever say “Time for a gentle check-in”." }),
    phone, h("h2", { text: "Your reminders" }), list, editor, pause, calendarSection(),
  ]);

  // --- this phone ------------------------------------------------------------------------------
  async function showPhone() {
    clear(phone);
    phone.append(h("h2", { text: "Notifications on this phone" }));
    const support = pushSupport();
    if (support === "ios-not-installed") {
      append(phone, [h("p", { text: "On iPhone and iPad, notifications work once Attune is on your Home Screen." }), h("p", { text: IOS_STEPS }), h("p", { class: "small muted", text: "Or use the calendar feed below: your calendar app will remind you." })]);
      return;
    }
    if (support === "unsupported") {
      append(phone, [h("p", { text: "This browser can't show notifications from Attune." }), h("p", { class: "small muted", text: "The calendar feed below works instead: your calendar app reminds you at the same times." })]);
      return;
    }
    if (support === "denied") {
      phone.append(h("p", { text: "Notifications are blocked for Attune in this browser's settings. Allow them there to get reminders on this phone, or use the calendar feed below." }));
      return;
    }
    const registration = swRegistration() || (await navigator.serviceWorker.ready);
    const subscription = await registration.pushManager.getSubscription();
    const onServer = subscription && devices.some((d) => d.endpoint === subscription.endpoint);
    const others = devices.filter((d) => !subscription || d.endpoint !== subscription.endpoint).length;
    if (onServer) {
      append(phone, [
        h("p", { text: "On. Reminders arrive on this phone." }),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "button button-small", text: "Send a test reminder", onclick: sendTest }),
          h("button", { type: "button", class: "button button-small button-quiet", text: "Turn off on this phone", onclick: () => turnOff(registration) })),
      ]);
    } else {
      append(phone, [
        h("p", { text: "Off on this phone. Your phone will ask whether Attune may notify you; it is one question per device." }),
        h("div", { class: "actions" }, h("button", { type: "button", class: "button", text: "Turn on notifications on this phone", onclick: () => turnOn(registration) })),
      ]);
    }
    if (others) phone.append(h("p", { class: "small muted", text: `Also on for ${others} other ${others === 1 ? "device" : "devices"}.` }));
  }

  async function refreshDevices() {
    devices = await api.get("/api/push/subscriptions");
    await showPhone();
  }

  async function turnOn(registration) {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        notify("Notifications were not allowed. You can change that in the browser's settings.");
        return showPhone();
      }
      await registerPushSubscription(registration);
      notify("Notifications are on for this phone.");
    } catch (error) {
      notify(error.offline ? "Turning notifications on needs a connection." : "The phone's push service could not be reached. Please try again later.");
    }
    await refreshDevices();
  }

  async function turnOff(registration) {
    try {
      await unregisterPushSubscription(registration);
      notify("Notifications are off for this phone.");
    } catch (error) {
      notify(error.message);
    }
    await refreshDevices();
  }

  async function sendTest() {
    try {
      const result = await api.post("/api/push/test");
      notify(result.sent ? "A test reminder is on its way." : "The test reminder could not be delivered. Try turning notifications off and on.");
    } catch (error) {
      notify(error.message);
    }
  }

  // --- schedules ---------------------------------------------------------------------------------
  function showList() {
    clear(list);
    if (!reminders.length) {
      list.append(h("p", { class: "muted", text: "No reminders yet. One at a time that suits you, like the evening, is a kind start." }));
    } else {
      const ul = h("ul", { class: "list" });
      for (const r of reminders) {
        const enabled = h("input", { type: "checkbox", checked: r.enabled, aria: { label: `Reminder at ${r.time} on` } });
        enabled.addEventListener("change", async () => {
          try {
            Object.assign(r, await api.patch(`/api/reminders/${r.id}/`, { enabled: enabled.checked }));
            showList();
          } catch (error) {
            enabled.checked = !enabled.checked;
            notify(error.message);
          }
        });
        const next = r.enabled && r.next_fire_at ? `Next: ${longDate(localDateOf(r.next_fire_at, { ...profile, day_starts_at: 0 }))}, ${timeOf(r.next_fire_at, profile.timezone)}` : "Off";
        ul.append(h("li", { class: "reminder" }, h("div", { class: "row" },
          h("div", {},
            h("p", { class: "entry-word", text: r.time }),
            h("p", { class: "entry-meta", text: [daysText(r.days), r.window_minutes ? `within ${r.window_minutes} min` : "", r.label].filter(Boolean).join(" · ") }),
            h("p", { class: "small muted", text: next })),
          h("div", { class: "reminder-controls" },
            h("label", { class: "choice" }, enabled, "On"),
            h("button", { type: "button", class: "button button-small button-quiet", text: "Edit", aria: { label: `Edit reminder at ${r.time}` }, onclick: () => showEditor(r) }),
            h("button", { type: "button", class: "button button-small button-quiet", text: "Delete", aria: { label: `Delete reminder at ${r.time}` }, onclick: () => remove(r) })))));
      }
      list.append(ul);
    }
    if (!editor.childElementCount) list.append(h("div", { class: "actions" }, h("button", { type: "button", class: "button", text: "Add a reminder", onclick: () => showEditor(null) })));
  }

  async function remove(r) {
    const answer = await ask({ title: `Delete the reminder at ${r.time}?`, text: "You can add it again any time.", actions: [{ label: "Keep it", value: null, kind: "button-quiet" }, { label: "Delete", value: "yes", kind: "button-danger" }] });
    if (!answer) return;
    try {
      await api.delete(`/api/reminders/${r.id}/`);
      reminders = reminders.filter((x) => x.id !== r.id);
      showList();
    } catch (error) {
      notify(error.message);
    }
  }

  function showEditor(r) {
    clear(editor);
    const time = h("input", { type: "time", value: r?.time || "20:00", required: true });
    const days = h("fieldset", { data: { field: "days" } }, h("legend", { text: "Days" }));
    const chosen = new Set(r?.days || DAYS.map(([d]) => d));
    const dayBoxes = h("div", { class: "chips" });
    for (const [day, name] of DAYS) {
      const box = h("input", { type: "checkbox", value: day, checked: chosen.has(day) });
      dayBoxes.append(h("label", { class: "choice day-choice" }, box, name));
    }
    const setDays = (set) => dayBoxes.querySelectorAll("input").forEach((b) => (b.checked = set.includes(b.value)));
    append(days, [dayBoxes, h("div", { class: "actions" },
      h("button", { type: "button", class: "link-button", text: "Weekdays", onclick: () => setDays(["mon", "tue", "wed", "thu", "fri"]) }),
      h("button", { type: "button", class: "link-button", text: "Every day", onclick: () => setDays(DAYS.map(([d]) => d)) })),
    h("p", { class: "field-error", hidden: true })]);
    const windowSelect = h("select", {}, WINDOWS.map(([m, t]) => h("option", { value: String(m), text: t, selected: (r?.window_minutes || 0) === m })));
    const label = h("input", { type: "text", maxlength: "80", value: r?.label || "", placeholder: "e.g. evening wind-down" });
    const form = h("form", { class: "card", novalidate: true },
      h("h2", { text: r ? "Edit reminder" : "New reminder" }),
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      field({ label: "Time", control: time, name: "time" }),
      days,
      field({ label: "A random moment", control: windowSelect, name: "window_minutes", hint: "A reminder that comes at a slightly different time each day is easier to notice." }),
      field({ label: "Label (optional)", control: label, name: "label", hint: "Shown only here, never in the notification." }),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button", text: "Save reminder" }),
        h("button", { type: "button", class: "button button-quiet", text: "Cancel", onclick: () => { clear(editor); showList(); } })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {
        time: time.value,
        days: [...dayBoxes.querySelectorAll("input:checked")].map((b) => b.value),
        window_minutes: Number(windowSelect.value),
        label: label.value.trim(),
      };
      if (!body.days.length) return showErrors(form, { fields: { days: ["Choose at least one day."] } });
      try {
        const saved = r ? await api.patch(`/api/reminders/${r.id}/`, body) : await api.post("/api/reminders/", body);
        reminders = r ? reminders.map((x) => (x.id === saved.id ? saved : x)) : [...reminders, saved];
        reminders.sort((a, b) => a.time.localeCompare(b.time));
        clear(editor);
        showList();
        notify("Reminder saved.");
      } catch (error) {
        showErrors(form, error.offline ? { message: "Saving a reminder needs a connection." } : error);
      }
    });
    editor.append(form);
    showList();
    time.focus();
  }

  // --- pause -------------------------------------------------------------------------------------
  function showPause() {
    clear(pause);
    const me = currentUser();
    const today = localDateOf(Date.now(), { ...me, day_starts_at: 0 });
    pause.append(h("h2", { text: "Pause" }));
    if (me.paused_until && new Date(me.paused_until) > new Date()) {
      const until = localDateOf(me.paused_until, { ...me, day_starts_at: 0 });
      append(pause, [h("p", { text: `All reminders are paused until ${longDate(until)}.` }),
        h("div", { class: "actions" }, h("button", { type: "button", class: "button button-secondary", text: "Resume now", onclick: () => setPause(null) }))]);
      return;
    }
    const date = h("input", { type: "date", min: addDays(today, 1), value: addDays(today, 7) });
    const form = h("form", { novalidate: true },
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      field({ label: "Pause all reminders until", control: date, name: "paused_until", hint: "For a holiday or a hard week. They start again on that day." }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button button-secondary", text: "Pause reminders" })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!date.value) return showErrors(form, { fields: { paused_until: ["Choose a day."] } });
      setPause(zonedInstant(date.value, "00:00", me.timezone).toISOString(), form);
    });
    pause.append(form);
  }

  async function setPause(value, form) {
    try {
      await updateProfile({ paused_until: value });
      reminders = await api.get("/api/reminders/");
      showList();
      showPause();
      notify(value ? "Reminders are paused." : "Reminders are back on.");
    } catch (error) {
      if (form) showErrors(form, error);
      else notify(error.message);
    }
  }

  // --- calendar feed ---------------------------------------------------------------------------------
  function calendarSection() {
    const box = h("section", { class: "card card-quiet" });
    const url = h("input", { type: "text", readonly: true, value: currentUser().calendar_url });
    async function copy() {
      try {
        await navigator.clipboard.writeText(url.value);
        notify("Link copied.");
      } catch {
        url.select();
        notify("Select the link and copy it.");
      }
    }
    async function rotate() {
      const answer = await ask({ title: "Make a new link?", text: "The old link stops working: calendars that use it stop showing Attune's reminders until you add the new one.", actions: [{ label: "Cancel", value: null, kind: "button-quiet" }, { label: "Make a new link", value: "yes" }] });
      if (!answer) return;
      try {
        const { calendar_url: fresh } = await api.post("/api/me/calendar-token");
        url.value = fresh;
        await updateProfile({});
        notify("New link made. The old one no longer works.");
      } catch (error) {
        notify(error.message);
      }
    }
    append(box, [
      h("h2", { text: "Or in your calendar" }),
      h("p", { text: "A private calendar link with your reminders as repeating events with an alert. Add it to a calendar app as a subscription (“from URL”) and it reminds you even where notifications are not possible." }),
      field({ label: "Your private calendar link", control: url, name: "calendar_url", hint: "Anyone with this link can see your reminder times, nothing else. Keep it to yourself." }),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button button-small", text: "Copy link", onclick: copy }),
        h("button", { type: "button", class: "button button-small button-quiet", text: "Make a new link", onclick: rotate })),
    ]);
    return box;
  }

  showList();
  showPause();
  await showPhone();
  return null;
}
