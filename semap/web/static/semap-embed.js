/* The embedded map and "embed this map": the embedded map's "open in SeMap" link follows its view; the dialog on the
   map and the district page gives the iframe code of the view shown (language, filters, choropleth, place). */
(function () {
  "use strict";
  var escapeHtml = window.SeMapCommon.escapeHtml;
  function el(id) { return document.getElementById(id); }

  // The view as the map's own URL writes it (semap-map.js writeUrl): lang, filters, choropleth, at.
  function viewQuery(view) {
    var params = new URLSearchParams();
    params.set("lang", view.config.lang);
    Object.keys(view.filters).forEach(function (k) { params.set(k, view.filters[k]); });
    if (view.choropleth) params.set("choropleth", view.choropleth);
    var c = view.map.getCenter();
    params.set("at", [c.lat.toFixed(5), c.lng.toFixed(5), view.map.getZoom()].join(","));
    return params.toString();
  }

  function iframeCode(query, title) {
    var src = window.location.origin + "/embed?" + query;
    return '<iframe src="' + escapeHtml(src) + '" title="' + escapeHtml(title) + '" width="100%" height="500" ' +
      'style="border:0" allowfullscreen allow="geolocation" loading="lazy"></iframe>';
  }

  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { legacyCopy(done); });
    } else {
      legacyCopy(done);
    }
  }
  function legacyCopy(done) {
    var code = el("semap-embed-code");
    code.focus();
    code.select();
    if (document.execCommand("copy")) done();
  }

  // A district's embed written by hand (no "at"): the map opens on that district, not on all of Seoul.
  function showDistrict(view, name) {
    fetch("/api/v1/districts?simplify=0.0003").then(function (r) { return r.json(); }).then(function (data) {
      data.features.forEach(function (f) {
        if (f.properties.name_ko === name) {
          view.map.fitBounds(L.geoJSON(f).getBounds(), { animate: false });
        }
      });
    });
  }

  function bindDialog(view) {
    var button = el("semap-embed-open"), dialog = el("semap-embed-dialog");
    if (!button || !dialog || typeof dialog.showModal !== "function") return;
    var code = el("semap-embed-code"), status = el("semap-embed-copied");
    button.hidden = false;
    button.addEventListener("click", function () {
      var query = button.getAttribute("data-embed-query") || (view ? viewQuery(view) : "");
      code.value = iframeCode(query, dialog.getAttribute("data-frame-title"));
      el("semap-embed-preview").href = "/embed?" + query;
      status.textContent = "";
      dialog.showModal();
      code.focus();
      code.select();
    });
    el("semap-embed-copy").addEventListener("click", function () {
      copy(code.value, function () { status.textContent = status.getAttribute("data-copied"); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var view = window.semapView; // the map's (semap-map.js, loaded first); none on the district page
    var open = el("semap-open");
    if (open && view) {
      // Locked: the layer switcher would let visitors hide what the embedding site chose to show.
      view.map.removeControl(view.control);
      var follow = function () { open.href = "/?" + viewQuery(view); };
      view.map.on("moveend", follow);
      follow();
      var district = el("semap-embed-bar").getAttribute("data-district");
      if (district && !new URLSearchParams(window.location.search).get("at")) showDistrict(view, district);
    }
    bindDialog(view);
  });
})();
