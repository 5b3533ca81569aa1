import { goertzelAmplitude } from '@gag/e2e/tones';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AUTOPLAY_WAIT_MS, RING_PATTERNS, RING_RAMP_MS, renderRingCycle, resumeWithin, type ResumableContext, type RingKind } from '../src/audio/ringer.js';
import { Call } from '../src/call.js';
import type { CallTransport } from '../src/call-events.js';
import { IncomingRing, type RingerLike } from '../src/incoming-ring.js';

/** 48 kHz: the analysis windows below hold whole periods of 384, 400, 416 and 16 Hz, so Goertzel sees no leakage. */
const RATE_HZ = 48_000;
/** Six periods of the 16 Hz warble. */
const WINDOW_MS = 375;
const at = (ms: number): number => Math.round((ms * RATE_HZ) / 1000);
const window = (cycle: Float32Array, fromMs: number, toMs: number): Float32Array => cycle.subarray(at(fromMs), at(toMs));
const peak = (samples: Float32Array): number => samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);

describe('the generated ring sounds', () => {
  test('the ringtone is 400 Hz warbling at 16 Hz in two 0.4 s bursts 0.2 s apart, every 3 s', () => {
    const cycle = renderRingCycle(RING_PATTERNS.ringtone, RATE_HZ);
    expect(cycle.length).toBe(3 * RATE_HZ);
    const { amplitude } = RING_PATTERNS.ringtone;
    for (const fromMs of [0, 600]) {
      const burst = window(cycle, fromMs + 12.5, fromMs + 12.5 + WINDOW_MS); // clear of the ramps
      // Full-depth AM: the carrier at half the peak amplitude, side tones at 400 ± 16 Hz at a quarter.
      expect(goertzelAmplitude(burst, 400, RATE_HZ)).toBeCloseTo(amplitude / 2, 2);
      expect(goertzelAmplitude(burst, 384, RATE_HZ)).toBeCloseTo(amplitude / 4, 2);
      expect(goertzelAmplitude(burst, 416, RATE_HZ)).toBeCloseTo(amplitude / 4, 2);
      expect(goertzelAmplitude(burst, 1_000, RATE_HZ)).toBeLessThan(0.01);
      expect(peak(burst)).toBeCloseTo(amplitude, 2);
    }
    for (const [fromMs, toMs] of [[400, 600], [1_000, 3_000]] as const) expect(peak(window(cycle, fromMs, toMs))).toBe(0);
  });

  test('the ringback is NTT\'s: 400 Hz warbling at 16 Hz, 1 s on, 2 s off', () => {
    const cycle = renderRingCycle(RING_PATTERNS.ringback, RATE_HZ);
    expect(cycle.length).toBe(3 * RATE_HZ);
    const on = window(cycle, 500, 500 + WINDOW_MS);
    expect(goertzelAmplitude(on, 400, RATE_HZ)).toBeCloseTo(RING_PATTERNS.ringback.amplitude / 2, 2);
    expect(peak(window(cycle, 1_000, 3_000))).toBe(0);
  });

  test('bursts ramp in and out over 5 ms, so they do not click', () => {
    const cycle = renderRingCycle(RING_PATTERNS.ringback, RATE_HZ);
    expect(cycle[0]).toBe(0);
    let maxStep = 0;
    for (let i = 1; i < cycle.length; i++) maxStep = Math.max(maxStep, Math.abs((cycle[i] ?? 0) - (cycle[i - 1] ?? 0)));
    // A 400 Hz sine at 0.25 moves at most 2π·400/48000·0.25 ≈ 0.013 per sample: no jump beyond the tone's own slope.
    expect(maxStep).toBeLessThan(0.015);
    // Half-way through the ramp the envelope is at most half open.
    expect(peak(window(cycle, 0, RING_RAMP_MS / 2))).toBeLessThanOrEqual(RING_PATTERNS.ringback.amplitude / 2);
    expect(peak(window(cycle, 1_000 - RING_RAMP_MS / 2, 1_000))).toBeLessThanOrEqual(RING_PATTERNS.ringback.amplitude / 2);
  });
});

