/* Typeahead for long pick lists (countries, product groups): a search box above the
   multi-select narrows the options, and the chosen ones are shown as removable tags.
   Without this file the plain multi-select works (Ctrl/Cmd + click). */
(function () {
  "use strict";

  function init(select) {
    if (select.options.length <= 20 || select.dataset.enhanced) { return; }
    select.dataset.enhanced = "1";
    var wrapper = document.createElement("div");
    wrapper.className = "typeahead";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "typeahead-search";
    search.setAttribute("aria-label", (select.labels && select.labels[0] ? select.labels[0].textContent.trim() + ": " : "") +
      (document.documentElement.lang === "en" ? "search" : "zoeken"));
    search.placeholder = document.documentElement.lang === "en" ? "Type to search..." : "Typ om te zoeken...";
    search.disabled = select.disabled;  // answers that can no longer be changed: nothing to search
    var chosen = document.createElement("ul");
    chosen.className = "typeahead-chosen";
    chosen.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(search);
    wrapper.appendChild(select);
    wrapper.appendChild(chosen);
    select.size = 8;

    function renderChosen() {
      chosen.innerHTML = "";
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "tag-button";
        button.disabled = select.disabled;
        button.textContent = option.textContent + " \u00d7";
        button.setAttribute("aria-label", (document.documentElement.lang === "en" ? "Remove " : "Verwijder ") + option.textContent);
        button.addEventListener("click", function () {
          option.selected = false;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          renderChosen();
        });
        item.appendChild(button);
        chosen.appendChild(item);
      });
    }

    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = needle !== "" && option.textContent.toLowerCase().indexOf(needle) === -1 && !option.selected;
      });
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = Array.prototype.find.call(select.options, function (o) { return !o.hidden && !o.selected; });
        if (first) {
          first.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          search.value = "";
          search.dispatchEvent(new Event("input"));
          renderChosen();
        }
      }
    });
    // A click selects or deselects one option without Ctrl.
    select.addEventListener("mousedown", function (event) {
      if (event.target.tagName === "OPTION") {
        event.preventDefault();
        event.target.selected = !event.target.selected;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        renderChosen();
      }
    });
    select.addEventListener("change", renderChosen);
    renderChosen();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-typeahead]").forEach(init);
  });
})();
