/*
 * Suggested articles beside the contact form, updated as the customer types
 * the subject and the message (debounced). The box ([data-suggestions]) stays
 * hidden while nothing matches; the status line announces the number of
 * suggestions only when it changes, so typing is not interrupted.
 * Once suggestions have been shown, the form is sent without the no-JavaScript
 * "these articles may answer it" step (suggestions_seen=1).
 * The DOM is built with createElement/textContent only.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;
  var MIN_CHARS = 3;
  var MESSAGE_CHARS = 300;

  function enhance(form) {
    var endpoint = form.getAttribute("data-contact-suggestions");
    var box = document.querySelector("[data-suggestions]");
    var list = box && box.querySelector("[data-suggestions-list]");
    var status = document.querySelector("[data-suggestions-status]");
    var subject = form.elements.subject;
    var message = form.elements.message;
    var seen = form.elements.suggestions_seen;
    if (!endpoint || !box || !list || !subject || !message) return;

    var timer = null;
    var controller = null;
    var lastQuery = null;
    var lastCount = list.children.length;

    function render(results) {
      while (list.firstChild) list.removeChild(list.firstChild);
      results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title || "";
        item.appendChild(link);
        if (result.section_title) {
          var section = document.createElement("span");
          section.className = "suggestions__section";
          section.textContent = "Section: " + result.section_title;
          item.appendChild(section);
        }
        list.appendChild(item);
      });
      box.hidden = results.length === 0;
      if (results.length && seen) seen.value = "1";
      if (status && results.length !== lastCount) {
        status.textContent = results.length
          ? results.length + (results.length === 1 ? " suggested article may" : " suggested articles may") +
            " answer your question."
          : "";
      }
      lastCount = results.length;
    }

    function update() {
      var text = subject.value.trim();
      var body = message.value.trim().slice(0, MESSAGE_CHARS);
      var query = text + "\n" + body;
      if (query === lastQuery) return;
      lastQuery = query;
      if (controller) controller.abort();
      if ((text + body).length < MIN_CHARS) {
        controller = null;
        render([]);
        return;
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var own = controller;
      var url = endpoint + "?subject=" + encodeURIComponent(text) + "&message=" + encodeURIComponent(body);
      fetch(url, { headers: { Accept: "application/json" }, signal: own ? own.signal : undefined })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (own !== controller) return; // a newer request is on its way
          render((data && data.results) || []);
        })
        .catch(function () {
          /* keep what is shown; the form works without suggestions */
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(update, DEBOUNCE_MS);
    }

    subject.addEventListener("input", schedule);
    message.addEventListener("input", schedule);
    if (subject.value || message.value) schedule();
  }

  function init() {
    if (typeof window.fetch !== "function") return;
    var form = document.querySelector("form[data-contact-suggestions]");
    if (form) enhance(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
