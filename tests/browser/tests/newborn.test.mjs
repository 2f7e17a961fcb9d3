// 新生儿出生一件事 in headless Chromium against `onething demo` (crates/onething/src/commands/
// demo/newborn.rs seeds six applications at every stage, accepted on 21 September 2026): the
// guide, the mother's progress page, her one form, a department officer finishing an item,
// and the hospital's one-window clerk filing for a mother.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, freshPage, launch, shot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A synthetic citizen id with a valid check character (GB 11643). */
function citizenId(region, birth, seq) {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const check = (12 - (sum % 11)) % 11;
  return body + (check === 10 ? 'X' : String(check));
}

test('the guide tells the family who qualifies and what is asked', async () => {
  const page = await freshPage(browser, { phone: true });
  await page.goto(`${BASE}/newborn/guide`);
  const text = await page.locator('main').innerText();
  assert.match(text, /智能导引/);
  assert.match(text, /出生1个月内/);
  assert.match(text, /结婚证/);
  await shot(page, 'newborn-guide');
});

test("the mother's page shows every item's progress, dates, results and messages", async () => {
  const page = await freshPage(browser, { phone: true });
  await signIn(page, 'newbornMother');
  await page.goto(`${BASE}/newborn/applications`);
  await shot(page, 'newborn-applications');
  await Promise.all([page.waitForURL(/\/newborn\/applications\/NB/),
    page.locator('a[href^="/newborn/applications/NB"]').first().click()]);
  const items = await page.locator('section:has(#items)').innerText();
  for (const name of ['出生医学证明', '预防接种证', '出生登记', '社会保障卡', '生育医疗费用报销', '居民医保', '科学育儿']) {
    assert.match(items, new RegExp(name));
  }
  assert.match(items, /已办结/);
  assert.match(items, /未办结/);
  assert.match(items, /\d{4}-\d{2}-\d{2}/);
  const main = await page.locator('main').innerText();
  assert.match(main, /承诺办结/);
  assert.match(main, /受理通知书/);
  assert.match(main, /电子证照/);
  assert.doesNotMatch(main, /\d{17}[\dX]/, 'no full citizen id on her page');
  await shot(page, 'newborn-progress');
});

test('the mother fills in the one form and gets her notice at once', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'mother');
  await page.goto(`${BASE}/newborn/apply`);
  await page.getByLabel('父亲公民身份号码').fill(citizenId('500228', '19900101', 137));
  await page.getByLabel('新生儿民族').fill('汉族');
  await page.getByLabel('父亲确认').check();
  await page.getByLabel('制卡银行').selectOption('ccb');
  await page.getByLabel('邮寄送达（自费）').check();
  await page.getByLabel('收件人（邮寄时填）').fill('演示母亲');
  await page.getByLabel('联系电话（邮寄时填）').fill('13800000000');
  await page.getByLabel('邮寄地址（邮寄时填）').fill('梁平区演示路8号');
  await shot(page, 'newborn-form');
  await Promise.all([page.waitForURL(/\/newborn\/applications\/NB/),
    page.getByRole('button', { name: '提交申请' }).click()]);
  const main = await page.locator('main').innerText();
  assert.match(main, /受理通知书|一次性告知书|不予受理通知书/);
  assert.match(main, /核验码/);
  await shot(page, 'newborn-form-result');
});

test('a department officer finishes an item of her department with its result', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'health');
  await page.goto(`${BASE}/dept/newborn`);
  await shot(page, 'newborn-dept-queue');
  const open = page.locator('tr', { hasText: '科学育儿指导服务登记' }).getByRole('link', { name: /办理/ });
  assert.ok(await open.count() > 0, 'an open parenting-guidance item');
  await Promise.all([page.waitForURL(/\/dept\/newborn\/.+\/HEALTH-PARENTING$/), open.first().click()]);
  assert.match(await page.locator('pre').innerText(), /"bundle": "newborn"/);
  assert.doesNotMatch(await page.locator('pre').innerText(), /\d{17}[\dX]/, 'ids masked for parenting guidance');
  await page.getByLabel('电子证照编号').fill('ZD-2026-0001');
  await page.getByLabel(/办理结果/).fill('home_visits=2026-12-07,2027-01-04');
  await shot(page, 'newborn-dept-item');
  await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: '办结' }).click()]);
  assert.match(await page.locator('main').innerText(), /已办结/);
});

test("the hospital's one-window clerk files for a mother and the notice lists every missing material", async () => {
  const page = await freshPage(browser);
  await signIn(page, 'hospital');
  await page.goto(`${BASE}/newborn/apply`);
  await page.getByLabel('母亲公民身份号码').fill(citizenId('500228', '19970305', 246));
  await page.getByLabel('父亲公民身份号码').fill(citizenId('500228', '19950611', 135));
  await page.getByLabel('新生儿民族').fill('土家族');
  await page.getByLabel('父亲确认').check();
  await page.getByLabel('领取人').selectOption('father');
  await page.getByLabel('已核验母亲签字捺印的委托授权').check();
  await shot(page, 'newborn-window-form');
  await Promise.all([page.waitForURL(/\/newborn\/applications\/NB/),
    page.getByRole('button', { name: '提交申请' }).click()]);
  const materials = await page.locator('section:has(#materials)').innerText();
  assert.match(materials, /一次性告知/);
  for (const m of ['产时记录页', '母亲的居民户口簿', '父亲的居民户口簿', '结婚证']) {
    assert.match(materials, new RegExp(m));
  }
  assert.match(await page.locator('main').innerText(), /一窗受理/);
  await shot(page, 'newborn-window-notice');
});
