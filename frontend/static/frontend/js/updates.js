// The service worker and its updates. A new version installs and waits; the app offers to reload
// (never in the middle of a check-in); on "Reload" the waiting worker takes over and the page reloads
// once, so old HTML never runs with new scripts.

import { notify } from "./notices.js";
import { currentRoute, onRouteChange } from "./router.js";

let registration = null;
let reloading = false;
let offerPending = false;

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return null;
  // A module worker, so it shares the outbox code with the page (Background Sync flushes from it).
  registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      // "installed" with a controller in charge: a new version is waiting (not the first install).
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate();
    });
  });
  return registration;
}

export const swRegistration = () => registration;

navigator.serviceWorker?.addEventListener("controllerchange", () => {
  // Only the reload the person asked for; the very first install also changes the controller.
  if (reloading) window.location.reload();
});

function busy() {
  return currentRoute()?.name === "checkin";
}

function offerUpdate() {
  if (busy()) {
    offerPending = true;
    return;
  }
  offerPending = false;
  notify("A new version of Attune is ready.", {
    id: "update-ready",
    actionLabel: "Reload",
    persistent: true,
    onAction: applyUpdate,
  });
}

onRouteChange(() => {
  if (offerPending && !busy()) offerUpdate();
});

export function applyUpdate() {
  const waiting = registration?.waiting;
  if (!waiting) return window.location.reload();
  reloading = true;
  waiting.postMessage({ type: "skip-waiting" });
}

/** Look for a new version now and then (browsers also do on navigation). */
export function checkForUpdate() {
  registration?.update().catch(() => {});
}
