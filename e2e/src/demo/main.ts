/**
 * `npm start`: the gateway and a demo page on loopback, with an echo-test caller. No Asterisk
 * needed: the built-in fake Asterisk rings the page, plays a tone after answer, then echoes the
 * microphone back. It also serves the fake CRM page `examples/crm.html` at `/crm.html`, with the
 * token endpoint (`/token`) a CRM backend would have. `--origin` and `GAG_JWT_SECRET` let a page
 * of your own use the demo's gateway with tokens your backend mints. Dev mode only: the demo mints
 * tokens for anyone who can reach loopback.
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ConfigError, createLogger, devConfig, mintToken, startGateway } from '@gag/gateway';
import { FakeAmi, FakeAsterisk, echo, sequence, tone, type AudioSource, type FakeCall } from '../index.js';
import { phonePageHtml } from '../phone-page.js';
import { DEMO_USAGE, DemoUsageError, demoVersion, parseDemoArgs, portProblem, type DemoOptions } from './options.js';
import { TEXT_OF, demoBody, demoIntro } from './page.js';

/** The demo's extension. */
const EXTENSION = '1000';
const TOKEN_TTL_S = 12 * 3600;
/** The fake CRM page, read at each request (so it can be edited while the demo runs). */
const CRM_PAGE = new URL('../../../examples/crm.html', import.meta.url);
/** The gateway URL `examples/crm.html` assumes when the query does not say (`?server=`). */
const CRM_DEFAULT_SERVER = 'ws://localhost:8766';
/** What the demo accepts in queries: an extension, a caller number (`+` and digits) and a caller name. */
const EXTENSION_PATTERN = /^\w{1,16}$/;
const CALLER_NUMBER_PATTERN = /^\+?\d{1,20}$/;
const CALLER_NAME_MAX_CHARS = 40;

/** Print `message` as the demo's one line and exit with `code` (2: the command line or a port). */
function quit(message: string, code: number): never {
  process.stderr.write(`gag demo: ${message}\n`);
  process.exit(code);
}

let options: DemoOptions;
try {
  const parsed = parseDemoArgs(process.argv.slice(2), process.env);
  if (parsed === 'help') process.exit((process.stdout.write(DEMO_USAGE), 0));
  if (parsed === 'version') process.exit((process.stdout.write(`${demoVersion()}\n`), 0));
  options = parsed;
} catch (e) {
  if (e instanceof DemoUsageError) quit(e.message, 2);
  throw e;
}
const port = options.port;
const lang = options.lang;
/** A page's language: `?lang=` when it names one, else the demo's (`--lang`). */
const pageLang = (query: URLSearchParams): 'ja' | 'en' => {
  const asked = query.get('lang');
  return asked === 'ja' || asked === 'en' ? asked : lang;
};
const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...options.origins];
/** The token secret: yours from GAG_JWT_SECRET (to mint tokens in your own backend), else random. */
const jwtSecret = process.env['GAG_JWT_SECRET'];

// Only what needs attention, readable on a terminal: the start-up is the two URLs below.
const tty = process.stdout.isTTY === true;
const log = createLogger('warn', undefined, { format: tty ? 'pretty' : 'json', colorize: tty });
// Click-to-call works in the demo too: a fake AMI rings the page back, and the "far end" is the
// same tone-then-echo as the echo test. The secret only ever travels over loopback.
const ami = await FakeAmi.start({ secret: 'demo-ami-secret' });
const config = devConfig({
  originate: 'ami',
  ami_port: ami.port,
  ami_username: 'gag',
  ami_secret: 'demo-ami-secret',
  asterisk_addr: `127.0.0.1:${options.asteriskPort}`,
  browser_addr: `127.0.0.1:${options.gatewayPort}`,
  allowed_origins: origins,
  ...(jwtSecret === undefined ? {} : { jwt_secret: jwtSecret }),
});
const gateway = await startGateway(config, { log }).catch(async (e: unknown) => {
  await ami.close();
  // A port the gateway could not bind comes back as the config key it was given as.
  if (e instanceof ConfigError && (e.key === 'asterisk_addr' || e.key === 'browser_addr')) {
    const option = e.key === 'asterisk_addr' ? 'asterisk-port' : 'gateway-port';
    quit(portProblem(option, option === 'asterisk-port' ? options.asteriskPort : options.gatewayPort, (e.cause as NodeJS.ErrnoException | undefined)?.code), 2);
  }
  throw e;
});
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

