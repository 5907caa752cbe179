// The check-in, the heart of Attune: where you are (pad or search) → the word, with its definition and
// how strong → (how strong now that it is named; a kinder line for a harsh word) → the unmet need →
// what would help → the body → a note and when → save. Everything after the word is skippable, the
// gentle prompts follow their switches in Settings, and Save is reachable from the word on. It is saved
// on the device first (outbox), so it works on a train with no signal; the draft survives reloads.

import { api } from "../api.js";
import { boundariesFor } from "../boundaries.js";
import { offerCompassion, UNPLEASANT } from "../compassion.js";
import { clearDraft, loadDraft, saveDraft } from "../draft.js";
import { append, clear, field, focusHeading, h, showErrors } from "../dom.js";
import { addDays, intensityLabel, localDateOf, timeOf, zonedInstant } from "../format.js";
import { notify } from "../notices.js";
import { enqueue, outboxEntries } from "../outbox.js";
import { go } from "../router.js";
import { promptOn } from "../prompts.js";
import { currentUser } from "../session.js";
import { requestBackgroundSync, syncNow } from "../sync.js";
import { bodyOutline } from "../ui/bodymap.js";
import { boundaryNote } from "../ui/boundary.js";
import { chips } from "../ui/chips.js";
import { kindLineFields } from "../ui/kindline.js";
import { pad } from "../ui/pad.js";
import { addWord, nearestEmotions, pastNeedsFor, patterns, searchWords, vocabulary } from "../vocabulary.js";
import { kv } from "../db.js";

const STEPS = ["Feeling", "Need", "Body", "Note"];
// Which of the four marks in the progress list each screen belongs to.
const STEP_OF = { feel: 0, word: 0, naming: 0, kind: 0, need: 1, help: 1, body: 2, note: 3 };
const NOTE_MAX = 5000;
const CONTEXT_MAX = 10;
const CONTEXT_TAG_MAX = 40;
const CATEGORY_NAMES = {
  connection: "Connection",
  autonomy: "Autonomy",
  honesty: "Honesty",
  meaning: "Meaning",
  peace: "Peace",
  "physical-well-being": "Physical well-being",
  play: "Play",
};

function newState() {
  return {
    id: crypto.randomUUID(),
    editing: false,
    step: "feel",
    placed: false,
    pleasantness: 0,
    energy: 0,
    query: "",
    emotion: null,
    bridgeFrom: null,
    intensity: 5,
    intensity_after: null,
    namingAsked: false,
    kindAsked: false,
    need: null,
    would_help: null,
    body_area: null,
    sensation: null,
    note: "",
    harsh_line: "",
    kind_line: "",
    context: [],
    when: "now",
    time: "",
    date: "",
  };
}

/** The state for editing a check-in that is on the server or still in the outbox. */
async function stateFor(id, profile) {
  const waiting = (await outboxEntries(profile.username)).find((e) => e.id === id);
  const c = waiting ? { ...waiting.body, id } : await api.get(`/api/checkins/${encodeURIComponent(id)}/`);
  const occurred = c.occurred_at ? new Date(c.occurred_at) : new Date();
  return {
    ...newState(),
    id,
    editing: true,
    step: "feel",
    emotion: c.emotion,
    intensity: c.intensity,
    intensity_after: c.intensity_after ?? null,
    need: c.need || null,
    would_help: c.would_help || null,
    body_area: c.body_area || null,
    sensation: c.sensation || null,
    note: c.note || "",
    harsh_line: c.harsh_line || "",
    kind_line: c.kind_line || "",
    context: c.context || [],
    when: "custom",
    date: localDateOf(occurred, { timezone: profile.timezone, day_starts_at: 0 }),
    time: timeOf(occurred, profile.timezone),
  };
}

