import type { Socket } from 'node:net';
import { expect, test } from 'vitest';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';

const t = gatewayPerTestOnDemand();

test('a half-open browser (no pong) is dropped within two heartbeats and its call is hung up', async () => {
  const heartbeatIntervalMs = 200;
  await t.start({}, { heartbeatIntervalMs });
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  // Stop reading: the peer's kernel still holds the connection, but no pong ever comes back.
  const socket = (phone.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  const started = Date.now();
  expect(await call.ended).toMatchObject({ by: 'app-hangup' });
  expect(Date.now() - started).toBeLessThan(heartbeatIntervalMs * 3 + 1_000);
  expect(t.logs.some((l) => l.msg === 'heartbeat lost')).toBe(true);
  expect(t.gw.registry.sessionsFor('2001')).toHaveLength(0);
});

test('a browser that answers pings stays online across many heartbeats', async () => {
  await t.start({}, { heartbeatIntervalMs: 50 });
  const phone = await t.phone('2001');
  let pings = 0;
  phone.ws.on('ping', () => pings++);
  await expect.poll(() => pings, { timeout: 3_000 }).toBeGreaterThanOrEqual(5);
  expect(t.gw.registry.sessionsFor('2001')).toHaveLength(1);
  expect(phone.ws.readyState).toBe(phone.ws.OPEN);
});
