/* Socle's small enhancements: copy buttons. Everything works without JavaScript too. */
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
