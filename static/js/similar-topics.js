// While a question's title is typed, list similar topics (solved ones first) under the title
// field, so that an existing answer is found before a duplicate is posted. Without JavaScript
// the form works exactly the same; the region just stays empty.
const region = document.querySelector("[data-similar-url]");
const title = document.getElementById("id_title");

if (region && title) {
  const field = title.closest("div") || title;
  field.after(region);
  let timer = null;
  let controller = null;
  let lastQuery = "";

  const render = (topics) => {
    region.replaceChildren();
    if (!topics.length) return;
    const heading = document.createElement("p");
    heading.className = "small";
    heading.textContent = region.dataset.heading;
    const list = document.createElement("ul");
    for (const topic of topics) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = topic.url;
      link.target = "_blank";
      link.rel = "noopener";
      // title_html is escaped by the server; only its <mark> tags are markup.
      link.innerHTML = topic.title_html;
      item.append(link, ` (${topic.board})`);
      if (topic.solved) {
        const badge = document.createElement("span");
        badge.className = "badge badge--solved";
        badge.textContent = region.dataset.solvedLabel;
        item.append(" ", badge);
      }
      list.append(item);
    }
    region.append(heading, list);
  };

  const lookUp = async () => {
    const query = title.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (query.length < 2) {
      render([]);
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const url = new URL(region.dataset.similarUrl, window.location.href);
    url.searchParams.set("title", query);
    url.searchParams.set("board", region.dataset.board);
    try {
      const response = await fetch(url, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      render(data.topics || []);
    } catch (error) {
      if (error.name !== "AbortError") render([]);
    }
  };

  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 350);
  });
  if (title.value) lookUp();
}
