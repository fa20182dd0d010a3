// An app with enableExperimentalRedirectFlow: logins leave the page for the backend and come
// back to it; the session then arrives through /refresh.
import { OidcAuth } from '/pkg/index.js';

const configApi = { getOptionalBoolean: (key) => key === 'enableExperimentalRedirectFlow' };
window.api = OidcAuth.create({ baseUrl: 'http://127.0.0.1:7007/api/auth', configApi });
window.api.getIdToken({ optional: true }).then((token) => {
  window.onLoadToken = token;
  document.getElementById('ready').textContent = 'ready';
});
