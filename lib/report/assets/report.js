// The coverage report's script, inlined into report.html: filters, sorting and the drill
// ledger's CSV export. It reads only the page itself (data-* attributes and cells) and makes
// no request: the report works offline and from a file.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table[data-filtered]"));
  var shown = document.getElementById("shown");

  function matches(row, f) {
    if (f.tier && row.getAttribute("data-tier") !== f.tier) return false;
    if (f.verdict && row.getAttribute("data-verdict") !== f.verdict) return false;
    if (f.fresh && row.getAttribute("data-fresh") !== f.fresh) return false;
    if (f.host && JSON.parse(row.getAttribute("data-hosts") || "[]").indexOf(f.host) < 0) return false;
    if (f.text && row.getAttribute("data-id").toLowerCase().indexOf(f.text) < 0) return false;
    return true;
  }

  function apply() {
    var f = {
      tier: form.elements.tier.value,
      host: form.elements.host.value,
      verdict: form.elements.verdict.value,
      fresh: form.elements.fresh.value,
      text: form.elements.text.value.trim().toLowerCase(),
    };
    var count = 0;
    tables.forEach(function (table) {
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var ok = matches(rows[i], f);
        rows[i].hidden = !ok;
        if (ok && table.id === "coverage-table") count++;
      }
    });
    shown.textContent = count + " of " + document.getElementById("coverage-table").tBodies[0].rows.length + " services shown";
  }

  function sortBy(th) {
    var table = th.closest("table");
    var key = th.getAttribute("data-key");
    var numeric = th.hasAttribute("data-numeric");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      if (c.hasAttribute("data-key")) c.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var value = function (r) {
      var v = r.getAttribute("data-" + key) || "";
      return numeric ? (v === "" ? Infinity : Number(v)) : v;
    };
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      var c = numeric ? (x === y ? 0 : x < y ? -1 : 1) : String(x).localeCompare(String(y));
      if (c === 0) c = a.getAttribute("data-id").localeCompare(b.getAttribute("data-id"));
      return dir === "ascending" ? c : -c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }

  // RFC 4180 quoting; a cell a spreadsheet would run as a formula is prefixed with an apostrophe.
  function csvCell(text) {
    var t = text.replace(/\s+/g, " ").trim();
    if (/^[=+\-@\t\r]/.test(t)) t = "'" + t;
    return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  function ledgerCsv() {
    var table = document.getElementById("drill-table");
    var lines = [];
    var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvCell(c.textContent); });
    lines.push(head.join(","));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      lines.push(Array.prototype.map.call(r.cells, function (c) { return csvCell(c.textContent); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function exportLedger() {
    var blob = new Blob([ledgerCsv()], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = document.body.getAttribute("data-ledger-name") || "drill-ledger.csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.querySelectorAll("th[data-key] button").forEach(function (b) {
    b.addEventListener("click", function () { sortBy(b.parentElement); });
  });
  document.getElementById("export-ledger").addEventListener("click", exportLedger);
  window.backupReport = { apply: apply, ledgerCsv: ledgerCsv };
  apply();
})();
