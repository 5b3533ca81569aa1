/**
 * Faults, with a healthy call alongside where the gateway survives them: a browser killed mid-call
 * (FIN or RST), an Asterisk connection dropped, a half-open browser (no FIN; found by the
 * heartbeat, shortened here), a gateway restart (the SDK's GagClient comes back by itself), and
 * repeated fault rounds that must leave nothing behind: no call, no session, no listener, no
 * timer, and every call and session object of the rounds collected by the garbage collector.
 */
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { GagClient, type Call as SdkCall } from '@gag/sdk';
import { tone } from '@gag/e2e';
import { startTestGateway, type TestGateway } from '@gag/testkit/gateway';
import { TEST_ORIGIN, type TestPhone } from '@gag/testkit/phone';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { healthyGateway, tcpOf } from './healthy-call.js';

/** The bounds for noticing a fault. */
const HANGUP_WITHIN_MS = 1_000;
const ENDED_WITHIN_MS = 1_000;
const BACK_ONLINE_WITHIN_MS = 5_000;

/**
 * `ws` as a browser's WebSocket behaves for GagClient: it sends the page's Origin, and a failed
 * connection fires `error` then `close` without throwing (ws throws an unheard 'error').
 */
class BrowserWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { origin: TEST_ORIGIN });
    this.on('error', () => undefined);
  }
}

/** Ms from now until `promise` settles. */
async function msUntil(promise: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await promise;
  return performance.now() - start;
}

describe('with a healthy call alongside', () => {
  const g = healthyGateway();

  test.each([
    ['FIN (the browser process exits)', (s: Socket) => s.destroy()],
    ['RST (the connection is reset)', (s: Socket) => s.resetAndDestroy()],
  ])('a browser killed mid-call, %s: Asterisk gets HANGUP within 1 s', async (_how, kill) => {
    const { phone, call } = await g.talking();
    const hangup = new Promise<void>((resolve) => call.on('command', (name) => name === 'HANGUP' && resolve()));
    kill(tcpOf(phone.ws));
    expect(await msUntil(hangup)).toBeLessThanOrEqual(HANGUP_WITHIN_MS);
    expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'call ended', reason: 'connection_lost' }));
    await g.healthy.stillFlows();
  });

  test.each([
    ['FIN', (s: Socket) => s.destroy()],
    ['RST', (s: Socket) => s.resetAndDestroy()],
  ])('an Asterisk connection dropped mid-call (%s): the browser gets ended within 1 s', async (_how, drop) => {
    const { phone, rogue, callId } = await g.talkingWithRogue();
    const ended = phone.next('ended', 2_000);
    drop(tcpOf(rogue.ws));
    expect(await msUntil(ended)).toBeLessThanOrEqual(ENDED_WITHIN_MS);
    expect(await ended).toEqual({ type: 'ended', callId, reason: 'remote_hangup' });
    expect(phone.ws.readyState).toBe(phone.ws.OPEN); // the phone stays online for the next call
    await g.healthy.stillFlows();
  });
});

describe('a half-open browser, with a 500 ms heartbeat', () => {
  const HEARTBEAT_MS = 500;
  const g = healthyGateway({}, { heartbeatIntervalMs: HEARTBEAT_MS });

  test('a browser that stops answering (no FIN, no pong) is dropped within two beats and its call hung up', async () => {
    const phone = await g.phone('2002');
    const call = await g.t.asterisk.call('ws-ext-2002');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    tcpOf(phone.ws).pause(); // the peer's kernel keeps the connection; nothing is read, no pong comes back
    const ms = await msUntil(call.ended);
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    // A missed pong is seen at the next beat: at most two intervals after the last pong.
    expect(ms).toBeLessThanOrEqual(2 * HEARTBEAT_MS + 1_000);
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'heartbeat lost', exten: '2002' }));
    expect(g.t.gw.registry.sessionsFor('2002')).toEqual([]);
    await g.healthy.stillFlows(); // the healthy phone answered every ping meanwhile
  });
});

