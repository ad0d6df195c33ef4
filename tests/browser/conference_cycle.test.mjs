// A whole conference cycle through the pages, in headless Chromium against a throw-away
// `vanphong serve --demo` (SQLite):
//
//   tccb (Vụ Tổ chức - Cán bộ) creates a periodic conference; hoinghi (Vụ Địa phương I) sends
//   the request letter; the Đà Nẵng and Huế offices submit their reports (a secret one is
//   refused); vudp2 consolidates region II; on the day cntt (the IT centre) starts it and keeps
//   the live board open while both provinces' check-in pages report their lines over SSE; Huế asks
//   to speak and is granted; a closed check-in page turns red; the video token is checked with an
//   independent JWT library; minutes and conclusions are drafted, approved by the leadership and
//   issued by hccy with a signed PDF; the resulting tasks open in the Tasks screens.
//
// covers C-1 … C-12. Screenshots go to tests/browser/screenshots/conference-*.png.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { join } from 'node:path';

import { jwtVerify } from 'jose';

import { REPO_ROOT } from './lib/server.mjs';
import { clickAndWait, shot } from './lib/browser.mjs';
import { missingPrerequisite, signedInSuite } from './lib/suite.mjs';

function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('a conference from preparation to tracked conclusions', { skip: missingPrerequisite() }, () => {
  const { step, as } = signedInSuite('conference');
  let conf = '';
  const day = localInput(new Date(Date.now() + 23 * 24 * 3600 * 1000));

  async function noError(page, what) {
    assert.ok(!(await page.locator('.error-page, .alert.error').count()), `${what} was accepted: ${await page.locator('main').innerText()}`);
  }
  async function submitDoc(page, kind, text, { inDetails = true, owner = '' } = {}) {
    const sel = owner ? `[data-doc="${kind}"][data-owner="${owner}"]` : `[data-doc="${kind}"]`;
    const item = page.locator(sel).first();
    if (inDetails) await item.locator('summary').click();
    await item.locator('textarea[name="body"]').fill(text);
    await clickAndWait(page, item.locator('form.doc-form button[type=submit]'));
  }

  step('Vụ Tổ chức - Cán bộ creates the half-yearly conference: one day, 3 hubs and 34 bridge points', async () => {
    const tccb = await as('tccb');
    await tccb.goto('/admin/conferences');
    await tccb.locator('input[name="title"]').fill('Hội nghị trực tuyến sơ kết công tác văn phòng 6 tháng cuối năm');
    await tccb.locator('input[name="starts_at"]').fill(`${day}T08:00`);
    await tccb.locator('input[name="ends_at"]').fill(`${day}T17:00`);
    await clickAndWait(tccb, tccb.locator('form[action="/admin/conferences"] button[type=submit]'));
    await noError(tccb, 'the new conference');
    conf = new URL(tccb.url()).pathname.split('/').pop();
    assert.match(conf, /^\d+$/);
    assert.match(await tccb.locator('main').innerText(), /3 điểm cầu trung tâm, 34 điểm cầu tỉnh/);
    assert.equal(await tccb.locator('#agenda ol > li').count(), 6, 'the agenda of Art. 4');
    await shot(tccb, 'conference-01-created');
  });

  step('Vụ Địa phương I sends the request letter; two provinces report, a secret report is refused', async () => {
    const vdp1 = await as('hoinghi');
    await vdp1.goto(`/admin/conferences/${conf}`);
    await submitDoc(vdp1, 'request_letter', 'Đề nghị các văn phòng tỉnh ủy, thành ủy xây dựng báo cáo theo đề cương gửi kèm.');
    await noError(vdp1, 'the request letter');
    const dng = await as('diemcau');
    await dng.goto(`/admin/conferences/${conf}`);
    const mine = dng.locator('[data-doc="province_report"]');
    await mine.locator('textarea[name="body"]').fill('Báo cáo về nhân sự');
    await mine.locator('select[name="classification"]').selectOption('mat');
    await clickAndWait(dng, mine.locator('button[type=submit]'));
    assert.match(await dng.locator('main').innerText(), /Điều 1, Điều 3/, 'the rule is cited');
    await shot(dng, 'conference-02-secret-refused');
    await dng.goto(`/admin/conferences/${conf}`);
    await dng.locator('[data-doc="province_report"] textarea[name="body"]').fill('Văn phòng Thành ủy Đà Nẵng báo cáo kết quả 6 tháng cuối năm.');
    await clickAndWait(dng, dng.locator('[data-doc="province_report"] button[type=submit]'));
    await noError(dng, "Đà Nẵng's report");
    const hue = await as('diemcauhue');
    await hue.goto(`/admin/conferences/${conf}`);
    await hue.locator('[data-doc="province_report"] textarea[name="body"]').fill('Văn phòng Thành ủy Huế báo cáo; kiến nghị hướng dẫn lưu trữ điện tử.');
    await clickAndWait(hue, hue.locator('[data-doc="province_report"] button[type=submit]'));
    await noError(hue, "Huế's report");
    await shot(hue, 'conference-02-report-sent');
  });

  step('Vụ Địa phương II consolidates its region; the board shows who has and has not submitted', async () => {
    const vdp2 = await as('vudp2');
    await vdp2.goto(`/admin/conferences/${conf}`);
    await submitDoc(vdp2, 'regional_report', 'Tổng hợp khu vực miền Trung: Đà Nẵng, Huế đã gửi.', { owner: 'VPTW-VDP2' });
    await noError(vdp2, 'the regional report');
    const vdp1 = await as('hoinghi');
    await vdp1.goto(`/admin/conferences/${conf}?board=1`);
    const region = vdp1.locator('[data-region="VPTW-VDP2"]');
    assert.match(await region.locator('h3').innerText(), /2\/11/);
    assert.equal(await region.locator('li.doc-submitted').count(), 2);
    assert.match(await region.innerText(), /Đã gửi/);
    await region.scrollIntoViewIfNeeded();
    await shot(vdp1, 'conference-03-board');
  });

  step('the day: two check-in pages report their lines to the live board; Huế asks to speak and is granted', async () => {
    const cntt = await as('cntt');
    await cntt.goto(`/admin/conferences/${conf}`);
    await clickAndWait(cntt, cntt.locator(`form[action="/admin/conferences/${conf}/form/start"] button`));
    await noError(cntt, 'the start');
    await cntt.goto(`/admin/conferences/${conf}/live`);
    const dng = await as('diemcau');
    await dng.goto(`/admin/conferences/${conf}`);
    await clickAndWait(dng, dng.locator('[data-site-link="VP-DNG"]'));
    await clickAndWait(dng, dng.locator('[data-checkin]'));
    const hue = await as('diemcauhue');
    await hue.goto(`/admin/conferences/${conf}`);
    await clickAndWait(hue, hue.locator('[data-site-link="VP-HUE"]'));
    await clickAndWait(hue, hue.locator('[data-checkin]'));
    await hue.locator('[data-health].health-good').waitFor({ timeout: 10000 });
    const dngTile = cntt.locator('.site-tile', { hasText: 'Đà Nẵng' }).filter({ hasNotText: 'T.26' });
    const hueTile = cntt.locator('.site-tile', { hasText: 'Thành ủy Huế' });
    await hueTile.and(cntt.locator('.health-good')).waitFor({ timeout: 10000 });
    await dngTile.and(cntt.locator('.health-good')).waitFor({ timeout: 10000 });
    assert.match(await hueTile.innerText(), /\d+ ms/);
    await hue.locator('input[name="topic"]').fill('Kiến nghị về hướng dẫn lưu trữ hồ sơ điện tử');
    await hue.locator('[data-ask] button').click();
    await cntt.locator('[data-queue] li[data-speaking="waiting"]').waitFor({ timeout: 5000 });
    await shot(cntt, 'conference-04-live-board');
    await cntt.locator('[data-queue] [data-speak-action="grant"]').click();
    await hue.locator('[data-queue] li[data-speaking="granted"]').waitFor({ timeout: 5000 });
    await shot(hue, 'conference-05-checkin');
    // Đà Nẵng leaves its check-in page: its tile turns red within seconds.
    await dng.goto(`/admin/conferences/${conf}`);
    const t0 = Date.now();
    await dngTile.and(cntt.locator('.health-lost')).waitFor({ timeout: 12000 });
    assert.ok(Date.now() - t0 < 12000);
    await shot(cntt, 'conference-06-site-lost');
  });

  step('the IT centre drafts the news of the conference on the portal (a draft in its workflow)', async () => {
    const cntt = await as('cntt');
    await cntt.goto(`/admin/conferences/${conf}`);
    await clickAndWait(cntt, cntt.locator(`form[action="/admin/conferences/${conf}/form/news"] button`));
    await noError(cntt, 'the news draft');
    assert.match(new URL(cntt.url()).pathname, /^\/admin\/portal\/items\/\d+$/);
    assert.match(await cntt.locator('main').innerText(), /Hội nghị trực tuyến sơ kết công tác văn phòng/);
    await shot(cntt, 'conference-10-news-draft');
  });

  step('the video: a Jitsi token per site, checked with an independent JWT library', async () => {
    const cntt = await as('cntt');
    await cntt.goto(`/admin/conferences/${conf}`);
    const secret = 'demo-jitsi-secret-0123456789';
    const r = await cntt.evaluate(async ([id, s]) => {
      const csrf = document.querySelector('input[name=_csrf]').value;
      const res = await fetch(`/api/v1/conferences/${id}/video`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ provider: 'jitsi', url: 'https://meet.vanphong.example', room: 'hntt-cuoi-nam', app_id: 'vanphong', secret: s }),
      });
      return res.status;
    }, [conf, secret]);
    assert.equal(r, 200);
    const hue = await as('diemcauhue');
    const join = await hue.evaluate(async (id) => {
      const site = document.querySelector('[data-checkin-page]').getAttribute('data-site');
      return (await fetch(`/api/v1/conferences/${id}/sites/${site}/join`)).json();
    }, conf);
    const { payload, protectedHeader } = await jwtVerify(join.token, new TextEncoder().encode(secret), {
      issuer: 'vanphong', audience: 'jitsi', algorithms: ['HS256'],
    });
    assert.equal(protectedHeader.alg, 'HS256');
    assert.equal(payload.room, 'hntt-cuoi-nam');
    assert.equal(payload.sub, 'meet.vanphong.example');
    assert.ok(payload.exp > Date.now() / 1000);
    assert.match(payload.context.user.name, /Huế/);
    await assert.rejects(jwtVerify(join.token, new TextEncoder().encode('another-secret-entirely')));
  });

  step("a province's proposal is assigned, answered and closed (C-11)", async () => {
    const hue = await as('diemcauhue');
    await hue.goto(`/admin/conferences/${conf}`);
    await clickAndWait(hue, hue.locator('[data-site-link="VP-HUE"]'));
    await hue.locator('form[action$="/form/propose"] textarea[name="text"]').fill('Đề nghị hướng dẫn lập danh mục hồ sơ điện tử');
    await clickAndWait(hue, hue.locator('form[action$="/form/propose"] button'));
    await noError(hue, 'the proposal');
    const vdp1 = await as('hoinghi');
    await vdp1.goto(`/admin/conferences/${conf}`);
    const item = vdp1.locator('#proposals [data-proposal]').first();
    await item.locator('input[name="unit"]').fill('VPTW-VDP1');
    await item.locator('input[name="due_at"]').fill(localInput(new Date(Date.now() + 10 * 24 * 3600 * 1000)));
    await clickAndWait(vdp1, item.locator('form[action$="/form/assign"] button'));
    await noError(vdp1, 'the assignment');
    await vdp1.locator('#proposals [data-proposal] textarea[name="answer"]').fill('Vụ Địa phương I sẽ gửi hướng dẫn trong tháng tới.');
    await clickAndWait(vdp1, vdp1.locator('#proposals form[action$="/form/answer"] button'));
    await noError(vdp1, 'the answer');
    await hue.goto(`/admin/conferences/${conf}`);
    assert.match(await hue.locator('#proposals').innerText(), /sẽ gửi hướng dẫn/);
    await clickAndWait(hue, hue.locator('#proposals form[action$="/form/close"] button'));
    await noError(hue, 'the closing');
    assert.match(await hue.locator('#proposals').innerText(), /Đã đóng/);
    await hue.locator('#proposals').scrollIntoViewIfNeeded();
    await shot(hue, 'conference-09-proposal');
  });

  step('minutes and conclusions: drafted, approved by the leadership, issued with a signed PDF', async () => {
    const cntt = await as('cntt');
    await cntt.goto(`/admin/conferences/${conf}`);
    await clickAndWait(cntt, cntt.locator(`form[action="/admin/conferences/${conf}/form/end"] button`));
    const tccb = await as('tccb');
    await tccb.goto(`/admin/conferences/${conf}`);
    await submitDoc(tccb, 'minutes', 'Biên bản: 37 điểm cầu tham dự; 1 ý kiến phát biểu của Huế.');
    await noError(tccb, 'the minutes');
    await tccb.locator('#conclusions summary').click();
    const deadline = localInput(new Date(Date.now() + 120 * 24 * 3600 * 1000));
    await tccb.locator('#conclusions textarea[name="items"]').fill(
      `Các văn phòng tỉnh ủy, thành ủy hoàn thành số hóa hồ sơ lưu trữ | VP-DNG, VP-HUE | ${deadline}\n` +
      `Trung tâm Công nghệ thông tin nâng cấp đường truyền các điểm cầu | VPTW-TTCNTT | ${deadline}`);
    await clickAndWait(tccb, tccb.locator('#conclusions button[type=submit]'));
    await noError(tccb, 'the draft conclusions');
    await submitDoc(tccb, 'conclusions', 'Dự thảo kết luận hội nghị trình lãnh đạo Văn phòng.');
    await noError(tccb, 'the conclusions submitted');
    const leader = await as('lanhdaovp');
    await leader.goto(`/admin/conferences/${conf}`);
    await clickAndWait(leader, leader.locator('[data-doc="conclusions"] form[action$="/form/approve"] button'));
    await noError(leader, 'the approval');
    const hccy = await as('hccy');
    await hccy.goto(`/admin/conferences/${conf}`);
    const form = hccy.locator('form[data-issue-conclusions]');
    await form.locator('input[name="number"]').fill('15');
    await form.locator('input[name="signer"]').fill('Lê Minh Hưng');
    await form.locator('input[name="issued_on"]').fill(localInput(new Date()));
    await form.locator('input[type=file]').setInputFiles(join(REPO_ROOT, 'tests/data/pki/sample-signed.pdf'));
    await hccy.waitForFunction(() => document.querySelector('form[data-issue-conclusions] input[name=files]').value.startsWith('/media/'), null, { timeout: 10000 });
    await clickAndWait(hccy, form.locator('button[type=submit]'));
    await noError(hccy, 'the issued conclusions');
    assert.match(await hccy.locator('#conclusions').innerText(), /Nhiệm vụ #\d+/);
    await shot(hccy, 'conference-07-conclusions');
  });

  step('the conclusions are tracked tasks with their clocks in the Tasks screens', async () => {
    const office = await as('vpnhiemvu');
    const tccb = await as('tccb');
    await tccb.goto(`/admin/conferences/${conf}`);
    const href = await tccb.locator('#conclusions a[href^="/admin/tasks/"]').first().getAttribute('href');
    await office.goto(href);
    await noError(office, 'the task');
    const text = await office.locator('main').innerText();
    assert.match(text, /số hóa hồ sơ lưu trữ/);
    assert.match(text, /Vụ Tổ chức - Cán bộ/);
    assert.match(text, /Văn phòng Thành ủy Đà Nẵng/);
    await shot(office, 'conference-08-task');
    const dng = await as('diemcau');
    await dng.goto(`/admin/conferences/${conf}`);
    assert.ok(await dng.locator('[data-doc="implementation_report"]').count(), 'the province is asked how it carries them out');
  });
});
