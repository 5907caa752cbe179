// Words and dates for people: intensity and pad positions in words, local days in the profile's zone.

const INTENSITY = [
  [0, "barely there"],
  [2, "faint"],
  [4, "mild"],
  [6, "moderate"],
  [8, "strong"],
  [10, "very strong"],
];

export function intensityWords(value) {
  return INTENSITY.find(([max]) => value <= max)[1];
}

export function intensityLabel(value) {
  return `${value} · ${intensityWords(value)}`;
}

function axisWords(value, low, high) {
  const v = Number(value);
  if (Math.abs(v) <= 0.1) return `neither ${low} nor ${high}`;
  const word = v < 0 ? low : high;
  const size = Math.abs(v);
  if (size < 0.4) return `a little ${word}`;
  if (size < 0.75) return `quite ${word}`;
  return `very ${word}`;
}

export const pleasantnessWords = (v) => axisWords(v, "unpleasant", "pleasant");
export const energyWords = (v) => axisWords(v, "low in energy", "high in energy");

export function quadrantName(pleasantness, energy) {
  const feel = pleasantness < 0 ? "Unpleasant" : "Pleasant";
  const level = energy < 0 ? "low energy" : "high energy";
  return `${feel}, ${level}`;
}

// --- time in a named zone (the profile's), without a library ---------------------------------

const partsCache = new Map();
function partsFormatter(zone) {
  if (!partsCache.has(zone)) {
    partsCache.set(
      zone,
      new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }),
    );
  }
  return partsCache.get(zone);
}

/** The wall clock of `date` in `zone` as numbers. */
export function wallClock(date, zone) {
  const parts = Object.fromEntries(partsFormatter(zone).formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad2 = (n) => String(n).padStart(2, "0");
export const isoDate = ({ year, month, day }) => `${year}-${pad2(month)}-${pad2(day)}`;

/** The person's local day of an instant: their zone, and their day's start hour ("ends at 4 am"). */
export function localDateOf(instant, profile) {
  const wall = wallClock(new Date(instant), profile.timezone);
  const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour - (profile.day_starts_at || 0)));
  return shifted.toISOString().slice(0, 10);
}

export function addDays(dateStr, days) {
  const d = new Date(`${dateStr}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The instant when the wall clock in `zone` shows dateStr timeStr (first occurrence in a fold). */
export function zonedInstant(dateStr, timeStr, zone) {
  const [y, m, d] = dateStr.split("-").map(Number);
  const [hh, mm] = timeStr.split(":").map(Number);
  const target = Date.UTC(y, m - 1, d, hh, mm);
  let guess = target;
  for (let i = 0; i < 3; i += 1) {
    const w = wallClock(new Date(guess), zone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    guess += target - shown;
  }
  return new Date(guess);
}

export function timeOf(instant, zone) {
  const w = wallClock(new Date(instant), zone);
  return `${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** The API's weekday slugs with their names, Monday first. */
export const WEEKDAYS = [["mon", "Monday"], ["tue", "Tuesday"], ["wed", "Wednesday"], ["thu", "Thursday"], ["fri", "Friday"], ["sat", "Saturday"], ["sun", "Sunday"]];

/** A local date (YYYY-MM-DD) in the reader's language; noon UTC so no zone can move it a day. */
export function calendarDate(dateStr, options) {
  return new Date(`${dateStr}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: "UTC", ...options });
}

export function dayLabel(dateStr, today) {
  if (dateStr === today) return "Today";
  if (dateStr === addDays(today, -1)) return "Yesterday";
  const sameYear = dateStr.slice(0, 4) === today.slice(0, 4);
  return calendarDate(dateStr, { weekday: "long", day: "numeric", month: "long", year: sameYear ? undefined : "numeric" });
}

export const longDate = (dateStr) => calendarDate(dateStr, { weekday: "long", day: "numeric", month: "long" });

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function deviceZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
