// A ticket's page: live place, a buzz and a notification when the turn is near and when called.
(function () {
  // Asked here, not in an onsubmit attribute: the page's CSP allows no inline script.
  const form = document.getElementById("cancel-form");
  if (form) form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  const box = document.getElementById("ticket");
  if (!box || !window.EventSource) return;
  const words = JSON.parse(box.dataset.words);
  // {counter:로}: the Korean particle by the value's last syllable, as wire/i18n.py josa() does.
  const josa = (word, p) => {
    const pair = {"로": ["으로", "로"], "으로": ["으로", "로"], "이": ["이", "가"], "가": ["이", "가"], "은": ["은", "는"],
      "는": ["은", "는"], "을": ["을", "를"], "를": ["을", "를"], "과": ["과", "와"], "와": ["과", "와"]}[p];
    if (!pair) return word;
    const s = String(word).replace(/[\s)\]}"'」』·.,]+$/, ""), c = s.slice(-1), code = c.charCodeAt(0);
    let fin = null;  // the final consonant: 0 none, 8 ㄹ, other numbers the rest
    if (code >= 0xac00 && code <= 0xd7a3) fin = (code - 0xac00) % 28;
    else if (/[0-9]/.test(c)) fin = (c === "0" && /[0-9]0$/.test(s)) ? 1 : [1, 8, 0, 1, 0, 0, 1, 8, 8, 0][+c];
    else if (/[A-Za-z]/.test(c)) fin = {L: 8, M: 1, N: 1, R: 8}[c.toUpperCase()] || 0;
    if (fin === null) return p === "로" || p === "으로" ? `${word}(으)로` : `${word}${pair[0]}(${pair[1]})`;
    return word + ((fin === 0 || (fin === 8 && pair[1] === "로")) ? pair[1] : pair[0]);
  };
  const fill = (s, v) => s.replace(/\{(\w+)(?::([^}]+))?\}/g, (_, k, p) => p ? josa(v[k], p) : v[k]);
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
