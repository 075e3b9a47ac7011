// Live updates of a topic page. Progressive enhancement: without this script the page works
// with reloads. The connection, the order of events and catching up after a gap are
// live-stream.js's (shared with private conversations); this script applies topic events.

import { followStream, fromHtml, pageToken, statusLine } from "./live-stream.js";

const list = document.getElementById("post-list");

// Text comes from Django's JavaScript catalogue (static/js/i18n/<language>/djangojs.js, loaded
// by base.html before any module): translators see it in locale/*/djangojs.po.
const { gettext, ngettext, interpolate } = window.django;
const t = {
  newPost: (name) => interpolate(gettext("New reply from %(name)s"), { name }, true),
  newPosts: (count) =>
    interpolate(ngettext("%(count)s new reply.", "%(count)s new replies.", count), { count }, true),
  goToLast: gettext("Show the latest replies"),
};

if (list) {
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("live-announcer");
  // The viewer's abilities in this topic and the rule table of forums/permissions.py
  // (POST_CONTROLS), sent with the page: posts that arrive live are rendered once for
  // everybody with every control hidden, and are personalised from this data.
  const controls = JSON.parse(document.getElementById("post-controls").textContent);
  const onLastPage = Number(list.dataset.page) >= Number(list.dataset.lastPage);
  const baseTitle = document.title;
  let unseen = 0;
  let notShown = 0;

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

  const setStatus = statusLine(status, `${window.location.pathname}?page=last`);

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

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      unseen = 0;
      document.title = baseTitle;
    }
  });

  const live = followStream(list, { status: setStatus, apply, pollEvery: 10000 });
  window.liveTopic = live;
}
