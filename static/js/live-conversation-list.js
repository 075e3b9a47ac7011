// The conversations page: unread counts and new conversations appear live. Each
// "conversation.activity" event makes the page fetch its own list again (per viewer, from the
// database), so a missed event is repaired by the next one or by the periodic refresh.
const rows = document.getElementById("conversation-rows");

if (rows) {
  let fetching = null;
  function refresh() {
    if (fetching) return fetching;
    fetching = fetch(rows.dataset.rowsUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        rows.replaceChildren(...template.content.childNodes);
      })
      .catch(() => {})
      .finally(() => {
        fetching = null;
      });
    return fetching;
  }

  let attempts = 0;
  let everOpened = false;
  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    let socket;
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}${rows.dataset.socketUrl}`);
    } catch {
      poll();
      return;
    }
    socket.addEventListener("open", () => {
      if (everOpened) refresh(); // catch up after a reconnect
      everOpened = true;
      attempts = 0;
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "conversation.activity") refresh();
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4403) return;
      attempts += 1;
      if (!everOpened && attempts >= 2) {
        poll();
        return;
      }
      setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(attempts, 5)));
    });
  }
  function poll() {
    setInterval(() => {
      if (!document.hidden) refresh();
    }, 30000);
  }
  connect();
}
