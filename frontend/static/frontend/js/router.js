// Hash routes (#today, #checkin, #entry/<id>…): the one HTML page works offline for every screen, and a
// notification can open "/#checkin". Each screen is its own module, loaded when first opened.

import { clear, focusHeading, h } from "./dom.js";
import { currentUser } from "./session.js";

const screens = {
  signin: { load: () => import("./screens/signin.js"), public: true },
  signup: { load: () => import("./screens/signup.js"), public: true },
  privacy: { load: () => import("./screens/privacy.js"), public: true },
  support: { load: () => import("./screens/support.js"), public: true },
  today: { load: () => import("./screens/today.js"), tab: "today" },
  checkin: { load: () => import("./screens/checkin.js"), tab: "checkin" },
  entry: { load: () => import("./screens/entry.js"), tab: "today" },
  week: { load: () => import("./screens/week.js"), tab: "week" },
  trends: { load: () => import("./screens/trends.js"), tab: "week" },
  reminders: { load: () => import("./screens/reminders.js"), tab: "reminders" },
  settings: { load: () => import("./screens/settings.js"), tab: "settings" },
  boundaries: { load: () => import("./screens/boundaries.js"), tab: "settings" },
  data: { load: () => import("./screens/data.js"), tab: "settings" },
};

let cleanup = null;
let current = null;
let renderCount = 0;
const routeListeners = new Set();

export const currentRoute = () => current;
export const onRouteChange = (fn) => routeListeners.add(fn);

export function parseHash(hash = location.hash) {
  const [name = "", ...rest] = hash.replace(/^#/, "").split("/");
  return { name, arg: rest.join("/") ? decodeURIComponent(rest.join("/")) : "" };
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

export async function render() {
  const count = ++renderCount;
  let { name, arg } = parseHash();
  const signedIn = Boolean(currentUser());
  if (!screens[name]) name = signedIn ? "today" : "signin";
  if (!signedIn && !screens[name].public) name = "signin";
  if (signedIn && (name === "signin" || name === "signup")) name = "today";
  const screen = screens[name];
  const main = document.getElementById("main");
  let module;
  try {
    module = await screen.load();
  } catch {
    module = null;
  }
  if (count !== renderCount) return; // a newer navigation won
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  current = { name, arg };
  clear(main);
  const tabs = document.getElementById("tabs");
  tabs.hidden = !signedIn;
  for (const link of tabs.querySelectorAll("a")) {
    if (link.dataset.tab === screen.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.body.dataset.screen = name;
  // Each render draws into its own view: one still awaiting (a slow fetch) when a newer navigation
  // replaced it writes into a detached element, never beside the newer screen.
  const view = h("div", { class: "view" });
  main.append(view);
  if (!module) {
    view.append(
      h("h1", { text: "This screen needs a connection" }),
      h("p", { text: "It is not on this phone yet. Check-ins still work offline." }),
    );
  } else {
    const done = await module.render(view, { arg });
    if (count !== renderCount) {
      if (typeof done === "function") done();
      return;
    }
    cleanup = done;
  }
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · Attune` : "Attune";
  // A screen draws its first part before its data arrives: a person who has already moved into it
  // (tabbed to a button, scrolled with End) keeps their place rather than being sent back up.
  if (!view.contains(document.activeElement)) {
    focusHeading(main);
    window.scrollTo(0, 0);
  }
  routeListeners.forEach((fn) => fn(current));
}

export function startRouter() {
  window.addEventListener("hashchange", render);
  return render();
}
