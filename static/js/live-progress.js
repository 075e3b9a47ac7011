// Live rows of a progress table. Progressive enhancement: without this script the table works
// with reloads. Events carry a per-table sequence; a gap or a reconnect is filled from
// /progress/<id>/events/?since=<sequence> over plain HTTP, so no change is lost or applied
// twice. The connection, the order of events and catching up are live-stream.js's (shared with
// topics and conversations): WebSocket, then server-sent events, then polling the catch-up
// URL. The table's data-live attribute says which way events come ("websocket", "stream",
// "polling", "paused" or "revoked").

import { followStream, fromHtml } from "./live-stream.js";

// Text comes from Django's JavaScript catalogue (static/js/i18n/<language>/djangojs.js, loaded
// by base.html before any module).
const { gettext } = window.django;
const t = {
  updated: gettext("A row was updated."),
  paused: gettext("Live updates are paused; the table catches up when they return."),
  fallback: gettext("Live updates run over plain HTTP."),
  resort: gettext("New answers arrived; reload to sort them."),
};

const table = document.getElementById("progress-table");

if (table) {
  const rows = document.getElementById("progress-rows");
  const notice = document.getElementById("progress-live-notice");
  const sort = table.dataset.sort;
  const descending = table.dataset.order === "desc";
  const filterPrefecture = table.dataset.filterPrefecture;
  const filterKind = table.dataset.filterKind;
  const orderAttribute = { code: "orderCode", kind: "orderKind", updated: "orderUpdated" }[sort];

  function say(message) {
    notice.textContent = message;
    notice.hidden = !message;
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
      say(t.resort);
    }
    document.getElementById("progress-empty")?.remove();
    row.classList.add("progress-row--new");
    setTimeout(() => row.classList.remove("progress-row--new"), 4000);
    const name = row.querySelector(".org__name")?.textContent || "";
    say(`${t.updated} ${name}`);
  }

  function replaceById(id, html) {
    const current = document.getElementById(id);
    if (current && html) current.replaceWith(fromHtml(html));
  }

  const answered = document.querySelector("[data-answered]");

  function countAnswers(event) {
    if (answered && typeof event.answered_text === "string") {
      answered.textContent = event.answered_text;
    }
  }

  // Events arrive here in order, each once (live-stream.js keeps the sequence).
  function apply(event) {
    countAnswers(event);
    if (event.type === "summary.changed") {
      // A state, not a step: the latest one wins whatever its order.
      replaceById("progress-summary", event.summary_html);
      replaceById("progress-charts", event.charts_html);
    } else if (event.type === "row.saved") {
      // The organisation has answered: off the host's list of those who have not.
      document.querySelector(`[data-organisation="${Number(event.organisation)}"]`)?.remove();
      placeRow(event);
      replaceById("progress-summary", event.summary_html);
      replaceById("progress-charts", event.charts_html);
    } else if (event.type === "table.closed" || event.type === "table.reopened") {
      window.location.reload();
    }
  }

  const messages = { websocket: "", stream: t.fallback, polling: t.fallback, paused: t.paused };
  const live = followStream(table, {
    apply,
    onState(state) {
      table.dataset.live = state;
      if (state in messages) say(messages[state]);
    },
    onReload: () => window.location.reload(),
    pollEvery: 5000,
  });
  window.liveProgress = live;
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") live.catchUp().catch(() => {});
  });
}
