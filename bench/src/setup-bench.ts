/**
 * Call setup latency on a calm gateway: calls one after another on a few lanes (a few in flight
 * at once), each rung, answered at once by its lane's browser, then hung up by the caller before
 * the lane's next call. Two hops are timed: MEDIA_START sent → `incoming` at the browser, and
 * `answer` sent → ANSWER at Asterisk.
 * @packageDocumentation
 */
import { deadline, until } from './bounded.js';
import type { BrowserPhone } from './browser-phone.js';
import { loginPhone, ringAndAnswer } from './call-flow.js';
import { GatewayHandle } from './gateway-handle.js';
import { summarise, type Summary } from './samples.js';

export interface SetupOptions {
  readonly calls: number;
  /** Calls in flight at once. */
  readonly lanes: number;
}

export interface SetupResult {
  readonly calls: number;
  readonly completed: number;
  readonly failures: number;
  readonly errors: readonly string[];
  readonly lanes: number;
  readonly wallMs: number;
  readonly incomingMs: Summary;
  readonly answerMs: Summary;
  readonly leftAfter: { readonly calls: number; readonly sessions: number };
}

const STEP_TIMEOUT_MS = 5_000;
/** Extensions of the setup run: 20000, 20001, … (one per lane). */
const EXTENSION_BASE = 20_000;

export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const gw = await GatewayHandle.start();
  const phones: BrowserPhone[] = [];
  try {
    for (let lane = 0; lane < options.lanes; lane++) phones.push(await loginPhone(gw.ready, String(EXTENSION_BASE + lane), STEP_TIMEOUT_MS));
    const incoming: number[] = [];
    const answer: number[] = [];
    const errors: Error[] = [];
    let next = 0;
    const startMs = performance.now();
    const lane = async (index: number): Promise<void> => {
      const phone = phones[index]!;
      const extension = String(EXTENSION_BASE + index);
      while (next < options.calls) {
        next++;
        try {
          const call = await ringAndAnswer(gw.ready, phone, extension, STEP_TIMEOUT_MS);
          incoming.push(call.incomingMs);
          answer.push(call.answerMs);
          const ended = phone.next('ended', STEP_TIMEOUT_MS);
          call.call.hangup();
          await ended;
          await deadline(call.call.closed, STEP_TIMEOUT_MS, 'asterisk socket close');
        } catch (err) {
          errors.push(err instanceof Error ? err : new Error(String(err)));
        }
      }
    };
    await Promise.all(phones.map((_, i) => lane(i)));
    const wallMs = performance.now() - startMs;
    for (const phone of phones) phone.close();
    await Promise.all(phones.map((p) => deadline(p.closed, STEP_TIMEOUT_MS, 'browser close').catch(() => undefined)));
    await until(async () => {
      const s = await gw.snapshot();
      return s.calls === 0 && s.sessions === 0;
    }, STEP_TIMEOUT_MS);
    const left = await gw.snapshot();
    return {
      calls: options.calls,
      completed: incoming.length,
      failures: errors.length,
      errors: [...new Set(errors.map((e) => e.message))].slice(0, 5),
      lanes: options.lanes,
      wallMs,
      incomingMs: summarise(incoming),
      answerMs: summarise(answer),
      leftAfter: { calls: left.calls, sessions: left.sessions },
    };
  } catch (err) {
    gw.kill();
    throw err;
  } finally {
    for (const phone of phones) phone.terminate();
    await gw.stop();
  }
}