export async function render(main, { arg }) {
  const profile = currentUser();
  const v = await vocabulary();
  const mine = await patterns();
  let state;
  if (arg) {
    try {
      state = await stateFor(arg, profile);
    } catch (error) {
      main.append(h("h1", { text: "This check-in can't be opened" }), h("p", { text: error.offline ? "Editing a synced check-in needs a connection." : "It may have been deleted." }), h("p", {}, h("a", { href: "#today", text: "Back to Today" })));
      return null;
    }
  } else {
    const draft = await loadDraft();
    state = draft && !draft.editing ? { ...newState(), ...draft } : newState();
  }

  const view = h("div", { class: "checkin" });
  main.append(view);
  const persist = () => {
    if (!state.editing) saveDraft(state);
  };

  function show(step) {
    state.step = step;
    persist();
    clear(view);
    const steps = h("ol", { class: "steps", aria: { label: "Steps" } });
    const index = STEP_OF[step];
    STEPS.forEach((label, i) => {
      steps.append(h("li", { class: i < index ? "done" : "", aria: i === index ? { current: "step" } : undefined, text: label }));
    });
    view.append(steps);
    ({ feel: feelStep, word: wordStep, naming: namingStep, kind: kindStep, need: needStep, help: helpStep, body: bodyStep, note: noteStep })[step]();
    focusHeading(view);
  }

  function actions(...buttons) {
    return h("div", { class: "step-actions" }, ...buttons);
  }
  const button = (text, onclick, kind = "") => h("button", { type: "button", class: `button ${kind}`, text, onclick });
  const saveButton = (kind = "") => button("Save", save, kind);

  // --- 1. where are you ------------------------------------------------------------------------
  function feelStep() {
    const words = h("div", { class: "where-words", aria: { live: "polite" } });
    const search = h("input", { type: "search", placeholder: "e.g. humiliated", autocomplete: "off", value: state.query, enterkeyhint: "search" });
    const thePad = pad({
      pleasantness: state.pleasantness,
      energy: state.energy,
      placed: state.placed,
      onChange: ({ pleasantness, energy }) => {
        Object.assign(state, { pleasantness, energy, placed: true });
        if (search.value) search.value = state.query = "";
        persist();
        showWords();
      },
    });
    const wordChips = (list) =>
      chips(
        list.map((w) => ({ slug: w.slug, name: w.name, mark: mine.recent.includes(w.slug) ? "recent" : "" })),
        { selected: state.emotion, clearable: false, onSelect: chooseWord, label: "Feeling words" },
      );

    function showWords() {
      clear(words);
      const q = search.value.trim();
      if (q) {
        const found = searchWords(v.emotions, q);
        words.append(h("h2", { text: found.length ? `Words for “${q}”` : `No word matches “${q}” yet` }));
        if (found.length) words.append(wordChips(found));
        const exact = v.emotions.some((w) => w.name.toLocaleLowerCase() === q.toLocaleLowerCase());
        if (!exact) words.append(customWordForm(q));
      } else if (state.placed) {
        words.append(h("h2", { text: `Words near “${thePad.describe().toLowerCase()}”` }));
        words.append(wordChips(nearestEmotions(v, state.pleasantness, state.energy, { recent: mine.recent })));
      } else if (mine.recent.length) {
        words.append(h("h2", { text: "Your recent words" }));
        words.append(wordChips(mine.recent.map((s) => v.emotion.get(s)).filter(Boolean)));
        words.append(h("p", { class: "muted small", text: "Or tap the spot on the pad that feels closest." }));
      } else {
        words.append(h("p", { class: "muted", text: "Tap the spot that feels closest, and words near it appear here." }));
      }
    }
    search.addEventListener("input", () => {
      state.query = search.value;
      persist();
      showWords();
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const first = searchWords(v.emotions, search.value)[0];
        if (first) chooseWord(first.slug);
      }
    });
    view.append(
      h("h1", { text: state.editing ? "Edit this check-in" : "Where are you right now?" }),
      h("p", { class: "lead", text: "Tap a spot: how pleasant, and how much energy. Or find a word directly." }),
      field({ label: "Find a word", control: search, name: "search" }),
      thePad.el,
      words,
    );
    showWords();
    if (state.emotion) view.append(actions(button("Back to your word", () => show("word"), "button-secondary")));
  }

  function customWordForm(name) {
    const box = h("div", { class: "card card-quiet" });
    const online = navigator.onLine;
    const definition = h("input", { type: "text", maxlength: "300" });
    const form = h("form", { novalidate: true },
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      field({ label: "What it means to you (optional)", control: definition, name: "definition" }),
      h("div", { data: { field: "name" } }, h("p", { class: "field-error", hidden: true })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button button-small", text: `Add “${name}”`, disabled: !online })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const word = await api.post("/api/vocabulary/emotions", {
          name,
          definition: definition.value.trim(),
          pleasantness: state.pleasantness,
          energy: state.energy,
        });
        await addWord("emotion", word);
        chooseWord(word.slug);
      } catch (error) {
        showErrors(form, error.offline ? { message: "Adding your own word needs a connection." } : error);
      }
    });
    box.append(
      h("h3", { text: "Add your own word" }),
      h("p", { class: "small muted", text: online ? "It is placed where you tapped on the pad; move the spot first if you like." : "Adding your own word needs a connection. For now, pick a close word; you can add yours later." }),
      form,
    );
    return box;
  }

  function chooseWord(slug) {
    if (!slug) return;
    state.emotion = slug;
    state.bridgeFrom = v.emotion.get(slug)?.is_interpretation ? slug : null;
    show("word");
  }

  // --- 2. the word and how strong ----------------------------------------------------------------
  function wordStep() {
    const word = v.emotion.get(state.emotion) || { name: state.emotion, definition: "" };
    const bridgeWord = state.bridgeFrom ? v.emotion.get(state.bridgeFrom) : null;
    const intensity = intensityField("intensity", "How strong is it? ", state.intensity, (value) => {
      state.intensity = value;
      persist();
    });
    const card = h("div", { class: "word-card" },
      h("p", { class: "word", text: word.name }),
      word.definition ? h("p", { class: "definition", text: word.definition }) : null,
      word.custom ? h("p", { class: "small muted", text: "Your own word" }) : null);
    view.append(h("h1", { text: "The word" }), card);
    if (bridgeWord) view.append(bridge(bridgeWord));
    view.append(
      intensity.el,
      h("p", {}, h("button", { type: "button", class: "link-button", text: "Choose a different word", onclick: () => show("feel") })),
      actions(saveButton("button-secondary"), button("Next", afterWord)),
    );
  }

  /** A 0–10 range with its value in words (shown and announced); onInput(value) after each change. */
  function intensityField(id, label, value, onInput = () => {}) {
    const input = h("input", { type: "range", min: 0, max: 10, step: 1, value, id });
    const out = h("output", { for: id, class: "range-value" });
    const describe = () => {
      out.textContent = intensityLabel(Number(input.value));
      input.setAttribute("aria-valuetext", intensityLabel(Number(input.value)));
    };
    input.addEventListener("input", () => {
      describe();
      onInput(Number(input.value));
    });
    describe();
    return { el: h("div", { class: "field" }, h("label", { for: id }, label, out), input), value: () => Number(input.value) };
  }

  /** After the word: the gentle prompts that are on and not yet answered, then the need. */
  function afterWord() {
    const word = v.emotion.get(state.emotion);
    if (promptOn("naming") && !state.namingAsked) show("naming");
    else if (promptOn("kind_line") && word?.is_self_judgment && !state.kindAsked) show("kind");
    else show("need");
  }

  // --- 2b. naming softens it: how strong now, once and skippable ------------------------------
  function namingStep() {
    state.namingAsked = true;
    const word = v.emotion.get(state.emotion);
    const after = intensityField("intensity-after", "How strong is it now that you've named it? ", state.intensity_after ?? state.intensity);
    const answer = () => {
      state.intensity_after = after.value();
      afterWord();
    };
    const skip = () => {
      state.intensity_after = null;
      afterWord();
    };
    view.append(
      h("h1", { text: "Take a breath" }),
      h("p", { class: "lead", text: `You named it: “${word?.name || state.emotion}”. Putting a precise word on a feeling can change how it sits.` }),
      after.el,
      h("p", { class: "small muted", text: `Before naming it: ${intensityLabel(state.intensity)}. Any answer is fine, and so is skipping.` }),
      actions(button("Skip", skip, "button-quiet"), button("Next", answer)),
    );
  }

  // --- 2c. a kinder line, offered for words that judge oneself ---------------------------------
  function kindStep() {
    state.kindAsked = true;
    const word = v.emotion.get(state.emotion);
    view.append(
      h("h1", { text: "A kinder line" }),
      h("p", { class: "lead", text: `“${word?.name || state.emotion}” is often something we learned to say about ourselves. If a harsh line is running, you can write it down, and a kinder one beside it.` }),
      kindLineFields(state, v.kind_line_examples, persist),
      h("p", { class: "small muted", text: "Only you can read these. Skip it if it's not the moment." }),
      actions(button("Skip", () => show("need"), "button-quiet"), saveButton("button-secondary"), button("Next", () => show("need"))),
    );
  }

  function bridge(word) {
    const box = h("section", { class: "bridge", aria: { labelledby: "bridge-heading" } });
    const feelings = word.suggested_emotions.map((s) => v.emotion.get(s)).filter(Boolean);
    const needs = word.suggested_needs.map((s) => v.need.get(s)).filter(Boolean);
    box.append(
      h("h2", { id: "bridge-heading", text: `Underneath “${word.name}”` }),
      h("p", { class: "small", text: "This word says what someone did, or didn't do. These feelings and needs often sit under it. Tap any that fit, or keep your word." }),
    );
    if (feelings.length) {
      box.append(h("h3", { text: "Feelings" }), chips(feelings.map((w) => ({ slug: w.slug, name: w.name })), {
        selected: state.emotion === word.slug ? null : state.emotion,
        label: "Feelings underneath",
        onSelect: (slug) => {
          state.emotion = slug || word.slug;
          persist();
          const card = view.querySelector(".word-card");
          const chosen = v.emotion.get(state.emotion);
          card.querySelector(".word").textContent = chosen.name;
          const def = card.querySelector(".definition");
          if (def) def.textContent = chosen.definition;
        },
      }));
    }
    if (needs.length) {
      box.append(h("h3", { text: "Needs" }), chips(needs.map((n) => ({ slug: n.slug, name: n.name })), {
        selected: state.need,
        label: "Needs underneath",
        onSelect: (slug) => {
          state.need = slug;
          persist();
        },
      }));
    }
    return box;
  }

  // --- 3. the unmet need -----------------------------------------------------------------------
  function needStep() {
    const fromBridge = state.bridgeFrom ? v.emotion.get(state.bridgeFrom)?.suggested_needs || [] : [];
    const suggested = [...new Set([...fromBridge, ...pastNeedsFor(mine, state.emotion)])].map((s) => v.need.get(s)).filter(Boolean).slice(0, 8);
    const boundarySlot = h("div", { aria: { live: "polite" } });
    const showBoundary = async () => {
      const found = await boundariesFor(state.need);
      boundarySlot.replaceChildren(...[boundaryNote(found, v.need.get(state.need)?.name || "")].filter(Boolean));
    };
    const pick = (slug) => {
      state.need = slug;
      persist();
      for (const b of view.querySelectorAll(".need-chips button")) b.setAttribute("aria-pressed", String(b.dataset.slug === slug));
      showBoundary();
    };
    const needChips = (list, label) => {
      const el = chips(list.map((n) => ({ slug: n.slug, name: n.name })), { selected: state.need, onSelect: pick, label });
      el.classList.add("need-chips");
      return el;
    };
    const search = h("input", { type: "search", autocomplete: "off", placeholder: "e.g. to be heard" });
    const results = h("div", { aria: { live: "polite" } });
    search.addEventListener("input", () => {
      clear(results);
      const found = searchWords(v.needs, search.value, 12);
      if (search.value.trim()) results.append(found.length ? needChips(found, "Matching needs") : h("p", { class: "muted", text: "No need matches that yet." }));
    });
    const groups = h("div", {});
    const byCategory = new Map();
    for (const n of v.needs) {
      if (!byCategory.has(n.category)) byCategory.set(n.category, []);
      byCategory.get(n.category).push(n);
    }
    for (const [category, list] of byCategory) {
      const open = list.some((n) => n.slug === state.need) && !suggested.some((n) => n.slug === state.need);
      groups.append(h("details", { class: "filters", open },
        h("summary", { text: CATEGORY_NAMES[category] || category.replaceAll("-", " ") }),
        needChips(list, CATEGORY_NAMES[category] || category)));
    }
    append(view, [
      h("h1", { text: "What did you need?" }),
      h("p", { class: "lead", text: "The need that went unmet, if there is one. Skip it if nothing fits." }),
      suggested.length ? h("section", {}, h("h2", { text: "Often with this feeling" }), needChips(suggested, "Suggested needs")) : null,
      boundarySlot,
      field({ label: "Find a need", control: search, name: "need-search" }),
      results,
      h("h2", { text: "All needs" }),
      groups,
      actions(button("Back", () => show("word"), "button-quiet"), saveButton("button-secondary"), button("Next", () => show("help"))),
    ]);
    showBoundary();
  }

  // --- 3b. what would help: knowing it comes before any conversation ----------------------------
  function helpStep() {
    const line = h("p", { class: "definition", aria: { live: "polite" } });
    const describe = () => {
      line.textContent = v.help.get(state.would_help)?.definition || "";
    };
    const helpChips = chips(v.helps.map((w) => ({ slug: w.slug, name: w.name })), {
      selected: state.would_help,
      label: "What would help",
      onSelect: (slug) => {
        state.would_help = slug;
        persist();
        describe();
      },
    });
    describe();
    view.append(
      h("h1", { text: "What would help?" }),
      h("p", { class: "lead", text: "Knowing what you would want, before any conversation, is a kindness to yourself. Skip it if you're not sure." }),
      helpChips,
      line,
      customHelpForm(),
      actions(button("Back", () => show("need"), "button-quiet"), saveButton("button-secondary"), button("Next", () => show("body"))),
    );
  }

  function customHelpForm() {
    const name = h("input", { type: "text", maxlength: "64", autocomplete: "off" });
    const add = h("button", { type: "submit", class: "button button-small button-secondary", text: "Add", disabled: !navigator.onLine });
    const form = h("form", { class: "inline-form", novalidate: true },
      h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
      field({ label: "Something else would help", control: name, name: "name", hint: navigator.onLine ? "" : "Adding your own needs a connection." }),
      add);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!name.value.trim()) return;
      try {
        const help = await api.post("/api/vocabulary/helps", { name: name.value.trim() });
        await addWord("help", help);
        state.would_help = help.slug;
        show("help");
      } catch (error) {
        showErrors(form, error.offline ? { message: "Adding your own needs a connection." } : error);
      }
    });
    return h("details", { class: "filters" }, h("summary", { text: "Something else" }), form);
  }

  // --- 4. the body -------------------------------------------------------------------------------
  function bodyStep() {
    let outline;
    const areaChips = chips(v.body_areas, {
      selected: state.body_area,
      label: "Body areas",
      onSelect: (slug) => {
        state.body_area = slug;
        outline.set(slug);
        persist();
      },
    });
    outline = bodyOutline(v.body_areas, {
      selected: state.body_area,
      onSelect: (slug) => {
        state.body_area = slug;
        for (const b of areaChips.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.slug === slug));
        persist();
      },
    });
    const sensationChips = chips(v.sensations, {
      selected: state.sensation,
      label: "Sensations",
      onSelect: (slug) => {
        state.sensation = slug;
        persist();
      },
    });
    view.append(
      h("h1", { text: "Where do you feel it?" }),
      h("p", { class: "lead", text: "Notice your body for a breath. Where does this sit, and what is it like?" }),
      h("div", { class: "body-layout" }, outline.el, h("div", {}, h("h2", { class: "label", text: "Where" }), areaChips)),
      h("h2", { text: "What it feels like" }),
      sensationChips,
      actions(button("Back", () => show("help"), "button-quiet"), saveButton("button-secondary"), button("Next", () => show("note"))),
    );
  }

  // --- 5. note, context and when -----------------------------------------------------------------
  function noteStep() {
    const note = h("textarea", { maxlength: String(NOTE_MAX), value: state.note, rows: "5" });
    note.value = state.note;
    const counter = h("p", { class: "counter", aria: { live: "polite" } });
    const count = () => {
      const left = NOTE_MAX - note.value.length;
      counter.textContent = `${note.value.length} / ${NOTE_MAX}`;
      counter.setAttribute("aria-live", left < 200 ? "polite" : "off");
    };
    note.addEventListener("input", () => {
      state.note = note.value;
      count();
      persist();
    });
    count();

    const tags = h("ul", { class: "chips", aria: { label: "Context tags" } });
    const tagInput = h("input", { type: "text", maxlength: String(CONTEXT_TAG_MAX), placeholder: "e.g. work, partner, home", enterkeyhint: "done" });
    const showTags = () => {
      clear(tags);
      for (const tag of state.context) {
        tags.append(h("li", {}, h("button", {
          type: "button", class: "chip", aria: { label: `Remove ${tag}` },
          onclick: () => {
            state.context = state.context.filter((t) => t !== tag);
            persist();
            showTags();
          },
        }, tag, h("span", { class: "chip-remove", aria: { hidden: "true" }, text: "×" }))));
      }
      tagInput.disabled = state.context.length >= CONTEXT_MAX;
    };
    const addTag = (raw) => {
      const tag = raw.trim().slice(0, CONTEXT_TAG_MAX);
      if (tag && !state.context.includes(tag) && state.context.length < CONTEXT_MAX) state.context.push(tag);
      tagInput.value = "";
      persist();
      showTags();
    };
    tagInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();
        addTag(tagInput.value);
      }
    });
    tagInput.addEventListener("change", () => tagInput.value && addTag(tagInput.value));
    showTags();
    const suggestions = mine.contexts.filter((t) => !state.context.includes(t)).slice(0, 6);

    const when = whenField();
    view.append(
      h("h1", { text: "Anything to add?" }),
      h("form", { novalidate: true, class: "note-form" },
        h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
        field({ label: "Note (optional)", control: note, name: "note", hint: "Only you can read it." }),
        counter,
        field({ label: "Who or where (optional)", control: tagInput, name: "context", hint: "Press Enter after each one." }),
        tags,
        suggestions.length ? h("p", { class: "small muted" }, "Recent: ", suggestions.map((t) => h("button", { type: "button", class: "link-button", text: t, onclick: () => addTag(t) })).flatMap((b, i) => (i ? [", ", b] : [b]))) : null,
        promptOn("kind_line") || state.harsh_line || state.kind_line
          ? h("details", { class: "filters", open: Boolean(state.harsh_line || state.kind_line) },
            h("summary", { text: "A kinder line (optional)" }),
            kindLineFields(state, v.kind_line_examples, persist))
          : null,
        when),
      actions(button("Back", () => show("body"), "button-quiet"), saveButton()),
    );
  }

  function whenField() {
    const today = localDateOf(Date.now(), { timezone: profile.timezone, day_starts_at: 0 });
    const nowTime = timeOf(Date.now(), profile.timezone);
    const time = h("input", { type: "time", value: state.time || nowTime });
    const date = h("input", { type: "date", max: today, value: state.date || today });
    const extra = h("div", { class: "when-extra" });
    const choices = [["now", "Now"], ["earlier", "Earlier today"], ["yesterday", "Yesterday"], ["custom", "Another day"]];
    const group = h("fieldset", { data: { field: "occurred_at" } }, h("legend", { text: "When was this?" }));
    const layout = () => {
      clear(extra);
      if (state.when === "custom") extra.append(field({ label: "Day", control: date, name: "when-date" }));
      if (state.when !== "now") extra.append(field({ label: "Time", control: time, name: "when-time" }));
    };
    for (const [value, label] of choices) {
      const input = h("input", { type: "radio", name: "when", value, checked: state.when === value });
      input.addEventListener("change", () => {
        state.when = value;
        persist();
        layout();
      });
      group.append(h("label", { class: "choice" }, input, label));
    }
    time.addEventListener("input", () => {
      state.time = time.value;
      persist();
    });
    date.addEventListener("input", () => {
      state.date = date.value;
      persist();
    });
    group.append(extra, h("p", { class: "field-error", hidden: true }));
    layout();
    return group;
  }

  /** The instant the person chose; never in the future. */
  function occurredAt() {
    const zone = profile.timezone;
    const today = localDateOf(Date.now(), { timezone: zone, day_starts_at: 0 });
    if (state.when === "now") return new Date();
    const day = state.when === "earlier" ? today : state.when === "yesterday" ? addDays(today, -1) : state.date || today;
    return zonedInstant(day, state.time || timeOf(Date.now(), zone), zone);
  }

  // --- save ------------------------------------------------------------------------------------------
  async function save() {
    const at = occurredAt();
    if (at.getTime() > Date.now() + 60_000) {
      if (state.step !== "note") show("note");
      const form = view.querySelector(".note-form");
      showErrors(form, { fields: { occurred_at: ["That time is still to come. Choose a time up to now."] } });
      return;
    }
    const body = { emotion: state.emotion, intensity: state.intensity, occurred_at: at.toISOString() };
    for (const key of ["need", "would_help", "sensation", "body_area"]) if (state[key]) body[key] = state[key];
    if (state.intensity_after !== null) body.intensity_after = state.intensity_after;
    for (const key of ["note", "harsh_line", "kind_line"]) if (state[key].trim()) body[key] = state[key];
    if (state.context.length) body.context = state.context;
    await enqueue({ user: profile.username, id: state.id, body });
    await clearDraft();
    const word = v.emotion.get(state.emotion);
    if (word && word.pleasantness <= UNPLEASANT && state.intensity >= 7) await kv.set("support-card", { at: Date.now() });
    if (!state.editing) await offerCompassion(v, state);
    requestBackgroundSync();
    syncNow();
    if (!navigator.onLine) notify("Saved on this phone. It will sync when you're back online.", { id: "saved" });
    else notify(state.editing ? "Changes saved." : "Saved. Thank you for checking in.", { id: "saved" });
    go("#today");
  }

  show(state.emotion && state.step !== "feel" ? state.step : "feel");
  return null;
}
