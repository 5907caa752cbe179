// The check-in in progress survives the app being backgrounded or reloaded; removed on save or sign-out.

import { kv } from "./db.js";

let timer = null;

export const loadDraft = () => kv.get("draft").catch(() => null);

export function saveDraft(state) {
  clearTimeout(timer);
  timer = setTimeout(() => kv.set("draft", state).catch(() => {}), 200);
}

export function saveDraftNow(state) {
  clearTimeout(timer);
  return kv.set("draft", state).catch(() => {});
}

export function clearDraft() {
  clearTimeout(timer);
  return kv.delete("draft").catch(() => {});
}
