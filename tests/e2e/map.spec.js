// The district map on a phone: markers, details on tap, filters, language, no tile server.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { openMovingMap, signIn, waitForHydration, watchCsp } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');

/** Index of a marker not covered by its neighbours (markers overlap at district zoom). */
async function uncoveredMarkerIndex(page, selector = '.leaflet-marker-icon.house-marker') {
  return page.evaluate((selector) => {
    const markers = [...document.querySelectorAll(selector)];
    return markers.findIndex((marker) => {
      const box = marker.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit === marker;
    });
  }, selector);
}

/** Reads "N/M" from the Wi-Fi count. */
async function wifiCount(page) {
  const text = await page.getByTestId('wifi-count').locator('strong').innerText();
  const [active, total] = text.split('/').map((n) => Number.parseInt(n, 10));
  return { active, total };
}

test('a leader sees every cultural house, opens details on tap, and filters by status', async ({ page }) => {
  const violations = watchCsp(page);
  await signIn(page, 'lanhdao');
  await expect(page.getByTestId('wifi-count')).toContainText('nhà văn hóa có Wi-Fi');
  await openMovingMap(page);

  const markers = page.locator('.leaflet-marker-icon.house-marker');
  const all = await wifiCount(page);
  expect(all.total).toBeGreaterThan(50);
  expect(all.active).toBeGreaterThan(0);
  expect(all.active).toBeLessThan(all.total);
  await expect(markers).toHaveCount(all.total);
  // Today's 6 commune boundaries are drawn although no tile server answers (the tile URL points at
  // a closed port).
  await expect(page.locator('.leaflet-overlay-pane path')).toHaveCount(6);
  await page.screenshot({ path: path.join(shots, 'map-phone.png') });

  const index = await uncoveredMarkerIndex(page);
  expect(index).toBeGreaterThanOrEqual(0);
  const marker = markers.nth(index);
  const houseName = await marker.getAttribute('title');
  await marker.tap();
  const detail = page.getByTestId('house-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(houseName);
  await expect(detail.getByTestId('detail-village')).not.toBeEmpty();
  await expect(detail.getByTestId('detail-commune')).not.toBeEmpty();
  await expect(detail.getByTestId('coverage-table')).toContainText('Viettel');
  await expect(detail.getByTestId('wifi-timeline')).toContainText('Phiên bản 1');
  await page.screenshot({ path: path.join(shots, 'detail-phone.png') });
  await detail.getByRole('button', { name: 'Đóng' }).tap();
  await expect(detail).toBeHidden();

  await page.getByTestId('status-filter').selectOption('broken');
  await expect(page).toHaveURL(/status=broken/);
  await expect(page.getByTestId('wifi-count').locator('strong')).not.toHaveText(`${all.active}/${all.total}`);
  const broken = await wifiCount(page);
  expect(broken.active).toBe(0);
  expect(broken.total).toBeGreaterThan(0);
  expect(broken.total).toBeLessThan(all.total);
  await expect(markers).toHaveCount(broken.total);
  await expect(page.locator('.leaflet-marker-icon.house-marker.status-broken')).toHaveCount(broken.total);
  await page.screenshot({ path: path.join(shots, 'filtered-broken-phone.png') });

  await page.getByTestId('status-filter').selectOption('');
  await expect(markers).toHaveCount(all.total);
  expect(violations).toEqual([]);
});

test('the map opens on its picture of the houses; Leaflet comes when the map is moved', async ({ page }) => {
  const leaflet = [];
  page.on('request', (request) => {
    if (request.url().includes('/vendor/leaflet/')) leaflet.push(new URL(request.url()).pathname);
  });
  await signIn(page, 'lanhdao');
  await waitForHydration(page);
  const all = await wifiCount(page);
  const dots = page.locator('.map__preview .preview-marker');
  await expect(dots).toHaveCount(all.total);
  await expect(page.locator('.map__preview .preview-marker.status-broken').first()).toBeAttached();
  // Today's 6 communes' outlines are on the picture too (one outer ring each, no invented cells),
  // although no tile server answers.
  await expect(page.locator('.map__preview path.preview-commune')).toHaveCount(6);

  // A tap on a house's dot opens the house, and does not fetch Leaflet.
  const index = await uncoveredMarkerIndex(page, '.map__preview .preview-marker');
  expect(index).toBeGreaterThanOrEqual(0);
  await dots.nth(index).tap();
  const detail = page.getByTestId('house-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('coverage-table')).toBeVisible();
  await detail.getByRole('button', { name: 'Đóng' }).tap();
  expect(leaflet).toEqual([]);

  await openMovingMap(page);
  expect(leaflet.sort()).toEqual(['/vendor/leaflet/leaflet.css', '/vendor/leaflet/leaflet.js']);
  await expect(page.locator('.leaflet-marker-icon.house-marker')).toHaveCount(all.total);
  await expect(dots).toHaveCount(0);
});

test('a wasm piece that does not come is a message and another try, not a dead page', async ({ browser }) => {
  // No service worker: its cache would answer for the network (a phone on a plain-HTTP address).
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  let blocked = true;
  await context.route(/\/pkg\/split_(house_sheet|moving_map)(_\d+)?\.wasm$/, (route) => (blocked ? route.abort() : route.continue()));
  await page.goto('/');
  await waitForHydration(page);

  const dots = page.locator('.map__preview .preview-marker');
  const index = await uncoveredMarkerIndex(page, '.map__preview .preview-marker');
  await dots.nth(index).tap();
  const failed = page.getByTestId('house-detail-failed');
  await expect(failed).toContainText('Không tải được dữ liệu');
  await page.getByTestId('map-interactive').tap();
  await expect(page.getByTestId('map-interactive')).toHaveText('Chưa tải được bản đồ. Chạm để thử lại');
  // The app still answers: the filters work.
  await page.getByTestId('commune-filter').selectOption({ label: 'Xã Kim Tân' });
  await expect(dots).not.toHaveCount(0);

  blocked = false;
  await failed.getByRole('button', { name: 'Đóng' }).tap();
  await expect(failed).toBeHidden();
  await dots.nth(await uncoveredMarkerIndex(page, '.map__preview .preview-marker')).tap();
  await expect(page.getByTestId('house-detail')).toBeVisible();
  await page.getByTestId('house-detail').getByRole('button', { name: 'Đóng' }).tap();
  await page.getByTestId('map-interactive').tap();
  await expect(page.locator('.map .leaflet-container')).toBeVisible();
  await context.close();
});

test('coverage and dead-zone layers shade the villages', async ({ page }) => {
  await signIn(page, 'lanhdao');
  const circles = page.locator('.leaflet-overlay-pane path.layer-circle');
  await expect(circles).toHaveCount(0);
  const picker = page.getByTestId('layer-picker');
  await expect(picker.locator('option[value="coverage:viettel:4G"]')).toHaveCount(1);
  await picker.selectOption('coverage:viettel:4G');
  const total = Number.parseInt((await page.getByTestId('wifi-count').locator('strong').innerText()).split('/')[1], 10);
  await expect(circles).toHaveCount(total);
  await expect(page.locator('.legend')).toContainText('Tốt');
  await picker.selectOption('dead');
  const dead = page.locator('.leaflet-overlay-pane path.layer-circle.dead-zone');
  await expect(dead.first()).toBeAttached();
  expect(await dead.count()).toBeLessThan(total);
  await page.screenshot({ path: path.join(shots, 'dead-zones-phone.png') });
  // What the teams' phones measured, beside the operators' claims (demo visits carry samples).
  await picker.selectOption('measured');
  const measured = page.locator('.leaflet-overlay-pane path.layer-circle.measured');
  await expect(measured.first()).toBeAttached();
  expect(await measured.count()).toBeLessThan(total);
  await page.screenshot({ path: path.join(shots, 'field-measured-phone.png') });
  // Door-to-door progress: every village with a cultural house gets a band, with a legend.
  await picker.selectOption('visits');
  await expect(page.locator('.leaflet-overlay-pane path.layer-circle[class*="progress-"]')).toHaveCount(total);
  await expect(page.locator('.leaflet-overlay-pane path.layer-circle.progress-unlisted').first()).toBeAttached();
  await expect(page.locator('.leaflet-overlay-pane path.layer-circle:is(.progress-low, .progress-mid, .progress-done)').first()).toBeAttached();
  await expect(page.locator('.legend')).toContainText('Chưa thăm hộ nào');
  await picker.selectOption('wifi');
  await expect(circles).toHaveCount(0);
});

test('the commune filter narrows the map to one commune', async ({ page }) => {
  await signIn(page, 'lanhdao');
  const markers = page.locator('.map__preview .preview-marker');
  const all = await wifiCount(page);
  await expect(markers).toHaveCount(all.total);
  // Today's 6 communes, called what they are: no town remains since July 2025.
  const filter = page.locator('label.field', { has: page.getByTestId('commune-filter') });
  await expect(filter.locator('span')).toHaveText('Xã');
  const options = await page.getByTestId('commune-filter').locator('option').allTextContents();
  expect(options[0]).toBe('Tất cả các xã');
  expect(options.slice(1).sort()).toEqual(['Xã Kim Tân', 'Xã Ngọc Trạo', 'Xã Thành Vinh', 'Xã Thạch Bình', 'Xã Thạch Quảng', 'Xã Vân Du'].sort());
  await page.getByTestId('commune-filter').selectOption({ label: 'Xã Kim Tân' });
  await expect(page).toHaveURL(/commune=15187/);
  const kimTan = await wifiCount(page);
  expect(kimTan.total).toBeGreaterThan(0);
  expect(kimTan.total).toBeLessThan(all.total);
  await expect(markers).toHaveCount(kimTan.total);
});

test('the page reads before the wasm runs, and switches to English', async ({ page, browser }) => {
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto('/');
  await expect(plain.getByTestId('wifi-count')).toContainText('nhà văn hóa có Wi-Fi');
  await expect(plain.locator('.house-list li').first()).toContainText('Nhà văn hóa');
  await expect(plain.getByTestId('demo-notice')).toBeVisible();
  await noScript.close();

  await page.goto('/');
  await waitForHydration(page);
  await page.getByTestId('language-switch').tap();
  await expect(page.getByTestId('wifi-count')).toContainText('cultural houses with free Wi-Fi');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByTestId('wifi-count')).toContainText('cultural houses with free Wi-Fi');
  await page.getByTestId('language-switch').tap();
  await expect(page.getByTestId('wifi-count')).toContainText('nhà văn hóa có Wi-Fi');
});

test('the map fits a 360 px wide phone without horizontal scrolling', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('.preview-marker').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const id of ['commune-filter', 'language-switch', 'sign-in-link', 'map-interactive']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box.height).toBeGreaterThanOrEqual(44);
  }
  await page.screenshot({ path: path.join(shots, 'map-360.png'), fullPage: true });
  await context.close();
});
