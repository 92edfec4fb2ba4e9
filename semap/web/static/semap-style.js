/* SeMap map style: how markers look. Organizations are circles and shared resources diamonds, each in its legend
   colour (semap/maps/palette.py); all markers share one cluster layer whose groups are a neutral grey with the
   number in white, so a group never looks like a type. Loaded before semap-map.js. */
(function () {
  "use strict";

  // A diamond (a square on its corner) drawn like Leaflet's circle marker, on canvas or SVG: the same hit area,
  // popups and clustering. Half-diagonal 1.25 × radius gives about the area of the circle of that radius.
  var DIAMOND = 1.25;
  L.Canvas.include({
    _updateSemapDiamond: function (layer) {
      if (!this._drawing || layer._empty()) return;
      var p = layer._point, ctx = this._ctx, r = Math.max(Math.round(layer._radius * DIAMOND), 1);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y - r);
      ctx.lineTo(p.x + r, p.y);
      ctx.lineTo(p.x, p.y + r);
      ctx.lineTo(p.x - r, p.y);
      ctx.closePath();
      this._fillStroke(ctx, layer);
    },
  });
  L.SVG.include({
    _updateSemapDiamond: function (layer) {
      var p = layer._point, r = Math.max(Math.round(layer._radius * DIAMOND), 1);
      this._setPath(layer, layer._empty() ? "M0 0" :
        "M" + p.x + "," + (p.y - r) + "L" + (p.x + r) + "," + p.y + "L" + p.x + "," + (p.y + r) + "L" + (p.x - r) + "," + p.y + "z");
    },
  });
  var DiamondMarker = L.CircleMarker.extend({
    _updatePath: function () { this._renderer._updateSemapDiamond(this); },
  });

  // One type's (or category's) markers inside the shared cluster layer: the layer control shows and hides it, and
  // batches go in and out at once (MarkerCluster's addLayers/removeLayers), never marker by marker.
  var SubGroup = L.Layer.extend({
    initialize: function (parent) { this._parent = parent; this._markers = []; },
    onAdd: function () { this._parent.addLayers(this._markers); },
    onRemove: function () { this._parent.removeLayers(this._markers); },
    addLayers: function (markers) {
      this._markers = this._markers.concat(markers);
      if (this._map) this._parent.addLayers(markers);
      return this;
    },
    // Forgets its markers; the caller empties the shared cluster layer once (far faster than removing each).
    clearLayers: function () { this._markers = []; return this; },
    getLayers: function () { return this._markers.slice(); },
  });

  // Groups: neutral, sized by the number's digits so it always fits.
  function clusterIcon(cluster) {
    var n = cluster.getChildCount(), digits = String(n).length, size = 22 + 7 * Math.min(digits, 4);
    return L.divIcon({
      html: "<span>" + n + "</span>", className: "marker-cluster semap-cluster", iconSize: L.point(size, size),
    });
  }

  function Style(palette) {
    this.palette = palette;
    var root = document.documentElement.style;
    root.setProperty("--semap-cluster", palette.cluster);
    root.setProperty("--semap-cluster-text", palette.clusterText);
    root.setProperty("--semap-outline", palette.outline);
  }

  // The shared cluster layer. An 80 px radius keeps the groups of the city-wide view (zoom 11) apart with their
  // numbers legible; closer in, a smaller one lets most records show as themselves, in their colour and shape. From
  // zoom 17 on nothing is grouped: records sharing a building are spread a few metres apart (semap-map.js).
  function clusterRadius(zoom) { return zoom <= 11 ? 80 : zoom === 12 ? 60 : zoom === 13 ? 45 : zoom === 14 ? 35 : 25; }
  Style.prototype.clusterGroup = function () {
    return L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: clusterRadius, iconCreateFunction: clusterIcon,
      disableClusteringAtZoom: 17,
    });
  };

  Style.prototype.subGroup = function (parent) { return new SubGroup(parent); };

  Style.prototype.color = function (layer, p) {
    var colors = layer === "resources" ? this.palette.resources : this.palette.types;
    return colors[layer === "resources" ? p.category : p.type] || this.palette.unknown;
  };

  // A legend or layer-control swatch: a circle for an organization type, a diamond for a resource category.
  Style.prototype.swatch = function (layer, color) {
    var shape = layer === "resources" ? "diamond" : "circle";
    return '<span class="swatch shape-' + shape + '" style="background:' + color + '"></span>';
  };

  // A record's marker. Approximate location: a larger dashed outline in its colour, lightly filled (it is not the
  // door). Faded: not confirmed for long before the data date (only when that tells some records from others).
  Style.prototype.marker = function (layer, latlng, p, approximate, faded) {
    var color = this.color(layer, p), Marker = layer === "resources" ? DiamondMarker : L.CircleMarker;
    return new Marker(latlng, {
      radius: (layer === "resources" ? 6 : 7) + (approximate ? 2 : 0),
      color: approximate ? color : this.palette.outline,
      weight: approximate ? 2 : 1,
      opacity: faded ? 0.5 : 1,
      dashArray: approximate ? "4 3" : null,
      fillColor: color,
      fillOpacity: (approximate ? 0.3 : 0.9) * (faded ? 0.35 : 1),
      className: [faded ? "semap-stale" : "", approximate ? "semap-approx" : ""].join(" ").trim(),
    });
  };

  window.SeMapStyle = { create: function (palette) { return new Style(palette); }, DiamondMarker: DiamondMarker };
})();
