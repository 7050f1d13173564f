/* Progressive enhancement: saves each answer the moment it is chosen, so that closing the tab
   loses nothing. Without JavaScript the form still saves on every Next and Previous. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-autosave-status"));
    var pending = null;
    function save() {
      var data = new FormData(form);
      data.append("autosave", "1");
      fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (status && response.status === 204) {
          status.textContent = form.getAttribute("data-autosave-saved");
        } else if (status && response.status === 409) {
          // Completed meanwhile (in another tab): nothing was saved; the results are final.
          var link = document.createElement("a");
          link.href = form.getAttribute("data-autosave-results");
          link.textContent = form.getAttribute("data-autosave-results-label");
          status.textContent = form.getAttribute("data-autosave-completed") + " ";
          status.appendChild(link);
        }
      }).catch(function () { /* the next click on Next saves it anyway */ });
    }
    form.addEventListener("change", function (event) {
      if (event.target.type === "email" || event.target.type === "text") { return; }
      save();
    });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "email" && event.target.type !== "text") { return; }
      window.clearTimeout(pending);
      pending = window.setTimeout(save, 800);
    });
  });
})();
