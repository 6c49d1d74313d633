// laminate door: the service worker `laminate door --pwa` writes beside the
// page, so that a phone that opened the page once over https opens it again
// with no network. It caches the page and its manifest, and answers from
// that cache first; a new page (a new hash) replaces the old cache.
"use strict";
const CACHE = "{{CACHE}}";
const FILES = {{FILES}};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("laminate-door-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request)));
});
