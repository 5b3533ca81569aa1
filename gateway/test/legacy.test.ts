/**
 * GoAstGateway's demo webphone, unchanged, against GAG (issue #4; docs/legacy-protocol.md): real
 * sockets on loopback, a fake Asterisk on one side and a legacy peer on the other.
 */
import { SignJWT } from 'jose';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { analyseTone, s16leToFloat } from '@gag/e2e/tones';
import { TEST_SECRET, gatewayPerTest } from '@gag/testkit/gateway';
import { mintToken } from '../src/access/token.js';
import { HEARTBEAT_INTERVAL_MS } from '../src/net/heartbeat.js';
import { LegacyTestPhone, legacyRefusal, type LegacyConnectOptions } from './legacy-phone.js';

const t = gatewayPerTest();
const legacyPhones: LegacyTestPhone[] = [];
afterEach(() => {
  for (const p of legacyPhones.splice(0)) p.close();
});

/** A legacy webphone logged in as `extension` (a valid token and the allowed Origin unless overridden). */
async function legacyPhone(extension: string, options: LegacyConnectOptions = {}): Promise<LegacyTestPhone> {
  const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token(extension), ...options });
  legacyPhones.push(phone);
  return phone;
}

/** `promise`, or a failure naming `what` after `ms`: every wait in these tests is bounded. */
function within<T>(promise: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function expectHz(samples: Float32Array, hz: number): void {
  expect(Math.abs(analyseTone(samples, 16_000).hz - hz)).toBeLessThanOrEqual(2);
}

describe('a call to a legacy webphone', () => {
  test('rings with RINGING, ANSWER answers Asterisk, and a tone goes each way', async () => {
    const phone = await legacyPhone('2001');
    // The token was checked before the upgrade: the phone is online (ready) by the time it is open.
    expect(t.gw.registry.sessionsFor('2001').map((p) => p.protocol)).toEqual(['legacy']);
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    expect(call.commands).toEqual([]);

    call.play(tone(440, { amplitude: 0.5 }));
    phone.send('ANSWER');
    await within(call.answered, 'ANSWER');
    expect(call.commands).toEqual(['ANSWER']);

    phone.sendTone(1000, 25);
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(25);
    expect(call.received.oddSizedMessages).toBe(0);
    expectHz(call.received.samples(), 1000);

    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(25);
    expectHz(s16leToFloat(Buffer.concat(phone.audio)), 440);
    expect(phone.words).toEqual([]); // `answered` has no legacy word
  });

  test.each([1000, 100, 7])('audio sent in %i-byte messages reaches Asterisk as whole frames, unchanged', async (messageBytes) => {
    const phone = await legacyPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    phone.send('ANSWER');
    await within(call.answered, 'ANSWER');

    const sent = phone.sendTone(1000, 25, messageBytes);
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(25);
    expect(call.received.oddSizedMessages).toBe(0);
    expect(call.received.droppedBytes).toBe(0);
    expect(call.received.samples()).toEqual(s16leToFloat(sent));
    expectHz(call.received.samples(), 1000);
  });

  test('half a frame left over when a call ends does not start the next call', async () => {
    const phone = await legacyPhone('2001');
    for (const round of [1, 2]) {
      const call = await t.asterisk.call('ws-ext-2001');
      await phone.next('RINGING');
      phone.send('ANSWER');
      await within(call.answered, `ANSWER ${round}`);
      if (round === 1) {
        phone.ws.send(Buffer.alloc(FRAME_BYTES + FRAME_BYTES / 2, 0x7f)); // half a frame stays held
        await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(1);
      } else {
        const sent = phone.sendTone(1000, 25);
        await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(25);
        expect(call.received.samples()).toEqual(s16leToFloat(sent));
      }
      phone.send('HANGUP');
      await within(call.ended, `end ${round}`);
      await phone.next('HANGUP');
    }
  });

  test('HANGUP from the phone mid-call sends HANGUP and Asterisk closes with 1000', async () => {
    const phone = await legacyPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    phone.send('ANSWER');
    await within(call.answered, 'ANSWER');
    phone.send('HANGUP');
    expect(await within(call.ended, 'call end')).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
    await phone.next('HANGUP'); // `ended` becomes HANGUP whatever the reason
  });

  test('Asterisk hanging up mid-call sends HANGUP to the phone', async () => {
    const phone = await legacyPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    phone.send('ANSWER');
    await within(call.answered, 'ANSWER');
    await within(call.hangup(), 'caller hangup');
    await phone.next('HANGUP');
  });

  test('HANGUP while it rings rejects: Asterisk gets HANGUP without ANSWER', async () => {
    const phone = await legacyPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    phone.send('HANGUP');
    expect(await within(call.ended, 'call end')).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['HANGUP']);
  });

  test('a second call while one rings is declined at once, and the first can still be answered', async () => {
    const phone = await legacyPhone('2001');
    const first = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    const second = await t.asterisk.call('ws-ext-2001');
    expect(await within(second.ended, 'call end')).toMatchObject({ by: 'app-hangup' });
    expect(second.commands).toEqual(['HANGUP']);
    phone.send('ANSWER');
    await within(first.answered, 'ANSWER');
    expect(phone.words).toEqual([]); // neither a second RINGING nor a HANGUP for the declined call
  });

  test('a declined second call leaves no timer behind: the first rings out at the ring timeout', async () => {
    const phone = await legacyPhone('2001');
    // The default ring timeout (60 s) passes on a fake clock; a real wait would time the test out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const first = await t.asterisk.call('ws-ext-2001');
      await phone.next('RINGING');
      const second = await t.asterisk.call('ws-ext-2001');
      // No `within` here: its timer would be fake too. The test timeout bounds these waits.
      expect(await second.ended).toMatchObject({ by: 'app-hangup' });
      vi.advanceTimersByTime(60_000); // the first call's ring timeout
      expect(await first.ended).toMatchObject({ by: 'app-hangup' });
    } finally {
      vi.useRealTimers();
    }
    await phone.next('HANGUP');
  });

  test('unknown words and ANSWER with no call are ignored; a TEXT message over 1 KB closes with 1009', async () => {
    const phone = await legacyPhone('2001');
    phone.send('ANSWER');
    phone.send('KICKED');
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING'); // still online and ringing
    expect(call.commands).toEqual([]);
    phone.send('x'.repeat(1_025));
    expect(await within(phone.closed, 'close')).toEqual({ code: 1009, reason: 'text messages are at most 1024 bytes' });
    expect(await within(call.ended, 'call end')).toMatchObject({ by: 'app-hangup' });
  });

  test('a phone that stops answering pings is cut off at the second beat', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const phone = await legacyPhone('2001', { autoPong: false });
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS); // ping
      await within(new Promise((resolve) => phone.ws.once('ping', resolve)), 'ping');
      expect(t.gw.registry.sessionsFor('2001')).toHaveLength(1);
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS); // no pong came back
      expect((await within(phone.closed, 'close')).code).toBe(1006);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('one legacy connection per extension', () => {
  test('a second legacy login gets BUSY and is closed; the first still rings', async () => {
    const first = await legacyPhone('2001');
    const second = await legacyPhone('2001');
    await second.next('BUSY');
    expect((await within(second.closed, 'close')).code).toBe(1008);
    const call = await t.asterisk.call('ws-ext-2001');
    await first.next('RINGING');
    first.send('ANSWER');
    await within(call.answered, 'ANSWER');
    expect(t.gw.registry.sessionsFor('2001')).toHaveLength(1);
  });

  test('a legacy phone beside a gag.v1 phone: both ring, the legacy ANSWER wins', async () => {
    const modern = await t.phone('2001');
    const legacy = await legacyPhone('2001'); // gag.v1 sessions do not make the extension busy
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await modern.next('incoming');
    await legacy.next('RINGING');
    legacy.send('ANSWER');
    await within(call.answered, 'ANSWER');
    expect(await modern.next('ended')).toEqual({ type: 'ended', callId, reason: 'answered_elsewhere' });
    modern.send({ type: 'answer', callId }); // too late: dropped
    legacy.sendTone(1000, 10);
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(10);
    expect(call.commands).toEqual(['ANSWER']);
  });

  test('a legacy phone beside a gag.v1 phone: the gag.v1 answer wins and the legacy phone gets HANGUP', async () => {
    const modern = await t.phone('2001');
    const legacy = await legacyPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await modern.next('incoming');
    await legacy.next('RINGING');
    modern.send({ type: 'answer', callId });
    await within(call.answered, 'ANSWER');
    await legacy.next('HANGUP');
    legacy.send('ANSWER'); // too late: no call of this phone any more
    legacy.sendTone(1000, 10); // and its audio goes nowhere
    // A clean close from the phone comes back only after the gateway has read what was sent before it.
    legacy.ws.close(1000);
    await within(legacy.closed, 'close');
    for (let i = 0; i < 5; i++) modern.ws.send(Buffer.alloc(FRAME_BYTES));
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(5); // the winner's 5, none of the legacy 10
    expect(call.commands).toEqual(['ANSWER']);
    expect(await modern.next('answered')).toEqual({ type: 'answered', callId });
  });
});

