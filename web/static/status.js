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
    live.textContent = st.live ? words.live : words.stale;
    document.getElementById("as-of").textContent = fill(words.as_of, {time: clock.format(new Date(st.at * 1000))});
    const next = document.getElementById("next-opening");  // the hall calendar: "다음 접수: …" while closed
    if (next) { const line = st.next_opening_text && st.next_opening_text[box.dataset.lang]; next.hidden = !line; next.textContent = line || ""; }
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
      const remote = el.querySelector(".remote");  // remote tickets (원격 번호표): offered or not, live
      if (remote) remote.hidden = !s.remote;
    }
  });
  source.onerror = () => { const live = document.getElementById("live"); live.className = "stale"; live.textContent = words.stale; };
})();
