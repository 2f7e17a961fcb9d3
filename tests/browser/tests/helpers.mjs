// Shared by the browser tests: the server under test, the browser, sign-in, screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.ONETHING_URL ?? 'http://127.0.0.1:8787';
const SHOTS = process.env.SCREENSHOT_DIR ?? join(import.meta.dirname ?? '.', '..', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The demo accounts (crates/onething/src/commands/demo_accounts.rs). */
export const ACCOUNTS = {
  admin: ['demo-admin', 'demo-admin-2026'],
  clerk: ['demo-clerk', 'demo-clerk-2026'],
  supervisor: ['demo-supervisor', 'demo-supervisor-2026'],
  health: ['demo-health', 'demo-health-2026'],
  mother: ['demo-mother', 'demo-mother-2026'],
  employer: ['demo-employer', 'demo-employer-2026'],
  hospital: ['demo-hospital', 'demo-hospital-2026'],
  police: ['demo-police', 'demo-police-2026'],
  insurance: ['demo-insurance', 'demo-insurance-2026'],
  newbornMother: ['demo-newborn-mother', 'demo-newborn-mother-2026'],
};

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh context (no cookies): a counter PC, or a phone with `phone: true`. */
export async function freshPage(browser, { phone = false } = {}) {
  const context = await browser.newContext(phone
    ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
    : { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  return context.newPage();
}

/** Signs in through the form, as a person would. */
export async function signIn(page, who) {
  const [username, password] = ACCOUNTS[who];
  await page.goto(`${BASE}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.getByRole('button', { name: '登录' }).click()]);
}

/** Saves a full-page screenshot under a stable name. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The case ids linked from /cases. */
export async function caseIds(page) {
  await page.goto(`${BASE}/cases`);
  const hrefs = await page.locator('a[href^="/cases/"]').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')));
  return hrefs.map((h) => h.slice('/cases/'.length));
}
