/*
 * Instant search results: a WAI-ARIA 1.2 combobox with a listbox popup for the
 * search boxes ([data-instant-search]) and the contact form's subject field
 * ([data-search-suggest="true"]). Without JavaScript the forms work as before.
 * The DOM is built with createElement/textContent only: API data is never
 * parsed as HTML.
 */
(function () {
  "use strict";

  var DEFAULT_API = "/api/search/";
  var LIMIT = 5;
  var MIN_CHARS = 2;
  var DEBOUNCE_MS = 200;
  var BLUR_CLOSE_MS = 150;
  var counter = 0;
  var liveRegion = null;

  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement("div");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("aria-live", "polite");
      liveRegion.setAttribute("role", "status");
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = text;
  }

  function enhance(input) {
    counter += 1;
    var suggest = input.getAttribute("data-search-suggest") === "true";
    var base = input.id || "instant-search-" + counter;
    var api = input.getAttribute("data-instant-search") || DEFAULT_API;
    var timer = null;
    var blurTimer = null;
    var controller = null;
    var results = [];
    var active = -1;

    var popup = document.createElement("div");
    popup.className = "instant-search" + (suggest ? " instant-search--suggest" : "");
    popup.hidden = true;
    var listbox = document.createElement("ul");
    listbox.id = base + "-listbox";
    listbox.className = "instant-search__list";
    listbox.setAttribute("role", "listbox");
    if (suggest) {
      var title = document.createElement("p");
      title.id = base + "-listbox-title";
      title.className = "instant-search__title";
      title.textContent = "Suggested articles";
      popup.appendChild(title);
      listbox.setAttribute("aria-labelledby", title.id);
    } else {
      listbox.setAttribute("aria-label", "Search results");
    }
    popup.appendChild(listbox);
    input.parentNode.classList.add("instant-search-host");
    input.parentNode.insertBefore(popup, input.nextSibling);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function setActive(index) {
      var options = listbox.children;
      if (active >= 0 && options[active]) {
        options[active].classList.remove("is-active");
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].classList.add("is-active");
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        if (options[active].scrollIntoView) options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function cancel() {
      clearTimeout(timer);
      if (controller) controller.abort();
      controller = null;
    }

    function go(index) {
      var result = results[index];
      if (result && result.url) window.location.assign(result.url);
    }

    function render(data) {
      results = (data && data.results) || [];
      active = -1;
      while (listbox.firstChild) listbox.removeChild(listbox.firstChild);
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = base + "-option-" + i;
        option.className = "instant-search__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "instant-search__name";
        name.textContent = result.title || "";
        option.appendChild(name);
        var meta = document.createElement("span");
        meta.className = "instant-search__meta";
        meta.textContent = [result.section_title, result.category].filter(Boolean).join(" · ");
        if (meta.textContent) option.appendChild(meta);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the input
        });
        option.addEventListener("mousemove", function () {
          if (active !== i) setActive(i);
        });
        option.addEventListener("click", function () {
          go(i);
        });
        listbox.appendChild(option);
      });
      if (results.length) {
        popup.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announce(results.length + (results.length === 1 ? " result available" : " results available"));
      } else {
        close();
        announce("No results");
      }
    }

    function search(query) {
      cancel();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var own = controller;
      var url = api + (api.indexOf("?") === -1 ? "?" : "&") +
        "q=" + encodeURIComponent(query) + "&limit=" + LIMIT + "&prefix=1";
      fetch(url, { headers: { Accept: "application/json" }, signal: own ? own.signal : undefined })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (own !== controller || input.value.trim() !== query) return; // stale
          controller = null;
          render(data);
        })
        .catch(function () {
          if (own === controller) close();
        });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      cancel();
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      timer = setTimeout(function () {
        search(query);
      }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !popup.hidden && results.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= results.length) next = 0;
        if (next < 0) next = results.length - 1;
        setActive(next);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          go(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          cancel();
          close();
        } else if (input.value) {
          event.preventDefault();
          cancel();
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      clearTimeout(blurTimer);
      blurTimer = setTimeout(close, BLUR_CLOSE_MS);
    });
    input.addEventListener("focus", function () {
      clearTimeout(blurTimer);
    });
  }

  function init() {
    if (typeof window.fetch !== "function") return;
    var inputs = document.querySelectorAll('input[data-instant-search], input[data-search-suggest="true"]');
    Array.prototype.forEach.call(inputs, enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
