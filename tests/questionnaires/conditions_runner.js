/* Evaluates show-if conditions with the browser's static/js/conditions.js under Node.js,
   for tests/questionnaires/test_condition_cases.py.

   Usage: node conditions_runner.js PATH/TO/conditions.js < cases.json
   stdin:  [{"condition": CONDITION or null, "answers": {CODE: VALUE, ...}}, ...]
   stdout: [true, false, ...], whether each condition holds.

   The file runs in a fresh context with no window and no document, so the test also
   shows that evaluating a condition needs no page. Plain Node.js, no packages. */
"use strict";

const fs = require("fs");
const vm = require("vm");

const context = vm.createContext({});
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context, { filename: process.argv[2] });
const conditions = context.imvoConditions;
if (!conditions || typeof conditions.evaluate !== "function") {
  throw new Error(process.argv[2] + " does not define imvoConditions.evaluate");
}

const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const results = cases.map(function (item) { return conditions.evaluate(item.condition, item.answers); });
process.stdout.write(JSON.stringify(results));
