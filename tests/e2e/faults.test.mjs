// Faults against the scriptable backend (tests/faults/server.mjs): failures told apart,
// no lost result, the user's gesture honoured, time and short-lived tokens, sparse and
// malformed answers, and no crash after any of it.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APP, useBrowser } from './browser.mjs';

const FAULTS = 'http://127.0.0.1:7020';
const browser = useBrowser({ popupBlocking: true });

async function mode(m) {
  await fetch(`${FAULTS}/__mode`, { method: 'POST', body: JSON.stringify(m) });
}
async function stats() {
  return (await fetch(`${FAULTS}/__stats`)).json();
}
beforeEach(async () => {
  await fetch(`${FAULTS}/__reset`, { method: 'POST' });
});

/** Waits until `popup` has closed; it may have closed already. */
async function closed(popup) {
  if (!popup.isClosed()) await popup.waitForEvent('close');
}

async function openFaultPage() {
  const context = await browser().newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.popups = [];
  context.on('page', (p) => page.popups.push(p));
  await page.goto(`${APP}/test/faults.html`);
  await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  page.done = async () => {
    assert.deepEqual(page.errors, [], 'no uncaught errors');
    assert.deepEqual(await page.evaluate(() => window.unhandled), [], 'no unhandled rejections');
    await context.close();
  };
  return page;
}

const call = (page, expr) => page.evaluate((e) => {
  const [method, arg] = e;
  return window.outcome(window.api[method](arg));
}, expr);

/** Clicks the instantPopup button; resolves with the popup it opened and the call's outcome. */
async function instantLogin(page, act = async () => {}) {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#instant')]);
  await act(popup);
  await page.waitForFunction(() => window.instant !== undefined);
  return page.evaluate(() => window.instant);
}

for (const [name, fault] of [
  ['a dropped connection', { kind: 'drop' }],
  ['a 500 with JSON', { kind: 'status', status: 500 }],
  ['a 503 with HTML', { kind: 'status', status: 503, body: '<html>down</html>', type: 'text/html' }],
  ['a 429', { kind: 'status', status: 429, body: 'slow down', type: 'text/plain' }],
]) {
  test(`${name} on refresh is passing: session kept, no login, backoff, recovery`, { timeout: 30000 }, async () => {
    const page = await openFaultPage();
    await mode({ refresh: { kind: 'ok' } });
    const first = await call(page, ['getIdToken']);
    assert.ok(first.value, 'signed in through /refresh');
    await mode({ refresh: fault });
    // Two hours later on the wall clock: the session must be refreshed, and that fails.
    await page.clock.setSystemTime(Date.now() + 2 * 3600 * 1000);
    const failed = await call(page, ['getIdToken']);
    assert.equal(failed.name, 'AuthConnectionError');
    assert.match(failed.message, /^Auth refresh request failed/);
    assert.deepEqual(await call(page, ['getIdToken', { optional: true }]), { value: '' });
    const refreshesDuringBackoff = (await stats()).refresh;
    for (let i = 0; i < 20; i += 1) await call(page, ['getIdToken', { optional: true }]);
    assert.equal((await stats()).refresh, refreshesDuringBackoff, 'no request while backing off');
    assert.equal(await page.locator('dialog').count(), 0, 'no modal');
    assert.equal(page.popups.length, 0, 'no popup');
    assert.equal(await page.evaluate(() => window.states.at(-1)), 'SignedIn', 'the session is kept');
    await mode({ refresh: { kind: 'ok' } });
    await page.waitForTimeout(1100);
    const recovered = await call(page, ['getIdToken']);
    assert.ok(recovered.value && recovered.value !== first.value, 'the next try after the backoff refreshes');
    await page.done();
  });
}

test('a refresh that never answers fails as a network failure after 10 s', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'ok', delayMs: 12000 } });
  const started = Date.now();
  const r = await call(page, ['getIdToken']);
  const took = Date.now() - started;
  assert.equal(r.name, 'AuthConnectionError');
  assert.match(r.message, /no answer within 10 s/);
  assert.ok(took >= 9500 && took < 12000, `took ${took} ms`);
  assert.equal(await page.locator('dialog').count(), 0);
  await page.done();
});

