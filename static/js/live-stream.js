// The connection shared by the live pages of a topic and of a private conversation. Events of
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
// events without a sequence (typing, read receipts) as they come; ``onCatchUp(data)`` sees each
// catch-up answer after its events; ``onRevoked()`` runs when the viewer lost access;
// ``pollEvery`` (ms) paces polling while the page is visible.
export function followStream(element, { status, apply, onCatchUp, onRevoked, pollEvery = 10000 }) {
  const data = element.dataset;
  let sequence = Number(data.sequence) || 0;
  let catchingUp = null;
  let socket = null;
  let mode = "websocket";

  function receive(event) {
    if (event.type === "reload") {
      status(t.reload, true);
      return;
    }
    if (event.type === "access.revoked") {
      onRevoked?.();
      return;
    }
    if (event.sequence) {
      if (event.sequence <= sequence) return; // seen already
      if (event.sequence > sequence + 1) {
        catchUp();
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
          status(t.reload, true);
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
      status("");
    });
    socket.addEventListener("message", (message) => receive(JSON.parse(message.data)));
    socket.addEventListener("close", (closed) => {
      socket = null;
      if (closed.code === 4403) {
        onRevoked?.(); // access revoked: stay on the plain page
        return;
      }
      if (!everOpened && attempts >= 1) {
        switchToStream(); // the upgrade is refused on this network
        return;
      }
      status(t.paused);
      setTimeout(connectSocket, retryDelay());
    });
  }

  function switchToStream() {
    if (!("EventSource" in window)) {
      switchToPolling();
      return;
    }
    mode = "stream";
    let opened = false;
    const source = new EventSource(`${data.streamUrl}?since=${sequence}`);
    source.addEventListener("open", () => {
      opened = true;
      status(t.fallback);
    });
    source.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
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
    status(t.fallback);
    const poll = () =>
      catchUp()
        .catch(() => status(t.paused))
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
    // Send ``message`` over the socket when one is open; false when there is none.
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
  };
}
