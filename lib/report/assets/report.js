// The coverage report's script, inlined into report.html: filters, sorting, paging and the
// drill ledger's CSV export. It reads only the page itself (data-* attributes and cells) and
// makes no request: the report works offline and from a file.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table[data-filtered]"));
  var shown = document.getElementById("shown");
  // Rows shown per table: a page at first, more on request (5,000 laid-out rows make a slow page).
  var limits = {};
  tables.forEach(function (t) {
    var pager = document.querySelector('.pager[data-for="' + t.id + '"]');
    limits[t.id] = Number(pager.getAttribute("data-page"));
  });

  function matches(row, f) {
    if (f.tier && row.getAttribute("data-tier") !== f.tier) return false;
    if (f.verdict && row.getAttribute("data-verdict") !== f.verdict) return false;
    if (f.fresh && row.getAttribute("data-fresh") !== f.fresh) return false;
    if (f.host && row.getAttribute("data-hosts").split(" ").indexOf(f.host) < 0) return false;
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
    var total = 0;
    tables.forEach(function (table) {
      var rows = table.tBodies[0].rows;
      var matched = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = matches(rows[i], f);
        if (ok) matched++;
        var hide = !ok || matched > limits[table.id];
        if (rows[i].hidden !== hide) rows[i].hidden = hide;
      }
      var pager = document.querySelector('.pager[data-for="' + table.id + '"]');
      var visible = Math.min(matched, limits[table.id]);
      pager.querySelector("output").textContent = "Showing " + visible + " of " + matched + " matching row(s).";
      pager.querySelector("[data-more]").hidden = visible >= matched;
      pager.querySelector("[data-all]").hidden = visible >= matched;
      if (table.id === "coverage-table") total = matched;
    });
    shown.textContent = total + " of " + document.getElementById("coverage-table").tBodies[0].rows.length + " services match";
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
    var keyed = rows.map(function (r) { return { r: r, v: value(r), id: r.getAttribute("data-id") }; });
    keyed.sort(function (a, b) {
      var c = numeric ? (a.v === b.v ? 0 : a.v < b.v ? -1 : 1) : String(a.v).localeCompare(String(b.v));
      if (c === 0) c = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      return dir === "ascending" ? c : -c;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k.r); });
    body.appendChild(frag);
    apply();
  }

  // RFC 4180 quoting; a cell a spreadsheet would run as a formula is prefixed with an apostrophe.
  function csvCell(text) {
    var t = text.replace(/\s+/g, " ").trim();
    if (/^[=+\-@]/.test(t)) t = "'" + t;
    return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  /** A whole table (every row, whatever is filtered or paged), as CSV. */
  function tableCsv(id) {
    var table = document.getElementById(id);
    var lines = [];
    lines.push(Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvCell(c.textContent); }).join(","));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      lines.push(Array.prototype.map.call(r.cells, function (c) { return csvCell(c.textContent); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  /** The drill ledger (one row per service), as CSV. */
  function ledgerCsv() { return tableCsv("drill-table"); }

  /** The drills the hosts recorded, one row per drill, as CSV. */
  function recordsCsv() { return document.getElementById("drill-records") ? tableCsv("drill-records") : ""; }

  function download(text, name) {
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function exportLedger() { download(ledgerCsv(), document.body.getAttribute("data-ledger-name") || "drill-ledger.csv"); }
  function exportRecords() { download(recordsCsv(), (document.body.getAttribute("data-ledger-name") || "drill-ledger.csv").replace(/\.csv$/, "-records.csv")); }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.querySelectorAll("th[data-key] button").forEach(function (b) {
    b.addEventListener("click", function () { sortBy(b.parentElement); });
  });
  document.querySelectorAll(".pager").forEach(function (p) {
    var id = p.getAttribute("data-for");
    var page = Number(p.getAttribute("data-page"));
    p.querySelector("[data-more]").addEventListener("click", function () { limits[id] += page; apply(); });
    p.querySelector("[data-all]").addEventListener("click", function () { limits[id] = Infinity; apply(); });
  });
  document.getElementById("export-ledger").addEventListener("click", exportLedger);
  if (document.getElementById("export-records")) document.getElementById("export-records").addEventListener("click", exportRecords);
  window.backupReport = { apply: apply, ledgerCsv: ledgerCsv, recordsCsv: recordsCsv };
  apply();
})();
