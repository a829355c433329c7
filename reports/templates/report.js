// callsim report: sortable tables and a self-check of the page's plots and audio players.
// No libraries and no network. Click a column header to sort (again to reverse); cells sort by
// their data-v attribute when present (numbers), else by text.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    if (v === null) return cell.textContent.trim().toLowerCase();
    var n = parseFloat(v);
    return isNaN(n) ? v : n;
  }

  function compare(a, b) {
    var numA = typeof a === "number", numB = typeof b === "number";
    if (numA && numB) return a - b;
    if (numA) return -1;  // numbers before text ("n/a")
    if (numB) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortTable(table, th, index) {
    var body = table.tBodies[0];
    var asc = !th.classList.contains("sorted-asc");
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].classList.remove("sorted-asc", "sorted-desc");
    th.classList.add(asc ? "sorted-asc" : "sorted-desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r.setAttribute("data-order", i); });
    rows.sort(function (a, b) {
      var c = compare(cellValue(a, index), cellValue(b, index));
      if (c === 0) c = a.getAttribute("data-order") - b.getAttribute("data-order");  // stable
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      th.classList.add("sortable");
      th.addEventListener("click", function () { sortTable(table, th, index); });
    });
  }

  // Self-check: every <img> decoded with a size, every <audio> with metadata (or an error).
  // Results go into attributes so a headless browser's DOM dump shows them:
  //   <html data-selfcheck="ok|failed" data-selfcheck-failures="...">, each element data-ok="1|0".
  var failures = [];
  window.addEventListener("error", function (e) {
    // A broken <img>/<audio> is reported once, by its own check below; its load error reaches this
    // capturing listener only if it fires after this script ran, which is a race.
    var t = e.target;
    if (t && t !== window && /^(IMG|AUDIO|SOURCE)$/.test(t.tagName || "")) return;
    failures.push("script error: " + (e.message || (t && (t.src || t.href)) || "unknown"));
  }, true);

  function checkAudio(audio) {
    return new Promise(function (resolve) {
      function done(ok, why) {
        audio.setAttribute("data-ok", ok ? "1" : "0");
        if (!ok) failures.push("audio " + audio.getAttribute("src") + ": " + why);
        resolve();
      }
      if (audio.error) return done(false, "error " + audio.error.code);
      if (audio.readyState >= 1) return done(true);
      audio.addEventListener("loadedmetadata", function () { done(true); });
      audio.addEventListener("error", function () { done(false, "error " + (audio.error ? audio.error.code : "?")); });
      setTimeout(function () { if (!audio.hasAttribute("data-ok")) done(false, "no metadata after 10 s"); }, 10000);
      audio.load();
    });
  }

  // Layout, for a headless browser to check that nothing is cut off: the window's content width,
  // the page's scroll width, and the right edge of the widest table (CSS px, rounded up).
  function recordLayout(root) {
    var right = 0;
    document.querySelectorAll("table").forEach(function (t) {
      right = Math.max(right, Math.ceil(t.getBoundingClientRect().right));
    });
    root.setAttribute("data-layout-viewport", String(root.clientWidth));
    root.setAttribute("data-layout-scroll-width", String(root.scrollWidth));
    root.setAttribute("data-layout-table-right", String(right));
  }

  function selfCheck() {
    var images = document.querySelectorAll("img");
    Array.prototype.forEach.call(images, function (img) {
      var ok = img.complete && img.naturalWidth > 0;
      img.setAttribute("data-ok", ok ? "1" : "0");
      if (!ok) failures.push("image " + img.getAttribute("src"));
    });
    var audios = Array.prototype.map.call(document.querySelectorAll("audio"), checkAudio);
    Promise.all(audios).then(function () {
      var root = document.documentElement;
      recordLayout(root);
      root.setAttribute("data-selfcheck-images", String(images.length));
      root.setAttribute("data-selfcheck-audio", String(audios.length));
      root.setAttribute("data-selfcheck-failures", failures.join(" | "));
      root.setAttribute("data-selfcheck", failures.length ? "failed" : "ok");
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  if (document.readyState === "complete") selfCheck();
  else window.addEventListener("load", selfCheck);
})();
