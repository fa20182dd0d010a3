// Helpers for the parity tests, which stub fetch and window.open the way Backstage's own
// tests mock them. Nothing here reaches a network: the base URL points at a closed
// loopback port, and every request the tests expect is answered by the stub.
import * as pkg from '/pkg/index.js';

window.pkg = pkg;
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
});
window.BASE = 'http://127.0.0.1:9/api/auth';
window.BACKEND_ORIGIN = 'http://127.0.0.1:9';

/** Answers fetch from `route(url, request)`; records every call. */
window.stubFetch = (route) => {
  const calls = [];
  window.fetch = async (request) => {
    const call = {
      url: request.url,
      method: request.method,
      credentials: request.credentials,
      requestedWith: request.headers.get('x-requested-with'),
    };
    calls.push(call);
    const [status, body, statusText] = await route(request.url, request);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      statusText: statusText ?? '',
      headers: { 'content-type': 'application/json' },
    });
  };
  return calls;
};

window.session = ({ scope, accessToken = 'access-token', idToken = 'id-token', expiresInSeconds = 3600 } = {}) => ({
  profile: { email: 'a@example.test' },
  providerInfo: { accessToken, idToken, scope, expiresInSeconds },
});

window.noCookie = [401, {
  error: { name: 'AuthenticationError', message: 'Refresh failed; caused by InputError: Missing session cookie' },
}, 'Unauthorized'];

/** A same-origin frame standing in for the popup; messages can name it as their source. */
window.fakePopup = () => {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  return frame.contentWindow;
};

/** Stubs window.open; records its calls and returns `popup`. */
window.stubOpen = (popup) => {
  const calls = [];
  window.open = (url, name, features) => {
    calls.push({ url, name, features });
    return popup;
  };
  return calls;
};

/** Delivers a message as if `source` had posted it from `origin`. */
window.deliver = (source, data, origin = window.BACKEND_ORIGIN) => {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
};

window.tick = () => new Promise((r) => setTimeout(r, 0));

// Counts message listeners added to this window, so a test can wait until a login listens
// before it delivers the popup's messages.
window.messageListenersAdded = 0;
const addEventListener = window.addEventListener.bind(window);
window.addEventListener = (type, ...rest) => {
  if (type === 'message') window.messageListenersAdded += 1;
  return addEventListener(type, ...rest);
};
window.untilListening = async (count = 1) => {
  while (window.messageListenersAdded < count) await window.tick();
};

document.getElementById('ready').textContent = 'ready';
