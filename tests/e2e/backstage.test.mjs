// Drop-in proofs against the real backend: Backstage's own OAuthRequestManager as the
// oauthRequestApi, and the redirect flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, offLoopback, useBrowser } from './browser.mjs';
import { claims, completeLogin, ISSUER } from './login-helpers.mjs';

const browser = useBrowser();

test('a real OAuthRequestManager from @backstage/core-app-api gets the request; no built-in modal', { timeout: 60000 }, async () => {
  const context = await browser().newContext();
  const outside = offLoopback(context);
  const page = await context.newPage();
  try {
    await page.goto(`${APP}/bundles/backstage/index.html`);
    await page.waitForFunction(() => window.ready === true);
    await page.evaluate(() => {
      window.result = window.api.getIdToken().then((token) => ({ token }), (e) => ({ error: `${e.name}: ${e.message}` }));
    });
    await page.waitForFunction(() => window.requests.length === 1);
    assert.equal(await page.evaluate(() => window.requests[0].provider.title), 'Your Identity Provider');
    assert.equal(await page.locator('dialog').count(), 0, 'the built-in modal stays out of the way');
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#trigger')]);
    await completeLogin(popup, 'manager-user');
    const result = await page.evaluate(() => window.result);
    assert.equal(result.error, undefined, result.error);
    assert.equal(claims(result.token).sub, 'manager-user');
    assert.equal(claims(result.token).iss, ISSUER);
    assert.equal(await page.evaluate(() => window.requests.length), 0);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('the redirect flow logs in through the whole window and comes back signed in', { timeout: 60000 }, async () => {
  const context = await browser().newContext();
  const outside = offLoopback(context);
  const page = await context.newPage();
  try {
    const url = `${APP}/test/redirect.html?from=test`;
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
    assert.equal(await page.evaluate(() => window.onLoadToken), '');
    await page.evaluate(() => { window.api.getIdToken(); });
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /http redirect/);
    const left = page.waitForURL(/127\.0\.0\.1:7010/);
    await dialog.getByRole('button', { name: 'Log in' }).click();
    await left;
    await page.fill('input[name=login]', 'redirect-user');
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.href.startsWith(APP) || u.pathname.includes('/interaction/'));
    if (!page.url().startsWith(APP)) {
      await page.click('button[type=submit]');
    }
    await page.waitForURL(url);
    await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
    const token = await page.evaluate(() => window.onLoadToken);
    assert.equal(claims(token).sub, 'redirect-user');
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});