/** The token the demo's pages log in with: what a CRM backend mints for the signed-in agent. */
function demoToken(extension: string): Promise<string> {
  return mintToken({ secret: config.jwt_secret, extension, ttlSeconds: TOKEN_TTL_S });
}

const sendJson = (res: ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/**
 * `POST /call-me`: the fake Asterisk calls `?ext=` (default the demo's) from `?from=` as `?name=`
 * (default: the echo test, a name without a number), then plays the far end; 409 when no phone of
 * the extension is online (nothing would ring). The CRM page's "simulate a call" buttons use it.
 */
async function callMe(query: URLSearchParams, res: ServerResponse): Promise<void> {
  const extension = query.get('ext') ?? EXTENSION;
  const from = query.get('from') ?? '';
  const name = query.get('name') ?? (query.has('from') ? '' : TEXT_OF[pageLang(query)].echoCaller);
  if (!EXTENSION_PATTERN.test(extension) || (from !== '' && !CALLER_NUMBER_PATTERN.test(from)) || name.length > CALLER_NAME_MAX_CHARS) {
    return sendJson(res, 400, { error: `ext must match ${EXTENSION_PATTERN}, from ${CALLER_NUMBER_PATTERN}, name at most ${CALLER_NAME_MAX_CHARS} characters` });
  }
  if (gateway.registry.phonesFor(extension).length === 0) {
    return sendJson(res, 409, { error: TEXT_OF[pageLang(query)].nobodyOnline.replace('{ext}', extension) });
  }
  const params = { ...(from === '' ? {} : { from }), ...(name === '' ? {} : { name }) };
  try {
    const call = await asterisk.call(`ws-ext-${extension}`, { params });
    call.play(farEnd(call));
    sendJson(res, 202, { ringing: true });
  } catch (err) {
    log.error({ err }, 'demo call failed');
    sendJson(res, 502, { error: (err as Error).message });
  }
}

/** `GET /token?ext=`: a fresh token as text, as the CRM page's `token-url` expects. */
async function token(query: URLSearchParams, res: ServerResponse): Promise<void> {
  const extension = query.get('ext') ?? EXTENSION;
  if (!EXTENSION_PATTERN.test(extension)) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`ext must match ${EXTENSION_PATTERN}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(await demoToken(extension));
}

/** `GET /crm.html`: the page as it is on disk; pointed at this demo's gateway when it is not the page's default. */
async function crmPage(query: URLSearchParams, res: ServerResponse): Promise<void> {
  if (!query.has('server') && gatewayUrl !== CRM_DEFAULT_SERVER) {
    query.set('server', gatewayUrl);
    res.writeHead(302, { Location: `/crm.html?${query}` }).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(await readFile(CRM_PAGE));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://demo');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /') {
    // The phone fetches its token from /token at each (re)connect, as a CRM page would: after the
    // demo restarts (a new random secret) it signs in again by itself.
    const lang = pageLang(url.searchParams);
    const html = phonePageHtml({ gatewayUrl, tokenUrl: `/token?ext=${EXTENSION}`, lang, title: 'GAG demo', before: demoIntro(lang, EXTENSION), body: demoBody(lang), fallback: `<p>${TEXT_OF[lang].noPhone}</p>` });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
    return;
  }
  if (route === 'GET /crm.html') return crmPage(url.searchParams, res);
  if (route === 'GET /token') return token(url.searchParams, res);
  if (route === 'POST /call-me') return callMe(url.searchParams, res);
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    log.error({ err, path: req.url?.split('?')[0] }, 'demo request failed');
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('demo error\n');
  });
});
await new Promise<void>((resolve) => {
  server.once('error', (err: NodeJS.ErrnoException) => {
    void Promise.all([asterisk.close(), gateway.close(), ami.close()]).finally(() => quit(portProblem('port', port, err.code), 2));
  });
  server.listen(port, '127.0.0.1', resolve);
});
process.stdout.write(
  `\n  GAG demo: open http://localhost:${port}  (extension ${EXTENSION}; Ctrl-C to stop)\n` +
    `  Fake CRM: open http://localhost:${port}/crm.html${lang === 'en' ? '?lang=en' : ''}\n\n`,
);

const stop = async (): Promise<void> => {
  server.close();
  await asterisk.close();
  await gateway.close();
  await ami.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
