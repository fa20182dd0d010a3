// Backstage's own frontend tests (backstage-auth.md §6), replayed against the package in a
// real browser with fetch and window.open stubbed as Backstage's tests mock them. Each test
// names its checklist items; docs/parity.md maps every item to its test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP, useBrowser } from './browser.mjs';

const browser = useBrowser();

async function openParityPage() {
  const page = await browser().newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${APP}/test/parity.html`);
  await page.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  return page;
}

/** Runs `fn` in a fresh parity page and returns its result. */
async function inPage(fn, arg) {
  const page = await openParityPage();
  try {
    const result = await page.evaluate(fn, arg);
    assert.deepEqual(page.errors, [], 'no uncaught page errors');
    return result;
  } finally {
    await page.close();
  }
}

test('items 1-3: the request manager emits, queues and triggers', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const api = window.pkg.oauthRequestApi;
    const seen = [];
    api.authRequest$().subscribe((list) => seen.push(list));
    const requester = api.createAuthRequester({
      provider: { id: 'my-provider', title: 'My Provider' },
      onAuthRequest: async () => 'hello',
    });
    const syncCount = seen.length;
    await Promise.resolve();
    const afterTick = seen.map((l) => l.length);
    let settled = false;
    const pending = requester(new Set(['my-scope'])).then((v) => { settled = true; return v; });
    const third = seen[2];
    const entry = { count: third.length, trigger: typeof third[0].trigger, reject: typeof third[0].reject };
    await window.tick();
    const settledBeforeTrigger = settled;
    await third[0].trigger();
    return { syncCount, afterTick, entry, settledBeforeTrigger, value: await pending };
  });
  assert.equal(r.syncCount, 0);
  assert.deepEqual(r.afterTick, [0, 0]);
  assert.deepEqual(r.entry, { count: 1, trigger: 'function', reject: 'function' });
  assert.equal(r.settledBeforeTrigger, false);
  assert.equal(r.value, 'hello');
});

test('items 7-10: merged scopes per requester, one trigger each, reject all with the same error', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const api = window.pkg.oauthRequestApi;
    const calls = { one: [], two: [] };
    const make = (name) => api.createAuthRequester({
      provider: { id: name, title: name },
      onAuthRequest: async (scopes) => { calls[name].push([...scopes].sort().join(' ')); return `${name}-result`; },
    });
    const one = make('one');
    const two = make('two');
    let latest = [];
    api.authRequest$().subscribe((list) => { latest = list; });
    const all = [one(new Set(['a'])), one(new Set(['b'])),
      two(new Set(['a', 'b'])), two(new Set(['b', 'c'])), two(new Set(['c', 'a']))];
    await window.tick();
    await Promise.all(latest.map((entry) => entry.trigger()));
    const values = await Promise.all(all);

    const rejected = [one(new Set(['x'])), one(new Set(['y'])), two(new Set(['z']))];
    await window.tick();
    latest.forEach((entry) => entry.reject());
    const errors = await Promise.all(rejected.map((p) => p.catch((e) => e)));
    return {
      calls,
      values,
      names: errors.map((e) => e.name),
      message: errors[0].message,
      sameObject: errors[0] === errors[1],
      left: latest.length,
      modal: document.querySelectorAll('dialog').length,
    };
  });
  assert.deepEqual(r.calls, { one: ['a b'], two: ['a b c'] });
  assert.deepEqual(r.values, ['one-result', 'one-result', 'two-result', 'two-result', 'two-result']);
  assert.deepEqual(r.names, ['RejectedError', 'RejectedError', 'RejectedError']);
  assert.equal(r.message, 'Login failed, rejected by user');
  assert.equal(r.sameObject, true);
  assert.equal(r.left, 0);
  assert.equal(r.modal, 0, 'the modal left with the last request');
});

test('items 11, 53, 55: refresh sends the scopes and the session answers every getter', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const calls = window.stubFetch((url) => [200, window.session({
      scope: new URL(url).searchParams.get('scope'), expiresInSeconds: '3600' })]);
    const api = window.pkg.OAuth2.create({ baseUrl: window.BASE, environment: 'production',
      provider: { id: 'my-provider', title: 'My Provider' } });
    const access = await api.getAccessToken(['a', 'b', 'c']);
    const id = await api.getIdToken();
    return { calls, access, id };
  });
  assert.equal(r.access, 'access-token');
  assert.equal(r.id, 'id-token');
  assert.equal(r.calls.length, 2, 'getIdToken asks for openid, which the first session lacks');
  assert.equal(r.calls[0].url, 'http://127.0.0.1:9/api/auth/my-provider/refresh?optional&scope=a%20b%20c&env=production');
  assert.equal(r.calls[1].url, 'http://127.0.0.1:9/api/auth/my-provider/refresh?optional&scope=a%20b%20c%20openid&env=production');
  assert.equal(r.calls[0].method, 'GET');
  assert.equal(r.calls[0].credentials, 'include');
  assert.equal(r.calls[0].requestedWith, 'XMLHttpRequest');
});

test('items 14-15: a login through the modal opens the start URL and takes the popup result', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    window.stubFetch(() => window.noCookie);
    const popup = window.fakePopup();
    const opened = window.stubOpen(popup);
    const api = window.pkg.OAuth2.create({ baseUrl: window.BASE, environment: 'production',
      provider: { id: 'my-provider', title: 'My Provider' } });
    const rejectedCall = api.getAccessToken('a b').catch((e) => e);
    while (!document.querySelector('dialog')) await window.tick();
    document.querySelector('dialog button[data-action=reject-all]').click();
    const rejected = await rejectedCall;

    const token = api.getAccessToken('a b');
    while (!document.querySelector('dialog')) await window.tick();
    document.querySelector('dialog button[data-action=login]').click();
    await window.untilListening();
    const busy = [...document.querySelectorAll('dialog button')].map((b) => b.getAttribute('aria-disabled') === 'true');
    const focusInside = document.activeElement?.closest('dialog') !== null;
    window.deliver(popup, { type: 'config_info', targetOrigin: location.origin });
    window.deliver(popup, { type: 'authorization_response',
      response: window.session({ scope: 'a b', accessToken: 'popup-token' }) });
    return { rejected: rejected.name, opened, busy, focusInside, token: await token, modal: document.querySelectorAll('dialog').length };
  });
  assert.equal(r.rejected, 'RejectedError');
  assert.deepEqual(r.busy, [true, true], 'every button is disabled while a login runs');
  assert.equal(r.focusInside, true, 'and focus stays in the dialog');
  assert.equal(r.opened.length, 1);
  assert.equal(r.opened[0].url,
    `http://127.0.0.1:9/api/auth/my-provider/start?scope=a%20b&origin=${encodeURIComponent(APP)}&flow=popup&env=production`);
  assert.equal(r.opened[0].name, 'My Provider Login');
  assert.match(r.opened[0].features, /width=450,height=730/);
  assert.equal(r.token, 'popup-token');
  assert.equal(r.modal, 0);
});

