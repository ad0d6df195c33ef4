// Watching and evaluating, through the pages, in headless Chromium against a throw-away
// `vanphong serve --demo` (SQLite):
//
//   vpnhiemvu (the task office) keeps the dashboard open; daumoi (Văn phòng Thành ủy Hà Nội)
//   reports a task done and duyetdonvi approves it in their own sessions → the open dashboard
//   changes by itself (server-sent events). The map of the 34 provinces opens a province's tasks;
//   the ranking of the quarter is shown; kiemtra (the Central Inspection Commission) warns about
//   a task and daumoi answers.
//
// covers T-11, T-19, T-20. Screenshots go to tests/browser/screenshots/tasks-watch-*.png.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PHONE, SCREENSHOTS, clickAndWait, shot } from './lib/browser.mjs';
import { missingPrerequisite, signedInSuite } from './lib/suite.mjs';

describe('the dashboard follows changes live; the map, the ranking and the warnings', { skip: missingPrerequisite() }, () => {
  const { step, as, problems } = signedInSuite('tasks-watch');
  let taskPath = '';
  let before = 0;

  async function noError(page, what) {
    assert.ok(!(await page.locator('.error-page, .alert.error').count()), `${what} was accepted: ${await page.locator('main').innerText()}`);
  }

  step('the task office opens the dashboard: figures, charts and a live connection', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks/dashboard');
    await office.locator('[data-dashboard][data-ready]').waitFor({ timeout: 10000 });
    await office.locator('[data-dashboard][data-live]').waitFor({ timeout: 10000 });
    before = Number(await office.locator('[data-figure="completed"]').innerText());
    assert.ok(Number(await office.locator('[data-figure="total"]').innerText()) >= 60, 'the demo tasks are counted');
    assert.ok(Number(await office.locator('[data-figure="overdue"]').innerText()) > 0);
    assert.equal(await office.locator('canvas[data-chart]').count(), 4);
    // Every chart has been drawn (a canvas with pixels).
    const drawn = await office.evaluate(() => [...document.querySelectorAll('canvas[data-chart]')].every((c) => c.width > 0 && c.height > 0));
    assert.ok(drawn, 'the charts are drawn');
    assert.ok(await office.locator('[data-table="most_overdue"] tbody tr a').count() > 0, 'the most overdue tasks link to them');
    await shot(office, 'tasks-watch-01-dashboard');
  });

  step('another session reports a task done and its approver approves: the open dashboard changes by itself', async () => {
    const office = await as('vpnhiemvu');
    const focal = await as('daumoi');
    await focal.goto('/admin/tasks?unit=VP-HNI');
    await focal.locator('a', { hasText: 'Số hóa hồ sơ, tài liệu lưu trữ' }).first().click();
    await focal.waitForLoadState();
    taskPath = new URL(focal.url()).pathname;
    if (await focal.locator(`form[action="${taskPath}/acknowledge"] button`).count())
      await clickAndWait(focal, focal.locator(`form[action="${taskPath}/acknowledge"] button`));
    await focal.locator('input[name="progress"]').fill('100');
    await focal.locator('input[name="completion"]').check();
    await focal.locator('textarea[name="results"]').fill('Đã số hóa toàn bộ hồ sơ lưu trữ năm 2025');
    await focal.locator('input[name="products"]').fill('Cơ sở dữ liệu hồ sơ số');
    await clickAndWait(focal, focal.locator(`form[action="${taskPath}/update"] button[type=submit]`));
    await noError(focal, 'the completion report');
    const refreshed = Number((await office.locator('[data-dashboard]').getAttribute('data-refreshed')) || 0);
    const approver = await as('duyetdonvi');
    await approver.goto(taskPath);
    const t0 = Date.now();
    await clickAndWait(approver, approver.locator(`form[action="${taskPath}/approve"] button`));
    await noError(approver, 'the approval');
    await office.waitForFunction(
      ([sel, n]) => Number(document.querySelector(sel).textContent) === n,
      ['[data-figure="completed"]', before + 1],
      { timeout: 5000 },
    );
    const waited = Date.now() - t0;
    assert.ok(Number(await office.locator('[data-dashboard]').getAttribute('data-refreshed')) > refreshed);
    assert.ok(waited < 5000, `the dashboard changed ${waited} ms after the approval`);
    await shot(office, 'tasks-watch-02-dashboard-live');
  });

  step('a chart figure drills down to the tasks behind it', async () => {
    const office = await as('vpnhiemvu');
    const link = office.locator('[data-table="by_unit"] tbody tr a').first();
    const href = await link.getAttribute('href');
    assert.match(href, /^\/admin\/tasks\?unit=/);
    await office.goto(href);
    assert.ok(await office.locator('table.queue tbody tr a').count() > 0, 'the unit’s tasks are listed');
  });

  step('the map colours the 34 provinces, has its table, and opens a province’s tasks', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks/map');
    assert.equal(await office.locator('.tile-map .province').count(), 34);
    assert.equal(await office.locator('[data-map-table] tbody tr').count(), 34);
    // Laid out as the tile grid: Lai Châu and Lào Cai side by side, Cà Mau at the bottom.
    const box = (unit) => office.locator(`.tile-map .province[data-unit="${unit}"]`).boundingBox();
    const [laichau, laocai, camau] = [await box('TU-LCU'), await box('TU-LCI'), await box('TU-CMU')];
    assert.equal(Math.round(laichau.y), Math.round(laocai.y), 'one row');
    assert.ok(laocai.x > laichau.x + laichau.width / 2, 'neighbouring columns');
    assert.ok(camau.y > laocai.y + 10 * laocai.height, 'the south at the bottom');
    assert.ok(await office.locator('.tile-map .province.step-5, .tile-map .province.step-4, .tile-map .province.step-3').count() > 0,
      'some provinces have overdue tasks');
    await shot(office, 'tasks-watch-03-map');
    await office.setViewportSize(PHONE);
    await shot(office, 'tasks-watch-04-map-phone');
    await office.setViewportSize({ width: 1280, height: 800 });
    await clickAndWait(office, office.locator('.tile-map .province[data-unit="TU-HNI"]'));
    assert.equal(new URL(office.url()).search, '?unit=TU-HNI');
    await office.goto('/admin/tasks/map?by=score');
    assert.equal(await office.locator('.tile-map.by-score').count(), 1);
  });

  step('the ranking of the quarter: scores, classes and the indicator set', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks/evaluation');
    await noError(office, 'the ranking');
    const rows = office.locator('table.ranking tbody tr[data-unit]');
    assert.ok(await rows.count() >= 20, 'the provinces of the demo are ranked');
    assert.match(await office.locator('table.ranking').innerText(), /Hoàn thành xuất sắc|Không hoàn thành/);
    assert.match(await office.locator('main').innerText(), /Bộ chỉ số đánh giá/);
    await shot(office, 'tasks-watch-05-ranking');
    // Not published yet: a province's focal point is told so.
    const focal = await as('daumoi');
    await focal.goto('/admin/tasks/evaluation');
    assert.match(await focal.locator('main').innerText(), /chưa được công bố/);
  });

  step('the Central Inspection Commission warns about a task; the unit answers', async () => {
    const inspector = await as('kiemtra');
    const id = taskPath.split('/').pop();
    await inspector.goto(`/admin/tasks/warnings?task=${id}`);
    await inspector.locator('select[name="kind"]').selectOption('deviating_data');
    await inspector.locator('input[name="rule"]').fill('Điều 11.1.b Quy chế 08-QC/TW');
    await inspector.locator('textarea[name="text"]').fill('Kết quả báo cáo chưa khớp với hồ sơ lưu trữ thực tế; đề nghị rà soát.');
    await clickAndWait(inspector, inspector.locator('form[action="/admin/tasks/warnings"] button[type=submit]'));
    await noError(inspector, 'the warning');
    const focal = await as('daumoi');
    await focal.goto(taskPath);
    await clickAndWait(focal, focal.locator('[data-warnings-link]'));
    const item = focal.locator('.warning-item').first();
    assert.match(await item.innerText(), /Dữ liệu sai lệch/);
    await item.locator('textarea[name="text"]').fill('Đơn vị đã rà soát, bổ sung 12 hồ sơ còn thiếu.');
    await clickAndWait(focal, item.locator('button[type=submit]'));
    await noError(focal, 'the answer');
    assert.match(await focal.locator('.warning-item').first().innerText(), /bổ sung 12 hồ sơ/);
    await shot(focal, 'tasks-watch-06-warnings');
  });

  step('the task office generates the quarter’s report, issues it and downloads it as XLSX and PDF', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks/reports');
    assert.ok(await office.locator('[data-deadlines] tbody tr').count() >= 18, 'the year’s compilation deadlines');
    const now = new Date(Date.now() + 7 * 3600000);
    const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    await office.locator('select[name="kind"]').selectOption('quarter');
    await office.locator('input[name="period"]').fill(quarter);
    await clickAndWait(office, office.locator('form[action="/admin/tasks/reports"] button[type=submit]'));
    await noError(office, 'the report');
    assert.match(office.url(), /\/admin\/tasks\/reports\/\d+$/);
    assert.ok(Number(await office.locator('[data-figure="tasks"]').innerText()) > 0);
    assert.ok(await office.locator('[data-report-units] tbody tr').count() >= 20);
    await shot(office, 'tasks-watch-07-report');
    await clickAndWait(office, office.locator('form[action$="/issue"] button'));
    await noError(office, 'the issue');
    assert.equal(await office.locator('form[action$="/issue"]').count(), 0, 'issued once');
    for (const [format, type, magic] of [['xlsx', 'spreadsheetml', 'PK'], ['pdf', 'application/pdf', '%PDF']]) {
      const href = await office.locator(`a[href$="/${format}"]`).first().getAttribute('href');
      const res = await office.request.get(href);
      assert.equal(res.status(), 200, format);
      assert.match(res.headers()['content-type'], new RegExp(type));
      assert.match(res.headers()['content-disposition'], /^attachment; filename="bao-cao-\d+\./);
      const body = await res.body();
      assert.equal(body.subarray(0, magic.length).toString('latin1'), magic);
      writeFileSync(join(SCREENSHOTS, `tasks-watch-07-report.${format}`), body);  // to look at
    }
  });

  step('the unit compares its own report with the system and flags a difference', async () => {
    const focal = await as('daumoi');
    await focal.goto('/admin/tasks/reconcile?unit=VP-HNI');
    const template = await focal.request.get('/admin/tasks/reconcile/template?unit=VP-HNI');
    assert.equal(template.status(), 200);
    assert.equal((await template.body()).subarray(0, 2).toString('latin1'), 'PK');
    const id = taskPath.split('/').pop();
    const csv = `Số;Tiến độ (%);Kết quả\r\n${id};90;Đã số hóa 90% hồ sơ\r\n`;
    await focal.locator('[data-reconcile-form] input[name="unit"]').fill('VP-HNI');
    await focal.locator('[data-reconcile-form] input[type=file]').setInputFiles({ name: 'bao-cao-don-vi.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await clickAndWait(focal, focal.locator('[data-reconcile-form] button[type=submit]'));
    await noError(focal, 'the reconciliation');
    const progress = focal.locator(`[data-differences] tr[data-field="progress"]`);
    assert.equal(await progress.count(), 1);
    assert.match(await progress.innerText(), /100\s+90/);
    assert.ok(await focal.locator('[data-differences] tr[data-field="presence"]').count() >= 1, 'the tasks left out of the file');
    await progress.locator('input[name="note"]').fill('Hồ sơ năm 2024 chưa số hóa xong');
    await clickAndWait(focal, progress.locator('button[type=submit]'));
    await noError(focal, 'the flag');
    assert.match(await focal.locator('[data-differences] tr[data-field="progress"]').innerText(), /Đã đề nghị điều chỉnh/);
    await shot(focal, 'tasks-watch-09-reconciliation');
  });

  step('the analysis groups delays by cause; the data cleaning finds a task typed twice and the office merges it', async () => {
    const office = await as('vpnhiemvu');
    await office.goto('/admin/tasks/analysis');
    await noError(office, 'the analysis');
    assert.match(await office.locator('[data-causes]').innerText(), /Chưa bố trí ngân sách/);
    assert.ok(await office.locator('[data-analysis="unit"] tbody tr').count() >= 20);
    await office.goto('/admin/tasks/cleaning');
    await clickAndWait(office, office.locator('form[action="/admin/tasks/cleaning"] button'));
    await noError(office, 'the cleaning');
    const dup = office.locator('[data-findings] tr[data-code="likely_duplicate"]').first();
    assert.match(await dup.innerText(), /Hoàn thành số hóa hồ sơ đảng viên/);
    await shot(office, 'tasks-watch-10-cleaning');
    await dup.locator('select[name="decision"]').selectOption('merged');
    await clickAndWait(office, dup.locator('button[type=submit]'));
    await noError(office, 'the merge');
    await office.goto('/admin/tasks/cleaning?state=merged');
    assert.equal(await office.locator('[data-findings] tr[data-code="likely_duplicate"]').count(), 1);
  });

  step('help for each role is one click away from every screen, in Vietnamese and English', async () => {
    const focal = await as('daumoi');
    await focal.goto('/admin/tasks');
    await clickAndWait(focal, focal.locator('[data-help]'));
    assert.equal(new URL(focal.url()).pathname, '/admin/help');
    const mine = focal.locator('.help-roles li', { hasText: 'vai trò của bạn' });
    assert.equal(await mine.count(), 1);
    await clickAndWait(focal, mine.locator('a'));
    assert.ok(await focal.locator('.guide ol li').count() >= 4, 'the guide’s steps');
    await shot(focal, 'tasks-watch-08-help');
    await clickAndWait(focal, focal.locator('a[hreflang="en"]'));
    assert.match(await focal.locator('.guide h2').innerText(), /focal point/);
    await clickAndWait(focal, focal.locator('a[hreflang="vi"]'));
  });

  step('no script errors or server errors', async () => {
    assert.deepEqual(problems.scriptErrors, []);
    assert.deepEqual(problems.serverErrors, []);
  });
});
