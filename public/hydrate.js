// Starts the wasm that makes the server-rendered page interactive, once the page has painted.
//
// Leptos's own <HydrationScripts> asks for the bundle from the <head> (preload hints), so on a slow
// link the wasm, which is most of the bytes, competes with the text and the map picture the person
// came to see. Here nothing is requested before the browser is idle after the first paint (or two
// seconds have passed): the page reads at once and turns interactive a moment later.
const start = () =>
  import('/pkg/bandoso.js')
    .then((bundle) => bundle.default({ module_or_path: '/pkg/bandoso.wasm' }).then(() => bundle.hydrate()));

// Leaflet on demand (app/src/pages/leaflet.rs): the map page opens on its server-rendered
// picture, and Leaflet's stylesheet and script come when someone moves the map or picks a layer.
// One promise for every map that asks; a failed load (offline, not kept) may be asked again.
const LEAFLET = '/vendor/leaflet/leaflet';
let leaflet = null;

function loaded(element) {
  return new Promise((resolve, reject) => {
    element.addEventListener('load', resolve, { once: true });
    element.addEventListener('error', () => reject(new Error(`cannot load ${element.src || element.href}`)), { once: true });
  });
}

window.bandosoLoadLeaflet = () => {
  if (window.L) return Promise.resolve();
  if (!leaflet) {
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = `${LEAFLET}.css`;
    const script = document.createElement('script');
    script.src = `${LEAFLET}.js`;
    leaflet = Promise.all([loaded(style), loaded(script)]).catch((error) => {
      style.remove();
      script.remove();
      leaflet = null;
      throw error;
    });
    document.head.append(style, script);
  }
  return leaflet;
};

if ('requestIdleCallback' in window) {
  window.requestIdleCallback(start, { timeout: 2000 });
} else {
  window.addEventListener('load', start, { once: true });
}