test('items 16, 25: instantPopup opens the popup inside the call with no modal', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    window.stubFetch(() => window.noCookie);
    let href;
    const popup = { closed: false, close() { this.closed = true; }, location: { set href(v) { href = v; } } };
    const opened = window.stubOpen(popup);
    const api = window.pkg.OAuth2.create({ baseUrl: window.BASE, environment: 'production',
      provider: { id: 'my-provider', title: 'My Provider' } });
    api.getAccessToken(undefined, { instantPopup: true });
    const openedInsideCall = opened.length;
    while (!href) await window.tick();
    return { openedInsideCall, opened, href, modal: document.querySelectorAll('dialog').length };
  });
  assert.equal(r.openedInsideCall, 1);
  assert.equal(r.opened[0].name, 'My Provider Login');
  assert.match(r.opened[0].features, /width=450,height=730/);
  assert.equal(r.href, `http://127.0.0.1:9/api/auth/my-provider/start?scope=&origin=${encodeURIComponent(APP)}&flow=popup&env=production`);
  assert.equal(r.modal, 0);
});

test('instantPopup: a refresh that succeeds closes the early popup unused and resolves', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    window.stubFetch((url) => [200, window.session({ scope: new URL(url).searchParams.get('scope') })]);
    const popup = { closed: false, navigated: false, close() { this.closed = true; },
      location: { set href(v) { popup.navigated = true; } } };
    const opened = window.stubOpen(popup);
    const token = await window.pkg.OAuth2.create({ baseUrl: window.BASE }).getIdToken({ instantPopup: true });
    return { token, opened: opened.length, closed: popup.closed, navigated: popup.navigated };
  });
  assert.deepEqual(r, { token: 'id-token', opened: 1, closed: true, navigated: false });
});

