/* Progressive enhancement: saves each answer the moment it is chosen, so that closing the tab
   loses nothing. Without JavaScript the form still saves on every Next and Previous.

   One save at a time, always of the form as it is now: a save that overtook a later one on the
   network would otherwise store an older choice over a newer one. For the same reason a click on
   Next or Previous waits for a save still on its way before the page's own save is sent. */
(function () {
  "use strict";
  var SUBMIT_WAIT_MS = 3000;

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-autosave-status"));
    var typing = null;
    var inFlight = null;
    var changedMeanwhile = false;
    var submitting = false;

    function failed() {
      // Visible and announced (the status element is role=status): the answer is still on the
      // page, and Next or Previous saves it with the page itself.
      if (!status) { return; }
      status.textContent = form.getAttribute("data-autosave-failed");
      status.classList.add("autosave-failed");
    }

    function report(response) {
      if (!status) { return; }
      status.classList.remove("autosave-failed");
      if (response.status === 204) {
        status.textContent = form.getAttribute("data-autosave-saved");
      } else if (response.status !== 409) {
        failed();
      } else {
        // Completed meanwhile (in another tab): nothing was saved; the results are final.
        var link = document.createElement("a");
        link.href = form.getAttribute("data-autosave-results");
        link.textContent = form.getAttribute("data-autosave-results-label");
        status.textContent = form.getAttribute("data-autosave-completed") + " ";
        status.appendChild(link);
      }
    }

    function send() {
      var data = new FormData(form);
      data.append("autosave", "1");
      inFlight = fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(report).catch(failed)
        .then(function () {
          inFlight = null;
          if (changedMeanwhile && !submitting) {
            changedMeanwhile = false;
            send();
          }
        });
    }

    function save() {
      if (submitting) { return; }
      if (inFlight) { changedMeanwhile = true; return; }
      send();
    }

    form.addEventListener("change", function (event) {
      if (event.target.type === "email" || event.target.type === "text") { return; }
      save();
    });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "email" && event.target.type !== "text") { return; }
      window.clearTimeout(typing);
      typing = window.setTimeout(save, 800);
    });
    form.addEventListener("submit", function (event) {
      window.clearTimeout(typing);
      if (!inFlight) { submitting = true; return; }
      event.preventDefault();
      if (submitting) { return; }  // a second click while the first one waits
      submitting = true;
      var submitter = event.submitter;
      var waited = new Promise(function (resolve) { window.setTimeout(resolve, SUBMIT_WAIT_MS); });
      Promise.race([inFlight, waited]).then(function () {
        inFlight = null;
        if (submitter && form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    });
  });
})();
