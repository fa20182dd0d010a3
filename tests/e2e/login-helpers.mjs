// Helpers for tests that log in through the local OpenID provider's forms.

export const ISSUER = 'http://127.0.0.1:7010';

/** The claims of a JWT, for assertions only. */
export function claims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Fills the provider's login and consent forms until the popup closes itself. */
export async function completeLogin(popup, user) {
  const closed = popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close', { timeout: 20000 });
  for (let step = 0; step < 6 && !popup.isClosed(); step += 1) {
    const form = popup.waitForSelector('button[type=submit]', { timeout: 10000 }).catch(() => null);
    if (!(await Promise.race([form, closed.then(() => null)]))) break;
    if (await popup.locator('input[name=login]').count()) {
      await popup.fill('input[name=login]', user);
      await popup.fill('input[name=password]', 'any password');
    }
    await popup.click('button[type=submit]').catch(() => {});
    await popup.waitForLoadState('domcontentloaded').catch(() => {});
  }
  await closed;
}
