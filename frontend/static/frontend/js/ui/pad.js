// The pleasantness × energy pad. Touch or click sets a spot; two native range inputs hold the same
// values, so keyboards and screen readers (which have no 2-D slider) use the ranges, in words.

import { h } from "../dom.js";
import { energyWords, pleasantnessWords, quadrantName } from "../format.js";

const STEPS = 10; // each axis from -10 to 10, shown as -1..1

export function pad({ pleasantness = 0, energy = 0, placed = false, onChange }) {
  const marker = h("span", { class: "pad-marker", hidden: !placed });
  const surface = h(
    "div",
    { class: "pad", aria: { hidden: "true" } },
    h("span", { class: "pad-q pad-q-uh", text: "Unpleasant, high energy" }),
    h("span", { class: "pad-q pad-q-ph", text: "Pleasant, high energy" }),
    h("span", { class: "pad-q pad-q-ul", text: "Unpleasant, low energy" }),
    h("span", { class: "pad-q pad-q-pl", text: "Pleasant, low energy" }),
    marker,
  );
  const pRange = h("input", { type: "range", min: -STEPS, max: STEPS, step: 1, value: Math.round(pleasantness * STEPS), id: "pad-pleasantness" });
  const eRange = h("input", { type: "range", min: -STEPS, max: STEPS, step: 1, value: Math.round(energy * STEPS), id: "pad-energy" });
  const pOut = h("output", { for: "pad-pleasantness" });
  const eOut = h("output", { for: "pad-energy" });

  const values = () => ({ pleasantness: Number(pRange.value) / STEPS, energy: Number(eRange.value) / STEPS });

  function show() {
    const v = values();
    pRange.setAttribute("aria-valuetext", pleasantnessWords(v.pleasantness));
    eRange.setAttribute("aria-valuetext", energyWords(v.energy));
    pOut.textContent = pleasantnessWords(v.pleasantness);
    eOut.textContent = energyWords(v.energy);
    marker.style.left = `${((v.pleasantness + 1) / 2) * 100}%`;
    marker.style.top = `${((1 - v.energy) / 2) * 100}%`;
  }

  function changed() {
    marker.hidden = false;
    show();
    onChange?.(values());
  }

  function fromPointer(event) {
    const box = surface.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    pRange.value = String(Math.round((x * 2 - 1) * STEPS));
    eRange.value = String(Math.round((1 - y * 2) * STEPS));
    changed();
  }

  surface.addEventListener("pointerdown", (event) => {
    surface.setPointerCapture?.(event.pointerId);
    fromPointer(event);
  });
  surface.addEventListener("pointermove", (event) => {
    if (event.buttons) fromPointer(event);
  });
  pRange.addEventListener("input", changed);
  eRange.addEventListener("input", changed);
  show();

  const el = h(
    "div",
    { class: "pad-wrap" },
    surface,
    h("div", { class: "pad-ranges" },
      h("label", { for: "pad-pleasantness" }, "Pleasantness", pOut), pRange,
      h("label", { for: "pad-energy" }, "Energy", eOut), eRange),
  );
  return { el, values, describe: () => quadrantName(values().pleasantness, values().energy) };
}
