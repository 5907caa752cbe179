// A <select> of IANA time zones, the detected one chosen.

import { h } from "../dom.js";

export function zoneSelect(selected) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  if (!zones.includes("UTC")) zones = ["UTC", ...zones];
  if (selected && !zones.includes(selected)) zones = [selected, ...zones];
  return h("select", {}, zones.map((z) => h("option", { value: z, text: z.replaceAll("_", " "), selected: z === selected })));
}
