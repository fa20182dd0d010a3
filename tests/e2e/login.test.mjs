// End-to-end: real logins in headless Chromium against the real Backstage auth backend and
// OpenID provider started by scripts/test.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, offLoopback, useBrowser } from './browser.mjs';
import { claims, completeLogin, ISSUER } from './login-helpers.mjs';

const PROVIDERS = ['google', 'microsoft', 'okta', 'onelogin', 'auth0', 'oauth2', 'oidc'];
const TITLES = {
  google: 'Google', microsoft: 'Microsoft', okta: 'Okta', onelogin: 'onelogin',
  auth0: 'Auth0', oauth2: 'Your Identity Provider', oidc: 'Your Identity Provider',
};

const browser = useBrowser();

/** Opens the test page in a fresh browser context (no cookies), recording popups and requests. */
async function openPage() {
  const context = await browser().newContext();
  const page = await context.newPage();
  const seen = { popups: 0, refreshes: [], offLoopback: offLoopback(context), console: [] };
  context.on('console', (m) => seen.console.push(m.text()));
  context.on('page', () => { seen.popups += 1; });
  page.on('request', (r) => { if (r.url().includes('/refresh?')) seen.refreshes.push(r.url()); });
  page.on('pageerror', (e) => { seen.pageError = e; });
  await page.goto(`${APP}/test/index.html`);
  await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  return { context, page, seen };
}

/** Calls `apis[key][method]()` in the page without awaiting it; the outcome lands in window.outcome. */
async function start(page, key, method) {
  await page.evaluate(([k, m]) => {
    window.outcome = undefined;
    window.apis[k][m]().then(
      (value) => { window.outcome = { value }; },
      (e) => { window.outcome = { error: `${e.name}: ${e.message}` }; },
    );
  }, [key, method]);
}

async function outcome(page) {
  await page.waitForFunction(() => window.outcome !== undefined, null, { timeout: 20000 });
  return page.evaluate(() => window.outcome);
}

/** Logs in through the built-in modal: the call waits, the modal shows, Log in opens the popup. */
async function loginThroughModal(page, key, user) {
  await start(page, key, 'getIdToken');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  assert.match(await dialog.innerText(), /Login Required/);
  assert.match(await dialog.innerText(), new RegExp(TITLES[key]));
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    dialog.getByRole('button', { name: /Log in/ }).first().click(),
  ]);
  assert.equal(new URL(popup.url()).origin, ISSUER, 'the popup went through /start to the provider');
  await completeLogin(popup, user);
  const result = await outcome(page);
  assert.equal(result.error, undefined, `login failed: ${result.error}`);
  assert.equal(await page.locator('dialog').count(), 0, 'the modal left the DOM');
  return result.value;
}

for (const key of PROVIDERS) {
  test(`${key}: modal login, reload and refresh, sign out`, { timeout: 60000 }, async () => {
    const { context, page, seen } = await openPage();
    try {
      const user = `user-${key}`;
      const token = await loginThroughModal(page, key, user);
      const c = claims(token);
      assert.equal(c.iss, ISSUER);
      assert.equal(c.sub, user);
      console.log(`# ${key}: logged in as ${c.sub}, iss ${c.iss}`);
      assert.deepEqual(await page.evaluate((k) => window.states[k], key), ['SignedOut', 'SignedIn']);
      // A second call is answered from memory.
      assert.equal(await page.evaluate((k) => window.apis[k].getIdToken(), key), token);

      await page.reload();
      await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
      const popupsBefore = seen.popups;
      const refreshesBefore = seen.refreshes.length;
      const again = await page.evaluate((k) => window.apis[k].getIdToken({ optional: true }), key);
      assert.notEqual(again, '', 'the refresh cookie brought the session back');
      assert.equal(claims(again).sub, user);
      assert.equal(seen.popups, popupsBefore, 'no popup after the reload');
      assert.equal(seen.refreshes.length, refreshesBefore + 1, 'exactly one /refresh');
      assert.match(seen.refreshes.at(-1), new RegExp(`/api/auth/${key}/refresh\\?optional&scope=.*&env=development$`));

      await page.evaluate((k) => window.apis[k].signOut(), key);
      await page.waitForFunction((k) => window.states[k].at(-1) === 'SignedOut', key);
      assert.equal(await page.evaluate((k) => window.apis[k].getIdToken({ optional: true }), key), '');
      assert.equal(seen.pageError, undefined);
      assert.deepEqual(seen.offLoopback, [], 'nothing left 127.0.0.1, the provider\'s pages included');
      const leaks = seen.console.filter((line) => line.includes(token) || line.includes(again));
      assert.deepEqual(leaks, [], 'no token in any console line');
      const stored = await page.evaluate(async () => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
        databases: (await indexedDB.databases()).length,
        caches: (await caches.keys()).length,
      }));
      assert.deepEqual(stored, { local: 0, session: 0, cookie: '', databases: 0, caches: 0 }, 'tokens live in memory only');
    } finally {
      await context.close();
    }
  });
}

