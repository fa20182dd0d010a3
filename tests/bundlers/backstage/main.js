// An app that brings its own OAuthRequestApi: Backstage's OAuthRequestManager from
// @backstage/core-app-api. The package must route its login requests there.
import { OAuthRequestManager } from '@backstage/core-app-api';
import { OidcAuth } from 'backstage-auth-wasm';

const manager = new OAuthRequestManager();
window.requests = [];
manager.authRequest$().subscribe((list) => { window.requests = list; });
window.api = OidcAuth.create({ baseUrl: 'http://127.0.0.1:7007/api/auth', oauthRequestApi: manager });
// Stands in for the app's "Login Required" dialog.
document.getElementById('trigger').addEventListener('click', () => {
  window.requests.forEach((request) => request.trigger());
});
window.ready = true;
