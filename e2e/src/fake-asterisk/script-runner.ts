/**
 * Runs a checked script (`script.ts`) against a running gateway: one fake Asterisk, the calls
 * named by the steps, each step in turn until one fails. Every wait is bounded by the step's
 * `timeoutMs`; whatever happens, every call is hung up at the end.
 * @packageDocumentation
 */
import { FRAME_MS, rateHzOf } from '@gag/sdk/protocol';
import { isTone } from '../tones.js';
import { FakeAsterisk, type FakeAsteriskOptions, type FakeCall } from './client.js';
import { dialExtension } from './dial-extension.js';
import type { Recorder } from './recorder.js';
import { stepLabel, type ScriptStep } from './script.js';
import { echo, sequence, silence, tone, type AudioSource } from './sources.js';
import { speechLike } from './speech.js';
import { wavSource } from './wav-source.js';

/**
 * Options of {@link runScript}: the gateway's Asterisk side, and where progress goes.
 * @example const result = await runScript(steps, { url: 'ws://127.0.0.1:8765', log: (line) => console.log(line) });
 */
export interface RunScriptOptions extends Omit<FakeAsteriskOptions, 'format'> {
  /** Called with one line per step and one per call at the end (default: nothing). */
  readonly log?: (line: string) => void;
}

/**
 * The step that failed: 1-based `step`, its `label` (`step 4 (expectAudio a)`) and what went wrong.
 * @example if (!result.passed) console.error(`${result.failure.label}: ${result.failure.message}`);
 */
export interface StepFailure {
  /** The step's number, from 1. */
  readonly step: number;
  /** How the step is named in the log, e.g. `step 4 (expectAudio a)`. */
  readonly label: string;
  /** What went wrong. */
  readonly message: string;
}

/**
 * How a script went.
 * @example const result: ScriptResult = await runScript(parseScript(json), { url }); process.exitCode = result.passed ? 0 : 1;
 */
export type ScriptResult =
  | {
      /** Every step passed. */
      readonly passed: true;
    }
  | {
      /** A step failed; the script stopped there. */
      readonly passed: false;
      /** The step that failed. */
      readonly failure: StepFailure;
    };

/** Defaults of the steps that wait. */
const DEFAULT_TIMEOUT_MS = { expectAnswer: 15_000, expectAudio: 5_000, expectDtmf: 5_000, expectHangup: 5_000 } as const;
/** An audio check looks at the latest half second received. */
const LISTEN_MS = 500;
/** How often a check of the received audio is repeated while it fails. */
const POLL_MS = 100;
/** Longest a caller's hangup waits for the socket to close. */
const HANGUP_WAIT_MS = 5_000;

/** A step that did not hold: its message is what went wrong. */
class StepFailed extends Error {
  override name = 'StepFailed';
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or `onTimeout()` if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Re-check every {@link POLL_MS} until `check()` gives a value, for at most `timeoutMs`; undefined then. */
async function poll<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || performance.now() >= deadline) return value;
    await delay(Math.min(POLL_MS, deadline - performance.now()));
  }
}

/**
 * One line on what a call received: frames, the strongest tone and its level, DTMF detected.
 * @example describeReceived(call.received) // 'received 150 frames (3.0 s): strongest 1000 Hz at -9.0 dBFS; DTMF: none'
 */
export function describeReceived(received: Recorder): string {
  const seconds = ((received.frames * FRAME_MS) / 1000).toFixed(1);
  if (received.frames === 0) return 'received nothing';
  const heard = received.analyse();
  const digits = received.dtmf().digits;
  return `received ${received.frames} frames (${seconds} s): strongest ${heard.hz} Hz at ${heard.levelDbfs.toFixed(1)} dBFS; DTMF: ${digits === '' ? 'none' : digits}`;
}

/** The source of a `play` step. */
function sourceOf(step: Extract<ScriptStep, { play: string }>, call: FakeCall): AudioSource {
  const source =
    step.tone !== undefined ? tone(step.tone, { amplitude: step.amplitude ?? 0.5 })
    : step.wav !== undefined ? wavSource(step.wav, { gainDb: step.gainDb ?? 0 })
    : step.speech !== undefined ? speechLike(step.speech === true ? {} : step.speech)
    : step.echo !== undefined ? echo(call, { delayMs: step.delayMs ?? 0 })
    : silence();
  return step.ms === undefined ? source : sequence({ source, durationMs: step.ms });
}

/** What a `play` step plays, in words. */
function describeSource(step: Extract<ScriptStep, { play: string }>): string {
  const what = step.tone !== undefined ? `${step.tone} Hz` : step.wav ?? (step.speech !== undefined ? 'speech-like signal' : step.echo !== undefined ? 'echo' : 'silence');
  return step.ms === undefined ? what : `${what} for ${step.ms} ms`;
}

/**
 * Run `steps` (from {@link parseScript} or {@link loadScript}) against the gateway at `url`: each
 * step in turn, stopping at the first that fails; then every call still up is hung up.
 * @example
 * const result = await runScript(loadScript('answer.json'), { url: 'ws://127.0.0.1:8765', log: console.log });
 * if (!result.passed) console.error(result.failure.label, result.failure.message);
 */
