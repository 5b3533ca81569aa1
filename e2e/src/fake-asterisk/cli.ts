#!/usr/bin/env node
/**
 * `gag-fake-asterisk`: ring a running gateway the way Asterisk's chan_websocket would, for
 * trying a page by hand. The only reader of argv here.
 *
 *     npx gag-fake-asterisk call 2001 --from 0312345678 --name Tanaka --tone 440
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { analyseTone } from '../tones.js';
import { FakeAsterisk } from './client.js';
import { echo, tone } from './sources.js';

const USAGE = `Usage: gag-fake-asterisk call EXTENSION [options]

Dials the gateway's Asterisk port like Dial(WebSocket/ws-ext-EXTENSION/c(slin16)n), waits for a
phone to answer, plays a tone (or echoes), and prints what the phone sent.

  --url URL          the gateway's Asterisk side (default ws://127.0.0.1:8765)
  --from NUMBER      caller number (URI parameter from=)
  --name NAME        caller name (URI parameter name=)
  --tone HZ          play a sine of HZ after answer (default 440)
  --echo             play back what the phone sends instead of a tone
  --json             JSON control format (f(json)), extension in WS_EXTEN
  --seconds N        hang up after N seconds of talk (default 10)
  --username U, --password P   Basic auth, as in websocket_client.conf
  -h, --help
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'ws://127.0.0.1:8765' },
        from: { type: 'string' },
        name: { type: 'string' },
        tone: { type: 'string', default: '440' },
        echo: { type: 'boolean' },
        json: { type: 'boolean' },
        seconds: { type: 'string', default: '10' },
        username: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`gag-fake-asterisk: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, extension] = positionals;
  if (values.help === true || command !== 'call' || extension === undefined) {
    process.stdout.write(USAGE);
    return values.help === true ? 0 : 2;
  }
  const hz = Number(values.tone);
  const seconds = Number(values.seconds);
  if (!(hz > 0 && hz < 8_000) || !(seconds > 0)) {
    process.stderr.write('gag-fake-asterisk: --tone must be between 0 and 8000 Hz and --seconds above 0\n');
    return 2;
  }
  const asterisk = new FakeAsterisk({
    url: values.url,
    ...(values.username === undefined ? {} : { username: values.username }),
    ...(values.password === undefined ? {} : { password: values.password }),
  });
  const params: Record<string, string> = {};
  if (values.from !== undefined) params['from'] = values.from;
  if (values.name !== undefined) params['name'] = values.name;
  const json = values.json === true;
  const call = await asterisk.call(json ? 'ws-ext-endpoint' : `ws-ext-${extension}`, {
    params,
    ...(json ? { format: 'json' as const, channelVariables: { WS_EXTEN: extension } } : {}),
  });
  process.stdout.write(`ringing ${extension} (channel ${call.channel})…\n`);
  call.play(values.echo === true ? echo(call, { delayMs: 500 }) : tone(hz, { amplitude: 0.3 }));
  const first = await Promise.race([call.answered.then(() => 'answered' as const), call.ended.then(() => 'ended' as const)]);
  if (first === 'ended') {
    process.stdout.write(`not answered: ${JSON.stringify(await call.ended)}\n`);
    return 1;
  }
  process.stdout.write(`answered; talking for ${seconds} s (Ctrl-C hangs up)\n`);
  const timer = setTimeout(() => void call.hangup(), seconds * 1000);
  process.once('SIGINT', () => void call.hangup());
  const end = await call.ended;
  clearTimeout(timer);
  const heard = call.received.frames > 0 ? analyseTone(call.received.samples(), 16_000) : undefined;
  process.stdout.write(
    `ended by ${end.by} (${end.code}); received ${call.received.frames} frames` +
      (heard === undefined ? '\n' : `, strongest ${heard.hz} Hz at ${heard.levelDbfs.toFixed(1)} dBFS\n`),
  );
  await asterisk.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
