// npm run bench: this package against Backstage's OAuth2 in one headless Chromium, both on
// the scriptable local backend (tests/faults/server.mjs, in its plain "ok" mode). Prints every
// figure with the ratio; `--markdown` also prints the README table.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const APP = process.env.BENCH_APP_URL || 'http://127.0.0.1:3300/bench/index.html';
const FAULTS = 'http://127.0.0.1:7020';
const root = new URL('../..', import.meta.url).pathname;
const LIBS = ['ours', 'backstage'];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--js-flags=--expose-gc'],
});

async function backend(mode) {
  await fetch(`${FAULTS}/__reset`, { method: 'POST' });
  await fetch(`${FAULTS}/__mode`, { method: 'POST', body: JSON.stringify(mode) });
}
const refreshes = async () => (await (await fetch(`${FAULTS}/__stats`)).json()).refresh || 0;

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(APP);
  await page.waitForFunction(() => window.ready === true);
  return { context, page };
}

/** Runs `fn(lib)` for each library in a fresh page; returns { ours, backstage }. */
async function each(fn) {
  const out = {};
  for (const lib of LIBS) {
    await backend({ refresh: { kind: 'ok' }, start: { kind: 'ok' } });
    const { context, page } = await freshPage();
    try {
      out[lib] = await fn(page, lib);
    } finally {
      await context.close();
    }
  }
  return out;
}

const results = {};

// Hot path: getIdToken() with a fresh session in memory, as many as fit in a second.
results.hot = await each((page, lib) => page.evaluate(async (l) => {
  const { api } = await window.load[l]();
  const token = await api.getIdToken();
  const measure = async (call) => {
    for (let i = 0; i < 20000; i += 1) await call(); // warm up
    let n = 0;
    const end = performance.now() + 1000;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i += 1) await call();
      n += 1000;
    }
    return n;
  };
  const perSecond = await measure(() => api.getIdToken());
  const floor = await measure(() => Promise.resolve(token));
  return { perSecond, floor };
}, lib));

// Cold start: from import to the first token through /refresh.
results.cold = await each((page, lib) => page.evaluate(async (l) => {
  const t0 = performance.now();
  const { api } = await window.load[l]();
  const token = await api.getIdToken({ optional: true });
  if (!token) throw new Error('no token');
  return performance.now() - t0;
}, lib));

// Fan-in: 1,000 concurrent calls on an expired session.
results.fanIn = await each(async (page, lib) => {
  await page.evaluate(async (l) => {
    window.lib = await window.load[l]();
    await window.lib.api.getIdToken();
  }, lib);
  await page.clock.setSystemTime(Date.now() + 2 * 3600 * 1000);
  const before = await refreshes();
  const distinct = await page.evaluate(async () => {
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => window.lib.api.getIdToken()));
    return new Set(tokens).size;
  });
  return { refreshes: (await refreshes()) - before, distinct };
});

// Memory: heap and wasm growth over 100,000 calls.
results.memory = await each(async (page, lib) => {
  const cdp = await page.context().newCDPSession(page);
  await page.evaluate(async (l) => {
    window.lib = await window.load[l]();
    await window.lib.api.getIdToken();
    for (let i = 0; i < 10000; i += 1) await window.lib.api.getIdToken();
  }, lib);
  const heap = async () => {
    await page.evaluate(() => window.gc && window.gc());
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const heapBefore = await heap();
  const wasmBefore = await page.evaluate(() => window.lib.wasmBytes());
  await page.evaluate(async () => {
    for (let i = 0; i < 100000; i += 1) await window.lib.api.getIdToken();
  });
  const heapAfter = await heap();
  const wasmAfter = await page.evaluate(() => window.lib.wasmBytes());
  return { heap: heapAfter - heapBefore, wasm: wasmAfter - wasmBefore };
});

// Listeners: window 'message' listeners left after 100 popup logins.
results.listeners = await each(async (page, lib) => {
  await backend({ refresh: { kind: 'none' }, start: { kind: 'ok' } });
  const cdp = await page.context().newCDPSession(page);
  const count = async () => {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    return listeners.filter((l) => l.type === 'message').length;
  };
  await page.evaluate(async (l) => { window.lib = await window.load[l](); }, lib);
  const before = await count();
  // While a login waits, its listener is there: the count sees it.
  await backend({ refresh: { kind: 'none' }, start: { kind: 'never-post' } });
  const [waiting] = await Promise.all([
    page.waitForEvent('popup'),
    page.evaluate(() => { window.done = window.lib.api.getIdToken({ instantPopup: true }).catch(() => {}); }),
  ]);
  await waiting.waitForURL(/\/start\?/);
  const during = await count();
  await waiting.close();
  await page.evaluate(() => window.done);
  await backend({ refresh: { kind: 'none' }, start: { kind: 'ok' } });
  for (let i = 0; i < 100; i += 1) {
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.evaluate(() => { window.done = window.lib.api.getIdToken({ instantPopup: true }); }),
    ]);
    await page.evaluate(() => window.done);
    if (!popup.isClosed()) await popup.waitForEvent('close');
    await page.evaluate(() => window.lib.api.signOut());
  }
  return { before, during, after: await count() };
});