describe('legacy refusals before the upgrade (IP → token → Origin)', () => {
  const tokenRefusals = (): Array<unknown> => t.logs.filter((l) => l.msg === 'refused: token').map((l) => l['reason']);

  test('a missing, malformed, forged, expired or ext-less token gets 401 with a reason, logged without the token', async () => {
    const forged = await mintToken({ secret: 'another-secret-0123456789abcdef0123456789', extension: '2001', ttlSeconds: 60 });
    const expired = await t.token('2001', -60);
    const noExt = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const cases = [
      [undefined, 'no token'],
      ['not.a.jwt', 'token refused: malformed'],
      [forged, 'token refused: signature'],
      [expired, 'token refused: expired'],
      [noExt, "token refused: claim 'ext' (the extension) is missing or not a string"],
    ] as const;
    for (const [token, body] of cases) {
      expect(await legacyRefusal(t.gw.browserUrl, { token })).toEqual({ status: 401, body });
    }
    expect(tokenRefusals()).toEqual(['missing', 'malformed', 'signature', 'expired', 'claims']);
    const logged = JSON.stringify(t.logs);
    for (const token of [forged, expired, noExt]) expect(logged).not.toContain(token);
    expect(logged).not.toContain('token=');
  });

  test('a wrong or missing Origin gets 403 even with a valid token, and the token is not logged', async () => {
    const token = await t.token('2001');
    expect(await legacyRefusal(t.gw.browserUrl, { token, origin: 'http://evil.test' })).toEqual({ status: 403, body: 'origin not in allowed_origins' });
    expect(await legacyRefusal(t.gw.browserUrl, { token, origin: null })).toEqual({ status: 403, body: 'origin not in allowed_origins' });
    expect(t.logs.filter((l) => l.msg === 'refused: origin not allowed').map((l) => l['origin'])).toEqual(['http://evil.test', undefined]);
    expect(JSON.stringify(t.logs)).not.toContain(token);
  });

  test('the token is checked before the Origin, as GoAstGateway did', async () => {
    expect(await legacyRefusal(t.gw.browserUrl, { token: undefined, origin: 'http://evil.test' })).toMatchObject({ status: 401 });
    expect(tokenRefusals()).toEqual(['missing']);
  });

  test('legacy tokens follow the configured token rules: jwt_issuer is required of them too', async () => {
    await t.start({ jwt_issuer: 'https://crm.test' }); // this test's gateway requires an issuer
    const issuerless = await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60 });
    expect(await legacyRefusal(t.gw.browserUrl, { token: issuerless })).toMatchObject({ status: 401 });
    expect(tokenRefusals()).toEqual(['claims']);
    await legacyPhone('2001'); // t.token() sets the issuer
  });

  test('the IP allow-list is checked before the token', async () => {
    await t.start({ allowed_browser_ips: ['192.0.2.1'] }); // this test's gateway allows one other address
    expect(await legacyRefusal(t.gw.browserUrl, { token: undefined })).toEqual({ status: 403, body: 'address not in allowed_browser_ips' });
    expect(tokenRefusals()).toEqual([]);
  });
});
