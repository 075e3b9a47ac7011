// The connection shared by the live pages of a topic, of a private conversation and of a
// progress table. Events of
// one stream carry its ordered sequence: an event seen already is dropped, one after a gap
// makes the page fetch what it missed from the catch-up URL over plain HTTP, so nothing is
// lost or applied twice. Transport: WebSocket first; when the upgrade never succeeds
// (proxies), server-sent events; when those fail too, polling the same catch-up URL.
//
// The element of the stream carries its addresses and starting point: data-socket-url,
// data-stream-url, data-events-url and data-sequence. The page applies the events it knows
// (``apply``) and keeps its own state; this module keeps the transport and the sequence.

// Text comes from Django's JavaScript catalogue, loaded by the page before any module.
const { gettext } = window.django;
const t = {
  paused: gettext("Live updates are paused. Trying to reconnect…"),
  fallback: gettext("Live updates run over plain HTTP."),
  reload: gettext("Much has changed; please reload the page."),
  reloadLink: gettext("Reload"),
};

// The CSRF token of the page, for the forms inside live HTML and for the page's own POSTs.
export function pageToken() {
  return (
    document.querySelector("input[name=csrfmiddlewaretoken]")?.value ||
    document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] ||
    ""
  );
}

export function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// A line of warnings (paused, fallback, reload) in ``element``; an empty message clears it.
export function statusLine(element, reloadHref) {
  return function setStatus(message, withReload = false) {
    element.replaceChildren();
    if (!message) return;
    const text = document.createElement("p");
    text.className = "message message--warning";
    text.textContent = message;
    if (withReload) {
      const link = document.createElement("a");
      link.href = reloadHref;
      link.textContent = ` ${t.reloadLink}`;
      text.append(link);
    }
    element.append(text);
  };
}

// Follow the stream of ``element``. ``apply(event)`` receives each new event in order, and the
// events without a sequence (typing, read receipts, a table's summary) as they come;
// ``status(message, withReload)`` shows the connection's warnings (see statusLine);
// ``onState(state)`` hears each change of the connection's state ("websocket", "stream",
// "polling", "paused" or "revoked"), for pages that show their own wording; ``onCatchUp(data)``
// sees each catch-up answer after its events; ``onRevoked()`` runs when the viewer lost access;
// ``onReload()`` runs when too much changed to catch up (by default the status line offers a
// reload); ``pollEvery`` (ms) paces polling while the page is visible.
export function followStream(
  element,
  { status = () => {}, apply, onState, onCatchUp, onRevoked, onReload, pollEvery = 10000 },
) {
  const data = element.dataset;
  let sequence = Number(data.sequence) || 0;
  let catchingUp = null;
  let socket = null;
  let mode = "websocket";
  let state = null;
  const warnings = { websocket: "", stream: t.fallback, polling: t.fallback, paused: t.paused };
  const reload = onReload || (() => status(t.reload, true));

  // Say a new state once (polling reports after every round).
  function enter(next) {
    if (next === state) return;
    state = next;
    if (next in warnings) status(warnings[next]);
    onState?.(next);
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null; // a malformed message is ignored; the next event's sequence shows the gap
    }
  }

  function revoked() {
    enter("revoked");
    onRevoked?.();
  }

  function receive(event) {
    if (event.type === "reload") {
      reload();
      return;
    }
    if (event.type === "access.revoked") {
      revoked();
      return;
    }
    if (event.sequence) {
      if (event.sequence <= sequence) return; // seen already
      if (event.sequence > sequence + 1) {
        catchUp().catch(() => {}); // polling or the next event tries again
        return;
      }
      sequence = event.sequence;
    }
    apply(event);
  }

  // Fetch everything after the last applied sequence; one request at a time.
  function catchUp() {
    if (catchingUp) return catchingUp;
    catchingUp = fetch(`${data.eventsUrl}?since=${sequence}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((answer) => {
        if (answer.reload) {
          reload();
          sequence = answer.sequence;
          return;
        }
        for (const event of answer.events) receive(event);
        onCatchUp?.(answer);
      })
      .finally(() => {
        catchingUp = null;
      });
    return catchingUp;
  }

  let attempts = 0;
  let everOpened = false;

  function retryDelay() {
    attempts += 1;
    return Math.min(30000, 1000 * 2 ** Math.min(attempts, 5)) * (0.75 + Math.random() / 2);
  }

  function connectSocket() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${window.location.host}${data.socketUrl}?since=${sequence}`;
    try {
      socket = new WebSocket(url);
    } catch {
      switchToStream();
      return;
    }
    socket.addEventListener("open", () => {
      everOpened = true;
      attempts = 0;
      enter("websocket");
    });
    socket.addEventListener("message", (message) => {
      const event = parse(message.data);
      if (event) receive(event);
    });
    socket.addEventListener("close", (closed) => {
      socket = null;
      if (closed.code === 4403) {
        revoked(); // access revoked: stay on the plain page
        return;
      }
      if (!everOpened && attempts >= 1) {
        switchToStream(); // the upgrade is refused on this network
        return;
      }
      enter("paused");
      setTimeout(connectSocket, retryDelay());
    });
  }

  function switchToStream() {
    if (!data.streamUrl || !("EventSource" in window)) {
      switchToPolling();
      return;
    }
    mode = "stream";
    let opened = false;
    const source = new EventSource(`${data.streamUrl}?since=${sequence}`);
    source.addEventListener("open", () => {
      opened = true;
      enter("stream");
    });
    source.addEventListener("message", (message) => {
      const event = parse(message.data);
      if (!event) return;
      if (event.type === "access.revoked") source.close();
      if (event.type === "live.unavailable") {
        source.close();
        switchToPolling();
        return;
      }
      receive(event);
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
    enter("polling");
    const poll = () =>
      catchUp()
        .then(() => enter("polling"))
        .catch(() => enter("paused"))
        .finally(() => setTimeout(poll, document.hidden ? 30000 : pollEvery));
    setTimeout(poll, pollEvery / 2);
  }

  connectSocket();
  return {
    get mode() {
      return mode;
    },
    get sequence() {
      return sequence;
    },
    // Fetch what was missed now (a Promise), e.g. when the page becomes visible again.
    catchUp,
    // Send ``message`` over the socket when one is open; false when there is none.
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
  };
}
