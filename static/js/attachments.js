// Attaching files to the new-topic, reply and edit forms: choosing, dragging and dropping, or
// pasting a screenshot uploads at once to the member's pending area, and the form keeps the
// file's key in a hidden input. Without this script the file input is sent with the form and
// the server does the same; either way a refused file leaves the typed text and the accepted
// files in place, with the server's message in the member's language.
// Text comes from Django's JavaScript catalogue, loaded by the page before this module.
const { gettext, ngettext, interpolate } = window.django;
const text = {
  uploading: (names) =>
    interpolate(gettext("Uploading %(names)s…"), { names: names.join(gettext(", ")) }, true),
  added: (count) =>
    interpolate(
      ngettext("%(count)s file attached.", "%(count)s files attached.", count),
      { count },
      true,
    ),
  failed: gettext("The file could not be sent. Check the connection and try again."),
  screenshot: gettext("screenshot"),
};

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function screenshotName(file) {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
  return `${text.screenshot}-${stamp}.${extension}`;
}

function enhance(fieldset) {
  const form = fieldset.closest("form");
  const input = fieldset.querySelector("input[type=file]");
  const list = fieldset.querySelector("[data-pending-list]");
  const status = fieldset.querySelector("[data-files-status]");
  const dropHint = fieldset.querySelector("[data-drop-zone]");
  const textarea = form.querySelector("textarea");
  if (!form || !input || !list) return;
  if (dropHint) dropHint.hidden = false;

  // An alert region holding a list (a list with role=alert would stop being a list).
  let region = fieldset.querySelector("[data-files-errors]");
  let errors = region ? region.querySelector("ul") : null;
  function showErrors(messages) {
    if (!messages.length) return;
    if (!errors) {
      region = document.createElement("div");
      region.id = "files-errors";
      region.setAttribute("role", "alert");
      region.dataset.filesErrors = "";
      errors = document.createElement("ul");
      errors.className = "errorlist";
      region.append(errors);
      fieldset.querySelector("legend").after(region);
    }
    errors.replaceChildren(
      ...messages.map((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        return item;
      }),
    );
    input.setAttribute("aria-invalid", "true");
    const described = (input.getAttribute("aria-describedby") || "").split(" ");
    if (!described.includes("files-errors")) {
      input.setAttribute("aria-describedby", [...described, "files-errors"].join(" ").trim());
    }
  }

  async function upload(files) {
    if (!files.length) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken(form));
    body.append("count", String(list.querySelectorAll("[data-pending-key]").length));
    for (const file of files) body.append("files", file, file.name);
    status.textContent = text.uploading(files.map((file) => file.name));
    let answer;
    try {
      const response = await fetch(fieldset.dataset.uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      answer = await response.json();
    } catch {
      showErrors([text.failed]);
      status.textContent = text.failed;
      return;
    }
    for (const item of answer.accepted || []) {
      list.insertAdjacentHTML("beforeend", item.html);
    }
    if (answer.errors && answer.errors.length) {
      showErrors(answer.errors);
      status.textContent = answer.errors.join(" ");
    } else {
      if (errors) errors.replaceChildren();
      input.removeAttribute("aria-invalid");
      status.textContent = text.added((answer.accepted || []).length);
    }
  }

  input.addEventListener("change", () => {
    const files = Array.from(input.files);
    // The files now live in the pending area: the form must not send them a second time.
    input.value = "";
    upload(files);
  });

  form.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
    event.preventDefault();
    fieldset.classList.add("attach-files--dragging");
  });
  form.addEventListener("dragleave", (event) => {
    if (!form.contains(event.relatedTarget)) fieldset.classList.remove("attach-files--dragging");
  });
  form.addEventListener("drop", (event) => {
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    fieldset.classList.remove("attach-files--dragging");
    upload(Array.from(event.dataTransfer.files));
  });

  if (textarea) {
    textarea.addEventListener("paste", (event) => {
      const files = Array.from(event.clipboardData ? event.clipboardData.files : []);
      if (!files.length) return;
      event.preventDefault();
      upload(
        files.map((file) =>
          file.name && file.name !== "image.png"
            ? file
            : new File([file], screenshotName(file), { type: file.type }),
        ),
      );
    });
  }
}

for (const fieldset of document.querySelectorAll("[data-attachments]")) enhance(fieldset);