test('items 54, 56: scopeTransform and optional', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const calls = window.stubFetch((url) => [200, window.session({ scope: new URL(url).searchParams.get('scope') })]);
    const api = window.pkg.OAuth2.create({ baseUrl: window.BASE,
      // Applied to granted scopes too, as in Backstage, so it must leave its own output alone.
      scopeTransform: (scopes) => scopes.map((s) => (s.startsWith('my-prefix/') ? s : `my-prefix/${s}`)) });
    const access = await api.getAccessToken('my-scope');
    const id = await window.pkg.OAuth2.create({ baseUrl: window.BASE }).getIdToken({ optional: true });
    return { url: calls[0].url, access, id };
  });
  assert.match(r.url, /\?optional&scope=my-prefix%2Fmy-scope&env=development$/);
  assert.equal(r.access, 'access-token');
  assert.equal(r.id, 'id-token');
});

test('items 57-58: after expiry concurrent calls share one refresh; a rejection reaches each', { timeout: 30000 }, async () => {
  const page = await openParityPage();
  try {
    const first = await page.evaluate(async () => {
      window.calls = window.stubFetch((url) => {
        const scope = new URL(url).searchParams.get('scope');
        if (scope.includes('more')) return window.noCookie;
        return [200, window.session({ scope, idToken: `token${window.calls.length}` })];
      });
      window.api = window.pkg.OAuth2.create({ baseUrl: window.BASE });
      return window.api.getIdToken();
    });
    // An hour later the session has expired.
    await page.clock.setSystemTime(Date.now() + 3600 * 1000);
    const r = await page.evaluate(async () => {
      const three = await Promise.all([window.api.getIdToken(), window.api.getIdToken(), window.api.getIdToken()]);
      const refreshes = window.calls.length;
      const more = [window.api.getAccessToken('more'), window.api.getAccessToken('more')].map((p) => p.catch((e) => e));
      while (!document.querySelector('dialog')) await window.tick();
      document.querySelector('dialog button[data-action=reject-all]').click();
      const errors = await Promise.all(more);
      return { three, refreshes, names: errors.map((e) => e.name), messages: errors.map((e) => e.message) };
    });
    assert.equal(first, 'token1');
    assert.deepEqual(r.three, ['token2', 'token2', 'token2']);
    assert.equal(r.refreshes, 2, 'three concurrent calls on an expired session made one refresh');
    assert.deepEqual(r.names, ['RejectedError', 'RejectedError']);
    assert.deepEqual(r.messages, ['Login failed, rejected by user', 'Login failed, rejected by user']);
  } finally {
    await page.close();
  }
});

