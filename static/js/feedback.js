/*
 * Article feedback without a page reload. The forms ([data-feedback-form])
 * work on their own (they post and come back to the same place); this script
 * sends them with fetch instead, marks the chosen answer, announces the result
 * in the form's status region, and after a "no" reveals the optional reason
 * form or the contact link ([data-feedback-on-no]).
 */
(function () {
  "use strict";

  function container(form) {
    return form.closest("[data-feedback]") || form;
  }

  function say(form, text) {
    var status = container(form).querySelector("[data-feedback-status]");
    if (status) status.textContent = text;
  }

  function markChoice(form, vote) {
    var buttons = form.querySelectorAll('button[name="vote"]');
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.value === vote ? "true" : "false");
    });
  }

  function send(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var vote = body.get("vote");
    form.setAttribute("aria-busy", "true");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        form.removeAttribute("aria-busy");
        if (!result.ok) {
          say(form, result.data.error || "Your vote could not be recorded. Please try again.");
          return;
        }
        markChoice(form, vote);
        var more = container(form).querySelector("[data-feedback-on-no]");
        if (more) more.hidden = result.data.outcome !== "no";
        if (result.data.outcome === "sent") {
          var sent = container(form).querySelector('form button[name="vote"]');
          if (sent) markChoice(sent.form, "no");
        }
        say(form, result.data.message || "Thanks for your feedback.");
      });
  }

  function enhance(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      event.preventDefault();
      send(form, event.submitter).catch(function () {
        // The network or the script failed: fall back to the plain form.
        form.removeAttribute("aria-busy");
        if (event.submitter && event.submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = event.submitter.name;
          hidden.value = event.submitter.value;
          form.appendChild(hidden);
        }
        form.submit();
      });
    });
  }

  function init() {
    if (typeof window.fetch !== "function" || typeof window.FormData !== "function") return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-feedback-form]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
