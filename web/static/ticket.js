// A ticket's page: live place, a buzz and a notification when the turn is near and when called.
(function () {
  // Asked here, not in an onsubmit attribute: the page's CSP allows no inline script.
  const form = document.getElementById("cancel-form");
  if (form) form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  const box = document.getElementById("ticket");
  if (!box || !window.EventSource) return;
  const words = JSON.parse(box.dataset.words);
  const fill = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => v[k]);
  const state = document.getElementById("state"), near = document.getElementById("near");
  const alert = document.getElementById("call-alert");
  const notifyButton = document.getElementById("notify");
  let told = {near: box.classList.contains("near"), called: box.classList.contains("called")};
  if (notifyButton && "Notification" in window && Notification.permission === "default") {
    notifyButton.hidden = false;
    notifyButton.onclick = () => Notification.requestPermission().then(() => { notifyButton.hidden = true; });
  }
  function tell(message, pattern) {
    if (navigator.vibrate) navigator.vibrate(pattern);
    if ("Notification" in window && Notification.permission === "granted") new Notification(message);
  }
  const source = new EventSource(`/api/tickets/${box.dataset.token}/stream`);
  source.addEventListener("ticket", (e) => {
    const p = JSON.parse(e.data);
    const label = p.counter_label ? (p.counter_label[box.dataset.lang] || p.counter_label.ko) : "";
    const isNear = p.state === "waiting" && p.ahead <= 3;
    box.className = "ticket " + p.state + (isNear ? " near" : "");
    near.hidden = !isNear;
    if (p.state !== "waiting") {  // called or finished: nothing left to cancel or to be told about
      for (const id of ["cancel-form", "notify"]) { const el = document.getElementById(id); if (el) el.hidden = true; }
    }
    if (p.state === "called") {
      const message = fill(words.called, {counter: label});
      // The call is said once, assertively, by #call-alert; #state stops being a polite live
      // region first so a screen reader does not say it twice.
      state.removeAttribute("aria-live");
      state.textContent = message;
      if (alert.textContent !== message) alert.textContent = message;
      if (!told.called) { told.called = true; tell(message, [400, 200, 400, 200, 400]); }
    } else if (p.state === "waiting") {
      const place = fill(words.ahead, {n: p.ahead}) + (p.estimate ? " · " + fill(words.minutes, {low: p.estimate[0], high: p.estimate[1]}) : "");
      if (state.textContent.trim() !== place) state.textContent = place;  // unchanged text is not re-announced
      if (isNear && !told.near) { told.near = true; tell(words.near, [300, 150, 300]); }
    } else {
      state.textContent = words[p.state];
      source.close();
    }
  });
})();
