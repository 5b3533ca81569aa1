/**
 * The call every reliability test keeps up while it sends its bad input: a logged-in gag.v1
 * phone talking to the fake Asterisk on the same gateway, a 440 Hz tone flowing down (Asterisk →
 * browser, in real time) and 1 kHz tone frames sent up (browser → Asterisk) at each check.
 * `stillFlows()` proves both directions carry the right tone at the right level after the input.
 * {@link healthyGateway} shares one gateway and one such call across the tests of a file.
 */
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { FRAME_BYTES, FRAME_MS, WIRE_RATE_HZ } from '@gag/sdk/protocol';
import { tone, type FakeCall } from '@gag/e2e';
import { analyseTone, floatToS16le, s16leToFloat, sineFloat } from '@gag/e2e/tones';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import type { GatewayConfig, GatewayConfigInput } from '../../src/config/schema.js';
import { mediaStart, RogueAsterisk } from './rogue-asterisk.js';

/** The extension of the healthy call; bad inputs use others. */
export const HEALTHY_EXTENSION = '1000';
/** Asterisk plays this towards the browser. */
export const DOWN_HZ = 440;
/** The browser sends this towards Asterisk. */
export const UP_HZ = 1_000;
const AMPLITUDE = 0.5;
/** Frames each direction must carry per check: 120 ms, enough to tell the tone to 1 Hz (Goertzel, refined). */
const CHECK_FRAMES = 6;
/** A check waits at most this long for its frames (real time needs 120 ms). */
const CHECK_TIMEOUT_MS = 3_000;

/** The TCP socket under a `ws` client, to pause it (a peer that stops reading) or cut it (a crash). */
export const tcpOf = (ws: object): Socket => (ws as { _socket: Socket })._socket;

/** A call that is up, with its two ends. */
export interface HealthyCall {
  readonly phone: TestPhone;
  readonly call: FakeCall;
  readonly callId: string;
  /**
   * Assert that the call is still talking and that fresh audio flows both ways: the next
   * {@link CHECK_FRAMES} frames down are 440 Hz, and 1 kHz frames sent up now all reach Asterisk,
   * each within ±2 Hz and at amplitude 0.5 ± 0.05.
   */
  stillFlows(): Promise<void>;
}

/** Assert `samples` (at 16 kHz) hold one tone of `hz` at amplitude 0.5. */
function expectTone(samples: Float32Array, hz: number): void {
  const found = analyseTone(samples, WIRE_RATE_HZ);
  expect(Math.abs(found.hz - hz), `tone at ${found.hz} Hz, expected ${hz} Hz`).toBeLessThanOrEqual(2);
  expect(Math.abs(found.amplitude - AMPLITUDE), `amplitude ${found.amplitude}`).toBeLessThanOrEqual(0.05);
}

/**
 * Log `HEALTHY_EXTENSION` in on `t`, ring it from the fake Asterisk, answer, and check that audio
 * flows once before returning.
 * @example
 * const healthy = await startHealthyCall(t);
 * // … the bad input …
 * await healthy.stillFlows();
 */
