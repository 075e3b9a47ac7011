// Suggestions for the municipality field (an ARIA 1.2 combobox). Without JavaScript the typed
// name is resolved on the server, so this only makes choosing faster.
import { suggestionList } from "./suggestion-list.js";

const DELAY_MS = 200;

function enhance(input) {
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");
  const suggestions = suggestionList(input, {
    id: `${input.id}-suggestions`,
    onChoose: (option) => { input.value = option.textContent; },
  });
  let timer = null;
  let controller = null;

  async function search() {
    const text = input.value.trim();
    if (!text) { suggestions.close(); return; }
    controller?.abort();
    controller = new AbortController();
    try {
      const url = `${input.dataset.municipalitySearch}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { signal: controller.signal });
      const { results } = await response.json();
      suggestions.show(results.map((result) => ({ text: result.label })));
    } catch (error) {
      if (error.name !== "AbortError") suggestions.close();
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, DELAY_MS); });
}

document.querySelectorAll("input[data-municipality-search]").forEach(enhance);
