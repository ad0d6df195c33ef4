// A new user is approved, enrols two factors and logs in — all through the web pages, in
// Debian's headless Chromium, against a throw-away `vanphong serve` (SQLite, demo accounts).
//
//   admin requests an account (editor) → lanhdao approves it → the new user changes the
//   initial password, enrols TOTP, gets recovery codes → signs out and in again with a
//   one-time code; a wrong code and a forbidden page are refused in Vietnamese.
//
// Screenshots of each step go to tests/browser/screenshots/ (gitignored).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';

import { CHROMIUM, DESKTOP, PHONE, clickAndWait, launchChromium, shot, watchPage } from './lib/browser.mjs';
import { serverBinary, startServer } from './lib/server.mjs';
import { freshCode, hotp, timeStep, totp } from './lib/totp.mjs';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const STEP_TIMEOUT = 150_000; // a step may wait up to 30 s for a fresh one-time code

// Outside CI a missing binary or browser skips the suite (the server may still be building);
// in CI it fails, so a broken setup cannot pass as "skipped".
function missingPrerequisite() {
  if (CI) return false;
  if (!existsSync(serverBinary())) return `server binary not built yet: ${serverBinary()}`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  return false;
}

const NEW_USER = {
  username: 'bientapmoi',
  fullName: 'Nguyễn Thị Thu Hương',
  email: 'bientapmoi@example.org',
  unitLabel: 'Trung tâm Công nghệ thông tin',
  reason: 'Biên tập tin bài cho Cổng thông tin điện tử từ tháng 7/2026.',
  newPassword: 'Cong-Thong-Tin-2026#x',
};