export async function runScript(steps: readonly ScriptStep[], options: RunScriptOptions): Promise<ScriptResult> {
  const { log = () => {}, ...dial } = options;
  const asterisk = new FakeAsterisk(dial);
  const calls = new Map<string, FakeCall>();
  const callOf = (name: string): FakeCall => {
    const call = calls.get(name);
    if (call === undefined) throw new StepFailed(`no call named '${name}'`);
    return call;
  };
  let failure: StepFailure | undefined;
  for (const [index, step] of steps.entries()) {
    const label = stepLabel(index, step);
    try {
      log(`${label}: ${await runStep(step, { asterisk, calls, callOf })}`);
    } catch (err) {
      failure = { step: index + 1, label, message: err instanceof Error ? err.message : String(err) };
      log(`${label}: FAILED: ${failure.message}`);
      break;
    }
  }
  for (const [name, call] of calls) log(`call ${name}: ${describeReceived(call.received)}`);
  await within(asterisk.close(), HANGUP_WAIT_MS, () => undefined);
  return failure === undefined ? { passed: true } : { passed: false, failure };
}

interface Context {
  readonly asterisk: FakeAsterisk;
  readonly calls: Map<string, FakeCall>;
  readonly callOf: (name: string) => FakeCall;
}

/** Do one step; resolves with what happened, in words, or throws {@link StepFailed}. */
async function runStep(step: ScriptStep, { asterisk, calls, callOf }: Context): Promise<string> {
  if ('call' in step) {
    const name = step.as ?? step.call;
    if (calls.get(name)?.state === 'ringing' || calls.get(name)?.state === 'up') throw new StepFailed(`call '${name}' is still going on`);
    const { call: extension, as: _as, ...how } = step;
    const call = await dialExtension(asterisk, extension, how);
    calls.set(name, call);
    return `ringing ${extension} (channel ${call.channel})`;
  }
  if ('expectAnswer' in step) {
    const call = callOf(step.expectAnswer);
    const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS.expectAnswer;
    const startMs = performance.now();
    const outcome = await within(
      Promise.race([call.answered.then(() => 'answered' as const), call.ended.then(() => 'ended' as const)]),
      timeoutMs,
      () => 'timeout' as const,
    );
    if (outcome === 'timeout') throw new StepFailed(`not answered within ${timeoutMs} ms`);
    if (outcome === 'ended') {
      const end = await call.ended;
      throw new StepFailed(`the call ended before it was answered (${end.by}, code ${end.code}; commands: ${call.commands.join(', ') || 'none'})`);
    }
    return `answered after ${Math.round(performance.now() - startMs)} ms`;
  }
  if ('play' in step) {
    const call = callOf(step.play);
    call.play(sourceOf(step, call));
    return `playing ${describeSource(step)}`;
  }
  if ('dtmf' in step) {
    callOf(step.dtmf).sendDtmf(step.digits);
    return `sent DTMF_END ${[...step.digits].join(' ')}`;
  }
  if ('wait' in step) {
    await delay(step.wait);
    return 'done';
  }
  if ('expectAudio' in step) {
    const received = callOf(step.expectAudio).received;
    const expected = step.dbfs === undefined ? { hz: step.hz } : { hz: step.hz, dbfs: step.dbfs };
    let last = 'nothing';
    const heard = await poll(() => {
      const totalMs = received.frames * FRAME_MS;
      if (totalMs < LISTEN_MS) return undefined;
      const analysis = received.analyse({ fromMs: totalMs - LISTEN_MS });
      last = `${analysis.hz} Hz at ${analysis.levelDbfs.toFixed(1)} dBFS (purity ${analysis.purity.toFixed(2)})`;
      return isTone(analysis, expected) ? last : undefined;
    }, step.timeoutMs ?? DEFAULT_TIMEOUT_MS.expectAudio);
    const want = `${step.hz} Hz${step.dbfs === undefined ? '' : ` at ${step.dbfs} dBFS`}`;
    if (heard === undefined) throw new StepFailed(`expected ${want}; the latest ${LISTEN_MS} ms received held ${last}`);
    return `heard ${heard} (at ${rateHzOf(received.codec)} Hz)`;
  }
  if ('expectDtmf' in step) {
    const received = callOf(step.expectDtmf).received;
    let last = '';
    const found = await poll(() => ((last = received.dtmf().digits) === step.digits ? last : undefined), step.timeoutMs ?? DEFAULT_TIMEOUT_MS.expectDtmf);
    if (found === undefined) throw new StepFailed(`expected DTMF '${step.digits}' in the audio received; detected '${last}'`);
    return `detected ${found}`;
  }
  if ('expectHangup' in step) {
    const call = callOf(step.expectHangup);
    const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS.expectHangup;
    const end = await within(call.ended, timeoutMs, () => undefined);
    if (end === undefined) throw new StepFailed(`the gateway did not hang up within ${timeoutMs} ms`);
    if (end.by !== 'app-hangup') throw new StepFailed(`the call ended by ${end.by} (code ${end.code}), not by the gateway's HANGUP`);
    return `hung up by the gateway (commands: ${call.commands.join(', ')})`;
  }
  if ('hangup' in step) {
    const call = callOf(step.hangup);
    if (call.state === 'ended') throw new StepFailed(`the call had already ended (${(await call.ended).by})`);
    const end = await within(call.hangup(), HANGUP_WAIT_MS, () => undefined);
    return end === undefined ? `hung up; the socket did not close within ${HANGUP_WAIT_MS} ms` : `hung up (close code ${end.code})`;
  }
  if ('record' in step) {
    const received = callOf(step.record).received;
    await received.saveWav(step.file);
    return `saved ${step.file} (${rateHzOf(received.codec)} Hz): ${describeReceived(received)}`;
  }
  return step satisfies never;
}
