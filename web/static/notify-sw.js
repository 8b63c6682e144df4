// The service worker of the ticket pages: shows the notifier's Web Push messages with the page closed,
// and opens the ticket's page when the notification is tapped.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("push", (event) => {
  let message = {title: "순번", body: "", url: "/"};
  try { message = Object.assign(message, event.data ? event.data.json() : {}); } catch (e) { /* a push we cannot read */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body, tag: message.tag, renotify: true, data: {url: message.url},
    requireInteraction: true, vibrate: [300, 150, 300],
  }));
});
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({type: "window"}).then((windows) => {
    for (const w of windows) if (w.url === url && "focus" in w) return w.focus();
    return self.clients.openWindow(url);
  }));
});
