// One headless Debian Chromium per test file, launched before its tests and closed after.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const APP = process.env.E2E_APP_URL || 'http://127.0.0.1:3100';

/**
 * Returns a getter for the file's browser. With `popupBlocking`, Chromium blocks popups that
 * do not come from a user's gesture, as a real browser does (Playwright turns that off).
 */
export function useBrowser({ popupBlocking = false } = {}) {
  let browser;
  before(async () => {
    browser = await chromium.launch({
      ignoreDefaultArgs: popupBlocking ? ['--disable-popup-blocking'] : [],
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // Without these Chromium keeps dialling out. The resolver rule fails every host name
      // but 127.0.0.1 at once, so no page can reach beyond this machine either.
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

/** Records every request of `target` (a page or a context) that leaves 127.0.0.1. */
export function offLoopback(target) {
  const seen = [];
  target.on('request', (r) => {
    const { protocol, hostname } = new URL(r.url());
    if (/^https?:$/.test(protocol) && hostname !== '127.0.0.1') seen.push(r.url());
  });
  return seen;
}
