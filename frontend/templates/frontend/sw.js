// Attune's service worker, rendered by Django: VERSION and SHELL come from the shell files' contents,
// so a change to any of them is a new version with its own cache.
import { flushInBackground } from "/static/frontend/js/outbox.js";
import { registerPushSubscription } from "/static/frontend/js/pushsub.js";

const VERSION = "{{ version }}";
const CACHE = `attune-shell-${VERSION}`;
const SHELL = {{ shell_json|safe }};
const SHELL_SET = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // "reload" bypasses the HTTP cache: the new version never mixes in an older file.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
    })(),
  );
  // No skipWaiting here: a new version waits until the person chooses to reload.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("attune-shell-") && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
  if (event.data?.type === "version") event.source?.postMessage({ type: "version", version: VERSION });
});

async function fromShell(key, request) {
  // caches.match does not create the cache (caches.open would, even right after sign-out wiped it).
  return (await caches.match(key, { cacheName: CACHE })) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is never answered from a cache: a person's data lives only in the page and IndexedDB.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(fromShell("/", request));
  } else if (SHELL_SET.has(url.pathname) && !url.search) {
    event.respondWith(fromShell(url.pathname, request));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(flushInBackground());
});

// --- reminders ----------------------------------------------------------------------------------

const GENERIC = { title: "Attune", body: "Time for a gentle check-in", url: "/#checkin" };

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  // The server only ever sends generic text; anything unexpected falls back to it.
  const url = typeof data.url === "string" && data.url.startsWith("/") ? data.url : GENERIC.url;
  event.waitUntil(
    self.registration.showNotification(typeof data.title === "string" ? data.title : GENERIC.title, {
      body: typeof data.body === "string" ? data.body : GENERIC.body,
      icon: "/static/frontend/icons/icon-192.png",
      badge: "/static/frontend/icons/badge-96.png",
      tag: "attune-reminder",
      data: { url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || GENERIC.url, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        return open.navigate(target).catch(() => open.postMessage({ type: "navigate", url: target }));
      }
      return self.clients.openWindow(target);
    })(),
  );
});

self.addEventListener("pushsubscriptionchange", (event) => {
  // The push service replaced this device's subscription: subscribe again and tell the server.
  event.waitUntil(registerPushSubscription(self.registration, event.oldSubscription).catch(() => {}));
});
