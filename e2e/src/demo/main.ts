/**
 * `npm start`: the gateway and a demo page on loopback, with an echo-test caller. No Asterisk
 * needed: the built-in fake Asterisk rings the page, plays a tone after answer, then echoes the
 * microphone back. Dev mode only: the demo mints tokens for anyone who can reach loopback.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createLogger, devConfig, mintToken, startGateway } from '@gag/gateway';
import { FakeAmi, FakeAsterisk, echo, sequence, tone, type AudioSource, type FakeCall } from '../index.js';
import { phonePageHtml } from '../phone-page.js';
import { demoBody, demoIntro } from './page.js';

/** The demo's extension. */
const EXTENSION = '1000';
const TOKEN_TTL_S = 12 * 3600;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['GAG_DEMO_PORT'] ?? '8080' },
    'gateway-port': { type: 'string', default: process.env['GAG_GATEWAY_PORT'] ?? '8766' },
    'asterisk-port': { type: 'string', default: process.env['GAG_ASTERISK_PORT'] ?? '8765' },
    lang: { type: 'string', default: 'ja' },
  },
});
const port = Number(values.port);
const lang = values.lang === 'en' ? 'en' : 'ja';
const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];

const log = createLogger('info');
// Click-to-call works in the demo too: a fake AMI rings the page back, and the "far end" is the
// same tone-then-echo as the echo test. The secret only ever travels over loopback.
const ami = await FakeAmi.start({ secret: 'demo-ami-secret' });
const config = devConfig({
  originate: 'ami',
  ami_port: ami.port,
  ami_username: 'gag',
  ami_secret: 'demo-ami-secret',
  asterisk_addr: `127.0.0.1:${values['asterisk-port']}`,
  browser_addr: `127.0.0.1:${values['gateway-port']}`,
  allowed_origins: origins,
});
const gateway = await startGateway(config, { log });
const asterisk = new FakeAsterisk({ url: gateway.asteriskUrl });
ami.asterisk = asterisk;
ami.on('originate', (originate) => {
  void originate.call.then((call) => call?.play(farEnd(call)));
});

/** After answer: a 1 s 440 Hz tone, then what the microphone sends, half a second later. */
function farEnd(call: FakeCall): AudioSource {
  return sequence({ source: tone(440, { amplitude: 0.3 }), durationMs: 1_000 }, { source: echo(call, { delayMs: 500 }) });
}
const gatewayUrl = gateway.browserUrl.replace('127.0.0.1', 'localhost');

async function callMe(res: ServerResponse): Promise<void> {
  try {
    const call = await asterisk.call(`ws-ext-${EXTENSION}`, { params: { from: '0000', name: lang === 'ja' ? 'エコーテスト' : 'Echo test' } });
    call.play(farEnd(call));
    res.writeHead(202, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ringing: true }));
  } catch (err) {
    log.error({ err }, 'echo call failed');
    res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/') {
    const token = await mintToken({ secret: config.jwt_secret, extension: EXTENSION, ttlSeconds: TOKEN_TTL_S });
    const html = phonePageHtml({ gatewayUrl, token, lang, title: 'GAG demo', before: demoIntro(lang, EXTENSION), body: demoBody(lang) });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
    return;
  }
  if (req.method === 'POST' && path === '/call-me') return callMe(res);
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
}

const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
process.stdout.write(`\n  GAG demo: open http://localhost:${port}  (extension ${EXTENSION}; Ctrl-C to stop)\n\n`);

const stop = async (): Promise<void> => {
  server.close();
  await asterisk.close();
  await gateway.close();
  await ami.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
