// Every page fits a 360 px phone, for every role: nothing makes the page scroll sideways, and no
// link or button of the app bar is cut short. Pages a role may not open (a redirect, a refusal)
// must fit too. A table too wide for the phone may scroll inside its own box, never the page.
const { test, expect } = require('@playwright/test');
const { signIn, waitForHydration } = require('./helpers');

/** Every route of the app (app/src/lib.rs, `<Routes>`). */
const PAGES = ['/', '/dang-nhap', '/tai-khoan', '/thuc-dia', '/bang-dieu-khien', '/bao-cao', '/nha-mang', '/tang-thiet-bi', '/thiet-lap', '/quan-ly-tai-khoan'];

/** Signed out, then each demo account (README, "Demo accounts"). */
const ROLES = [
  ['public', null],
  ['admin', 'admin'],
  ['leader', 'lanhdao'],
  ['commune officer', 'canbo.kimtan'],
  ['team member', 'tocongnghe.kimtan'],
  ['telecom', 'viettel'],
];

const PHONE = { width: 360, height: 740 };

/**
 * What overflows, measured in the page: the document's scroll width, the element reaching
 * furthest past the screen's edges (not counting what a scroll box of its own contains), and the
 * app bar's elements whose text is cut (wider content than box, or an ellipsis doing its work).
 */
function measure() {
  const width = document.documentElement.clientWidth;
  const describe = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 5; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) part += `#${node.id}`;
      const testid = node.getAttribute('data-testid');
      if (testid) part += `[data-testid="${testid}"]`;
      part += [...node.classList].map((name) => `.${name}`).join('');
      if (!testid && !node.classList.length && node.parentElement) {
        part += `:nth-child(${[...node.parentElement.children].indexOf(node) + 1})`;
      }
      parts.unshift(part);
    }
    const text = (element.innerText || element.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${parts.join(' > ')}${text ? ` ("${text}")` : ''}`;
  };
  // An element inside a box that scrolls or clips sideways cannot widen the page.
  const contained = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== 'visible') return true;
    }
    return false;
  };
  let widest = null;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const past = Math.max(box.right - width, -box.left);
    if (past <= 0.5 || contained(element)) continue;
    // The widest of those; of equals, the outer one (a table rather than its row).
    if (!widest || box.width > widest.width) widest = { element, width: box.width, left: box.left, right: box.right };
  }
  const clipped = [];
  for (const element of document.querySelectorAll('header *')) {
    if (element.clientWidth === 0) continue;
    const style = getComputedStyle(element);
    const cut = element.scrollWidth > element.clientWidth + 1;
    const ellipsis = style.textOverflow === 'ellipsis' && style.overflowX !== 'visible' && element.scrollWidth > element.clientWidth;
    if (cut || ellipsis) clipped.push(`${describe(element)}: content ${element.scrollWidth} px in ${element.clientWidth} px`);
  }
  return {
    viewport: width,
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    widest: widest && `${describe(widest.element)}: ${Math.round(widest.width)} px wide, from ${Math.round(widest.left)} to ${Math.round(widest.right)} px`,
    clipped,
  };
}

test.use({ viewport: PHONE });

for (const [role, username] of ROLES) {
  test(`every page fits a 360 px phone: ${role}`, async ({ page }) => {
    test.setTimeout(40_000 + PAGES.length * 15_000);
    if (username) await signIn(page, username);
    for (const path of PAGES) {
      await test.step(path, async () => {
        await page.goto(path);
        await waitForHydration(page);
        // Lists that load once the page is up (donations, the field app) can still widen it.
        await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
        if (await page.getByTestId('field-page').count()) {
          await expect(page.getByTestId('field-page')).toHaveAttribute('data-ready', 'true');
        }
        const found = await page.evaluate(measure);
        const where = `${path} as ${role} (${page.url()})`;
        expect.soft(found.viewport, `${where}: viewport`).toBe(PHONE.width);
        expect.soft(found.scrollWidth, `${where} scrolls sideways; widest: ${found.widest}`).toBeLessThanOrEqual(PHONE.width);
        expect.soft(found.widest, `${where}: an element reaches past the screen`).toBeNull();
        expect.soft(found.clipped, `${where}: app bar text cut short`).toEqual([]);
      });
    }
  });
}
