/**
 * Scripts for `gag-fake-asterisk script FILE.json`: a JSON array of steps that ring a running
 * gateway, play, press keys and check what the phone answered and sent. This module reads and
 * checks a script (valibot, strict objects, errors naming the step); `script-runner.ts` runs it.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { GagError, WIRE_FORMATS } from '@gag/sdk/protocol';
import { readWav } from '../wav.js';

/** Longest any one step may wait: ten minutes. */
const MAX_STEP_MS = 600_000;

const CallName = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Ms = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_STEP_MS, 'must be at most 600000 (10 minutes)'));
const TimeoutMs = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_STEP_MS, 'must be at most 600000 (10 minutes)')));
const Hz = v.pipe(v.number(), v.gtValue(0), v.ltValue(8_000, 'must be under 8000 Hz (half the 16 kHz rate)'));
const Digits = v.pipe(v.string(), v.regex(/^[0-9A-D*#]+$/, 'must be keys 0-9, A-D, * or #'));
const Text = v.pipe(v.string(), v.maxLength(256));
const SpeechOptions = v.strictObject({
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
  levelDbfs: v.optional(v.pipe(v.number(), v.minValue(-60), v.maxValue(-16))),
  pitchHz: v.optional(v.pipe(v.number(), v.minValue(60), v.maxValue(400))),
});
const SOURCE_KEYS = ['tone', 'wav', 'speech', 'silence', 'echo'] as const;

/** One schema per kind of step, keyed by the step's verb (the key that names the call). */
const STEP_SCHEMAS = {
  call: v.strictObject({
    call: v.pipe(v.string(), v.regex(/^[\w.+*#-]{1,64}$/, 'must be an extension or group name')),
    /** The name later steps use for this call; default: the extension. */
    as: v.optional(CallName),
    from: v.optional(Text),
    name: v.optional(Text),
    format: v.optional(v.picklist(['text', 'json'])),
    codec: v.optional(v.picklist(WIRE_FORMATS)),
    params: v.optional(v.record(v.string(), Text)),
  }),
  expectAnswer: v.strictObject({ expectAnswer: CallName, timeoutMs: TimeoutMs }),
  play: v.pipe(
    v.strictObject({
      play: CallName,
      tone: v.optional(Hz),
      amplitude: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      wav: v.optional(v.pipe(v.string(), v.minLength(1))),
      gainDb: v.optional(v.pipe(v.number(), v.minValue(-60), v.maxValue(40))),
      speech: v.optional(v.union([v.literal(true), SpeechOptions])),
      silence: v.optional(v.literal(true)),
      echo: v.optional(v.literal(true)),
      delayMs: v.optional(Ms),
      /** Play this long, then silence; without it, until the next `play`. */
      ms: v.optional(Ms),
    }),
    v.check((step) => SOURCE_KEYS.filter((key) => step[key] !== undefined).length === 1, `needs exactly one of ${SOURCE_KEYS.join(', ')}`),
  ),
  dtmf: v.strictObject({ dtmf: CallName, digits: Digits }),
  wait: v.strictObject({ wait: Ms }),
  expectAudio: v.strictObject({ expectAudio: CallName, hz: Hz, dbfs: v.optional(v.pipe(v.number(), v.maxValue(0))), timeoutMs: TimeoutMs }),
  expectDtmf: v.strictObject({ expectDtmf: CallName, digits: Digits, timeoutMs: TimeoutMs }),
  expectHangup: v.strictObject({ expectHangup: CallName, timeoutMs: TimeoutMs }),
  hangup: v.strictObject({ hangup: CallName }),
  record: v.strictObject({ record: CallName, file: v.pipe(v.string(), v.minLength(1)) }),
} as const;

/**
 * The kinds of step, in the order a step's keys are searched for its kind.
 * @example STEP_KINDS.includes('expectAudio'); // true
 */
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as ReadonlyArray<StepKind>;
/**
 * A kind of step: `call`, `expectAnswer`, `play`, `dtmf`, `wait`, `expectAudio`, `expectDtmf`, `expectHangup`, `hangup`, `record`.
 * @useDeclaredType
 * @example const kind: StepKind = 'expectHangup';
 */
export type StepKind = keyof typeof STEP_SCHEMAS;
/**
 * One step of a script, checked. File paths (`wav`, `record`'s `file`) are absolute.
 * @useDeclaredType
 * @example const steps: ScriptStep[] = parseScript([{ call: '2001', as: 'a' }, { expectAnswer: 'a' }, { hangup: 'a' }]);
 */
export type ScriptStep = { [K in StepKind]: v.InferOutput<(typeof STEP_SCHEMAS)[K]> }[StepKind];

/** The keys a kind of step takes. */
function keysOf(kind: StepKind): string[] {
  const schema = STEP_SCHEMAS[kind];
  return Object.keys('pipe' in schema ? schema.pipe[0].entries : schema.entries);
}

/** The kind of a step: its first key that names one. */
export const kindOf = (step: ScriptStep): StepKind => STEP_KINDS.find((kind) => kind in step) ?? 'wait';

/** How a step is named in messages: `step 3 (expectAudio a)`, 1-based. */
export function stepLabel(index: number, step: ScriptStep): string {
  const kind = kindOf(step);
  const subject = (step as Record<string, unknown>)[kind];
  return `step ${index + 1} (${kind}${kind === 'wait' ? ` ${String(subject)} ms` : ` ${String(subject)}`})`;
}

/**
 * Check a script: an array of steps, each a strict object of one kind; every step names a call
 * made by an earlier `call` step; relative files are resolved against `baseDir`, and every WAV
 * file is read and checked.
 * @param options.name how errors name the script, e.g. its path.
 * @param options.baseDir the folder relative file paths are resolved against.
 * @throws GagError `GAG_OPTIONS_INVALID`: `<name>: step 3 (play): 'tone' must be under 8000 Hz…`.
 * @example const steps = parseScript(JSON.parse(text), { name: 'call.json', baseDir: '.' });
 */
export function parseScript(json: unknown, options: { name?: string; baseDir?: string } = {}): ScriptStep[] {
  const name = options.name ?? 'script';
  const baseDir = options.baseDir ?? process.cwd();
  const bad = (where: string, what: string): GagError => new GagError('GAG_OPTIONS_INVALID', `${name}: ${where}: ${what}`);
  if (!Array.isArray(json) || json.length === 0) throw new GagError('GAG_OPTIONS_INVALID', `${name}: a script is a non-empty JSON array of steps`);
  const calls = new Set<string>();
  return json.map((raw: unknown, index): ScriptStep => {
    const where = `step ${index + 1}`;
    const kind = typeof raw === 'object' && raw !== null ? STEP_KINDS.find((k) => k in raw) : undefined;
    if (kind === undefined) throw bad(where, `${JSON.stringify(raw)?.slice(0, 80)} is no step; a step is an object with one of ${STEP_KINDS.join(', ')}`);
    const result = v.safeParse(STEP_SCHEMAS[kind], raw);
    if (!result.success) {
      const [issue] = result.issues;
      const key = v.getDotPath(issue);
      if (issue.type === 'strict_object' && key !== null) throw bad(`${where} (${kind})`, `unknown key '${key}'; this step takes ${keysOf(kind).join(', ')}`);
      throw bad(`${where} (${kind})`, key === null ? issue.message : `'${key}': ${issue.message}`);
    }
    const step: ScriptStep = result.output;
    const label = stepLabel(index, step);
    if ('call' in step) calls.add(step.as ?? step.call);
    else if (kind !== 'wait' && !calls.has(String((step as Record<string, unknown>)[kind]))) {
      throw bad(label, `no call named '${String((step as Record<string, unknown>)[kind])}' is made before this step (name one with "as")`);
    }
    if ('play' in step && step.wav !== undefined) {
      const file = resolve(baseDir, step.wav);
      try {
        readWav(readFileSync(file), step.wav);
      } catch (cause) {
        throw bad(label, cause instanceof GagError ? cause.message : `cannot read ${step.wav} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return { ...step, wav: file };
    }
    if ('record' in step) return { ...step, file: resolve(baseDir, step.file) };
    return step;
  });
}

/**
 * Read and check a script file (see {@link parseScript}); its relative paths are relative to its folder.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the file (and the step) when it cannot be read, is not JSON, or is not a valid script.
 * @example const steps = loadScript('scripts/answer-and-talk.json');
 */
export function loadScript(file: string): ScriptStep[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GagError('GAG_OPTIONS_INVALID', `${file}: cannot read it (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new GagError('GAG_OPTIONS_INVALID', `${file}: not JSON (${(cause as Error).message})`, { cause });
  }
  return parseScript(json, { name: file, baseDir: dirname(resolve(file)) });
}
