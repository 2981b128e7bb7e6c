// Wide tables scroll inside their own box (.table-wrap). A box that overflows becomes a named,
// focusable region, so that a keyboard user can reach it and scroll it with the arrow keys.
(function () {
  "use strict";
  function label(box) {
    var section = box.closest("section");
    var heading = section && section.querySelector("h2, h3");
    var caption = box.querySelector("caption");
    return (caption || heading || {}).textContent || "";
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", label(box).trim());
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
