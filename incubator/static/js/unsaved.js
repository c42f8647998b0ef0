// Warn before leaving a page whose form has answers not yet saved.
//
// Any <form data-warn-unsaved> takes part. The browser asks "Leave the page?" when the person goes away (a link,
// the address bar, closing the tab) while the form differs from what the page showed, unless the form itself is
// being sent. data-warn-unsaved="unsaved" marks a form whose answers came back unsaved (a refused post): it warns
// even before anything is changed. Kept in a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  var SELECTOR = "form[data-warn-unsaved]";
  var tracked = [];

  function state(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.type === "submit" || element.type === "button") {
        return;
      }
      var value;
      if (element.type === "checkbox" || element.type === "radio") {
        value = element.checked ? element.value : "";
      } else if (element.type === "file") {
        value = Array.prototype.map.call(element.files || [], function (file) { return file.name; }).join("|");
      } else if (element.type === "select-multiple") {
        value = Array.prototype.filter.call(element.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; }).join("|");
      } else {
        value = element.value;
      }
      parts.push(element.name + "=" + value);
    });
    return parts.join("\n");
  }

  function track(form) {
    var entry = {form: form, initial: state(form), sending: false};
    form.addEventListener("submit", function (event) {
      // Another script may stop the submission; only a submission that goes ahead leaves the page.
      setTimeout(function () { entry.sending = !event.defaultPrevented; }, 0);
      entry.sending = true;
    });
    tracked.push(entry);
  }

  function unsaved(entry) {
    if (entry.sending) {
      return false;
    }
    return entry.form.getAttribute("data-warn-unsaved") === "unsaved" || state(entry.form) !== entry.initial;
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), track);
  });

  window.addEventListener("beforeunload", function (event) {
    if (tracked.some(unsaved)) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value; every browser shows its own words
      return "";
    }
    return undefined;
  });

  // Coming back with the Back button shows the page as it was left: a form sent then is not being sent now.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      tracked.forEach(function (entry) { entry.sending = false; });
    }
  });
})();
