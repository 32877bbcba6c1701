// Going live in a real place, on phones, from an empty database (no demo data): the first admin
// imports the province and its 6 communes of 2025, villages and cultural houses from XLSX files
// and households from a semicolon CSV, places a house by GPS and creates a commune officer; the
// officer creates two team members and gets their sign-in sheet; one of them signs in on another
// phone with it and records a visit, which the map, the field progress and the dashboard show.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect, devices } = require('@playwright/test');
const { EMPTY_ADMIN_PASSWORD, emptyAddr, signIn, waitForHydration } = require('./helpers');

const demoData = path.join(__dirname, '..', '..', 'server', 'src', 'demo', 'data');
const shots = path.join(__dirname, 'output', 'screenshots');
const base = `http://${emptyAddr()}`;
/** Another phone: a context of its own, as the config's (Pixel 7, Vietnamese). */
const phone = { ...devices['Pixel 7'], locale: 'vi-VN', baseURL: base };

test.use({ baseURL: base, permissions: ['geolocation'], geolocation: { latitude: 20.1234, longitude: 105.6789, accuracy: 9 } });

/** Uploads a file into one form of the set-up page and presses one of its buttons. */
async function importInto(page, kind, file, button = 'Nhập dữ liệu') {
  const form = page.getByTestId(`setup-${kind}`);
  await form.getByTestId(`setup-file-${kind}`).setInputFiles(file);
  await form.getByRole('button', { name: button }).tap();
  return form.getByTestId('upload-result');
}

/** A template of the set-up page, as the office downloads it (XLSX with one example line). */
async function template(page, kind) {
  const response = await page.request.get(`/api/v1/imports/templates/${kind}.xlsx`);
  expect(response.ok()).toBeTruthy();
  const mimeType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return { name: `${kind}.xlsx`, mimeType, buffer: await response.body() };
}

/** Adds an account on the accounts page and answers its one-time password from the sheet. */
async function addAccount(page, { username, name, role, scope }) {
  const form = page.getByTestId('members-add');
  if (!(await form.evaluate((details) => details.open))) await form.locator('summary').tap();
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="display_name"]').fill(name);
  if (role) await form.locator('select[name="role"]').selectOption(role);
  await form.locator('input[name="scope"]').fill(scope);
  await form.getByTestId('members-add-submit').tap();
  await expect(page.getByTestId('members-outcome')).toContainText('Đã thêm');
  const row = page.getByTestId('sign-in-sheet').locator('tr', { hasText: username });
  return (await row.locator('code').innerText()).trim();
}

