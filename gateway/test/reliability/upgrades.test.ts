/**
 * Refused upgrades while a healthy call talks on the same gateway: no or wrong subprotocol,
 * wrong or missing Origin, addresses outside the allow-lists (IPv4, IPv6, IPv4-mapped IPv6),
 * and upgrades whose headers never finish (slowloris). Each case asserts the HTTP status, the
 * body, the log line, and that the healthy call still carries its tones.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { MEDIA_SUBPROTOCOL } from '../../src/asterisk/listener.js';
import { handshake, type HandshakeOptions } from '../handshake.js';
import { healthyGateway } from './healthy-call.js';

/**
 * Open `count` TCP connections to `url`'s port that send the start of an upgrade and never finish
 * its headers; resolves with what each received before the gateway closed it, and when.
 */
async function slowloris(url: string, count: number, timeoutMs: number): Promise<Array<{ answer: string; afterMs: number }>> {
  const { hostname, port } = new URL(url);
  const startedMs = performance.now();
  const sockets: Socket[] = [];
  try {
    return await Promise.all(
      Array.from({ length: count }, async () => {
        const socket = connect(Number(port), hostname);
        sockets.push(socket);
        socket.on('error', () => undefined);
        await once(socket, 'connect');
        socket.write(`GET ${PHONE_PATH} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n`); // ...and nothing more
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        await once(socket, 'close', { signal: AbortSignal.timeout(timeoutMs) });
        return { answer: Buffer.concat(chunks).toString('latin1'), afterMs: performance.now() - startedMs };
      }),
    );
  } finally {
    for (const s of sockets) s.destroy();
  }
}

