// Offline reading (see static/js/sw.js): registers the service worker, says when the page shown is the
// copy kept on this device, and says plainly that a form needs a connection while there is none.
// The sentences are the page's own (base.html), in the user's language.
(function () {
  "use strict";
  var root = document.documentElement;

  if ("serviceWorker" in navigator && root.dataset.serviceWorker) {
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Opened before the worker took over: ask it to keep this page too.
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "keep", url: location.href });
      }
    }).catch(function () { /* no offline copies, nothing else lost */ });
  }

  var fromCache = root.dataset.pageSource === "cache";
  var note = document.getElementById("offline-note");
  if (fromCache && note) note.hidden = false;

  var formNote = document.getElementById("offline-form-note");
  var forms = Array.prototype.slice.call(document.querySelectorAll("main form"));

  function offline() {
    return fromCache || navigator.onLine === false;
  }

  function update() {
    var isOffline = offline();
    forms.forEach(function (form) {
      var shown = form.querySelector(".offline-form-note");
      if (isOffline && !shown && formNote) {
        shown = formNote.content.firstElementChild.cloneNode(true);
        form.insertBefore(shown, form.firstChild);
      } else if (!isOffline && shown) {
        shown.remove();
      }
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        if (isOffline && !button.disabled) {
          button.disabled = true;
          button.dataset.offlineDisabled = "";
        } else if (!isOffline && "offlineDisabled" in button.dataset) {
          button.disabled = false;
          delete button.dataset.offlineDisabled;
        }
      });
    });
  }

  window.addEventListener("online", function () {
    fromCache = false;  // back online: the form may be sent (an outdated one is refused and says why)
    update();
  });
  window.addEventListener("offline", update);
  update();
})();
