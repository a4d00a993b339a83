// Shared by the console's browser tests (tests/console/*.mjs, driven by test_console.py).
//
// playwright-core comes from web/node_modules (a dev dependency of web/package.json, installed by
// `npm ci` in ./s3lab test); the browser is Debian's /usr/bin/chromium, never a downloaded one.
// Each script reads its parameters from the S3LAB_CONSOLE_TEST environment variable (JSON written by
// the Python side: the console URL, where screenshots go, what to expect) and exits non-zero with the
// failed assertion when something is wrong. Assertions are on DOM contents; waits are for DOM states
// (with generous timeouts), never on timing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export { assert };

export const params = JSON.parse(process.env.S3LAB_CONSOLE_TEST || '{}');

export const WAIT = { timeout: 60000 };

// Runs body(page) in a fresh headless chromium; closes the browser on every path. Console errors of
// the page (uncaught exceptions, failed module loads) fail the test.
export async function withPage(body) {
  const browser = await chromium.launch({
    executablePath: process.env.S3LAB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.url()}`); });
    await body(page);
    assert.deepEqual(pageErrors, [], 'the page logged errors');
  } finally {
    await browser.close();
  }
}

export async function open(page, pathAndQuery) {
  await page.goto(new URL(pathAndQuery, params.url).href);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
}

export async function screenshot(page, name) {
  const file = path.join(params.shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}
