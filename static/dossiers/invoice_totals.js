// Running totals of an invoice's or quote's lines while they are typed.
// Amounts are read by the same rules as dossiers/amounts.py (keep the two in
// step): "24,95" and "24.95" are 24.95 in any language, "1.234,50" is 1234.50,
// and "1.234" (thousands or decimals?) is ambiguous and not counted. Sums are
// done in whole cents with BigInt, VAT rounded per rate half away from zero,
// as the server does. No personal data is read: only the amount fields.
"use strict";
(function () {
  function parseAmount(text) {
    let value = String(text).replace(/[\s\u00a0€]/g, "");
    if (!/^[+-]?\d[\d.,]*$/.test(value) || /[.,]$/.test(value)) return null;
    let sign = "";
    if (value[0] === "+" || value[0] === "-") {
      sign = value[0] === "-" ? "-" : "";
      value = value.slice(1);
    }
    const commas = (value.match(/,/g) || []).length;
    const dots = (value.match(/\./g) || []).length;
    let integer = value;
    let fraction = "";
    const ungroup = function (part, mark) {
      if (part.indexOf(mark) < 0) return part;
      const grouped = new RegExp("^\\d{1,3}(?:\\" + mark + "\\d{3})+$");
      return grouped.test(part) ? part.split(mark).join("") : null;
    };
    if (commas && dots) {
      const decimalMark = value.lastIndexOf(",") > value.lastIndexOf(".") ? "," : ".";
      const groupMark = decimalMark === "," ? "." : ",";
      const at = value.lastIndexOf(decimalMark);
      integer = value.slice(0, at);
      fraction = value.slice(at + 1);
      if (integer.indexOf(decimalMark) >= 0) return null;
      integer = ungroup(integer, groupMark);
    } else if (commas + dots > 1) {
      integer = ungroup(value, commas ? "," : ".");
    } else if (commas + dots === 1) {
      const at = value.search(/[.,]/);
      integer = value.slice(0, at);
      fraction = value.slice(at + 1);
      if (fraction.length === 3 && integer.length <= 3 && integer !== "0") return null;
    }
    if (integer === null || fraction.length > 2) return null;
    // In hundredths: "24.95" -> 2495n.
    return BigInt(sign + integer + (fraction + "00").slice(0, 2));
  }

  function divRound(numerator, denominator) {
    // Half away from zero, as Decimal's ROUND_HALF_UP.
    const negative = numerator < 0n;
    const n = negative ? -numerator : numerator;
    const q = (n * 2n + denominator) / (denominator * 2n);
    return negative ? -q : q;
  }

  function euros(cents, lang) {
    const format = new Intl.NumberFormat(lang, {
      style: "currency", currency: "EUR", useGrouping: false,
    });
    return format.format(Number(cents) / 100);
  }

  function field(row, name) {
    return row.querySelector("[data-amount=" + name + "]");
  }

  function recompute(table, edited) {
    const lang = document.documentElement.lang || "nl";
    const group = document.getElementById(table.dataset.linesGroup);
    if (!group) return;
    // A read-only page (an issued invoice) has no inputs: keep the saved totals.
    if (!group.querySelector("[data-amount]")) return;
    const rows = group.querySelectorAll("tr.form-row:not(.empty-form)");
    let subtotal = 0n;
    let invalid = false;
    const bases = new Map();
    rows.forEach(function (row) {
      const cell = row.querySelector("td.field-line_amount");
      const remove = row.querySelector("input[name$='-DELETE']");
      const quantity = field(row, "quantity");
      const price = field(row, "unit_price");
      const rate = field(row, "vat_rate");
      if (!quantity || !price || !rate) return;
      const target = cell ? cell.querySelector("p") || cell : null;
      if (price.value.trim() === "" || (remove && remove.checked)) {
        if (target) target.textContent = "—";
        return;
      }
      const q = parseAmount(quantity.value);
      const p = parseAmount(price.value);
      if (q === null || p === null) {
        invalid = true;
        if (target) target.textContent = table.dataset.labelInvalid;
        return;
      }
      const amount = divRound(q * p, 100n);
      if (target) target.textContent = euros(amount, lang);
      subtotal += amount;
      bases.set(rate.value, (bases.get(rate.value) || 0n) + amount);
    });
    let total = subtotal;
    const body = table.querySelector("tbody");
    body.replaceChildren();
    const add = function (label, cents, className) {
      const tr = document.createElement("tr");
      if (className) tr.className = className;
      const th = document.createElement("th");
      th.textContent = label;
      const td = document.createElement("td");
      td.className = "refleact-amount";
      td.textContent = euros(cents, lang);
      tr.append(th, td);
      body.append(tr);
    };
    add(table.dataset.labelSubtotal, subtotal);
    Array.from(bases.keys()).sort(function (a, b) { return Number(a) - Number(b); })
      .forEach(function (rate) {
        const vat = divRound(bases.get(rate) * BigInt(rate), 100n);
        total += vat;
        const label = rate === "0"
          ? table.dataset.labelExempt
          : table.dataset.labelVat.replace("{rate}", rate);
        add(label + " (" + euros(bases.get(rate), lang) + ")", vat);
      });
    add(table.dataset.labelTotal, total, "refleact-total");
    const caption = table.querySelector("caption");
    // Until something is typed the page shows what was saved, so the caption stays.
    if (caption && (edited || invalid)) {
      caption.textContent = invalid ? table.dataset.labelIncomplete : table.dataset.labelLive;
    }
  }

  function recomputeAll(edited) {
    document.querySelectorAll("table.refleact-totals").forEach(function (table) {
      recompute(table, edited);
    });
  }

  function onEdit(event) {
    if (event.target.closest && event.target.closest("[data-amount], input[name$='-DELETE']")) {
      recomputeAll(true);
    }
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  document.addEventListener("formset:added", function () { recomputeAll(true); });
  document.addEventListener("formset:removed", function () { recomputeAll(true); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { recomputeAll(false); });
  } else {
    recomputeAll(false);
  }
})();
