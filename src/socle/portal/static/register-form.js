/* The processing activity form: the DPIA verdict follows the ticked checklist at once (the
   server computes it again when the form is saved). Works without JavaScript too. */
"use strict";
(function () {
  var verdict = document.getElementById("verdict-formulaire");
  if (!verdict) return;
  var form = verdict.closest("form");
  var threshold = Number(verdict.dataset.threshold);
  function update() {
    var criteria = form.querySelectorAll('input[name^="critere-"]:checked').length;
    var listed = form.querySelectorAll('input[name^="type-"]:checked').length;
    var required = listed > 0 || criteria >= threshold;
    verdict.textContent = required ? verdict.dataset.required : verdict.dataset.notRequired;
    verdict.className = "fr-badge " + (required ? "fr-badge--warning" : "fr-badge--info");
  }
  form.addEventListener("change", update);
})();
