// The page the end-to-end tests drive: every bundled factory against the real backend, plus
// one auth object that finds the backend through a discoveryApi.
import * as pkg from '/pkg/index.js';

const baseUrl = 'http://127.0.0.1:7007/api/auth';
const factories = {
  google: pkg.GoogleAuth,
  microsoft: pkg.MicrosoftAuth,
  okta: pkg.OktaAuth,
  onelogin: pkg.OneLoginAuth,
  auth0: pkg.Auth0Auth,
  oauth2: pkg.OAuth2,
  oidc: pkg.OidcAuth,
};

window.apis = {};
window.states = {};
for (const [key, factory] of Object.entries(factories)) {
  window.apis[key] = factory.create({ baseUrl });
  window.states[key] = [];
  window.apis[key].sessionState$().subscribe((s) => window.states[key].push(s));
}

const discoveryApi = {
  async getBaseUrl(pluginId) {
    return `http://127.0.0.1:7007/api/${pluginId}`;
  },
};
window.apis.discovered = pkg.OidcAuth.create({ discoveryApi });

document.getElementById('instant').addEventListener('click', () => {
  window.instant = window.apis.google.getIdToken({ instantPopup: true }).then(
    (token) => ({ token }),
    (error) => ({ error: `${error.name}: ${error.message}` }),
  );
});

document.getElementById('ready').textContent = 'ready';
