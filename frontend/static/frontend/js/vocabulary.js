// The vocabulary on the device, so the whole check-in works offline; and what the person's own history
// suggests (recent words, the needs they paired with a feeling).

import { api } from "./api.js";
import { kv } from "./db.js";

let vocab = null;
let stored = null; // the server's answer as it was, so adding a word keeps every part of it
let refreshing = null;

function indexed(data) {
  const by = (list) => new Map(list.map((w) => [w.slug, w]));
  // A copy kept before the healing practices existed has no helps yet: it is refreshed in the background.
  data.helps ??= [];
  data.self_compassion ??= {};
  data.kind_line_examples ??= [];
  return {
    ...data,
    emotion: by(data.emotions),
    need: by(data.needs),
    sensation: by(data.sensations),
    body_area: by(data.body_areas),
    help: by(data.helps),
  };
}

/** Fetch the latest words (built-in and the person's own) and keep them on the device. */
export function refreshVocabulary() {
  if (!refreshing) {
    refreshing = api
      .get("/api/vocabulary")
      .then(async (data) => {
        await kv.set("vocabulary", data);
        stored = data;
        vocab = indexed(data);
        return vocab;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** The vocabulary: the device's copy at once (refreshed in the background), else from the server. */
export async function vocabulary() {
  if (vocab) return vocab;
  stored = await kv.get("vocabulary");
  if (stored) {
    vocab = indexed(stored);
    refreshVocabulary().catch(() => {});
    return vocab;
  }
  return refreshVocabulary();
}

/** A word the person just added (kind: emotion, need, sensation or help), kept on the device at once. */
export function addWord(kind, word) {
  vocab[`${kind}s`].push(word); // the same list as in `stored`, which is what the device keeps
  vocab[kind].set(word.slug, word);
  return kv.set("vocabulary", stored);
}

export function nameOf(kind, slug) {
  if (!slug) return "";
  return vocab?.[kind]?.get(slug)?.name || slug.replaceAll("-", " ");
}

/** Words nearest to a spot on the pad, the person's recent ones first. */
export function nearestEmotions(v, pleasantness, energy, { count = 24, recent = [] } = {}) {
  const scored = v.emotions
    .map((w) => ({ w, d: (w.pleasantness - pleasantness) ** 2 + (w.energy - energy) ** 2 }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((x) => x.w);
  const rank = new Map(recent.map((slug, i) => [slug, i]));
  return scored.sort((a, b) => (rank.get(a.slug) ?? 1e9) - (rank.get(b.slug) ?? 1e9));
}

/** Words whose name starts with the query first, then those that contain it. */
export function searchWords(list, query, limit = 20) {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [];
  const starts = [];
  const contains = [];
  for (const w of list) {
    const name = w.name.toLocaleLowerCase();
    if (name.startsWith(q)) starts.push(w);
    else if (name.includes(q)) contains.push(w);
  }
  return [...starts, ...contains].slice(0, limit);
}

// --- the person's own patterns, learnt from their recent check-ins -----------------------------

/** Remember recent words and feeling→need pairs from the newest check-ins (server or outbox). */
export async function learnFrom(checkins) {
  const recent = [];
  const pairs = {};
  const contexts = [];
  for (const c of checkins) {
    if (!recent.includes(c.emotion)) recent.push(c.emotion);
    if (c.need) {
      pairs[c.emotion] ??= {};
      pairs[c.emotion][c.need] = (pairs[c.emotion][c.need] || 0) + 1;
    }
    for (const tag of c.context || []) if (!contexts.includes(tag)) contexts.push(tag);
  }
  const patterns = { recent: recent.slice(0, 12), pairs, contexts: contexts.slice(0, 12) };
  await kv.set("patterns", patterns);
  return patterns;
}

export async function patterns() {
  return (await kv.get("patterns")) || { recent: [], pairs: {}, contexts: [] };
}

/** Needs this person most often named with this feeling, most frequent first. */
export function pastNeedsFor(p, emotion) {
  return Object.entries(p.pairs[emotion] || {})
    .sort((a, b) => b[1] - a[1])
    .map(([slug]) => slug);
}
