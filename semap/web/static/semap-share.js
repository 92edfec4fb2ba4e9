/* The organization page's "share": the phone's share sheet (Web Share API) where there is one, else the link is
   copied; where copying is not allowed either, the link is shown selected, to copy by hand. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("semap-share"), status = document.getElementById("semap-share-status");
    if (!button) return;
    var url = new URL(button.getAttribute("data-url"), window.location.href).href, title = button.getAttribute("data-title");
    function showLink() {
      status.textContent = button.getAttribute("data-copy") + ": ";
      var field = document.createElement("input");
      field.type = "url"; field.readOnly = true; field.value = url; field.size = Math.min(60, url.length);
      status.appendChild(field);
      field.select();
      window.semapShared = "shown";
    }
    button.addEventListener("click", function () {
      if (navigator.share) {
        navigator.share({ title: title, url: url }).then(function () { window.semapShared = "shared"; })
          .catch(function (e) { if (e && e.name !== "AbortError") showLink(); });
        return;
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () {
          status.textContent = button.getAttribute("data-copied");
          window.semapShared = "copied";
        }, showLink);
        return;
      }
      showLink();
    });
  });
})();
