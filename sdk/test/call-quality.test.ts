import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { CallAudioStats } from '../src/audio/call-audio.js';
import { MIN_LEVEL_DBFS, QUALITY_INTERVAL_MS, levelDbfs, startQualityReports, type CallQuality, type QualitySources } from '../src/call-quality.js';

/** Worklet counters as CallAudio.stats() returns them; the capture side at 48 kHz. */
function stats(seconds: number, amplitude: number, extra: Partial<CallAudioStats['playback']> = {}): CallAudioStats {
  const inputSamples = seconds * 48_000;
  return {
    capture: { framesSent: seconds * 50, framesDropped: 1, dtmfDropped: 0, inputSamples, inputEnergy: inputSamples * (amplitude * amplitude) / 2 },
    playback: { depthMs: 42, targetMs: 40, underruns: 1, concealedFrames: 2, droppedFrames: 3, lateFrames: 4, framesReceived: seconds * 50, malformed: 0, ...extra },
  };
}

let reports: CallQuality[];
let pings: Array<{ resolve: (ms: number | null) => void; signal: AbortSignal }>;
let next: CallAudioStats[];

function sources(): QualitySources {
  return {
    stats: () => Promise.resolve(next.shift() ?? stats(0, 0)),
    sendCounts: () => ({ sent: 100, refused: 2 }),
    measureRtt: (_timeoutMs, signal) => new Promise((resolve) => pings.push({ resolve, signal })),
    report: (quality) => reports.push(quality),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  reports = [];
  pings = [];
  next = [];
});

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('quality reports of a talking call', () => {
  test(`come every ${QUALITY_INTERVAL_MS} ms with playout, level over the interval, frames and the last round trip`, async () => {
    const stop = startQualityReports(sources());
    expect(pings).toHaveLength(1); // the first ping goes out at once
    pings[0]?.resolve(23.5);
    next.push(stats(2, 0.5), stats(4, 0.05));
    await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS - 1);
    expect(reports).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([
      { depthMs: 42, targetMs: 40, underruns: 1, concealedFrames: 2, droppedFrames: 3, lateFrames: 4, framesReceived: 100, inputLevelDbfs: expect.closeTo(-9.03, 2), framesSent: 100, framesNotSent: 3, rttMs: 23.5 },
    ]);
    expect(Object.isFrozen(reports[0])).toBe(true);

    // The ping sent with that report got no answer before the next one: null, not the old value.
    next.push(stats(4, 0.5));
    await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS);
    expect(reports[1]?.rttMs).toBeNull();
    expect(pings).toHaveLength(3);
    stop();
    expect(pings[2]?.signal.aborted).toBe(true); // the ping in flight is abandoned with the call
  });

  test('the level is the interval\'s own: totals are differenced', async () => {
    const stop = startQualityReports(sources());
    const first = stats(2, 0.5);
    const quieter: CallAudioStats = {
      ...first,
      capture: { ...first.capture, inputSamples: first.capture.inputSamples * 2, inputEnergy: first.capture.inputEnergy + (first.capture.inputSamples * 0.05 * 0.05) / 2 },
    };
    next.push(first, quieter);
    await vi.advanceTimersByTimeAsync(2 * QUALITY_INTERVAL_MS);
    expect(reports.map((r) => Math.round(r.inputLevelDbfs * 10) / 10)).toEqual([-9, -29]);
    stop();
  });

  test('stopping clears the timer, abandons the ping, and drops a report still being gathered', async () => {
    let release: (value: CallAudioStats) => void = () => undefined;
    const slow: QualitySources = { ...sources(), stats: () => new Promise((resolve) => (release = resolve)) };
    const stop = startQualityReports(slow);
    await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS);
    stop(); // the call ended while the worklets were answering
    release(stats(2, 0.5));
    await vi.runAllTimersAsync();
    expect(reports).toEqual([]);
    expect(pings.map((p) => p.signal.aborted)).toEqual([true, true]);
  });

  test('silence and an empty interval read as the floor, not −Infinity', () => {
    expect(levelDbfs(0, 48_000)).toBe(MIN_LEVEL_DBFS);
    expect(levelDbfs(0, 0)).toBe(MIN_LEVEL_DBFS);
    expect(levelDbfs(48_000 * 0.5, 48_000)).toBeCloseTo(-3.01, 2); // a full-scale sine
  });
});
