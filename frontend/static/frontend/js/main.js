// Attune starts here: the session (or the device's copy of it offline), the router, the outbox sync and
// the service worker.

import { notify } from "./notices.js";
import { go, startRouter } from "./router.js";
import { loadSession, markExpired } from "./session.js";
import { onSignInNeeded, startSync } from "./sync.js";
import { checkForUpdate, registerServiceWorker } from "./updates.js";

async function boot() {
  registerServiceWorker().catch(() => {});
  let session;
  try {
    session = await loadSession();
  } catch {
    session = { me: null };
  }
  onSignInNeeded(() => {
    markExpired();
    notify("Your session has ended. Sign in again and your saved check-ins will be sent.", {
      id: "signin-needed",
      persistent: true,
    });
    go("#signin");
  });
  await startRouter();
  if (session.me) startSync();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkForUpdate();
  });
}

boot();
