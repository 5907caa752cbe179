// What happens around signing in and out, shared by the screens that do it.

import { go } from "./router.js";
import { signOut, wipeDevice } from "./session.js";
import { startSync } from "./sync.js";
import { registerServiceWorker } from "./updates.js";
import { refreshVocabulary } from "./vocabulary.js";

/** Signed in: the worker for offline use, the words for offline check-ins, and send what waits. */
export async function afterSignIn(next = "#today") {
  registerServiceWorker().catch(() => {});
  refreshVocabulary().catch(() => {});
  startSync();
  go(next);
}

/** Sign out and leave nothing behind on the device. */
export async function signOutAndWipe() {
  await signOut();
  go("#signin");
}

/** The account is gone on the server: wipe the device too. */
export async function afterAccountDeleted() {
  await wipeDevice();
  go("#signin");
}
