// @mention suggestions on the reply and new-topic textareas. Typing "@" and the start of a
// display name lists the board's members (a listbox; arrows, Enter or Tab choose, Escape
// closes); choosing inserts "@display name ". Without this script, typing the name in full
// mentions just the same: the server matches "@" + a member's exact display name.
const DELAY_MS = 200;
const MAX_NAME = 30;
const ja = document.documentElement.lang !== "en";

function queryBeforeCaret(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const at = Math.max(before.lastIndexOf("@"), before.lastIndexOf("＠"));
  if (at < 0) return null;
  const query = before.slice(at + 1);
  const previous = at > 0 ? before[at - 1] : " ";
  if (/[A-Za-z0-9._%+-]/.test(previous) || query.length > MAX_NAME || query.includes("\n")) {
    return null;
  }
  return { at, query };
}

function enhance(form) {
  const textarea = form.querySelector("textarea");
  const listId = `${textarea.id || "body"}-mentions`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "combobox-list mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", ja ? "メンションする人" : "People to mention");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  textarea.after(list, status);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", listId);

  let timer = null;
  let active = -1;
  let controller = null;
  let current = null;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));
  const close = () => {
    list.hidden = true;
    textarea.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (all[index]) {
      textarea.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (option) => {
    if (!current) return;
    const name = option.dataset.name;
    const start = current.at;
    const end = textarea.selectionStart;
    textarea.setRangeText(`@${name} `, start, end, "end");
    textarea.focus();
    close();
  };

  async function search() {
    current = queryBeforeCaret(textarea);
    if (!current) { close(); return; }
    controller?.abort();
    controller = new AbortController();
    try {
      const url = `${form.dataset.mentionUrl}?q=${encodeURIComponent(current.query)}`;
      const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
      const { members } = await response.json();
      list.replaceChildren(...members.map((member, i) => {
        const item = document.createElement("li");
        item.id = `${listId}-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.name = member.display_name;
        item.textContent = `${member.display_name}（${member.full_name}${member.municipality ? "・" + member.municipality : ""}）`;
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
        return item;
      }));
      list.hidden = members.length === 0;
      active = -1;
      status.textContent = members.length
        ? (ja ? `候補が${members.length}件あります。上下キーで選べます。` : `${members.length} suggestions; use the arrow keys.`)
        : "";
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  textarea.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, DELAY_MS); });
  textarea.addEventListener("blur", close);
  textarea.addEventListener("keydown", (event) => {
    const all = options();
    if (list.hidden || !all.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(Math.min(active + 1, all.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if ((event.key === "Enter" || event.key === "Tab") && all[active]) {
      event.preventDefault();
      choose(all[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
}

document.querySelectorAll("form[data-mention-url]").forEach((form) => {
  if (form.querySelector("textarea")) enhance(form);
});