test('a place goes live from an empty database: boundaries, lists, accounts, and a first visit', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, 'admin', EMPTY_ADMIN_PASSWORD);
  // Nothing in the database: the map points whoever sets up places to the set-up page.
  await expect(page.getByTestId('setup-prompt')).toBeVisible();
  await page.getByTestId('setup-prompt').getByRole('link').tap();
  await expect(page).toHaveURL(/\/thiet-lap$/);
  await waitForHydration(page);
  await expect(page.getByTestId('setup-checklist').locator('li').first()).toContainText('Chưa có xã nào');

  // The province, drawn with the former district's outline, then its 6 communes of July 2025.
  const outline = JSON.parse(fs.readFileSync(path.join(demoData, 'thach-thanh-district.geojson'), 'utf8'));
  outline.features[0].properties = { code: '38', name: 'Tỉnh Thanh Hóa', level: 'province' };
  const province = { name: 'tinh.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(outline)) };
  await expect(await importInto(page, 'boundaries', province)).toContainText('Đã nhập 1 vùng');
  const communes = path.join(demoData, 'thach-thanh-communes-2025.geojson');
  const communesResult = await importInto(page, 'boundaries', communes);
  await expect(communesResult).toContainText('Đã nhập 6 vùng');
  await expect(communesResult).toContainText('Tạo mới: 6');

  // Villages and cultural houses from the office's XLSX files (the templates, filled in).
  await expect(await importInto(page, 'villages', await template(page, 'villages'))).toContainText('Đã nhập 1 dòng');
  await expect(await importInto(page, 'cultural-houses', await template(page, 'cultural-houses'))).toContainText('Đã nhập 1 dòng');
  // Households from a semicolon CSV with Vietnamese headers, checked first.
  const households = 'Mã thôn;Chủ hộ;Hộ nghèo;Số người lớn;Có điện thoại thông minh\n'
    + '15187-01;Hộ bà Lò Thị Ánh;có;2;không\n15187-01;Hộ ông Hà Văn Bình;không;3;có\n';
  const householdsFile = { name: 'ho-gia-dinh.csv', mimeType: 'text/csv', buffer: Buffer.from(households) };
  await expect(await importInto(page, 'households', householdsFile, 'Kiểm tra')).toContainText('2 dòng hợp lệ');
  await expect(await importInto(page, 'households', householdsFile)).toContainText('Đã nhập 2 dòng');
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId('setup-checklist').locator('.checklist__step--done')).toHaveCount(5);
  await page.screenshot({ path: path.join(shots, 'go-live-setup-phone.png'), fullPage: true });

  // Standing at the cultural house: its position from the phone's GPS.
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByTestId('wifi-count')).toContainText('/1');
  await page.locator('.house-list summary').tap();
  await page.locator('.house-list button').first().tap();
  await page.context().setGeolocation({ latitude: 20.1251, longitude: 105.6802, accuracy: 9 });
  const placeHere = page.getByTestId('place-here');
  await placeHere.getByRole('button').tap();
  await expect(placeHere).toContainText('sai số ± 9 m');
  const houses = await (await page.request.get('/api/v1/cultural-houses')).json();
  expect(houses.features[0].geometry.coordinates).toEqual([105.6802, 20.1251]);

  // The commune officer, then the officer's two team members with one sign-in sheet.
  await page.goto('/quan-ly-tai-khoan');
  await waitForHydration(page);
  const officerPassword = await addAccount(page, {
    username: 'canbo.kimtan', name: 'Cán bộ xã Kim Tân', role: 'commune_officer', scope: '15187',
  });
  const officerPhone = await browser.newContext(phone);
  const officer = await officerPhone.newPage();
  await signIn(officer, 'canbo.kimtan', officerPassword);
  await officer.goto('/tai-khoan');
  await waitForHydration(officer);
  await officer.getByTestId('members-page-link').tap();
  await expect(officer).toHaveURL(/\/quan-ly-tai-khoan$/);
  await waitForHydration(officer);
  const memberPassword = await addAccount(officer, { username: 'tcn.kimtan.01', name: 'Nguyễn Thị Bình', scope: '15187-01' });
  await addAccount(officer, { username: 'tcn.kimtan.02', name: 'Trần Văn Cường', scope: '15187-01' });
  await expect(officer.getByTestId('sign-in-sheet').locator('tbody tr')).toHaveCount(2);
  await expect(officer.getByTestId('members-list').getByTestId('member')).toHaveCount(2);
  await officer.screenshot({ path: path.join(shots, 'go-live-sign-in-sheet-phone.png'), fullPage: true });

  // The first team member, on a phone of their own, with the sheet's password: a visit.
  const memberPhone = await browser.newContext({
    ...phone, permissions: ['geolocation'], geolocation: { latitude: 20.1234, longitude: 105.6789, accuracy: 9 },
  });
  const member = await memberPhone.newPage();
  await signIn(member, 'tcn.kimtan.01', memberPassword);
  await member.goto('/thuc-dia');
  await waitForHydration(member);
  await expect(member.getByTestId('field-page')).toHaveAttribute('data-ready', 'true');
  await expect(member.getByTestId('door')).toHaveCount(2);
  await member.getByTestId('door').filter({ hasText: 'Lò Thị Ánh' }).tap();
  const visit = member.getByTestId('visit-form');
  await visit.locator('[data-skill="online_safety"]').tap();
  await visit.getByTestId('save-visit').tap();
  await expect(visit).toBeHidden();
  await expect(member.getByTestId('pending-count')).toHaveAttribute('data-count', '0', { timeout: 30_000 });

  // What the leaders see: the house on the map, the village's households and its visit.
  const progress = await (await page.request.get('/api/v1/progress/villages')).json();
  const village = progress.find((row) => row.village_code === '15187-01');
  expect(village).toMatchObject({ households: 2, households_visited: 1, visits: 1 });
  await page.goto('/bang-dieu-khien');
  await waitForHydration(page);
  await expect(page.locator('main')).not.toContainText('Dữ liệu minh họa');
  await page.screenshot({ path: path.join(shots, 'go-live-dashboard-phone.png'), fullPage: true });
  await officerPhone.close();
  await memberPhone.close();
});
