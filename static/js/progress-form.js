// The status form shows what was saved for the quarter chosen: choosing another quarter reloads the
// form for it (?quarter=N), so that one quarter's status and comment are never sent as another's. When
// something was typed, the form first asks whether to leave it (data-confirm-switch, in the page's language).
(function () {
  "use strict";
  var form = document.querySelector("form.progress-form");
  if (!form) return;
  var quarter = form.querySelector("select[name=quarter]");
  if (!quarter) return;
  var shown = quarter.value;

  function typed() {
    if ("conflict" in form.dataset) return true;  // the form holds the user's version beside someone else's
    return Array.prototype.some.call(form.elements, function (field) {
      if (field === quarter) return false;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) { return option.selected !== option.defaultSelected; });
      }
      if (field.tagName === "TEXTAREA" || field.type === "text") return field.value !== field.defaultValue;
      return false;
    });
  }

  quarter.addEventListener("change", function () {
    if (typed() && !window.confirm(form.dataset.confirmSwitch)) {
      quarter.value = shown;
      return;
    }
    var url = new URL(window.location.href);
    url.searchParams.set("quarter", quarter.value);
    window.location.assign(url.href);
  });
})();
