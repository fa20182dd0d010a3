// The benchmark page: this package and Backstage's OAuth2 (@backstage/core-app-api), each in
// its own chunk so that cold start includes loading it, against the same local backend.
const BASE = 'http://127.0.0.1:7020/api/auth';
const discoveryApi = { getBaseUrl: async () => BASE };
const configApi = { getOptionalBoolean: () => false };

window.load = {
  async ours() {
    const pkg = await import('./ours.js');
    return { api: pkg.OAuth2.create({ baseUrl: BASE }), wasmBytes: pkg.wasmMemoryBytes };
  },
  async backstage() {
    const { OAuth2, OAuthRequestManager } = await import('./backstage.js');
    const oauthRequestApi = new OAuthRequestManager();
    return { api: OAuth2.create({ discoveryApi, oauthRequestApi, configApi }), wasmBytes: () => 0 };
  },
};

window.ready = true;
