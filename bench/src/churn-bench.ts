/**
 * Churn: many short calls (ring, answer, a few frames each way, hang up from alternating sides)
 * on a few lanes, with each lane's browser replaced every few calls (alternately a clean close
 * and a dropped connection). Afterwards the gateway must hold no call and no session, and its
 * memory after a forced GC must not have grown with the number of calls.
 * @packageDocumentation
 */
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { deadline, until } from './bounded.js';
import type { BrowserPhone } from './browser-phone.js';
import { loginPhone, ringAndAnswer } from './call-flow.js';
import { stampFrame } from './frame-stamp.js';
import { GatewayHandle } from './gateway-handle.js';
import type { GatewaySnapshot } from './ipc.js';

export interface ChurnOptions {
  readonly calls: number;
  readonly lanes: number;
  /**
   * Call counts after which the run pauses until the gateway is quiet (no call, no browser),
   * forces a GC and reads its memory, e.g. [1000, 4000, 7000, 10000]: growth between later
   * points shows whether memory follows the number of calls (a leak) or levels off.
   */
  readonly checkpoints: readonly number[];
  /** Stop starting calls after this long (the run then reports fewer calls). */
  readonly maxWallMs: number;
}

/** Memory and resources of the gateway after a forced GC, with no call and no browser. */
export interface QuietPoint {
  readonly afterCalls: number;
  /** Read over IPC: must be 0 (the run waited up to QUIET_TIMEOUT_MS for it). */
  readonly calls: number;
  readonly sessions: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly activeResources: Readonly<Record<string, number>>;
}

export interface ChurnResult {
  readonly calls: number;
  readonly completed: number;
  readonly failures: number;
  readonly errors: readonly string[];
  readonly hungUpByCaller: number;
  readonly hungUpByBrowser: number;
  readonly sessionsOpened: number;
  /** Calls whose few frames did not all arrive before the hangup. */
  readonly callsMissingFrames: number;
  /** Time spent in calls (the pauses at the checkpoints excluded). */
  readonly wallMs: number;
  /** Before the first call, then one per checkpoint; the last one is the end of the run. */
  readonly points: readonly QuietPoint[];
  readonly logCounts: Readonly<Record<string, number>>;
}

const STEP_TIMEOUT_MS = 5_000;
const FRAMES_PER_CALL = 3;
const FRAMES_TIMEOUT_MS = 2_000;
/** A lane's browser is replaced after this many calls. */
const CALLS_PER_SESSION = 10;
const QUIET_TIMEOUT_MS = 15_000;
/** Extensions of the churn run: 30000, 30001, … (one per lane). */
const EXTENSION_BASE = 30_000;

export async function runChurn(options: ChurnOptions): Promise<ChurnResult> {
  const gw = await GatewayHandle.start();
  const open = new Set<BrowserPhone>();
  const stats = { completed: 0, byCaller: 0, byBrowser: 0, sessions: 0, missingFrames: 0 };
  const errors: Error[] = [];
  const frame = Buffer.alloc(FRAME_BYTES);
  let next = 0;

  const quiet = async (afterCalls: number): Promise<QuietPoint> => {
    await until(async () => {
      const s = await gw.snapshot();
      return s.calls === 0 && s.sessions === 0;
    }, QUIET_TIMEOUT_MS);
    const s: GatewaySnapshot = await gw.gc();
    return { afterCalls, calls: s.calls, sessions: s.sessions, rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes, activeResources: s.activeResources };
  };

  const oneCall = async (phone: BrowserPhone, extension: string, n: number): Promise<void> => {
    const { call, callId } = await ringAndAnswer(gw.ready, phone, extension, STEP_TIMEOUT_MS);
    try {
      let toBrowser = 0;
      let toAsterisk = 0;
      let allArrived = (): void => {};
      const arrived = new Promise<void>((resolve) => (allArrived = resolve));
      const check = (): void => {
        if (toBrowser >= FRAMES_PER_CALL && toAsterisk >= FRAMES_PER_CALL) allArrived();
      };
      phone.onAudio = () => (toBrowser++, check());
      call.onAudio = () => (toAsterisk++, check());
      for (let seq = 0; seq < FRAMES_PER_CALL; seq++) {
        stampFrame(frame, seq, n, performance.now());
        call.sendAudio(frame);
        phone.sendAudio(frame);
      }
      await deadline(arrived, FRAMES_TIMEOUT_MS, 'frames').catch(() => stats.missingFrames++);
      const ended = phone.next('ended', STEP_TIMEOUT_MS);
      if (n % 2 === 0) {
        call.hangup(); // the caller hangs up: Asterisk closes the socket
        stats.byCaller++;
      } else {
        phone.send({ type: 'hangup', callId }); // the gateway sends HANGUP; "Asterisk" then closes
        stats.byBrowser++;
      }
      await ended;
      await deadline(call.closed, STEP_TIMEOUT_MS, 'asterisk socket close');
    } catch (err) {
      call.ws.terminate();
      throw err;
    } finally {
      phone.onAudio = () => {};
    }
  };

  const lane = async (index: number, upTo: number, stopAtMs: number): Promise<void> => {
    const extension = String(EXTENSION_BASE + index);
    let phone: BrowserPhone | undefined;
    let callsOnPhone = 0;
    const retire = (): void => {
      if (phone === undefined) return;
      // Alternately a clean goodbye and a connection that just drops.
      if (stats.sessions % 2 === 0) phone.close();
      else phone.terminate();
      open.delete(phone);
      phone = undefined;
    };
    while (next < upTo && performance.now() < stopAtMs) {
      const n = next++;
      try {
        if (phone === undefined || callsOnPhone >= CALLS_PER_SESSION || phone.ws.readyState !== phone.ws.OPEN) {
          retire();
          phone = await loginPhone(gw.ready, extension, STEP_TIMEOUT_MS);
          open.add(phone);
          stats.sessions++;
          callsOnPhone = 0;
        }
        callsOnPhone++;
        await oneCall(phone, extension, n);
        stats.completed++;
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
        retire(); // a fresh browser for the next call, whatever state this one is in
      }
    }
    retire();
  };

  try {
    const points: QuietPoint[] = [await quiet(0)];
    let wallMs = 0;
    const stopAtMs = performance.now() + options.maxWallMs;
    const targets = [...new Set([...options.checkpoints.filter((c) => c < options.calls), options.calls])].sort((x, y) => x - y);
    for (const upTo of targets) {
      if (performance.now() >= stopAtMs) break;
      const startMs = performance.now();
      await Promise.all(Array.from({ length: options.lanes }, (_, i) => lane(i, upTo, stopAtMs)));
      wallMs += performance.now() - startMs;
      points.push(await quiet(next));
    }
    return {
      calls: options.calls,
      completed: stats.completed,
      failures: errors.length,
      errors: [...new Set(errors.map((e) => e.message))].slice(0, 5),
      hungUpByCaller: stats.byCaller,
      hungUpByBrowser: stats.byBrowser,
      sessionsOpened: stats.sessions,
      callsMissingFrames: stats.missingFrames,
      wallMs,
      points,
      logCounts: Object.fromEntries(gw.logCounts),
    };
  } catch (err) {
    gw.kill();
    throw err;
  } finally {
    for (const phone of open) phone.terminate();
    await gw.stop();
  }
}