for (const [name, fault] of [
  ['401 with JSON', { kind: 'none' }],
  ['401 with HTML', { kind: 'status', status: 401, body: '<html>no</html>', type: 'text/html' }],
  ['400', { kind: 'status', status: 400 }],
  ['200 that is not JSON', { kind: 'body', body: '<html>hello</html>', type: 'text/html' }],
  ['200 with wrong types', { kind: 'body', body: '{"providerInfo":{"accessToken":5,"expiresInSeconds":"soon"}}' }],
  ['200 with fields missing', { kind: 'body', body: '{"profile":{}}' }],
  ['200 with a nested error', { kind: 'body', body: '{"error":{"name":"NopeError","message":"NOPE"}}' }],
]) {
  test(`${name} on refresh means no session; a login in the same page still works`, { timeout: 30000 }, async () => {
    const page = await openFaultPage();
    await mode({ refresh: fault });
    assert.deepEqual(await call(page, ['getIdToken', { optional: true }]), { value: '' });
    assert.equal(await page.evaluate(() => window.states.at(-1)), 'SignedOut');
    // A non-optional call asks the user; the login itself works.
    await page.evaluate(() => { window.pending = window.outcome(window.api.getIdToken()); });
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), dialog.getByRole('button', { name: 'Log in' }).click()]);
    await closed(popup);
    const r = await page.evaluate(() => window.pending);
    assert.ok(r.value, `logged in: ${JSON.stringify(r)}`);
    await page.done();
  });
}

for (const [name, start, expected, act] of [
  ['a cut link (Cross-Origin-Opener-Policy)', 'coop', /link to this page was cut/],
  ['a result for another app origin', 'wrong-target', /Incorrect app origin, expected http:\/\/127\.0\.0\.1:1$/],
  ['a result posted from another origin', 'other-origin', /^Login failed, popup was closed$/],
  ['an error posted by the backend', 'error', /^Invalid nonce$/],
  ['a malformed result', 'malformed', /providerInfo\.accessToken is not a string/],
  ['a popup the user closes', 'never-post', /^Login failed, popup was closed$/,
    async (popup) => { await new Promise((r) => setTimeout(r, 1800)); await popup.close(); }],
]) {
  test(`${name} gets its own clear error; the next login works`, { timeout: 30000 }, async () => {
    const page = await openFaultPage();
    await mode({ refresh: { kind: 'none' }, start: { kind: start } });
    const r = await instantLogin(page, act);
    assert.match(r.message ?? '', expected, JSON.stringify(r));
    await mode({ refresh: { kind: 'none' }, start: { kind: 'ok' } });
    await page.evaluate(() => { window.instant = undefined; });
    const ok = await instantLogin(page);
    assert.ok(ok.value, `then a normal login: ${JSON.stringify(ok)}`);
    await page.done();
  });
}

test('a result posted just as the popup closes still completes the login', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'none' }, start: { kind: 'post-and-close' } });
  const r = await instantLogin(page);
  assert.ok(r.value, JSON.stringify(r));
  await page.done();
});

test('however slow the backend, the popup opens inside the click', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  // The control: after a long await, a click's activation is gone, as popup blockers see it.
  await page.click('#late');
  await page.waitForFunction(() => window.lateActive !== undefined, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.lateActive), false);
  await mode({ refresh: { kind: 'none', delayMs: 3000 }, start: { kind: 'ok' } });
  const clicked = Date.now();
  const r = await instantLogin(page);
  assert.ok(r.value, JSON.stringify(r));
  assert.ok(Date.now() - clicked >= 3000, 'the refresh was slow');
  assert.deepEqual(await page.evaluate(() => window.openActivations), [true], 'opened while the click was live');
  // Through the modal: the Log in click opens the popup at once too.
  await page.evaluate(() => window.api.signOut());
  await page.evaluate(() => { window.pending = window.outcome(window.api.getIdToken()); });
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  const [popup] = await Promise.all([page.waitForEvent('popup'), dialog.getByRole('button', { name: 'Log in' }).click()]);
  await closed(popup);
  assert.ok((await page.evaluate(() => window.pending)).value);
  assert.deepEqual(await page.evaluate(() => window.openActivations), [true, true]);
  await page.done();
});

test('short-lived and nearly expired tokens do not cause a refresh on every call', { timeout: 30000 }, async () => {
  for (const expiresInSeconds of [2, 0.001, -30]) {
    await fetch(`${FAULTS}/__reset`, { method: 'POST' });
    const page = await openFaultPage();
    await mode({ refresh: { kind: 'ok', expiresInSeconds } });
    const calls = await page.evaluate(async () => {
      const end = performance.now() + 1500;
      let n = 0;
      while (performance.now() < end) {
        await window.api.getIdToken();
        n += 1;
        if (n % 50 === 0) await new Promise((r) => setTimeout(r, 10));
      }
      return n;
    });
    const { refresh } = await stats();
    assert.ok(calls > 100, `${calls} calls`);
    assert.equal(refresh, 1, `expiresInSeconds ${expiresInSeconds}: ${refresh} refreshes for ${calls} calls`);
    await page.done();
  }
});

test('a jump of the wall clock is noticed on the next call', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'ok' } });
  await call(page, ['getIdToken']);
  await call(page, ['getIdToken']);
  assert.equal((await stats()).refresh, 1);
  await page.clock.setSystemTime(Date.now() - 3 * 3600 * 1000);
  await call(page, ['getIdToken']);
  assert.equal((await stats()).refresh, 2, 'the clock went back three hours: refreshed');
  await page.done();
});

