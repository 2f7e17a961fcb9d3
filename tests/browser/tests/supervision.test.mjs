// Supervision (seed 004) in headless Chromium against `onething demo` (crates/onething/src/
// commands/demo/supervision.rs seeds six months of ended cases, visits and ratings, and a
// case of the demo mother ended today, unrated): the supervisor's dashboard with its SVG
// charts and .xlsx export; a bad rating on the case page through the insurance office's
// investigation and rectification to the supervisor's revisit; a complaint answered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, caseIds, freshPage, launch, shot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the supervisor's dashboard draws every measure beside its target and exports .xlsx", async () => {
  const page = await freshPage(browser);
  await signIn(page, 'supervisor');
  await page.goto(`${BASE}/supervision`);
  const table = page.locator('table.measures');
  assert.equal(await table.locator('tbody tr').count(), 9, 'one row per seed-004 target');
  assert.equal(await table.locator('svg.chart.bar').count(), 9);
  assert.equal(await table.locator('svg.chart.trend').count(), 9);
  const text = await page.locator('main').innerText();
  for (const label of ['平均跑动次数', '差评整改率', '差评回访率', '投诉处理响应率', '即办件事项比例']) {
    assert.match(text, new RegExp(label));
  }
  assert.match(text, /≤ 0\.30/);
  assert.ok(Number(await page.locator('#cases').innerText()) >= 1, 'this month has ended cases');
  await shot(page, 'supervisor-dashboard');
  const href = await page.locator('#export').getAttribute('href');
  const file = await page.request.get(`${BASE}${href}`);
  assert.equal(file.status(), 200);
  assert.match(file.headers()['content-type'], /spreadsheetml/);
  const bytes = await file.body();
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a real .xlsx (zip)');
  await page.selectOption('#period', 'quarter');
  await Promise.all([page.waitForURL(/period=quarter/), page.getByRole('button', { name: '查看' }).click()]);
  assert.match(await page.locator('h1').innerText(), /季分析/);
});

