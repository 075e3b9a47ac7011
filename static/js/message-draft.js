// Keep a half-written message in the browser across reloads and lost connections, until it
// is sent. Each form names its own key (data-draft-key); a preview keeps the draft.
for (const form of document.querySelectorAll("form[data-draft-key]")) {
  const box = form.querySelector("textarea[name=body]");
  if (!box) continue;
  const key = form.dataset.draftKey;
  try {
    if (!box.value && localStorage.getItem(key)) box.value = localStorage.getItem(key);
    box.addEventListener("input", () => localStorage.setItem(key, box.value));
    form.addEventListener("submit", (submit) => {
      if (submit.submitter?.name !== "preview") localStorage.removeItem(key);
    });
  } catch {
    // Storage may be off (private windows, strict policies): the form still works.
  }
}
