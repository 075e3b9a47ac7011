// Every script of the site, bundled into static/bundles/site.js (make bundles), so that a page
// costs one script request and the browser caches it for every other page. Each module acts
// only on the elements it is written for and does nothing on a page without them. Django's
// catalogue (static/js/i18n/<language>/djangojs.js) is loaded before this bundle on every page.
import "./live-topic.js";
import "./reply-draft.js";
import "./mention-autocomplete.js";
import "./attachments.js";
import "./similar-topics.js";
import "./live-board.js";
import "./list-filter.js";
import "./live-conversation-list.js";
import "./live-conversation.js";
import "./message-draft.js";
import "./live-progress.js";
import "./municipality-field.js";
import "./code-from-link.js";
import "./notification-badge.js";
import "./form-errors.js";