/** A context the browser keeps suspended, or lets run, as its autoplay policy decides. */
function fakeContext(behaviour: 'never-settles' | 'runs' | 'resolves-but-suspended' | 'rejects'): ResumableContext {
  const context = {
    state: 'suspended',
    resume: () => {
      switch (behaviour) {
        case 'never-settles':
          return new Promise<void>(() => undefined);
        case 'runs':
          context.state = 'running';
          return Promise.resolve();
        case 'resolves-but-suspended':
          return Promise.resolve();
        case 'rejects':
          return Promise.reject(new DOMException('not allowed', 'NotAllowedError'));
      }
    },
  };
  return context;
}

describe('the autoplay decision', () => {
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  test(`a context whose resume() never settles is blocked after ${AUTOPLAY_WAIT_MS} ms, not before`, async () => {
    vi.useFakeTimers();
    let decided: boolean | undefined;
    void resumeWithin(fakeContext('never-settles'), AUTOPLAY_WAIT_MS).then((running) => (decided = running));
    await vi.advanceTimersByTimeAsync(AUTOPLAY_WAIT_MS - 1);
    expect(decided).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(decided).toBe(false);
  });

  test('a context that starts running plays at once; one that stays suspended or refuses is blocked', async () => {
    vi.useFakeTimers();
    expect(await resumeWithin(fakeContext('runs'), AUTOPLAY_WAIT_MS)).toBe(true);
    expect(await resumeWithin(fakeContext('resolves-but-suspended'), AUTOPLAY_WAIT_MS)).toBe(false);
    expect(await resumeWithin(fakeContext('rejects'), AUTOPLAY_WAIT_MS)).toBe(false);
    expect(await resumeWithin({ state: 'running', resume: () => new Promise(() => undefined) }, AUTOPLAY_WAIT_MS)).toBe(true);
  });
});

/** A ringer at the audio-device boundary: records what it was told and answers `result`. */
class FakeRinger implements RingerLike {
  readonly log: string[] = [];
  constructor(private readonly result: 'playing' | 'blocked' | 'throws') {}
  start(kind: RingKind): Promise<'playing' | 'blocked'> {
    this.log.push(`start ${kind}`);
    if (this.result === 'throws') throw new ReferenceError('AudioContext is not defined');
    return Promise.resolve(this.result);
  }
  stop(): void {
    this.log.push('stop');
  }
}

const transport: CallTransport = { sendControl: () => undefined, sendDtmf: () => false, sendAudio: () => true, packetMs: () => 20, forget: () => undefined, measureRtt: async () => null };
const incoming = (callId: string): Call =>
  new Call({ type: 'incoming', callId, extension: '2001', callerNumber: '0312345678', callerName: null, group: null }, transport);

describe('ringing for incoming calls', () => {
  test('rings from the first ringing call until the last one stops ringing', async () => {
    const ringer = new FakeRinger('playing');
    const ring = new IncomingRing(ringer, () => expect.unreachable('not blocked'), (err) => expect.unreachable(String(err)));
    const first = incoming('c1');
    const second = incoming('c2');
    ring.add(first);
    ring.add(second);
    ring.add(second);
    expect(ringer.log).toEqual(['start ringtone']);
    first.end('answered_elsewhere');
    expect(ringer.log).toEqual(['start ringtone']);
    second.answered(); // answered here
    expect(ringer.log).toEqual(['start ringtone', 'stop']);
    expect(ring.size).toBe(0);
    ring.add(first); // over: no ring
    expect(ringer.log).toHaveLength(2);
  });

  test('a ring the browser blocked asks for a click once, while calls still ring', async () => {
    const ringer = new FakeRinger('blocked');
    const blocked = vi.fn();
    const ring = new IncomingRing(ringer, blocked, (err) => expect.unreachable(String(err)));
    ring.add(incoming('c1'));
    ring.add(incoming('c2'));
    await vi.waitFor(() => expect(blocked).toHaveBeenCalledTimes(1));

    const quick = incoming('c3');
    const ring2 = new IncomingRing(new FakeRinger('blocked'), blocked, (err) => expect.unreachable(String(err)));
    ring2.add(quick);
    quick.end('caller_hangup'); // gone before the decision came
    await Promise.resolve();
    await Promise.resolve();
    expect(blocked).toHaveBeenCalledTimes(1);
  });

  test('without Web Audio the call still rings on screen and the failure is reported', () => {
    const errors: unknown[] = [];
    const ring = new IncomingRing(new FakeRinger('throws'), () => undefined, (err) => errors.push(err));
    const call = incoming('c1');
    ring.add(call);
    expect(call.state).toBe('ringing');
    expect(errors).toEqual([expect.any(ReferenceError)]);
  });
});
