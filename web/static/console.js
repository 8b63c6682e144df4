// The console's panel follows the hall live: on every status event, fetch the panel again.
(function () {
  const box = document.getElementById("console");
  if (!box || !window.EventSource) return;
  const source = new EventSource("/api/stream");
  let busy = false;
  source.addEventListener("status", async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch(`/console/${box.dataset.counter}/panel`, {credentials: "same-origin"});
      if (r.ok) box.innerHTML = await r.text();
    } finally { busy = false; }
  });
})();
