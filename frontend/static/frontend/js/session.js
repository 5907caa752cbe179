// Who is signed in, on the session cookie. The profile is kept on the device so the app opens offline.

import { api, forgetCsrf } from "./api.js";
import { destroy, kv } from "./db.js";

let me = null;
let expired = false;

export const currentUser = () => me;
/** The session ended on the server while check-ins may still wait on this phone for this person. */
export const sessionExpired = () => expired;

/** The server said 401: the person must sign in again; what waits in the outbox stays. */
export function markExpired() {
  me = null;
  expired = true;
}

/** {me, offline}: the profile from the server, else (offline) the copy on the device. */
export async function loadSession() {
  // Never signed in on this device: straight to sign-in, without a request the server must refuse.
  if (!(await kv.get("me").catch(() => null))) return { me: null, offline: false };
  try {
    me = await api.get("/api/me");
    expired = false;
    await kv.set("me", me);
    return { me, offline: false };
  } catch (error) {
    if (error.needsSignIn) {
      const stored = await kv.get("me");
      expired = Boolean(stored);
      me = null;
      return { me: null, offline: false, stored };
    }
    if (error.transient) {
      me = (await kv.get("me")) || null;
      return { me, offline: true };
    }
    throw error;
  }
}

async function signedIn(profile) {
  forgetCsrf(); // Django rotates the CSRF token at sign-in
  const previous = await kv.get("me");
  if (previous && previous.username !== profile.username) {
    // Someone else used this phone before: nothing of theirs stays for the new person.
    await wipeDevice();
  }
  me = profile;
  expired = false;
  await kv.set("me", me);
  return me;
}

export async function signIn({ username, password }) {
  return signedIn(await api.post("/api/auth/login", { username, password }));
}

export async function signUp({ username, password, timezone }) {
  return signedIn(await api.post("/api/auth/register", { username, password, timezone }));
}

export async function updateProfile(fields) {
  me = await api.patch("/api/me", fields);
  await kv.set("me", me);
  return me;
}

/** End the session on the server, then remove everything this app keeps on the device. */
export async function signOut() {
  await api.post("/api/auth/logout");
  await wipeDevice();
}

/** Outbox, drafts, cached profile and vocabulary, the shell cache and the service worker. */
export async function wipeDevice() {
  me = null;
  expired = false;
  forgetCsrf();
  await destroy();
  if (globalThis.caches) for (const key of await caches.keys()) await caches.delete(key);
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // storage may be unavailable (private mode); nothing to clear then
  }
}
