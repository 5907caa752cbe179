// This device's Web Push subscription: subscribe with the server's VAPID key and register it. Shared by
// the reminders screen and the service worker (pushsubscriptionchange).

import { api } from "./api.js";

function keyBytes(base64url) {
  const padded = base64url.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Subscribe this device (again) and register the subscription; forget the old endpoint if given. */
export async function registerPushSubscription(registration, oldSubscription = null) {
  const { public_key: publicKey } = await api.get("/api/push/public-key");
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  await api.post("/api/push/subscriptions", subscription.toJSON());
  if (oldSubscription && oldSubscription.endpoint !== subscription.endpoint) {
    await api.delete("/api/push/subscriptions", { endpoint: oldSubscription.endpoint }).catch(() => {});
  }
  return subscription;
}

export async function unregisterPushSubscription(registration) {
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return;
  await api.delete("/api/push/subscriptions", { endpoint: subscription.endpoint });
  await subscription.unsubscribe();
}
