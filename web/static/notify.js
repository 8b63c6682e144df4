// The ticket's notification page: turn on Web Push (service worker + PushManager.subscribe with the
// hall's VAPID key), then hand the subscription to the relay, which forwards it to the notifier.
(function () {
  const box = document.getElementById("notify-controls");
  const ask = document.getElementById("push-ask");
  if (!box || !ask) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return;  // the "unsupported" line stays
  document.getElementById("push-unsupported").hidden = true;
  ask.hidden = false;
  const result = document.getElementById("push-result");
  const key = (b64) => {
    const raw = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - b64.length % 4) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  // Registered at once (not on the click), so the worker is ready when the visitor decides.
  const ready = navigator.serviceWorker.register("/notify-sw.js", {scope: "/t/"}).then(() => navigator.serviceWorker.ready);
  window.sunbeonPush = {ready: ready.then(() => true, () => false), subscription: null, error: null};
  document.getElementById("push-on").addEventListener("click", async () => {
    result.hidden = true;
    if (!document.getElementById("push-consent").checked) { result.hidden = false; return; }
    try {
      const vapid = await (await fetch("/notify/vapid.json")).json();
      if (await Notification.requestPermission() !== "granted") throw new Error("permission");
      const registration = await ready;
      const subscription = await registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(vapid.public_key)});
      window.sunbeonPush.subscription = subscription.toJSON();
      const answer = await fetch(`/t/${box.dataset.token}/notify/push?lang=${box.dataset.lang}`, {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({subscription: subscription.toJSON(), csrf: box.dataset.csrf, consent: true}),
      });
      if (!answer.ok) throw new Error("refused");
      location.replace(`/t/${box.dataset.token}/notify?lang=${box.dataset.lang}&msg=on`);
    } catch (err) {
      window.sunbeonPush.error = String(err && err.message || err);
      result.hidden = false;
    }
  });
})();
