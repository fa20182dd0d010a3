// A real OpenID provider (panva/oidc-provider) on 127.0.0.1 for the demo and the tests.
// Its login form accepts any user name; the password is ignored.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT || 7010);
const backend = process.env.BACKEND_URL || 'http://127.0.0.1:7007';
const issuer = `http://127.0.0.1:${port}`;
const providerIds = JSON.parse(readFileSync(new URL('./providers.json', import.meta.url), 'utf8'));
const ttl = Number(process.env.OP_TOKEN_TTL || 3600);

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'backstage-local',
    client_secret: 'backstage-local-secret',
    redirect_uris: providerIds.map((id) => `${backend}/api/auth/${id}/handler/frame`),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // The bundled provider configs ask for these beyond the standard OIDC scopes
  // (Google's userinfo URLs, Microsoft Graph's User.Read); the OP grants them so that the
  // granted scope matches what each config asks for.
  scopes: [
    'openid', 'profile', 'email', 'offline_access',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
    'User.Read',
  ],
  claims: {
    openid: ['sub'],
    profile: ['name', 'picture'],
    email: ['email', 'email_verified'],
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: `User ${id}`, email: `${id}@example.test`, email_verified: true };
      },
    };
  },
  // Issue refresh tokens without requiring offline_access plus prompt=consent, so that
  // /refresh works after every login.
  async issueRefreshToken(ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
  },
  cookies: { keys: ['local-only-cookie-key'] },
  ttl: { AccessToken: ttl, IdToken: ttl },
});

// The built-in login pages import a web font from the internet; everything here stays on
// 127.0.0.1, so take the import out.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.body.includes('fonts.googleapis.com')) {
    ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);/g, '');
  }
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`OpenID provider listening on ${issuer}`);
});
const stop = () => { server.closeAllConnections?.(); server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
