/* The district page's resources table: its search form, column titles and page links are plain GET forms and links
   served by the server (they work without scripts). With scripts, the answer replaces the table's section alone, so
   the map and charts above stay as they are, and the address bar keeps the link to what is shown. */
(function () {
  "use strict";
  var SECTION = "resources-section";

  function swap(url, push) {
    var section = document.getElementById(SECTION);
    section.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { Accept: "text/html" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(SECTION);
      if (!fresh) throw new Error("no table in the answer");
      section.innerHTML = fresh.innerHTML;
      section.removeAttribute("aria-busy");
      if (push) window.history.pushState(null, "", url);
    }).catch(function () { window.location.href = url; }); // the plain way, whatever went wrong
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(["#" + SECTION + " .pager a", "#" + SECTION + " thead a", "#" + SECTION + " form a"].join(", "));
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    swap(link.href, true).then(function () { document.getElementById("resources").scrollIntoView(); });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("#" + SECTION + " form.table-search");
    if (!form) return;
    event.preventDefault();
    var url = new URL(form.action);
    url.search = new URLSearchParams(new FormData(form)).toString();
    swap(url.href, true).then(function () {
      var box = document.getElementById("resources-q");
      if (box) box.focus(); // typing on: the keyboard stays in the search box
    });
  });
  window.addEventListener("popstate", function () { swap(window.location.href, false); });
})();
