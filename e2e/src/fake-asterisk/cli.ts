#!/usr/bin/env node
/**
 * `gag-fake-asterisk`: ring a running gateway the way Asterisk's chan_websocket would, for
 * trying a page by hand, or run a script of calls against it. The only reader of argv here.
 *
 *     npx gag-fake-asterisk call 2001 --from 0312345678 --name Tanaka --tone 440
 *     npx gag-fake-asterisk script answer-and-talk.json
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GagError, isWireFormat } from '@gag/sdk/protocol';
import { FakeAsterisk, type FakeAsteriskOptions } from './client.js';
import { dialExtension } from './dial-extension.js';
import { loadScript } from './script.js';
import { describeReceived, runScript } from './script-runner.js';
import { echo, tone, type AudioSource } from './sources.js';
import { speechLike } from './speech.js';
import { wavSource } from './wav-source.js';

const USAGE = `Usage: gag-fake-asterisk call EXTENSION [options]
       gag-fake-asterisk script FILE.json [--url URL --username U --password P]

call: dials the gateway's Asterisk port like Dial(WebSocket/ws-ext-EXTENSION/c(slin16)n), waits
for a phone to answer, plays a tone (or a WAV file, a speech-like signal, an echo), and prints
what the phone sent: strongest frequency, level, DTMF keys detected.

  --url URL          the gateway's Asterisk side (default ws://127.0.0.1:8765)
  --from NUMBER      caller number (URI parameter from=)
  --name NAME        caller name (URI parameter name=)
  --tone HZ          play a sine of HZ after answer (default 440)
  --wav FILE         play a WAV file (PCM 16-bit, mono or stereo, any rate), looped
  --speech           play a speech-like signal (syllables and pauses)
  --echo             play back what the phone sends, half a second late
  --dtmf DIGITS      press these keys (DTMF_END) once answered, e.g. 123#
  --record FILE      save what the phone sent as a WAV file at the call's rate
  --codec CODEC      slin16 (default), slin, ulaw or alaw
  --json             JSON control format (f(json)), extension in WS_EXTEN
  --seconds N        hang up after N seconds of talk (default 10)
  --username U, --password P   Basic auth, as in websocket_client.conf
  -h, --help
  -v, --version

script: runs the steps of FILE.json in turn (the format: @gag/e2e README, "The CLI"); exit code 1 names
the step that failed.

Exit codes: 0 answered / script passed, 1 not answered / a step failed, 2 usage or script error.
`;

const OPTIONS = {
  url: { type: 'string', default: 'ws://127.0.0.1:8765' },
  from: { type: 'string' },
  name: { type: 'string' },
  tone: { type: 'string', default: '440' },
  wav: { type: 'string' },
  speech: { type: 'boolean' },
  echo: { type: 'boolean' },
  dtmf: { type: 'string' },
  record: { type: 'string' },
  codec: { type: 'string', default: 'slin16' },
  json: { type: 'boolean' },
  seconds: { type: 'string', default: '10' },
  username: { type: 'string' },
  password: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A usage error: printed without a stack, exit code 2. */
const usage = (message: string): GagError => new GagError('GAG_OPTIONS_INVALID', message);

const write = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, target] = positionals;
  if (values.version === true) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return write(pkg.version), 0;
  }
  if (values.help === true || (command !== 'call' && command !== 'script') || target === undefined || positionals.length > 2) {
    process.stdout.write(USAGE);
    return values.help === true ? 0 : 2;
  }
  const gateway: FakeAsteriskOptions = {
    url: values.url,
    ...(values.username === undefined ? {} : { username: values.username }),
    ...(values.password === undefined ? {} : { password: values.password }),
  };
  if (command === 'script') {
    const result = await runScript(loadScript(target), { ...gateway, log: write });
    if (result.passed) return 0;
    process.stderr.write(`gag-fake-asterisk: ${target}: ${result.failure.label} failed: ${result.failure.message}\n`);
    return 1;
  }
  return call(target, values, gateway);
}

/** What `call` plays: one of --wav, --speech, --echo, else --tone. */
function sourceOf(values: Values): AudioSource | 'echo' {
  const chosen = [values.wav !== undefined, values.speech === true, values.echo === true].filter(Boolean).length;
  if (chosen > 1) throw usage('choose one of --wav, --speech, --echo (or --tone)');
  if (values.wav !== undefined) return wavSource(values.wav);
  if (values.speech === true) return speechLike();
  if (values.echo === true) return 'echo';
  const hz = Number(values.tone);
  if (!(hz > 0 && hz < 8_000)) throw usage(`--tone must be between 0 and 8000 Hz. Got '${values.tone}'`);
  return tone(hz, { amplitude: 0.3 });
}

/** `call EXTENSION`: ring, talk for --seconds (or until Ctrl-C or the phone hangs up), report. */
async function call(extension: string, values: Values, gateway: FakeAsteriskOptions): Promise<number> {
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw usage(`--seconds must be above 0. Got '${values.seconds}'`);
  if (!isWireFormat(values.codec)) throw usage(`--codec must be slin16, slin, ulaw or alaw. Got '${values.codec}'`);
  if (values.dtmf !== undefined && !/^[0-9A-D*#]+$/.test(values.dtmf)) throw usage(`--dtmf must be keys 0-9, A-D, * or #. Got '${values.dtmf}'`);
  const source = sourceOf(values);
  const asterisk = new FakeAsterisk(gateway);
  const fake = await dialExtension(asterisk, extension, {
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.name === undefined ? {} : { name: values.name }),
    format: values.json === true ? 'json' : 'text',
    codec: values.codec,
  });
  write(`ringing ${extension} (channel ${fake.channel}, ${fake.codec})…`);
  fake.play(source === 'echo' ? echo(fake, { delayMs: 500 }) : source);
  const first = await Promise.race([fake.answered.then(() => 'answered' as const), fake.ended.then(() => 'ended' as const)]);
  if (first === 'ended') {
    write(`not answered: ${JSON.stringify(await fake.ended)}`);
    return 1;
  }
  write(`answered; talking for ${seconds} s (Ctrl-C hangs up)`);
  if (values.dtmf !== undefined) {
    fake.sendDtmf(values.dtmf);
    write(`pressed ${values.dtmf}`);
  }
  const timer = setTimeout(() => void fake.hangup(), seconds * 1000);
  const interrupt = (): void => void fake.hangup();
  process.once('SIGINT', interrupt);
  const end = await fake.ended;
  clearTimeout(timer);
  process.off('SIGINT', interrupt);
  write(`ended by ${end.by} (${end.code}); ${describeReceived(fake.received)}`);
  if (values.record !== undefined) {
    await fake.received.saveWav(values.record);
    write(`saved ${values.record} (${fake.received.frames} frames at the call's rate; sox ${values.record} -n stat)`);
  }
  await asterisk.close();
  return 0;
}

/** Print `err` for a person and give the exit code: 2 for usage and script errors (no stack), 1 for the rest. */
function reportError(err: unknown): number {
  if (err instanceof GagError) {
    process.stderr.write(`gag-fake-asterisk: ${err.message}\n`);
    return err.code === 'GAG_OPTIONS_INVALID' ? 2 : 1;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    process.stderr.write(`gag-fake-asterisk: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  process.stderr.write(`gag-fake-asterisk: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2)).catch(reportError);
