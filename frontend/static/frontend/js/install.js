// Installing the app: keep Chromium's install prompt for a button; on iOS, say how to add it to the
// Home Screen; nothing to offer once it runs installed.

let deferred = null;
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  deferred = event;
});
window.addEventListener("appinstalled", () => {
  deferred = null;
});

export const isStandalone = () =>
  window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
export const isIOS = () => /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
export const canPrompt = () => Boolean(deferred);

export async function promptInstall() {
  if (!deferred) return false;
  const event = deferred;
  deferred = null;
  await event.prompt();
  const choice = await event.userChoice;
  return choice.outcome === "accepted";
}

export const IOS_STEPS = "In Safari, tap the Share button, then “Add to Home Screen”, then open Attune from its new icon.";
