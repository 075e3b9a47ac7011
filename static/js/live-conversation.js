// Live updates of a private conversation, like live-topic.js: events carry the conversation's
// sequence; a gap or a reconnect is filled from the catch-up URL over plain HTTP, so nothing is
// lost or shown twice. WebSocket first, then server-sent events, then polling. The socket also
// carries "typing" and read receipts (既読). Without this script the page works with reloads.

const list = document.getElementById("message-list");

// Text comes from Django's JavaScript catalogue (static/js/i18n/<language>/djangojs.js, loaded
// by the page before this module).
const { gettext, ngettext, interpolate } = window.django;
const t = {
  paused: gettext("Live updates are paused. Trying to reconnect…"),
  fallback: gettext("Live updates run over plain HTTP."),
  newMessage: (name) => interpolate(gettext("New message from %(name)s"), { name }, true),
  typing: (names) =>
    interpolate(
      ngettext("%(names)s is typing…", "%(names)s are typing…", names.length),
      { names: names.join(gettext(", ")) },
      true,
    ),
  readUpTo: (name, number) =>
    interpolate(gettext("%(name)s read up to #%(number)s"), { name, number }, true),
  reload: gettext("Much has changed; please reload the page."),
  reloadLink: gettext("Reload"),
  revoked: gettext("You can no longer see this conversation."),
};