export async function startHealthyCall(t: TestGateway): Promise<HealthyCall> {
  const phone = await t.phone(HEALTHY_EXTENSION);
  const call = await t.asterisk.call(`ws-ext-${HEALTHY_EXTENSION}`);
  call.play(tone(DOWN_HZ, { amplitude: AMPLITUDE }));
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  await phone.next('answered');
  const up = floatToS16le(sineFloat(UP_HZ, WIRE_RATE_HZ, CHECK_FRAMES * (FRAME_BYTES / 2), AMPLITUDE));

  const stillFlows = async (): Promise<void> => {
    expect(call.state).toBe('up');
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    expect(t.gw.router.calls.find((c) => c.id === callId)?.state).toBe('talking');
    // Down: only frames that arrive from now on count.
    const downFrom = phone.audio.length;
    // Up: a burst of whole frames; the fake takes each as Asterisk does.
    const upFrom = call.received.frames;
    for (let i = 0; i < CHECK_FRAMES; i++) phone.ws.send(up.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
    await vi.waitFor(() => expect(call.received.frames).toBeGreaterThanOrEqual(upFrom + CHECK_FRAMES), { timeout: CHECK_TIMEOUT_MS, interval: 5 });
    expectTone(call.received.samples({ fromMs: upFrom * FRAME_MS, toMs: (upFrom + CHECK_FRAMES) * FRAME_MS }), UP_HZ);
    await vi.waitFor(() => expect(phone.audio.length).toBeGreaterThanOrEqual(downFrom + CHECK_FRAMES), { timeout: CHECK_TIMEOUT_MS, interval: 5 });
    const down = phone.audio.slice(downFrom, downFrom + CHECK_FRAMES);
    expect(down.every((f) => f.length === FRAME_BYTES)).toBe(true);
    expectTone(s16leToFloat(Buffer.concat(down)), DOWN_HZ);
  };
  await stillFlows();
  return { phone, call, callId, stillFlows };
}

/** One gateway with a healthy call, shared by the tests of a file; see {@link healthyGateway}. */
export interface HealthyGateway {
  readonly t: TestGateway;
  readonly healthy: HealthyCall;
  /** Log lines written since the current test started. */
  readonly logs: TestGateway['logs'];
  /** A phone logged in for `extension`, closed when the test ends. */
  phone(extension: string): Promise<TestPhone>;
  /** A misbehaving Asterisk socket, cut when the test ends. */
  rogue(path?: string): Promise<RogueAsterisk>;
  /** A phone of `extension` (default 2002) talking with the fake Asterisk: rung, answered, `answered` heard. */
  talking(extension?: string): Promise<{ phone: TestPhone; call: FakeCall; callId: string }>;
  /** The same with a {@link RogueAsterisk} for the call: MEDIA_START sent, ANSWER received. */
  talkingWithRogue(extension?: string): Promise<{ phone: TestPhone; rogue: RogueAsterisk; callId: string }>;
  /** Run `body` with `change` reloaded into the config (as SIGHUP does), then put the config back. */
  withConfig(change: Partial<GatewayConfig>, body: () => Promise<void>): Promise<void>;
}

/**
 * Register hooks that start one gateway (with `overrides` and `options`) and a healthy call on it
 * before the file's tests, and stop it after them. After each test, its phones and rogue sockets
 * are closed and the gateway must be back to the healthy call alone: one call, one session.
 * @example
 * const g = healthyGateway();
 * test('…', async () => { const rogue = await g.rogue(); …; await g.healthy.stillFlows(); });
 */
export function healthyGateway(overrides: Partial<GatewayConfigInput> = {}, options: TestGatewayOptions = {}): HealthyGateway {
  let t: TestGateway | undefined;
  let healthy: HealthyCall | undefined;
  let mark = 0;
  const phones: TestPhone[] = [];
  const rogues: RogueAsterisk[] = [];
  beforeAll(async () => {
    t = await startTestGateway(overrides, options);
    healthy = await startHealthyCall(t);
  });
  beforeEach(() => {
    mark = t!.logs.length;
  });
  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    for (const r of rogues.splice(0)) r.close('terminate');
    await vi.waitFor(() => expect(t!.gw.router.calls.map((c) => c.id)).toEqual([healthy!.callId]), { timeout: 3_000, interval: 10 });
    await vi.waitFor(() => expect(t!.gw.registry.all().map((p) => p.extension)).toEqual([HEALTHY_EXTENSION]), { timeout: 3_000, interval: 10 });
  });
  afterAll(async () => {
    if (t === undefined) return;
    await t.stop();
    expect(t.gw.router.calls).toEqual([]);
  });
  return {
    get t() {
      return t!;
    },
    get healthy() {
      return healthy!;
    },
    get logs() {
      return t!.logs.slice(mark);
    },
    async phone(extension) {
      const phone = await t!.phone(extension);
      phones.push(phone);
      return phone;
    },
    async rogue(path) {
      const rogue = await RogueAsterisk.connect(t!.gw.asteriskUrl, path);
      rogues.push(rogue);
      return rogue;
    },
    async talking(extension = '2002') {
      const phone = await this.phone(extension);
      const call = await t!.asterisk.call(`ws-ext-${extension}`);
      const { callId } = await phone.next('incoming');
      phone.send({ type: 'answer', callId });
      await call.answered;
      await phone.next('answered');
      return { phone, call, callId };
    },
    async talkingWithRogue(extension = '2002') {
      const phone = await this.phone(extension);
      const rogue = await this.rogue();
      rogue.text(mediaStart(`ws-ext-${extension}`));
      const { callId } = await phone.next('incoming');
      phone.send({ type: 'answer', callId });
      await rogue.command('ANSWER');
      await phone.next('answered');
      return { phone, rogue, callId };
    },
    async withConfig(change, body) {
      const { gw } = t!;
      const before = gw.config;
      await gw.reload({ ...before, ...change }, gw.groups);
      try {
        await body();
      } finally {
        await gw.reload(before, gw.groups);
      }
    },
  };
}
