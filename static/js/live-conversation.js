// Live updates of a private conversation. The connection, the order of events and catching up
// after a gap are live-stream.js's (shared with topics); the socket also carries "typing" and
// read receipts (既読). Without this script the page works with reloads.

import { followStream, fromHtml, pageToken, statusLine } from "./live-stream.js";

const list = document.getElementById("message-list");

// Text comes from Django's JavaScript catalogue (static/js/i18n/<language>/djangojs.js, loaded
// by the page before this module).
const { gettext, ngettext, interpolate } = window.django;
const t = {
  newMessage: (name) => interpolate(gettext("New message from %(name)s"), { name }, true),
  typing: (names) =>
    interpolate(
      ngettext("%(names)s is typing…", "%(names)s are typing…", names.length),
      { names: names.join(gettext(", ")) },
      true,
    ),
  readUpTo: (name, number) =>
    interpolate(gettext("%(name)s read up to #%(number)s"), { name, number }, true),
  revoked: gettext("You can no longer see this conversation."),
};

if (list) {
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("live-announcer");
  const typingLine = document.getElementById("typing");
  const receipts = document.getElementById("read-receipts");
  const viewerId = list.dataset.viewerId;
  const showsReceipts = list.dataset.showsReceipts === "true";
  const baseTitle = document.title;
  let unseen = 0;
  const typers = new Map();
  const readers = new Map();

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

  const setStatus = statusLine(status, window.location.pathname);

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
      if (!(read.number > 0)) continue; // read nothing yet: no receipt
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
    if (event.type === "message.created") {
      insertMessage(event);
      if (event.read && String(event.read.user_id) !== viewerId) applyReads([event.read]);
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
    if (live.send({ type: "read", number })) return;
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
    if (now - lastTyping > 3000 && live.send({ type: "typing" })) lastTyping = now;
  });

  const live = followStream(list, {
    status: setStatus,
    apply,
    onCatchUp: (answer) => applyReads(answer.reads),
    onRevoked: () => setStatus(t.revoked),
    pollEvery: 5000,
  });
  window.liveConversation = live;
}
