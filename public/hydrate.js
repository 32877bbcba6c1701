// Starts the wasm that makes the server-rendered page interactive, once the page has painted.
//
// Leptos's own <HydrationScripts> asks for the bundle from the <head> (preload hints), so on a slow
// link the wasm, which is most of the bytes, competes with the text and the map picture the person
// came to see. Here nothing is requested before the browser is idle after the first paint (or two
// seconds have passed): the page reads at once and turns interactive a moment later.
const start = () =>
  import('/pkg/bandoso.js')
    .then((bundle) => bundle.default({ module_or_path: '/pkg/bandoso.wasm' }).then(() => bundle.hydrate()));

if ('requestIdleCallback' in window) {
  window.requestIdleCallback(start, { timeout: 2000 });
} else {
  window.addEventListener('load', start, { once: true });
}
