// Single-key shortcuts of the review pages, documented on each page ("Keyboard shortcuts").
// They act only when the focus is not in a form field and no Ctrl, Alt or Meta key is held, so they
// never take a key a screen reader or the browser uses; a person turns them off in the same section
// (WCAG 2.1.4), and then this file is not even loaded. Every action is also a button or a link.
"use strict";
(function () {
  var EDITABLE = { INPUT: true, SELECT: true, TEXTAREA: true };

  function inField(target) {
    return !!target && (EDITABLE[target.tagName] || target.isContentEditable);
  }

  function click(id) {
    var element = document.getElementById(id);
    if (!element || element.disabled) return false;
    element.click();
    return true;
  }

  function override() {
    var radio = document.getElementById("d-override");
    var select = document.getElementById("value");
    if (!radio || !select) return false;
    radio.checked = true;
    select.focus();
    return true;
  }

  function firstQuestion() {
    var link = document.querySelector("table.queue tbody a");
    if (!link) return false;
    link.click();
    return true;
  }

  function search() {
    var field = document.getElementById("f-q");
    if (!field) return false;
    field.focus();
    return true;
  }

  function help() {
    var details = document.getElementById("shortcuts-help");
    if (!details) return false;
    details.open = true;
    details.querySelector("summary").focus();
    return true;
  }

  var ACTIONS = {
    a: function () { return click("quick-accept"); },
    r: function () { return click("quick-reject"); },
    o: override,
    n: function () { return click("next-question") || firstQuestion(); },
    p: function () { return click("previous-question"); },
    "/": search,
    "?": help
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    if (inField(event.target)) return;
    var action = ACTIONS[event.key];
    if (action && action()) event.preventDefault();
  });
})();
