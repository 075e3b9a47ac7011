// Suggestions for the municipality field (an ARIA 1.2 combobox). Without JavaScript the typed
// name is resolved on the server, so this only makes choosing faster.
const DELAY_MS = 200;

function enhance(input) {
  const listId = `${input.id}-suggestions`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let timer = null;
  let active = -1;
  let controller = null;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (option) => {
    input.value = option.textContent;
    close();
  };

  async function search() {
    const text = input.value.trim();
    if (!text) { close(); return; }
    controller?.abort();
    controller = new AbortController();
    try {
      const url = `${input.dataset.municipalitySearch}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { signal: controller.signal });
      const { results } = await response.json();
      list.replaceChildren(...results.map((result, i) => {
        const item = document.createElement("li");
        item.id = `${listId}-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
        return item;
      }));
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
      active = -1;
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, DELAY_MS); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(Math.min(active + 1, all.length - 1));
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && !list.hidden && all[active]) {
      event.preventDefault();
      choose(all[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
}

document.querySelectorAll("input[data-municipality-search]").forEach(enhance);
