// The city page: live updates (SSE), the task filter, and "nearest first" with the phone's
// permission. The position is used here only: it is never sent anywhere (no request carries it).
(function () {
  "use strict";
  var main = document.getElementById("halls");
  var live = document.getElementById("live");
  var select = document.getElementById("task");
  var here = null;

  function km(lat1, lon1, lat2, lon2) {
    var r = 6371, d = Math.PI / 180;
    var a = Math.sin((lat2 - lat1) * d / 2) ** 2 +
      Math.cos(lat1 * d) * Math.cos(lat2 * d) * Math.sin((lon2 - lon1) * d / 2) ** 2;
    return 2 * r * Math.asin(Math.sqrt(a));
  }
  function filter() {
    var task = select ? select.value : "";
    main.querySelectorAll(".hall").forEach(function (hall) {
      var tasks = (hall.dataset.tasks || "").split(" ");
      hall.hidden = !!task && tasks.indexOf(task) < 0;
      hall.querySelectorAll(".svc").forEach(function (li) { li.hidden = !!task && li.dataset.task !== task; });
    });
  }
  function sort() {
    if (!here) return;
    var halls = Array.prototype.slice.call(main.querySelectorAll(".hall"));
    halls.forEach(function (h) {
      var lat = parseFloat(h.dataset.lat), lon = parseFloat(h.dataset.lon);
      h._km = isNaN(lat) ? 1e9 : km(here.lat, here.lon, lat, lon);
      var label = h.querySelector(".distance");
      if (label && h._km < 1e9) label.textContent = "· " + h._km.toFixed(1) + " km";
    });
    halls.sort(function (a, b) { return a._km - b._km; }).forEach(function (h) { main.appendChild(h); });
  }
  if (select) select.addEventListener("change", filter);
  var near = document.getElementById("near");
  if (near && navigator.geolocation) {
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        here = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        document.getElementById("where-denied").hidden = true;
        sort();
      }, function () { document.getElementById("where-denied").hidden = false; }, { maximumAge: 300000, timeout: 10000 });
    });
  } else if (near) { near.hidden = true; }
  filter();

  if (!window.EventSource) return;
  var lang = document.body.dataset.lang || "ko";
  // The page is current as of its frame: the stream sends only what changed after it. A
  // reconnect (EventSource retries by itself) asks again from there and gets what it missed.
  var source = new EventSource("/events?lang=" + encodeURIComponent(lang) + "&since=" + (document.body.dataset.frame || ""));
  source.addEventListener("open", function () { live.textContent = live.dataset.live; });
  source.addEventListener("error", function () { live.textContent = live.dataset.lost; });
  source.addEventListener("hall", function (e) {
    var data = JSON.parse(e.data);
    var old = document.getElementById("hall-" + data.site);
    var box = document.createElement("div");
    box.innerHTML = data.html;  // built and escaped by the relay (city/pages.py)
    var card = box.firstElementChild;
    if (old) old.replaceWith(card); else main.appendChild(card);
    window.__cityLastUpdate = { site: data.site, at: Date.now(), data_at: data.at };
    filter(); sort();
  });
})();
