/* Keyboard movement in the entry grid: Enter or ArrowDown to the next row, ArrowUp back. */
(function () {
  "use strict";
  var body = document.body;
  // Swap the row back on 409 (conflict) and 422 (refused value): it carries the message.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409|422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true }
    ];
  }
  var meta = document.querySelector("meta[name=csrf-token]");
  if (meta) { body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": meta.content })); }
  document.addEventListener("keydown", function (ev) {
    var input = ev.target;
    if (!input.classList || !(input.classList.contains("cell-input") || input.classList.contains("comment-input"))) { return; }
    var cls = input.classList.contains("cell-input") ? ".cell-input" : ".comment-input";
    var all = Array.prototype.slice.call(document.querySelectorAll("#entry-grid " + cls));
    var i = all.indexOf(input);
    var next = null;
    if (ev.key === "Enter" || ev.key === "ArrowDown") { next = all[i + 1]; }
    else if (ev.key === "ArrowUp") { next = all[i - 1]; }
    // Leaving the cell fires its change event, which saves it (htmx); only move the focus here.
    if (next) { ev.preventDefault(); next.focus(); next.select(); }
  });
})();
