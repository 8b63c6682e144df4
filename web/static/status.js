// Live status: one EventSource; each `status` event carries the whole public state.
(function () {
  const box = document.getElementById("services");
  if (!box || !window.EventSource) return;
  const words = JSON.parse(box.dataset.words);
  const fill = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => v[k]);
  // The same 24-hour "14:05:03" the server renders, in every language (never "오후 2:05:03").
  const clock = new Intl.DateTimeFormat("en-GB", {timeZone: box.dataset.tz, hour: "2-digit", minute: "2-digit",
                                                   second: "2-digit", hourCycle: "h23"});
  const source = new EventSource("/api/stream");
  source.addEventListener("status", (e) => {
    const st = JSON.parse(e.data);
    const live = document.getElementById("live");
    live.className = st.live ? "live" : "stale";
    if (live.textContent !== (st.live ? words.live : words.stale)) live.textContent = st.live ? words.live : words.stale;
    document.getElementById("as-of").textContent = fill(words.as_of, {time: clock.format(new Date(st.at * 1000))});
    // Only changed text is written: each figure is a polite live region, and a screen reader
    // should hear what changed, not every figure on every update.
    const put = (node, text) => { if (node.textContent !== text) node.textContent = text; };
    for (const s of st.services) {
      const el = box.querySelector(`[data-id="${s.id}"]`);
      if (!el) continue;
      el.className = "service " + s.congestion;
      const badge = el.querySelector(".badge");
      badge.className = "badge " + s.congestion;
      put(badge, words[s.congestion]);
      put(el.querySelector(".waiting"), fill(words.people, {n: s.waiting}));
      put(el.querySelector(".now"), s.now_serving || "—");
      put(el.querySelector(".wait"), s.status === "closed" ? words.closed
        : fill(words.minutes, {low: s.estimate_minutes[0], high: s.estimate_minutes[1]}));
      el.querySelector(".warn").hidden = s.status !== "closing";
    }
  });
  source.onerror = () => { const live = document.getElementById("live"); live.className = "stale"; live.textContent = words.stale; };
})();
