// When the outbox is sent from the page: on start, when the network returns, when the app becomes
// visible, after each save, and (where the browser has it) by Background Sync from the service worker.
// A calm status line says where things stand.

import { flush, onOutboxChange, outboxEntries } from "./outbox.js";
import { setSyncStatus } from "./notices.js";
import { currentUser } from "./session.js";
import { plural } from "./format.js";

let retryTimer = null;
let lastResult = null;
const authListeners = new Set();

export const onSignInNeeded = (fn) => authListeners.add(fn);
export const lastSync = () => lastResult;

export async function syncNow() {
  if (!currentUser()) return null;
  clearTimeout(retryTimer);
  let result;
  try {
    result = await flush();
  } catch {
    return null;
  }
  lastResult = result;
  await showStatus(result);
  if (result.needsSignIn) authListeners.forEach((fn) => fn(result));
  else if (result.retryAt) retryTimer = setTimeout(syncNow, Math.max(1000, result.retryAt - Date.now()));
  return result;
}

async function showStatus(result) {
  const me = currentUser();
  if (!me) return setSyncStatus("");
  const entries = await outboxEntries(me.username);
  const refused = entries.filter((e) => e.refused).length;
  const waiting = entries.length - refused;
  if (refused) setSyncStatus(`${plural(refused, "check-in")} to look at`);
  else if (waiting) setSyncStatus("Saved on this phone");
  else if (result?.sent) setSyncStatus("Synced", { fade: true });
  else setSyncStatus("");
}

export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch {
    // Background Sync is Chromium-only; the page flushes on start, online and visibility anyway.
  }
}

let started = false;
export function startSync() {
  if (started) return syncNow();
  started = true;
  window.addEventListener("online", syncNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  onOutboxChange(() => showStatus(lastResult));
  return syncNow();
}