test('item 59: a popup result from the backend origin resolves the access token', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    window.stubFetch(() => window.noCookie);
    const popup = window.fakePopup();
    window.stubOpen(popup);
    const api = window.pkg.OAuth2.create({ baseUrl: window.BASE, defaultScopes: ['myScope'] });
    const token = api.getAccessToken('myScope', { instantPopup: true });
    await window.untilListening();
    // Ignored: another source, another origin.
    window.deliver(window, { type: 'authorization_response', response: window.session({ accessToken: 'wrong' }) });
    window.deliver(popup, { type: 'authorization_response', response: window.session({ accessToken: 'wrong' }) },
      'http://127.0.0.1:1');
    window.deliver(popup, { type: 'authorization_response', response: { providerInfo: {
      accessToken: 'myAccessToken', scope: 'myScope', expiresInSeconds: 900 }, profile: {} } });
    return token;
  });
  assert.equal(r, 'myAccessToken');
});

test('items 68-72: Microsoft keeps one session per audience', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const GRAPH = 'openid profile email User.Read';
    let cookie = true;
    const calls = window.stubFetch((url) => {
      if (!cookie) return window.noCookie;
      const scope = new URL(url).searchParams.get('scope');
      const resource = scope.split(' ').find((s) => s.includes('/'));
      return [200, window.session({ scope: resource ? scope : `${GRAPH} offline_access`,
        accessToken: resource ? `token-for-${resource}` : 'graph-token' })];
    });
    const requested = [];
    const requestApi = {
      createAuthRequester: () => (scopes) => {
        requested.push([...scopes].sort());
        return new Promise(() => {});
      },
      authRequest$: () => window.pkg.oauthRequestApi.authRequest$(),
    };
    const withCookie = window.pkg.MicrosoftAuth.create({ baseUrl: window.BASE });
    const graph = await withCookie.getAccessToken();
    const other = await withCookie.getAccessToken('azure-resource/scope');
    const graphAgain = await withCookie.getAccessToken('User.Read');
    const refreshes = calls.length;

    cookie = false;
    const without = window.pkg.MicrosoftAuth.create({ baseUrl: window.BASE, oauthRequestApi: requestApi });
    without.getAccessToken();
    without.getAccessToken('azure-resource/scope');
    without.getAccessToken('api://customApiClientId/some.scope');
    while (requested.length < 3) await window.tick();
    return { graph, other, graphAgain, refreshes, requested };
  });
  assert.equal(r.graph, 'graph-token');
  assert.equal(r.other, 'token-for-azure-resource/scope');
  assert.equal(r.graphAgain, 'graph-token', 'Graph scopes reuse the Graph session');
  assert.equal(r.refreshes, 2);
  assert.deepEqual(r.requested, [
    ['User.Read', 'email', 'offline_access', 'openid', 'profile'],
    ['azure-resource/scope', 'offline_access'],
    ['api://customApiClientId/some.scope', 'offline_access'],
  ]);
});

test('options: authorizationParams, environment, defaultScopes and provider shape /start and /refresh', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const calls = window.stubFetch(() => window.noCookie);
    let href;
    const popup = { closed: false, close() {}, location: { set href(v) { href = v; } } };
    window.stubOpen(popup);
    const run = async (factory, options) => {
      href = undefined;
      factory.create({ baseUrl: window.BASE, ...options }).getIdToken({ instantPopup: true });
      while (!href) await window.tick();
      return { start: href, refresh: calls.at(-1).url };
    };
    const objectParams = await run(window.pkg.OAuth2, {
      environment: 'production',
      provider: { id: 'corp', title: 'Corp SSO' },
      defaultScopes: ['x', 'y'],
      authorizationParams: { prompt: 'consent', login_hint: 'a b', scope: 'evil', env: 'evil', n: 5 },
    });
    const functionParams = await run(window.pkg.OneLoginAuth, {
      defaultScopes: ['openid'],
      authorizationParams: () => ({ acr_values: 'mfa' }),
    });
    return { objectParams, functionParams };
  });
  assert.equal(r.objectParams.refresh,
    'http://127.0.0.1:9/api/auth/corp/refresh?optional&scope=x%20y%20openid&env=production');
  assert.equal(r.objectParams.start,
    `http://127.0.0.1:9/api/auth/corp/start?prompt=consent&login_hint=a%20b&scope=x%20y%20openid&origin=${encodeURIComponent(APP)}&flow=popup&env=production`);
  assert.equal(r.functionParams.start,
    `http://127.0.0.1:9/api/auth/onelogin/start?acr_values=mfa&scope=openid&origin=${encodeURIComponent(APP)}&flow=popup&env=development`);
});

