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

module.exports = { DEMO_PASSWORD, openMovingMap, signIn, waitForHydration, waitForServiceWorkerControl, watchCsp };