await browser.close();

// Size: the package as published, raw and gzipped.
const files = ['index.js', 'backstage_auth_wasm.js', 'wasm-inline.js'];
const bytes = files.map((f) => readFileSync(join(root, 'pkg', f)));
const raw = bytes.reduce((n, b) => n + b.length, 0);
const gz = bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
const wasm = Buffer.from(readFileSync(join(root, 'pkg', 'wasm-inline.js'), 'utf8').split("'")[1], 'base64');
results.size = { raw, gz, wasm: wasm.length, wasmGz: gzipSync(wasm, { level: 9 }).length };

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const x = (a, b) => (b ? `${(a / b).toFixed(2)}×` : '–');
const rows = [
  ['hot path: getIdToken() calls/s', results.hot.ours.perSecond, results.hot.backstage.perSecond, x(results.hot.ours.perSecond, results.hot.backstage.perSecond), '≥ 1.5× Backstage'],
  ['hot path floor: Promise.resolve(token) calls/s', results.hot.ours.floor, results.hot.backstage.floor, '', 'no library beats it'],
  ['cold start: import → first token via /refresh (ms)', results.cold.ours.toFixed(1), results.cold.backstage.toFixed(1), x(results.cold.backstage, results.cold.ours), ''],
  ['fan-in: /refresh requests for 1,000 calls on an expired session', results.fanIn.ours.refreshes, results.fanIn.backstage.refreshes, '', '1'],
  ['memory: JS heap growth over 100,000 calls', kb(results.memory.ours.heap), kb(results.memory.backstage.heap), '', '< 1 MB'],
  ['memory: wasm memory growth over 100,000 calls', kb(results.memory.ours.wasm), '–', '', '< 1 MB'],
  ['listeners: window message listeners before, during one login, after 100 popup logins', `${results.listeners.ours.before} / ${results.listeners.ours.during} / ${results.listeners.ours.after}`, `${results.listeners.backstage.before} / ${results.listeners.backstage.during} / ${results.listeners.backstage.after}`, '', 'none left'],
  ['size: JS + wasm, raw', kb(results.size.raw), '', '', ''],
  ['size: JS + wasm, gzipped', kb(results.size.gz), '', '', '< 18 KB (oidc-client-ts 18.1 KB, auth0-spa-js 63 KB, msal-browser 80 KB)'],
];
console.log('\nbackstage-auth-wasm vs @backstage/core-app-api OAuth2 (same page, same local backend)\n');
for (const [what, ours, bs, ratio, target] of rows) {
  console.log(`${what}\n    ours: ${ours}   backstage: ${bs}   ${ratio ? `ratio: ${ratio}` : ''}   ${target ? `target: ${target}` : ''}`);
}
console.log(`\n(wasm alone: ${kb(results.size.wasm)} raw, ${kb(results.size.wasmGz)} gzipped; fan-in tokens distinct: ours ${results.fanIn.ours.distinct}, backstage ${results.fanIn.backstage.distinct})`);
if (process.argv.includes('--markdown')) {
  console.log('\n| figure | this package | Backstage OAuth2 | ratio | target |\n|---|---|---|---|---|');
  for (const [what, ours, bs, ratio, target] of rows) console.log(`| ${what} | ${ours} | ${bs} | ${ratio} | ${target} |`);
}
