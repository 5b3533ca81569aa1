/**
 * The `quality` event of a talking call: playout health, microphone level, frames sent and the
 * round-trip time to the gateway, every {@link QUALITY_INTERVAL_MS}.
 * @packageDocumentation
 */
import type { CallAudioStats } from './audio/call-audio.js';
import type { PlayoutStats } from './audio/playout.js';

/** How often a talking call emits `quality`. @example setTimeout(checkQuality, 2 * QUALITY_INTERVAL_MS) */
export const QUALITY_INTERVAL_MS = 2_000;
/** The level reported for silence (digital zero), instead of −∞. @example const silent = q.inputLevelDbfs <= MIN_LEVEL_DBFS + 40; */
export const MIN_LEVEL_DBFS = -100;

/**
 * One `quality` report. The playout fields come from the jitter buffer (see {@link PlayoutStats});
 * counters are totals since the call was answered, levels and times are for the last interval.
 * @example
 * call.on('quality', (q) => (meter.value = q.inputLevelDbfs, rtt.textContent = q.rttMs === null ? '–' : `${Math.round(q.rttMs)} ms`));
 */
export interface CallQuality extends PlayoutStats {
  /**
   * The microphone's RMS level over the interval, dBFS (a full-scale sine is −3 dBFS; silence is
   * {@link MIN_LEVEL_DBFS}). Measured before mute, so a UI can tell a muted user who is talking.
   */
  readonly inputLevelDbfs: number;
  /** Frames (20 ms each) put on the connection to the gateway. */
  readonly framesSent: number;
  /** Frames captured but not sent: the main thread was too busy, or the connection was backed up. */
  readonly framesNotSent: number;
  /**
   * Round-trip time of a `ping` to the gateway over the call's connection, ms, measured during the
   * last interval; null when the gateway does not answer pings or the answer did not come in time.
   */
  readonly rttMs: number | null;
}

/**
 * RMS level in dBFS of samples whose squares sum to `energy`.
 * @example levelDbfs(0.125 * 1000, 1000) // a sine at amplitude 0.5: ≈ −9.03
 */
export function levelDbfs(energy: number, samples: number): number {
  if (!(samples > 0) || !(energy > 0)) return MIN_LEVEL_DBFS;
  return Math.max(MIN_LEVEL_DBFS, 10 * Math.log10(energy / samples));
}

/** What a call's quality reports are made of. @internal */
export interface QualitySources {
  stats(): Promise<CallAudioStats>;
  /** Frames this call put on the connection, and those the connection refused (backed up). */
  sendCounts(): { readonly sent: number; readonly refused: number };
  /** One ping; resolves null without an answer (or support) before the timeout or the abort. */
  measureRtt(timeoutMs: number, signal: AbortSignal): Promise<number | null>;
  report(quality: CallQuality): void;
}

/**
 * Report every `intervalMs` until the returned function is called (which also clears the timer
 * and abandons the ping in flight). Each report carries the answer to the ping sent at the
 * previous one (the first ping goes out at once), so a slow gateway never delays a report.
 * @internal
 */
export function startQualityReports(sources: QualitySources, intervalMs = QUALITY_INTERVAL_MS): () => void {
  let stopped = false;
  let busy = false;
  let previousEnergy = 0;
  let previousSamples = 0;
  let rttMs: number | null = null;
  let pinging: AbortController | undefined;

  const ping = (): void => {
    pinging?.abort();
    const controller = new AbortController();
    pinging = controller;
    rttMs = null;
    void sources.measureRtt(intervalMs, controller.signal).then((ms) => {
      if (pinging === controller) rttMs = ms;
    });
  };

  const tick = async (): Promise<void> => {
    if (busy) return; // the worklets have not answered the last request yet
    busy = true;
    const reportedRttMs = rttMs;
    ping();
    try {
      const { capture, playback } = await sources.stats();
      if (stopped) return;
      const { malformed: _malformed, ...playout } = playback;
      const inputLevelDbfs = levelDbfs(capture.inputEnergy - previousEnergy, capture.inputSamples - previousSamples);
      previousEnergy = capture.inputEnergy;
      previousSamples = capture.inputSamples;
      const sends = sources.sendCounts();
      sources.report(
        Object.freeze({ ...playout, inputLevelDbfs, framesSent: sends.sent, framesNotSent: capture.framesDropped + sends.refused, rttMs: reportedRttMs }),
      );
    } finally {
      busy = false;
    }
  };

  ping();
  // A listener that throws, or stats that fail, must not become an unhandled rejection.
  const timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
    pinging?.abort();
    pinging = undefined;
  };
}
