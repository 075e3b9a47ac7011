// Keep a half-written message in the browser across reloads, lost connections and the
// new-conversation page's own round trips (searching for members, adding or removing one),
// until it is sent. Each form names its own key (data-draft-key); the message and, where the
// form has one, its subject are kept. A preview keeps the draft.
function fieldsOf(form) {
  return [...form.querySelectorAll("textarea[name=body], input[name=title]")];
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

for (const form of document.querySelectorAll("form[data-draft-key]")) {
  const fields = fieldsOf(form);
  if (!fields.length) continue;
  const key = form.dataset.draftKey;
  try {
    const draft = read(key);
    for (const field of fields) {
      if (!field.value && draft[field.name]) field.value = draft[field.name];
    }
    const save = () => {
      const values = Object.fromEntries(fields.map((field) => [field.name, field.value]));
      if (Object.values(values).some((value) => value)) {
        localStorage.setItem(key, JSON.stringify(values));
      } else {
        localStorage.removeItem(key);
      }
    };
    for (const field of fields) field.addEventListener("input", save);
    form.addEventListener("submit", (submit) => {
      if (submit.submitter?.name !== "preview") localStorage.removeItem(key);
    });
  } catch {
    // Storage may be off (private windows, strict policies): the form still works.
  }
}
