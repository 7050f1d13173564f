/* CX maturity test: the host page's part of embedding (docs/embed.md).
   Resizes every <iframe data-cx-embed> to the height its page reports. A message counts only
   when it comes from that very frame and from the frame's own origin. No dependencies. */
(function () {
  "use strict";
  function originOf(frame) {
    try { return new URL(frame.src, document.baseURI).origin; } catch (e) { return null; }
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "cx-embed:height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-cx-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && originOf(frame) === event.origin) {
        var height = Math.max(200, Math.min(Math.ceil(data.height), 20000));
        frame.style.height = height + "px";
        // A later page in the frame starts at its top, so the host shows the frame's top too;
        // the first page does not move the host page.
        if (data.top && frame.getAttribute("data-cx-loaded")) frame.scrollIntoView({ block: "start" });
        if (data.top) frame.setAttribute("data-cx-loaded", "1");
      }
    }
  });
})();
