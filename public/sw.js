// Bản Đồ Số service worker: keeps the app shell on the phone so the app opens with no network.
//
// Strategy: network first for every same-origin GET, falling back to the last copy in the cache.
// Cache first would be faster on slow 3G, but the wasm bundle and the HTML that hydrates it must
// come from the same build: after an update, a cached old bundle under a new page breaks
// hydration. Network first always pairs them when online; offline, the cached pair is consistent
// because both were stored by the same visit. Writes (POST) and the API are never cached: records
// made offline wait in the page's own queue, not here.
//
// Map tiles (cross-origin images) are answered from the tile cache the field app fills with
// "Tải bản đồ khu vực" (app/src/pages/field/tile_cache.rs, same cache name) when they are kept
// there, and fetched otherwise: kept tiles cost no data on a slow link and show with none.
const SHELL_CACHE = 'bandoso-shell-v1';
const TILE_CACHE = 'bandoso-tiles-v1';
const KEPT = [SHELL_CACHE, TILE_CACHE];
const SHELL = [
  '/',
  '/thuc-dia',
  '/hydrate.js',
  '/pkg/bandoso.js',
  '/pkg/bandoso.wasm',
  '/pkg/bandoso.css',
  '/vendor/leaflet/leaflet.js',
  '/vendor/leaflet/leaflet.css',
  '/manifest.webmanifest',
  '/icon-192.png',
  '/favicon.svg',
];
// A build with `cargo leptos build --split` (make build) cuts the wasm of the pages other than the
// map into a piece per page and pieces they share; its manifest names them all. They are kept
// with the shell so every page, the field app first, opens offline after one visit to any page.
const SPLIT_MANIFEST = '/pkg/__wasm_split_manifest.json';
const SPLIT_LOADER = '/pkg/__wasm_split.______________________.js';

/** Addresses of the wasm pieces of every page; none for a build without splitting. */
async function pagePieces() {
  try {
    const response = await fetch(SPLIT_MANIFEST);
    if (!response.ok) return [];
    const manifest = await response.json();
    const names = new Set(Object.values(manifest).flat());
    return [SPLIT_LOADER, ...[...names].map((name) => `/pkg/${name}.wasm`)];
  } catch {
    return [];
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    Promise.all([caches.open(SHELL_CACHE), pagePieces()])
      .then(([cache, pieces]) => cache.addAll([...SHELL, ...pieces]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => !KEPT.includes(name)).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(request) {
  const url = new URL(request.url);
  return request.method === 'GET'
    && url.origin === self.location.origin
    && !url.pathname.startsWith('/api/')
    && url.pathname !== '/healthz';
}

function isTile(request) {
  return request.method === 'GET'
    && request.destination === 'image'
    && new URL(request.url).origin !== self.location.origin;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (isTile(request)) {
    event.respondWith(keptTileFirst(request));
    return;
  }
  if (!cacheable(request)) {
    return;
  }
  event.respondWith(networkFirst(request));
});

async function keptTileFirst(request) {
  const tiles = await caches.open(TILE_CACHE);
  const kept = await tiles.match(request.url, { ignoreVary: true });
  return kept || fetch(request);
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      putQuietly(request, copy);
    }
    return response;
  } catch (offline) {
    const navigation = request.mode === 'navigate';
    const cached = await caches.match(request, { ignoreSearch: navigation })
      || (navigation ? await caches.match('/') : undefined);
    return cached || new Response('Không có mạng và trang này chưa được lưu trên máy.', {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

// Stores a fresh copy; a full disk must not turn a good answer into an error.
function putQuietly(request, response) {
  caches.open(SHELL_CACHE).then((cache) => cache.put(request, response)).catch(() => {});
}