describe('a new user is approved, enrols two factors and logs in', { skip: missingPrerequisite() }, () => {
  let server;
  let browser;
  let context;
  let page;
  let broken = null; // the first step that failed: later steps depend on it and are skipped
  const usedStep = {}; // username → last TOTP step the server accepted (it refuses replays)
  const state = {};
  const problems = { scriptErrors: [], consoleErrors: [], serverErrors: [], ui: [] };
  // Checks that do not block the flow: collected, then failed together by the last-but-one step.
  const uiCheck = (ok, what) => {
    if (!ok) problems.ui.push(what);
  };

  after(async () => {
    await browser?.close().catch(() => {});
    // Normally stopped (and checked) by the last step; this is for runs that broke earlier.
    if (server && !state.stopped) await server.stop();
  });

  // A step that fails makes the later ones skip (they depend on it), unless it says { blocking: false }.
  function step(name, fn, { blocking = true } = {}) {
    it(name, { timeout: STEP_TIMEOUT }, async (t) => {
      if (broken) {
        t.skip(`needs the earlier step "${broken}"`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        if (blocking) broken = name;
        if (page) {
          const p = await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => null);
          if (p) t.diagnostic(`screenshot at failure: ${p} (page ${page.url()})`);
        }
        if (server) {
          const ex = server.exitStatus();
          if (ex) t.diagnostic(`the server is no longer running: exit code ${ex.code}, signal ${ex.signal}`);
          t.diagnostic('server log, last lines:');
          for (const line of server.logTail(15).split('\n')) if (line.trim()) t.diagnostic(`  ${line}`);
        }
        throw e;
      }
    });
  }

  // ------------------------------------------------------------------ helpers acting as a person

  async function signIn(username, password) {
    await page.goto('/login');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    return clickAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  }

  async function enterCode(code) {
    await page.locator('#code').fill(code);
    return clickAndWait(page, page.locator('main form button[type=submit]'));
  }

  async function signInWithTotp(username, password, secret) {
    await signIn(username, password);
    assert.equal(new URL(page.url()).pathname, '/login/otp', `${username}: after the password comes the one-time code page`);
    const { code, step } = await freshCode(secret, usedStep[username] ?? -1);
    await enterCode(code);
    usedStep[username] = step;
    assert.equal(new URL(page.url()).pathname, '/admin', `${username}: signed in, on the home page`);
  }

  async function signOut() {
    const button = page.locator('header.top').getByRole('button', { name: 'Đăng xuất' });
    await assert.doesNotReject(button.waitFor({ state: 'visible' }), 'the header has a "Đăng xuất" button');
    await clickAndWait(page, button);
    assert.equal(new URL(page.url()).pathname, '/login', 'signing out leads back to /login');
  }

  const path = () => new URL(page.url()).pathname;
  const text = (sel) => page.locator(sel).first().innerText();

  // ------------------------------------------------------------------ steps

  step('the server starts (fresh SQLite data folder, demo accounts) and Chromium launches', async () => {
    server = await startServer();
    assert.ok(server.accounts.admin && server.accounts.lanhdao, 'demo-accounts.txt lists admin and lanhdao');
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP, locale: 'vi-VN' });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    page = await context.newPage();
    watchPage(page, problems);
  });

  step('TOTP helper matches RFC 6238 and oathtool', async () => {
    // RFC 6238 appendix B (SHA-1 key "12345678901234567890", T = 59 s) → 94287082, 6 digits: 287082.
    assert.equal(hotp(Buffer.from('12345678901234567890'), 1, 8), '94287082');
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000), '287082');
    const secret = server.accounts.admin?.secret;
    assert.ok(secret, `demo-accounts.txt lists admin with a TOTP secret (found: ${Object.keys(server.accounts).join(', ') || 'nothing'})`);
    let oathtool;
    try {
      oathtool = execFileSync('oathtool', ['--totp', '-b', '--now', '2026-01-01 08:00:00 UTC', secret], { encoding: 'utf8' }).trim();
    } catch (e) {
      assert.fail(`oathtool is needed for this cross-check (apt-get install -y oathtool): ${e.message}`);
    }
    assert.equal(totp(secret, Date.parse('2026-01-01T08:00:00Z')), oathtool, 'same code as oathtool at a fixed time');
    // And now, at the current time (retried once if a 30 s step boundary falls in between).
    for (let i = 0; i < 2; i++) {
      const before = timeStep();
      const now = execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
      if (timeStep() !== before) continue;
      assert.equal(totp(secret), now, 'same code as oathtool now');
      return;
    }
  });

  step('admin signs in with password and one-time code', async () => {
    await page.goto('/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await assert.doesNotReject(page.getByRole('heading', { name: 'Đăng nhập' }).waitFor(), 'login page heading "Đăng nhập"');
    const prefilled = await page.locator('#username').inputValue();
    uiCheck(prefilled === '', `/login: the user name field starts empty (it holds ${JSON.stringify(prefilled)})`);
    uiCheck((await page.locator('header.top [data-notifications]').count()) === 0, '/login: no notifications link before signing in');
    await shot(page, '01-login');
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill(server.demoPassword);
    await clickAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
    assert.equal(path(), '/login/otp');
    // Half signed in: no menu, no notifications (their API would answer 403), but a way out.
    uiCheck((await page.locator('nav.main').count()) === 0, '/login/otp: no main menu before the second factor');
    uiCheck(
      (await page.locator('header.top [data-notifications]').count()) === 0,
      '/login/otp: no notifications link before the second factor (its API answers 403 until then)',
    );
    uiCheck(await page.locator('header.top').getByRole('button', { name: 'Đăng xuất' }).isVisible(), '/login/otp: a way to sign out');
    await shot(page, '02-login-otp');
    const { code, step } = await freshCode(server.accounts.admin.secret, usedStep.admin ?? -1);
    await enterCode(code);
    usedStep.admin = step;
    assert.equal(path(), '/admin');
    assert.match(await text('main h1'), /Xin chào, Quản trị Hệ thống/);
    await shot(page, '03-admin-home');
  });

  step('admin requests an editor account', async () => {
    await clickAndWait(page, page.locator('nav.main a[href="/admin/accounts"]'));
    assert.equal(path(), '/admin/accounts');
    assert.equal(await page.locator('[data-approve]').count(), 0, 'the system admin may request but not approve');
    await clickAndWait(page, page.getByRole('link', { name: 'Đề nghị cấp tài khoản' }));
    assert.equal(path(), '/admin/accounts/request');
    await page.locator('#req-username').fill(NEW_USER.username);
    await page.locator('#req-full-name').fill(NEW_USER.fullName);
    await page.locator('#req-email').fill(NEW_USER.email);
    await page.locator('#req-unit').selectOption({ label: NEW_USER.unitLabel });
    await page.locator('input[name=role][value=editor]').check();
    await page.locator('#req-reason').fill(NEW_USER.reason);
    await shot(page, '04-account-request-form');
    await clickAndWait(page, page.locator('#account-request button[type=submit]'));
    assert.equal(path(), '/admin/accounts');
    assert.match(await text('main .alert.ok'), /Đã gửi đề nghị/);
    const row = page.locator(`#pending-requests tr[data-request="${NEW_USER.username}"]`);
    await assert.doesNotReject(row.waitFor(), 'the request is in the pending table');
    const rowText = await row.innerText();
    assert.match(rowText, new RegExp(NEW_USER.fullName));
    assert.match(rowText, /Biên tập viên/);
    assert.match(rowText, new RegExp(NEW_USER.unitLabel));
    await shot(page, '05-accounts-request-pending');
    await signOut();
  });

  step('lanhdao approves the request and sees the initial password', async () => {
    await signInWithTotp('lanhdao', server.demoPassword, server.accounts.lanhdao.secret);
    await clickAndWait(page, page.locator('nav.main a[href="/admin/accounts"]'));
    assert.equal(path(), '/admin/accounts');
    const approve = page.locator(`[data-approve="${NEW_USER.username}"]`);
    await assert.doesNotReject(approve.waitFor(), 'the leader sees an approve button for the request');
    await shot(page, '06-leader-accounts');
    await clickAndWait(page, approve);
    assert.equal(await text('#approved-username'), NEW_USER.username);
    state.initialPassword = (await text('#initial-password')).trim();
    assert.ok(state.initialPassword.length >= 12, `an initial password is shown (got ${JSON.stringify(state.initialPassword)})`);
    await shot(page, '07-account-approved');
    await page.goto('/admin/accounts');
    assert.equal(await page.locator(`#pending-requests tr[data-request="${NEW_USER.username}"]`).count(), 0, 'no longer pending');
    assert.match(await page.locator(`#users tr[data-user="${NEW_USER.username}"]`).innerText(), /Biên tập viên/);
    await signOut();
  });

  step('the new user changes the initial password and enrols a second factor', async () => {
    await signIn(NEW_USER.username, state.initialPassword);
    assert.equal(path(), '/account/password', 'first sign-in forces a password change');
    assert.ok(await page.locator('main .alert.info').isVisible(), 'the page says why the change is needed');
    await shot(page, '08-forced-password-change');
    await page.locator('#current_password').fill(state.initialPassword);
    await page.locator('#new_password').fill(NEW_USER.newPassword);
    await page.locator('#confirm').fill(NEW_USER.newPassword);
    await clickAndWait(page, page.locator('form[action="/account/password"] button[type=submit]'));
    assert.equal(path(), '/account/enrol', 'an editor must enrol a second factor next');
    assert.ok(await page.locator('.qr svg').isVisible(), 'a QR code (inline SVG) is shown');
    const box = await page.locator('.qr svg').boundingBox();
    assert.ok(box && box.width >= 150 && box.height >= 150, `the QR code is big enough to scan (${JSON.stringify(box)})`);
    state.secret = (await text('#totp-secret')).replace(/\s+/g, '');
    assert.match(state.secret, /^[A-Z2-7]{16,}$/, 'a base32 secret is shown');
    await shot(page, '09-enrol');
    const { code, step } = await freshCode(state.secret);
    await enterCode(code);
    usedStep[NEW_USER.username] = step;
    const codes = await page.locator('#recovery-codes li').allInnerTexts();
    assert.equal(codes.length, 10, '10 recovery codes');
    assert.equal(new Set(codes).size, 10, 'all different');
    for (const c of codes) assert.match(c.trim(), /^[a-z0-9]{4}(-[a-z0-9]{4})+$/i);
    await shot(page, '10-recovery-codes');
    await clickAndWait(page, page.getByRole('link', { name: 'Tiếp tục' }));
    assert.equal(path(), '/admin');
    assert.match(await text('main h1'), new RegExp(`Xin chào, ${NEW_USER.fullName}`));
    assert.match(await text('header.top'), new RegExp(NEW_USER.fullName));
    assert.equal(await page.locator('nav.main a[href="/admin/accounts"]').count(), 0, 'an editor has no accounts menu');
    await shot(page, '11-new-user-home');
  });

  step('the new user signs out and in again; a wrong one-time code is refused', async () => {
    await signOut();
    await signIn(NEW_USER.username, NEW_USER.newPassword);
    assert.equal(path(), '/login/otp', 'an enrolled user is asked for a one-time code');
    // A 6-digit code that is none of the ones the server would accept now (steps −1, 0, +1).
    const near = [-1, 0, 1, 2].map((d) => totp(state.secret, Date.now() + d * 30_000));
    let wrong = 123456;
    while (near.includes(String(wrong).padStart(6, '0'))) wrong++;
    const res = await enterCode(String(wrong));
    assert.equal(path(), '/login/otp', 'stays on the code page');
    assert.ok(res.status() >= 400 && res.status() < 500, `answered 4xx (got ${res.status()})`);
    const alert = page.getByRole('alert');
    assert.ok(await alert.isVisible(), 'an error message with role=alert');
    assert.match(await alert.innerText(), /Mã xác thực không đúng/);
    await shot(page, '12-wrong-code');
    // The code used at enrolment is spent: the next one comes from a later 30-second step.
    const { code, step } = await freshCode(state.secret, usedStep[NEW_USER.username]);
    await enterCode(code);
    usedStep[NEW_USER.username] = step;
    assert.equal(path(), '/admin');
    assert.match(await text('main h1'), new RegExp(`Xin chào, ${NEW_USER.fullName}`));
    assert.match(await text('main'), /Biên tập viên — Trung tâm Công nghệ thông tin/);
    await shot(page, '13-signed-in-again');
  });

  step('an editor is refused the accounts page (403, in Vietnamese)', async () => {
    const res = await page.goto('/admin/accounts');
    assert.equal(res.status(), 403);
    assert.equal(await text('main h1'), 'Không thực hiện được');
    assert.match(await page.getByRole('alert').innerText(), /Bạn không có quyền thực hiện thao tác này/);
    assert.match(await text('header.top'), new RegExp(NEW_USER.fullName), 'still signed in, the header shows who');
    await shot(page, '14-forbidden');
  });

  step('pages fit a phone screen (390×844)', async () => {
    const phone = await browser.newContext({
      baseURL: server.url,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      storageState: await context.storageState(),
    });
    try {
      const p = await phone.newPage();
      watchPage(p, problems);
      for (const [where, name] of [['/admin', '15-phone-home'], ['/account/sessions', '16-phone-sessions']]) {
        await p.goto(where);
        assert.equal(new URL(p.url()).pathname, where);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await shot(p, name);
        uiCheck(overflow <= 1, `${where} on a phone: no sideways scrolling (page is ${overflow}px too wide)`);
      }
      const anon = await browser.newContext({ baseURL: server.url, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' });
      try {
        const p2 = await anon.newPage();
        await p2.goto('/login');
        await shot(p2, '17-phone-login');
        const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        uiCheck(overflow <= 1, `/login on a phone: no sideways scrolling (page is ${overflow}px too wide)`);
      } finally {
        await anon.close();
      }
    } finally {
      await phone.close();
    }
  });

  step('no script errors, server errors or UI defects on any page', async (t) => {
    for (const c of problems.consoleErrors) t.diagnostic(`console: ${c}`);
    assert.deepEqual(problems.scriptErrors, [], 'uncaught script errors');
    assert.deepEqual(problems.serverErrors, [], '5xx answers');
    assert.deepEqual(problems.ui, [], 'UI checks that failed along the way');
  }, { blocking: false });

  step('the server stops on SIGTERM', async () => {
    await browser.close();
    browser = null;
    state.stopped = true;
    const r = await server.stop();
    assert.ok(!r.timedOut, 'exited within 15 s of SIGTERM');
    assert.ok(r.code === 0 || r.signal === 'SIGTERM', `clean exit (${JSON.stringify(r)})`);
  });
});
