// Building DOM without innerHTML: every piece of user text goes in through textContent.

/**
 * h("button", {class: "chip", onclick, aria: {pressed: "true"}}, "text", child)
 * Props: class, text, hidden, on<event> handlers, aria: {...}, data: {...}; anything else is an attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElementNS(
    props.svg ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
    tag,
  );
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false || key === "svg") continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "aria") for (const [k, v] of Object.entries(value)) el.setAttribute(`aria-${k}`, v);
    else if (key === "data") for (const [k, v] of Object.entries(value)) el.dataset[k] = v;
    else if (key === "value" && "value" in el) el.value = value;
    else if (key === "checked" || key === "selected" || key === "disabled") el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let idCounter = 0;
export function uid(prefix = "f") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: <label>, the control, a hint and an error slot tied with aria-describedby. */
export function field({ label, control, hint, name }) {
  const id = control.id || uid(name || "field");
  control.id = id;
  if (name) control.name = name;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field", data: { field: name || "" } },
    h("label", { for: id, text: label }),
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    control,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
}

/** Shows the API's field errors beside their fields; the rest in the form's general error slot. */
export function showErrors(form, error) {
  for (const slot of form.querySelectorAll(".field-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const general = form.querySelector(".form-error");
  if (general) {
    general.hidden = true;
    general.textContent = "";
  }
  if (!error) return;
  const rest = [];
  for (const [name, messages] of Object.entries(error.fields || {})) {
    const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const text = [].concat(messages).join(" ");
    const slot = box?.querySelector(".field-error");
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
      box.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
    } else rest.push(text);
  }
  if (!error.fields || rest.length) rest.unshift(error.fields ? "" : error.message);
  const text = rest.filter(Boolean).join(" ");
  if (general && text) {
    general.textContent = text;
    general.hidden = false;
  }
  (form.querySelector("[aria-invalid]") || general)?.focus?.();
}

/** Focus the new screen's heading so a screen reader announces where the person is. */
export function focusHeading(root) {
  const heading = root.querySelector("h1");
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: true });
}
