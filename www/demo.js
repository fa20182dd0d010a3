// The demo: one row per bundled provider, each button calling the package as an app would.
import {
  GoogleAuth, MicrosoftAuth, OktaAuth, OneLoginAuth, Auth0Auth, OAuth2, OidcAuth, providers,
} from '/pkg/index.js';

const baseUrl = 'http://127.0.0.1:7007/api/auth';
const factories = {
  google: GoogleAuth,
  microsoft: MicrosoftAuth,
  okta: OktaAuth,
  onelogin: OneLoginAuth,
  auth0: Auth0Auth,
  oauth2: OAuth2,
  oidc: OidcAuth,
};
const result = document.getElementById('result');
const claims = document.getElementById('claims');

// For display only: the payload of a JWT, not verified.
function decodeClaims(token) {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

function show(text, isError = false) {
  result.textContent = text;
  result.classList.toggle('error', isError);
}

function showIdToken(key, token) {
  if (!token) {
    show(`${key}: no ID token (no session)`);
    return;
  }
  show(`${key}: got an ID token (${token.length} characters)`);
  claims.textContent = JSON.stringify(decodeClaims(token), null, 2);
}

const calls = [
  ['getIdToken()', (api) => api.getIdToken(), showIdToken],
  ['getIdToken({ optional: true })', (api) => api.getIdToken({ optional: true }), showIdToken],
  ['getIdToken({ instantPopup: true })', (api) => api.getIdToken({ instantPopup: true }), showIdToken],
  ['getAccessToken()', (api) => api.getAccessToken(),
    (key, token) => show(`${key}: got an access token (${token.length} characters)`)],
  ['getProfile()', (api) => api.getProfile(),
    (key, profile) => show(`${key}: profile ${JSON.stringify(profile)}`)],
  ['signOut()', (api) => api.signOut(), (key) => show(`${key}: signed out`)],
];

const rows = document.getElementById('providers');
for (const [key, factory] of Object.entries(factories)) {
  const api = factory.create({ baseUrl });
  const row = rows.insertRow();
  row.dataset.provider = key;
  const name = row.insertCell();
  name.textContent = `${providers[key].title} (${key})`;
  const state = row.insertCell();
  state.className = 'state';
  api.sessionState$().subscribe((value) => {
    state.textContent = value;
    state.className = `state state-${value}`;
  });
  const actions = row.insertCell();
  actions.className = 'actions';
  for (const [label, call, onResult] of calls) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.addEventListener('click', () => {
      show(`${key}: ${label} …`);
      call(api).then(
        (value) => onResult(key, value),
        (error) => show(`${key}: ${label} failed: ${error.name}: ${error.message}`, true),
      );
    });
    actions.append(button);
  }
}
