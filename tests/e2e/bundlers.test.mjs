// The package as Vite and webpack 5 bundle it with their defaults (tests/bundlers), and as a
// plain page imports it: each instantiates without an init step and reaches the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, useBrowser } from './browser.mjs';

const browser = useBrowser();

for (const bundler of ['vite', 'webpack']) {
  test(`a ${bundler} bundle works with no init step`, { timeout: 60000 }, async () => {
    const page = await browser().newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const wasmRequests = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(r.url()); });
    try {
      await page.goto(`${APP}/bundles/${bundler}/index.html`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15000 });
      // No session yet: an optional call resolves '' after a real /refresh answered 401.
      assert.deepEqual(await page.evaluate(() => window.result), { token: '', title: 'Google' });
      assert.deepEqual(errors, []);
      assert.deepEqual(wasmRequests, [], 'the wasm is inlined, not fetched');
    } finally {
      await page.close();
    }
  });
}
