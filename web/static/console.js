// The console's panel follows the hall live: on every status event, fetch the panel again.
(function () {
  const box = document.getElementById("console");
  if (!box || !window.EventSource) return;
  const source = new EventSource("/api/stream");
  let busy = false, last = "";
  source.addEventListener("status", async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch(`/console/${box.dataset.counter}/panel`, {credentials: "same-origin"});
      const html = r.ok ? await r.text() : last;
      if (html !== last) { last = html; box.innerHTML = html; }  // unchanged: keep the DOM (and focus) as it is
    } finally { busy = false; }
  });
})();
