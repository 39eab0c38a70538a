// Keyboard: "/" focuses the search box (unless typing in a field already).
// The reader works without this script; it only adds the shortcut.
(function () {
  "use strict";
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    var box = document.getElementById("q");
    if (!box) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });
})();
