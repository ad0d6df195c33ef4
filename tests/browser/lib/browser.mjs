// Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A full-page PNG in tests/browser/screenshots/<name>.png; returns its path. The page is
 * scrolled to the top first: a full-page capture keeps sticky elements (the editor's toolbar)
 * where the current scroll put them, which would draw them over the middle of the page.
 */
export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Clicks something that submits a form or follows a link and waits for the resulting page
 * (after any redirects) to load. Works when the URL stays the same (a form re-shown with an
 * error), where waitForURL would not. Returns the final navigation response.
 */
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

/** Records what a page does wrong: uncaught script errors, console errors and 5xx answers. */
export function watchPage(page, problems) {
  page.on('pageerror', (e) => problems.scriptErrors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
}
