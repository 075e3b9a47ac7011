// Live board page: when topics are created or get new replies, say so and offer to show them.
// Nothing moves under the reader's pointer: the list changes only when they ask (as Discourse).
const { gettext, ngettext, interpolate } = window.django; // Django's catalogue (base.html)
const list = document.getElementById("topic-list");
const notice = document.getElementById("board-live-notice");

if (list && notice && "WebSocket" in window) {
  const changed = new Set();
  let attempts = 0;

  function render() {
    const count = changed.size;
    const text = interpolate(
      ngettext("%(count)s new or updated topic.", "%(count)s new or updated topics.", count),
      { count },
      true,
    );
    const link = document.createElement("a");
    link.href = window.location.pathname + window.location.search;
    link.textContent = gettext("Show");
    notice.replaceChildren(text, " ", link);
    notice.hidden = false;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/boards/${list.dataset.board}/`);
    socket.addEventListener("open", () => { attempts = 0; });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "topic.created" || event.type === "topic.bumped") {
        changed.add(event.topic_id);
        render();
      }
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4403 || attempts > 5) return; // the page still works with reloads
      attempts += 1;
      setTimeout(connect, Math.min(30000, 1000 * 2 ** attempts));
    });
  }

  connect();
}
