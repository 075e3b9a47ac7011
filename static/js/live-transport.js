// How a live page receives its events: WebSocket first; when the upgrade is refused (proxies of
// city halls), server-sent events; when those fail too, polling the page's catch-up URL. The
// page keeps its own sequence and catch-up (a gap or a reconnect is filled over plain HTTP);
// this module only carries events to it and says which way they come.
//
//   const channel = openLiveChannel({
//     socketUrl: "/ws/progress/7/",            // path; ?since=<sequence> is added
//     streamUrl: "/progress/7/events/stream/", // path; ?since=<sequence> is added
//     sequence: () => sequence,                // the last event the page applied
//     onEvent: (event) => apply(event),
//     catchUp: () => fetchMissed(),            // a Promise; polling calls it
//     onState: (state) => …,                   // "websocket" | "stream" | "polling" | "paused" | "revoked"
//   });
//   channel.mode                                // "websocket" | "stream" | "polling"

export function openLiveChannel({ socketUrl, streamUrl, sequence, onEvent, catchUp, onState }) {
  let attempts = 0;
  let everOpened = false;
  let mode = "websocket";
  let stopped = false;

  function retryDelay() {
    attempts += 1;
    return Math.min(30000, 1000 * 2 ** Math.min(attempts, 5)) * (0.75 + Math.random() / 2);
  }

  function parse(data) {
    try {
      return JSON.parse(data);
    } catch {
      return null; // a malformed message is ignored; the next event's sequence shows the gap
    }
  }

  function stop() {
    stopped = true;
    onState("revoked");
  }

  function connectSocket() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${window.location.host}${socketUrl}?since=${sequence()}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      switchToStream();
      return;
    }
    socket.addEventListener("open", () => {
      everOpened = true;
      attempts = 0;
      onState("websocket");
    });
    socket.addEventListener("message", (message) => {
      const event = parse(message.data);
      if (event) onEvent(event);
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4403) {
        stop(); // access withdrawn: stay on the plain page
        return;
      }
      if (!everOpened && attempts >= 1) {
        switchToStream(); // the upgrade is refused on this network
        return;
      }
      onState("paused");
      setTimeout(connectSocket, retryDelay());
    });
  }

  function switchToStream() {
    if (!streamUrl || !("EventSource" in window)) {
      switchToPolling();
      return;
    }
    mode = "stream";
    let opened = false;
    const source = new EventSource(`${streamUrl}?since=${sequence()}`);
    source.addEventListener("open", () => {
      opened = true;
      onState("stream");
    });
    source.addEventListener("message", (message) => {
      const event = parse(message.data);
      if (!event) return;
      if (event.type === "access.revoked") {
        source.close();
        stop();
      } else if (event.type === "live.unavailable") {
        source.close(); // the server has no channel layer now: ask over plain HTTP
        switchToPolling();
      } else {
        onEvent(event);
      }
    });
    source.addEventListener("error", () => {
      if (!opened) {
        source.close();
        switchToPolling();
      }
      // Otherwise EventSource reconnects by itself with Last-Event-ID.
    });
  }

  function switchToPolling() {
    mode = "polling";
    onState("polling");
    const poll = () => {
      if (stopped) return;
      Promise.resolve()
        .then(catchUp)
        .then(() => onState("polling"))
        .catch(() => onState("paused"))
        .finally(() => setTimeout(poll, document.hidden ? 30000 : 5000));
    };
    setTimeout(poll, 1000);
  }

  connectSocket();
  return {
    get mode() {
      return mode;
    },
  };
}
