/* The map as an installable, offline-capable app (page side of /sw.js, semap-sw.js):
   registers the service worker; hands it what the first visit fetched before it was in control; shows
   "offline — data as of …" while the data shown are a kept copy; offers "reload to update" when a new build waits,
   never switching the running page to it silently. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var data = window.SeMapCommon.pageData(), config = data.config || {}, t = config.text || {};
  var state = { registered: false, kept: false, offline: null, update: false };
  window.semapApp = state; // read by the browser tests

  function bar(id, className) {
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement("div");
      node.id = id;
      node.className = "semap-bar " + className;
      node.setAttribute("role", "status");
      node.hidden = true;
      // Over the map, not in the header: a notice must not resize the map (a new view would ask for new data).
      document.body.appendChild(node);
    }
    return node;
  }

  function asOf(iso) {
    var when = iso ? new Date(iso) : null;
    if (!when || isNaN(when.getTime())) return "?";
    return when.toLocaleString(config.lang === "en" ? "en-GB" : "ko-KR", { dateStyle: "medium", timeStyle: "short" });
  }

  function showOffline(keptAt) {
    var node = bar("semap-offline", "offline");
    state.offline = keptAt || "";
    node.textContent = (t.offline || "Offline — data as of {date}").replace("{date}", asOf(keptAt));
    node.hidden = false;
  }
  function showMissing() { // offline, on a view never opened online
    var node = bar("semap-offline", "offline");
    state.offline = "missing";
    node.textContent = t.offline_missing || "Offline";
    node.hidden = false;
  }
  function hideOffline() {
    state.offline = null;
    bar("semap-offline", "offline").hidden = true;
  }

  function offerUpdate(waiting) {
    var node = bar("semap-update", "update");
    state.update = true;
    node.textContent = (t.update_ready || "") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = t.update_reload || "Reload";
    button.addEventListener("click", function () {
      button.disabled = true;
      waiting.postMessage({ type: "skip-waiting" }); // the new worker takes over; controllerchange reloads
    });
    node.appendChild(button);
    node.hidden = false;
  }

  // The page's own data requests made before a worker controlled it (the first visit): the worker keeps them, so
  // the map opens offline after one visit.
  var early = [];
  var handedTo = null; // the worker told about them; a request still under way then is told when it ends
  var controlledAtStart = !!navigator.serviceWorker.controller;
  if (!controlledAtStart && window.PerformanceObserver) {
    new PerformanceObserver(function (list) {
      var late = [];
      list.getEntries().forEach(function (e) {
        if (e.name.indexOf(location.origin + "/api/") !== 0) return;
        early.push(e.name);
        late.push(e.name);
      });
      if (handedTo && late.length) handedTo.postMessage({ type: "keep", urls: late });
    }).observe({ type: "resource", buffered: true });
  }
  function handOver(worker) {
    if (controlledAtStart || !worker) { state.kept = true; return; }
    // Once the map has its data (or after a while): what it fetched so far, then anything fetched later goes
    // through the worker itself.
    var tries = 0;
    (function send() {
      var ready = window.semapState && window.semapState.mode !== "loading";
      if (!ready && tries++ < 100) { window.setTimeout(send, 100); return; }
      worker.postMessage({ type: "keep", urls: early.slice() });
      handedTo = worker;
    })();
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var message = event.data || {};
    if (message.type === "semap-offline") showOffline(message.keptAt);
    if (message.type === "semap-online") hideOffline();
    if (message.type === "semap-missing") showMissing();
    if (message.type === "semap-kept") state.kept = true;
  });
  var reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // Only an update the person chose reloads the page; a first install just takes control.
    if (state.update && !reloading) { reloading = true; window.location.reload(); }
  });

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
      state.registered = true;
      function watch(worker) {
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      }
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      if (registration.installing) watch(registration.installing);
      registration.addEventListener("updatefound", function () { watch(registration.installing); });
      navigator.serviceWorker.ready.then(function (r) { handOver(r.active); });
    }).catch(function (error) { state.error = String(error); });
  });
})();
