// The frame of a browser test that follows people through a flow against one throw-away
// `vanphong serve --demo`: the server and Chromium for the whole `describe`, steps that stop at
// the first failure (with screenshots of every page and the server's last log lines), and people
// signed in with their password and one-time code, each in a browser context of their own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, it } from 'node:test';

import { CHROMIUM, DESKTOP, clickAndWait, launchChromium, shot, watchPage } from './browser.mjs';
import { serverBinary, startServer } from './server.mjs';
import { freshCode } from './totp.mjs';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const STEP_TIMEOUT = 120_000;

/// Why the suite cannot run here (skipped outside CI), or false.
export function missingPrerequisite() {
  if (CI) return false;
  if (!existsSync(serverBinary())) return `server binary not built yet: ${serverBinary()}`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  return false;
}

/// Call inside `describe`. `prefix` names the failure screenshots ("portal" -> portal-FAILED-*);
/// `corpus`: the server loads the public site's demo stories too.
export function signedInSuite(prefix, { corpus = false } = {}) {
  const s = { server: null, browser: null, broken: null, pages: {} };
  s.problems = { scriptErrors: [], consoleErrors: [], serverErrors: [], ui: [] };
  before(async () => {
    s.server = await startServer({ corpus });
    s.browser = await launchChromium();
  });
  after(async () => {
    await s.browser?.close().catch(() => {});
    await s.server?.stop();
  });

  s.step = (name, fn) => {
    it(name, { timeout: STEP_TIMEOUT }, async (t) => {
      if (s.broken) return t.skip(`needs the earlier step "${s.broken}"`);
      try {
        await fn(t);
      } catch (e) {
        s.broken = name;
        for (const [who, page] of Object.entries(s.pages)) {
          const p = await shot(page, `${prefix}-FAILED-${who}`).catch(() => null);
          if (p) t.diagnostic(`screenshot of ${who} at failure: ${p} (${page.url()})`);
        }
        for (const line of s.server.logTail(15).split('\n')) if (line.trim()) t.diagnostic(`  ${line}`);
        throw e;
      }
    });
  };

  s.as = async (username) => {
    if (s.pages[username]) return s.pages[username];
    const context = await s.browser.newContext({ baseURL: s.server.url, viewport: DESKTOP, locale: 'vi-VN' });
    const page = await context.newPage();
    watchPage(page, s.problems);
    await page.goto('/login');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(s.server.demoPassword);
    await clickAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
    assert.equal(new URL(page.url()).pathname, '/login/otp', `${username}: the one-time code is asked`);
    const { code } = await freshCode(s.server.accounts[username].secret);
    await page.locator('#code').fill(code);
    await clickAndWait(page, page.locator('form[action="/login/otp"] button[type=submit]'));
    assert.notEqual(new URL(page.url()).pathname, '/login/otp', `${username}: signed in`);
    s.pages[username] = page;
    return page;
  };
  return s;
}
