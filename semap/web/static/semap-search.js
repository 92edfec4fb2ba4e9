/* SeMap search in the whole city: the search box asks the server for every match (not only the view's), lists
   those in view first and the rest by distance, offers to show them all, and finds places (districts, dongs,
   roads) that move the map. Also opens the map on one organization (/?org=<id>). Hooks: the map's form and the
   "semap:loaded" event semap-map.js sends when a view's data are drawn. */
(function () {
  "use strict";
  var escapeHtml = window.SeMapCommon.escapeHtml;
  var LIMIT = 50;
  var SHOWN = { organizations: "name,type,category,district_ko", resources: "name,category,district_ko" };

  function el(id) { return document.getElementById(id); }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function distanceText(metres) { // as semap-map.js says a radius: 100 m steps under a kilometre, else 0.1 km
    var hundreds = Math.round(metres / 100);
    return hundreds < 10 ? Math.max(1, hundreds) * 100 + " m" : (hundreds / 10).toFixed(1) + " km";
  }
  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // Opens one record on the map: moves there (close up), and when that view's markers are drawn opens its popup.
  function openRecord(view, layer, feature) {
    var id = feature.id || feature.properties.id, c = feature.geometry.coordinates;
    function opened() {
      if (!view.markersById[id]) return; // a view loaded before the move ended
      document.removeEventListener("semap:loaded", opened);
      view.focus(id);
      window.semapFind.opened = id;
    }
    // Already drawn (a link that opened the map where the record is, its data in before the record's answer).
    if (view.markersById[id]) { opened(); return; }
    document.addEventListener("semap:loaded", opened);
    view.map.setView([c[1], c[0]], Math.max(17, view.map.getZoom()), { animate: false });
  }

  function fitBox(map, box) {
    if (!box) return;
    var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
    // A single point or one road's few entrances: a close view, not the maximum zoom.
    map.fitBounds(bounds.pad(0.05), { animate: false, maxZoom: 17 });
  }

  function Finder(view) {
    this.view = view;
    this.t = view.t;
    this.box = el("semap-find");
    this.ticket = 0;
    window.semapFind = { state: "idle", places: 0, records: 0, outside: 0, opened: null };
    var self = this, form = el("semap-filters");
    form.addEventListener("submit", function () { self.search((form.elements.q.value || "").trim()); });
    form.addEventListener("reset", function () { self.close(); });
    this.box.addEventListener("click", function (event) { self.clicked(event); });
  }

  Finder.prototype.close = function () {
    this.ticket += 1;
    this.box.hidden = true;
    this.box.innerHTML = "";
    window.semapFind.state = "idle";
  };

  Finder.prototype.search = function (q) {
    var self = this, view = this.view, ticket = ++this.ticket;
    if (!q) { this.close(); return; }
    view.map.closePopup(); // the last answer's popup is not this one's
    // On a phone the open filter panel would hide the map the search is about.
    if (window.matchMedia("(max-width: 700px)").matches) el("semap-filters-toggle").open = false;
    window.semapFind.state = "searching";
    this.box.hidden = false;
    this.box.innerHTML = "<p>" + escapeHtml(this.t.loading) + "</p>";
    var bbox = view.bbox();
    var layers = ["organizations", "resources"];
    var requests = layers.map(function (layer) {
      return getJson("/api/v1/" + layer + "/search?" + view.query(layer, { q: q, bbox: bbox, limit: LIMIT, properties: SHOWN[layer] }));
    });
    requests.push(getJson("/api/v1/places?" + new URLSearchParams({ q: q.slice(0, 100) })));
    Promise.all(requests).then(function (answers) {
      if (ticket !== self.ticket) return;
      self.render(q, { organizations: answers[0], resources: answers[1] }, answers[2].places);
    }).catch(function (error) {
      if (ticket !== self.ticket) return;
      window.semapFind.state = "failed";
      self.box.innerHTML = '<p class="error" role="alert">' + escapeHtml(fmt(self.t.search_failed, { error: String(error) })) + "</p>";
    });
  };

  Finder.prototype.placeLabel = function (place) {
    var lang = this.view.config.lang, names = this.view.config.districtNames || {};
    var name = lang === "en" && place.name_en ? place.name_en : place.name_ko;
    var kind = this.t["place_" + place.kind];
    var where = place.kind === "district" ? "" : " · " + (names[place.district_ko] || place.district_ko);
    return { name: name, meta: kind + where };
  };

  Finder.prototype.render = function (q, answers, places) {
    var self = this, t = this.t, view = this.view, html = [];
    this.results = [];
    ["organizations", "resources"].forEach(function (layer) {
      answers[layer].features.forEach(function (f) { self.results.push({ layer: layer, feature: f }); });
    });
    // In view first, then by distance from the view's centre, both layers together.
    this.results.sort(function (a, b) {
      var pa = a.feature.properties, pb = b.feature.properties;
      return (pb.in_view - pa.in_view) || (pa.distance_m - pb.distance_m);
    });
    this.places = places;
    var matched = answers.organizations.numberMatched + answers.resources.numberMatched;
    var inView = answers.organizations.numberInView + answers.resources.numberInView;
    this.allBox = union(answers.organizations.bbox, answers.resources.bbox);
    html.push('<div class="semap-find-head"><h2>' + escapeHtml(fmt(t.search_results, { q: q })) + "</h2>" +
      '<button type="button" class="semap-find-close" data-action="close" aria-label="' + escapeHtml(t.close) + '">×</button></div>');
    if (places.length) {
      html.push('<h3>' + escapeHtml(t.places) + '</h3><ul class="semap-find-list semap-places">');
      places.forEach(function (place, i) {
        var label = self.placeLabel(place);
        html.push('<li><button type="button" data-place="' + i + '">' + escapeHtml(label.name) + '</button><span class="meta">' +
          escapeHtml(label.meta) + "</span></li>");
      });
      html.push("</ul>");
    }
    html.push("<h3>" + escapeHtml(t.records) + "</h3>");
    if (!matched) {
      html.push('<p class="semap-empty">' + escapeHtml(fmt(t.found_none, { q: q })) + "</p>");
    } else {
      html.push('<p class="semap-find-count">' + escapeHtml(fmt(t.found_count, { n: matched, inview: inView })) + "</p>");
      if (matched > inView) {
        html.push('<p><button type="button" class="semap-show-all" data-action="all">' +
          escapeHtml(fmt(t.more_outside, { n: matched - inView })) + "</button></p>");
      }
      html.push('<ul class="semap-find-list semap-records">');
      this.results.forEach(function (r, i) {
        var p = r.feature.properties;
        var district = (view.config.districtNames || {})[p.district_ko] || p.district_ko;
        var where = p.in_view ? t.in_view : fmt(t.away, { distance: distanceText(p.distance_m) });
        var meta = [view.value(p.type || p.category), district, where].filter(Boolean).join(" · ");
        html.push('<li><button type="button" data-result="' + i + '">' + escapeHtml(p.name) + '</button><span class="meta">' +
          escapeHtml(meta) + "</span></li>");
      });
      html.push("</ul>");
      var listed = this.results.length;
      if (listed < matched) html.push('<p class="small">' + escapeHtml(fmt(t.first_shown, { n: listed })) + "</p>");
    }
    this.box.innerHTML = html.join("");
    window.semapFind = { state: "done", q: q, places: places.length, records: matched, inView: inView,
                         outside: matched - inView, listed: this.results.length, opened: null };
    var first = this.box.querySelector("h2");
    if (first) first.setAttribute("tabindex", "-1");
  };

  function union(a, b) {
    if (!a) return b;
    if (!b) return a;
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }

  Finder.prototype.clicked = function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "close") return this.close();
    if (action === "all") return fitBox(this.view.map, this.allBox);
    if (button.hasAttribute("data-place")) {
      var place = this.places[Number(button.getAttribute("data-place"))];
      window.semapFind.place = place.name_ko;
      return fitBox(this.view.map, place.bbox);
    }
    if (button.hasAttribute("data-result")) {
      var r = this.results[Number(button.getAttribute("data-result"))];
      openRecord(this.view, r.layer, r.feature);
    }
  };

  // /?org=<id>: the map opens on that organization with its popup (the organization page's "back to the map").
  function openLinked(view) {
    var id = new URLSearchParams(window.location.search).get("org");
    if (!id) return;
    getJson("/api/v1/organizations/" + encodeURIComponent(id)).then(function (feature) {
      if (feature.geometry) openRecord(view, "organizations", feature);
    }).catch(function (e) { // an old link to an organization no longer listed says so, on the map it opened
      var box = el("semap-find"), text = /404/.test(String(e)) ? fmt(view.t.no_org, { id: id }) : String(e);
      box.hidden = false;
      box.innerHTML = '<p class="error" role="alert">' + escapeHtml(text) + "</p>";
    });
  }

  window.SeMapFind = { openRecord: openRecord, fitBox: fitBox, distanceText: distanceText, getJson: getJson, fmt: fmt };
  document.addEventListener("DOMContentLoaded", function () {
    var view = window.semapView;
    if (!view || !el("semap-find")) return;
    window.semapFinder = new Finder(view);
    if (view.filters.q) window.semapFinder.search(view.filters.q); // a shared link with a search shows its answer
    openLinked(view);
  });
})();