describe('a gateway restart', () => {
  let t: TestGateway | undefined;
  let client: GagClient | undefined;
  afterEach(async () => {
    client?.disconnect();
    await t?.stop();
    vi.unstubAllGlobals();
  });

  test('the SDK client (GagClient) is back online within 5 s of a stop, after a retry refused while down, and rings again', async () => {
    browserGlobals(); // a window and a navigator, as GagClient finds them in a browser
    vi.stubGlobal('WebSocket', BrowserWebSocket);
    t = await startTestGateway();
    const { port: browserPort } = new URL(t.gw.browserUrl);
    const { port: asteriskPort } = new URL(t.gw.asteriskUrl);
    const token = (): Promise<string> => t!.token('2002');
    client = new GagClient({ url: t.gw.browserUrl, getToken: token, ringtone: false });
    await client.connect();
    expect(client.state).toBe('online');

    const back = new Promise<void>((resolve) => client!.once('connected', () => resolve()));
    let attempt = 0;
    client.on('reconnecting', (info) => (attempt = info.attempt));
    const stoppedAt = performance.now();
    await t.stop(); // every browser gets 1001 (going away): the SDK retries, and finds nobody for a while
    // Away (a process restart) until the SDK's first retry met a refused connection: it schedules a second.
    await expect.poll(() => attempt, { timeout: BACK_ONLINE_WITHIN_MS }).toBeGreaterThanOrEqual(2);
    t = await startTestGateway({ browser_addr: `127.0.0.1:${browserPort}`, asterisk_addr: `127.0.0.1:${asteriskPort}` });
    await back;
    expect(performance.now() - stoppedAt).toBeLessThanOrEqual(BACK_ONLINE_WITHIN_MS);
    expect(client.state).toBe('online');
    await expect.poll(() => t!.gw.registry.sessionsFor('2002').length).toBe(1);

    // It is a working phone again: a call rings it, and its reject reaches Asterisk.
    const incoming = new Promise<SdkCall>((resolve) => client!.once('incoming', resolve));
    const call = await t.asterisk.call('ws-ext-2002');
    (await incoming).reject();
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
    expect(call.commands).toEqual(['HANGUP']);
  });
});

describe('repeated fault rounds', () => {
  test('24 calls ended by faults leave no call, session, listener or timer, and their objects are collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets stay alive until the job ends
        gc();
      }
    };
    const t = await startTestGateway();
    try {
      const faults = [
        (phone: TestPhone) => tcpOf(phone.ws).destroy(), // browser killed
        (phone: TestPhone) => tcpOf(phone.ws).resetAndDestroy(), // browser reset
        (_phone: TestPhone, call: { hangup(): Promise<unknown> }) => void call.hangup(), // caller hangs up
        (phone: TestPhone, _call: unknown, callId: string) => phone.send({ type: 'hangup', callId }), // browser hangs up
      ];
      const refs: Array<WeakRef<object>> = [];
      const round = async (i: number): Promise<void> => {
        const phone = await t.phone('2002');
        const call = await t.asterisk.call('ws-ext-2002');
        call.play(tone(440));
        const { callId } = await phone.next('incoming');
        phone.send({ type: 'answer', callId });
        await call.answered;
        phone.ws.send(Buffer.alloc(FRAME_BYTES));
        await expect.poll(() => phone.audio.length > 0 && call.received.frames > 0).toBe(true);
        refs.push(new WeakRef(t.gw.router.calls.find((c) => c.id === callId)!), new WeakRef(t.gw.registry.sessionsFor('2002')[0]!));
        faults[i % faults.length]!(phone, call, callId);
        await call.ended;
        phone.close();
        await expect.poll(() => t.gw.registry.all().length + t.gw.router.calls.length).toBe(0);
      };
      for (let i = 0; i < 6; i++) await round(i); // warm-up: lazily created things exist from here on
      await collect();
      const before = { heap: process.memoryUsage().heapUsed, resources: process.getActiveResourcesInfo().length, listeners: t.gw.activity.listenerCount('call') + t.gw.activity.listenerCount('presence') };
      refs.length = 0;
      for (let i = 0; i < 24; i++) await round(i);
      await collect();
      const after = { heap: process.memoryUsage().heapUsed, resources: process.getActiveResourcesInfo().length, listeners: t.gw.activity.listenerCount('call') + t.gw.activity.listenerCount('presence') };
      expect(t.gw.router.calls).toEqual([]);
      expect(t.gw.registry.all()).toEqual([]);
      expect(after.listeners).toBe(before.listeners);
      // Timers and sockets of the rounds are gone (2 spare for the test runner's own).
      expect(after.resources).toBeLessThanOrEqual(before.resources + 2);
      expect(refs.filter((r) => r.deref() !== undefined)).toEqual([]); // every Call and BrowserSession was collected
      // The heap decides nothing alone (the test keeps every log line), but a big leak per call would show.
      expect(after.heap - before.heap).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await t.stop();
    }
  });
});
