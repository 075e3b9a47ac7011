
'use strict';
{
  const globals = this;
  const django = globals.django || (globals.django = {});

  
  django.pluralidx = function(n) {
    const v = 0;
    if (typeof v === 'boolean') {
      return v ? 1 : 0;
    } else {
      return v;
    }
  };
  

  /* gettext library */

  django.catalog = django.catalog || {};
  
  const newcatalog = {
    "%(count)s file attached.": [
      "%(count)s \u4ef6\u306e\u30d5\u30a1\u30a4\u30eb\u3092\u6dfb\u4ed8\u3057\u307e\u3057\u305f\u3002"
    ],
    "%(count)s new or updated topic.": [
      "\u65b0\u3057\u3044\u30fb\u66f4\u65b0\u3055\u308c\u305f\u30c8\u30d4\u30c3\u30af\u304c%(count)s\u4ef6\u3042\u308a\u307e\u3059\u3002"
    ],
    "%(count)s new reply.": [
      "\u65b0\u3057\u3044\u8fd4\u4fe1\u304c%(count)s\u4ef6\u3042\u308a\u307e\u3059\u3002"
    ],
    "%(count)s suggestion; use the arrow keys.": [
      "\u5019\u88dc\u304c%(count)s\u4ef6\u3042\u308a\u307e\u3059\u3002\u4e0a\u4e0b\u30ad\u30fc\u3067\u9078\u3079\u307e\u3059\u3002"
    ],
    "%(name)s read up to #%(number)s": "%(name)s\u3055\u3093\u304c#%(number)s\u307e\u3067\u65e2\u8aad",
    "%(names)s is typing\u2026": [
      "%(names)s\u3055\u3093\u304c\u5165\u529b\u4e2d\u2026"
    ],
    "%(sel)s of %(cnt)s selected": [
      "%(cnt)s\u500b\u4e2d%(sel)s\u500b\u9078\u629e"
    ],
    "%s selected option not visible": [
      "\u9078\u629e\u3055\u308c\u305f%s\u4ef6\u306e\u30aa\u30d7\u30b7\u30e7\u30f3\u306f\u975e\u8868\u793a\u3067\u3059\u3002"
    ],
    "(click to clear)": "(\u30af\u30ea\u30c3\u30af\u3067\u30af\u30ea\u30a2)",
    ", ": "\u3001",
    "6 a.m.": "\u5348\u524d 6 \u6642",
    "6 p.m.": "\u5348\u5f8c 6 \u6642",
    "A row was updated.": "\u884c\u304c\u66f4\u65b0\u3055\u308c\u307e\u3057\u305f\uff1a",
    "April": "4\u6708",
    "August": "8\u6708",
    "Available %s": "\u5229\u7528\u53ef\u80fd %s",
    "Cancel": "\u30ad\u30e3\u30f3\u30bb\u30eb",
    "Choose %s by selecting them and then select the \"Choose\" arrow button.": "%s\u3092\u9078\u629e\u3059\u308b\u306b\u306f\u3001\u9805\u76ee\u3092\u9078\u629e\u3057\u3066\u304b\u3089\"\u9078\u629e\"\u77e2\u5370\u30dc\u30bf\u30f3\u3092\u9078\u629e\u3057\u307e\u3059\u3002",
    "Choose a Date": "\u65e5\u4ed8\u3092\u9078\u629e",
    "Choose a Time": "\u6642\u9593\u3092\u9078\u629e",
    "Choose a time": "\u6642\u9593\u3092\u9078\u629e",
    "Choose all %s": "%s\u3092\u3059\u3079\u3066\u9078\u629e",
    "Choose selected %s": "\u9078\u629e\u3055\u308c\u305f%s\u3092\u9078\u629e",
    "Chosen %s": "\u9078\u629e\u3055\u308c\u305f %s",
    "December": "12\u6708",
    "February": "2\u6708",
    "Filter": "\u30d5\u30a3\u30eb\u30bf\u30fc",
    "Friday": "\u91d1\u66dc\u65e5",
    "January": "1\u6708",
    "July": "7\u6708",
    "June": "6\u6708",
    "Live updates are paused. Trying to reconnect\u2026": "\u30e9\u30a4\u30d6\u66f4\u65b0\u304c\u4e00\u6642\u505c\u6b62\u3057\u3066\u3044\u307e\u3059\u3002\u518d\u63a5\u7d9a\u3092\u8a66\u307f\u3066\u3044\u307e\u3059\u2026",
    "Live updates are paused; the table catches up when they return.": "\u30e9\u30a4\u30d6\u66f4\u65b0\u304c\u4e00\u6642\u505c\u6b62\u3057\u3066\u3044\u307e\u3059\u3002\u518d\u958b\u3059\u308b\u3068\u8868\u304c\u8ffd\u3044\u3064\u304d\u307e\u3059\u3002",
    "Live updates run over plain HTTP.": "\u30e9\u30a4\u30d6\u66f4\u65b0\u306f\u4ee3\u66ff\u65b9\u5f0f\uff08HTTP\uff09\u3067\u52d5\u4f5c\u3057\u3066\u3044\u307e\u3059\u3002",
    "March": "3\u6708",
    "May": "5\u6708",
    "Midnight": "0\u6642",
    "Monday": "\u6708\u66dc\u65e5",
    "Much has changed; please reload the page.": "\u66f4\u65b0\u304c\u591a\u3044\u305f\u3081\u3001\u30da\u30fc\u30b8\u3092\u518d\u8aad\u307f\u8fbc\u307f\u3057\u3066\u304f\u3060\u3055\u3044\u3002",
    "New answers arrived; reload to sort them.": "\u65b0\u3057\u3044\u56de\u7b54\u304c\u5c4a\u304d\u307e\u3057\u305f\u3002\u4e26\u3079\u66ff\u3048\u308b\u306b\u306f\u518d\u8aad\u307f\u8fbc\u307f\u3057\u3066\u304f\u3060\u3055\u3044\u3002",
    "New message from %(name)s": "\u65b0\u3057\u3044\u30e1\u30c3\u30bb\u30fc\u30b8\uff1a%(name)s",
    "New reply from %(name)s": "\u65b0\u3057\u3044\u8fd4\u4fe1\uff1a%(name)s",
    "Noon": "12\u6642",
    "Note: You are %s hour ahead of server time.": [
      "\u30ce\u30fc\u30c8: \u3042\u306a\u305f\u306e\u74b0\u5883\u306f\u30b5\u30fc\u30d0\u30fc\u6642\u9593\u3088\u308a\u3001%s\u6642\u9593\u9032\u3093\u3067\u3044\u307e\u3059\u3002"
    ],
    "Note: You are %s hour behind server time.": [
      "\u30ce\u30fc\u30c8: \u3042\u306a\u305f\u306e\u74b0\u5883\u306f\u30b5\u30fc\u30d0\u30fc\u6642\u9593\u3088\u308a\u3001%s\u6642\u9593\u9045\u308c\u3066\u3044\u307e\u3059\u3002"
    ],
    "November": "11\u6708",
    "Now": "\u73fe\u5728",
    "October": "10\u6708",
    "People to mention": "\u30e1\u30f3\u30b7\u30e7\u30f3\u3059\u308b\u4eba",
    "Reload": "\u518d\u8aad\u307f\u8fbc\u307f",
    "Remove %s by selecting them and then select the \"Remove\" arrow button.": "%s\u3092\u524a\u9664\u3059\u308b\u306b\u306f\u3001\u9805\u76ee\u3092\u9078\u629e\u3057\u3066\u304b\u3089\"\u524a\u9664\"\u77e2\u5370\u30dc\u30bf\u30f3\u3092\u9078\u629e\u3057\u307e\u3059\u3002",
    "Remove all %s": "%s\u3092\u3059\u3079\u3066\u524a\u9664",
    "Remove selected %s": "\u9078\u629e\u3055\u308c\u305f%s\u3092\u524a\u9664",
    "Saturday": "\u571f\u66dc\u65e5",
    "September": "9\u6708",
    "Show": "\u8868\u793a\u3059\u308b",
    "Show the latest replies": "\u6700\u65b0\u306e\u8fd4\u4fe1\u3092\u8868\u793a",
    "Sunday": "\u65e5\u66dc\u65e5",
    "The file could not be sent. Check the connection and try again.": "\u30d5\u30a1\u30a4\u30eb\u3092\u9001\u4fe1\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\u3002\u901a\u4fe1\u3092\u78ba\u8a8d\u3057\u3066\u3001\u3082\u3046\u4e00\u5ea6\u304a\u8a66\u3057\u304f\u3060\u3055\u3044\u3002",
    "This was not posted. The draft is kept in this browser.": "\u6295\u7a3f\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\u3002\u4e0b\u66f8\u304d\u306f\u3053\u306e\u30d6\u30e9\u30a6\u30b6\u30fc\u306b\u4fdd\u5b58\u3055\u308c\u3066\u3044\u307e\u3059\u3002",
    "Thursday": "\u6728\u66dc\u65e5",
    "Today": "\u4eca\u65e5",
    "Tomorrow": "\u660e\u65e5",
    "Tuesday": "\u706b\u66dc\u65e5",
    "Type into this box to filter down the list of available %s.": "\u4f7f\u7528\u53ef\u80fd\u306a %s \u306e\u30ea\u30b9\u30c8\u3092\u7d5e\u308a\u8fbc\u3080\u306b\u306f\u3001\u3053\u306e\u30dc\u30c3\u30af\u30b9\u306b\u5165\u529b\u3057\u307e\u3059\u3002",
    "Type into this box to filter down the list of selected %s.": "\u9078\u629e\u3055\u308c\u305f%s\u306e\u30ea\u30b9\u30c8\u3092\u7d5e\u308a\u8fbc\u3080\u306b\u306f\u3001\u3053\u306e\u30dc\u30c3\u30af\u30b9\u306b\u5165\u529b\u3057\u307e\u3059\u3002",
    "Uploading %(names)s\u2026": "%(names)s \u3092\u9001\u4fe1\u3057\u3066\u3044\u307e\u3059\u2026",
    "Wednesday": "\u6c34\u66dc\u65e5",
    "Yesterday": "\u6628\u65e5",
    "You can no longer see this conversation.": "\u3053\u306e\u4f1a\u8a71\u3092\u8868\u793a\u3067\u304d\u306a\u304f\u306a\u308a\u307e\u3057\u305f\u3002",
    "You have selected an action, and you haven\u2019t made any changes on individual fields. You\u2019re probably looking for the Go button rather than the Save button.": "\u64cd\u4f5c\u3092\u9078\u629e\u3057\u307e\u3057\u305f\u304c\u3001\u30d5\u30a3\u30fc\u30eb\u30c9\u306b\u5909\u66f4\u306f\u3042\u308a\u307e\u305b\u3093\u3067\u3057\u305f\u3002\u3082\u3057\u304b\u3057\u3066\u4fdd\u5b58\u30dc\u30bf\u30f3\u3067\u306f\u306a\u304f\u3066\u5b9f\u884c\u30dc\u30bf\u30f3\u3092\u304a\u63a2\u3057\u3067\u3059\u304b\u3002",
    "You have selected an action, but you haven\u2019t saved your changes to individual fields yet. Please click OK to save. You\u2019ll need to re-run the action.": "\u64cd\u4f5c\u3092\u9078\u629e\u3057\u307e\u3057\u305f\u304c\u3001\u30d5\u30a3\u30fc\u30eb\u30c9\u306b\u672a\u4fdd\u5b58\u306e\u5909\u66f4\u304c\u3042\u308a\u307e\u3059\u3002OK\u3092\u30af\u30ea\u30c3\u30af\u3057\u3066\u4fdd\u5b58\u3057\u3066\u304f\u3060\u3055\u3044\u3002\u305d\u306e\u5f8c\u3001\u64cd\u4f5c\u3092\u518d\u5ea6\u5b9f\u884c\u3059\u308b\u5fc5\u8981\u304c\u3042\u308a\u307e\u3059\u3002",
    "You have unsaved changes on individual editable fields. If you run an action, your unsaved changes will be lost.": "\u30d5\u30a3\u30fc\u30eb\u30c9\u306b\u672a\u4fdd\u5b58\u306e\u5909\u66f4\u304c\u3042\u308a\u307e\u3059\u3002\u64cd\u4f5c\u3092\u5b9f\u884c\u3059\u308b\u3068\u672a\u4fdd\u5b58\u306e\u5909\u66f4\u306f\u5931\u308f\u308c\u307e\u3059\u3002",
    "Your last submission was not confirmed as posted. Check the text and post it again.": "\u524d\u56de\u306e\u9001\u4fe1\u306f\u6295\u7a3f\u3055\u308c\u305f\u3053\u3068\u3092\u78ba\u8a8d\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\u3002\u5185\u5bb9\u3092\u78ba\u8a8d\u3057\u3066\u3001\u3082\u3046\u4e00\u5ea6\u9001\u4fe1\u3057\u3066\u304f\u3060\u3055\u3044\u3002",
    "Your unfinished draft was restored.": "\u66f8\u304d\u304b\u3051\u306e\u4e0b\u66f8\u304d\u3092\u5fa9\u5143\u3057\u307e\u3057\u305f\u3002",
    "abbrev. day Friday\u0004Fri": "\u91d1",
    "abbrev. day Monday\u0004Mon": "\u6708",
    "abbrev. day Saturday\u0004Sat": "\u571f",
    "abbrev. day Sunday\u0004Sun": "\u65e5",
    "abbrev. day Thursday\u0004Thur": "\u6728",
    "abbrev. day Tuesday\u0004Tue": "\u706b",
    "abbrev. day Wednesday\u0004Wed": "\u6c34",
    "abbrev. month April\u0004Apr": "4\u6708",
    "abbrev. month August\u0004Aug": "8\u6708",
    "abbrev. month December\u0004Dec": "12\u6708",
    "abbrev. month February\u0004Feb": "2\u6708",
    "abbrev. month January\u0004Jan": "1\u6708",
    "abbrev. month July\u0004Jul": "7\u6708",
    "abbrev. month June\u0004Jun": "6\u6708",
    "abbrev. month March\u0004Mar": "3\u6708",
    "abbrev. month May\u0004May": "5\u6708",
    "abbrev. month November\u0004Nov": "11\u6708",
    "abbrev. month October\u0004Oct": "10\u6708",
    "abbrev. month September\u0004Sep": "9\u6708",
    "one letter Friday\u0004F": "\u91d1",
    "one letter Monday\u0004M": "\u6708",
    "one letter Saturday\u0004S": "\u571f",
    "one letter Sunday\u0004S": "\u65e5",
    "one letter Thursday\u0004T": "\u6728",
    "one letter Tuesday\u0004T": "\u706b",
    "one letter Wednesday\u0004W": "\u6c34",
    "screenshot": "\u30b9\u30af\u30ea\u30fc\u30f3\u30b7\u30e7\u30c3\u30c8"
  };
  for (const key in newcatalog) {
    django.catalog[key] = newcatalog[key];
  }
  

  if (!django.jsi18n_initialized) {
    django.gettext = function(msgid) {
      const value = django.catalog[msgid];
      if (typeof value === 'undefined') {
        return msgid;
      } else {
        return (typeof value === 'string') ? value : value[0];
      }
    };

    django.ngettext = function(singular, plural, count) {
      const value = django.catalog[singular];
      if (typeof value === 'undefined') {
        return (count == 1) ? singular : plural;
      } else {
        return value.constructor === Array ? value[django.pluralidx(count)] : value;
      }
    };

    django.gettext_noop = function(msgid) { return msgid; };

    django.pgettext = function(context, msgid) {
      let value = django.gettext(context + '\x04' + msgid);
      if (value.includes('\x04')) {
        value = msgid;
      }
      return value;
    };

    django.npgettext = function(context, singular, plural, count) {
      let value = django.ngettext(context + '\x04' + singular, context + '\x04' + plural, count);
      if (value.includes('\x04')) {
        value = django.ngettext(singular, plural, count);
      }
      return value;
    };

    django.interpolate = function(fmt, obj, named) {
      if (named) {
        return fmt.replace(/%\(\w+\)s/g, function(match){return String(obj[match.slice(2,-2)])});
      } else {
        return fmt.replace(/%s/g, function(match){return String(obj.shift())});
      }
    };


    /* formatting library */

    django.formats = {
    "DATETIME_FORMAT": "Y\u5e74n\u6708j\u65e5G:i",
    "DATETIME_INPUT_FORMATS": [
      "%Y-%m-%d %H:%M:%S",
      "%Y-%m-%d %H:%M:%S.%f",
      "%Y-%m-%d %H:%M",
      "%m/%d/%Y %H:%M:%S",
      "%m/%d/%Y %H:%M:%S.%f",
      "%m/%d/%Y %H:%M",
      "%m/%d/%y %H:%M:%S",
      "%m/%d/%y %H:%M:%S.%f",
      "%m/%d/%y %H:%M"
    ],
    "DATE_FORMAT": "Y\u5e74n\u6708j\u65e5",
    "DATE_INPUT_FORMATS": [
      "%Y-%m-%d",
      "%m/%d/%Y",
      "%m/%d/%y",
      "%b %d %Y",
      "%b %d, %Y",
      "%d %b %Y",
      "%d %b, %Y",
      "%B %d %Y",
      "%B %d, %Y",
      "%d %B %Y",
      "%d %B, %Y"
    ],
    "DECIMAL_SEPARATOR": ".",
    "FIRST_DAY_OF_WEEK": 0,
    "MONTH_DAY_FORMAT": "n\u6708j\u65e5",
    "NUMBER_GROUPING": 3,
    "SHORT_DATETIME_FORMAT": "Y/m/d G:i",
    "SHORT_DATE_FORMAT": "Y/m/d",
    "THOUSAND_SEPARATOR": ",",
    "TIME_FORMAT": "G:i",
    "TIME_INPUT_FORMATS": [
      "%H:%M:%S",
      "%H:%M:%S.%f",
      "%H:%M"
    ],
    "YEAR_MONTH_FORMAT": "Y\u5e74n\u6708"
  };

    django.get_format = function(format_type) {
      const value = django.formats[format_type];
      if (typeof value === 'undefined') {
        return format_type;
      } else {
        return value;
      }
    };

    /* add to global namespace */
    globals.pluralidx = django.pluralidx;
    globals.gettext = django.gettext;
    globals.ngettext = django.ngettext;
    globals.gettext_noop = django.gettext_noop;
    globals.pgettext = django.pgettext;
    globals.npgettext = django.npgettext;
    globals.interpolate = django.interpolate;
    globals.get_format = django.get_format;

    django.jsi18n_initialized = true;
  }
};

