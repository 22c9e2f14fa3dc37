/* Show-if conditions in the browser: questions whose condition does not hold are
   hidden at once. The server evaluates the same conditions after every save, so the
   form works the same without this file. Conditions are the JSON of
   imvo_survey/questionnaires/conditions.py. */
(function () {
  "use strict";

  function answerOf(form, code) {
    var inputs = form.querySelectorAll('[name="' + code + '"]');
    if (!inputs.length) {
      var stored = form.getAttribute("data-answers");
      if (stored) {
        var answers = JSON.parse(stored);
        return Object.prototype.hasOwnProperty.call(answers, code) ? answers[code] : null;
      }
      return null;
    }
    var values = [];
    var several = false;
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "checkbox") {
        several = true;
        if (input.checked) { values.push(input.value); }
      } else if (input.type === "radio") {
        if (input.checked) { values.push(input.value); }
      } else if (input.tagName === "SELECT" && input.multiple) {
        several = true;
        Array.prototype.forEach.call(input.selectedOptions, function (option) { values.push(option.value); });
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    if (several) { return values; }
    return values.length ? values[0] : null;
  }

  function key(value) {
    if (typeof value === "number") { return String(value); }
    var text = String(value).trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) { return String(parseFloat(text)); }
    return text;
  }

  function answered(value) {
    if (value === null || value === undefined) { return false; }
    if (Array.isArray(value)) { return value.length > 0; }
    return String(value).trim() !== "";
  }

  function matches(answer, value) {
    if (!answered(answer)) { return false; }
    if (Array.isArray(answer)) { return answer.map(key).indexOf(key(value)) !== -1; }
    return key(answer) === key(value);
  }

  function evaluate(condition, form) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (part) { return evaluate(part, form); }); }
    if (condition.any) { return condition.any.some(function (part) { return evaluate(part, form); }); }
    var answer = answerOf(form, condition.question);
    switch (condition.op) {
      case "answered": return answered(answer);
      case "equals": return matches(answer, condition.value);
      case "not_equals": return !matches(answer, condition.value);
      case "any_of": return condition.values.some(function (value) { return matches(answer, value); });
      default: return true;
    }
  }

  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var shown = evaluate(JSON.parse(question.getAttribute("data-show-if")), form);
      question.hidden = !shown;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-conditions]").forEach(function (form) {
      update(form);
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
    });
  });

  window.imvoConditions = { evaluate: evaluate };
})();
