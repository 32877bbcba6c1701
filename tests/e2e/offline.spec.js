// The installable app: Chromium's installability checks pass, and after one online visit the
// service worker serves the app shell with no network (the page still hydrates from cache).
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { waitForHydration, waitForServiceWorkerControl } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');

test('the app is installable and opens offline after one online visit', async ({ page, context }) => {
  await page.goto('/');
  await waitForHydration(page);
  await waitForServiceWorkerControl(page);

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Test contexts are incognito, where Chromium never offers installing; every other check
  // (manifest, icons, start URL, service worker) must pass.
  const errors = installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito');
  expect(errors).toEqual([]);
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.lang).toBe('vi');
  expect(manifest.short_name).toBe('Bản Đồ Số');

  // The shell is in the cache before the network goes (install precaches it; wait to be sure).
  await page.waitForFunction(async () => Boolean(await caches.match('/pkg/bandoso.wasm')));
  await context.setOffline(true);
  const network = await page.evaluate(() => fetch('/healthz').then(() => 'online', () => 'offline'));
  expect(network).toBe('offline');
  // What the offline page reports, to say why if it does not come to life.
  const happenings = [];
  page.on('console', (message) => happenings.push(`console ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => happenings.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => happenings.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  const response = await page.reload();
  expect(response.fromServiceWorker()).toBeTruthy();
  await expect(page.locator('h1')).toContainText('Bản Đồ Số');
  await expect(page.locator('body[data-hydrated="true"]'), happenings.join('\n')).toBeAttached({ timeout: 30_000 });
  await expect(page.getByTestId('wifi-count')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'offline-shell-phone.png') });
  await context.setOffline(false);
});
