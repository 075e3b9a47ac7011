// Live updates of a topic page. Progressive enhancement: without this script the page works
// with reloads. Events carry a per-topic sequence; a gap or a reconnect is filled from
// /topics/<id>/events/?since=<sequence> over plain HTTP, so nothing is lost or duplicated.
// Transport: WebSocket first; when it cannot be opened (proxies), server-sent events; when
// those fail too, polling the same catch-up URL.

const list = document.getElementById("post-list");

const texts = {
  ja: {
    paused: "ライブ更新が一時停止しています。再接続を試みています…",
    fallback: "ライブ更新は代替方式（HTTP）で動作しています。",
    newPost: (name) => `新しい返信：${name}`,
    newPosts: (count) => `新しい返信が${count}件あります。`,
    goToLast: "最新の返信を表示",
    reload: "更新が多いため、ページを再読み込みしてください。",
    reloadLink: "再読み込み",
  },
  en: {
    paused: "Live updates are paused. Trying to reconnect…",
    fallback: "Live updates run over plain HTTP.",
    newPost: (name) => `New reply from ${name}`,
    newPosts: (count) => `${count} new ${count === 1 ? "reply" : "replies"}.`,
    goToLast: "Show the latest replies",
    reload: "Much has changed; please reload the page.",
    reloadLink: "Reload",
  },
};

if (list) {
  const t = texts[document.documentElement.lang] || texts.ja;
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("live-announcer");
  const topicId = list.dataset.topic;
  // The viewer's abilities in this topic and the rule table of forums/permissions.py
  // (POST_CONTROLS), sent with the page: posts that arrive live are rendered once for
  // everybody with every control hidden, and are personalised from this data.
  const controls = JSON.parse(document.getElementById("post-controls").textContent);
  const onLastPage = Number(list.dataset.page) >= Number(list.dataset.lastPage);
  const baseTitle = document.title;
  let sequence = Number(list.dataset.sequence) || 0;
  let unseen = 0;
  let notShown = 0;
  let catchingUp = null;

  const pageToken = () =>
    document.querySelector("input[name=csrfmiddlewaretoken]")?.value ||
    document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] || "";

  // Apply the table to the facts the post carries (its author, its states).
  function allowed(name, post) {
    const rule = controls.rules[name];
    if (!rule || !controls.abilities[rule.needs]) return false;
    const own = post.dataset.authorId === String(controls.viewer_id);
    if ((rule.posts === "own" && !own) || (rule.posts === "others" && own)) return false;
    const states = (post.dataset.postStates || "").split(" ");
    return !rule.unless.some((state) => states.includes(state));
  }

  function personalise(post) {
    for (const control of post.querySelectorAll("[data-show-for]")) {
      control.toggleAttribute("hidden", !allowed(control.dataset.showFor, post));
    }
    for (const input of post.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
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
      link.href = window.location.pathname + "?page=last";
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

  function postElement(postId) {
    return list.querySelector(`[data-post-id="${postId}"]`);
  }

  function showNewPostsNotice() {
    let notice = document.getElementById("new-posts-notice");
    if (!notice) {
      notice = document.createElement("p");
      notice.id = "new-posts-notice";
      notice.className = "message";
      list.after(notice);
    }
    const link = document.createElement("a");
    link.href = window.location.pathname + "?page=last";
    link.textContent = t.goToLast;
    notice.replaceChildren(`${t.newPosts(notShown)} `, link);
  }

  function insertPost(event) {
    const existing = postElement(event.post_id);
    const element = fromHtml(event.html);
    personalise(element);
    if (existing) {
      replacePost(existing, element);
      return;
    }
    if (!onLastPage) {
      notShown += 1;
      showNewPostsNotice();
      return;
    }
    element.classList.add("post--new");
    list.append(element);
    const author = element.querySelector(".post__author a")?.textContent || "";
    announcer.textContent = t.newPost(author);
    if (document.hidden) {
      unseen += 1;
      document.title = `(${unseen}) ${baseTitle}`;
    }
  }

  function replacePost(existing, element) {
    // Keep this viewer's own state that the shared HTML cannot know.
    const pressed = existing.querySelector(".helpful-button")?.getAttribute("aria-pressed");
    const button = element.querySelector(".helpful-button");
    if (pressed && button) button.setAttribute("aria-pressed", pressed);
    if (existing.classList.contains("post--new")) element.classList.add("post--new");
    const hadFocus = existing.contains(document.activeElement);
    existing.replaceWith(element);
    if (hadFocus) element.querySelector("a, button")?.focus({ preventScroll: true });
  }

  function applyAnswer(event) {
    document.getElementById("solved-badge").hidden = !event.accepted_post_id;
    const slot = document.getElementById("accepted-answer");
    if (slot && list.dataset.page === "1") slot.replaceWith(fromHtml(event.accepted_html));
  }

  function apply(event) {
    if (event.type === "reload") {
      setStatus(t.reload, true);
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
    if (event.type === "topic.answer") {
      applyAnswer(event);
    } else if (event.type === "post.created") {
      insertPost(event);
      const count = document.getElementById("reply-count");
      if (count && event.reply_count_text) count.textContent = event.reply_count_text;
    } else if (event.html) {
      const existing = postElement(event.post_id);
      if (existing) {
        const element = fromHtml(event.html);
        personalise(element);
        replacePost(existing, element);
      }
    }
  }

  // Fetch everything after the last applied sequence; one request at a time.
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
      })
      .finally(() => {
        catchingUp = null;
      });
    return catchingUp;
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
      setStatus("");
    });
    socket.addEventListener("message", (message) => apply(JSON.parse(message.data)));
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4403) return; // access revoked: stay on the plain page
      if (!everOpened && attempts >= 1) {
        switchToStream(); // the upgrade is refused on this network
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
      if (event.type === "access.revoked") {
        source.close();
        return;
      }
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
      // Otherwise EventSource reconnects by itself with Last-Event-ID.
    });
  }

  function switchToPolling() {
    mode = "polling";
    setStatus(t.fallback);
    const poll = () =>
      catchUp()
        .catch(() => setStatus(t.paused))
        .finally(() => setTimeout(poll, document.hidden ? 30000 : 10000));
    setTimeout(poll, 5000);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      unseen = 0;
      document.title = baseTitle;
    }
  });

  connectSocket();
  window.liveTopic = { get mode() { return mode; }, get sequence() { return sequence; } };
}