test('a bad rating becomes a rectification that closes only with the revisit', async () => {
  const mother = await freshPage(browser);
  await signIn(mother, 'mother');
  let rated = null;
  for (const id of await caseIds(mother)) {
    await mother.goto(`${BASE}/cases/${id}`);
    if (await mother.locator('#rating-form').count() === 0) continue;
    await mother.selectOption('#score', '1');
    await mother.getByLabel('办理时间长').check();
    await mother.getByLabel('意见', { exact: true }).fill('支付等了很久');
    await mother.locator('summary').click();
    await mother.selectOption('select[name="item.PS-05.score"]', '2');
    await mother.selectOption('select[name="item.PS-05.reason"]', 'MANY_VISITS');
    await shot(mother, 'person-rating');
    await Promise.all([mother.waitForURL(/#rating$/), mother.getByRole('button', { name: '提交评价' }).click()]);
    assert.match(await mother.locator('#rating').innerText(), /您已评价：1 分/);
    rated = id;
    break;
  }
  assert.ok(rated, 'the demo mother has a case ended today, unrated');

  const officer = await freshPage(browser);
  await signIn(officer, 'insurance');
  await officer.goto(`${BASE}/supervision/rectifications`);
  const open = officer.locator(`section.task[data-status="open"]:has(a[href="/cases/${rated}"])`);
  assert.equal(await open.count(), 2, 'the case and its item PS-05: one task each');
  const task = open.first();
  const id = (await task.getAttribute('id')).slice('task-'.length);
  assert.equal(await task.getByRole('button', { name: '记录整改' }).count(), 0, 'no rectification before the investigation');
  await task.getByLabel('调查核实情况').fill('经核实：结算批次间隔过长');
  await Promise.all([officer.waitForURL(/rectifications/), task.getByRole('button', { name: '记录调查' }).click()]);
  const again = officer.locator(`#task-${id}`);
  await again.getByLabel('整改措施').fill('增加结算批次，每周一次');
  await Promise.all([officer.waitForURL(/rectifications/), again.getByRole('button', { name: '记录整改' }).click()]);
  assert.equal(await officer.locator(`#task-${id}`).getAttribute('data-status'), 'rectified');
  assert.equal(await officer.locator(`#task-${id}`).getByRole('button', { name: '记录回访' }).count(), 0,
    'the officer does not revisit');

  const sup = await freshPage(browser);
  await signIn(sup, 'supervisor');
  await sup.goto(`${BASE}/supervision/rectifications`);
  const mine = sup.locator(`#task-${id}`);
  await mine.getByLabel('回访结果').selectOption('satisfied');
  await mine.getByLabel('回访记录').fill('电话回访，参保人表示满意');
  await Promise.all([sup.waitForURL(/rectifications/), mine.getByRole('button', { name: '记录回访' }).click()]);
  const closed = sup.locator(`#task-${id}`);
  assert.equal(await closed.getAttribute('data-status'), 'revisited');
  assert.match(await closed.locator('.revisit').innerText(), /满意/);
  assert.equal(await closed.locator('form').count(), 0, 'a revisited task takes no further move');
  await shot(sup, 'supervisor-rectifications');
});

test('a complaint is filed and answered with its due date', async () => {
  const mother = await freshPage(browser);
  await signIn(mother, 'mother');
  await mother.goto(`${BASE}/complaints`);
  await mother.selectOption('#subject', 'office');
  await mother.getByLabel('窗口所在地区代码（投诉窗口时填写）').fill('500228');
  await mother.getByLabel('投诉内容').fill('窗口排队一小时');
  await Promise.all([mother.waitForURL(/\/complaints#c-/), mother.getByRole('button', { name: '提交投诉' }).click()]);
  const cid = new URL(mother.url()).hash.slice(1);
  assert.match(await mother.locator(`#${cid}`).innerText(), /答复期限：\d{4}-\d{2}-\d{2}/);

  const clerk = await freshPage(browser);
  await signIn(clerk, 'clerk');
  await clerk.goto(`${BASE}/complaints`);
  const card = clerk.locator(`#${cid}`);
  await card.getByLabel('答复内容').fill('已增开窗口，并致歉');
  await Promise.all([clerk.waitForURL(/\/complaints#c-/), card.getByRole('button', { name: '答复' }).click()]);
  assert.match(await clerk.locator(`#${cid} .answer`).innerText(), /已增开窗口.*（按期）/);
  await shot(clerk, 'clerk-complaints');

  await mother.goto(`${BASE}/complaints`);
  assert.match(await mother.locator(`#${cid} .answer`).innerText(), /已增开窗口/);
});

test('the supervisor records an institution in the credit register and removes it with a reason', async () => {
  const sup = await freshPage(browser);
  await signIn(sup, 'supervisor');
  await sup.goto(`${BASE}/supervision/credit-records`);
  await sup.selectOption('#subject_kind', 'institution');
  await sup.getByLabel('公民身份号码或机构代码').fill('H500228099');
  await sup.getByLabel('名称').fill('某某大药房（合成）');
  await sup.getByLabel('处理决定').fill('串换药品骗取医保基金，暂停结算');
  await sup.getByLabel('依据（决定书文号、条款）').fill('医保罚字〔2026〕9号；医疗保障基金使用监督管理条例第四十条');
  await sup.getByLabel('起始日期').fill('2026-01-01');
  await Promise.all([sup.waitForURL(/credit-records#r-/), sup.getByRole('button', { name: '记录', exact: true }).click()]);
  const rid = new URL(sup.url()).hash.slice(1);
  const row = sup.locator(`#${rid}`);
  assert.match(await row.innerText(), /H500228099.*某某大药房/s);
  assert.match(await row.innerText(), /2026-01-01 至 长期/);
  await shot(sup, 'supervisor-credit-records');
  await row.getByPlaceholder('移除理由').fill('行政复议撤销原决定');
  await Promise.all([sup.waitForURL(/credit-records#r-/), row.getByRole('button', { name: '移除' }).click()]);
  assert.match(await sup.locator(`#${rid}`).innerText(), /已移除：行政复议撤销原决定/);
  const csv = await sup.request.get(`${BASE}/supervision/credit-records.csv`);
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /"H500228099"/);
});
