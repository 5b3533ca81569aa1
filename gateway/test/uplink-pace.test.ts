/**
 * Long calls stay in sync on the uplink (issue 22): an hour of a call, fast-forwarded, with the
 * fake Asterisk's channel clock 0.1 % off the browser's. Asterisk's playout queue of the browser's
 * audio (what GET_STATUS reports) stays within a few frames of where it started, MEDIA_XOFF never
 * comes, and every frame taken out or repeated was a quiet one: each tone burst arrives whole.
 *
 * The clocks are faked (timers and `performance`), the sockets real: each simulated second the
 * browser sends its 50 frames, they reach the fake Asterisk, and then the fake's channel clock
 * plays a second of its own (50 × (1 + skew) slots); the gateway asks for the queue once a second.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { FakeCall } from '@gag/e2e';
import { FRAME_BYTES, FRAME_SAMPLES, WIRE_RATE_HZ } from '@gag/sdk/protocol';
import { gatewayPerTest } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { energyDbfs, frameEnergy } from '../src/calls/frame-level.js';
import { LegacyTestPhone } from './legacy-phone.js';

const t = gatewayPerTest({ log_level: 'info' });
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  vi.useRealTimers();
  for (const phone of opened.splice(0)) phone.close();
});

/** The talker: a 440 Hz burst of 800 ms at −12 dBFS, then 200 ms of room noise at about −50 dBFS. */
const BURST_FRAMES = 40;
const PAUSE_FRAMES = 10;
const talker: Buffer[] = (() => {
  const frames: Buffer[] = [];
  let seed = 1;
  for (let f = 0; f < BURST_FRAMES + PAUSE_FRAMES; f++) {
    const frame = Buffer.alloc(FRAME_BYTES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const n = f * FRAME_SAMPLES + i;
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      const sample = f < BURST_FRAMES ? 0.25 * Math.sin((2 * Math.PI * 440 * n) / WIRE_RATE_HZ) * 32_767 : ((seed / 0x7fffffff) * 2 - 1) * 180;
      frame.writeInt16LE(Math.round(sample), 2 * i);
    }
    frames.push(frame);
  }
  return frames;
})();

/** Lengths of the runs of loud (tone) and quiet frames the fake Asterisk accepted, in order. */
function runs(call: FakeCall): { loud: number[]; quiet: number[] } {
  const loud: number[] = [];
  const quiet: number[] = [];
  let current: 'loud' | 'quiet' | undefined;
  let length = 0;
  const flush = (): void => void (current === 'loud' ? loud : quiet).push(length);
  call.on('audio', (frame) => {
    const kind = energyDbfs(frameEnergy('slin16', frame, 0, FRAME_SAMPLES)) > -30 ? 'loud' : 'quiet';
    if (kind === current) return void length++;
    if (current !== undefined) flush();
    current = kind;
    length = 1;
  });
  return { loud, quiet };
}

/** Resolves once the fake call has accepted `count` frames in all. */
function accepted(call: FakeCall, count: () => number): Promise<void> {
  if (call.received.frames >= count()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (call.received.frames < count()) return;
      call.off('audio', check);
      resolve();
    };
    call.on('audio', check);
  });
}

interface Browser {
  sendFrame(frame: Buffer): void;
  /** Resolves once the gateway has handled everything sent before. */
  flushed(): Promise<void>;
}

async function gagV1Browser(token: string): Promise<Browser & { answer(): Promise<void> }> {
  const phone = await TestPhone.login(t.gw.browserUrl, token);
  opened.push(phone);
  let pingId = 0;
  return {
    sendFrame: (frame) => phone.ws.send(frame),
    async flushed() {
      phone.send({ type: 'ping', id: ++pingId });
      await phone.next('pong');
    },
    async answer() {
      const { callId } = await phone.next('incoming');
      phone.send({ type: 'answer', callId });
    },
  };
}

