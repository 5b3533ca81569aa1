/**
 * Fuzz throughput (`--only fuzz`): generated messages through the gateway's parsers, in this
 * process (no gateway, no socket: the parsers are pure functions). Three sides — chan_websocket
 * control in plain text, in JSON, and gag.v1 client messages — each get `messages` messages from
 * `@gag/testkit/fuzz`, in chunks so memory stays small. Per side: how many parsed as well-formed,
 * how many were rejected with a `ProtocolError`, and failures (anything else: a finding), plus the
 * parse rate (parsing alone is timed; generating and judging are not).
 * @packageDocumentation
 */
import fc from 'fast-check';
import { parseClientMessage } from '@gag/sdk/protocol';
// Not part of @gag/gateway's public API: the bench measures the built internal parser itself.
import { parseAsteriskMessage } from '@gag/gateway/testing';
import { asteriskJsonMessage, asteriskTextMessage, clientMessageText, judgeAsterisk, judgeClient, type Verdict } from '@gag/testkit/fuzz';
import { num, table } from './report.js';

/** Messages generated, timed and judged at a time. */
const CHUNK = 10_000;
/** Failures kept (with the message) for the report. */
const KEEP_FAILURES = 5;

/** The figures of one side. */
export interface FuzzSide {
  readonly side: string;
  readonly messages: number;
  readonly valid: number;
  readonly rejected: number;
  readonly failures: number;
  readonly firstFailures: ReadonlyArray<{ readonly text: string; readonly why: string }>;
  /** Time spent in the parser alone. */
  readonly parseMs: number;
  readonly messagesPerS: number;
  readonly generateMs: number;
}

export interface FuzzResult {
  readonly seed: number;
  readonly sides: FuzzSide[];
}

interface Side {
  readonly name: string;
  readonly messages: fc.Arbitrary<string>;
  readonly parse: (text: string) => unknown;
  readonly judge: (text: string) => Verdict;
}

const SIDES: readonly Side[] = [
  { name: 'asterisk control, plain text', messages: asteriskTextMessage, parse: parseAsteriskMessage, judge: (t) => judgeAsterisk(parseAsteriskMessage, t) },
  { name: 'asterisk control, JSON', messages: asteriskJsonMessage, parse: parseAsteriskMessage, judge: (t) => judgeAsterisk(parseAsteriskMessage, t) },
  { name: 'browser gag.v1 client', messages: clientMessageText, parse: parseClientMessage, judge: (t) => judgeClient(parseClientMessage, t) },
];

/** Parse every text once, timed; exceptions are expected (a rejection is a throw). */
function timeParse(parse: (text: string) => unknown, texts: readonly string[]): number {
  const start = performance.now();
  for (const text of texts) {
    try {
      parse(text);
    } catch {
      // judged below, untimed
    }
  }
  return performance.now() - start;
}

function runSide(side: Side, messages: number, seed: number): FuzzSide {
  let valid = 0;
  let rejected = 0;
  let failures = 0;
  let parseMs = 0;
  let generateMs = 0;
  const firstFailures: Array<{ text: string; why: string }> = [];
  for (let done = 0, chunk = 0; done < messages; chunk++) {
    const count = Math.min(CHUNK, messages - done);
    const genStart = performance.now();
    const texts = fc.sample(side.messages, { numRuns: count, seed: seed + chunk });
    generateMs += performance.now() - genStart;
    parseMs += timeParse(side.parse, texts);
    for (const text of texts) {
      const verdict = side.judge(text);
      if (verdict.kind === 'valid') valid++;
      else if (verdict.kind === 'rejected') rejected++;
      else {
        failures++;
        if (firstFailures.length < KEEP_FAILURES) firstFailures.push({ text: text.slice(0, 200), why: verdict.why.slice(0, 200) });
      }
    }
    done += count;
  }
  return { side: side.name, messages, valid, rejected, failures, firstFailures, parseMs, messagesPerS: (messages / parseMs) * 1000, generateMs };
}

/**
 * Run `messages` generated messages through each side's parser.
 * @example const result = await runFuzz({ messages: 100_000, seed: 42 });
 */
export async function runFuzz(options: { messages: number; seed: number }, progress: (text: string) => void = () => {}): Promise<FuzzResult> {
  const sides: FuzzSide[] = [];
  for (const side of SIDES) {
    progress(`fuzz: ${options.messages} messages, ${side.name}`);
    sides.push(runSide(side, options.messages, options.seed));
    await new Promise((resolve) => setImmediate(resolve)); // let the progress line out
  }
  return { seed: options.seed, sides };
}

/** The printed table, and the first failures if there were any. */
export function fuzzTable(result: FuzzResult): string {
  const rows = result.sides.map((s) => [
    s.side,
    String(s.messages),
    String(s.valid),
    String(s.rejected),
    String(s.failures),
    num(s.messagesPerS / 1000, 0),
    num(s.parseMs, 0),
    num(s.generateMs, 0),
  ]);
  const out = table(
    `Fuzz: generated messages through the parsers (seed ${result.seed}; target 0 failures)`,
    ['side', 'messages', 'well-formed', 'ProtocolError', 'failures', 'parse (k msg/s)', 'parse (ms)', 'generate (ms)'],
    rows,
  );
  const found = result.sides.flatMap((s) => s.firstFailures.map((f) => `  ${s.side}: ${f.why}\n    message: ${JSON.stringify(f.text)}`));
  return found.length === 0 ? out : `${out}\nFailures (first ${KEEP_FAILURES} per side):\n${found.join('\n')}`;
}
