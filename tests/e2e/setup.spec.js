// The set-up page on a phone: an administrator checks the boundaries and the July 2025
// reorganisation already in the demo, and sees a split refused by line; a commune officer gets the
// forms of their communes' reference data only.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { signIn, waitForHydration } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');
const demoData = path.join(__dirname, '..', '..', 'server', 'src', 'demo', 'data');

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('an administrator checks the communes\u2019 boundaries and the reorganisation on the set-up page', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/thiet-lap');
  await waitForHydration(page);
  await expect(page.getByTestId('setup-checklist')).toContainText('Xã, phường');
  await page.getByTestId('setup-checklist').getByRole('link').first().tap();
  await expect(page).toHaveURL(/#dia-gioi$/);

  const boundaries = page.getByTestId('setup-boundaries');
  await boundaries.getByTestId('setup-file-boundaries').setInputFiles(path.join(demoData, 'thach-thanh-communes-2025.geojson'));
  await boundaries.getByRole('button', { name: 'Kiểm tra' }).tap();
  await expect(boundaries.getByTestId('upload-result')).toContainText('6 vùng hợp lệ');
  await expect(boundaries.getByTestId('upload-result')).toContainText('Cập nhật: 6');

  // The demo ran the July 2025 reorganisation: the same file again would change nothing.
  const reorganisation = page.getByTestId('setup-reorganisation');
  const file = path.join(demoData, 'thach-thanh-reorganisation-2025.csv');
  await reorganisation.getByTestId('setup-file-reorganisation').setInputFiles(file);
  await reorganisation.getByRole('button', { name: 'Kiểm tra' }).tap();
  await expect(reorganisation.getByTestId('upload-result')).toContainText('24 dòng hợp lệ');
  await expect(reorganisation.getByTestId('upload-result')).toContainText('Đã áp dụng trước đó: 24');
  await page.screenshot({ path: path.join(shots, 'setup-reorganisation-phone.png'), fullPage: true });

  // One old commune going to two new ones is a split: refused, on its line, saying what it needs.
  const split = `${fs.readFileSync(file, 'utf8').trimEnd()}\n15214,Xã Thạch Định,99999,Xã Mới,2026-01-01,\n`;
  await reorganisation.getByTestId('setup-file-reorganisation')
    .setInputFiles({ name: 'chia-tach.csv', mimeType: 'text/csv', buffer: Buffer.from(split) });
  await reorganisation.getByRole('button', { name: 'Nhập dữ liệu' }).tap();
  const problems = reorganisation.getByTestId('upload-problems');
  await expect(problems).toBeVisible();
  await expect(problems.locator('tbody tr', { hasText: 'chia tách' }).locator('td').first()).toHaveText('26');
});

test('a commune officer sets up their communes\u2019 villages but not the units', async ({ page }) => {
  await signIn(page, 'canbo.kimtan');
  await page.goto('/thiet-lap');
  await waitForHydration(page);
  await expect(page.getByTestId('setup-villages')).toBeVisible();
  await expect(page.getByTestId('setup-boundaries')).toHaveCount(0);
  await expect(page.getByTestId('setup-reorganisation')).toHaveCount(0);
});
