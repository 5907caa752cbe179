// The week: the server's chart (light or dark with the page), the summary in words, the numbers as a
// table, and what filled it: feelings, unmet needs, the body, feeling–need pairs, how many different
// feelings were named, what would have helped; last week's small step shown back and one for next week.
// An empty week is a calm invitation.

import { api } from "../api.js";
import { append, h } from "../dom.js";
import { addDays, calendarDate, localDateOf } from "../format.js";
import { currentUser } from "../session.js";
import { chartImage, needsConnection, times } from "../ui/charts.js";
import { intentionForm, intentionOf, lastWeekCard } from "../ui/intention.js";
import { nameOf, vocabulary } from "../vocabulary.js";

const rangeLabel = (start, end) => `${calendarDate(start, { day: "numeric", month: "long" })} – ${calendarDate(end, { day: "numeric", month: "long" })}`;
const dayName = (date) => calendarDate(date, { weekday: "short", day: "numeric" });
const num = (value, digits = 1) => (value === null || value === undefined ? "—" : Number(value).toFixed(digits));

function countList(items, describe) {
  if (!items.length) return h("p", { class: "muted", text: "None named this week." });
  return h("ul", { class: "prose" }, items.map((item) => h("li", { text: describe(item) })));
}

/** For each feeling, the need most often named with it. */
function pairSentences(pairs) {
  const seen = new Set();
  const out = [];
  for (const p of pairs) {
    if (seen.has(p.emotion)) continue;
    seen.add(p.emotion);
    out.push(`When you felt ${p.emotion_name}, you most often needed ${p.need_name} (${times(p.count)}).`);
  }
  return out.slice(0, 5);
}

/** For each feeling, what the person most often said would help. */
function helpSentences(pairs) {
  const seen = new Set();
  const out = [];
  for (const p of pairs) {
    if (seen.has(p.emotion)) continue;
    seen.add(p.emotion);
    out.push(`When you felt ${p.emotion_name || nameOf("emotion", p.emotion)}, ${p.help_name || nameOf("help", p.help)} would have helped most (${times(p.count)}).`);
  }
  return out.slice(0, 5);
}

function granularity(week) {
  const now = week.distinct_emotions;
  const before = week.previous_week.distinct_emotions;
  if (!now) return null;
  let text = `You named ${now} different ${now === 1 ? "feeling" : "feelings"} this week`;
  if (before && now > before) text += `, more than last week (${before}). Your words for feelings are growing.`;
  else if (before) text += `; last week it was ${before}. Each precise word helps, whatever the number.`;
  else text += ". Naming a feeling precisely is a skill that grows with practice.";
  return text;
}

export async function render(main, { arg }) {
  const profile = currentUser();
  const today = localDateOf(Date.now(), profile);
  const query = arg ? `?start=${encodeURIComponent(arg)}` : "";
  let week;
  try {
    week = await api.get(`/api/trends/week${query}`);
  } catch (error) {
    return needsConnection(main, "Your week", error);
  }
  const previous = addDays(week.start, -7);
  const next = addDays(week.start, 7);
  const isCurrent = today >= week.start && today <= week.end;
  await vocabulary().catch(() => null);
  const [intention, lastIntention] = await Promise.all([intentionOf(week.start), intentionOf(previous)]);
  const smallStep = week.start <= today ? intentionForm(week.start, intention) : null;
  const nav = h("nav", { class: "week-nav", aria: { label: "Weeks" } },
    h("a", { class: "button button-small button-quiet", href: `#week/${previous}`, text: "‹ Previous week" }),
    isCurrent ? h("span", { class: "muted small", text: "This week" }) : h("a", { class: "button button-small button-quiet", href: `#week/${next}`, text: "Next week ›" }));

  append(main, [h("h1", { text: isCurrent ? "Your week" : "That week" }), h("p", { class: "lead", text: rangeLabel(week.start, week.end) }), nav, lastWeekCard(lastIntention)]);

  if (!week.count) {
    append(main, [
      h("div", { class: "card card-quiet empty" },
        h("p", { text: isCurrent ? "Nothing named this week yet, and that's all right." : "No check-ins that week, and that's all right." }),
        h("p", { text: "Whenever you're ready, naming one feeling takes about thirty seconds." }),
        isCurrent ? h("a", { class: "button", href: "#checkin", text: "Check in" }) : null),
      smallStep,
      h("p", {}, h("a", { href: "#trends", text: "The longer view" })),
    ]);
    return null;
  }

  const alt = `Chart of the week. ${week.summary.join(" ")}`;
  const chart = chartImage(`/api/charts/week.svg?start=${week.start}`, alt);
  const table = h("table", {},
    h("caption", { class: "muted small", text: "Each day. Pleasantness and energy run from −1 to +1." }),
    h("thead", {}, h("tr", {}, ["Day", "Check-ins", "Intensity", "Pleasantness", "Energy"].map((t, i) => h("th", { scope: "col", class: i ? "num" : "", text: t })))),
    h("tbody", {}, week.days.map((d) => h("tr", {},
      h("th", { scope: "row", text: dayName(d.date) }),
      h("td", { class: "num", text: String(d.count) }),
      h("td", { class: "num", text: num(d.mean_intensity) }),
      h("td", { class: "num", text: num(d.mean_pleasantness, 2) }),
      h("td", { class: "num", text: num(d.mean_energy, 2) })))));

  append(main, [
    chart,
    h("section", { class: "card", aria: { label: "Summary" } }, week.summary.map((text) => h("p", { text }))),
    h("h2", { text: "The numbers" }),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", aria: { label: "The numbers, by day" } }, table),
    h("h2", { text: "Feelings you named most" }),
    countList(week.top_emotions, (e) => `${e.name}, ${times(e.count)}`),
    granularity(week) ? h("p", { class: "muted", text: granularity(week) }) : null,
    h("h2", { text: "Needs that went unmet" }),
    countList(week.top_needs, (n) => `${n.name}, ${times(n.count)}`),
    week.pairs.length ? h("div", { class: "card card-quiet" }, pairSentences(week.pairs).map((text) => h("p", { text }))) : null,
    h("h2", { text: "In your body" }),
    h("h3", { text: "Where" }),
    countList(week.top_body_areas, (a) => `${a.name}, ${times(a.count)}`),
    h("h3", { text: "What it felt like" }),
    countList(week.top_sensations, (s) => `${s.name}, ${times(s.count)}`),
    week.top_helps?.length ? [
      h("h2", { text: "What would have helped" }),
      countList(week.top_helps, (x) => `${x.name || nameOf("help", x.slug)}, ${times(x.count)}`),
      week.help_pairs?.length ? h("div", { class: "card card-quiet" }, helpSentences(week.help_pairs).map((text) => h("p", { text }))) : null,
    ] : null,
    smallStep,
    h("p", {}, h("a", { href: "#trends", text: "The longer view" })),
  ]);
  return null;
}
