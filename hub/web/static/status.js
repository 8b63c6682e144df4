// Live status: one EventSource; each `status` event carries the whole public state.
(function () {
  const box = document.getElementById("services");
  if (!box || !window.EventSource) return;
  const lang = box.dataset.lang, words = JSON.parse(box.dataset.words);
  const fill = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => v[k]);
  const source = new EventSource("/api/stream");
  source.addEventListener("status", (e) => {
    const st = JSON.parse(e.data);
    const live = document.getElementById("live");
    live.className = st.live ? "live" : "stale";
    live.textContent = st.live ? words.live : words.stale;
    document.getElementById("as-of").textContent = fill(words.as_of, {time: new Date(st.at * 1000).toLocaleTimeString(lang, {timeZone: box.dataset.tz})});
    for (const s of st.services) {
      const el = box.querySelector(`[data-id="${s.id}"]`);
      if (!el) continue;
      el.className = "service " + s.congestion;
      const badge = el.querySelector(".badge");
      badge.className = "badge " + s.congestion;
      badge.textContent = words[s.congestion];
      el.querySelector(".waiting").textContent = fill(words.people, {n: s.waiting});
      el.querySelector(".now").textContent = s.now_serving || "—";
      el.querySelector(".wait").textContent = s.status === "closed" ? words.closed
        : fill(words.minutes, {low: s.estimate_minutes[0], high: s.estimate_minutes[1]});
      el.querySelector(".warn").hidden = s.status !== "closing";
    }
  });
  source.onerror = () => { const live = document.getElementById("live"); live.className = "stale"; live.textContent = words.stale; };
})();
