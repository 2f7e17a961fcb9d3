// The pages in headless Chromium against a running `onething demo` (scripts/browser-test).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, caseIds, freshPage, launch, shot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const DATE = /\d{4}-\d{2}-\d{2}/;

test('a failed sign-in shows the error and stays on /login', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE}/login`);
  await page.getByLabel('用户名').fill('demo-clerk');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.match(await page.getByRole('alert').innerText(), /用户名或密码错误/);
  assert.equal(await page.getByLabel('用户名').inputValue(), 'demo-clerk');
  await shot(page, 'login-failed');
});

test("a person's progress page shows each item's progress and dates", async () => {
  const page = await freshPage(browser, { phone: true });
  await signIn(page, 'mother');
  assert.equal(new URL(page.url()).pathname, '/my/claims');
  await page.goto(`${BASE}/cases`);
  await shot(page, 'person-cases');
  await page.locator('.case-card a').first().click();
  await page.waitForURL(/\/cases\/[^/]+$/);
  const steps = page.locator('.steps > li');
  assert.ok(await steps.count() > 0, 'the case has items');
  const text = await page.locator('main').innerText();
  assert.match(text, /未办结|已办结/);
  assert.match(text, /受理日期/);
  assert.match(text, DATE);
  await shot(page, 'person-case');
});

test("a supervisor's overdue list puts overdue items first", async () => {
  const page = await freshPage(browser);
  await signIn(page, 'supervisor');
  assert.equal(new URL(page.url()).pathname, '/due');
  await page.getByRole('heading', { level: 1 }).waitFor();
  const kinds = await page.locator('.due-table tbody tr').evaluateAll(
    (rows) => rows.map((r) => (r.classList.contains('overdue') ? 0 : 1)));
  assert.deepEqual(kinds, [...kinds].sort(), 'overdue rows come first');
  await shot(page, 'supervisor-due');
});

test("a department officer sees its department's items with deadlines", async () => {
  const page = await freshPage(browser);
  await signIn(page, 'health');
  assert.equal(new URL(page.url()).pathname, '/dept/items');
  const heading = await page.getByRole('heading', { level: 1 }).innerText();
  assert.match(heading, /卫生健康/);
  const dates = await page.locator('.due-table tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(dates, [...dates].sort(), 'soonest deadline first');
  await shot(page, 'dept-items');
});

test('the elder-mode switch enlarges the page', async () => {
  const page = await freshPage(browser, { phone: true });
  await signIn(page, 'mother');
  await page.goto(`${BASE}/cases`);
  await page.getByRole('button', { name: '长者模式' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('body').getAttribute('class'), 'elder');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(size >= 20, `base font ${size}px`);
  assert.equal(new URL(page.url()).pathname, '/cases', 'the switch returns to the page');
  await shot(page, 'elder-mode');
  await page.getByRole('button', { name: '退出长者模式' }).click();
  await page.waitForLoadState();
  assert.notEqual(await page.locator('body').getAttribute('class'), 'elder');
});

test("a person trying another person's case gets the not-found page", async () => {
  const clerk = await freshPage(browser);
  await signIn(clerk, 'clerk');
  const all = await caseIds(clerk);
  const page = await freshPage(browser);
  await signIn(page, 'mother');
  const own = await caseIds(page);
  const other = all.find((id) => !own.includes(id));
  assert.ok(other, 'the clerk sees a case that is not the mother\'s');
  const response = await page.goto(`${BASE}/cases/${other}`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('main').innerText(), /未找到请求的资源/);
  await shot(page, 'not-found');
});

test('keyboard: Tab reaches the sign-in fields and the button shows its focus', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE}/login`);
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  let reached = false;
  for (let i = 0; i < 10 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = (await focused()) === 'username';
  }
  assert.ok(reached, 'Tab reaches the username field');
  await page.keyboard.type('demo-clerk');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'password');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { tag: document.activeElement.tagName, style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.equal(outline.tag, 'BUTTON');
  assert.notEqual(outline.style, 'none');
  assert.ok(outline.width >= 2, `outline ${outline.width}px`);
  await shot(page, 'keyboard-focus');
});

test('an administrator sees the catalogue with bundle chains', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'admin');
  await page.goto(`${BASE}/admin/catalog`);
  assert.match(await page.locator('main').innerText(), /按依赖链计算/);
  await shot(page, 'admin-catalog');
});