test('a response without scope grants what was asked: no login loop', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'ok', omitScope: true } });
  const r = await call(page, ['getAccessToken', 'x y']);
  assert.ok(r.value, JSON.stringify(r));
  const again = await call(page, ['getAccessToken', 'y']);
  assert.equal(again.value, r.value, 'answered from memory');
  assert.equal((await stats()).refresh, 1);
  assert.equal(await page.locator('dialog').count(), 0);
  await page.done();
});

test('tabs: one /refresh at a time across tabs, and the waiting tab adopts its answer', { timeout: 30000 }, async () => {
  const context = await browser().newContext();
  try {
    const open = async () => {
      const page = await context.newPage();
      await page.goto(`${APP}/test/faults.html`);
      await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
      return page;
    };
    const [a, b] = [await open(), await open()];
    await mode({ refresh: { kind: 'ok', delayMs: 800 } });
    const [ta, tb] = await Promise.all([a, b].map((p) => p.evaluate(() => window.api.getIdToken({ optional: true }))));
    assert.ok(ta);
    assert.equal(tb, ta, 'the second tab took the first tab\'s session');
    assert.equal((await stats()).refresh, 1, 'one /refresh for both tabs');
  } finally {
    await context.close();
  }
});

test('hostile caller input never traps the module; a login still works after it', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'none' }, start: { kind: 'ok' } });
  const results = await page.evaluate(async () => {
    const { OAuth2 } = window.pkg;
    const api = window.api;
    const throwing = { get optional() { throw new Error('boom'); } };
    const proxy = new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } });
    const cyclic = {}; cyclic.self = cyclic;
    const attempts = [
      () => api.getIdToken('yes'),
      () => api.getIdToken([]),
      () => api.getIdToken(42),
      () => api.getIdToken(Symbol('x')),
      () => api.getIdToken({ optional: 'yes' }),
      () => api.getIdToken(throwing),
      () => api.getIdToken(proxy),
      () => api.getAccessToken(5),
      () => api.getAccessToken(['a', {}]),
      () => api.getAccessToken(cyclic),
      () => api.getProfile(() => {}),
      () => OAuth2.create({ baseUrl: 'http://127.0.0.1:7020/api/auth', scopeTransform: () => { throw new Error('t'); } }).getAccessToken('a'),
      () => OAuth2.create({ baseUrl: 'http://127.0.0.1:7020/api/auth', scopeTransform: () => 'nope' }).getAccessToken('a'),
      () => OAuth2.create({ discoveryApi: { getBaseUrl: () => { throw new Error('d'); } } }).getIdToken(),
      () => OAuth2.create({ discoveryApi: { getBaseUrl: async () => 42 } }).getIdToken(),
      () => OAuth2.create(proxy),
      () => OAuth2.create({ baseUrl: 'http://127.0.0.1:7020/api/auth', authorizationParams: () => { throw new Error('p'); } }).getIdToken({ optional: true }),
    ];
    const out = [];
    for (const attempt of attempts) {
      try {
        const r = await attempt();
        out.push(`ok:${typeof r}`);
      } catch (e) {
        out.push(`${e?.name}`);
      }
    }
    // Hostile messages from this window, whatever they hold.
    for (const data of [null, 'x', { type: 'authorization_response' }, { type: 'config_info', targetOrigin: {} }, cyclic]) {
      try { window.postMessage(data, '*'); } catch { /* cyclic data cannot be cloned */ }
    }
    await new Promise((r) => setTimeout(r, 50));
    return out;
  });
  assert.deepEqual(results.slice(0, 11), ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError',
    'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
  // A scopeTransform that throws: its own error reaches the caller.
  assert.deepEqual(results.slice(11), ['Error', 'TypeError', 'AuthConnectionError', 'AuthConnectionError',
    'TypeError', 'ok:string']);
  const r = await instantLogin(page);
  assert.ok(r.value, `a normal login after all that: ${JSON.stringify(r)}`);
  await page.done();
});

test('the getIdToken() fast path never outlives the session', { timeout: 30000 }, async () => {
  const page = await openFaultPage();
  await mode({ refresh: { kind: 'ok' } });
  const token = await page.evaluate(() => window.api.getIdToken());
  const same = await page.evaluate(async () => {
    const tokens = new Set();
    for (let i = 0; i < 1000; i += 1) tokens.add(await window.api.getIdToken());
    return [...tokens];
  });
  assert.deepEqual(same, [token]);
  assert.equal((await stats()).refresh, 1, 'answered from memory');
  await mode({ refresh: { kind: 'none' } });
  await page.evaluate(() => window.api.signOut());
  await page.evaluate(() => { window.after = window.outcome(window.api.getIdToken()); });
  await page.locator('dialog[open]').waitFor();
  await page.locator('dialog button[data-action=reject-all]').click();
  assert.equal((await page.evaluate(() => window.after)).name, 'RejectedError', 'no stale token after sign-out');
  await page.done();
});
