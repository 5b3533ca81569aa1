/**
 * Issue 15, item 1, end to end: the gateway runs in a child process under `ulimit -n 256`, as a
 * probe found it: 260 sockets that upgrade to /phone and never say hello. Before the limits they
 * took every file descriptor, Asterisk's next call failed ("socket hang up") and a logged-in phone
 * never rang. Now the connections past `max_pending_connections` are refused with 503 and both work.
 */
import type { Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { FakeAsterisk } from '@gag/e2e';
import { mintToken } from '@gag/gateway';
import { PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { TEST_SECRET } from '@gag/testkit/gateway';
import { startGatewayChild, type GatewayChild } from '@gag/testkit/gateway-process';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { rawUpgrade } from './raw-peer.js';

const FD_LIMIT = 256;
const SILENT_PEERS = 260;

let child: GatewayChild | undefined;
const raws: Socket[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.destroy();
  await child?.stop('SIGTERM');
  child = undefined;
});

/** `promise`, or a rejection naming `what` after `ms`: every wait of this test is bounded and says what it waited for. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The gateway in a child process under `ulimit -n FD_LIMIT` (listening within 10 s); its URLs and every line it logs. */
async function gatewayUnderFdLimit(overrides: Record<string, unknown>): Promise<GatewayChild> {
  child = await startGatewayChild({ config: { allowed_origins: [TEST_ORIGIN], jwt_secret: TEST_SECRET, ...overrides }, shell: `ulimit -n ${FD_LIMIT} &&` });
  return child;
}

test(`under ulimit -n ${FD_LIMIT}, ${SILENT_PEERS} sockets that never say hello leave a real call and a logged-in phone working`, async () => {
  const gw = await gatewayUnderFdLimit({ max_pending_connections: 150, max_pending_per_ip: SILENT_PEERS });
  const phone = await TestPhone.login(gw.browserUrl, await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60 }));
  const answers = await Promise.all(
    Array.from({ length: SILENT_PEERS }, () =>
      within(5_000, 'answer', rawUpgrade(gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL })).then(
        (raw) => (raws.push(raw), '101'),
        (e: Error) => e.message,
      ),
    ),
  );
  const count = (answer: string): number => answers.filter((a) => a === answer).length;
  // Exactly the limit is admitted; every other socket is refused: with 503 while the process has a
  // descriptor to say so, or — 260 connections arriving at once under 256 descriptors — left in the
  // kernel's accept queue unanswered. None gets past the limit, and none crashes the gateway.
  expect(count('101'), answers.find((a) => a !== '101' && a !== 'upgrade answered 503' && !a.startsWith('no answer'))).toBe(150);
  expect(answers.every((a) => a === '101' || a === 'upgrade answered 503' || a === 'no answer within 5000 ms')).toBe(true);
  expect(count('upgrade answered 503')).toBeGreaterThan(0);

  const asterisk = new FakeAsterisk({ url: gw.asteriskUrl });
  try {
    const call = await within(5_000, 'call from Asterisk', asterisk.call('ws-ext-2001'));
    const incoming = await phone.next('incoming', 5_000);
    phone.send({ type: 'answer', callId: incoming.callId });
    await within(5_000, 'answer at Asterisk', call.answered);
    call.hangup();
    await phone.next('ended', 5_000);
  } finally {
    await asterisk.close();
    phone.close();
  }
  // One sampled warn line for all the refusals, not a line each.
  expect(gw.lines.filter((l) => l.includes('connections refused: limit'))).toHaveLength(1);
}, 30_000);