if (list) {
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("live-announcer");
  const typingLine = document.getElementById("typing");
  const receipts = document.getElementById("read-receipts");
  const conversationId = list.dataset.conversation;
  const viewerId = list.dataset.viewerId;
  const showsReceipts = list.dataset.showsReceipts === "true";
  const baseTitle = document.title;
  let sequence = Number(list.dataset.sequence) || 0;
  let unseen = 0;
  let catchingUp = null;
  let socket = null;
  const typers = new Map();
  const readers = new Map();

  const pageToken = () =>
    document.querySelector("input[name=csrfmiddlewaretoken]")?.value ||
    document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] || "";

  // The same rules as conversations/templatetags/conversation_tags.py.
  function personalise(message) {
    const authorId = message.dataset.authorId;
    for (const control of message.querySelectorAll("[data-show-for]")) {
      const visible = {
        quote: true,
        author: authorId === viewerId,
        report: authorId !== viewerId,
      }[control.dataset.showFor];
      control.toggleAttribute("hidden", !visible);
    }
    for (const input of message.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
      input.value = pageToken();
    }
  }

  function setStatus(message, withReload = false) {
    status.replaceChildren();
    if (!message) return;
    const text = document.createElement("p");
    text.className = "message message--warning";
    text.textContent = message;
    if (withReload) {
      const link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = ` ${t.reloadLink}`;
      text.append(link);
    }
    status.append(text);
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  const messageElement = (id) => list.querySelector(`[data-message-id="${id}"]`);
  const lastNumber = () => Number(list.lastElementChild?.dataset.number || 0);

  function replaceMessage(existing, element) {
    const hadFocus = existing.contains(document.activeElement);
    existing.replaceWith(element);
    if (hadFocus) element.querySelector("a, button")?.focus({ preventScroll: true });
  }

  function insertMessage(event) {
    const element = fromHtml(event.html);
    personalise(element);
    const existing = messageElement(event.message_id);
    if (existing) {
      replaceMessage(existing, element);
      return;
    }
    element.classList.add("post--new");
    list.append(element);
    const author = element.querySelector(".post__author a")?.textContent || "";
    if (element.dataset.authorId !== viewerId) {
      announcer.textContent = t.newMessage(author);
      typers.delete(element.dataset.authorId);
      showTypers();
    }
    if (document.hidden) {
      unseen += 1;
      document.title = `(${unseen}) ${baseTitle}`;
    } else {
      markReadSoon();
    }
  }

  function showTypers() {
    const now = Date.now();
    for (const [id, entry] of typers) if (now - entry.at > 6000) typers.delete(id);
    const names = [...typers.values()].map((entry) => entry.name);
    typingLine.textContent = names.length ? t.typing(names) : "";
  }
  setInterval(showTypers, 2000);

  function showReceipts() {
    if (!showsReceipts) return;
    receipts.replaceChildren();
    let first = true;
    for (const [id, read] of readers) {
      if (!first) receipts.append(" · ");
      first = false;
      const span = document.createElement("span");
      span.dataset.reader = id;
      span.dataset.name = read.name;
      span.dataset.number = read.number;
      span.textContent = t.readUpTo(read.name, read.number);
      receipts.append(span);
    }
  }
  for (const span of receipts.querySelectorAll("[data-reader]")) {
    readers.set(span.dataset.reader, {
      name: span.dataset.name,
      number: Number(span.dataset.number),
    });
  }

  function applyReads(reads) {
    if (!reads) return;
    for (const read of reads) readers.set(String(read.user_id), read);
    showReceipts();
  }

  function apply(event) {
    if (event.type === "reload") {
      setStatus(t.reload, true);
      return;
    }
    if (event.type === "access.revoked") {
      setStatus(t.revoked);
      return;
    }
    if (event.type === "typing") {
      if (String(event.user_id) !== viewerId) {
        typers.set(String(event.user_id), { name: event.name, at: Date.now() });
        showTypers();
      }
      return;
    }
    if (event.type === "reads") {
      applyReads(event.reads);
      return;
    }
    if (event.type === "read") {
      if (String(event.user_id) !== viewerId) applyReads([event]);
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
    if (event.type === "message.created") {
      insertMessage(event);
    } else if (event.type === "participants.changed") {
      document.getElementById("participants").innerHTML = event.html;
    } else if (event.html) {
      const existing = messageElement(event.message_id);
      if (existing) {
        const element = fromHtml(event.html);
        personalise(element);
        replaceMessage(existing, element);
      }
    }
  }

  function catchUp() {
    if (catchingUp) return catchingUp;
    catchingUp = fetch(`${list.dataset.eventsUrl}?since=${sequence}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (data.reload) {
          setStatus(t.reload, true);
          sequence = data.sequence;
          return;
        }
        for (const event of data.events) apply(event);
        applyReads(data.reads);
      })
      .finally(() => {
        catchingUp = null;
      });
    return catchingUp;
  }

  // Tell the others how far this member has read (when the page is visible), once a burst of
  // messages has settled.
  let lastReported = 0;
  let readTimer = null;
  function markReadSoon() {
    clearTimeout(readTimer);
    readTimer = setTimeout(markRead, 1000);
  }
  function markRead() {
    const number = lastNumber();
    if (!number || number <= lastReported || document.hidden) return;
    lastReported = number;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "read", number }));
      return;
    }
    const body = new URLSearchParams({ number: String(number) });
    fetch(list.dataset.readUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": pageToken() },
    }).catch(() => {
      lastReported = 0;
    });
  }

  // --- Transports ----------------------------------------------------------------------------
  let attempts = 0;
  let everOpened = false;
  let mode = "websocket";

  function retryDelay() {
    attempts += 1;
    return Math.min(30000, 1000 * 2 ** Math.min(attempts, 5)) * (0.75 + Math.random() / 2);
  }

  function connectSocket() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${window.location.host}${list.dataset.socketUrl}?since=${sequence}`;
    try {
      socket = new WebSocket(url);
    } catch {
      switchToStream();
      return;
    }
    socket.addEventListener("open", () => {
      everOpened = true;
      attempts = 0;
      setStatus("");
    });
    socket.addEventListener("message", (message) => apply(JSON.parse(message.data)));
    socket.addEventListener("close", (closed) => {
      socket = null;
      if (closed.code === 4403) {
        setStatus(t.revoked);
        return;
      }
      if (!everOpened && attempts >= 1) {
        switchToStream();
        return;
      }
      setStatus(t.paused);
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
    const source = new EventSource(`${list.dataset.streamUrl}?since=${sequence}`);
    source.addEventListener("open", () => {
      opened = true;
      setStatus(t.fallback);
    });
    source.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "access.revoked") source.close();
      if (event.type === "live.unavailable") {
        source.close();
        switchToPolling();
        return;
      }
      apply(event);
    });
    source.addEventListener("error", () => {
      if (!opened) {
        source.close();
        switchToPolling();
      }
    });
  }

  function switchToPolling() {
    mode = "polling";
    setStatus(t.fallback);
    const poll = () =>
      catchUp()
        .catch(() => setStatus(t.paused))
        .finally(() => setTimeout(poll, document.hidden ? 30000 : 5000));
    setTimeout(poll, 3000);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      unseen = 0;
      document.title = baseTitle;
      markReadSoon();
    }
  });

  // "… is typing": at most one signal every few seconds, only over the socket.
  const box = document.querySelector("#compose textarea[name=body]");
  let lastTyping = 0;
  box?.addEventListener("input", () => {
    const now = Date.now();
    if (socket && socket.readyState === WebSocket.OPEN && now - lastTyping > 3000) {
      lastTyping = now;
      socket.send(JSON.stringify({ type: "typing" }));
    }
  });

  connectSocket();
  window.liveConversation = {
    get mode() { return mode; },
    get sequence() { return sequence; },
  };
}
