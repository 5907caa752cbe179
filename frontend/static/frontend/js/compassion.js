// The self-compassion card after an unpleasant check-in: kindness, common humanity and mindfulness, in
// words chosen by the unmet need's category. The text is the server's data; which variant is chosen is
// decided here, never the same one twice in a row. It only ever shows in the app, never in a notification.

import { kv } from "./db.js";
import { promptOn } from "./prompts.js";

const CARD = "compassion-card";
const LAST = "compassion-last";
const SHOW_HOURS = 12;
export const UNPLEASANT = -0.3;

/** Picks the card's words for this check-in and keeps them until Today shows them. */
export async function offerCompassion(v, { emotion, need }) {
  const word = v.emotion.get(emotion);
  if (!promptOn("self_compassion") || !word || word.pleasantness > UNPLEASANT) return;
  const category = v.need.get(need)?.category;
  const key = v.self_compassion[category] ? category : "default";
  const variants = v.self_compassion[key] || [];
  if (!variants.length) return;
  const last = await kv.get(LAST).catch(() => null);
  let index = Math.floor(Math.random() * variants.length);
  if (variants.length > 1 && last?.key === key && last.index === index) index = (index + 1) % variants.length;
  await kv.set(LAST, { key, index });
  await kv.set(CARD, { at: Date.now(), ...variants[index] });
}

/** The card's words if one is waiting (and the person still wants it), else null. */
export async function pendingCompassion() {
  const card = await kv.get(CARD).catch(() => null);
  if (!card || !promptOn("self_compassion") || Date.now() - card.at > SHOW_HOURS * 3600e3) return null;
  return card;
}

export const dismissCompassion = () => kv.delete(CARD);
