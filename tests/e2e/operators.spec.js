// A telecom operator on a desktop: upload a bad Wi-Fi CSV and read its problems, then a good one
// that changes the map.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { signIn } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');

test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

test('a telecom user uploads a CSV, sees the problems of a bad file, then a good file recolours the map', async ({ page }) => {
  await signIn(page, 'viettel');
  const answer = await page.request.get('/api/v1/cultural-houses');
  expect(answer.ok()).toBeTruthy();
  const features = (await answer.json()).features;
  const houses = features.map((feature) => feature.properties);
  const own = houses.find((house) => house.wifi_provider === 'viettel' && house.wifi_status === 'active');
  const foreign = houses.find((house) => house.wifi_provider === 'vnpt');

  await page.goto('/nha-mang');
  await page.locator('body[data-hydrated="true"]').waitFor();
  const bad = `cultural_house_id,status,provider\n${own.id},broken,viettel\n${foreign.id},active,viettel\n999999,active,viettel\n`;
  await page.getByTestId('upload-file').setInputFiles({ name: 'wifi-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByTestId('import-file').click();
  const problems = page.getByTestId('upload-problems');
  await expect(problems).toBeVisible();
  await expect(problems.locator('tbody tr')).toHaveCount(2);
  await expect(problems.locator('tbody tr').first()).toContainText('3');
  await expect(problems).toContainText('thuộc nhà mạng khác');
  await page.screenshot({ path: path.join(shots, 'operator-upload-errors-desktop.png') });

  const good = `cultural_house_id,status,provider,last_verified_at\n${own.id},broken,viettel,2026-11-24\n`;
  await page.getByTestId('upload-file').setInputFiles({ name: 'wifi.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByTestId('check-file').click();
  await expect(page.getByTestId('upload-result')).toContainText('1 dòng hợp lệ');
  await page.getByTestId('import-file').click();
  await expect(page.getByTestId('upload-result')).toContainText('Đã nhập 1 dòng');

  await page.goto('/');
  const marker = page.locator(`.preview-marker.house-${own.id}`);
  await expect(marker).toHaveClass(/status-broken/);
  await page.screenshot({ path: path.join(shots, 'operator-map-after-import-desktop.png') });

  // A coverage area drawn as GeoJSON: a bad ring is refused by feature number, a good one is drawn.
  const [lon, lat] = features.find((feature) => feature.properties.id === own.id).geometry.coordinates;
  const ring = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01], [lon - 0.01, lat + 0.01]];
  const areaFile = (coordinates) => Buffer.from(JSON.stringify({
    type: 'FeatureCollection',
    features: [{
      type: 'Feature',
      properties: { village_code: own.village_code, technology: '5G', quality: 'good' },
      geometry: { type: 'Polygon', coordinates: [coordinates] },
    }],
  }));
  await page.goto('/nha-mang');
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId('upload-kind').selectOption('coverage-areas');
  await page.getByTestId('upload-file').setInputFiles({ name: 'open.geojson', mimeType: 'application/geo+json', buffer: areaFile(ring) });
  await page.getByTestId('import-file').click();
  await expect(problems.locator('tbody tr')).toHaveCount(1);
  await expect(problems.locator('tbody tr').first()).toContainText('#0');
  await expect(problems).toContainText('vùng không hợp lệ');
  await page.getByTestId('upload-file').setInputFiles({ name: 'area.geojson', mimeType: 'application/geo+json', buffer: areaFile([...ring, ring[0]]) });
  await page.getByTestId('import-file').click();
  await expect(page.getByTestId('upload-result')).toContainText('Đã nhập 1');
  await page.goto('/');
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId('layer-picker').selectOption('coverage:viettel:5G');
  await expect(page.locator('.leaflet-overlay-pane path.layer-area.coverage-good')).toHaveCount(1);
  await page.screenshot({ path: path.join(shots, 'operator-coverage-area-desktop.png') });
});
