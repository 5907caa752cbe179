// Attune starts here: the session (or the device's copy of it offline), the router, the outbox sync and
// the service worker.

import { go, startRouter } from "./router.js";
import { loadSession, markExpired } from "./session.js";
import { onSignInNeeded, startSync } from "./sync.js";
import { checkForUpdate, registerServiceWorker } from "./updates.js";
import "./install.js"; // listens for the install prompt from the first moment

async function boot() {
  registerServiceWorker().catch(() => {});
  let session;
  try {
    session = await loadSession();
  } catch {
    session = { me: null };
  }
  onSignInNeeded(() => {
    markExpired(); // the sign-in screen says why, and that the waiting check-ins are kept
    // The page's and the worker's sends can both be refused at once: open the sign-in screen once.
    if (location.hash !== "#signin") go("#signin");
  });
  await startRouter();
  if (session.me) startSync();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkForUpdate();
  });
}

boot();
