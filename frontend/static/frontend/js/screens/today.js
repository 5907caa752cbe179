// Today and the history: check-ins grouped by the person's local day, newest first, more as they scroll.
// What still waits on this phone is shown first, with "waiting to sync" or the reason it was refused.

import { api } from "../api.js";
import { loadBoundaries } from "../boundaries.js";
import { pendingCompassion } from "../compassion.js";
import { kv } from "../db.js";
import { append, clear, field, h } from "../dom.js";
import { dayLabel, localDateOf, longDate, plural } from "../format.js";
import { loadDraft } from "../draft.js";
import { discard, onOutboxChange, outboxEntries } from "../outbox.js";
import { currentUser } from "../session.js";
import { syncNow } from "../sync.js";
import { compassionCard } from "../ui/compassion.js";
import { entryCard } from "../ui/entry.js";
import { learnFrom, vocabulary } from "../vocabulary.js";

const PAGE = 30;
const SUPPORT_CARD_HOURS = 12;

export async function render(main) {
  const profile = currentUser();
  const v = await vocabulary();
  const today = localDateOf(Date.now(), profile);
  const filters = { emotion: "", need: "" };
  let next = null;
  let lastDay = null;
  let loading = false;
  const shown = new Set();
  let waitingIds = new Set(); // an edit waiting on this phone stands in for the server's older copy
  let generation = 0; // a reload (filters, a sync) makes pages still in flight stale
  let sentSeen = 0;

  const waiting = h("section", {});
  const history = h("div", { class: "history" });
  const more = h("div", { class: "load-more" });
  const sentinel = h("div", { aria: { hidden: "true" } });

  const hero = h("div", { class: "today-hero" });
  const draft = await loadDraft();
  hero.append(h("a", { class: "button button-wide", href: "#checkin", text: draft?.emotion && !draft.editing ? "Continue your check-in" : "Check in" }));

  const card = await supportCard();
  const kindness = await pendingCompassion();
  loadBoundaries().catch(() => {}); // kept on the device, so an offline check-in can show them

  append(main, [h("h1", { text: "Today" }), h("p", { class: "lead", text: longDate(today) }), card, kindness ? compassionCard(kindness) : null, hero, waiting, filterForm(), history, more, sentinel]);

  async function supportCard() {
    const flag = await kv.get("support-card").catch(() => null);
    if (!flag || Date.now() - flag.at > SUPPORT_CARD_HOURS * 3600e3) return null;
    const box = h("aside", { class: "card card-quiet", aria: { label: "Support" } },
      h("p", { text: "That sounded heavy. Be gentle with yourself today." }),
      h("p", {}, "If it feels like too much, ", h("a", { href: "#support", text: "support is here" }), "."),
      h("div", { class: "actions" }, h("button", {
        type: "button", class: "button button-small button-quiet", text: "Dismiss",
        onclick: async () => {
          await kv.delete("support-card");
          box.remove();
        },
      })));
    return box;
  }

  function filterForm() {
    const emotion = h("select", {}, h("option", { value: "", text: "Any feeling" }), [...v.emotions].sort((a, b) => a.name.localeCompare(b.name)).map((w) => h("option", { value: w.slug, text: w.name })));
    const need = h("select", {}, h("option", { value: "", text: "Any need" }), [...v.needs].sort((a, b) => a.name.localeCompare(b.name)).map((n) => h("option", { value: n.slug, text: n.name })));
    const apply = () => {
      filters.emotion = emotion.value;
      filters.need = need.value;
      reload();
    };
    emotion.addEventListener("change", apply);
    need.addEventListener("change", apply);
    return h("details", { class: "filters" }, h("summary", { text: "Filter by feeling or need" }),
      h("div", { class: "filters-grid" }, field({ label: "Feeling", control: emotion, name: "filter-emotion" }), field({ label: "Need", control: need, name: "filter-need" })));
  }

  async function showWaiting() {
    const entries = await outboxEntries(profile.username);
    waitingIds = new Set(entries.map((e) => e.id));
    for (const li of history.querySelectorAll("li[data-id]")) li.hidden = waitingIds.has(li.dataset.id);
    clear(waiting);
    if (!entries.length) return;
    waiting.append(h("h2", { id: "waiting-heading", text: "On this phone" }),
      h("p", { class: "small muted", text: `${plural(entries.length, "check-in")} not on the server yet.` }));
    const list = h("ul", { class: "entries" });
    for (const e of entries.slice().reverse()) {
      const item = { ...e.body, id: e.id };
      const li = h("li", {}, entryCard(item, {
        zone: profile.timezone,
        href: e.refused ? null : `#entry/${e.id}`,
        badge: e.refused ? { text: "Not saved", kind: "badge-attention" } : { text: "Waiting to sync" },
      }));
      if (e.refused) {
        li.append(h("div", { class: "card card-attention" },
          h("p", { text: `The server could not save this one: ${e.refused.message}` }),
          h("div", { class: "actions" },
            h("a", { class: "button button-small", href: `#checkin/${e.id}`, text: "Edit" }),
            h("button", { type: "button", class: "button button-small button-quiet", text: "Discard", onclick: () => discard(e.id) }))));
      }
      list.append(li);
    }
    waiting.append(list);
  }

  function group(dateStr) {
    if (lastDay?.date === dateStr) return lastDay.list;
    const list = h("ul", { class: "entries" });
    history.append(h("section", { class: "day" }, h("h2", { text: dayLabel(dateStr, today) }), list));
    lastDay = { date: dateStr, list };
    return list;
  }

  async function loadPage(url, fresh = false) {
    if (loading && !fresh) return;
    const mine = ++generation;
    loading = true;
    clear(more);
    try {
      const page = await api.get(url);
      if (mine !== generation) return;
      if (fresh) {
        clear(history);
        lastDay = null;
        shown.clear();
      }
      if (url.includes("cursor=") === false && !filters.emotion && !filters.need) learnFrom(page.results).catch(() => {});
      for (const c of page.results) {
        if (shown.has(c.id)) continue; // a cursor page can overlap what is shown after an edit moved a row
        shown.add(c.id);
        group(c.local_date).append(h("li", { data: { id: c.id }, hidden: waitingIds.has(c.id) }, entryCard(c, { zone: profile.timezone, href: `#entry/${c.id}` })));
      }
      next = page.next ? new URL(page.next).pathname + new URL(page.next).search : null;
      if (!history.childElementCount) history.append(emptyState());
      if (next) more.append(h("button", { type: "button", class: "button button-quiet", text: "Show earlier check-ins", onclick: () => loadPage(next) }));
    } catch (error) {
      if (mine !== generation) return;
      next = null;
      if (fresh) clear(history);
      history.append(h("p", { class: "card card-quiet", text: error.offline ? "Your history shows here when you're back online. Check-ins you make now are saved on this phone." : error.message }));
    } finally {
      if (mine === generation) loading = false;
    }
  }

  function emptyState() {
    if (filters.emotion || filters.need) return h("p", { class: "empty", text: "No check-ins match these filters." });
    return h("div", { class: "empty" },
      h("p", { text: "Nothing here yet, and that's fine." }),
      h("p", { text: "Whenever you like, name what you feel: it takes about thirty seconds." }));
  }

  function reload() {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (filters.emotion) query.set("emotion", filters.emotion);
    if (filters.need) query.set("need", filters.need);
    return loadPage(`/api/checkins/?${query}`, true);
  }

  const observer = new IntersectionObserver((items) => {
    if (items.some((i) => i.isIntersecting) && next && !loading) loadPage(next);
  }, { rootMargin: "400px" });
  observer.observe(sentinel);

  const stop = onOutboxChange(async () => {
    await showWaiting();
    const left = (await outboxEntries(profile.username)).length;
    if (left < sentSeen) reload(); // something was synced: it now belongs in the history
    sentSeen = left;
  });
  await showWaiting();
  sentSeen = (await outboxEntries(profile.username)).length;
  await reload();
  syncNow();
  return () => {
    observer.disconnect();
    stop();
  };
}
