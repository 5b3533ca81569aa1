/**
 * What the SDK's `connect()` says when the gateway refuses its token, against a real gateway
 * (issue 19): the `TokenRefusedError` names its reason (`reason`, from the close reason declared in
 * `@gag/sdk/protocol`). A page origin not in `allowed_origins` (`GAG_REFUSED`) and an unreachable
 * gateway need a browser's WebSocket (Node's stub throws on a 403 or a refused connection):
 * the Chromium specs prove them (gag-phone-agent.spec.ts, gag-phone-errors.spec.ts).
 */
import { SignJWT } from 'jose';
import { afterEach, expect, test, vi } from 'vitest';
import { GagClient, TokenRefusedError, type GagError } from '@gag/sdk';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TEST_ORIGIN } from '@gag/testkit/phone';

const t = gatewayPerTestOnDemand();
let client: GagClient | undefined;
afterEach(() => {
  client?.disconnect();
  client = undefined;
  vi.unstubAllGlobals();
});

/** What `connect()` rejects with, for a client at `url` with `token`. */
async function refusal(url: string, token: string): Promise<GagError> {
  client = new GagClient({ url, token, ringtone: false });
  return client.connect().then(
    () => expect.unreachable('connect() resolved'),
    (e: GagError) => e,
  );
}

/** A token for 2001 with `claims`, signed with `secret` (default the gateway's). */
async function tokenWith(claims: Record<string, unknown>, secret = t.gw.config.jwt_secret): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({ ext: '2001', iat: nowS, exp: nowS + 600, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

test('a refused token rejects connect() with a TokenRefusedError that says why: signature, expired, not yet valid, claims', async () => {
  await t.start();
  browserGlobals({ origin: TEST_ORIGIN });
  const nowS = Math.floor(Date.now() / 1000);
  const cases = [
    [await tokenWith({}, 'another secret, not the gateway one, 32+ chars'), 'signature'],
    [await tokenWith({ iat: nowS - 7_200, exp: nowS - 3_600 }), 'expired'],
    [await tokenWith({ nbf: nowS + 3_600 }), 'not_yet_valid'],
    [await tokenWith({ ext: undefined }), 'claims'],
  ] as const;
  for (const [token, reason] of cases) {
    const e = await refusal(t.gw.browserUrl, token);
    expect(e, reason).toBeInstanceOf(TokenRefusedError);
    expect({ code: e.code, reason: (e as TokenRefusedError).reason, message: e.message }).toEqual({ code: 'GAG_TOKEN_INVALID', reason, message: `token refused: ${reason.replaceAll('_', ' ')}` });
    expect(e.message, 'never the token').not.toContain(token);
  }
});