test('instantPopup opens the popup inside the click, with no modal', { timeout: 60000 }, async () => {
  const { context, page } = await openPage();
  try {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#instant')]);
    assert.equal(await page.locator('dialog').count(), 0, 'no modal');
    await completeLogin(popup, 'instant-user');
    await page.waitForFunction(() => window.instant !== undefined);
    const result = await page.evaluate(() => window.instant);
    assert.equal(result.error, undefined, result.error);
    assert.equal(claims(result.token).sub, 'instant-user');
    assert.equal(claims(result.token).iss, ISSUER);
  } finally {
    await context.close();
  }
});

test('a discoveryApi finds the backend', { timeout: 60000 }, async () => {
  const { context, page } = await openPage();
  try {
    const token = await loginThroughModal(page, 'discovered', 'discovered-user');
    assert.equal(claims(token).sub, 'discovered-user');
    const identity = await page.evaluate(() => window.apis.discovered.getBackstageIdentity()
      .then((b) => ({ ref: b.identity.userEntityRef, keys: Object.keys(b).sort(), expires: b.expiresAt instanceof Date })));
    assert.deepEqual(identity, { ref: 'user:default/discovered-user', keys: ['expiresAt', 'identity', 'token'], expires: true });
    const profile = await page.evaluate(() => window.apis.discovered.getProfile());
    assert.equal(profile.email, 'discovered-user@example.test');
  } finally {
    await context.close();
  }
});

test('the demo page logs in and shows the claims', { timeout: 60000 }, async () => {
  const { context, page } = await openPage();
  try {
    await page.goto(`${APP}/`);
    const row = page.locator('tr[data-provider=oidc]');
    await row.locator('.state', { hasText: 'SignedOut' }).waitFor();
    await row.getByRole('button', { name: 'getIdToken()', exact: true }).click();
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.locator('dialog[open]').getByRole('button', { name: /Log in/ }).click(),
    ]);
    await completeLogin(popup, 'demo-user');
    await row.locator('.state', { hasText: 'SignedIn' }).waitFor();
    await page.locator('#claims', { hasText: '"sub": "demo-user"' }).waitFor();
    assert.match(await page.locator('#claims').innerText(), /"iss": "http:\/\/127\.0\.0\.1:7010"/);
  } finally {
    await context.close();
  }
});

test('signing out in one tab signs out every tab, and none logs back in by itself', { timeout: 60000 }, async () => {
  const { context, page, seen } = await openPage();
  try {
    const token = await loginThroughModal(page, 'okta', 'tab-user');
    const other = await context.newPage();
    await other.goto(`${APP}/test/index.html`);
    await other.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
    const otherToken = await other.evaluate(() => window.apis.okta.getIdToken({ optional: true }));
    assert.equal(claims(otherToken).sub, claims(token).sub, 'the second tab is signed in through /refresh');
    const popups = seen.popups;
    await page.evaluate(() => window.apis.okta.signOut());
    await other.waitForFunction(() => window.states.okta.at(-1) === 'SignedOut', null, { timeout: 5000 });
    assert.equal(await other.evaluate(() => window.apis.okta.getIdToken({ optional: true })), '');
    assert.equal(await page.evaluate(() => window.apis.okta.getIdToken({ optional: true })), '');
    assert.equal(seen.popups, popups, 'no popup');
  } finally {
    await context.close();
  }
});