async function legacyBrowser(token: string): Promise<Browser & { answer(): Promise<void> }> {
  const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token });
  opened.push({ close: () => phone.ws.terminate() });
  return {
    sendFrame: (frame) => phone.ws.send(frame),
    // The legacy words have no ping: a WebSocket ping's pong comes after the frames sent before it.
    async flushed() {
      phone.ws.ping();
      await once(phone.ws, 'pong');
    },
    async answer() {
      await phone.next('RINGING');
      phone.ws.send('ANSWER');
    },
  };
}

/**
 * One simulated hour (or `seconds`) of a talking call with the fake Asterisk's clock `clockSkew`
 * off the browser's; returns the queue Asterisk held after each minute, and what happened to the audio.
 */
async function longCall(kind: 'gag.v1' | 'legacy', clockSkew: number, seconds: number) {
  const token = await t.token('2001', seconds + 600);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  const browser = kind === 'gag.v1' ? await gagV1Browser(token) : await legacyBrowser(token);
  const call = await t.asterisk.call('ws-ext-2001', { clockSkew });
  await browser.answer();
  await call.answered;
  const [gwCall] = t.gw.router.calls;
  const flow: string[] = [];
  call.on('flow', (event) => flow.push(event));
  const heard = runs(call);
  const perMinute: number[] = [];
  let sent = 0;
  for (let second = 1; second <= seconds; second++) {
    for (let i = 0; i < talker.length; i++, sent++) browser.sendFrame(talker[i]!);
    await browser.flushed();
    await accepted(call, () => gwCall!.legStats.framesOut);
    vi.advanceTimersByTime(1_000);
    if (second % 60 === 0) perMinute.push(call.queue.lengthFrames);
  }
  return { call, gwCall: gwCall!, perMinute, flow, heard, sent };
}

describe('uplink pacing over a long call', () => {
  test.each([
    { kind: 'gag.v1', clockSkew: -0.001, relation: 'runs 0.1 % ahead of', seconds: 3_600, span: 'an hour' },
    { kind: 'gag.v1', clockSkew: 0.001, relation: 'runs 0.1 % behind', seconds: 3_600, span: 'an hour' },
    { kind: 'legacy', clockSkew: -0.002, relation: 'runs 0.2 % ahead of', seconds: 900, span: '15 minutes' },
    { kind: 'legacy', clockSkew: 0.002, relation: 'runs 0.2 % behind', seconds: 900, span: '15 minutes' },
  ] as const)("a $kind browser whose clock $relation Asterisk's keeps the queue flat for $span, with no MEDIA_XOFF and every tone burst whole", async ({ kind, clockSkew, seconds }) => {
    const { call, gwCall, perMinute, flow, heard, sent } = await longCall(kind, clockSkew, seconds);
    console.log(`uplink ${kind} clockSkew ${clockSkew}: queue per minute ${perMinute.join(' ')}; paced ${JSON.stringify(gwCall.uplinkPace)}`);
    const start = perMinute[0]!;
    for (const q of perMinute) expect(Math.abs(q - start)).toBeLessThanOrEqual(5);
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(6);
    expect(flow).toEqual([]);
    expect(gwCall.legStats.framesDroppedXoff).toBe(0);
    // Without pacing the queue would have moved by sent × skew frames (180 or 360 in an hour).
    const moved = gwCall.uplinkPace!.framesTakenOut - gwCall.uplinkPace!.framesAdded;
    expect(Math.abs(moved + sent * clockSkew)).toBeLessThanOrEqual(8);
    // A steady skew is corrected one way only: no frame taken out that a later correction must put back.
    expect(Math.min(gwCall.uplinkPace!.framesTakenOut, gwCall.uplinkPace!.framesAdded)).toBe(0);
    // Only quiet frames were taken out or repeated: every burst arrived whole.
    const bursts = heard.loud.slice(1, -1);
    expect(bursts.length).toBeGreaterThan(seconds - 5);
    expect(new Set(bursts)).toEqual(new Set([BURST_FRAMES]));
    await call.hangup();
  }, 120_000);
});
