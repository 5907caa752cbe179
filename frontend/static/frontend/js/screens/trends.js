// The longer view: the range chart by week or month over 3, 6 or 12 months, with its rolling mean and
// one sentence about the general direction.

import { api } from "../api.js";
import { append, clear, h } from "../dom.js";
import { addDays, localDateOf } from "../format.js";
import { currentUser } from "../session.js";
import { chartImage, needsConnection } from "../ui/charts.js";

const PERIODS = [3, 6, 12];

function monthsBack(today, months) {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return addDays(d.toISOString().slice(0, 10), 1);
}

function segmented(label, options, selected, onPick) {
  const group = h("div", { class: "segmented", role: "group", aria: { label } });
  for (const [value, text] of options) {
    group.append(h("button", { type: "button", text, aria: { pressed: String(value === selected) }, onclick: () => onPick(value) }));
  }
  return group;
}

export async function render(main) {
  const profile = currentUser();
  const today = localDateOf(Date.now(), profile);
  let months = 6;
  let bucket = "week";
  const body = h("div", {});
  append(main, [h("h1", { text: "The longer view" }), h("p", { class: "lead", text: "The general direction over months. Single days and weeks go up and down; that's expected." }), body]);

  async function show() {
    const from = monthsBack(today, months);
    const query = `from=${from}&to=${today}&bucket=${bucket}`;
    let data;
    try {
      data = await api.get(`/api/trends/range?${query}`);
    } catch (error) {
      clear(main);
      return needsConnection(main, "The longer view", error);
    }
    clear(body);
    append(body, [
      h("div", { class: "actions" },
        segmented("Period", PERIODS.map((m) => [m, `${m} months`]), months, (m) => { months = m; show(); }),
        segmented("Group by", [["week", "By week"], ["month", "By month"]], bucket, (b) => { bucket = b; show(); })),
      chartImage(`/api/charts/range.svg?${query}`, `Chart of the last ${months} months by ${bucket}. ${data.direction}`),
      h("div", { class: "card" }, h("p", { text: data.direction })),
      data.count ? h("p", { class: "muted small", text: `${data.count} check-ins in this time. The line is a rolling mean over ${data.rolling_window} ${bucket}s.` }) : null,
      h("p", {}, h("a", { href: "#week", text: "Back to your week" })),
    ]);
    return null;
  }
  await show();
  return null;
}
