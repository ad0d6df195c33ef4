// The editorial workflow of the Portal back office, through the pages, in headless Chromium
// against a throw-away `vanphong serve --demo` (SQLite):
//
//   congtacvien (contributor) writes and submits a news item in the rich-text editor →
//   bientap (editor) takes it, edits it, sends it to review → kiemduyet (reviewer) approves →
//   xuatban (publisher) publishes → bientap edits the published item (a pending revision; the
//   live one stays) → bbt (the board's director) takes it down with a reason, and confirms the
//   responsibility record filled from the history.
//
// covers P-10, P-14, P-15, P-16. Screenshots go to tests/browser/screenshots/portal-*.png.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { PHONE, clickAndWait, shot } from './lib/browser.mjs';
import { missingPrerequisite, signedInSuite } from './lib/suite.mjs';

const TITLE = 'Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ nhất';
const EDITED = 'Khai mạc Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ nhất';
const PENDING = 'Bế mạc Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ nhất';

describe('a contribution goes through editing, review and publication, then a take-down', { skip: missingPrerequisite() }, () => {
  const { step, as, pages, problems } = signedInSuite('portal');
  let itemPath = '';

  async function act(page, action, fields = {}) {
    const form = page.locator(`form.action-form:has(button[data-action="${action}"])`);
    assert.equal(await form.count(), 1, `the action "${action}" is offered on ${page.url()}`);
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
    await clickAndWait(page, form.locator(`button[data-action="${action}"]`));
    assert.ok(!(await page.locator('.error-page, .alert.error').count()), `"${action}" was accepted: ${await page.locator('main').innerText()}`);
  }

  async function state(page) {
    return page.locator('h1 + .state').first().getAttribute('data-state');
  }

  // The body field: the rich-text editor when it is on the page, else the HTML textarea.
  async function writeBody(page, text) {
    const editor = page.locator('.rte .ProseMirror, .rte [contenteditable=true]').first();
    if (await editor.count()) {
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
      const bold = page.locator('.rte [data-cmd="bold"]').first();
      if (await bold.count()) {
        await page.keyboard.press('Control+A');
        await bold.click();
      }
    } else {
      await page.locator('textarea[name="body_html"]').fill(`<p>${text}</p>`);
    }
  }

  step('a contributor writes and submits a news item', async () => {
    const page = await as('congtacvien');
    await page.goto('/admin/portal');
    await shot(page, 'portal-01-queue-contributor');
    await clickAndWait(page, page.locator('a[href="/admin/portal/items/new"]'));
    await page.locator('input[name="title"]').fill(TITLE);
    await page.locator('textarea[name="lead"]').fill('Sáng nay, Hội nghị lần thứ nhất khai mạc tại Hội trường Tỉnh ủy.');
    await writeBody(page, 'Hội nghị thảo luận chương trình hành động thực hiện Nghị quyết Đại hội.');
    await page.locator('input[name="source"]').fill('Cộng tác viên Văn phòng Thành ủy Hà Nội');
    await page.locator('input[name="sections"][value="thoi-su"]').check();
    await page.locator('input[name="event_at"]').fill('2026-12-01T08:30');
    await shot(page, 'portal-02-new-item');
    await clickAndWait(page, page.locator('form.editor-form button[type=submit]'));
    itemPath = new URL(page.url()).pathname;
    assert.match(itemPath, /^\/admin\/portal\/items\/\d+$/, 'the draft has its page');
    assert.equal(await state(page), 'draft');
    // A contributor's submission carries his details and his unit head's approval (P-11).
    const form = page.locator('form.action-form:has(button[data-action="submit"])');
    await form.locator('input[name="contribution.full_name"]').fill('Nguyễn Văn An');
    await form.locator('input[name="contribution.title"]').fill('Phóng viên');
    await form.locator('input[name="contribution.unit"]').fill('Văn phòng Thành ủy Hà Nội');
    await form.locator('input[name="contribution.phone"]').fill('0243 825 6789');
    await form.locator('input[name="contribution.bank_account"]').fill('0011 0023 4567');
    await form.locator('input[name="contribution.bank_branch"]').fill('Vietcombank Hà Nội');
    await form.locator('input[name="contribution.head_name"]').fill('Trần Thị Bình');
    await form.locator('input[name="contribution.head_title"]').fill('Chánh Văn phòng');
    await form.locator('input[name="contribution.head_approved_on"]').fill('2026-12-01');
    await shot(page, 'portal-02b-contribution');
    await act(page, 'submit');
    assert.equal(await state(page), 'submitted');
  });

  step('an editor takes it, edits it and sends it to review', async () => {
    const page = await as('bientap');
    await page.goto('/admin/portal?state=submitted');
    await shot(page, 'portal-03-queue-editor');
    await clickAndWait(page, page.getByRole('link', { name: TITLE }));
    await act(page, 'take');
    assert.equal(await state(page), 'editing');
    await page.locator('form.editor-form input[name="title"]').fill(EDITED);
    await page.locator('form.editor-form input[name="comment"]').fill('Sửa tiêu đề');
    await shot(page, 'portal-04-editing');
    await clickAndWait(page, page.locator('form.editor-form button[type=submit]'));
    assert.equal((await page.locator('h1').first().innerText()).trim(), EDITED);
    await act(page, 'send_to_review');
    assert.equal(await state(page), 'in_review');
  });

  step('the reviewer must comment to send back, then approves', async () => {
    const page = await as('kiemduyet');
    await page.goto(itemPath);
    assert.equal(await page.locator('button[data-action="publish"]').count(), 0, 'no publish button in review');
    await act(page, 'approve');
    assert.equal(await state(page), 'approved');
  });

  step('the publisher publishes; the post-check is due at midnight', async () => {
    const page = await as('xuatban');
    await page.goto(itemPath);
    await act(page, 'publish');
    assert.equal(await state(page), 'published');
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /pending/, 'the post-check is pending');
    assert.match(facts, /T00:00:00\+07:00/, 'due at 24:00 of the day');
    await shot(page, 'portal-05-published');
  });

  step('an edit of the published item stays pending while the live one stays', async () => {
    const page = await as('bientap');
    await page.goto(itemPath);
    assert.ok(await page.locator('.alert.info').count(), 'the editor is told the edit will be pending');
    await page.locator('form.editor-form input[name="title"]').fill(PENDING);
    await clickAndWait(page, page.locator('form.editor-form button[type=submit]'));
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /editing/, 'the pending revision is being edited');
    // The revisions table has three rows and the live one is marked.
    assert.equal(await page.locator('section:has(h2) table tbody tr').filter({ hasText: /^\d/ }).count() >= 3, true);
    await clickAndWait(page, page.locator('a[href*="/diff?a=1&b=2"]'));
    assert.match(await page.locator('main').innerText(), new RegExp(EDITED));
    await shot(page, 'portal-06-diff');
  });

  step('the director takes it down with a reason and confirms the responsibility record', async () => {
    const page = await as('bbt');
    await page.goto(itemPath);
    const form = page.locator('form.action-form:has(button[data-action="take_down"])');
    await form.locator('button[data-action="take_down"]').click();
    // The reason is required (the browser's own check stops an empty one).
    assert.equal(new URL(page.url()).pathname, itemPath);
    await act(page, 'take_down', { reason: 'Thông tin chưa được kiểm chứng, gỡ bỏ ngay theo Điều 10' });
    assert.equal(await state(page), 'taken_down');
    const cases = page.locator('#takedowns');
    assert.match(await cases.innerText(), /executed/);
    await cases.locator('details summary').first().click();
    const record = await cases.innerText();
    for (const who of ['congtacvien', 'bientap', 'kiemduyet', 'xuatban']) assert.match(record, new RegExp(who), `the record names ${who}`);
    await shot(page, 'portal-07-takedown');
    await clickAndWait(page, cases.locator('button[data-step="responsibility"]'));
    assert.match(await page.locator('#takedowns').innerText(), /✓/, 'confirmed');
  });

  step('the history lists every step with its role', async () => {
    const page = pages.bbt;
    const history = await page.locator('ol.history').innerText();
    for (const a of ['create', 'submit', 'take', 'edit', 'send_to_review', 'approve', 'publish', 'edit_published', 'take_down']) {
      assert.match(history, new RegExp(`\\b${a}\\b`), `history has ${a}`);
    }
    await page.setViewportSize(PHONE);
    await page.goto('/admin/portal');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) problems.ui.push('/admin/portal scrolls sideways on a phone');
    await shot(page, 'portal-08-queue-phone');
  });

  // covers P-17, P-31: the royalty officer's quarterly report (the published contribution is in it)
  // and the administrators' list of prohibited terms.
  step('the royalty officer sees the quarter; the administrator keeps the terms', async () => {
    const officer = await as('nhuanbut');
    await officer.goto('/admin/portal/royalties?portal=main');
    assert.match(await officer.locator('main').innerText(), /Nguyễn Văn An/, 'the contributor is a payee');
    assert.equal(await officer.locator('a[href^="/api/v1/portal/royalties.xlsx"]').count(), 1);
    await shot(officer, 'portal-09-royalties');
    const admin = await as('quantricong');
    await admin.goto('/admin/portal/terms?portal=main');
    await admin.locator('input[name="term"]').fill('kích động');
    await clickAndWait(admin, admin.locator('form[method=post][action="/admin/portal/terms"] button[type=submit]'));
    assert.match(await admin.locator('main').innerText(), /kích động/);
    await shot(admin, 'portal-10-terms');
  });

  // covers P-1, P-3, P-4, P-25: the shared library — a look-up without diacritics, the
  // collections by volume and chapter, and a provincial item integrated into the main portal.
  step('the publisher looks up a document and integrates a provincial item', async () => {
    const publisher = await as('xuatban');
    await publisher.goto('/admin/portal/library?q=' + encodeURIComponent('nghi quyet to chuc bo may'));
    const text = await publisher.locator('main').innerText();
    assert.match(text, /Nghị quyết số 18-NQ\/TW/, 'found without diacritics');
    assert.doesNotMatch(text, /Chỉ thị số 35-CT\/TW/, 'every word must occur');
    assert.match(text, /Hồ Chí Minh Toàn tập/);
    assert.match(text, /Tuyên ngôn Độc lập/, 'a chapter with its text');
    await shot(publisher, 'portal-11-library');
    const integrate = publisher.locator('form[action$="/integrate"] button[type=submit]').first();
    assert.equal(await publisher.locator('form[action$="/integrate"]').count(), 1, 'one provincial item waits');
    await clickAndWait(publisher, integrate);
    assert.match(new URL(publisher.url()).pathname, /^\/admin\/portal\/items\/\d+$/);
    assert.match(await publisher.locator('main').innerText(), /Kết luận số 48-KL\/TW/);
    await shot(publisher, 'portal-12-integrated');
  });

  step('no script errors or server errors', async () => {
    assert.deepEqual(problems.scriptErrors, []);
    assert.deepEqual(problems.serverErrors, []);
  });
});
