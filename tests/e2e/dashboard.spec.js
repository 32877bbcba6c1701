// The leaders' dashboard on a phone and on a desktop: KPI cards against the plan's targets, a
// choropleth and a table of communes that follow the chosen indicator, and the priority list
// that opens a village on the map.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { signIn, waitForHydration, watchCsp } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');

async function leaderDashboard(page) {
  await signIn(page, 'lanhdao');
  await page.getByTestId('dashboard-link').click();
  await expect(page).toHaveURL(/\/bang-dieu-khien/);
  await waitForHydration(page);
  await expect(page.getByTestId('kpi-cards').locator('.kpi')).toHaveCount(10);
}

for (const [device, viewport, isMobile] of [['phone', null, true], ['desktop', { width: 1280, height: 900 }, false]]) {
  test.describe(device, () => {
    if (viewport) test.use({ viewport, isMobile, hasTouch: false });

    test(`a leader sees the KPI cards and switches indicator on a ${device}`, async ({ page }) => {
      const violations = watchCsp(page);
      await leaderDashboard(page);
      const wifi = page.locator('.kpi[data-indicator="cultural_house_wifi"]');
      await expect(wifi).toHaveClass(/kpi--selected/);
      await expect(wifi).toContainText('Mục tiêu 100%');
      await expect(wifi.locator('.kpi__value')).toHaveText(/^\d+%$/);
      await expect(page.locator('.kpi[data-indicator="adults_vneid"]')).toContainText('Văn phòng HĐND và UBND');

      // This year's quarters so far, with the target drawn as a dashed line.
      await expect(page.getByTestId('trend').locator('.trend__label')).not.toHaveCount(0);
      await expect(page.getByTestId('trend').locator('.trend__target')).toHaveCount(1);
      await expect(page.getByTestId('trend').locator('.trend__dot')).not.toHaveCount(0);
      const rows = page.getByTestId('commune-table').locator('tbody tr');
      await expect(rows).toHaveCount(24);
      await expect(page.locator('.choropleth path.choro')).toHaveCount(24);
      const wifiShades = await page.locator('.choropleth path.choro').evaluateAll((paths) => paths.map((p) => p.getAttribute('class')));
      const wifiFirst = await rows.first().innerText();
      await page.screenshot({ path: path.join(shots, `dashboard-${device}.png`), fullPage: true });

      await page.locator('.kpi[data-indicator="digital_families"] a').click();
      await expect(page).toHaveURL(/indicator=digital_families/);
      await expect(page.getByTestId('chosen-indicator')).toHaveText('Gia đình số: hộ có ít nhất một thành viên có kỹ năng số');
      await expect(page.locator('.kpi[data-indicator="digital_families"]')).toHaveClass(/kpi--selected/);
      // Only four communes have households in the demo: the others show no figure.
      await expect(page.locator('.choropleth path.choro-none')).toHaveCount(20);
      const familyShades = await page.locator('.choropleth path.choro').evaluateAll((paths) => paths.map((p) => p.getAttribute('class')));
      expect(familyShades).not.toEqual(wifiShades);
      expect(await rows.first().innerText()).not.toEqual(wifiFirst);

      await page.getByTestId('sort-by-name').click();
      await expect(page).toHaveURL(/sort=name/);
      const names = await rows.locator('td:first-child').allInnerTexts();
      // By code point, as the server sorts.
      expect(names).toEqual([...names].sort());
      expect(violations).toEqual([]);
    });
  });
}

test('the priority list says why and opens the village on the map', async ({ page }) => {
  await leaderDashboard(page);
  const first = page.getByTestId('priority-list').locator('> li').first();
  await expect(first.locator('.priority-list__reasons li').first()).not.toBeEmpty();
  const village = await first.getAttribute('data-village');
  await first.getByRole('link', { name: 'Xem trên bản đồ' }).click();
  await expect(page).toHaveURL(new RegExp(`village=${village}`));
  const detail = page.getByTestId('house-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('detail-village')).not.toBeEmpty();
});

test('the quarterly report prints like the plan appendix', async ({ page }) => {
  await leaderDashboard(page);
  await page.getByTestId('report-link').click();
  await expect(page).toHaveURL(/\/bao-cao\?year=/);
  const appendix = page.getByTestId('report-appendix');
  await expect(appendix.locator('tbody tr')).toHaveCount(10);
  const first = appendix.locator('tbody tr').first();
  await expect(first.locator('td').nth(2)).toHaveText('90%');
  await expect(first.locator('td').nth(3)).toHaveText('100%');
  await expect(first.locator('td').nth(5)).toHaveText('Phòng Văn hóa, Khoa học và Thông tin');
  await expect(page.locator('.report__commune')).toHaveCount(24);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.app-bar')).toBeHidden();
  await page.pdf({ path: path.join(shots, 'quarterly-report.pdf') }).catch(() => {});
});

test('a team member is not shown the dashboard', async ({ page }) => {
  await signIn(page, 'tocongnghe.kimtan');
  await expect(page.getByTestId('dashboard-link')).toHaveCount(0);
  await page.goto('/bang-dieu-khien');
  await expect(page.getByTestId('dashboard')).toContainText('Tài khoản này không xem được bảng tiến độ.');
});

test('a commune officer enters a figure the app does not record, and a leader narrows to one commune', async ({ page }) => {
  await signIn(page, 'canbo.kimtan');
  await page.getByTestId('dashboard-link').click();
  await waitForHydration(page);
  const staff = page.locator('.kpi[data-indicator="public_staff"]');
  await expect(staff.locator('.kpi__value')).toHaveText('Chưa có số liệu');
  const form = page.getByTestId('figure-form');
  await form.locator('summary').click();
  await form.locator('select[name="indicator"]').selectOption('public_staff');
  await form.locator('input[name="numerator"]').fill('45');
  await form.locator('input[name="denominator"]').fill('50');
  await form.locator('input[name="note"]').fill('Báo cáo của UBND thị trấn');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await expect(form.getByRole('status')).toHaveText('Đã lưu số liệu.');
  await expect(staff.locator('.kpi__value')).toHaveText('90%');
  await expect(page.getByTestId('target-form')).toHaveCount(0);

  await page.getByTestId('account-link').click();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  await signIn(page, 'lanhdao');
  await page.goto('/bang-dieu-khien?indicator=digital_families');
  await waitForHydration(page);
  await expect(page.getByTestId('figure-form')).toHaveCount(0);
  // The card shows the chosen commune's figure: the same as its row in the table.
  const kimTanRow = await page.locator('[data-testid="commune-table"] tr[data-commune="15187"] td').nth(1).innerText();
  await page.getByTestId('dashboard-commune').selectOption('15187');
  await expect(page).toHaveURL(/commune=15187/);
  await expect(page.locator('.kpi[data-indicator="digital_families"] .kpi__value')).toHaveText(kimTanRow.split(' ')[0].split('(')[0]);
  await expect(page.locator('.kpi[data-indicator="public_staff"] .kpi__value')).toHaveText('90%');
  await page.getByTestId('dashboard-commune').selectOption('');
  await expect(page).not.toHaveURL(/commune=/);
});
