// Live rows of a progress table. Progressive enhancement: without this script the table works
// with reloads. Events carry a per-table sequence; a gap or a reconnect is filled from
// /progress/<id>/events/?since=<sequence> over plain HTTP, so no change is lost or applied
// twice. WebSocket first; when it cannot be opened (proxies), polling the same catch-up URL.
// Texts come translated from the page (data-text-* attributes).

const table = document.getElementById("progress-table");

if (table) {
  const rows = document.getElementById("progress-rows");
  const notice = document.getElementById("progress-live-notice");
  const eventsUrl = table.dataset.eventsUrl;
  const sort = table.dataset.sort;
  const descending = table.dataset.order === "desc";
  const filterPrefecture = table.dataset.filterPrefecture;
  const filterKind = table.dataset.filterKind;
  const orderAttribute = { code: "orderCode", kind: "orderKind", updated: "orderUpdated" }[sort];
  let sequence = Number(table.dataset.sequence) || 0;
  let catchingUp = null;
  let socket = null;
  let everOpened = false;
  let failures = 0;
  let pollTimer = null;

  function say(message) {
    notice.textContent = message;
    notice.hidden = !message;
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function placeRow(event) {
    if ((filterPrefecture && event.prefecture !== filterPrefecture) ||
        (filterKind && event.kind !== filterKind)) return;
    const row = fromHtml(event.html);
    const existing = document.getElementById(row.id);
    if (existing) {
      if (Number(existing.dataset.version) > event.version) return;
      existing.replaceWith(row);
    } else if (orderAttribute) {
      const key = row.dataset[orderAttribute];
      const after = [...rows.children].find((other) => {
        const otherKey = other.dataset[orderAttribute];
        return descending ? otherKey < key : otherKey > key;
      });
      rows.insertBefore(row, after || null);
    } else {
      rows.appendChild(row);
      say(table.dataset.textResort);
    }
    document.getElementById("progress-empty")?.remove();
    row.classList.add("progress-row--new");
    setTimeout(() => row.classList.remove("progress-row--new"), 4000);
    const name = row.querySelector(".org__name")?.textContent || "";
    say(`${table.dataset.textUpdated} ${name}`);
  }

  function replaceById(id, html) {
    const current = document.getElementById(id);
    if (current && html) current.replaceWith(fromHtml(html));
  }

  function apply(event) {
    if (event.type === "reload") {
      window.location.reload();
      return;
    }
    if (event.type === "summary.changed") {
      // A state, not a step: the latest one wins whatever its order.
      replaceById("progress-summary", event.summary_html);
      replaceById("progress-charts", event.charts_html);
      return;
    }
    if (typeof event.sequence !== "number") return;
    if (event.sequence <= sequence) return;
    if (event.sequence > sequence + 1) {
      catchUp();
      return;
    }
    sequence = event.sequence;
    if (event.type === "row.saved") {
      // The organisation has answered: off the host's list of those who have not.
      document.querySelector(`[data-organisation="${Number(event.organisation)}"]`)?.remove();
      placeRow(event);
      replaceById("progress-summary", event.summary_html);
      replaceById("progress-charts", event.charts_html);
    } else if (event.type === "table.closed" || event.type === "table.reopened") {
      window.location.reload();
    }
  }

  function catchUp() {
    if (catchingUp) return catchingUp;
    catchingUp = fetch(`${eventsUrl}?since=${sequence}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (data.reload) {
          window.location.reload();
          return;
        }
        // Replayed in order; each is at most one past the last applied.
        for (const event of data.events) apply(event);
      })
      .catch(() => {})
      .finally(() => {
        catchingUp = null;
      });
    return catchingUp;
  }

  function poll() {
    if (pollTimer) return;
    table.dataset.live = "polling";
    pollTimer = setInterval(catchUp, 5000);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(
      `${scheme}://${window.location.host}/ws/progress/${table.dataset.table}/?since=${sequence}`,
    );
    socket.addEventListener("open", () => {
      everOpened = true;
      failures = 0;
      table.dataset.live = "websocket";
      say("");
    });
    socket.addEventListener("message", (message) => {
      try {
        apply(JSON.parse(message.data));
      } catch {
        // A malformed message is ignored; the next event's sequence shows the gap.
      }
    });
    socket.addEventListener("close", (close) => {
      if (close.code === 4403) return; // access was withdrawn: stop
      failures += 1;
      if (!everOpened && failures >= 2) {
        poll(); // the WebSocket never opened: a proxy refuses it
        return;
      }
      table.dataset.live = "paused";
      say(table.dataset.textPaused);
      const delay = Math.min(30000, 1000 * 2 ** Math.min(failures, 5));
      setTimeout(connect, delay);
    });
  }

  connect();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") catchUp();
  });
}
