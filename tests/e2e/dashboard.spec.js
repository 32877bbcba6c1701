// The leaders' dashboard on a phone and on a desktop: every indicator on the first screen, the
// chosen one's trend, map and table one level down the area, drilling from the province to a
// commune to a village and back, history by the units of its time, and the priority list.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { signIn, waitForHydration, watchCsp } = require('./helpers');

const shots = path.join(__dirname, 'output', 'screenshots');
/// The 6 communes since 1 July 2025 (Resolution 1686/NQ-UBTVQH15), as the demo has them.
const COMMUNES_2025 = ['15187', '15190', '15199', '15211', '15229', '15250'];

async function leaderDashboard(page, query = '') {
  await signIn(page, 'lanhdao');
  if (query) {
    await page.goto(`/bang-dieu-khien?${query}`);
  } else {
    await page.getByTestId('dashboard-link').click();
  }
  await expect(page).toHaveURL(/\/bang-dieu-khien/);
  await waitForHydration(page);
  await expect(page.getByTestId('kpi-cards').locator('.indicator-row')).toHaveCount(10);
}

for (const [device, viewport, isMobile] of [['phone', null, true], ['desktop', { width: 1280, height: 900 }, false]]) {
  test.describe(device, () => {
    if (viewport) test.use({ viewport, isMobile, hasTouch: false });

    test(`a province leader sees every indicator at once and switches indicator on a ${device}`, async ({ page }) => {
      const violations = watchCsp(page);
      await leaderDashboard(page);
      await expect(page.getByTestId('area-name')).toContainText('Tỉnh Thanh Hóa');
      // The first screen holds every indicator.
      if (isMobile) {
        const last = await page.locator('.indicator-row').last().boundingBox();
        expect(last.y + last.height).toBeLessThan(page.viewportSize().height * 1.6);
      }
      const wifi = page.locator('.indicator-row[data-indicator="cultural_house_wifi"]');
      await expect(wifi.locator('a')).toHaveAttribute('aria-current', 'true');
      await expect(wifi).toContainText('Mục tiêu 100%');
      await expect(wifi.locator('.indicator-row__value')).toHaveText(/^\d+%$/);
      // An indicator nobody reported says so in one line.
      await expect(page.locator('.indicator-row[data-indicator="public_staff"] .indicator-row__none')).toHaveText('Chưa có báo cáo');

      await expect(page.getByTestId('trend').locator('.trend__label')).not.toHaveCount(0);
      await expect(page.getByTestId('trend').locator('.trend__target')).toHaveCount(1);
      const rows = page.getByTestId('commune-table').locator('tbody tr');
      await expect(rows).toHaveCount(6);
      // The map draws the 6 real communes of today.
      const drawn = await page.locator('.choropleth path.choro').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-commune')));
      expect(drawn.sort()).toEqual(COMMUNES_2025);
      await expect(page.locator('.choropleth title').first()).toContainText('Xã');
      await page.screenshot({ path: path.join(shots, `dashboard-${device}.png`), fullPage: true });

      const wifiShades = await page.locator('.choropleth path.choro').evaluateAll((paths) => paths.map((p) => p.getAttribute('class')));
      await page.locator('.indicator-row[data-indicator="digital_families"] a').click();
      await expect(page).toHaveURL(/indicator=digital_families/);
      await expect(page.getByTestId('chosen-indicator')).toHaveText('Gia đình số: hộ có ít nhất một thành viên có kỹ năng số');
      const familyShades = await page.locator('.choropleth path.choro').evaluateAll((paths) => paths.map((p) => p.getAttribute('class')));
      expect(familyShades).not.toEqual(wifiShades);

      await page.getByTestId('sort-by-name').click();
      await expect(page).toHaveURL(/sort=name/);
      const names = await rows.locator('td:first-child').allInnerTexts();
      expect(names).toEqual([...names].sort());
      expect(violations).toEqual([]);
    });
  });
}

