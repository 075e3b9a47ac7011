// Filter-as-you-type for lists marked with data-filter-target; the list itself works without it.
const fold = (text) => text.normalize("NFKC").toLowerCase();

document.querySelectorAll("input[data-filter-target]").forEach((input) => {
  const list = document.querySelector(input.dataset.filterTarget);
  const status = document.getElementById(input.getAttribute("aria-describedby"));
  if (!list) return;
  const items = Array.from(list.querySelectorAll("[data-filter-text]"));
  input.addEventListener("input", () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const text = fold(item.dataset.filterText);
      const match = words.every((word) => text.includes(word));
      item.hidden = !match;
      if (match) shown += 1;
    }
    if (status) status.textContent = words.length ? `${shown} / ${items.length}` : "";
  });
});
