// The answering page; it works without this file. Here: a conditional question stays hidden
// (and is not sent) until the choice it depends on is made, and unsent answers are kept in
// this browser's localStorage, per questionnaire, until the thank-you page clears them.
(function () {
  "use strict";
  var PREFIX = "huodong.survey.";
  var SKIP = { csrfmiddlewaretoken: true, website: true, preview: true };

  function store() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // private mode, or storage turned off
    }
  }

  var done = document.querySelectorAll("[data-survey-done]");
  for (var d = 0; d < done.length; d++) {
    var s = store();
    if (s) s.removeItem(PREFIX + done[d].getAttribute("data-survey-done"));
  }

  var form = document.querySelector("form.survey-form");
  if (!form) return;
  var key = form.getAttribute("data-survey");
  var conditional = form.querySelectorAll("[data-show-if]");

  function fields() {
    var all = form.querySelectorAll("input, select, textarea");
    var kept = [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.name && !SKIP[el.name] && el.type !== "hidden" && el.type !== "submit") kept.push(el);
    }
    return kept;
  }

  // Questions come after the one they depend on, so one pass in page order settles chains.
  function applyConditions() {
    for (var i = 0; i < conditional.length; i++) {
      var box = conditional[i];
      var inputs = form.querySelectorAll('[name="' + box.getAttribute("data-show-if-name") + '"]');
      var shown = false;
      for (var j = 0; j < inputs.length; j++) {
        var input = inputs[j];
        if (input.value === box.getAttribute("data-show-if") && input.checked && !input.disabled) {
          shown = true;
        }
      }
      box.hidden = !shown;
      var own = box.querySelectorAll("input, select, textarea");
      for (var k = 0; k < own.length; k++) own[k].disabled = !shown;
    }
  }

  function save() {
    var s = store();
    if (!s || !key) return;
    var data = {};
    var list = fields();
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      var keep = el.type === "radio" || el.type === "checkbox" ? el.checked : el.value !== "";
      if (keep) (data[el.name] = data[el.name] || []).push(el.value);
    }
    try {
      s.setItem(PREFIX + key, JSON.stringify(data));
    } catch (e) {
      // full or refused: the answers are still in the form
    }
  }

  function restore() {
    var s = store();
    if (!s || !key || !form.hasAttribute("data-restore")) return;
    var data;
    try {
      data = JSON.parse(s.getItem(PREFIX + key) || "null");
    } catch (e) {
      data = null;
    }
    if (!data || typeof data !== "object") return;
    var list = fields();
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      var values = data[el.name];
      if (!values || !values.length) continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
      else el.value = values[0];
    }
  }

  restore();
  applyConditions();
  function changed() {
    applyConditions();
    save();
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
})();