test('surface: providers, configure, identity and profile shapes, sessionState$', { timeout: 30000 }, async () => {
  const r = await inPage(async () => {
    const { providers, configure, getIdToken, GoogleAuth } = window.pkg;
    const frozen = Object.isFrozen(providers) && Object.isFrozen(providers.google)
      && Object.isFrozen(providers.google.defaultScopes);
    const before = await getIdToken().catch((e) => e.message);
    window.stubFetch((url) => [200, {
      profile: { email: 'a@example.test', displayName: 'A', picture: 'p.png' },
      providerInfo: { accessToken: 'at', idToken: 'it', scope: new URL(url).searchParams.get('scope'), expiresInSeconds: 3600 },
      backstageIdentity: { token: 'bt', expiresInSeconds: 600,
        identity: { type: 'user', userEntityRef: 'user:default/a', ownershipEntityRefs: ['group:default/g'] } },
    }]);
    configure({ provider: 'google', baseUrl: window.BASE });
    const fromConfigure = await getIdToken();
    configure({ provider: { id: 'corp', title: 'Corp' }, baseUrl: window.BASE });
    const fromObject = await getIdToken();
    const api = GoogleAuth.create({ baseUrl: window.BASE });
    const states = [];
    const sub = api.sessionState$().subscribe({ next: (s) => states.push(s) });
    const syncStates = states.length;
    await Promise.resolve();
    const afterTick = [...states];
    const identity = await api.getBackstageIdentity();
    const profile = await api.getProfile();
    await api.getIdToken();
    sub.unsubscribe();
    const observable = api.sessionState$();
    return {
      keys: Object.keys(providers).sort(),
      google: { ...providers.google, defaultScopes: [...providers.google.defaultScopes] },
      frozen,
      before,
      fromConfigure,
      fromObject,
      syncStates,
      afterTick,
      states,
      closed: sub.closed,
      identityKeys: Object.keys(identity).sort(),
      identity: { ...identity, expiresAt: identity.expiresAt instanceof Date },
      profile,
      symbol: observable[Symbol.observable]() === observable,
    };
  });
  assert.deepEqual(r.keys, ['auth0', 'google', 'microsoft', 'oauth2', 'oidc', 'okta', 'onelogin']);
  assert.deepEqual(r.google, {
    id: 'google', title: 'Google', apiRefId: 'core.auth.google',
    defaultScopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile'],
  });
  assert.equal(r.frozen, true);
  assert.match(r.before, /configure/);
  assert.equal(r.fromConfigure, 'it');
  assert.equal(r.fromObject, 'it');
  assert.equal(r.syncStates, 0, 'never inside subscribe()');
  assert.deepEqual(r.afterTick, ['SignedOut']);
  assert.deepEqual(r.states, ['SignedOut', 'SignedIn'], 'then only changes');
  assert.equal(r.closed, true);
  assert.deepEqual(r.identityKeys, ['expiresAt', 'identity', 'token']);
  assert.deepEqual(r.identity, { token: 'bt', expiresAt: true,
    identity: { type: 'user', userEntityRef: 'user:default/a', ownershipEntityRefs: ['group:default/g'] } });
  assert.deepEqual(r.profile, { email: 'a@example.test', displayName: 'A', picture: 'p.png' });
  assert.equal(r.symbol, true);
});
