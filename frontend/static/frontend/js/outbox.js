// The outbox: every check-in is saved on the device first, with its UUID, then sent with an idempotent
// PUT. Used by the page and by the service worker (Background Sync); a Web Lock keeps one flush at a
// time across both. An entry is removed only after a 2xx for the revision that was sent.

import { api, ApiError } from "./api.js";
import { kv, outboxStore } from "./db.js";

const CHANNEL = "attune-outbox";
const MAX_BACKOFF_MS = 5 * 60 * 1000;
const listeners = new Set();
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
channel?.addEventListener("message", () => listeners.forEach((fn) => fn()));

function changed() {
  listeners.forEach((fn) => fn());
  channel?.postMessage("changed");
}

/** Call fn whenever the outbox changes, in this context or another (tab, service worker). */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function outboxEntries(user) {
  const entries = await outboxStore.all();
  return entries.filter((e) => !user || e.user === user).sort((a, b) => a.queued_at - b.queued_at);
}

/** Save a check-in on the device (new or edited); the same id replaces the waiting copy. */
export async function enqueue({ user, id, body }) {
  const existing = await outboxStore.get(id);
  const entry = {
    id,
    user,
    body,
    rev: (existing?.rev || 0) + 1,
    queued_at: existing?.queued_at || Date.now(),
    attempts: 0,
    next_try_at: 0,
    refused: null,
  };
  await outboxStore.put(entry);
  changed();
  return entry;
}

export async function discard(id) {
  await outboxStore.delete(id);
  changed();
}

function backoff(attempts) {
  const base = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** Math.max(0, attempts - 1));
  return base / 2 + Math.random() * (base / 2);
}

async function withLock(fn) {
  if (globalThis.navigator?.locks) return navigator.locks.request("attune-outbox-flush", fn);
  return fn();
}

let running = null;

/**
 * Send every waiting entry of the signed-in person now. Every call is a reason to try (start, the
 * network back, the app visible, a save, Background Sync); backoff only spaces out the automatic
 * retries (`retryAt`), and a flush stops at the first network or server failure. Resolves with
 * {sent, refused, waiting, needsSignIn, retryAt}. Concurrent calls share one run.
 */
export function flush() {
  if (!running) {
    running = withLock(flushOnce).finally(() => {
      running = null;
    });
  }
  return running;
}

/**
 * The flush of Background Sync (the service worker's `sync` event). It rejects while entries are still
 * waiting after a failed send (offline, server trouble), so the browser fires the event again later by
 * its own backoff, even if the app is not opened. Refused entries and an ended session do not retry:
 * only the person can act on those.
 */
export async function flushInBackground() {
  const result = await flush();
  if (result.waiting && !result.needsSignIn) throw new Error("Check-ins are still waiting to be sent");
  return result;
}

async function flushOnce() {
  const me = await kv.get("me");
  const result = { sent: 0, refused: 0, waiting: 0, needsSignIn: false, retryAt: null };
  if (!me) return result;
  // Entries added while this runs are picked up by the next pass of the loop.
  for (let pass = 0; pass < 5; pass += 1) {
    const due = (await outboxEntries(me.username)).filter((e) => !e.refused);
    if (!due.length) break;
    const stop = await sendAll(due, result);
    if (stop) break;
  }
  const left = await outboxEntries(me.username);
  result.waiting = left.filter((e) => !e.refused).length;
  result.refused = left.length - result.waiting;
  const next = left.filter((e) => !e.refused).map((e) => e.next_try_at);
  result.retryAt = next.length ? Math.max(Date.now(), Math.min(...next)) : null;
  return result;
}

/** Returns true when the flush should stop (offline, server trouble, or signed out). */
async function sendAll(entries, result) {
  for (const entry of entries) {
    try {
      await api.put(`/api/checkins/${entry.id}/`, entry.body);
      if (await outboxStore.deleteIfRevision(entry.id, entry.rev)) result.sent += 1;
      changed();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.needsSignIn) {
        result.needsSignIn = true;
        return true;
      }
      const current = await outboxStore.get(entry.id);
      if (!current || current.rev !== entry.rev) continue; // edited meanwhile: the next pass sends it
      if (error.transient) {
        current.attempts += 1;
        current.next_try_at = Date.now() + backoff(current.attempts);
        await outboxStore.put(current);
        changed();
        return true;
      }
      // Refused for a reason the person can act on: keep it, say why, and carry on with the others.
      current.refused = { status: error.status, message: error.message, fields: error.fields };
      await outboxStore.put(current);
      changed();
    }
  }
  return false;
}
