// Accounts on a phone: the public map, signing in, scope, wrong passwords, signing out.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { signIn, waitForHydration, watchCsp } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');

test('the public map shows only working Wi-Fi, without personal data', async ({ page }) => {
  const violations = watchCsp(page);
  await page.goto('/');
  await expect(page.getByTestId('public-notice')).toBeVisible();
  await expect(page.getByTestId('wifi-count')).toContainText('nhà văn hóa có Wi-Fi miễn phí');
  await expect(page.getByTestId('status-filter')).toHaveCount(0);
  // The server-rendered picture of the map carries the houses (Leaflet is not fetched for it).
  const markers = page.locator('.map__preview .preview-marker');
  await expect(markers.first()).toBeVisible();
  const count = Number.parseInt(await page.getByTestId('wifi-count').locator('strong').innerText(), 10);
  await expect(markers).toHaveCount(count);
  await expect(page.locator('.preview-marker:not(.status-active)')).toHaveCount(0);
  expect(violations).toEqual([]);
});

test('a team member on a phone signs in and sees only the villages of the team', async ({ page }) => {
  await signIn(page, 'tocongnghe.kimtan');
  await expect(page.getByTestId('account-link')).toHaveText('Tổ công nghệ số Khu phố 1–2');
  const markers = page.locator('.map__preview .preview-marker');
  await expect(markers).toHaveCount(2);
  await expect(page.getByTestId('wifi-count').locator('strong')).toHaveText(/\/2$/);
  const places = await page.locator('.house-list__place').allTextContents();
  expect(places.sort()).toEqual(['Khu phố 1 · Xã Kim Tân', 'Khu phố 2 · Xã Kim Tân']);
  await page.screenshot({ path: path.join(shots, 'team-member-phone.png') });

  await page.getByTestId('account-link').tap();
  await expect(page.getByTestId('account-username')).toHaveText('tocongnghe.kimtan');
  await page.getByTestId('sign-out').tap();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  await expect(page.getByTestId('public-notice')).toBeVisible();
});

test('a wrong password gets a Vietnamese message that does not say which part was wrong', async ({ page }) => {
  await page.goto('/dang-nhap');
  await waitForHydration(page);
  await page.getByLabel('Tên đăng nhập').fill('lanhdao');
  await page.getByLabel('Mật khẩu').fill('not the password');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('Tên đăng nhập hoặc mật khẩu không đúng.');
  await expect(page).toHaveURL(/dang-nhap/);
  await page.screenshot({ path: path.join(shots, 'login-error-phone.png') });
});

test('a commune officer updates a cultural house Wi-Fi by hand on a phone', async ({ page }) => {
  await signIn(page, 'canbo.kimtan');
  await expect(page.locator('.preview-marker').first()).toBeVisible();
  // Open the house from the list below the map (the other way in, beside tapping its marker).
  await page.locator('.house-list summary').tap();
  const item = page.locator('.house-list button').first();
  const id = await item.getAttribute('data-house-id');
  const classes = await page.locator(`.preview-marker.house-${id}`).getAttribute('class');
  const next = classes.includes('status-planned') ? 'none' : 'planned';
  await item.tap();
  const detail = page.getByTestId('house-detail');
  await detail.getByTestId('wifi-edit').locator('summary').tap();
  await detail.getByTestId('edit-status').selectOption(next);
  await detail.getByTestId('edit-verified').fill('2026-11-24');
  await page.screenshot({ path: path.join(shots, 'wifi-edit-phone.png') });
  await detail.getByTestId('edit-save').tap();
  await expect(page.locator(`.preview-marker.house-${id}`)).toHaveClass(new RegExp(`status-${next}`));
});
