/**
 * Issue 15, item 1: a socket the gateway closes lets go of its TCP connection (and its file
 * descriptor) within about a second on every listener, even when the peer never answers the
 * close frame; ws alone would hold it for its 30 s `closeTimeout`.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { expect, test } from 'vitest';
import { PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { MAX_LEGACY_TEXT_BYTES } from '../src/browser/legacy.js';
import { MONITOR_PATH, MONITOR_SUBPROTOCOL } from '../src/http/monitor.js';
import { clientFrame, rawUpgrade } from './raw-peer.js';

const t = gatewayPerTestOnDemand();

/** A TEXT frame that is not UTF-8: ws itself closes with 1007 (and ends the connection). */
const notUtf8 = clientFrame(1, Buffer.from([0xc3, 0x28]));

/**
 * Milliseconds from now until the gateway ends the TCP connection of `raw` (its FIN), which
 * never answers a close frame; rejects after `boundMs`.
 */
async function msUntilReleased(raw: Socket, boundMs: number): Promise<number> {
  const start = performance.now();
  raw.resume(); // read (and ignore) the close frame; never answer it
  await once(raw, 'end', { signal: AbortSignal.timeout(boundMs) });
  raw.destroy();
  return performance.now() - start;
}

test('a /phone peer closed for a bad message that never answers the close frame is cut within about 1 s', async () => {
  await t.start();
  const raw = await rawUpgrade(t.gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL });
  raw.write(clientFrame(1, Buffer.from('not json')));
  expect(await msUntilReleased(raw, 3_000)).toBeLessThan(2_500);
});

test('a /phone peer that never sends hello is closed (4002) and cut about 1 s later', async () => {
  await t.start();
  const raw = await rawUpgrade(t.gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL });
  const frames: Buffer[] = [];
  raw.on('data', (chunk: Buffer) => frames.push(chunk));
  // HELLO_TIMEOUT_MS (5 s) and the grace; without the fix the socket stays for 30 s more.
  await expect(msUntilReleased(raw, 8_500)).resolves.toBeLessThan(8_000);
  const close = Buffer.concat(frames);
  expect(close[0]).toBe(0x88); // a close frame…
  expect(close.readUInt16BE(2)).toBe(4002); // …with HELLO_TIMEOUT
}, 10_000);

test('a legacy webphone closed for a too-long message (1009) that never answers is cut within about 1 s', async () => {
  await t.start();
  const raw = await rawUpgrade(t.gw.browserUrl, `${PHONE_PATH}?token=${await t.token('2001')}`, { Origin: TEST_ORIGIN });
  await expect.poll(() => t.gw.registry.phonesFor('2001').length).toBe(1);
  const text = Buffer.alloc(MAX_LEGACY_TEXT_BYTES + 1, 'A'.charCodeAt(0));
  // FIN + TEXT, masked with a zero key, 16-bit length: one message over the legacy limit.
  raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | 126, text.length >> 8, text.length & 0xff, 0, 0, 0, 0]), text]));
  expect(await msUntilReleased(raw, 3_000)).toBeLessThan(2_500);
  await expect.poll(() => t.gw.registry.phonesFor('2001').length).toBe(0);
});

// ws ends the TCP connection itself after its own protocol errors (1002, 1007, 1009); the
// monitor's own close (a dashboard 1 MiB behind) goes through the same socket class as /phone.
test('a /monitor dashboard closed by ws (1007) that never answers is cut within about 1 s', async () => {
  await t.start();
  const raw = await rawUpgrade(t.gw.browserUrl, MONITOR_PATH, { 'Sec-WebSocket-Protocol': MONITOR_SUBPROTOCOL });
  raw.write(notUtf8);
  expect(await msUntilReleased(raw, 3_000)).toBeLessThan(2_500);
});
