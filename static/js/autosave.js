/* Autosave of the questionnaire page: changed fields are saved every 30 seconds and
   when the page is hidden or left, with a visible "saved at 14:32". Typed answers that
   could not be saved (the login ended, the network failed) are kept in this browser and
   put back when the page is opened again. The page works without this file: Save saves.
   A form with data-keep-local and no data-autosave-url (an entry of a repeating group,
   which is saved whole) gets only the keeping in this browser.

   window.imvoAutosave.saveNow() saves at once and returns a promise that settles when
   the answer has arrived (used by the browser tests, which must not wait 30 seconds). */
(function () {
  "use strict";
  var INTERVAL = 30000;

  var PREFIX = "imvo-unsaved:";
  function storageKey() { return PREFIX + window.location.pathname; }

  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The server lists the saves it received since it last showed a questionnaire page
  // (data-saved-ids, the id each Save carried): their copies here are no longer needed,
  // whichever page they were typed on.
  function forgetSaved(store, form) {
    var ids;
    try { ids = JSON.parse(form.getAttribute("data-saved-ids") || "[]"); } catch (e) { ids = []; }
    if (!store || !ids.length) { return; }
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var kept = null;
        try { kept = JSON.parse(store.getItem(key)); } catch (e) { kept = null; }
        if (kept && kept.saveId && ids.indexOf(kept.saveId) !== -1) { store.removeItem(key); }
      }
    }
  }

  function storage() {
    try { return window.localStorage || null; } catch (e) { return null; }  // blocked by privacy settings
  }

  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function same(a, b) {
    return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(values, el.name) || el.type === "hidden" ||
          el.type === "submit" || el.disabled) { return; }
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      } else {
        el.value = value;
      }
      // On the field itself, so that the typeahead redraws its tags and the conditions update.
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function setStatus(form, text) {
    var status = form.querySelector("[data-save-status]");
    if (status) { status.textContent = text; }
  }

  function init(form) {
    var url = form.getAttribute("data-autosave-url");
    var lock = form.querySelector("input[name=lock_version]");
    var base = form.querySelector("input[name=base]");
    var store = storage();
    var saved = snapshot(form);  // the answers as stored, as far as this page knows
    var changes = 0;             // edits on this page ...
    var savedChanges = 0;        // ... and how many of them the last save included
    var invalid = false;         // the last save left out answers that did not fit their question
    var submitting = false;
    var pending = null;          // the save under way
    var pendingChanges = -1;

    function dirty() { return changes !== savedChanges || invalid; }

    function remember(saveId) {
      if (!store) { return; }
      try {
        store.setItem(storageKey(), JSON.stringify({ lock: lock.value, base: base.value, saved: saved,
                                                      values: snapshot(form), saveId: saveId || null }));
      } catch (e) { /* storage full or blocked: the server-side saves still work */ }
    }
    function forget() { if (store) { store.removeItem(storageKey()); } }

    // Put back what was typed here and not saved: not the copy of a Save the server says
    // it received (forgetSaved: a changed lock version proves nothing, a colleague's save
    // moves it too), and only the answers that differ from what the page shows (a Save
    // whose answer never came, or the save on leaving, may have stored them after all).
    // The form then carries the lock version and base the typing started from, so that
    // the server's three-way merge keeps answers someone else saved since, and asks when
    // both changed the same one.
    forgetSaved(store, form);
    var kept = null;
    try { kept = store && JSON.parse(store.getItem(storageKey()) || "null"); } catch (e) { kept = null; }
    if (kept && kept.values && kept.saved) {
      var shown = snapshot(form);
      var unsaved = {};
      Object.keys(kept.values).forEach(function (name) {
        if (!same(kept.values[name], kept.saved[name]) && !same(kept.values[name], shown[name])) {
          unsaved[name] = kept.values[name];
        }
      });
      if (Object.keys(unsaved).length) {
        restore(form, unsaved);
        lock.value = kept.lock;
        base.value = kept.base;
        saved = kept.saved;
        changes = 1;
        setStatus(form, form.getAttribute("data-restored-text"));
      } else {
        forget();
      }
    } else if (kept) {
      forget();
    }

    function edited(event) {
      if (!event.target.name) { return; }  // the typeahead's search box is not an answer
      changes += 1;
      remember();
    }
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    form.addEventListener("submit", function () {
      submitting = true;
      if (!dirty()) { forget(); return; }
      var saveId = randomId();
      var field = form.querySelector("input[name=save_id]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "save_id";
        form.appendChild(field);
      }
      field.value = saveId;
      remember(saveId);
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) { submitting = false; } });
    if (!url) { return; }  // kept in this browser only: no autosave

    function handle(response, sent, values) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 302) {
        setStatus(form, form.getAttribute("data-login-text"));
        return null;
      }
      return response.json().then(function (data) {
        if (data.status === "saved") {
          var errors = data.errors || {};
          // The next save builds on what is stored now: without this, a change after
          // this save would look like a conflict with oneself.
          lock.value = data.lock_version;
          base.value = JSON.stringify(data.base);
          Object.keys(values).forEach(function (name) { if (!(name in errors)) { saved[name] = values[name]; } });
          savedChanges = sent;
          invalid = Object.keys(errors).length > 0;
          setStatus(form, form.getAttribute("data-saved-text").replace("{time}", data.saved_at));
          if (dirty()) { remember(); } else { forget(); }
        } else if (data.status === "conflict") {
          setStatus(form, form.getAttribute("data-conflict-text"));
        } else if (data.message) {
          setStatus(form, data.message);
        }
      });
    }

    function save(leaving) {
      if (!dirty() || submitting) { return Promise.resolve(); }
      if (pending && (!leaving || pendingChanges === changes)) { return pending; }
      var sent = changes;
      var values = snapshot(form);
      // keepalive lets the request finish when the page is closed; when the page was only
      // hidden (another tab), the answer still updates the lock version and the status.
      var request = fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                                 redirect: "manual", keepalive: leaving === true,
                                 headers: { "Accept": "application/json" } })
        .then(function (response) { return handle(response, sent, values); })
        .catch(function () { /* offline: the answers stay in this browser until the next try */ })
        .then(function () { if (pending === request) { pending = null; } });
      pending = request;
      pendingChanges = sent;
      return request;
    }

    window.setInterval(function () { save(false); }, INTERVAL);
    window.addEventListener("pagehide", function () { save(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.imvoAutosave = {
      saveNow: function () { return (pending || Promise.resolve()).then(function () { return save(false); }); }
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave-url], form[data-keep-local]").forEach(init);
  });
})();