test('a province leader on a phone drills from the province to a commune to a village and back', async ({ page }) => {
  await leaderDashboard(page);
  const rows = page.getByTestId('commune-table').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  await page.locator('tr[data-commune="15187"] a[data-testid="drill-down"]').click();
  await expect(page).toHaveURL(/unit=15187/);
  await expect(page.getByTestId('area-name')).toContainText('Xã Kim Tân');
  await expect(page.getByRole('heading', { name: 'Theo thôn' })).toBeVisible();
  // Kim Tân's villages, among them those of Thành Trực that joined it in July 2025.
  await expect(rows.first()).toHaveAttribute('data-commune', /^\d{5}-\d\d$/);
  await expect(page.locator('tr[data-commune="15241-01"]')).toHaveCount(1);
  await expect(page.getByTestId('kpi-cards').locator('.indicator-row')).toHaveCount(10);
  await page.locator('tr[data-commune="15187-01"] a').click();
  await expect(page).toHaveURL(/village=15187-01/);
  await expect(page.getByTestId('house-detail')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/unit=15187/);
  await page.goBack();
  await expect(page).not.toHaveURL(/unit=/);
  await expect(rows).toHaveCount(6);
  await page.locator('tr[data-commune="15190"] a[data-testid="drill-down"]').click();
  await expect(page).toHaveURL(/unit=15190/);
  await page.getByTestId('area-top').click();
  await expect(page).not.toHaveURL(/unit=/);
  await expect(rows).toHaveCount(6);
});

test('2025 reads by the communes of its time, or rolled up into today\'s', async ({ page }) => {
  await leaderDashboard(page, 'year=2025&period=2025-Q2&indicator=digital_families');
  const rows = page.getByTestId('commune-table').locator('tbody tr');
  // Before 1 July 2025: the 24 communes and towns of the time.
  await expect(rows).toHaveCount(24);
  await expect(page.locator('tr[data-commune="15241"]')).toContainText('Xã Thành Trực');
  await expect(page.locator('tr[data-commune="15187"]')).toContainText('Thị trấn Kim Tân');
  await page.getByTestId('today-boundaries').click();
  await expect(page).toHaveURL(/today=1/);
  await expect(rows).toHaveCount(6);
  await expect(page.locator('tr[data-commune="15187"]')).toContainText('Xã Kim Tân');
  await page.getByTestId('periods').locator('[data-period="2025-Q3"]').click();
  await page.getByTestId('today-boundaries').click();
  await expect(page).not.toHaveURL(/today=1/);
  await expect(rows).toHaveCount(6);
});

test('the priority list says why and opens the village on the map', async ({ page }) => {
  await leaderDashboard(page);
  const first = page.getByTestId('priority-list').locator('> li').first();
  await expect(first.locator('.priority-list__reasons li').first()).not.toBeEmpty();
  await expect(page.getByTestId('priority-list').locator('> li')).toHaveCount(5);
  const village = await first.getAttribute('data-village');
  await first.locator('a').first().click();
  await expect(page).toHaveURL(new RegExp(`village=${village}`));
  const detail = page.getByTestId('house-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('detail-village')).not.toBeEmpty();
});

test('the quarterly report prints like the plan appendix', async ({ page }) => {
  await leaderDashboard(page);
  await page.getByTestId('report-link').click();
  await expect(page).toHaveURL(/\/bao-cao\?/);
  const appendix = page.getByTestId('report-appendix');
  await expect(appendix.locator('tbody tr')).toHaveCount(10);
  const first = appendix.locator('tbody tr').first();
  await expect(first.locator('td').nth(2)).toHaveText('90%');
  await expect(first.locator('td').nth(3)).toHaveText('100%');
  await expect(first.locator('td').nth(5)).toHaveText('Phòng Văn hóa, Khoa học và Thông tin');
  await expect(page.locator('.report__commune')).toHaveCount(6);
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

test('a commune officer enters a figure the app does not record, and sees it for the commune', async ({ page }) => {
  await signIn(page, 'canbo.kimtan');
  await page.getByTestId('dashboard-link').click();
  await waitForHydration(page);
  await expect(page.getByTestId('area-name')).toContainText('Xã Kim Tân');
  const staff = page.locator('.indicator-row[data-indicator="public_staff"]');
  await expect(staff.locator('.indicator-row__none')).toHaveText('Chưa có báo cáo');
  const form = page.getByTestId('figure-form');
  await form.locator('summary').click();
  await form.locator('select[name="indicator"]').selectOption('public_staff');
  await form.locator('input[name="numerator"]').fill('45');
  await form.locator('input[name="denominator"]').fill('50');
  await form.locator('input[name="note"]').fill('Báo cáo của UBND xã');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await expect(form.getByRole('status')).toHaveText('Đã lưu số liệu.');
  await expect(staff.locator('.indicator-row__value')).toHaveText('90%');
  await expect(page.getByTestId('target-form')).toHaveCount(0);
});
