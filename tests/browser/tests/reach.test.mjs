// Periodic reports and home-visit appointments (seed 004; docs/supervision.md) in headless
// Chromium against `onething demo`: the supervisor's list of kept reports with their PDF
// and .xlsx downloads; a clerk publishes a home-visit slot for 梁平区, the demo mother books
// it for her case, and the clerk sees the booking with the form to record the visit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, caseIds, freshPage, launch, shot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the supervisor lists the periodic reports and downloads one', async () => {
  const page = await freshPage(browser);
  await signIn(page, 'supervisor');
  await page.goto(`${BASE}/supervision/reports`);
  assert.match(await page.locator('h1').innerText(), /定期报告/);
  await shot(page, 'supervisor-reports');
  const pdf = page.locator('a[href$="report.pdf"]').first();
  if (await pdf.count() === 0) return; // the schedule has not made one yet
  const file = await page.request.get(`${BASE}${await pdf.getAttribute('href')}`);
  assert.ok([200, 503].includes(file.status()), `PDF or FONT_MISSING, got ${file.status()}`);
  const xlsx = page.locator('a[href$="report.xlsx"]').first();
  const sheet = await page.request.get(`${BASE}${await xlsx.getAttribute('href')}`);
  assert.equal(sheet.status(), 200);
  assert.equal((await sheet.body()).subarray(0, 2).toString(), 'PK');
});

/** The next Monday–Friday after today (the demo's calendar has no holiday then in December). */
function nextWeekday() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  do { d.setUTCDate(d.getUTCDate() + 1); } while ([0, 6].includes(d.getUTCDay()));
  return d.toISOString().slice(0, 10);
}

test('a home visit is published, booked by the mother and seen by the clerk', async () => {
  const day = nextWeekday();
  const clerk = await freshPage(browser);
  await signIn(clerk, 'clerk');
  await clerk.goto(`${BASE}/home-visits`);
  await clerk.fill('#date', day);
  await clerk.fill('#starts', '09:30');
  await clerk.fill('#ends', '11:30');
  await clerk.fill('#region', '500228');
  await clerk.fill('#capacity', '2');
  await Promise.all([clerk.waitForURL(/\/home-visits$/), clerk.getByRole('button', { name: '发布' }).click()]);
  assert.match(await clerk.locator('main').innerText(), new RegExp(`${day} 09:30–11:30`));

  const mother = await freshPage(browser);
  await signIn(mother, 'mother');
  let caseId = null;
  for (const id of await caseIds(mother)) {
    await mother.goto(`${BASE}/home-visits?case=${id}`);
    if (await mother.locator('input[name="slot_id"]').count() > 0) { caseId = id; break; }
  }
  assert.ok(caseId, 'the demo mother has a case in 梁平区');
  await mother.locator('input[name="slot_id"]').first().check();
  await mother.fill('#address', '梁平区双桂街道某小区1栋');
  await mother.fill('#phone', '13800000000');
  await shot(mother, 'person-home-visit');
  await Promise.all([mother.waitForURL(/\/home-visits#b-/), mother.getByRole('button', { name: '预约上门' }).click()]);
  const mine = await mother.locator('section.booking').first().innerText();
  assert.match(mine, /已预约/);
  assert.match(mine, new RegExp(caseId));

  await clerk.goto(`${BASE}/home-visits`);
  const booking = clerk.locator('section.booking', { hasText: caseId }).first();
  assert.match(await booking.innerText(), /已预约/);
  assert.equal(await booking.getByRole('button', { name: '登记已上门办理' }).count(), 1);
  await shot(clerk, 'clerk-home-visits');
});
