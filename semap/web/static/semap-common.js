/* Shared by every SeMap page: the one HTML-escaping helper, and the page's data (JSON, never inline script). */
(function () {
  "use strict";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }
  function pageData() {
    var node = document.getElementById("semap-data");
    return node ? JSON.parse(node.textContent) : {};
  }
  window.SeMapCommon = { escapeHtml: escapeHtml, pageData: pageData };
})();
