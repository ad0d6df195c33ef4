// The tracking of a Party document's task, through the pages, in headless Chromium against a
// throw-away `vanphong serve --demo` (SQLite):
//
//   vpnhiemvu (the task office) enters a task of a demo document, previews its update schedule
//   and saves it → daumoi (Văn phòng Thành ủy Hà Nội's focal point) acknowledges it and reports
//   progress → duyetdonvi (its approver) approves the report → theodoi (Vụ Tổng hợp, the
//   monitoring unit) evaluates it.
//
// covers T-2, T-6, T-7, T-8, T-10, T-17, T-25. Screenshots go to tests/browser/screenshots/tasks-*.png.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';

import { PHONE, clickAndWait, shot } from './lib/browser.mjs';
import { missingPrerequisite, signedInSuite } from './lib/suite.mjs';

const SIGNED_PDF = fileURLToPath(new URL('../data/pki/sample-signed.pdf', import.meta.url));
const CONTENT = 'Tổ chức hội nghị quán triệt Kết luận 125-KL/TW tới cán bộ chủ chốt';

function day(offset) {
  const d = new Date(Date.now() + offset * 86400000 + 7 * 3600000);
  return d.toISOString().slice(0, 10);
}

describe('a task goes from entry through acknowledgement, an approved update and the evaluation', { skip: missingPrerequisite() }, () => {
  const { step, as, problems } = signedInSuite('tasks');
  let taskPath = '';

  async function noError(page, what) {
    assert.ok(!(await page.locator('.error-page, .alert.error').count()), `${what} was accepted: ${await page.locator('main').innerText()}`);
  }

  step('the task office enters a task and sees its update schedule before saving', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks');
    assert.match(await office.locator('main').innerText(), /Số hóa hồ sơ/, 'the demo tasks are listed');
    // The document first, with its signed PDF uploaded from the form.
    await office.goto('/admin/tasks/documents/new');
    await office.locator('select[name="kind"]').selectOption('plan');
    await office.locator('input[name="number"]').fill('07');
    await office.locator('input[name="symbol"]').fill('KH/VPTW');
    await office.locator('input[name="issued_on"]').fill(day(0));
    await office.locator('input[name="signer"]').fill('Nguyễn Văn A');
    await office.locator('input[name="issuing_unit"]').fill('Văn phòng Trung ương Đảng');
    await office.locator('input[name="title"]').fill('Kế hoạch quán triệt Kết luận 125-KL/TW');
    await office.locator('input[type=file][data-upload-purpose]').setInputFiles(SIGNED_PDF);
    await office.locator('[data-upload-status]').filter({ hasText: '✓' }).waitFor({ timeout: 10000 });
    await shot(office, 'tasks-00-document');
    await clickAndWait(office, office.locator('form[action="/admin/tasks/documents/new"] button[type=submit]'));
    await noError(office, 'the document');
    assert.match(office.url(), /\/admin\/tasks\/new\?document=\d+/);
    assert.match(await office.locator('select[name="document"] option:checked').innerText(), /07-KH\/VPTW/);
    await office.locator('textarea[name="content"]').fill(CONTENT);
    await office.locator('input[name="lead_units"]').fill('VP-HNI');
    await office.locator('input[name="monitoring_unit"]').fill('VPTW-VTH');
    await office.locator('input[name="start"]').fill(day(0));
    await office.locator('input[name="deadline"]').fill(day(45));
    await clickAndWait(office, office.locator('button[name="preview"]'));
    await noError(office, 'the preview');
    const preview = await office.locator('table.checkpoints').innerText();
    assert.match(preview, /1\/2/, 'a month and a half: an update at half time');
    assert.match(preview, /Báo cáo kết thúc/);
    assert.equal(await office.locator('textarea[name="content"]').inputValue(), CONTENT, 'the form keeps what was typed');
    await shot(office, 'tasks-01-entry-preview');
    await clickAndWait(office, office.locator('form[action="/admin/tasks/new"] button[type=submit]:not([name])'));
    await noError(office, 'saving');
    taskPath = new URL(office.url()).pathname;
    assert.match(taskPath, /^\/admin\/tasks\/\d+$/);
    assert.equal(await office.locator('[data-status]').first().getAttribute('data-status'), 'not_started_within_deadline');
    await shot(office, 'tasks-02-entered');
  });

  step('the unit acknowledges the task and reports progress', async () => {
    const focal = await as('daumoi');
    await focal.goto(taskPath);
    await clickAndWait(focal, focal.locator(`form[action="${taskPath}/acknowledge"] button`));
    await noError(focal, 'the acknowledgement');
    assert.match(await focal.locator('main').innerText(), /đã tiếp nhận/);
    await focal.locator('input[name="progress"]').fill('30');
    await focal.locator('textarea[name="results"]').fill('Đã ban hành kế hoạch tổ chức hội nghị');
    await clickAndWait(focal, focal.locator(`form[action="${taskPath}/update"] button[type=submit]`));
    await noError(focal, 'the update');
    assert.equal(await focal.locator('[data-update-state]').first().getAttribute('data-update-state'), 'submitted');
    assert.equal(await focal.locator('[data-status]').first().getAttribute('data-status'), 'not_started_within_deadline',
      'an update counts only once approved');
    await shot(focal, 'tasks-03-reported');
  });

  step("the unit's approver approves the report; the unit's open page hears of it", async () => {
    const focal = await as('daumoi');
    await focal.goto(taskPath);
    assert.ok(await focal.locator('[data-live-note]').isHidden());
    const approver = await as('duyetdonvi');
    await approver.goto(taskPath);
    await clickAndWait(approver, approver.locator(`form[action="${taskPath}/approve"] button`));
    await noError(approver, 'the approval');
    assert.equal(await approver.locator('[data-update-state]').first().getAttribute('data-update-state'), 'approved');
    assert.equal(await approver.locator('[data-progress]').innerText(), '30');
    assert.equal(await approver.locator('[data-status]').first().getAttribute('data-status'), 'in_progress_on_time');
    await shot(approver, 'tasks-04-approved');
    // The browser's own EventSource brings the change to the focal point's open page.
    await focal.locator('[data-live-note]').waitFor({ state: 'visible', timeout: 5000 });
  });

  step('the monitoring unit evaluates it within its clock', async () => {
    const monitor = await as('theodoi');
    await monitor.goto(taskPath);
    await monitor.locator('textarea[name="evaluation"]').fill('Triển khai kịp thời, đúng kế hoạch');
    await clickAndWait(monitor, monitor.locator(`form[action="${taskPath}/evaluate"] button`));
    await noError(monitor, 'the evaluation');
    const text = await monitor.locator('main').innerText();
    assert.match(text, /Triển khai kịp thời/);
    assert.ok(await monitor.locator('tr.clock-met').count() >= 3, 'entry, acknowledgement, evaluation met');
    await shot(monitor, 'tasks-05-evaluated');
    await monitor.setViewportSize(PHONE);
    await monitor.goto('/admin/tasks');
    const wide = await monitor.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 2);
    if (wide) problems.ui.push('/admin/tasks scrolls sideways on a phone');
    await shot(monitor, 'tasks-06-list-phone');
  });

  step('no script errors or server errors', async () => {
    assert.deepEqual(problems.scriptErrors, []);
    assert.deepEqual(problems.serverErrors, []);
  });
});
