// Keep a half-written message in the browser across reloads, lost connections and the
// new-conversation page's own round trips (searching for members, adding or removing one),
// until it is sent. Each form names its own key (data-draft-key); the message and, where the
// form has one, its subject are kept. A preview keeps the draft.
//
// A new conversation's draft also remembers its recipients (data-draft-recipients) and comes
// back only while at least one of them is still chosen: text meant for one colleague never
// fills in by itself for another. When the server refuses a send, the page comes back with
// what was typed, and that is saved again, so following a link from there loses nothing.
import { joinQuote } from "./reply-draft.js";

function fieldsOf(form) {
  return [...form.querySelectorAll("textarea[name=body], input[name=title]")];
}

function recipientsOf(form) {
  const listed = form.dataset.draftRecipients;
  return listed === undefined ? null : listed.split(",").filter(Boolean);
}

function read(key) {
  const stored = localStorage.getItem(key);
  if (!stored) return {};
  try {
    const parsed = JSON.parse(stored);
    if (parsed && typeof parsed === "object") return parsed;
  } catch {
    // A draft saved before subjects were kept: the message alone.
  }
  return { body: stored };
}

function belongsHere(draft, recipients) {
  if (recipients === null || !Array.isArray(draft.recipients)) return true;
  return draft.recipients.some((id) => recipients.includes(String(id)));
}

for (const form of document.querySelectorAll("form[data-draft-key]")) {
  const fields = fieldsOf(form);
  if (!fields.length) continue;
  const key = form.dataset.draftKey;
  const recipients = recipientsOf(form);
  try {
    const save = () => {
      const values = Object.fromEntries(fields.map((field) => [field.name, field.value]));
      if (Object.values(values).some((value) => value)) {
        if (recipients !== null) values.recipients = recipients;
        localStorage.setItem(key, JSON.stringify(values));
      } else {
        localStorage.removeItem(key);
      }
    };
    const filledByServer = fields.some((field) => field.value);
    const body = form.querySelector("textarea[name=body]");
    const quoting = new URLSearchParams(window.location.search).has("quote");
    const draft = read(key);
    if (quoting && body && body.value && draft.body && belongsHere(draft, recipients)) {
      // "Quote" reloads the page with the quote in the box: it joins the half-written text.
      body.value = joinQuote(draft.body, body.value);
      save();
    } else if (filledByServer) {
      save(); // a refused send or a preview came back with the text
    } else {
      if (belongsHere(draft, recipients)) {
        for (const field of fields) {
          if (draft[field.name]) field.value = draft[field.name];
        }
      }
    }
    for (const field of fields) field.addEventListener("input", save);
    form.addEventListener("submit", (submit) => {
      // Previewing, or finding and adding people, keeps the draft: only a send drops it.
      const keeps = ["preview", "find", "add"];
      if (!keeps.includes(submit.submitter?.name)) localStorage.removeItem(key);
    });
  } catch {
    // Storage may be off (private windows, strict policies): the form still works.
  }
}
