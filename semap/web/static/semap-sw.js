/* SeMap's service worker (served as /sw.js, after a first line setting self.SEMAP_SW: build, kept files, limits).
   - The map page and its files: from the network (the browser's HTTP cache rules apply), kept in a cache named by
     the build; offline, the kept copy.
   - The data of the last views (/api/…): network first, revalidated (never an HTTP-cached copy), with a short
     time-out; offline or too slow, the kept copy, and the page is told how old it is.
   - Base-map tiles: only those the page showed, kept in a capped cache; never fetched ahead (tile servers' usage
     policies forbid bulk download).
   A new build installs and waits: the page offers "reload to update" and sends "skip-waiting" when chosen. */
/* global self, caches, clients, Response, Request, URL */
(function () {
  "use strict";
  var CONFIG = self.SEMAP_SW;
  var SHELL = "semap-shell-" + CONFIG.build;
  var DATA = "semap-data-" + CONFIG.build;
  var TILES = "semap-tiles"; // tiles do not change with SeMap's build: kept across updates
  var KEPT_AT = "x-semap-kept-at";
  var OWN = [SHELL, DATA, TILES];
  var PAGES = ["/?lang=ko", "/?lang=en"];

  self.addEventListener("install", function (event) {
    event.waitUntil(caches.open(SHELL).then(function (cache) {
      // The network's copy, not an HTTP-cached one of an older build.
      // The map page in both languages (its filters and view come from the URL), and its files.
      var urls = PAGES.concat(CONFIG.shell);
      return cache.addAll(urls.map(function (url) { return new Request(url, { cache: "no-cache" }); }));
    }));
    // No skipWaiting(): an update waits until the person chooses to reload (semap-offline.js).
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("semap-") === 0 && OWN.indexOf(name) < 0;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
  });

  self.addEventListener("message", function (event) {
    var message = event.data || {};
    if (message.type === "skip-waiting") self.skipWaiting();
    // What the page fetched before this worker controlled it (its first visit): kept now, from the HTTP cache.
    if (message.type === "keep" && Array.isArray(message.urls)) {
      event.waitUntil(Promise.all(message.urls.filter(isData).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          return response.ok ? keep(DATA, url, response, CONFIG.dataEntries) : null;
        }).catch(function () { return null; });
      })).then(function () { tell(event.source, { type: "semap-kept" }); }));
    }
  });

  function sameOrigin(url) { return url.origin === self.location.origin; }
  function isData(href) {
    var url = new URL(href, self.location.origin);
    // Exports are downloads, not views: never kept.
    return sameOrigin(url) && url.pathname.indexOf("/api/") === 0 && url.pathname.indexOf("/api/v1/export/") !== 0;
  }
  function isShell(url) {
    return sameOrigin(url) && (CONFIG.shell.indexOf(url.pathname) >= 0 || /^\/static\/[^/]+$/.test(url.pathname));
  }

  // A copy of ``response`` that says when it was kept, in ``cacheName``; the oldest entries beyond ``limit`` go.
  function keep(cacheName, key, response, limit) {
    return response.clone().blob().then(function (body) {
      var headers = new Headers(response.headers);
      headers.set(KEPT_AT, new Date().toISOString());
      var copy = new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
      return caches.open(cacheName).then(function (cache) {
        return cache.put(key, copy).then(function () { return limit ? trim(cache, limit) : null; });
      });
    });
  }
  function trim(cache, limit) {
    return cache.keys().then(function (keys) { // in the order they were put
      return Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map(function (k) { return cache.delete(k); }));
    });
  }
  function tell(client, message) { if (client) client.postMessage(message); }
  function clientOf(event) { return event.clientId ? self.clients.get(event.clientId) : Promise.resolve(null); }

  // The network's answer, or a rejection after ``ms`` (the network's answer is still kept when it comes).
  function within(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timed out")); }, ms);
      promise.then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
    });
  }

  function networkFirst(event, request, cacheName, key, limit, notify) {
    var network = fetch(request).then(function (response) {
      if (response.ok) event.waitUntil(keep(cacheName, key, response, limit));
      return response;
    });
    return within(network, CONFIG.dataTimeoutMs).then(function (response) {
      if (notify) clientOf(event).then(function (c) { tell(c, { type: "semap-online" }); });
      return response;
    }, function (failure) {
      return caches.open(cacheName).then(function (cache) { return cache.match(key); }).then(function (kept) {
        if (!kept) { // nothing kept: the network's answer whenever it comes, or its error (and the page is told)
          return network.catch(function (error) {
            if (notify) clientOf(event).then(function (c) { tell(c, { type: "semap-missing" }); });
            throw error;
          });
        }
        if (notify) {
          clientOf(event).then(function (c) { tell(c, { type: "semap-offline", keptAt: kept.headers.get(KEPT_AT) }); });
        }
        network.catch(function () {}); // answered from the cache: a late failure is no error
        return kept;
      }).catch(function () { throw failure; });
    });
  }

  var corsRefused = false; // a tile server without CORS: its tiles are shown, never kept
  function tileFromNetwork(event) {
    if (corsRefused) return fetch(event.request);
    // Asked with CORS, so the answer is readable and its size known to the quota (an opaque one is neither).
    return fetch(event.request.url, { mode: "cors", credentials: "omit" }).catch(function () {
      corsRefused = true;
      return fetch(event.request);
    });
  }

  function tile(event) {
    return caches.open(TILES).then(function (cache) {
      return cache.match(event.request.url).then(function (kept) {
        if (kept) {
          // Seen again: to the back of the queue, so the tiles people use stay (least recently used go first).
          event.waitUntil(cache.put(event.request.url, kept.clone()));
          return kept;
        }
        return tileFromNetwork(event).then(function (response) {
          if (response.ok && response.type !== "opaque") {
            event.waitUntil(cache.put(event.request.url, response.clone()).then(function () {
              return trim(cache, CONFIG.tileEntries);
            }));
          }
          return response;
        });
      });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") return;
    var url = new URL(request.url);
    if (CONFIG.tileOrigin && url.origin === CONFIG.tileOrigin) {
      event.respondWith(tile(event));
    } else if (request.mode === "navigate" && sameOrigin(url) && url.pathname === "/") {
      // One kept page per language: the map's filters and view are read from the URL by its script.
      var lang = url.searchParams.get("lang") === "en" ? "en" : "ko";
      event.respondWith(networkFirst(event, request, SHELL, "/?lang=" + lang, 0, false));
    } else if (isData(request.url)) {
      var fresh = new Request(request, { cache: "no-cache" }); // after a build or an edit: the new data
      event.respondWith(networkFirst(event, fresh, DATA, request.url, CONFIG.dataEntries, true));
    } else if (isShell(url)) {
      event.respondWith(networkFirst(event, request, SHELL, url.pathname, 0, false));
    }
  });
})();
