// 生育保险报销一事联办 at the hospital counter, in headless Chromium against `onething demo`,
// keyboard only (no mouse clicks): the clerk of the demo's designated hospital files a
// couple the departments have not pushed (refused with the reason, on the page), saves the
// hospital's account, is told a record that is not the hospital's is not found and that a
// claim comes after the reimbursement; the public service guide of seed 002 附件3.
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

/** Types into the focused field, then Tab to the next. */
async function typeAndTab(page, text) {
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

/** Enter in a field submits its form; waits for the answer page. */
async function submitWithEnter(page) {
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
}

test('the counter files, saves the account and answers at once, keyboard only', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'hospital');
  await page.goto(`${BASE}/hospital`);
  assert.match(page.url(), /\/hospital\/filings$/);
  // The first field has focus: type the couple, Tab through, Enter submits.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'husband_id');
  await typeAndTab(page, citizenId('500228', '19900101', 771));
  await typeAndTab(page, citizenId('500228', '19920202', 772));
  await page.keyboard.type('13800000000');
  await submitWithEnter(page);
  const result = await page.locator('main').innerText();
  assert.match(result, /备案结果：不予备案/);
  assert.match(result, /未参加职工医保/);
  assert.match(result, /结婚证/);
  assert.doesNotMatch(result, /\d{17}[\dX]/, 'no full citizen id shown');
  const target = await page.locator('button.primary').boundingBox();
  assert.ok(target && target.height >= 48, 'large targets at the counter');
  await shot(page, 'hospital-filing');

  await page.goto(`${BASE}/hospital/account`);
  await typeAndTab(page, '梁平区演示人民医院');
  await typeAndTab(page, '测试银行梁平支行');
  await typeAndTab(page, '50001000000000000066');
  await submitWithEnter(page);
  assert.match(await page.locator('main').innerText(), /已保存本院结算账户/);

  await page.goto(`${BASE}/hospital/reimbursements`);
  await typeAndTab(page, citizenId('500228', '19920202', 772));
  await typeAndTab(page, 'NO-SUCH-RECORD');
  await submitWithEnter(page);
  assert.match(await page.locator('[role=alert]').innerText(), /不是本院患者/);
  await shot(page, 'hospital-reimbursement');

  await page.goto(`${BASE}/hospital/claims`);
  await typeAndTab(page, citizenId('500228', '19920202', 772));
  await typeAndTab(page, '91500228MA5U7CHW0X');
  await typeAndTab(page, '1');
  await submitWithEnter(page);
  assert.ok(await page.locator('[role=alert]').count() === 1, 'the mistake on the form');
  await shot(page, 'hospital-claim');
});

test('the public service guide of the hospital window', async () => {
  const page = await freshPage(browser, { phone: true });
  await page.goto(`${BASE}/guide/maternity_reimbursement`);
  const text = await page.locator('main').innerText();
  assert.match(text, /生育保险报销一件事 · 服务指南/);
  assert.match(text, /大冶市医疗保障服务中心/);
  assert.match(text, /1个工作日（不含审核、拨付时间）/);
  assert.match(text, /0714-8769847/);
  await shot(page, 'hospital-guide');
});
