// The public site as a reader meets it, in headless Chromium against a throw-away
// `vanphong serve --demo` (SQLite, with the demo corpus): the home page, a section, an article
// and its English translation, the document look-up with a filter and the files' verification,
// the search without diacritics, a collection's outline, the 404 page, on a desktop and a phone;
// axe-core finds no serious or critical violation on any of them; the keyboard reaches the
// content first; the feeds read back with an independent parser (@rowanmanning/feed-parser).
//
// covers P-3, P-4, P-5, P-21, P-26, P-30, X-2, X-4, X-6. Screenshots: tests/browser/screenshots/site-*.png.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import AxeBuilder from '@axe-core/playwright';
import { parseFeed } from '@rowanmanning/feed-parser';

import { DESKTOP, PHONE, clickAndWait, shot, watchPage } from './lib/browser.mjs';
import { missingPrerequisite, signedInSuite } from './lib/suite.mjs';

describe('a reader finds news, documents and collections on the public site', { skip: missingPrerequisite() }, () => {
  const s = signedInSuite('site', { corpus: true });
  const { step, problems } = s;
  let desk, phone, articlePath;

  async function reader(viewport) {
    const context = await s.browser.newContext({ baseURL: s.server.url, viewport, locale: 'vi-VN' });
    const page = await context.newPage();
    watchPage(page, problems);
    return page;
  }

  // No serious or critical accessibility violation (WCAG 2 A and AA rules, best practices).
  async function accessible(page, what) {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`),
      [],
      `${what}: axe-core violations`,
    );
  }

  async function both(path, name, check) {
    for (const [page, size] of [[desk, 'desktop'], [phone, 'phone']]) {
      const res = await page.goto(path);
      assert.equal(res.status(), 200, `${path} on a ${size}`);
      if (check) await check(page, size);
      await accessible(page, `${path} (${size})`);
      await shot(page, `site-${name}-${size}`);
    }
  }

  step('the home page has the banner, a lead story with its picture, the sections and the documents', async () => {
    desk = await reader(DESKTOP);
    phone = await reader(PHONE);
    s.pages.desktop = desk;
    s.pages.phone = phone;
    await both('/', 'home', async (page) => {
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
      assert.ok(await page.locator('.banner').count(), 'the banner');
      const lead = page.locator('.lead-story img, .lead img, article img').first();
      assert.ok(await lead.count(), 'a picture on the home page');
      assert.ok((await lead.getAttribute('srcset'))?.includes('w'), 'a responsive picture (srcset)');
      assert.ok(await page.locator('link[rel=alternate][type="application/rss+xml"]').count(), 'feed discovery');
      assert.ok(await page.locator('a[href="/van-ban"]').count(), 'a link to the document look-up');
    });
    // Nothing loads from another host: fonts, pictures and styles are the site's own.
    const foreign = [];
    desk.on('request', (r) => {
      if (!r.url().startsWith(s.server.url)) foreign.push(r.url());
    });
    await desk.reload();
    assert.deepEqual(foreign, []);
  });

  step('the accessibility check does find a violation when there is one', async () => {
    await desk.goto('/');
    await desk.evaluate(() => {
      const img = document.createElement('img');
      img.src = '/static/favicon.svg';
      document.querySelector('main').prepend(img);  // no alt text: a critical violation
    });
    await assert.rejects(accessible(desk, 'a page with a picture without alt text'), /image-alt/);
  });

  step('the keyboard reaches the skip link first, and it leads to the content', async () => {
    await desk.goto('/');
    await desk.keyboard.press('Tab');
    assert.equal(await desk.evaluate(() => document.activeElement?.className), 'skip-link');
    await desk.keyboard.press('Enter');
    assert.equal(await desk.evaluate(() => document.activeElement?.id), 'main');
  });

  step('a section lists its items with paging', async () => {
    await desk.goto('/');
    const link = desk.locator('nav a[href="/chuyen-muc/dia-phuong"]').first();
    await clickAndWait(desk, link);
    assert.equal(new URL(desk.url()).pathname, '/chuyen-muc/dia-phuong');
    assert.ok((await desk.locator('main article, main .card').count()) >= 10, 'a page of items');
    assert.ok(await desk.locator('.pager a[rel=next]').count(), 'more than one page');
    await both('/chuyen-muc/dia-phuong', 'section');
  });

  step('an article shows its picture with a caption, its dates, source, credit text and translation', async () => {
    await desk.goto('/chuyen-muc/thoi-su');
    await clickAndWait(desk, desk.locator('main .card:has(img) a[href^="/bai-viet/"]').first());
    articlePath = new URL(desk.url()).pathname;
    assert.match(articlePath, /^\/bai-viet\/\d+-[a-z0-9-]+$/);
    const ld = JSON.parse(await desk.locator('script[type="application/ld+json"]').first().textContent());
    assert.equal(ld['@type'], 'NewsArticle');
    assert.ok(ld.datePublished && ld.headline);
    assert.ok(await desk.locator('figure figcaption').count(), 'a caption');
    assert.ok(await desk.locator('time[datetime]').count(), 'the publication time');
    await both(articlePath, 'article');
    // Among the main portal's stories some have an English translation, linked both ways.
    await desk.goto('/en');
    await clickAndWait(desk, desk.locator('main .card:has(img) a[href^="/bai-viet/"]').first());
    assert.equal(await desk.locator('html').getAttribute('lang'), 'en');
    const vi = desk.locator('link[rel=alternate][hreflang=vi]');
    assert.equal(await vi.count(), 1, 'hreflang to the Vietnamese original');
    await accessible(desk, 'an English article');
  });

  step('the document look-up filters by kind and shows each file with its verification', async () => {
    await desk.goto('/van-ban');
    const all = Number(await desk.locator('.results-h strong').textContent());
    assert.ok(all >= 14, `the register (${all})`);
    await desk.locator('#d-kind').selectOption('resolution');
    await clickAndWait(desk, desk.locator('.filters button[type=submit]'));
    const filtered = Number(await desk.locator('.results-h strong').textContent());
    assert.ok(filtered > 0 && filtered < all, `resolutions only (${filtered} of ${all})`);
    for (const kind of await desk.locator('.doc-item .card-kind').allTextContents()) assert.equal(kind.trim(), 'Nghị quyết');
    const verified = desk.locator('.doc-item .verified').first();
    assert.ok(await verified.count(), 'a file whose signature was verified');
    assert.match(await verified.textContent(), /Đã xác thực chữ ký số/);
    const check = desk.locator('.doc-item a.file-verify').first();
    await clickAndWait(desk, check);
    assert.equal(new URL(desk.url()).pathname, '/verify');
    await both('/van-ban?kind=resolution', 'documents');
  });

  step('the search finds Vietnamese typed without diacritics and marks the words', async () => {
    await phone.goto('/');
    await phone.locator('header input[type=search]').fill('nghi quyet');
    await clickAndWait(phone, phone.locator('header form[role=search] button[type=submit], header form button').first());
    assert.equal(new URL(phone.url()).pathname, '/tim-kiem');
    assert.ok((await phone.locator('.result').count()) > 0, 'results');
    const marked = await phone.locator('.result-snippet mark, .result mark').first().textContent();
    assert.match(marked.toLowerCase(), /nghị|quyết/);
    await both('/tim-kiem?q=nghi+quyet', 'search');
  });

  step('a collection shows its outline by volume and chapter', async () => {
    await desk.goto('/tu-lieu');
    await clickAndWait(desk, desk.locator('.collection-title a').first());
    assert.ok((await desk.locator('.outline .lvl-1').count()) >= 1, 'volumes');
    assert.ok((await desk.locator('.outline .lvl-2').count()) >= 1, 'chapters under them');
    const path = new URL(desk.url()).pathname;
    await both(path, 'collection');
  });

  step('a wrong address meets the site\'s own Vietnamese 404 page', async () => {
    const res = await fetch(`${s.server.url}/trang-khong-co-that`);
    assert.equal(res.status, 404);
    const html = await res.text();
    assert.match(html, /Không tìm thấy trang/);
    assert.match(html, /<html lang="vi">/);
    assert.match(html, /name="robots" content="noindex"/);
  });

  step('the feeds read back with an independent parser, with absolute links that open', async () => {
    for (const path of ['/rss.xml', '/atom.xml', '/chuyen-muc/thoi-su/rss.xml', '/en/rss.xml', '/cong/tu-hue/atom.xml']) {
      const res = await fetch(`${s.server.url}${path}`);
      assert.equal(res.status, 200, path);
      const feed = parseFeed(await res.text());
      assert.ok(feed.title, `${path}: a title`);
      assert.ok(feed.items.length > 0, `${path}: items`);
      for (const item of feed.items.slice(0, 3)) {
        assert.ok(item.title && item.url && item.published, `${path}: an item with title, link and date`);
        const u = new URL(item.url);
        const page = await fetch(`${s.server.url}${u.pathname}`);
        assert.equal(page.status, 200, `${path}: ${u.pathname} opens`);
      }
    }
  });

  step('no script errors or server errors', async () => {
    assert.deepEqual(problems.scriptErrors, []);
    assert.deepEqual(problems.serverErrors, []);
  });
});
