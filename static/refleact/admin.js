// Inline sections are collapsible (<details>); the main ones start open. At
// phone width an inline row is a stack of fields: each gets its column's header
// as a label (static/refleact/admin.css shows it).
"use strict";

// The autocomplete pickers POST what is typed (a name must not travel in a URL):
// jQuery's POSTs carry the page's CSRF token.
if (window.django && window.django.jQuery) {
  window.django.jQuery.ajaxSetup({
    beforeSend: function (xhr, settings) {
      var token = document.querySelector("[name=csrfmiddlewaretoken]");
      if (settings.type === "POST" && token) {
        xhr.setRequestHeader("X-CSRFToken", token.value);
      }
    },
  });
}
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
