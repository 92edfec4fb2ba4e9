/* "Near me": only when the citizen taps it, the browser's position (never an IP-based guess) → the nearest
   organizations and shared resources with their distances. Refused, timed out, unavailable, unsupported and
   outside Seoul each say so, with a way on: choose a district instead. */
(function () {
  "use strict";
  var escapeHtml = window.SeMapCommon.escapeHtml;
  var NEAREST = 10;
  var SHOWN = { organizations: "name,type,category,district_ko", resources: "name,category,district_ko" };
  var ERRORS = { 1: "near_denied", 2: "near_unavailable", 3: "near_timeout" };

  function el(id) { return document.getElementById(id); }

  function Near(view, button) {
    this.view = view;
    this.t = view.t;
    this.box = el("semap-find");
    this.layer = L.layerGroup().addTo(view.map);
    window.semapNear = { state: "idle" };
    var self = this;
    button.addEventListener("click", function () { self.locate(); });
    this.box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-near]");
      if (button) {
        var r = self.results[Number(button.getAttribute("data-near"))];
        window.SeMapFind.openRecord(self.view, r.layer, r.feature);
      }
      if (event.target.closest("button[data-action=district]")) self.chooseDistrict();
    });
  }

  Near.prototype.show = function (html, state) {
    window.semapFinder && window.semapFinder.close(); // one panel: the search's answer gives way
    this.box.hidden = false;
    this.box.innerHTML = '<div class="semap-find-head"><h2>' + escapeHtml(this.t.near_title) + "</h2></div>" + html;
    window.semapNear = { state: state };
  };

  // A refusal or a failure: the reason, and the way on.
  Near.prototype.fail = function (key) {
    this.show('<p class="error" role="alert">' + escapeHtml(this.t[key]) + '</p><p><button type="button" data-action="district">' +
      escapeHtml(this.t.choose_district) + "</button></p>", key);
  };

  Near.prototype.chooseDistrict = function () {
    var toggle = el("semap-filters-toggle"), select = el("semap-filters").elements.district;
    toggle.open = true;
    select.focus();
  };

  Near.prototype.locate = function () {
    var self = this;
    if (!("geolocation" in navigator)) return this.fail("near_unsupported");
    this.show("<p>" + escapeHtml(this.t.near_locating) + "</p>", "locating");
    navigator.geolocation.getCurrentPosition(function (position) {
      self.found(position.coords);
    }, function (error) {
      self.fail(ERRORS[error.code] || "near_unavailable");
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
  };

  // "What is near me" is not a text search: a search still in the box is dropped; the type and category chosen stay
  // and apply to the nearest as to the map.
  Near.prototype.dropSearch = function () {
    var view = this.view, form = el("semap-filters");
    if (!view.filters.q) return;
    delete view.filters.q;
    form.elements.q.value = "";
    view.writeUrl();
  };

  Near.prototype.found = function (coords) {
    var self = this, view = this.view, lon = coords.longitude, lat = coords.latitude;
    var layers = ["organizations", "resources"];
    this.dropSearch();
    Promise.all(layers.map(function (layer) {
      var params = view.query(layer, { lon: lon.toFixed(6), lat: lat.toFixed(6), limit: NEAREST, properties: SHOWN[layer] });
      return window.SeMapFind.getJson("/api/v1/" + layer + "/near?" + params);
    })).then(function (answers) {
      if (!answers[0].located) return self.fail("near_outside");
      self.results = [];
      answers.forEach(function (answer, i) {
        answer.features.forEach(function (f) { self.results.push({ layer: layers[i], feature: f }); });
      });
      self.results.sort(function (a, b) { return a.feature.properties.distance_m - b.feature.properties.distance_m; });
      self.draw(lat, lon, coords.accuracy);
      self.list(answers[0].located);
    }).catch(function (error) {
      self.show('<p class="error" role="alert">' + escapeHtml(String(error)) + "</p>", "failed");
    });
  };

  Near.prototype.draw = function (lat, lon, accuracy) {
    var map = this.view.map, here = L.latLng(lat, lon);
    this.layer.clearLayers();
    if (accuracy) L.circle(here, { radius: accuracy, color: "#1a73e8", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(this.layer);
    L.circleMarker(here, { radius: 8, color: "#fff", weight: 3, fillColor: "#1a73e8", fillOpacity: 1 })
      .bindTooltip(escapeHtml(this.t.you_are_here)).addTo(this.layer);
    // The position and the five nearest: close enough to walk, wide enough to see them.
    var bounds = L.latLngBounds([here]);
    this.results.slice(0, 5).forEach(function (r) {
      var c = r.feature.geometry.coordinates;
      bounds.extend([c[1], c[0]]);
    });
    map.fitBounds(bounds.pad(0.15), { animate: false, maxZoom: 17 });
  };

  Near.prototype.list = function (located) {
    var view = this.view, t = this.t, names = view.config.districtNames || {};
    var where = names[located.name_ko] || located.name_ko;
    var items = this.results.map(function (r, i) {
      var p = r.feature.properties;
      var meta = [window.SeMapFind.distanceText(p.distance_m), view.value(p.type || p.category),
                  names[p.district_ko] || p.district_ko].filter(Boolean).join(" · ");
      return '<li><button type="button" data-near="' + i + '">' + escapeHtml(p.name) + '</button><span class="meta">' +
        escapeHtml(meta) + "</span></li>";
    });
    this.show('<p class="small">' + escapeHtml(window.SeMapFind.fmt(t.near_in, { district: where })) + "</p>" +
      '<ul class="semap-find-list semap-near">' + items.join("") + "</ul>", "done");
    window.semapNear.results = this.results.length;
    window.semapNear.first = this.results.length ? this.results[0].feature.properties.distance_m : null;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var view = window.semapView, button = el("semap-near-me");
    if (view && button && el("semap-find")) window.semapNearMe = new Near(view, button);
  });
})();
