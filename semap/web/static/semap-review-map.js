/* A small map per location change in the coordinator's queue: the record's point now (grey) and where the
   change puts it (red), joined by a line; the base map when one is configured. Data come from the element. */
(function () {
  "use strict";
  if (!window.L) { return; }
  var maps = document.querySelectorAll(".review-map");
  var outlines = {};  // the district's dongs, fetched once for every map: where the points are, without a base map
  function dongs(url) {
    if (!outlines[url]) {
      outlines[url] = fetch(url).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }
    return outlines[url];
  }
  Array.prototype.forEach.call(maps, function (element) {
    var before = JSON.parse(element.getAttribute("data-before") || "null");
    var after = JSON.parse(element.getAttribute("data-after") || "null");
    if (!after) { return; }
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
    var url = element.getAttribute("data-basemap");
    if (url) {
      L.tileLayer(url, { attribution: element.getAttribute("data-attribution") || "", maxZoom: 19 }).addTo(map);
    }
    var points = [];
    var outline = element.getAttribute("data-dongs");
    if (outline) {
      dongs(outline).then(function (data) {
        if (data) {
          L.geoJSON(data, { interactive: false, style: { color: "#1565c0", weight: 1, fill: false } }).addTo(map);
        }
        element.setAttribute("data-ready", "1");
      });
    }
    function mark(lonlat, colour, label) {
      var at = L.latLng(lonlat[1], lonlat[0]);
      points.push(at);
      L.circleMarker(at, { radius: 8, color: colour, fillColor: colour, fillOpacity: 0.8, weight: 2 })
        .bindTooltip(label, { permanent: true, direction: "top", offset: [0, -8] })
        .addTo(map);
    }
    if (before) { mark(before, "#616161", element.getAttribute("data-before-label") || ""); }
    mark(after, "#c62828", element.getAttribute("data-after-label") || "");
    if (points.length === 2) {
      L.polyline(points, { color: "#c62828", weight: 2, dashArray: "4 4" }).addTo(map);
      map.fitBounds(L.latLngBounds(points).pad(0.4), { maxZoom: 17 });
    } else {
      map.setView(points[0], 16);
    }
    if (!outline) { element.setAttribute("data-ready", "1"); }
  });
}());
