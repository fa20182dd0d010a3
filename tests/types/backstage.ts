// Compile-time drop-in proof: this package's factories wired into createApiFactory for
// @backstage/core-plugin-api's refs, with no casts. `tsc --noEmit` runs it in npm test.
import {
  createApiFactory,
  createApiRef,
  configApiRef,
  discoveryApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oauthRequestApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
  type BackstageIdentityApi,
  type OAuthApi,
  type OAuthRequestApi,
  type OpenIdConnectApi,
  type ProfileInfoApi,
  type SessionApi,
} from '@backstage/core-plugin-api';
import {
  Auth0Auth,
  GoogleAuth,
  MicrosoftAuth,
  OAuth2,
  OidcAuth,
  OktaAuth,
  OneLoginAuth,
  getIdToken,
  oauthRequestApi,
  providers,
} from 'backstage-auth-wasm';

const deps = { discoveryApi: discoveryApiRef, oauthRequestApi: oauthRequestApiRef, configApi: configApiRef };

export const apis = [
  createApiFactory({
    api: googleAuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
      GoogleAuth.create({ discoveryApi, oauthRequestApi, configApi,
        environment: configApi.getOptionalString('auth.environment') }),
  }),
  createApiFactory({
    api: microsoftAuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
      MicrosoftAuth.create({ discoveryApi, oauthRequestApi, configApi }),
  }),
  createApiFactory({
    api: oktaAuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
      OktaAuth.create({ discoveryApi, oauthRequestApi, configApi }),
  }),
  createApiFactory({
    api: oneloginAuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
      OneLoginAuth.create({ discoveryApi, oauthRequestApi, configApi }),
  }),
];

// The refs for auth0, oauth2 and oidc left core-plugin-api; apps declare them with the types
// the seed-era refs had (auth0 without OAuthApi).
type FullAuth = OAuthApi & OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi;
const auth0AuthApiRef = createApiRef<OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi>({
  id: 'core.auth.auth0',
});
const oauth2ApiRef = createApiRef<FullAuth>({ id: 'core.auth.oauth2' });
const oidcAuthApiRef = createApiRef<FullAuth>({ id: 'core.auth.oidc' });

export const moreApis = [
  createApiFactory({
    api: auth0AuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi }) => Auth0Auth.create({ discoveryApi, oauthRequestApi }),
  }),
  createApiFactory({
    api: oauth2ApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi }) => OAuth2.create({ discoveryApi, oauthRequestApi }),
  }),
  createApiFactory({
    api: oidcAuthApiRef,
    deps,
    factory: ({ discoveryApi, oauthRequestApi }) => OidcAuth.create({ discoveryApi, oauthRequestApi }),
  }),
];

// The built-in request manager can stand in for the app's OAuthRequestApi.
export const requestApi: OAuthRequestApi = oauthRequestApi;
export const title: string = providers.google.title;
export const token: Promise<string> = getIdToken({ optional: true });

// The types are real, not `any`: each of these must be rejected.
// @ts-expect-error baseUrl is a string
GoogleAuth.create({ baseUrl: 5 });
// @ts-expect-error options are an object
getIdToken('optional');
// @ts-expect-error tokens are strings
export const wrong: Promise<number> = getIdToken();
// @ts-expect-error providers has the seven keys only
export const github = providers.github;
