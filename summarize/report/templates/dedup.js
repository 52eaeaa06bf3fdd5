(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  function apply() {
    var off = {};
    boxes.forEach(function (b) { if (!b.checked) off[b.getAttribute("data-filter")] = 1; });
    function hit(el, attr) {
      return el.getAttribute(attr).split(" ").some(function (c) { return off[c]; });
    }
    document.querySelectorAll("[data-hide]").forEach(function (el) {
      el.classList.toggle("is-hidden", hit(el, "data-hide"));
    });
    document.querySelectorAll("[data-mark]").forEach(function (el) {
      el.classList.toggle("is-plain", hit(el, "data-mark"));
    });
    document.body.setAttribute("data-off", Object.keys(off).sort().join(" "));
  }
  function flash() {
    document.querySelectorAll(".flash").forEach(function (el) { el.classList.remove("flash"); });
    var id = String(location.hash || "").slice(1);
    if (/^[krx][0-9]+$/.test(id)) {  // only an id of ours becomes a selector
      document.querySelectorAll("." + id).forEach(function (el) { el.classList.add("flash"); });
    }
  }
  // The categories a link hides: report.html#hide=dup-sentence,boilerplate. The URL is
  // anyone's input: a bad escape ("#hide=%") is read as written, never thrown, and a
  // name only ever matches a checkbox's own data-filter (it is never made into a
  // selector or markup).
  function hiddenIn(hash) {
    var m = /(?:^#|&)hide=([^&]*)/.exec(String(hash || ""));
    if (!m) return [];
    var value = m[1];
    try { value = decodeURIComponent(value); } catch (err) { /* keep it as written */ }
    return value.split(",");
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  hiddenIn(location.hash).forEach(function (c) {
    boxes.forEach(function (b) {
      if (c === "all" || b.getAttribute("data-filter") === c) b.checked = false;
    });
  });
  window.addEventListener("hashchange", flash);
  apply();
  flash();
  document.documentElement.setAttribute("data-ready", "1");
})();
