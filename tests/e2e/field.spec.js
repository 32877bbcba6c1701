// The field app on a phone: visits recorded online and offline reach the server exactly once,
// through a reload with no network and through a server killed while a sync was in flight.
const path = require('node:path');
const { spawn } = require('node:child_process');
const http = require('node:http');
const fs = require('node:fs');
const { test, expect, devices } = require('@playwright/test');
const { signIn, waitForHydration, waitForServiceWorkerControl } = require('./helpers');
const { freePort, hasExited, waitForHealth } = require('../support/loopback');

const shots = path.join(__dirname, 'output', 'screenshots');
const root = path.resolve(__dirname, '..', '..');
const TEAM_VILLAGES = ['15187-01', '15187-02'];

test.use({ permissions: ['geolocation'], geolocation: { latitude: 20.0, longitude: 105.6, accuracy: 12 } });

/** Visits stored on the server in the team's villages, read through the API. */
async function serverVisits(request) {
  const response = await request.get('/api/v1/progress/villages');
  expect(response.ok()).toBeTruthy();
  const villages = await response.json();
  return villages.filter((v) => TEAM_VILLAGES.includes(v.village_code)).reduce((sum, v) => sum + v.visits, 0);
}

/** People helped in the team's villages, read through the API. */
async function peopleHelped(request) {
  const villages = await (await request.get('/api/v1/progress/villages')).json();
  return villages.filter((v) => TEAM_VILLAGES.includes(v.village_code)).reduce((sum, v) => sum + v.people_helped, 0);
}

/** Puts the phone next to the first household of the village that has a position. */
async function standInVillage(page, context, village) {
  const households = await (await page.request.get(`/api/v1/households?village=${village}`)).json();
  const placed = households.find((household) => household.lat !== null && household.lon !== null);
  expect(placed, `a demo household with a position in ${village}`).toBeTruthy();
  await context.setGeolocation({ latitude: placed.lat, longitude: placed.lon, accuracy: 12 });
  return placed;
}

/** Opens the field app online and waits until the village's households are on the phone. */
async function openFieldApp(page) {
  await page.goto('/thuc-dia');
  await waitForHydration(page);
  await expect(page.getByTestId('field-page')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('door').first()).toBeVisible();
}

/** Records one visit at the n-th door of the list (counting round it), with thumbs. */
async function recordVisit(page, doorIndex) {
  const doors = page.getByTestId('door');
  await doors.nth(doorIndex % (await doors.count())).tap();
  const form = page.getByTestId('visit-form');
  await expect(form).toBeVisible();
  await form.locator('[data-skill="vneid_install"]').tap();
  await form.locator('[data-skill="online_safety"]').tap();
  await form.getByTestId('vneid-outcome').getByRole('button', { name: 'Có' }).tap();
  await form.getByTestId('save-visit').tap();
  await expect(form).toBeHidden();
}

async function expectPending(page, count, timeout = 20_000) {
  await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', String(count), { timeout });
}

test('visits recorded online and offline, through an offline reload, reach the server exactly once', async ({ page, context }) => {
  await signIn(page, 'tocongnghe.kimtan');
  await expect(page.getByTestId('field-link')).toBeVisible();
  const placed = await standInVillage(page, context, TEAM_VILLAGES[0]);
  const before = await serverVisits(page.request);

  await openFieldApp(page);
  await waitForServiceWorkerControl(page);
  await expect(page.getByTestId('position')).toContainText('±12 m');
  // Nearest first: the household the phone stands at heads the list.
  await expect(page.getByTestId('door').first()).toContainText(placed.label);

  for (let i = 0; i < 3; i += 1) await recordVisit(page, i);
  await expectPending(page, 0);
  expect(await serverVisits(page.request)).toBe(before + 3);

  await context.setOffline(true);
  await expect(page.locator('.sync-bar__network')).toHaveAttribute('data-online', 'false');
  for (let i = 0; i < 5; i += 1) await recordVisit(page, i);
  await expectPending(page, 5);
  await expect(page.locator('[data-testid="record"][data-state="pending"]')).toHaveCount(5);
  await page.screenshot({ path: path.join(shots, 'field-offline-queue-phone.png'), fullPage: true });

  const reloaded = await page.reload();
  expect(reloaded.fromServiceWorker()).toBeTruthy();
  await waitForHydration(page);
  await expect(page.getByTestId('field-page')).toHaveAttribute('data-ready', 'true');
  await expectPending(page, 5);
  await expect(page.getByTestId('door').first()).toContainText(placed.label);

  await context.setOffline(false);
  await expectPending(page, 0);
  await expect(page.locator('[data-testid="record"][data-state="synced"]')).toHaveCount(8);
  expect(await serverVisits(page.request)).toBe(before + 8);
  // Syncing again sends nothing and stores nothing twice.
  await page.getByTestId('sync-now').tap();
  expect(await serverVisits(page.request)).toBe(before + 8);
});

/** How many copies of server lists the phone's store holds (IndexedDB `bandoso-field`, `cache`). */
async function cachedLists(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const opening = indexedDB.open('bandoso-field');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const counting = opening.result.transaction('cache').objectStore('cache').count();
      counting.onsuccess = () => resolve(counting.result);
      counting.onerror = () => reject(counting.error);
    };
  }));
}

