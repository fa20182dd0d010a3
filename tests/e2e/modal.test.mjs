// The built-in "Login Required" modal as a user meets it: accessible (axe-core finds no
// violations, focus moves in and stays, the keyboard works), fine under a strict
// Content-Security-Policy, themeable through CSS custom properties, and with replaceable words.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, useBrowser } from './browser.mjs';

const browser = useBrowser();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A parity page (fetch answers 401, window.open recorded) with one pending login request. */
async function pageWithModal({ bypassCSP = false, setup = '' } = {}) {
  const context = await browser().newContext({ bypassCSP });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  const response = await page.goto(`${APP}/test/parity.html`);
  page.csp = response.headers()['content-security-policy'];
  await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  await page.evaluate((extra) => {
    window.stubFetch(() => window.noCookie);
    window.opened = window.stubOpen(null);
    if (extra === 'strings') {
      window.pkg.setModalStrings({ title: 'Anmeldung erforderlich', login: 'Anmelden', rejectAll: 'Alle ablehnen' });
    }
    const configApi = { getOptionalBoolean: (key) => extra === 'redirect' && key === 'enableExperimentalRedirectFlow' };
    window.api = window.pkg.GoogleAuth.create({ baseUrl: window.BASE, configApi });
    window.pending = window.api.getIdToken().catch((e) => e);
  }, setup);
  await page.locator('dialog[open]').waitFor();
  return { context, page };
}

test('axe-core finds no violations in the open modal', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal({ bypassCSP: true });
  try {
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);
    assert.deepEqual(violations, []);
    const role = await page.getByRole('dialog', { name: 'Login Required' }).count();
    assert.equal(role, 1, 'a dialog named Login Required');
  } finally {
    await context.close();
  }
});

test('focus moves in, stays in, and the keyboard works', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal();
  try {
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return el?.closest('dialog') ? el.textContent : `outside: ${el?.tagName}`;
    });
    assert.equal(await focused(), 'Log in', 'focus starts on the row\'s Log in button');
    const walk = [];
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      walk.push(await focused());
    }
    assert.deepEqual(walk, ['Reject All', 'Log in', 'Reject All', 'Log in']);
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'Reject All');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('dialog[open]').count(), 1, 'Escape does not dismiss it');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.opened.length === 1);
    // The stub blocked the popup: the row shows why and stays.
    await page.locator('dialog [role=alert]', { hasText: 'Failed to open auth popup.' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const error = await page.evaluate(() => window.pending);
    assert.equal(error.name, 'RejectedError');
    assert.equal(await page.locator('dialog').count(), 0);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('works under a strict Content-Security-Policy and is themeable', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal();
  try {
    assert.match(page.csp, /script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
    const styles = await page.evaluate(() => {
      const root = document.documentElement.style;
      root.setProperty('--backstage-auth-background', 'rgb(1, 2, 3)');
      root.setProperty('--backstage-auth-color', 'rgb(4, 5, 6)');
      root.setProperty('--backstage-auth-accent', 'rgb(7, 8, 9)');
      const dialog = getComputedStyle(document.querySelector('dialog'));
      const button = getComputedStyle(document.querySelector('dialog button'));
      return { background: dialog.backgroundColor, color: dialog.color, accent: button.color };
    });
    assert.deepEqual(styles, { background: 'rgb(1, 2, 3)', color: 'rgb(4, 5, 6)', accent: 'rgb(7, 8, 9)' });
    const padding = await page.evaluate(() => getComputedStyle(document.querySelector('dialog')).paddingTop);
    assert.equal(padding, '24px', 'the built-in styles applied despite style-src \'self\'');
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  } finally {
    await context.close();
  }
});

test('its words can be replaced', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal({ setup: 'strings' });
  try {
    const dialog = page.getByRole('dialog', { name: 'Anmeldung erforderlich' });
    assert.equal(await dialog.count(), 1);
    assert.equal(await dialog.getByRole('button', { name: 'Anmelden' }).count(), 1);
    assert.equal(await dialog.getByRole('button', { name: 'Alle ablehnen' }).count(), 1);
    const bad = await page.evaluate(() => {
      try {
        window.pkg.setModalStrings({ login: 5 });
        return 'accepted';
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    });
    assert.equal(bad, 'TypeError: strings.login must be a string');
    await page.evaluate(() => window.pkg.setModalStrings({ title: null, login: null, rejectAll: null }));
  } finally {
    await context.close();
  }
});

test('the redirect flow says so in the modal', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal({ setup: 'redirect' });
  try {
    assert.match(await page.locator('dialog').innerText(), /This will trigger a http redirect to OAuth Login\./);
  } finally {
    await context.close();
  }
});

test('two Microsoft audiences make two rows', { timeout: 30000 }, async () => {
  const { context, page } = await pageWithModal();
  try {
    await page.evaluate(() => {
      const ms = window.pkg.MicrosoftAuth.create({ baseUrl: window.BASE });
      ms.getAccessToken().catch(() => {});
      ms.getAccessToken('api://my-api/read').catch(() => {});
    });
    await page.waitForFunction(() => document.querySelectorAll('dialog li').length === 3);
    const rows = await page.locator('dialog li span').allInnerTexts();
    assert.deepEqual(rows, ['Google', 'Microsoft', 'Microsoft']);
  } finally {
    await context.close();
  }
});
