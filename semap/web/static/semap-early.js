/* The map's first data, asked for from the page's <head>: before Leaflet is loaded and the map laid out, so the
   answer is usually there when the map script wants it (the script alone would ask only after DOMContentLoaded).
   The map's view is not known yet, so this asks for every record of an unfiltered map, two pages per layer at once;
   the map script then takes from the answer exactly what its first view holds (semap-map.js fetchView), or, when
   more records exist than two pages hold or the page is filtered, asks the server itself as before. */
(function () {
  "use strict";
  var PAGE = 1000, PAGES = 2; // as semap-map.js: up to 2,000 features a layer are drawn as markers
  // Around South Korea: contains any view of Seoul the map opens on, so the records of the view are all in it.
  var AROUND = [124, 33, 132, 39.5];
  var FILTERS = ["q", "type", "industry", "category", "district"];
  var params = new URLSearchParams(window.location.search);
  var filtered = FILTERS.some(function (name) { return params.get(name); });
  // The properties the map draws, as semap-map.js names them (DRAWN); should the two differ, take() sees it and the
  // map asks the server itself.
  var drawn = {
    organizations: "name,type,subtype,designations,industry,category,status,address_raw,address_normalized," +
      "district_ko,website,opening_hours,verified_at,match_type,precision_m",
    resources: "name,category,owner_name,fee,eligibility,availability,booking_url,status,address_raw," +
      "address_normalized,district_ko,verified_at,match_type,precision_m",
  };
  var asked = null;
  if (!filtered && window.fetch) {
    asked = ["organizations", "resources"].map(function (layer) {
      var pages = [];
      for (var i = 0; i < PAGES; i++) {
        var query = new URLSearchParams({ bbox: AROUND.join(","), limit: PAGE, offset: i * PAGE, properties: drawn[layer] });
        pages.push(fetch("/api/v1/" + layer + "?" + query.toString()).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        }));
      }
      return Promise.all(pages);
    });
    asked.forEach(function (p) { p.catch(function () {}); }); // a failure means: the map asks again itself
  }

  function inside(bbox) {
    return bbox[0] >= AROUND[0] && bbox[1] >= AROUND[1] && bbox[2] <= AROUND[2] && bbox[3] <= AROUND[3];
  }

  // A promise of the first view's answers, [organizations, resources] as semap-map.js fetchLayer gives them
  // ({matched, features}), or of null when the early answer does not hold them all; null when nothing was asked
  // early for this view. Once: later views ask the server.
  function take(bbox, filters, properties) {
    var early = asked;
    asked = null;
    var box = String(bbox).split(",").map(Number);
    if (!early || filters || JSON.stringify(properties) !== JSON.stringify(drawn) || !inside(box)) return null;
    return Promise.all(early).then(function (layers) {
      var complete = layers.every(function (pages) { return pages[0].numberMatched <= PAGE * PAGES; });
      if (!complete) return null;
      return layers.map(function (pages) {
        var features = pages.reduce(function (all, p) { return all.concat(p.features); }, []).filter(function (f) {
          var c = f.geometry && f.geometry.coordinates; // what the server's bbox filter keeps (ST_Intersects)
          return c && c[0] >= box[0] && c[0] <= box[2] && c[1] >= box[1] && c[1] <= box[3];
        });
        return { matched: features.length, features: features };
      });
    }, function () { return null; });
  }

  window.SeMapEarly = { take: take };
})();
