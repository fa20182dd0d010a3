// One headless Debian Chromium per test file, launched before its tests and closed after.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const APP = process.env.E2E_APP_URL || 'http://127.0.0.1:3100';

/** Returns a getter for the file's browser. */
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // Without these Chromium keeps dialling out, which this machine refuses.
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}
