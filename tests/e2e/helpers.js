// Shared steps of the browser tests.
const { expect } = require('@playwright/test');

/** Every demo account has this password (README, "Demo accounts"). */
const DEMO_PASSWORD = 'bandoso-demo';

/**
 * Signs in through the login page and waits for the map, hydrated: its picture and list are
 * server-rendered, so they show before the taps and filters work.
 */
async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.goto('/dang-nhap');
  await waitForHydration(page);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('account-link')).toBeVisible();
  await waitForHydration(page);
}

/** Waits until the wasm has taken over the server-rendered page (forms submit through it). */
async function waitForHydration(page) {
  await page.locator('body[data-hydrated="true"]').waitFor();
}

/**
 * Turns the district map's picture into Leaflet's map through its button, as a person moving the
 * map does; Leaflet is fetched then (app/src/pages/leaflet.rs).
 */
async function openMovingMap(page) {
  await waitForHydration(page);
  await page.getByTestId('map-interactive').tap();
  await expect(page.locator('.map .leaflet-container')).toBeVisible();
}

/** Collects Content-Security-Policy violations reported on the page's console. */
function watchCsp(page) {
  const violations = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

/**
 * Waits until the service worker controls the page. A worker that activates while the page is
 * still loading can claim the pages open before it and miss this one (seen once in CI, after the
 * install grew to the split wasm pieces); the phone's next load is then controlled, so the test
 * reloads once, as that next visit would.
 */
async function waitForServiceWorkerControl(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  const controlled = () => navigator.serviceWorker.controller !== null;
  if (await page.waitForFunction(controlled, null, { timeout: 5_000 }).then(() => true, () => false)) return;
  await page.reload();
  await waitForHydration(page);
  await page.waitForFunction(controlled);
}

/** The demo server's address (playwright.config.js starts it). */
function demoAddr() {
  return process.env.E2E_ADDR || '127.0.0.1:3180';
}

/**
 * The second server's address: an empty database, no demo data, for the go-live test. It takes
 * the port after the demo server's.
 */
function emptyAddr() {
  const [host, port] = demoAddr().split(':');
  return `${host}:${Number(port) + 1}`;
}

/** The first admin's password on the empty server (`BANDOSO_ADMIN_PASSWORD`). */
const EMPTY_ADMIN_PASSWORD = 'quan-tri-lan-dau-2026';

module.exports = {
  DEMO_PASSWORD, EMPTY_ADMIN_PASSWORD, demoAddr, emptyAddr, openMovingMap, signIn, waitForHydration,
  waitForServiceWorkerControl, watchCsp,
};
