/* Inside a frame on an allowed site only (EMBED_ALLOWED_ORIGINS): tells the host page this page's
   height, so that its script (static/embed/cx-embed.js) can size the frame without a scroll bar.
   Posted to the allowed origins only: no other site learns anything. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var script = document.currentScript;
  var origins = (script && script.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  var last = 0;
  function report(top) {
    var height = document.documentElement.scrollHeight;
    if (height === last && !top) return;
    last = height;
    origins.forEach(function (origin) {
      window.parent.postMessage({ type: "cx-embed:height", height: height, top: !!top }, origin);
    });
  }
  // A new page in the frame starts at its top: the host scrolls the frame into view.
  window.addEventListener("load", function () { report(true); });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { report(false); }).observe(document.documentElement);
  } else {
    window.addEventListener("resize", function () { report(false); });
  }
})();
