// The header's notification badge, kept current over the member's own channel (/ws/me/):
// {"type": "notification.count", "unread": n} sets the count. The same socket carries
// {"type": "moderation.counts", "url"} for the moderation badge and
// {"type": "conversation.activity", "unread_conversations": n} for the messages badge (the
// number of conversations with unread messages). Where no WebSocket gets
// through (strict proxies), the count is fetched over plain HTTP every minute instead; with no
// script at all the count is simply the one of the last page load. On the embedded default
// (in-memory channel layer) the task worker's counts cannot reach this page's socket
// (data-counts-pushed="false"): the page then keeps polling while the socket is open too,
// and asks again whenever the tab comes back into view.
const link = document.querySelector("[data-notification-badge]");
const badge = document.querySelector("[data-notification-count]");
const number = document.querySelector("[data-notification-count-number]");
const conversationLink = document.querySelector("[data-conversation-badge]");
const POLL_MS = 60000;
const pushed = link?.dataset.countsPushed !== "false";

function show(badgeElement, numberElement, unread) {
  if (!badgeElement || !numberElement) return;
  numberElement.textContent = String(unread);
  badgeElement.hidden = unread === 0;
}

function showCount(unread) {
  show(badge, number, unread);
}

function showConversations(unread) {
  show(
    document.querySelector("[data-conversation-count]"),
    document.querySelector("[data-conversation-count-number]"),
    unread,
  );
}

async function refreshModerationCounts(url) {
  const moderationBadge = document.querySelector("[data-moderation-count]");
  if (!moderationBadge) return;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    const counts = await response.json();
    moderationBadge.firstChild.textContent = String(counts.total);
    moderationBadge.hidden = counts.total === 0;
  } catch {
    // The next page load shows the right count.
  }
}

let pollTimer = null;
async function fetchCount(url, showing) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.ok) showing((await response.json()).unread);
  } catch {
    // Offline for a moment: try again at the next tick.
  }
}
function poll() {
  fetchCount(link.dataset.countUrl, showCount);
  if (conversationLink) fetchCount(conversationLink.dataset.countUrl, showConversations);
}
function startPolling() {
  if (pollTimer === null) pollTimer = setInterval(poll, POLL_MS);
}
function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

let attempts = 0;
function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  let socket;
  try {
    socket = new WebSocket(`${scheme}://${window.location.host}/ws/me/`);
  } catch {
    startPolling();
    return;
  }
  socket.addEventListener("open", () => {
    attempts = 0;
    if (pushed) stopPolling();
    poll(); // what changed while the socket was away
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "notification.count") showCount(event.unread);
    else if (event.type === "moderation.counts") refreshModerationCounts(event.url);
    else if (event.type === "conversation.activity" && "unread_conversations" in event) {
      showConversations(event.unread_conversations);
    }
  });
  socket.addEventListener("close", (closed) => {
    startPolling();
    if (closed.code === 4403 || attempts > 5) return;
    attempts += 1;
    setTimeout(connect, Math.min(30000, 1000 * 2 ** attempts));
  });
}

if (link && badge) {
  if (!pushed) startPolling();
  if ("WebSocket" in window) connect();
  else startPolling();
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && pollTimer !== null) poll();
  });
}
