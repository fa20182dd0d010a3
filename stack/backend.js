// The real Backstage auth backend (new backend system, auth plugin only) for the demo and the
// end-to-end tests. Every provider id our package bundles is served by the OIDC authenticator
// against the local OpenID provider (op.mjs), so each bundled config logs in for real.
const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} = require('@backstage/plugin-auth-node');
const { oidcAuthenticator } = require('@backstage/plugin-auth-backend-module-oidc-provider');
const providerIds = require('./providers.json');

// Signs in any user without a catalog: the e-mail's local part becomes the user entity.
async function signInResolver({ profile }, ctx) {
  const name = (profile.email ?? 'unknown').split('@')[0];
  const ref = `user:default/${name}`;
  return ctx.issueToken({ claims: { sub: ref, ent: [ref] } });
}

const localProviders = createBackendModule({
  pluginId: 'auth',
  moduleId: 'local-oidc-providers',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        for (const providerId of providerIds) {
          providers.registerProvider({
            providerId,
            factory: createOAuthProviderFactory({ authenticator: oidcAuthenticator, signInResolver }),
          });
        }
      },
    });
  },
});

const backend = createBackend();
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(localProviders);
backend.start();
