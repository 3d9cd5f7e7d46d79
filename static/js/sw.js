// The service worker: pages a person has opened, and the static files, stay readable offline.
//
// Served at the site's root by workplan.views.service_worker, so that it may answer for every page;
// static/js/offline.js registers it with the paths it needs in its URL (?login=&logout=&offline=&static=).
//
// - A page (a GET navigation of this site, outside the admin) comes from the network, and a copy is kept;
//   when the network fails, the kept copy is shown, marked as such (data-page-source="cache" on <html>,
//   which offline.js reads to say "offline, last updated at ..."), or else the offline page.
// - A static file comes from the copy kept, refreshed from the network in the background. The offline page,
//   which names no one, is kept with them when the worker is installed.
// - Logging out, or a page that finds the session over (sent to the login page), empties the kept pages:
//   they belong to the person who opened them.
"use strict";

const VERSION = "1";
const PAGES = "cisp-pages-v" + VERSION;
const STATIC = "cisp-static-v" + VERSION;
const MAX_PAGES = 60;

const settings = new URL(self.location.href).searchParams;
const LOGIN = settings.get("login") || "/accounts/login/";
const LOGOUT = settings.get("logout") || "/accounts/logout/";
const OFFLINE = settings.get("offline") || "/offline/";
const STATIC_PREFIX = settings.get("static") || "/static/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC).then((cache) => cache.add(OFFLINE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  const current = [PAGES, STATIC];
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => !current.includes(name)).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function isPage(request, url) {
  return request.mode === "navigate" && url.origin === self.location.origin && !url.pathname.startsWith("/admin/");
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

function forgetPages() {
  return caches.delete(PAGES);
}

// Keeps a copy of a page as the network gave it; the oldest go beyond MAX_PAGES.
function keep(request, response) {
  if (!response.ok || response.redirected || !isHtml(response)) return Promise.resolve();
  return caches.open(PAGES).then((cache) =>
    cache.put(request, response).then(() => cache.keys()).then((keys) =>
      Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((key) => cache.delete(key)))
    )
  );
}

// The kept copy, marked as coming from this device, with the headers it came with (its policy included).
function keptCopy(request) {
  return caches.open(PAGES).then((cache) => cache.match(request, { ignoreVary: true })).then((kept) => {
    if (!kept) return caches.match(OFFLINE, { ignoreVary: true }).then((offline) => offline || Response.error());
    return kept.text().then((html) => {
      const headers = new Headers(kept.headers);
      headers.delete("Content-Encoding");
      headers.delete("Content-Length");
      const marked = html.replace('data-page-source="network"', 'data-page-source="cache"');
      return new Response(marked, { status: 200, statusText: "OK", headers: headers });
    });
  });
}

function page(event, url) {
  const request = event.request;
  return fetch(request).then((response) => {
    if (new URL(response.url).pathname === LOGIN) {
      event.waitUntil(forgetPages());  // logged out, or sent to log in: the session is over
    } else {
      event.waitUntil(keep(request, response.clone()).catch(() => undefined));
    }
    return response;
  }, () => keptCopy(request));
}

function staticFile(event) {
  const request = event.request;
  return caches.open(STATIC).then((cache) => cache.match(request).then((kept) => {
    const fresh = fetch(request).then((response) => {
      if (response.ok) return cache.put(request, response.clone()).then(() => response);
      return response;
    });
    if (kept) {
      event.waitUntil(fresh.catch(() => undefined));
      return kept;
    }
    return fresh;
  }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname === LOGOUT) {
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (isPage(request, url)) {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(event));
  }
});

// A page opened before this worker controlled it asks to be kept (static/js/offline.js).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || typeof data.url !== "string") return;
  const url = new URL(data.url, self.location.href);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/admin/") || url.pathname === LOGIN) return;
  const request = new Request(url.href, { credentials: "same-origin" });
  event.waitUntil(fetch(request).then((response) => keep(request, response)).catch(() => undefined));
});
