/* District and organization pages: draw the layers named in the page data on the page's map. */
(function () {
  "use strict";
  var escapeHtml = window.SeMapCommon.escapeHtml;

  function draw(map, spec) {
    return fetch(spec.url).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, spec.polygon ? { style: { color: "#1d3557", weight: 2, fillOpacity: 0.05 } } : {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1, fillOpacity: 0.9, fillColor: spec.color });
        },
        // Leaflet sets tooltip content as HTML: registry text is escaped first.
        onEachFeature: function (f, l) { l.bindTooltip(escapeHtml(f.properties.name)); }
      }).addTo(map);
      if (spec.fit && layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      window.semapDetailLoaded = (window.semapDetailLoaded || 0) + 1;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = window.SeMapCommon.pageData();
    var map = window[data.map];
    if (!isFinite(map.getMaxZoom())) map.setMaxZoom(19);
    if (data.center) map.setView(data.center, data.zoom || map.getZoom());
    (data.layers || []).forEach(function (spec) { draw(map, spec); });
  });
})();