test('signing out forgets the households on a shared phone; a record not yet sent stays and goes with its author', async ({ page, context }) => {
  await signIn(page, 'tocongnghe.kimtan');
  await standInVillage(page, context, TEAM_VILLAGES[0]);
  const before = await serverVisits(page.request);
  await openFieldApp(page);
  expect(await cachedLists(page)).toBeGreaterThan(0);

  // The server cannot be reached for syncs: the visit waits on the phone.
  await page.route('**/api/v1/sync', (route) => route.abort());
  await recordVisit(page, 0);
  await expectPending(page, 1);

  await page.goto('/tai-khoan');
  await waitForHydration(page);
  await page.getByTestId('sign-out').tap();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('account-link')).toHaveCount(0);
  expect(await cachedLists(page)).toBe(0);

  // The next person on this phone sees no household and no record, only that one is waiting.
  await page.goto('/thuc-dia');
  await waitForHydration(page);
  await expect(page.getByTestId('field-page')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('door')).toHaveCount(0);
  await expect(page.getByTestId('record')).toHaveCount(0);
  await expect(page.getByTestId('others-waiting')).toContainText('1 bản ghi');

  // Its author signs in again: the visit is sent, once.
  await page.unroute('**/api/v1/sync');
  await signIn(page, 'tocongnghe.kimtan');
  await openFieldApp(page);
  await expectPending(page, 0);
  expect(await serverVisits(page.request)).toBe(before + 1);
});

test('a new household takes its position from GPS and a rejected visit shows its reason', async ({ page, context }) => {
  await signIn(page, 'tocongnghe.kimtan');
  await standInVillage(page, context, TEAM_VILLAGES[0]);
  await openFieldApp(page);
  await context.setOffline(true);

  await page.getByTestId('new-household').tap();
  const form = page.getByTestId('household-form');
  await expect(form.getByTestId('household-position')).toContainText('±12 m');
  await form.getByRole('button', { name: 'Lưu hộ rồi ghi lượt thăm' }).tap();
  await expect(form.getByRole('alert')).toHaveText('Hãy ghi tên hộ.');
  await form.getByTestId('household-label').fill('Hộ bà Bùi Thị Thử, xóm Mới');
  await form.getByText('Hộ cận nghèo').tap();
  await form.getByRole('button', { name: 'Lưu hộ rồi ghi lượt thăm' }).tap();

  const visit = page.getByTestId('visit-form');
  await expect(visit).toContainText('Hộ bà Bùi Thị Thử');
  await visit.getByTestId('save-visit').tap();
  await expect(visit.getByRole('alert')).toHaveText('Hãy chọn ít nhất một kỹ năng.');
  await visit.locator('[data-skill="banking_qr"]').tap();
  await visit.getByRole('button', { name: 'Thêm một người' }).tap();
  await expect(visit.getByTestId('people-helped')).toHaveText('2');
  await visit.getByTestId('save-visit').tap();
  await expectPending(page, 2);
  await expect(page.getByTestId('door').filter({ hasText: 'Hộ bà Bùi Thị Thử' })).toContainText('chờ đồng bộ');

  // Edit the visit while it is still on the phone only.
  await page.locator('[data-testid="record"][data-state="pending"]').first().getByRole('button', { name: 'Sửa' }).tap();
  await expect(visit.getByTestId('people-helped')).toHaveText('2');
  await visit.getByRole('button', { name: 'Thêm một người' }).tap();
  await visit.getByTestId('save-visit').tap();
  await expectPending(page, 2);

  await context.setOffline(false);
  await expectPending(page, 0);
  const households = await (await page.request.get(`/api/v1/households?village=${TEAM_VILLAGES[0]}`)).json();
  const added = households.find((household) => household.label === 'Hộ bà Bùi Thị Thử, xóm Mới');
  expect(added).toBeTruthy();
  expect(added.lat).not.toBeNull();
  expect(added.visits).toBe(1);

  // A synced visit is corrected on the server, from the version the phone saw.
  const helpedBefore = await peopleHelped(page.request);
  const synced = page.locator('[data-testid="record"][data-state="synced"]').first();
  await synced.getByRole('button', { name: 'Sửa' }).tap();
  await expect(visit.getByTestId('people-helped')).toHaveText('3');
  await visit.getByRole('button', { name: 'Thêm một người' }).tap();
  await visit.getByTestId('save-visit').tap();
  await expect(page.getByTestId('field-notice')).toHaveText('Đã lưu sửa đổi lên máy chủ.');
  expect(await peopleHelped(page.request)).toBe(helpedBefore + 1);
  await page.screenshot({ path: path.join(shots, 'field-synced-phone.png'), fullPage: true });
});

