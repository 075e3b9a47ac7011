// @mention suggestions on the reply and new-topic textareas. Typing "@" and the start of a
// display name lists the board's members (a listbox; arrows, Enter or Tab choose, Escape
// closes); choosing inserts "@display name ". Without this script, typing the name in full
// mentions just the same: the server matches "@" + a member's exact display name.
import { suggestionList } from "./suggestion-list.js";

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
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  let current = null;
  const suggestions = suggestionList(textarea, {
    id: `${textarea.id || "body"}-mentions`,
    label: ja ? "メンションする人" : "People to mention",
    chooseKeys: ["Enter", "Tab"],
    onChoose: (option) => {
      if (!current) return;
      textarea.setRangeText(`@${option.dataset.name} `, current.at, textarea.selectionStart, "end");
      textarea.focus();
    },
  });
  suggestions.list.classList.add("mention-list");
  suggestions.list.after(status);
  let timer = null;
  let controller = null;

  async function search() {
    current = queryBeforeCaret(textarea);
    if (!current) { suggestions.close(); return; }
    controller?.abort();
    controller = new AbortController();
    try {
      const url = `${form.dataset.mentionUrl}?q=${encodeURIComponent(current.query)}`;
      const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
      const { members } = await response.json();
      suggestions.show(members.map((member) => ({
        text: `${member.display_name}（${member.full_name}${member.municipality ? "・" + member.municipality : ""}）`,
        data: { name: member.display_name },
        avatar: member.avatar,
      })));
      status.textContent = members.length
        ? (ja ? `候補が${members.length}件あります。上下キーで選べます。` : `${members.length} suggestions; use the arrow keys.`)
        : "";
    } catch (error) {
      if (error.name !== "AbortError") suggestions.close();
    }
  }

  textarea.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, DELAY_MS); });
}

document.querySelectorAll("form[data-mention-url]").forEach((form) => {
  if (form.querySelector("textarea")) enhance(form);
});
