/* District and organization pages: draw the layers named in the page data on the page's map. */
(function () {
  "use strict";
  var escapeHtml = window.SeMapCommon.escapeHtml;

  function draw(map, spec, style) {
    return fetch(spec.url).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, spec.polygon ? { style: { color: "#1d3557", weight: 2, fillOpacity: 0.05 } } : {
        pointToLayer: function (f, latlng) {
          if (!spec.area && spec.layer && style) return style.marker(spec.layer, latlng, f.properties, false, false);
          if (!spec.area) {
            return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1, fillOpacity: 0.9, fillColor: spec.color });
          }
          // An approximate location: a dashed ring, and the area the place lies in (as on the main map), all shown.
          var area = L.circle(latlng, { radius: spec.area, color: "#444", weight: 1, dashArray: "4 4", fillOpacity: 0.06, interactive: false }).addTo(map);
          map.fitBounds(area.getBounds(), { animate: false });
          return L.circleMarker(latlng, {
            radius: 8, color: spec.color, weight: 2, dashArray: "4 3", fillOpacity: 0.3, fillColor: spec.color,
            className: "semap-approx",
          });
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
    // The district page draws its records as the main map does (semap-style.js), when it is given the palette.
    var style = data.palette && window.SeMapStyle ? window.SeMapStyle.create(data.palette) : null;
    (data.layers || []).forEach(function (spec) { draw(map, spec, style); });
  });
})();
