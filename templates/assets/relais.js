// Relais progressive enhancement. Every page works without this file; it only adds comfort.
// Served from 'self' because the CSP forbids inline scripts and event-handler attributes.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // Forms with data-confirm ask before submitting (deletions, revocations).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Selects marked data-autosubmit submit their form on change (filters, tenant switch).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  // The mobile navigation starts collapsed once we know we can open it again.
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("main-nav");
    if (!toggle || !nav) {
      return;
    }
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        nav.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  });
  // The sales dashboard reloads its widgets when the server announces new declarations
  // (server-sent events); without JavaScript the page simply shows the figures of its load.
  document.addEventListener("DOMContentLoaded", function () {
    var region = document.querySelector("[data-events-url][data-live-url]");
    if (!region || typeof window.EventSource !== "function" || typeof window.fetch !== "function") {
      return;
    }
    var source = new EventSource(region.getAttribute("data-events-url"));
    source.addEventListener("sales", function () {
      fetch(region.getAttribute("data-live-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { region.innerHTML = html; } })
        .catch(function () {});
    });
  });
})();
