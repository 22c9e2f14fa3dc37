/* Show-if conditions in the browser: questions whose condition does not hold are
   hidden at once. The server evaluates the same conditions after every save, so the
   form works the same without this file. Conditions are the JSON of
   imvo_survey/questionnaires/conditions.py, and the evaluation here must give the same
   answer as its `evaluate`: tests/questionnaires/condition_cases.json holds the cases
   both are tested against (the JavaScript under Node.js, without a page), so the
   evaluation below touches no DOM; only `answerOf` and the wiring at the end do. */
(function (root) {
  "use strict";

  /* What Python's str.strip() removes (str.isspace()), which differs from trim(): it
     also removes \x1c-\x1f and \x85, and keeps \ufeff. */
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var EDGE_SPACE = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  /* Python's `-?\d+(\.\d+)?`, where \d is any Unicode decimal digit (category Nd). */
  var NUMBER_TEXT = /^-?\p{Nd}+(?:\.\p{Nd}+)?$/u;
  var DIGIT = /\p{Nd}/u;
  var NUMBER_PARTS = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

  function strip(text) {
    return text.replace(EDGE_SPACE, "");
  }

  /* The value 0-9 of a decimal digit of any script: Unicode keeps each script's digits
     in runs of ten, 0 to 9, so it is the distance from the start of the run, mod 10. */
  function asciiDigit(digit) {
    var point = digit.codePointAt(0);
    if (point <= 0x39) { return digit; }
    var start = point;
    while (DIGIT.test(String.fromCodePoint(start - 1))) { start -= 1; }
    return String((point - start) % 10);
  }

  /* A number as "n:" and its digits and exponent with no zeros at either end, so that
     5, 5.0, "05" and "5.00" are one key, exactly (no rounding through floating point),
     as Python's Decimal(...).normalize() does. */
  function numberKey(text) {
    var parts = NUMBER_PARTS.exec(text);
    if (!parts) { return "n:" + text; }  // Infinity and NaN, which JSON cannot hold
    var fraction = parts[3] || "";
    var digits = (parts[2] + fraction).replace(/^0+/, "");
    var exponent = (parts[4] ? parseInt(parts[4], 10) : 0) - fraction.length;
    if (!digits) { return "n:0"; }
    var zeros = /0*$/.exec(digits)[0].length;
    digits = digits.slice(0, digits.length - zeros);
    return "n:" + parts[1] + digits + "e" + (exponent + zeros);
  }

  /* Compare numbers as numbers and everything else as text (conditions.py's _key);
     null for what can equal no value. */
  function key(value) {
    if (typeof value === "boolean") { return value ? "t:yes" : "t:no"; }
    if (typeof value === "number") { return numberKey(String(value)); }
    if (typeof value !== "string") { return null; }
    var text = strip(value);
    if (NUMBER_TEXT.test(text)) { return numberKey(text.replace(/\p{Nd}/gu, asciiDigit)); }
    return "t:" + value;
  }

  /* None, blank text and an empty selection count as not answered. */
  function answered(value) {
    if (value === null || value === undefined) { return false; }
    if (typeof value === "string") { return strip(value) !== ""; }
    if (Array.isArray(value)) { return value.length > 0; }
    return true;
  }

  function matches(answer, value) {
    if (!answered(answer)) { return false; }
    var wanted = key(value);
    if (Array.isArray(answer)) {
      return answer.some(function (item) { var found = key(item); return found !== null && found === wanted; });
    }
    var found = key(answer);
    return found !== null && found === wanted;
  }

  /* Whether a question with this condition is shown. `answers` is an object of answers
     by question code (as the server's) or a function that gives the answer to a code. */
  function evaluate(condition, answers) {
    var answerTo = typeof answers === "function" ? answers : function (code) {
      return answers && Object.prototype.hasOwnProperty.call(answers, code) ? answers[code] : null;
    };
    return holds(condition, answerTo);
  }

  function holds(condition, answerTo) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (part) { return holds(part, answerTo); }); }
    if (condition.any) { return condition.any.some(function (part) { return holds(part, answerTo); }); }
    var answer = answerTo(condition.question);
    switch (condition.op) {
      case "answered": return answered(answer);
      case "equals": return matches(answer, condition.value);
      case "not_equals": return !matches(answer, condition.value);
      case "any_of": return condition.values.some(function (value) { return matches(answer, value); });
      default: return true;
    }
  }

  root.imvoConditions = { evaluate: evaluate, isAnswered: answered };

  if (typeof document === "undefined") { return; }  // under Node.js, in the tests

  /* The answer to a question as the form holds it now, or as saved (data-answers) for a
     question on another page. */
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
      } else if (strip(input.value) !== "") {
        values.push(strip(input.value));  // as the server strips what it reads
      }
    });
    if (several) { return values; }
    return values.length ? values[0] : null;
  }

  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var shown = evaluate(JSON.parse(question.getAttribute("data-show-if")),
                           function (code) { return answerOf(form, code); });
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
})(typeof window !== "undefined" ? window : globalThis);
