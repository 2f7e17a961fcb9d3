// The maternity-allowance pages in headless Chromium against `onething demo`: the employer's
// proactive claim, the clerk's review and settlement, the person's progress, and another
// employer's claim URL. The demo seeds one claim in review (with a photo), one approved
// waiting for settlement and one paid (crates/onething/src/commands/demo/claims.rs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, freshPage, launch, shot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const DECIDED = /审核通过，待结算|审核中|不予支付/;

test("the employer's proactive claim: offer, wage, check, submit, decision", async () => {
  const page = await freshPage(browser);
  await signIn(page, 'employer');
  assert.equal(new URL(page.url()).pathname, '/employer/offers');
  const offers = page.locator('.offer-card');
  assert.ok(await offers.count() > 0, 'the demo employer has offers');
  await shot(page, 'employer-offers');
  await Promise.all([page.waitForURL(/\/employer\/claims\/MA/),
    offers.first().getByRole('button', { name: /发起申领/ }).click()]);
  assert.match(await page.locator('#step-1').innerText(), /出生医学证明/);
  await page.getByLabel(/上年度职工月平均工资/).check();
  await Promise.all([page.waitForURL(/#step-3$/),
    page.getByRole('button', { name: '确认工资基数' }).click()]);
  assert.match(await page.locator('#step-2').innerText(), /已确认/);
  assert.match(await page.locator('#step-3').innerText(), /来源/);
  await shot(page, 'employer-wizard');
  await Promise.all([page.waitForURL(/#result$/),
    page.getByRole('button', { name: '提交申领' }).click()]);
  assert.match(await page.locator('#claim-status').innerText(), DECIDED);
  const result = await page.locator('#result').innerText();
  assert.match(result, /提交/);
  await shot(page, 'employer-claim-result');
  await page.goto(`${BASE}/employer/claims`);
  assert.ok(await page.locator('.claims-table tbody tr').count() >= 1);
  await shot(page, 'employer-claims');
});

test('the clerk approves the claim in review, seeing its evidence and photo', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'clerk');
  assert.equal(new URL(page.url()).pathname, '/clerk/review');
  // The one with a photo (the demo's upload) is the one to approve.
  const links = await page.locator('.claims-table a').evaluateAll((a) => a.map((l) => l.getAttribute('href')));
  assert.ok(links.length > 0, 'the queue is not empty');
  let found = false;
  for (const href of links) {
    await page.goto(`${BASE}${href}`);
    if (await page.locator('img.photo').count() > 0) { found = true; break; }
  }
  assert.ok(found, 'a claim in review has a photo');
  const evidence = await page.locator('.evidence').innerText();
  assert.match(evidence, /来源/);
  assert.match(evidence, /出生医学证明（卫生健康部门）|分娩记录（医院）/);
  assert.doesNotMatch(evidence, /\d{17}[\dX]/, 'no full citizen id on the page');
  const photo = await page.locator('img.photo').first().evaluate((img) => img.naturalWidth);
  assert.ok(photo > 0, 'the photo loads');
  await shot(page, 'clerk-review');
  await page.getByLabel('通过').check();
  await Promise.all([page.waitForURL(/reviewed=1/),
    page.getByRole('button', { name: '提交审核结论' }).click()]);
  assert.match(await page.locator('#claim-status').innerText(), /审核通过/);
  await shot(page, 'clerk-reviewed');
});

test('the clerk runs a settlement, downloads the payment file and imports the bank results', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'clerk');
  await page.goto(`${BASE}/clerk/settlements`);
  await Promise.all([page.waitForURL(/\/clerk\/settlements\/ST/),
    page.getByRole('button', { name: '立即结算' }).click()]);
  const rows = page.locator('.payments-table tbody tr');
  assert.ok(await rows.count() > 0, 'the batch has payments');
  assert.match(await rows.first().innerText(), /待银行回盘/);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: /下载支付文件（CSV）/ }).click()]);
  const csv = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString('utf8');
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'payment_id,payee_name,bank,account,amount_fen,claims');
  const ids = lines.slice(1).map((l) => l.split(',')[0]);
  assert.ok(ids.length > 0);
  await shot(page, 'clerk-settlement');
  const results = ['payment_id,result,reason', ...ids.map((id) => `${id},paid,`), 'PAY-UNKNOWN,paid,'].join('\n');
  await page.getByLabel(/^银行回盘文件/).fill(results);
  await page.getByRole('button', { name: '导入回盘' }).click();
  await page.waitForLoadState();
  const report = await page.locator('#import-report').innerText();
  assert.match(report, new RegExp(`已支付 ${ids.length} 笔`));
  assert.match(report, /PAY-UNKNOWN/);
  assert.match(await rows.first().innerText(), /已支付/);
  await shot(page, 'clerk-settlement-paid');
  await page.goto(`${BASE}/clerk/settlements`);
  await shot(page, 'clerk-settlements');
});

test("the person's progress page shows her claim's steps with dates", async () => {
  const page = await freshPage(browser, { phone: true });
  await signIn(page, 'mother');
  assert.equal(new URL(page.url()).pathname, '/my/claims');
  const claim = page.locator('article.claim').first();
  const text = await claim.innerText();
  for (const step of ['提交', '审核', '结算', '支付到账']) assert.match(text, new RegExp(step));
  assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  assert.match(text, /已支付/);
  assert.match(text, /核定金额/);
  assert.match(await page.locator('main').innerText(), /站内消息/);
  await shot(page, 'person-claims');
});

test("an employer opening another employer's claim gets the not-found page", async () => {
  const clerk = await freshPage(browser);
  await signIn(clerk, 'clerk');
  await clerk.goto(`${BASE}/clerk/claims`);
  const all = await clerk.locator('.claims-table a').evaluateAll((a) => a.map((l) => l.textContent.trim()));
  const page = await freshPage(browser);
  await signIn(page, 'employer');
  await page.goto(`${BASE}/employer/claims`);
  const own = await page.locator('.claims-table a').evaluateAll((a) => a.map((l) => l.textContent.trim()));
  const other = all.find((id) => !own.includes(id));
  const target = other ?? 'MA20260101DEADBEEF';
  const response = await page.goto(`${BASE}/employer/claims/${target}`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('main').innerText(), /未找到请求的资源/);
  await shot(page, 'employer-other-claim');
});
