// Package entry. The wasm module is inlined and instantiated synchronously on import, so the
// exports work at once in a plain page, Vite and webpack 5, with no init step and no async
// gap before the first call (an instantPopup call can open its popup synchronously).
import {
  initSync,
  createAuth,
  configureAuth,
  builtinRequestManager,
  bundledProviders,
  setModalStrings,
  wasmMemoryBytes,
  AuthApi,
  OAuthRequestManager,
  Observable,
} from './backstage_auth_wasm.js';
import { wasmBase64 } from './wasm-inline.js';

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}

initSync({ module: decode(wasmBase64) });

// Backstage's observable and method names end in `$`, which wasm-bindgen cannot export.
Object.defineProperty(AuthApi.prototype, 'sessionState$', {
  value: AuthApi.prototype.sessionState,
});
Object.defineProperty(OAuthRequestManager.prototype, 'authRequest$', {
  value: OAuthRequestManager.prototype.authRequest,
});
// Interop with zen-observable (which Backstage uses) and RxJS: the same well-known symbol,
// defined if missing exactly as zen-observable defines it, plus the '@@observable' key that
// libraries use when they were loaded before the symbol existed.
if (typeof Symbol === 'function' && !Symbol.observable) {
  Object.defineProperty(Symbol, 'observable', { value: Symbol('observable'), writable: true, configurable: true });
}
for (const key of [Symbol.observable, '@@observable']) {
  Object.defineProperty(Observable.prototype, key, {
    value() {
      return this;
    },
  });
}

// The hot path. getIdToken() is called before every request; while the session is fresh,
// answer it here from what the session manager publishes (the resolved promise of the token,
// the wall-clock end of its freshness window computed in Rust, and the last wall time seen),
// without entering wasm. A wall clock that moved back since the last call, or anything else
// out of the ordinary, goes to Rust, which decides with both clocks. performance.now() is
// left out on purpose: it costs more than the rest of this path together.
const HOT = Symbol('hot');
const slowGetIdToken = AuthApi.prototype.getIdToken;
Object.defineProperty(AuthApi.prototype, 'getIdToken', {
  value(options) {
    const hot = this[HOT];
    if (options == null && hot !== undefined && hot.promise !== undefined) {
      const wall = Date.now();
      if (wall < hot.wallUntil && wall >= hot.lastWall) {
        hot.lastWall = wall;
        return hot.promise;
      }
    }
    return slowGetIdToken.call(this, options);
  },
  writable: true,
  configurable: true,
});

function withHotPath(api) {
  Object.defineProperty(api, HOT, { value: api.hotCache() });
  return api;
}

const factory = (key) => Object.freeze({ create: (options) => withHotPath(createAuth(key, options)) });

export const GoogleAuth = factory('google');
export const MicrosoftAuth = factory('microsoft');
export const OktaAuth = factory('okta');
export const OneLoginAuth = factory('onelogin');
export const Auth0Auth = factory('auth0');
export const OAuth2 = factory('oauth2');
export const OidcAuth = factory('oidc');

export const providers = bundledProviders();
export const oauthRequestApi = builtinRequestManager();

export { setModalStrings, wasmMemoryBytes };

let defaultApi;

export function configure(options) {
  defaultApi = withHotPath(configureAuth(options));
}

export function getIdToken(options) {
  if (defaultApi === undefined) {
    return Promise.reject(new Error('getIdToken needs a provider: call configure({ provider, baseUrl }) first'));
  }
  return defaultApi.getIdToken(options);
}
