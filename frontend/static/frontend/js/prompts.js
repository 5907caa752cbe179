// The gentle prompts (naming it again, a kinder line, the self-compassion card) each follow a switch in
// Settings, kept in the profile so every device of the person honours it.

import { currentUser } from "./session.js";

export const PROMPTS = [
  ["naming", "Ask how strong it is once I've named it"],
  ["kind_line", "Offer a kinder line when a word is harsh about me"],
  ["self_compassion", "Show a self-compassion card after a hard moment"],
];

/** On unless the person switched it off (a profile cached before the switches existed counts as on). */
export const promptOn = (name) => currentUser()?.[`prompt_${name}`] !== false;
