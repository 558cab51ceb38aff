/*
 * The live panel of an import (/eleves/import/<id>/): while the import runs, poll its
 * state (…/etat.json) and update the progress bar; when the status changes, or a queued
 * step is taken by a worker (`waiting`), replace the panel with the HTML the server
 * rendered for the new state (the same template as the page), and tell screen readers.
 * Without JavaScript the page has a "Refresh" link.
 */
(function () {
  "use strict";
  var panel = document.getElementById("import-panel");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-state-url");
  var announcer = document.getElementById("import-announcer");
  var status = panel.getAttribute("data-status");
  var waiting = panel.getAttribute("data-waiting") === "true";
  var interval = 1000;
  var delay = interval;

  function isRunning(value) {
    return value === "UPLOADED" || value === "VALIDATING" || value === "IMPORTING";
  }

  function update(state) {
    if (state.status !== status || Boolean(state.waiting) !== waiting) {
      status = state.status;
      waiting = Boolean(state.waiting);
      panel.setAttribute("data-status", status);
      panel.setAttribute("data-waiting", waiting ? "true" : "false");
      panel.innerHTML = state.html;
      // Errors come in a role="alert" block, read out as it appears; other outcomes
      // are announced through the polite live region, with the panel's own title
      // (it may say more than the status: "confirmed and queued").
      var title = document.getElementById("import-status-title");
      if (announcer && !state.error_count) {
        announcer.textContent = title ? title.textContent : state.status_label;
      }
      if (!state.running) {
        if (title && !state.error_count) {
          title.focus();
        }
      }
      return;
    }
    var bar = document.getElementById("import-progress");
    if (bar) {
      bar.value = state.progress;
      bar.textContent = state.progress + " %";
    }
    var text = document.getElementById("import-progress-text");
    if (text) {
      text.textContent = state.progress + " %";
    }
  }

  // A refusal that waiting will not mend (the session ended, the access was withdrawn):
  // stop polling and show the server's sentence ({"code", "message", "meta"}).
  function refused(refusal) {
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--warning fr-mb-3w";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-code", refusal.code || "");
    var sentence = document.createElement("p");
    sentence.textContent = refusal.message || "";
    alert.appendChild(sentence);
    panel.insertBefore(alert, panel.firstChild);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          return response.json().then(function (refusal) {
            refused(refusal);
            return null;
          });
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (state === null) {
          return;
        }
        delay = interval;
        update(state);
        if (state.running) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // The network or the server hiccups: keep trying, less and less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  if (isRunning(status)) {
    window.setTimeout(poll, interval);
  }
})();
