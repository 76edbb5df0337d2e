/* Socle's small enhancements: copy buttons, keyboard-reachable scroll boxes. Everything
   works without JavaScript too. */
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) return;
  var label = button.textContent;
  var status = document.createElement("span");
  status.className = "fr-sr-only";
  status.setAttribute("role", "status");
  button.after(status);
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = "value" in target ? target.value : target.textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = button.dataset.copied;
      status.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = label; status.textContent = ""; }, 2500);
    });
  });
});

/* A wide table or code block scrolls sideways inside its box: the box becomes reachable with
   the keyboard (Tab, then the arrow keys) when, at this width, it actually scrolls. */
(function () {
  var boxes = document.querySelectorAll(".fr-table__container, pre.socle-code");
  function mark() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  mark();
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 200);
  });
})();
