// 生育保险报销一事联办 at the hospital counter, in headless Chromium against `onething demo`,
// keyboard only (no mouse clicks): the clerk of the demo's designated hospital files a
// couple the departments have not pushed (refused with the reason, on the page), saves the
// hospital's account, is told a record that is not the hospital's is not found and that a
// claim comes after the reimbursement; reimburses the demo's patient by the fixture's
// values, files her allowance claim, uploads the scanned 申报表 and 出院记录 and submits it;
// the public service guide of seed 002 附件3.
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

/** Opens a counter page and waits for its autofocus to land: Chromium moves focus at the
 * first rendering update after load, so typing at once can lose the first keys. */
async function openForm(page, path, field) {
  await page.goto(`${BASE}${path}`);
  await page.waitForFunction((id) => document.activeElement?.id === id, field);
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
  await openForm(page, '/hospital', 'husband_id');
  assert.match(page.url(), /\/hospital\/filings$/);
  // The first field has focus: type the couple, Tab through, Enter submits.
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

  await openForm(page, '/hospital/account', 'name');
  await typeAndTab(page, '梁平区演示人民医院');
  await typeAndTab(page, '测试银行梁平支行');
  await typeAndTab(page, '50001000000000000066');
  await submitWithEnter(page);
  assert.match(await page.locator('main').innerText(), /已保存本院结算账户/);

  await openForm(page, '/hospital/reimbursements', 'person_id');
  await typeAndTab(page, citizenId('500228', '19920202', 772));
  await typeAndTab(page, 'NO-SUCH-RECORD');
  await submitWithEnter(page);
  assert.match(await page.locator('[role=alert]').innerText(), /不是本院患者/);
  await shot(page, 'hospital-reimbursement');

  await openForm(page, '/hospital/claims', 'person_id');
  await typeAndTab(page, citizenId('500228', '19920202', 772));
  await typeAndTab(page, '91500228MA5U7CHW0X');
  await typeAndTab(page, '1');
  await submitWithEnter(page);
  assert.ok(await page.locator('[role=alert]').count() === 1, 'the mistake on the form');
  await shot(page, 'hospital-claim');
});

// The demo's patient at the window (crates/onething/src/commands/demo/window.rs): an insured
// woman delivered at the demo hospital a week ago, her employer and her delivery record; the
// server runs with the test fixture's reimbursement values (scripts/browser-test).
const PATIENT = citizenId('500228', '19940308', 702);
const EMPLOYER = '91500228DEMWHP0144';
const RECORD = 'DEMO-HW-0001';

/** Focuses a button by its text and presses Enter on it; waits for the answer page. */
async function pressButton(page, name) {
  await page.getByRole('button', { name }).focus();
  await submitWithEnter(page);
}

test('reimbursement, the claim with its scans, submitted: keyboard only', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'hospital');
  await openForm(page, '/hospital/account', 'name');
  await typeAndTab(page, '梁平区演示人民医院');
  await typeAndTab(page, '测试银行梁平支行');
  await typeAndTab(page, '50001000000000000066');
  await submitWithEnter(page);

  await openForm(page, '/hospital/reimbursements', 'person_id');
  await typeAndTab(page, PATIENT);
  await page.keyboard.type(RECORD);
  await submitWithEnter(page);
  const paid = await page.locator('main').innerText();
  assert.match(paid, /基金支付 [\d.]+ 元，个人负担 [\d.]+ 元/);
  assert.match(paid, /测试用值/, 'the source of the values is shown');
  await shot(page, 'hospital-reimbursement-paid');

  await openForm(page, '/hospital/claims', 'person_id');
  await typeAndTab(page, PATIENT);
  await typeAndTab(page, EMPLOYER);
  await page.keyboard.type('1');
  await submitWithEnter(page);
  assert.match(await page.locator('main').innerText(), /已申报/);
  // The scans: a file chosen for each field (no mouse), then its button by the keyboard.
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
  await page.locator('#declaration_form').setInputFiles({ name: '申报表.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  const upload = await page.getByRole('button', { name: '上传申报表' }).boundingBox();
  assert.ok(upload && upload.height >= 48, 'large targets for the uploads too');
  await pressButton(page, '上传申报表');
  assert.match(await page.locator('main').innerText(), /已上传申报表：申报表\.jpg/);
  const pdf = Buffer.from('%PDF-1.4\n% 出院记录（演示）\n%%EOF\n');
  await page.locator('#discharge_record').setInputFiles({ name: '出院记录.pdf', mimeType: 'application/pdf', buffer: pdf });
  await pressButton(page, '上传出院记录');
  const uploaded = await page.locator('main').innerText();
  assert.match(uploaded, /已上传出院记录：出院记录\.pdf/);
  assert.match(uploaded, /已上传申报表/);
  await shot(page, 'hospital-claim-scans');

  // Finish: the wage basis (the default), the employer's account, Enter submits.
  await page.locator('#name').focus();
  await typeAndTab(page, '窗口演示单位');
  await typeAndTab(page, '测试银行梁平支行');
  await page.keyboard.type('50001000000000000077');
  await submitWithEnter(page);
  assert.match(await page.locator('main').innerText(), /当前状态：审核中/);
  await shot(page, 'hospital-claim-submitted');
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
