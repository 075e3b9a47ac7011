// Half-written replies and questions are kept in this browser (localStorage) until the server
// has accepted them, across reloads, refused submissions and lost connections.
// A draft remembers the form's submission token. The page after a successful post names that
// token in its address (?accepted=…): only then is the draft dropped. A submission that was
// refused, or never answered, leaves the draft in place, and the form says so. Restoring a
// draft restores its token too, so posting it again after a submission that did get through
// (but whose answer was lost) does not post it twice.

// Text comes from Django's JavaScript catalogue, loaded by the page before this module.
const { gettext } = window.django;
const t = {
  restored: gettext("Your unfinished draft was restored."),
  notConfirmed: gettext(
    "Your last submission was not confirmed as posted. Check the text and post it again.",
  ),
  kept: gettext("This was not posted. The draft is kept in this browser."),
};
const PREFIX = "draft:";

function read(key) {
  let raw = null;
  try {
    raw = localStorage.getItem(key);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const draft = JSON.parse(raw);
    if (draft && typeof draft.body === "string") return draft;
  } catch {
    // A draft saved as plain text by an earlier version of this page.
  }
  return { body: raw, title: "", token: "", submitted: false };
}

function write(key, draft) {
  try {
    localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the form still works, only without a kept draft.
  }
}

function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing kept, nothing to forget.
  }
}

function dropAccepted() {
  const params = new URLSearchParams(window.location.search);
  const accepted = params.get("accepted");
  if (!accepted) return;
  try {
    for (let index = localStorage.length - 1; index >= 0; index -= 1) {
      const key = localStorage.key(index);
      if (key && key.startsWith(PREFIX) && read(key)?.token === accepted) forget(key);
    }
  } catch {
    return;
  }
  params.delete("accepted");
  const query = params.toString();
  const address = window.location.pathname + (query ? `?${query}` : "") + window.location.hash;
  window.history.replaceState(window.history.state, "", address);
}

function quoting() {
  return new URLSearchParams(window.location.search).has("quote");
}

// The draft with the quote the page came with added at its end (once: a reload of the same
// address finds it already there).
export function joinQuote(draft, quote) {
  const quoted = quote.trim();
  if (draft.includes(quoted)) return draft;
  return `${draft.trimEnd()}\n\n${quoted}\n\n`;
}

function keepDrafts(form) {
  const key = PREFIX + form.dataset.draft;
  const body = form.querySelector("textarea[name=body]");
  if (!body) return;
  const title = form.querySelector("input[name=title]");
  const token = form.querySelector("input[name=submission_token]");
  const status = document.createElement("p");
  status.className = "draft-status";
  status.setAttribute("role", "status");
  (form.querySelector(".actions") || form.lastElementChild).before(status);

  const draft = read(key);
  if (draft && draft.body && !body.value) {
    body.value = draft.body;
    if (title && !title.value && draft.title) title.value = draft.title;
    if (token && draft.token) token.value = draft.token;
    status.textContent = draft.submitted ? t.notConfirmed : t.restored;
  } else if (draft && draft.body && body.value && quoting()) {
    // "Quote" reloads the page with the quote in the box: it joins the half-written reply.
    body.value = joinQuote(draft.body, body.value);
    if (token && draft.token) token.value = draft.token;
    status.textContent = t.restored;
  } else if (draft && draft.submitted && body.value) {
    // The server sent the form back with the text (its reason is shown beside the field).
    status.textContent = t.kept;
  }

  const save = (submitted) =>
    write(key, {
      body: body.value,
      title: title ? title.value : "",
      token: token ? token.value : "",
      submitted,
      savedAt: Date.now(),
    });
  form.addEventListener("input", () => {
    if (body.value || (title && title.value)) save(false);
    else forget(key);
  });
  form.addEventListener("submit", (event) => {
    if (event.submitter?.name !== "preview" && body.value) save(true);
  });
}

dropAccepted();
for (const form of document.querySelectorAll("form[data-draft]")) keepDrafts(form);
