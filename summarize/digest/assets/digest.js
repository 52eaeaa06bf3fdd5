/* The digest page's behaviour (summarize/digest/html_page.py): search, side by side,
 * shared-sentence hover, opening folded text for a link. It only reads the page's text
 * and toggles attributes and classes: it never writes HTML, so no input can inject any.
 * Without it the page still reads, links and lays stories out side by side (CSS). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  /* ---- search: the query is a phrase (Vietnamese words are syllables: "biểu tình" is
   * one word); typed without tone marks it ignores them, typed with them it needs them */
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u0111\u0110]/g, "d")
      .toLowerCase();
  }
  function lower(s) { return s.normalize("NFC").toLowerCase(); }
  function squeeze(s) { return s.replace(/\s+/g, " "); }
  function term(t) {
    var exact = lower(t), loose = fold(t);
    // a word typed with its tone marks ("mưa") must match them; "mua" matches any
    return fold(exact) === exact ? { text: loose, loose: true } : { text: exact, loose: false };
  }
  function entry(el) { return { el: el, raw: null, folded: null }; }
  function read(e) { e.raw = squeeze(lower(e.el.textContent || "")); e.folded = fold(e.raw); }
  function has(e, t) {
    if (e.raw === null) read(e);
    return (t.loose ? e.folded : e.raw).indexOf(t.text) !== -1;
  }
  function all(e, terms) {
    for (var i = 0; i < terms.length; i++) if (!has(e, terms[i])) return false;
    return true;
  }

  var rows = {};
  document.querySelectorAll(".toc tr[data-story]").forEach(function (tr) {
    rows[tr.getAttribute("data-story")] = tr;
  });
  var stories = Array.prototype.map.call(document.querySelectorAll("section.story"), function (s) {
    return { all: entry(s), row: rows[s.getAttribute("data-story")] || null,
      arts: Array.prototype.map.call(s.querySelectorAll(".art"), entry) };
  });
  var loners = Array.prototype.map.call(
    document.querySelectorAll("#others .art, #failed .failed-item"), entry);
  var box = document.getElementById("q"), count = document.getElementById("q-count");

  /* the text of every item is read once, in idle time after loading, so the first
   * query does not pay for it (a 3,000-article page: about a second) */
  var pending = stories.map(function (s) { return s.all; });
  stories.forEach(function (s) { pending = pending.concat(s.arts); });
  pending = pending.concat(loners);
  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
  function warm(deadline) {
    var until = performance.now() + 12;
    while (pending.length && (deadline && deadline.timeRemaining ? deadline.timeRemaining() > 1
      : performance.now() < until)) {
      var e = pending.pop();
      if (e.raw === null) read(e);
    }
    if (pending.length) idle(warm);
  }
  idle(warm);

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function show(el, yes) { if (el.hidden === yes) el.hidden = !yes; }  // touch only changes

  function apply(query) {
    var started = performance.now();
    var phrase = squeeze(query).trim(), terms = phrase ? [term(phrase)] : [];
    var nStories = 0, nArticles = 0;
    stories.forEach(function (s) {
      var hit = !terms.length || all(s.all, terms);
      var arts = s.arts.map(function (a) { return hit && (!terms.length || all(a, terms)); });
      var some = arts.some(Boolean);
      s.arts.forEach(function (a, i) { show(a.el, hit && (arts[i] || !some)); });
      show(s.all.el, hit);
      if (s.row) show(s.row, hit);
      if (hit) { nStories += 1; nArticles += some ? arts.filter(Boolean).length : s.arts.length; }
    });
    loners.forEach(function (a) {
      var hit = !terms.length || all(a, terms);
      show(a.el, hit);
      if (hit) nArticles += 1;
    });
    if (count) count.textContent = terms.length ? plural(nStories, "story", "stories") + ", " +
      plural(nArticles, "article", "articles") : "";
    root.setAttribute("data-matches", terms.length ? nStories + "," + nArticles : "");
    mark(terms);
    root.setAttribute("data-search-ms", String(Math.round(performance.now() - started)));
  }

  /* matches painted with the CSS Custom Highlight API where there is one (no DOM change),
   * in what is shown: hidden items and folded texts are skipped (unfolding one repaints) */
  var MAX_MARKS = 2000, current = [];
  function mark(terms) {
    current = terms;
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    CSS.highlights.delete("q");
    if (!terms.length) return;
    var t = terms[0], ranges = [];
    var walk = document.createTreeWalker(document.querySelector("main"),
      NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, { acceptNode: function (n) {
        if (n.nodeType === 3) return NodeFilter.FILTER_ACCEPT;
        if (n.hidden || (n.tagName === "DETAILS" && !n.open)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_SKIP;
      } });
    for (var node = walk.nextNode(); node && ranges.length < MAX_MARKS; node = walk.nextNode()) {
      var s = node.data;
      if ((t.loose ? fold(s) : lower(s)).indexOf(t.text) === -1) continue;
      var hay = "", map = [];  // the node's text as matched, and where each unit came from
      for (var k = 0; k < s.length; k++) {
        var c = t.loose ? fold(s[k]) : lower(s[k]);
        for (var j = 0; j < c.length; j++) { hay += c[j]; map.push(k); }
      }
      for (var at = hay.indexOf(t.text); at !== -1 && ranges.length < MAX_MARKS;
        at = hay.indexOf(t.text, at + t.text.length)) {
        var r = new Range();
        r.setStart(node, map[at]);
        r.setEnd(node, map[at + t.text.length - 1] + 1);
        ranges.push(r);
      }
    }
    var h = new Highlight();
    ranges.forEach(function (r) { h.add(r); });
    CSS.highlights.set("q", h);
  }
  var again = 0;  // unfolding (one or a whole story's) repaints once, after the last
  document.addEventListener("toggle", function () {
    if (!current.length) return;
    clearTimeout(again);
    again = setTimeout(function () { mark(current); }, 50);
  }, true);

  var timer = 0;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      apply(box.value);
      try {
        var url = new URL(window.location.href);
        if (box.value) url.searchParams.set("q", box.value); else url.searchParams.delete("q");
        history.replaceState(null, "", url.href);
      } catch (err) { /* a file: page may refuse: the filter works all the same */ }
    }, 150);
  }
  if (box) {
    box.addEventListener("input", later);
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { box.value = ""; later(); }
    });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      if (ev.key === "/" && t && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) {
        ev.preventDefault();
        box.focus();
      }
    });
    var first = "";
    try { first = new URLSearchParams(window.location.search).get("q") || ""; } catch (err) { first = ""; }
    if (first) { box.value = first; apply(first); }
  }

  /* ---- side by side: open every full text of the story while it is on ---- */
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t.classList || !t.classList.contains("sbs-toggle")) return;
    var story = t.closest("section.story");
    if (!story) return;
    story.querySelectorAll("details.full").forEach(function (d) {
      if (t.checked) { if (!d.open) { d.open = true; d.setAttribute("data-opened", ""); } }
      else if (d.hasAttribute("data-opened")) { d.open = false; d.removeAttribute("data-opened"); }
    });
  });

  /* ---- a shared sentence lights up wherever it appears ---- */
  function hot(ev, on) {
    var m = ev.target && ev.target.closest ? ev.target.closest("mark.sh") : null;
    if (!m) return;
    var g = m.getAttribute("data-g");
    if (!/^[0-9]+$/.test(g || "")) return;
    document.querySelectorAll('mark.sh[data-g="' + g + '"]').forEach(function (x) {
      x.classList.toggle("hot", on);
    });
  }
  /* side by side, clicking a shared sentence scrolls each other column so that its copy
   * sits level with it: the columns line up on that sentence */
  document.addEventListener("click", function (ev) {
    var m = ev.target && ev.target.closest ? ev.target.closest("mark.sh[id]") : null;
    var story = m && m.closest("section.story");
    var toggle = story && story.querySelector(".sbs-toggle");
    if (!toggle || !toggle.checked) return;
    var g = m.getAttribute("data-g"), at = m.getBoundingClientRect().top;
    if (!/^[0-9]+$/.test(g || "")) return;
    story.querySelectorAll('mark.sh[id][data-g="' + g + '"]').forEach(function (x) {
      var col = x.closest(".art");
      if (x === m || !col || col.contains(m)) return;
      col.scrollTop += x.getBoundingClientRect().top - at;
    });
  });
  document.addEventListener("mouseover", function (ev) { hot(ev, true); });
  document.addEventListener("mouseout", function (ev) { hot(ev, false); });

  /* ---- a link to a sentence inside folded text opens it ---- */
  function reveal() {
    var id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (err) { return; }
    var el = id && document.getElementById(id);
    if (!el) return;
    var opened = false;
    for (var d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.open) { d.open = true; opened = true; }
    }
    var hidden = el.closest("[hidden]");
    if (hidden && box) { box.value = ""; apply(""); opened = true; }
    if (opened) el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  reveal();
  root.setAttribute("data-ready", "1");
})();
