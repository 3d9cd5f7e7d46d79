// Live totals of the budget entry form. Mirrors budgets.money.indirect_cost on the server:
// Mgt support = direct total x rate, rounded half-up to the cent. Works in whole cents
// (integers), so no binary floating-point error can creep in; the server recomputes anyway.
(function () {
  "use strict";
  var form = document.querySelector("form.budget-entry");
  if (!form) return;

  var RATE_SCALE = 10000; // the rate is stored with four decimals
  var rateUnits = Math.round(Number(form.dataset.rate) * RATE_SCALE);
  var inputs = form.querySelectorAll("input.amount");

  // "1,234.5" -> 123450 cents; null when the text is not a non-negative amount with at most 2 decimals.
  function toCents(text) {
    var cleaned = text.replace(/[\s,]/g, "");
    if (cleaned === "") return 0;
    var match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
  }

  function format(cents) {
    var whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return whole + "." + String(cents % 100).padStart(2, "0");
  }

  function show(name, text) {
    form.querySelector('[data-sum="' + name + '"]').textContent = text;
  }

  function update() {
    var direct = 0;
    var valid = true;
    inputs.forEach(function (input) {
      var cents = toCents(input.value);
      input.toggleAttribute("aria-invalid", cents === null);
      if (cents === null) valid = false;
      else direct += cents;
    });
    if (!valid) {
      ["direct", "indirect", "total"].forEach(function (name) { show(name, "–"); });
      return;
    }
    // Half-up: add half of the divisor before the integer division.
    var indirect = Math.floor((direct * rateUnits + RATE_SCALE / 2) / RATE_SCALE);
    show("direct", format(direct));
    show("indirect", format(indirect));
    show("total", format(direct + indirect));
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
