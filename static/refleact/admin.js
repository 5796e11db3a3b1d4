// Inline sections are collapsible (<details>); the main ones start open. At
// phone width an inline row is a stack of fields: each gets its column's header
// as a label (static/refleact/admin.css shows it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("fieldset.start-open > details").forEach(function (d) {
    d.open = true;
  });
  document.querySelectorAll(".inline-group .tabular table").forEach(function (table) {
    var headers = Array.from(table.querySelectorAll("thead th")).map(function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, index) {
        if (cell.tagName === "TD" && headers[index]) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    });
  });
});
