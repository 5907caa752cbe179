// The person's boundaries ("what I will and won't accept"), each linked to the needs it protects. A copy
// stays on the device so a check-in offline can still show the boundary for the need it names.

import { api } from "./api.js";
import { kv } from "./db.js";

let list = null;

async function keep(boundaries) {
  list = boundaries;
  await kv.set("boundaries", boundaries);
  return boundaries;
}

/** The server's list when it answers, else the device's copy (an empty list before the first fetch). */
export async function loadBoundaries() {
  try {
    return await keep(await api.get("/api/boundaries/"));
  } catch (error) {
    if (!error.offline && !error.transient) throw error;
    return cachedBoundaries();
  }
}

export async function cachedBoundaries() {
  list ??= (await kv.get("boundaries").catch(() => null)) || [];
  return list;
}

/** The boundaries that protect this need, newest first. */
export async function boundariesFor(need) {
  if (!need) return [];
  return (await cachedBoundaries()).filter((b) => b.needs.includes(need));
}

export async function saveBoundary({ id, text, needs }) {
  const saved = id ? await api.patch(`/api/boundaries/${encodeURIComponent(id)}/`, { text, needs }) : await api.post("/api/boundaries/", { text, needs });
  const all = await cachedBoundaries();
  await keep(id ? all.map((b) => (b.id === saved.id ? saved : b)) : [saved, ...all]);
  return saved;
}

export async function deleteBoundary(id) {
  await api.delete(`/api/boundaries/${encodeURIComponent(id)}/`);
  await keep((await cachedBoundaries()).filter((b) => b.id !== id));
}