describe('IPv4 loopback, the default config', () => {
  const g = healthyGateway({}, { asteriskHeadersTimeoutMs: 200 });
  const browser = (options: HandshakeOptions) => handshake(g.t.gw.browserUrl, { path: PHONE_PATH, ...options });
  const asterisk = (options: HandshakeOptions) => handshake(g.t.gw.asteriskUrl, options);
  const browserRefusal = (msg: string, fields: Record<string, unknown> = {}) => ({ msg, side: 'browser', ip: '127.0.0.1', ...fields });
  const asteriskRefusal = (reason: string) => ({ msg: 'asterisk connection refused', side: 'asterisk', ip: '127.0.0.1', reason });

  test.each([
    {
      name: 'a browser upgrade with no subprotocol (and no ?token=) is the legacy protocol: 401',
      upgrade: () => browser({ origin: TEST_ORIGIN }),
      status: 401,
      body: 'no token',
      log: browserRefusal('refused: token', { reason: 'missing', protocol: 'legacy' }),
    },
    {
      name: 'a browser upgrade with a wrong subprotocol (gag.v2) is the legacy protocol: 401',
      upgrade: () => browser({ origin: TEST_ORIGIN, protocols: ['gag.v2'] }),
      status: 401,
      body: 'no token',
      log: browserRefusal('refused: token', { reason: 'missing', protocol: 'legacy' }),
    },
    {
      name: 'a wrong Origin: 403',
      upgrade: () => browser({ origin: 'http://evil.test', protocols: [SUBPROTOCOL] }),
      status: 403,
      body: 'origin not in allowed_origins',
      log: browserRefusal('refused: origin not allowed', { origin: 'http://evil.test' }),
    },
    {
      name: 'no Origin: 403',
      upgrade: () => browser({ protocols: [SUBPROTOCOL] }),
      status: 403,
      body: 'origin not in allowed_origins',
      log: browserRefusal('refused: origin not allowed'),
    },
    {
      name: 'an upgrade to another path: 404',
      upgrade: () => handshake(g.t.gw.browserUrl, { path: '/admin', origin: TEST_ORIGIN, protocols: [SUBPROTOCOL] }),
      status: 404,
      body: 'the phone endpoint is /phone',
      log: undefined,
    },
    {
      name: 'an Asterisk upgrade with no subprotocol: 400',
      upgrade: () => asterisk({}),
      status: 400,
      body: 'subprotocol "media" required (protocols = media in websocket_client.conf)',
      log: asteriskRefusal('subprotocol_missing'),
    },
    {
      name: 'an Asterisk upgrade with a wrong subprotocol (gag.v1): 400',
      upgrade: () => asterisk({ protocols: [SUBPROTOCOL] }),
      status: 400,
      body: 'subprotocol "media" required (protocols = media in websocket_client.conf)',
      log: asteriskRefusal('subprotocol_missing'),
    },
    {
      name: 'an Origin on the Asterisk port (a browser there): 403',
      upgrade: () => asterisk({ protocols: [MEDIA_SUBPROTOCOL], origin: TEST_ORIGIN }),
      status: 403,
      body: 'browsers may not use the Asterisk port',
      log: asteriskRefusal('origin_present'),
    },
  ])('$name', async ({ upgrade, status, body, log }) => {
    const res = await upgrade();
    expect({ status: res.status, body: res.body.trim() }).toEqual({ status, body });
    if (log === undefined) expect(g.logs.filter((l) => (l.level as number) >= 40)).toEqual([]);
    else expect(g.logs).toContainEqual(expect.objectContaining(log));
    await g.healthy.stillFlows();
  });

  test('a plain HTTP request on the Asterisk port: 426', async () => {
    const { hostname, port } = new URL(g.t.gw.asteriskUrl);
    const res = await fetch(`http://${hostname}:${port}/`);
    expect(res.status).toBe(426);
    expect(await res.text()).toBe('chan_websocket endpoint: WebSocket upgrade required\n');
    await g.healthy.stillFlows();
  });

  test('a browser from 127.0.0.1 outside allowed_browser_ips (192.168.0.0/16): 403, the call already up stays', async () => {
    await g.withConfig({ allowed_browser_ips: ['192.168.0.0/16'] }, async () => {
      const res = await browser({ origin: TEST_ORIGIN, protocols: [SUBPROTOCOL] });
      expect({ status: res.status, body: res.body.trim() }).toEqual({ status: 403, body: 'address not in allowed_browser_ips' });
      expect(g.logs).toContainEqual(expect.objectContaining(browserRefusal('refused: ip not allowed')));
      await g.healthy.stillFlows(); // checked at the upgrade only: a connection already up is not cut
    });
  });

  test('an Asterisk from 127.0.0.1 outside allowed_asterisk_ips (10.0.0.0/8): 403', async () => {
    await g.withConfig({ allowed_asterisk_ips: ['10.0.0.0/8'] }, async () => {
      const res = await asterisk({ protocols: [MEDIA_SUBPROTOCOL] });
      expect({ status: res.status, body: res.body.trim() }).toEqual({ status: 403, body: 'address not in allowed_asterisk_ips' });
      expect(g.logs).toContainEqual(expect.objectContaining(asteriskRefusal('ip_not_allowed')));
      await g.healthy.stillFlows();
    });
  });

  test('20 Asterisk upgrades that never finish their headers get 408 and are dropped after the headers timeout (200 ms)', async () => {
    const answers = await slowloris(g.t.gw.asteriskUrl, 20, 5_000);
    for (const { answer } of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    await g.healthy.stillFlows();
  });

  test('20 browser upgrades that never finish their headers get 408 and are dropped after 5 s', async () => {
    const answers = await slowloris(g.t.gw.browserUrl, 20, 9_000);
    for (const { answer, afterMs } of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(afterMs).toBeGreaterThanOrEqual(4_900); // held until the bound, not refused at once
    }
    await g.healthy.stillFlows();
  });
});

describe('IPv6 loopback', () => {
  const g = healthyGateway({ browser_addr: '[::1]:0' });

  test('a browser from ::1 outside allowed_browser_ips (127.0.0.1): 403 with ip ::1', async () => {
    expect(g.t.gw.browserUrl).toMatch(/^ws:\/\/\[::1\]:\d+$/);
    await g.withConfig({ allowed_browser_ips: ['127.0.0.1'] }, async () => {
      const res = await handshake(g.t.gw.browserUrl, { path: PHONE_PATH, origin: TEST_ORIGIN, protocols: [SUBPROTOCOL] });
      expect({ status: res.status, body: res.body.trim() }).toEqual({ status: 403, body: 'address not in allowed_browser_ips' });
      expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'refused: ip not allowed', ip: '::1' }));
      await g.healthy.stillFlows();
    });
  });
});

describe('IPv4-mapped IPv6 (a listener on ::ffff:127.0.0.1 sees its IPv4 peers as ::ffff:127.0.0.1)', () => {
  // Loopback, though the config check knows only 127.x and ::1 as such: plain ws:// is allowed explicitly.
  const g = healthyGateway({ browser_addr: '[::ffff:127.0.0.1]:0', allow_insecure_browser: true });
  const upgrade = () => handshake(g.t.gw.browserUrl, { path: PHONE_PATH, origin: TEST_ORIGIN, protocols: [SUBPROTOCOL] });

  test('a mapped peer outside allowed_browser_ips (10.0.0.0/8): 403 with ip ::ffff:127.0.0.1', async () => {
    await g.withConfig({ allowed_browser_ips: ['10.0.0.0/8', '::ffff:10.0.0.0/104'] }, async () => {
      const res = await upgrade();
      expect({ status: res.status, body: res.body.trim() }).toEqual({ status: 403, body: 'address not in allowed_browser_ips' });
      expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'refused: ip not allowed', ip: '::ffff:127.0.0.1' }));
      await g.healthy.stillFlows();
    });
  });

  test('the same peer is admitted by 127.0.0.1 (matched as IPv4), so the refusal above was the ACL', async () => {
    await g.withConfig({ allowed_browser_ips: ['127.0.0.1'] }, async () => {
      expect((await upgrade()).status).toBe(101);
      await g.healthy.stillFlows();
    });
  });
});
