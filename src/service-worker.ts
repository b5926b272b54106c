/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// The offline app: the shell, the capture worker and the engine's .wasm are
// precached at install. Built files (their names change with every build)
// are served from the cache first; everything else goes to the network
// first and falls back to the cache, so a development server never serves
// stale code and a reload works with no network.

import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `packetlens-${version}`;
const PRECACHE = [...build, ...files, ...prerendered];
const IMMUTABLE = new Set(build);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function networkFirst(request: Request, url: URL): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && PRECACHE.includes(url.pathname)) cache.put(url.pathname, response.clone());
    return response;
  } catch (error) {
    // Offline: the page without its query (/view?session=3 is /view), or the file itself.
    const hit = (await cache.match(url.pathname)) ?? (await cache.match(request, { ignoreSearch: true }));
    if (hit) return hit;
    throw error;
  }
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  event.respondWith(IMMUTABLE.has(url.pathname) ? cacheFirst(request) : networkFirst(request, url));
});
