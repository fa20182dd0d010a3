// A scriptable stand-in for the auth backend, for fault tests. It binds 127.0.0.1 only: the
// backend on PORT (default 7020) and a second origin on PORT+1 for pages posting from
// elsewhere. POST /__mode sets how /refresh and /start behave next; GET /__stats counts
// requests; POST /__reset clears both.
import { createServer } from 'node:http';

const port = Number(process.argv[2] || 7020);
const backend = `http://127.0.0.1:${port}`;
const elsewhere = `http://127.0.0.1:${port + 1}`;
let mode = {};
let stats = {};

const count = (key) => { stats[key] = (stats[key] || 0) + 1; };

function session({ scope = 'openid', expiresInSeconds = 3600, n = stats.refresh || 0 } = {}) {
  return {
    profile: { email: 'fault@example.test', displayName: 'Fault User' },
    providerInfo: {
      idToken: `header.${Buffer.from(JSON.stringify({ sub: 'fault-user', n })).toString('base64url')}.sig`,
      accessToken: `access-${n}`,
      scope,
      expiresInSeconds,
    },
  };
}

function cors(req, res) {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-allow-headers', 'x-requested-with');
    res.setHeader('access-control-allow-methods', 'GET, POST');
  }
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The popup's result page, posting as Backstage's does (config_info, then the payload). */
function resultPage({ payload, targetOrigin, closeAfterMs = 100, post = true }) {
  const script = post ? `
    var target = ${JSON.stringify(targetOrigin)};
    (window.opener || window.parent).postMessage({ type: 'config_info', targetOrigin: target }, '*');
    (window.opener || window.parent).postMessage(${JSON.stringify(payload)}, target);` : '';
  const close = closeAfterMs === null ? '' : `setTimeout(function () { window.close(); }, ${closeAfterMs});`;
  return `<!doctype html><html><body><script>${script}${close}</script></body></html>`;
}

async function refresh(req, res, url) {
  count('refresh');
  const m = mode.refresh || { kind: 'ok' };
  const scope = 'scope' in m ? m.scope : url.searchParams.get('scope') ?? '';
  if (m.delayMs) await new Promise((r) => setTimeout(r, m.delayMs));
  switch (m.kind) {
    case 'drop': req.socket.destroy(); return;
    case 'status': send(res, m.status, m.body ?? { error: { name: 'Error', message: 'injected' } }, m.type); return;
    case 'body': send(res, 200, m.body, m.type); return;
    case 'none': send(res, 401, { error: { name: 'AuthenticationError', message: 'Refresh failed; caused by InputError: Missing session cookie' } }); return;
    default: {
      const body = session({ scope, expiresInSeconds: m.expiresInSeconds ?? 3600 });
      if (scope === null || m.omitScope) delete body.providerInfo.scope;
      send(res, 200, body);
    }
  }
}

function start(req, res, url) {
  count('start');
  const m = mode.start || { kind: 'ok' };
  const appOrigin = url.searchParams.get('origin');
  const payload = { type: 'authorization_response', response: session({ scope: url.searchParams.get('scope') }) };
  switch (m.kind) {
    case 'post-and-close':
      send(res, 200, resultPage({ payload, targetOrigin: appOrigin, closeAfterMs: 0 }), 'text/html');
      return;
    case 'never-post':
      send(res, 200, resultPage({ payload, targetOrigin: appOrigin, post: false, closeAfterMs: null }), 'text/html');
      return;
    case 'coop':
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      send(res, 200, resultPage({ payload, targetOrigin: appOrigin, post: false, closeAfterMs: null }), 'text/html');
      return;
    case 'other-origin':
      res.writeHead(302, { location: `${elsewhere}/post?origin=${encodeURIComponent(appOrigin)}` }).end();
      return;
    case 'wrong-target':
      send(res, 200, resultPage({ payload, targetOrigin: 'http://127.0.0.1:1' }), 'text/html');
      return;
    case 'error':
      send(res, 200, resultPage({ payload: { type: 'authorization_response', error: { name: 'NotAllowedError', message: 'Invalid nonce' } }, targetOrigin: appOrigin }), 'text/html');
      return;
    case 'malformed':
      send(res, 200, resultPage({ payload: { type: 'authorization_response', response: { providerInfo: { accessToken: 42 } } }, targetOrigin: appOrigin }), 'text/html');
      return;
    default:
      send(res, 200, resultPage({ payload, targetOrigin: appOrigin }), 'text/html');
  }
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

const main = createServer(async (req, res) => {
  const url = new URL(req.url, backend);
  cors(req, res);
  if (req.method === 'OPTIONS') { res.writeHead(204).end(); return; }
  try {
    if (url.pathname === '/__mode') { mode = await readJson(req); send(res, 200, { ok: true }); return; }
    if (url.pathname === '/__reset') { mode = {}; stats = {}; send(res, 200, { ok: true }); return; }
    if (url.pathname === '/__stats') { send(res, 200, stats); return; }
    if (/^\/api\/auth\/[^/]+\/refresh$/.test(url.pathname)) { await refresh(req, res, url); return; }
    if (/^\/api\/auth\/[^/]+\/start$/.test(url.pathname)) { start(req, res, url); return; }
    if (/^\/api\/auth\/[^/]+\/logout$/.test(url.pathname)) { count('logout'); send(res, 200, ''); return; }
    send(res, 404, { error: { name: 'NotFoundError', message: 'not here' } });
  } catch (e) {
    send(res, 500, { error: { name: 'Error', message: String(e) } });
  }
});

// The other origin: a page that posts a valid-looking result to the opener from the wrong
// origin, then closes a while later.
const other = createServer((req, res) => {
  const url = new URL(req.url, elsewhere);
  const payload = { type: 'authorization_response', response: session() };
  send(res, 200, resultPage({ payload, targetOrigin: url.searchParams.get('origin') || '*', closeAfterMs: 2500 }), 'text/html');
});

main.listen(port, '127.0.0.1', () => console.log(`fault backend on ${backend}`));
other.listen(port + 1, '127.0.0.1', () => console.log(`other origin on ${elsewhere}`));
const stop = () => { main.closeAllConnections?.(); other.closeAllConnections?.(); main.close(); other.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