/** Starts a server of our own (it gets killed), on its own database and port. */
async function startServer(port, database, tileUrl = 'http://127.0.0.1:9/{z}/{x}/{y}.png') {
  const server = spawn('./target/release/bandoso', ['serve', '--demo', '--addr', `127.0.0.1:${port}`], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${database}`,
      BANDOSO_TILE_URL: tileUrl,
      LEPTOS_SITE_ROOT: 'target/site',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  server.stderr.on('data', (chunk) => { errors += chunk; });
  const health = await waitForHealth(`http://127.0.0.1:${port}`, { timeoutMs: 30_000, hasExited: () => hasExited(server) });
  if (health === 'healthy') return server;
  server.kill('SIGKILL');
  throw new Error(`the server on port ${port} did not start: ${errors}`);
}

async function stopServer(server) {
  if (hasExited(server)) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

/** A fresh database file for a server of our own, under target/. */
function freshDatabase(port) {
  const dataDir = path.join(root, 'target', `e2e-own-${port}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  return path.join(dataDir, 'own.db');
}

/** A phone (Pixel 7, geolocation granted) pointed at a server of our own. */
function phoneFor(browser, port, options = {}) {
  return browser.newContext({
    ...devices['Pixel 7'],
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'vi-VN',
    permissions: ['geolocation'],
    geolocation: { latitude: 20.0, longitude: 105.6, accuracy: 12 },
    ...options,
  });
}


test('a server killed while a sync is in flight stores each visit exactly once after it restarts', async ({ browser }) => {
  const port = await freePort();
  const database = freshDatabase(port);
  let server = await startServer(port, database);
  // page.route cannot see requests that pass through a service worker; this test needs none.
  const context = await phoneFor(browser, port, { serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await signIn(page, 'tocongnghe.kimtan');
    await standInVillage(page, context, TEAM_VILLAGES[0]);
    const before = await serverVisits(page.request);
    await openFieldApp(page);
    await context.setOffline(true);
    await recordVisit(page, 0);
    await recordVisit(page, 1);
    await expectPending(page, 2);

    // The request reaches the server and is committed; the server dies before the answer does.
    let intercepted = 0;
    await page.route('**/api/v1/sync', async (route) => {
      intercepted += 1;
      await route.fetch();
      await stopServer(server);
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await expect.poll(() => intercepted).toBe(1);
    await expect(page.getByTestId('field-notice')).toContainText('Chưa gửi được');
    await expectPending(page, 2);
    await page.unroute('**/api/v1/sync');

    server = await startServer(port, database);
    // The server committed both before it died; the phone, never told, still holds them pending.
    expect(await serverVisits(page.request)).toBe(before + 2);
    await expectPending(page, 2);
    await page.getByTestId('sync-now').tap();
    await expectPending(page, 0);
    expect(await serverVisits(page.request)).toBe(before + 2);
  } finally {
    await context.close();
    await stopServer(server);
  }
});

/** A tile server of our own: every tile is the same small PNG, readable cross-origin. */
function startTileServer(port) {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
    response.end(png);
  });
  return new Promise((resolve) => { server.listen(port, '127.0.0.1', () => resolve(server)); });
}

test('the area map is kept on the phone and shows with no network', async ({ browser }) => {
  const tilePort = await freePort();
  const port = await freePort();
  const tiles = await startTileServer(tilePort);
  const server = await startServer(port, freshDatabase(port), `http://127.0.0.1:${tilePort}/{z}/{x}/{y}.png`);
  const context = await phoneFor(browser, port);
  try {
    const page = await context.newPage();
    await signIn(page, 'tocongnghe.kimtan');
    await standInVillage(page, context, TEAM_VILLAGES[0]);
    await openFieldApp(page);
    await waitForServiceWorkerControl(page);
    await expect(page.locator('.field-map .leaflet-tile-loaded').first()).toBeAttached();
    // Every household of the village is on the map, framed in view.
    const placed = (await (await page.request.get(`/api/v1/households?village=${TEAM_VILLAGES[0]}`)).json())
      .filter((household) => household.lat !== null);
    const dots = page.locator('.field-map path.door-dot');
    await expect(dots).toHaveCount(placed.length);
    for (let i = 0; i < placed.length; i += 1) await expect(dots.nth(i)).toBeInViewport();
    await expect(page.locator('.field-map path.my-position')).toHaveCount(1);

    await page.getByTestId('download-area').tap();
    await expect(page.getByTestId('area-status')).toContainText('Đã lưu', { timeout: 30_000 });
    const kept = await page.evaluate(async () => (await (await caches.open('bandoso-tiles-v1')).keys()).length);
    expect(kept).toBeGreaterThan(10);
    expect(kept).toBeLessThanOrEqual(400);

    await context.setOffline(true);
    await page.reload();
    await waitForHydration(page);
    await expect(page.locator('.field-map .leaflet-tile-loaded').first()).toBeAttached();
    await expect(page.locator('.field-map .leaflet-tile-loaded')).not.toHaveCount(0);
    await expect(dots).toHaveCount(placed.length);
    for (let i = 0; i < placed.length; i += 1) await expect(dots.nth(i)).toBeInViewport();
    await page.screenshot({ path: path.join(shots, 'field-area-map-offline-phone.png'), fullPage: true });
  } finally {
    await context.close();
    await stopServer(server);
    tiles.close();
  }
});
