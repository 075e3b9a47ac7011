// A popup list of suggestions under a text field (the ARIA 1.2 listbox pattern), shared by the
// municipality field and the @mention suggestions. The field keeps focus; arrows move the
// highlighted option, the given keys choose it, Escape closes.
// A member's face as the pages draw it ({% avatar %}): photo, or initials on a colour class.
function avatarElement({ photo, initials, colour }) {
  if (photo) {
    const image = document.createElement("img");
    Object.assign(image, { src: photo, alt: "", width: 24, height: 24 });
    image.className = "avatar avatar--s";
    return image;
  }
  const badge = document.createElement("span");
  badge.className = `avatar avatar--s avatar--c${Number(colour) || 0}`;
  badge.setAttribute("aria-hidden", "true");
  badge.textContent = initials;
  return badge;
}

export function suggestionList(field, { id, label, onChoose, chooseKeys = ["Enter"] }) {
  const list = document.createElement("ul");
  list.id = id;
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  if (label) list.setAttribute("aria-label", label);
  list.hidden = true;
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", id);
  const isCombobox = field.getAttribute("role") === "combobox";
  let active = -1;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));
  const setExpanded = (expanded) => {
    if (isCombobox) field.setAttribute("aria-expanded", String(expanded));
  };

  function close() {
    list.hidden = true;
    setExpanded(false);
    field.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (all[index]) {
      field.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  // items: [{ text, data: {…} }]; data becomes the option's data-* attributes.
  function show(items) {
    list.replaceChildren(...items.map((item, i) => {
      const option = document.createElement("li");
      option.id = `${id}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.text;
      if (item.avatar) option.prepend(avatarElement(item.avatar));
      Object.assign(option.dataset, item.data || {});
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        onChoose(option);
        close();
      });
      return option;
    }));
    list.hidden = items.length === 0;
    setExpanded(items.length > 0);
    active = -1;
  }

  // Returns true when the key was handled by the list.
  function handleKey(event) {
    const all = options();
    if (!all.length) return false;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      list.hidden = false;
      setExpanded(true);
      highlight(Math.min(active + 1, all.length - 1));
    } else if (event.key === "ArrowUp" && !list.hidden) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (chooseKeys.includes(event.key) && !list.hidden && all[active]) {
      event.preventDefault();
      onChoose(all[active]);
      close();
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    } else {
      return false;
    }
    return true;
  }

  field.after(list);
  field.addEventListener("blur", close);
  field.addEventListener("keydown", handleKey);
  return { list, show, close };
}
