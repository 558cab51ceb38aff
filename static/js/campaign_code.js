// The campaign pages' buttons: "Copier le code" / "Copier le lien" copy their data-copy
// text to the clipboard and say so in the status element named by data-copy-status (the
// sentences come from the page, already translated); "Imprimer" (data-print) prints.
// The buttons are hidden until this script shows them: without it, the code and the link
// are plain text to select. A static file, not inline: the Content-Security-Policy
// refuses inline scripts.
(function () {
  "use strict";

  function say(button, attribute) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) {
      status.textContent = button.getAttribute(attribute) || "";
    }
  }

  function copy(button) {
    var text = button.getAttribute("data-copy");
    if (!navigator.clipboard || !window.isSecureContext) {
      say(button, "data-copy-failed");
      return;
    }
    navigator.clipboard.writeText(text).then(
      function () { say(button, "data-copied"); },
      function () { say(button, "data-copy-failed"); }
    );
  }

  document.querySelectorAll("[data-copy], [data-print]").forEach(function (button) {
    button.hidden = false;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-print]");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-print")) {
      window.print();
    } else {
      copy(button);
    }
  });
})();
