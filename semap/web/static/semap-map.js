/* SeMap citizen map: loads organizations and shared resources from the API for the current view and filters,
   keeps the state in the URL, and mirrors the map in an accessible list. No per-marker server objects. */
(function () {
  "use strict";
  var MARKER_LIMIT = 2000; // above this many features in view, the map shows server-side clusters
  var PAGE = 1000;
  var FILTERS = ["q", "type", "industry", "category", "district"];
  // What markers, popups and the list show: the rest (descriptions, provenance, placement QA) stays on the server.
  var DRAWN = {
    organizations: "name,type,subtype,designations,industry,category,status,address_raw,address_normalized," +
      "district_ko,website,opening_hours,verified_at,match_type,precision_m",
    resources: "name,category,owner_name,fee,eligibility,availability,booking_url,status,address_raw," +
      "address_normalized,district_ko,verified_at,match_type,precision_m",
  };

  function el(id) { return document.getElementById(id); }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  var escapeHtml = window.SeMapCommon.escapeHtml;
  // A radius as a person says it, as semap/maps/precision.py words it: to 100 m under a kilometre, else to 0.1 km.
  function distanceText(metres) {
    var hundreds = Math.round(metres / 100);
    return hundreds < 10 ? Math.max(1, hundreds) * 100 + " m" : (hundreds / 10).toFixed(1) + " km";
  }

  function pointKey(f) {
    return f && f.geometry ? f.geometry.coordinates[0].toFixed(7) + "," + f.geometry.coordinates[1].toFixed(7) : "";
  }
  function stacksOf(features) {
    var stacks = {};
    features.forEach(function (f) { if (f.geometry) (stacks[pointKey(f)] = stacks[pointKey(f)] || []).push(f); });
    Object.keys(stacks).forEach(function (k) {
      stacks[k].sort(function (a, b) { return a.properties.id < b.properties.id ? -1 : 1; });
    });
    return stacks;
  }
  // The i-th record of a shared point sits on a small golden-angle spiral around it (a few metres):
  // deterministic, so the same data always draw the same way, and no marker hides another.
  function spread(f, stacks) {
    var c = f.geometry.coordinates, stack = (stacks || {})[pointKey(f)];
    if (!stack || stack.length < 2) return c;
    var i = stack.indexOf(f), r = 0.00003 * Math.sqrt(i + 1), a = i * 2.399963;
    return [c[0] + r * Math.cos(a) / Math.cos(c[1] * Math.PI / 180), c[1] + r * Math.sin(a)];
  }

  function SeMapView(map, config) {
    // Clustering needs a maximum zoom; without a base map no tile layer sets one.
    if (!isFinite(map.getMaxZoom())) map.setMaxZoom(19);
    this.map = map;
    this.config = config;
    this.t = config.text;
    this.request = 0;
    this.markersById = {};
    this.state = { mode: "loading", matched: {}, shown: 0, listed: 0, errors: [], prefetched: 0 };
    window.semapState = this.state;
    this.groups = { organizations: {}, resources: {} };
    this.style = window.SeMapStyle.create(config.palette);
    this.clusterLayer = L.layerGroup().addTo(map);
    this.areaLayer = L.layerGroup().addTo(map); // the area an approximate record lies in, while its popup is open
    this.control = L.control.layers(null, null, { collapsed: true }).addTo(map);
    this.fitBelowHeader();
    this.readUrl();
    this.buildGroups();
    this.addBoundaries();
    this.bindForm();
    var self = this;
    el("semap-results").addEventListener("click", function (event) { // one handler for every list item
      var button = event.target.closest("button[data-id]");
      if (button) { self.lastFocused = button.getAttribute("data-id"); self.focus(self.lastFocused); }
    });
    // Esc closes the open popup and gives the keyboard back to the list item that opened it.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      self.map.closePopup();
      var back = self.lastFocused && el("semap-results").querySelector('button[data-id="' + CSS.escape(self.lastFocused) + '"]');
      if (back) back.focus();
    });
    map.on("popupopen", function (event) { self.showArea(event.popup.options.semapId); });
    map.on("popupclose", function () { self.areaLayer.clearLayers(); });
    map.on("moveend", function () {
      self.writeUrl();
      // Zooming to a list item must not rebuild the list under the keyboard user's focus.
      if (self.keepList) { self.keepList = false; return; }
      self.load();
    });
    // A zoom animates for a quarter of a second before its moveend, and the view it ends on is known when it
    // starts: that view's data are asked for then, so they are usually there when the animation ends.
    map.on("zoomanim", function (event) {
      var px = map.getPixelBounds(event.center, event.zoom); // as getBounds() will read once the zoom is over
      self.prefetch(self.bbox(L.latLngBounds(map.unproject(px.getBottomLeft(), event.zoom),
                                             map.unproject(px.getTopRight(), event.zoom))));
    });
    this.load();
  }

  // The map and the list start where the header ends, whatever its height (filters open or folded, a phone).
  // On a small screen filters and legend start folded, leaving the map most of the screen.
  SeMapView.prototype.fitBelowHeader = function () {
    var map = this.map, header = el("semap-header");
    if (window.matchMedia("(max-width: 700px)").matches) {
      document.querySelectorAll("details.semap-toggle").forEach(function (d) { d.open = false; });
    }
    function fit() {
      document.documentElement.style.setProperty("--header-h", (header ? header.offsetHeight : 0) + "px");
      map.invalidateSize();
    }
    if (header) new ResizeObserver(fit).observe(header); // the embedded map has none
    fit();
  };

  SeMapView.prototype.value = function (v) { return (this.config.values[v] || v || ""); };

  SeMapView.prototype.readUrl = function () {
    var params = new URLSearchParams(window.location.search);
    this.filters = {};
    FILTERS.forEach(function (name) { if (params.get(name)) this.filters[name] = params.get(name); }, this);
    this.choropleth = params.get("choropleth") || "";
    this.show = params.get("show"); // a record to open once it is on the map (the district page's table links)
    var at = (params.get("at") || "").split(",").map(Number);
    // Not animated: a shared link opens on its view, loaded once (an animated jump ends in a second load).
    this.openedAt = at.length === 3 && at.every(isFinite);
    if (this.openedAt) this.map.setView([at[0], at[1]], at[2], { animate: false });
  };

  SeMapView.prototype.writeUrl = function () {
    var params = new URLSearchParams();
    params.set("lang", this.config.lang);
    Object.keys(this.filters).forEach(function (k) { params.set(k, this.filters[k]); }, this);
    if (this.choropleth) params.set("choropleth", this.choropleth);
    var c = this.map.getCenter();
    params.set("at", [c.lat.toFixed(5), c.lng.toFixed(5), this.map.getZoom()].join(","));
    window.history.replaceState(null, "", "?" + params.toString());
  };

  // Every type and category is one entry of the layer control (its swatch: colour and shape), and all of them
  // share one cluster layer, so groups of different types never pile up on one another.
  SeMapView.prototype.buildGroups = function () {
    var self = this, palette = this.config.palette;
    this.clusters = this.style.clusterGroup().addTo(this.map);
    function group(layer, key, label) {
      var g = self.style.subGroup(self.clusters).addTo(self.map);
      self.groups[layer][key] = g;
      self.control.addOverlay(g, self.style.swatch(layer, self.style.color(layer, layer === "resources" ? { category: key } : { type: key })) + escapeHtml(label));
    }
    this.config.types.forEach(function (t) { // in the legend's order (the palette's keys arrive sorted)
      group("organizations", t, self.t.organizations + ": " + self.value(t));
    });
    this.config.resourceCategories.forEach(function (c) {
      group("resources", c, self.t.resources + ": " + self.value(c));
    });
  };

  SeMapView.prototype.addBoundaries = function () {
    var self = this;
    fetch("/api/v1/districts?simplify=0.0003").then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        style: { color: "#555", weight: 1, fill: false, interactive: false },
      }).addTo(self.map);
      self.boundaries = layer;
      self.control.addOverlay(layer, escapeHtml(self.t.boundaries));
      // A link naming a district (/?district=강서구) opens on it, as choosing it in the menu does.
      if (self.filters.district && !self.openedAt) self.zoomToDistrict(self.filters.district);
    }).catch(function (e) { self.state.errors.push(String(e)); });
    this.choroplethLayer = L.layerGroup().addTo(this.map);
    if (this.choropleth) this.drawChoropleth();
  };

  SeMapView.prototype.bindForm = function () {
    var self = this, form = el("semap-filters");
    if (!form) return; // the embedded map: its filters are the URL's, locked
    FILTERS.forEach(function (name) {
      var input = form.elements[name];
      if (input && self.filters[name]) input.value = self.filters[name];
    });
    form.elements.choropleth.value = this.choropleth;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.filters = {};
      FILTERS.forEach(function (name) {
        var v = (form.elements[name].value || "").trim();
        if (v) self.filters[name] = v;
      });
      self.writeUrl();
      self.load();
    });
    FILTERS.slice(1).forEach(function (name) {
      form.elements[name].addEventListener("change", function () { form.requestSubmit(); });
    });
    // Choosing a district shows it: the map zooms to its boundary (and then loads what is there).
    form.elements.district.addEventListener("change", function () { self.zoomToDistrict(form.elements.district.value); });
    form.elements.choropleth.addEventListener("change", function () {
      self.choropleth = form.elements.choropleth.value;
      self.writeUrl();
      self.drawChoropleth();
    });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { form.requestSubmit(); }, 0);
    });
  };

  SeMapView.prototype.zoomToDistrict = function (name) {
    var self = this;
    if (!name || !this.boundaries) return;
    this.boundaries.eachLayer(function (l) {
      if (l.feature.properties.name_ko === name) self.map.fitBounds(l.getBounds(), { animate: false });
    });
  };

  SeMapView.prototype.query = function (layer, extra) {
    var params = new URLSearchParams();
    var allowed = layer === "resources" ? ["q", "district"] : FILTERS;
    Object.keys(this.filters).forEach(function (k) {
      if (allowed.indexOf(k) >= 0) params.set(k, this.filters[k]);
    }, this);
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    return params;
  };

  SeMapView.prototype.bbox = function (bounds) {
    var b = bounds || this.map.getBounds();
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
            clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map(function (v) { return v.toFixed(6); }).join(",");
  };

  SeMapView.prototype.fetchLayer = function (layer, bbox) {
    var self = this;
    function page(offset) {
      var url = "/api/v1/" + layer + "?" + self.query(layer, { bbox: bbox, limit: PAGE, offset: offset, properties: DRAWN[layer] });
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error(layer + ": HTTP " + r.status);
        return r.json();
      });
    }
    return page(0).then(function (first) {
      if (first.numberMatched > MARKER_LIMIT) return { matched: first.numberMatched, features: null };
      var rest = [];
      for (var offset = PAGE; offset < first.numberMatched; offset += PAGE) rest.push(page(offset)); // in parallel
      return Promise.all(rest).then(function (pages) {
        var features = pages.reduce(function (all, p) { return all.concat(p.features); }, first.features);
        return { matched: first.numberMatched, features: features };
      });
    });
  };

  SeMapView.prototype.fetchBoth = function (bbox) {
    return Promise.all([this.fetchLayer("organizations", bbox), this.fetchLayer("resources", bbox)]);
  };

  SeMapView.prototype.viewKey = function (bbox) { return bbox + "|" + this.query("organizations").toString(); };

  SeMapView.prototype.prefetch = function (bbox) {
    var promise = this.fetchBoth(bbox);
    promise.catch(function () {}); // a failure is reported by the load that uses it; unused, it is dropped
    this.ahead = { key: this.viewKey(bbox), promise: promise };
  };

  // Both layers of one view: the answer asked for ahead when it is for this very view and these filters.
  SeMapView.prototype.fetchView = function (bbox) {
    // The first view: from the answer semap-early.js asked for in the page's head, when it holds this view exactly.
    var self = this, early = window.SeMapEarly && window.SeMapEarly.take(bbox, this.query("organizations").toString(), DRAWN);
    if (early) return early.then(function (both) { return both || self.fetchBoth(bbox); });
    var ahead = this.ahead;
    this.ahead = null;
    if (ahead && ahead.key === this.viewKey(bbox)) {
      this.state.prefetched += 1;
      return ahead.promise;
    }
    return this.fetchBoth(bbox);
  };

  SeMapView.prototype.load = function () {
    var self = this, ticket = ++this.request, bbox = this.bbox();
    this.state.mode = "loading";
    el("semap-count").textContent = this.t.loading;
    this.updateDownloads(bbox);
    this.fetchView(bbox).then(function (results) {
      if (ticket !== self.request) return; // a newer view replaced this one
      self.clear();
      var orgs = results[0], resources = results[1];
      self.state.matched = { organizations: orgs.matched, resources: resources.matched };
      if (orgs.features === null || resources.features === null) return self.loadClusters(bbox, orgs, resources);
      self.stacks = stacksOf(orgs.features.concat(resources.features));
      self.state.stacked = Object.keys(self.stacks).filter(function (k) { return self.stacks[k].length > 1; }).length;
      self.draw("organizations", orgs.features);
      self.draw("resources", resources.features);
      self.state.mode = "markers";
      self.renderList(orgs.features.concat(resources.features));
      self.announce();
      if (self.show && self.markersById[self.show]) self.focus(self.show);
      self.show = null;
      self.state.readyMs = performance.now(); // for the benchmark: navigation start to data on the map
      document.dispatchEvent(new CustomEvent("semap:loaded", { detail: self })); // semap-search.js opens a record
    }).catch(function (error) {
      self.state.errors.push(String(error));
      el("semap-count").textContent = String(error);
    });
  };

  SeMapView.prototype.clear = function () {
    this.clusters.clearLayers();
    ["organizations", "resources"].forEach(function (layer) {
      Object.keys(this.groups[layer]).forEach(function (k) { this.groups[layer][k].clearLayers(); }, this);
    }, this);
    this.clusterLayer.clearLayers();
    this.markersById = {};
  };

  SeMapView.prototype.color = function (layer, p) { return this.style.color(layer, p); };

  // The words for where an approximate record's point is (a legal-dong centre…), or null for one at its building.
  SeMapView.prototype.approximate = function (p) { return this.config.approximate[p.match_type] || null; };

  SeMapView.prototype.precisionNote = function (p) {
    var where = this.approximate(p);
    if (!where) return "";
    return fmt(this.t.approximate, { where: where, distance: p.precision_m ? distanceText(p.precision_m) : "?" });
  };

  SeMapView.prototype.showArea = function (id) {
    this.areaLayer.clearLayers();
    var entry = this.markersById[id], f = entry && entry.marker.feature, p = f && f.properties;
    this.state.area = 0;
    if (!p || !this.approximate(p) || !p.precision_m) return;
    var c = f.geometry.coordinates;
    L.circle([c[1], c[0]], {
      radius: p.precision_m, color: "#444", weight: 1, dashArray: "4 4", fillOpacity: 0.06, interactive: false,
    }).addTo(this.areaLayer);
    this.state.area = p.precision_m;
  };

  // Not confirmed in the set number of months before the data date (the page says which day, or none when fading
  // would mark every record or none).
  SeMapView.prototype.stale = function (p) {
    var before = this.config.fading && this.config.fading.before;
    return !!before && (!p.verified_at || String(p.verified_at).slice(0, 10) < before);
  };

  SeMapView.prototype.draw = function (layer, features) {
    var self = this, shown = 0, batches = {};
    features.forEach(function (f) {
      if (!f.geometry) return;
      var p = f.properties, key = layer === "resources" ? p.category : p.type;
      var group = self.groups[layer][key];
      if (!group) return;
      var c = spread(f, self.stacks);
      // A circle or a diamond in the type's colour; approximate ones dashed, long-unconfirmed ones faded.
      var marker = self.style.marker(layer, [c[1], c[0]], p, !!self.approximate(p), self.stale(p));
      marker.bindPopup(function () { return self.popup(layer, p); }, self.popupOptions(p.id));
      marker.feature = f;
      (batches[key] = batches[key] || []).push(marker);
      self.markersById[p.id] = { marker: marker, group: group };
      shown += 1;
    });
    // addLayers clusters a whole batch at once, far faster than adding markers one by one.
    Object.keys(batches).forEach(function (key) { self.groups[layer][key].addLayers(batches[key]); });
    this.state.shown = (layer === "organizations" ? 0 : this.state.shown) + shown;
  };

  SeMapView.prototype.popup = function (layer, p) {
    var t = this.t, self = this, rows = [];
    function row(label, value) { if (value) rows.push("<dt>" + escapeHtml(label) + "</dt><dd>" + value + "</dd>"); }
    if (layer === "organizations") {
      row(t.type, escapeHtml(this.value(p.type) + (p.subtype && p.subtype !== p.type ? " (" + this.value(p.subtype) + ")" : "")));
      row(t.designations, escapeHtml((p.designations || []).map(function (d) {
        return self.value(d.type) + (d.subtype ? "/" + self.value(d.subtype) : "");
      }).join(", ")));
      row(t.industry, escapeHtml(this.value(p.industry)));
      row(t.category, escapeHtml(this.value(p.category)));
    } else {
      row(t.category, escapeHtml(this.value(p.category)));
      row(t.owner, escapeHtml(p.owner_name));
      row(t.fee, escapeHtml(p.fee));
      row(t.eligibility, escapeHtml(p.eligibility));
      row(t.availability, escapeHtml(p.availability));
      if (p.booking_url && /^https?:\/\//.test(p.booking_url)) {
        row(t.booking, '<a href="' + escapeHtml(p.booking_url) + '" rel="noopener" target="_blank">' + escapeHtml(t.booking) + "</a>");
      }
    }
    row(t.opening_hours, escapeHtml(p.opening_hours));
    // The address as SeMap read it; the registry's own wording one click away.
    var address = escapeHtml(p.address_normalized || p.address_raw);
    if (p.address_raw && p.address_raw !== p.address_normalized) {
      address += "<details><summary>" + escapeHtml(t.as_written) + "</summary>" + escapeHtml(p.address_raw) + "</details>";
    }
    row(t.address, address);
    row(t.precision, escapeHtml(this.precisionNote(p)));
    if (p.website && /^https?:\/\//.test(p.website)) {
      row(t.website, '<a href="' + escapeHtml(p.website) + '" rel="noopener" target="_blank">' + escapeHtml(p.website) + "</a>");
    }
    if (p.status) row(t.status, escapeHtml(this.value(p.status)));
    row(t.verified, escapeHtml(p.verified_at) + (this.stale(p) ? " (" + escapeHtml(this.config.fading.note) + ")" : ""));
    var links = [];
    if (layer === "organizations") {
      links.push('<a href="/organizations/' + encodeURIComponent(p.id) + "?lang=" + this.config.lang + '">' + escapeHtml(t.details) + "</a>");
    }
    var entry = this.markersById[p.id], at = entry && entry.marker.feature.geometry;
    var place = p.address_normalized || p.address_raw;
    if (at && this.approximate(p) && place) { // a dong centre is no destination: the maps search the address
      links.push('<a href="https://map.kakao.com/link/search/' + encodeURIComponent(place) + '" target="_blank" rel="noopener">' + escapeHtml(t.kakao_search) + "</a>");
      links.push('<a href="https://map.naver.com/p/search/' + encodeURIComponent(place) + '" target="_blank" rel="noopener">' + escapeHtml(t.naver_search) + "</a>");
    } else if (at) { // directions by coordinates: no address lookup on the other side
      var lon = at.coordinates[0], lat = at.coordinates[1], name = encodeURIComponent(p.name);
      links.push('<a href="https://map.kakao.com/link/to/' + name + "," + lat + "," + lon + '" target="_blank" rel="noopener">' + escapeHtml(t.kakao) + "</a>");
      links.push('<a href="https://map.naver.com/index.nhn?menu=route&elng=' + lon + "&elat=" + lat + "&etext=" + name + '" target="_blank" rel="noopener">' + escapeHtml(t.naver) + "</a>");
    }
    var link = '<p class="semap-links">' + links.join(" · ") + "</p>" +
      '<p class="semap-links"><a href="/report/' + layer + "/" + encodeURIComponent(p.id) + "?lang=" + this.config.lang +
      '">' + escapeHtml(t.report) + "</a></p>";
    var stack = (this.stacks || {})[pointKey(p.id && this.markersById[p.id] ? this.markersById[p.id].marker.feature : null)];
    var here = "";
    if (stack && stack.length > 1) {
      // Records sharing one point (an incubator, a district fallback) are spread a little and listed here.
      here = '<p class="semap-stack">' + escapeHtml(fmt(t.here, { n: stack.length })) + "</p><ul class=\"semap-stack\">" +
        stack.map(function (f) { return "<li>" + escapeHtml(f.properties.name) + "</li>"; }).join("") + "</ul>";
    }
    // The actions (details, directions, report) first: on a phone they are seen without scrolling the popup.
    return '<div class="semap-popup"><h3>' + escapeHtml(p.name) + "</h3>" + link + "<dl>" + rows.join("") + "</dl>" + here + "</div>";
  };

  SeMapView.prototype.loadClusters = function (bbox, orgs, resources) {
    var self = this, zoom = this.map.getZoom();
    var requests = ["organizations", "resources"].map(function (layer) {
      var url = "/api/v1/" + layer + "/clusters?" + self.query(layer, { bbox: bbox, zoom: zoom });
      return fetch(url).then(function (r) { return r.json(); });
    });
    Promise.all(requests).then(function (bodies) {
      var cells = 0;
      bodies.forEach(function (body, i) {
        body.features.forEach(function (f) {
          var n = f.properties.count, c = f.geometry.coordinates;
          var size = 18 + Math.min(30, Math.round(Math.log(n + 1) * 5));
          L.marker([c[1], c[0]], {
            icon: L.divIcon({
              className: "semap-cell " + (i === 0 ? "org" : "res"),
              html: "<span>" + n + "</span>", iconSize: [size, size],
            }),
            keyboard: false,
          }).on("click", function () { self.map.setView([c[1], c[0]], Math.min(zoom + 2, 19)); })
            .addTo(self.clusterLayer);
          cells += 1;
        });
      });
      self.state.mode = "clusters";
      self.state.shown = cells;
      self.renderList(null);
      self.announce();
      self.state.readyMs = performance.now();
      document.dispatchEvent(new CustomEvent("semap:loaded", { detail: self }));
    });
  };

  SeMapView.prototype.renderList = function (features) {
    var list = el("semap-results"), self = this;
    // A rebuilt list must not drop the keyboard user's place: focus returns to the same record's button.
    var active = document.activeElement;
    var activeId = active && list.contains(active) ? active.getAttribute("data-id") : null;
    list.innerHTML = "";
    if (features === null) {
      var total = (this.state.matched.organizations || 0) + (this.state.matched.resources || 0);
      list.innerHTML = "<li>" + escapeHtml(fmt(this.t.zoom_in, { n: total })) + "</li>";
      this.state.listed = 0;
      return;
    }
    if (!features.length) {
      list.innerHTML = '<li class="semap-empty">' + escapeHtml(this.t.nothing_found) + "</li>";
      this.state.listed = 0;
      return;
    }
    list.innerHTML = features.map(function (f) {
      var p = f.properties;
      var district = (self.config.districtNames || {})[p.district_ko] || p.district_ko;
      var meta = [self.value(p.type || p.category), district, self.approximate(p) ? self.t.approx_short : ""]
        .filter(Boolean).join(" · ");
      return '<li><button type="button" data-id="' + escapeHtml(p.id) + '">' + escapeHtml(p.name) +
        '</button><span class="meta">' + escapeHtml(meta) + "</span></li>";
    }).join("");
    this.state.listed = features.length;
    var again = activeId && list.querySelector('button[data-id="' + CSS.escape(activeId) + '"]');
    if (again) again.focus();
  };

  SeMapView.prototype.focus = function (id) {
    var entry = this.markersById[id];
    if (!entry) return;
    var latlng = entry.marker.getLatLng(), f = entry.marker.feature;
    var layer = this.groups.organizations[f.properties.type] === entry.group ? "organizations" : "resources";
    this.keepList = true;
    // A building-precise record is shown close up; an approximate one with the whole area it may be in.
    var p = f.properties, zoom = Math.max(this.map.getZoom(), 17);
    if (this.approximate(p) && p.precision_m) zoom = Math.min(17, this.map.getBoundsZoom(latlng.toBounds(p.precision_m * 2)));
    this.map.setView(latlng, zoom, { animate: false });
    // A standalone popup: clustered circle markers may not be on the map yet at this zoom. Opening it may pan the
    // map to show it whole (Leaflet starts that pan inside openOn); that pan keeps the list too.
    var self = this, keep = function () { self.keepList = true; };
    this.map.on("autopanstart", keep);
    L.popup(this.popupOptions(id)).setLatLng(latlng).setContent(this.popup(layer, f.properties)).openOn(this.map);
    this.map.off("autopanstart", keep);
  };

  // A popup never taller than most of the map (it scrolls inside instead), so panning can always show it whole
  // below the header, on a phone too.
  SeMapView.prototype.popupOptions = function (id) {
    // The top corners hold the zoom and layer buttons: a popup opens below them.
    return { maxHeight: Math.max(120, Math.floor(this.map.getSize().y * 0.6)), autoPanPadding: [12, 12],
             autoPanPaddingTopLeft: [12, 84], semapId: id };
  };

  SeMapView.prototype.announce = function () {
    var text = fmt(this.t.count, {
      orgs: this.state.matched.organizations || 0, resources: this.state.matched.resources || 0,
    });
    // Type and industry describe organizations only: say so when they are set, rather than look ignored.
    if (this.filters.type || this.filters.industry) text += " — " + this.t.org_only_filters;
    el("semap-count").textContent = text;
  };

  SeMapView.prototype.updateDownloads = function (bbox) {
    var self = this;
    ["geojson", "csv", "gpkg"].forEach(function (format) {
      ["organizations", "resources"].forEach(function (layer) {
        var a = el("download-" + layer + "-" + format);
        if (a) a.href = "/api/v1/export/" + layer + "." + format + "?" + self.query(layer, { bbox: bbox });
      });
    });
  };

  SeMapView.prototype.drawChoropleth = function () {
    var self = this, legend = el("semap-choropleth-legend");
    this.choroplethLayer.clearLayers();
    this.state.choropleth = 0;
    legend.innerHTML = "";
    if (!this.choropleth) return;
    if (this.choropleth === "hotspots") return this.drawHotspots(legend);
    var lq = this.choropleth.indexOf("lq:") === 0;
    var url = lq ? "/api/v1/stats/lq.geojson?value=" + encodeURIComponent(this.choropleth.slice(3))
                 : "/api/v1/stats/counts.geojson";
    var key = lq ? "lq" : "total";
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      // The classes come with the data (semap/stats/classes.py): round limits, upper ones included.
      var classes = data.classes.limits;
      var ramp = lq ? ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]
                    : ["#fff5eb", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"];
      // Fewer classes (few distinct values) take colours spread over the whole ramp.
      var colors = classes.map(function (c, i) {
        return ramp[classes.length < 2 ? 4 : Math.round(i * (ramp.length - 1) / (classes.length - 1))];
      });
      function colorFor(v) {
        for (var i = 0; i < classes.length; i++) if (classes[i].upper === null || v <= classes[i].upper) return colors[i];
        return colors[colors.length - 1];
      }
      L.geoJSON(data, {
        style: function (f) {
          return { color: "#666", weight: 1, fillOpacity: 0.55, fillColor: colorFor(f.properties[key] || 0) };
        },
        onEachFeature: function (f, layer) {
          var name = self.config.lang === "en" ? f.properties.name_en : f.properties.name_ko;
          var v = f.properties[key];
          layer.bindTooltip(escapeHtml(name) + ": " + (v == null ? "–" : (lq ? Number(v).toFixed(2) : v)));
        },
      }).addTo(self.choroplethLayer);
      self.choroplethLayer.eachLayer(function (l) { l.bringToBack(); });
      self.state.choropleth = data.features.length;
      var number = new Intl.NumberFormat(self.config.lang === "en" ? "en" : "ko", { maximumFractionDigits: 2 });
      var labels = classes.map(function (c, i) {
        var text = number.format(c.lower) + (c.upper === null ? "+" : "–" + number.format(c.upper));
        return '<li><span class="swatch" style="background:' + colors[i] + '"></span>' + escapeHtml(text) + "</li>";
      });
      legend.innerHTML = "<p>" + escapeHtml(lq ? self.t.lq + ": " + self.value(self.choropleth.slice(3)) : self.t.counts) +
        '</p><ul class="classes">' + labels.join("") + "</ul>";
    });
  };

  // Gi* confidence classes of the dongs, from 99 % cold (-3) to 99 % hot (3), 0 not significant.
  var HOT_COLORS = { "-3": "#2166ac", "-2": "#67a9cf", "-1": "#d1e5f0", "0": "#f7f7f7",
                     "1": "#fddbc7", "2": "#ef8a62", "3": "#b2182b" };

  SeMapView.prototype.drawHotspots = function (legend) {
    var self = this, t = this.t;
    fetch("/api/v1/stats/hotspots.geojson").then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {
        style: function (f) {
          var c = f.properties["class"] || 0;
          return { color: "#999", weight: 0.5, fillOpacity: c ? 0.65 : 0.1, fillColor: HOT_COLORS[c] };
        },
        onEachFeature: function (f, layer) {
          var p = f.properties, name = self.config.lang === "en" ? p.name_en : p.name_ko;
          var count = p.suppression === "S" ? "S" : String(p.count);
          var text = name + ": " + t["class_" + (p["class"] || 0)] + " · " + t.hot_orgs.replace("{n}", count);
          layer.bindTooltip(escapeHtml(text + (p.unstable ? " · " + t.unstable : "")));
        },
      }).addTo(self.choroplethLayer);
      self.choroplethLayer.eachLayer(function (l) { l.bringToBack(); });
      self.state.choropleth = data.features.length;
      var items = [3, 2, 1, 0, -1, -2, -3].map(function (c) {
        return '<li><span class="swatch" style="background:' + HOT_COLORS[c] + '"></span>' + escapeHtml(t["class_" + c]) + "</li>";
      });
      var rule = t.hot_rule.replace("{boundaries}", (data.summary && data.summary.boundaries_vintage) || "");
      legend.innerHTML = "<p>" + escapeHtml(t.hotspots) + "</p><ul>" + items.join("") + "</ul><p class=\"small\">" + escapeHtml(rule) + "</p>";
    }).catch(function (e) { self.state.errors.push(String(e)); });
  };

  window.SeMap = { init: function (map, config) { return new SeMapView(map, config); } };
  document.addEventListener("DOMContentLoaded", function () {
    var data = window.SeMapCommon.pageData();
    window.semapView = window.SeMap.init(window[data.map], data.config);
  });
})();
