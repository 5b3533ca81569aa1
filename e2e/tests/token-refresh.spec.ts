/**
 * A session does not outlive its token, and a page with `token-url` does not notice (issue 15,
 * item 3): `<gag-phone>` goes through the SDK's `getToken`, which fetches a fresh token ahead of
 * each expiry and hands it to the gateway over the open connection. Real Chromium, real sockets.
 */
import { componentScriptUrl } from '../src/phone-page.js';
import { expect, test } from './fixtures.js';

/** Short enough that 15 s outlive the first token and the 5 s of clock skew the gateway allows. */
const TOKEN_TTL_S = 5;

test('<gag-phone> with token-url and 5-second tokens is still the same session after 15 s, never reconnected, and rings', async ({ gag, openPhone, asterisk }) => {
  test.setTimeout(60_000);
  gag.serve(
    '/short-tokens.html',
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM</title>
<script src="${componentScriptUrl(gag.gatewayUrl)}"></script></head>
<body><gag-phone server="${gag.gatewayUrl}" token-url="${gag.tokenUrl('2001', { ttlSeconds: TOKEN_TTL_S })}"></gag-phone></body></html>`,
  );
  const phone = await openPhone({ url: '/short-tokens.html' });
  const [session] = gag.gateway.registry.phonesFor('2001');
  const expiry = (): number => (session as unknown as { tokenExpiresAtMs: number }).tokenExpiresAtMs;
  const firstExpiry = expiry();

  // Every accepted refresh moves the session's expiry on: 15 s of them, well past the first token's end.
  await expect.poll(() => expiry() - firstExpiry, { timeout: 30_000, message: 'the session refreshed its token for 15 s' }).toBeGreaterThanOrEqual(15_000);
  expect(gag.gateway.registry.phonesFor('2001')).toEqual([session]);
  const states = (await phone.events()).filter((e) => e.type === 'gag-state').map((e) => e.detail['state']);
  expect(states).not.toContain('reconnecting');

  await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
});
