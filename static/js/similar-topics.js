// While a question's title and body are typed, list topics that may already answer it (solved
// ones first, with the first lines of their accepted answer) under the title field, so that an
// existing answer is found before a duplicate is posted. Without JavaScript the form works
// exactly the same; the region just stays empty.
const region = document.querySelector("[data-similar-url]");
const title = document.getElementById("id_title");
const body = document.getElementById("id_body");

// The body travels in the address (a GET): 500 characters of Japanese are about 4.5 KB once
// percent-encoded, with the title under the 8 KB request line that common proxies accept. The
// start of a question carries its subject.
const MAX_BODY = 500;

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
      if (topic.answer) {
        const answer = document.createElement("p");
        answer.className = "similar-topics__answer small";
        const label = document.createElement("span");
        label.className = "similar-topics__answer-label";
        label.textContent = `${region.dataset.answerLabel} `;
        answer.append(label, topic.answer);
        item.append(answer);
      }
      list.append(item);
    }
    region.append(heading, list);
  };

  const lookUp = async () => {
    const titleText = title.value.trim();
    const bodyText = body ? body.value.trim().slice(0, MAX_BODY) : "";
    const query = `${titleText}\n${bodyText}`;
    if (query === lastQuery) return;
    lastQuery = query;
    if (titleText.length + bodyText.length < 2) {
      render([]);
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const url = new URL(region.dataset.similarUrl, window.location.href);
    url.searchParams.set("title", titleText);
    if (bodyText) url.searchParams.set("body", bodyText);
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

  const schedule = (delay) => () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, delay);
  };
  title.addEventListener("input", schedule(350));
  body?.addEventListener("input", schedule(800));
  if (title.value || body?.value) lookUp();
}
