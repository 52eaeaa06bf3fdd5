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
    var id = location.hash.slice(1);
    if (/^[krx][0-9]+$/.test(id)) {
      document.querySelectorAll("." + id).forEach(function (el) { el.classList.add("flash"); });
    }
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  // A link such as report.html#hide=dup-sentence,boilerplate opens with those hidden.
  var m = /(?:^#|&)hide=([^&]*)/.exec(location.hash);
  if (m) {
    decodeURIComponent(m[1]).split(",").forEach(function (c) {
      boxes.forEach(function (b) {
        if (c === "all" || b.getAttribute("data-filter") === c) b.checked = false;
      });
    });
  }
  window.addEventListener("hashchange", flash);
  apply();
  flash();
  document.documentElement.setAttribute("data-ready", "1");
})();
