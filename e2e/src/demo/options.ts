/**
 * The demo's command line (`npm start -- …`): options, their environment variables, `--help`,
 * and the one-line messages for a bad value or a port that cannot be taken.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** What the demo runs with. */
export interface DemoOptions {
  /** The demo page's port. */
  readonly port: number;
  /** The gateway's browser port (`browser_addr`). */
  readonly gatewayPort: number;
  /** The gateway's Asterisk port (`asterisk_addr`), where the built-in fake Asterisk dials. */
  readonly asteriskPort: number;
  readonly lang: 'ja' | 'en';
  /** Origins of your own pages allowed to use the demo's gateway. */
  readonly origins: readonly string[];
}

/** Each port option, its environment variable and default, and the gateway key it sets. */
export const PORT_OPTIONS = {
  port: { env: 'GAG_DEMO_PORT', default: '8080', what: 'the demo page', key: undefined },
  'gateway-port': { env: 'GAG_GATEWAY_PORT', default: '8766', what: "the gateway's browser port", key: 'browser_addr' },
  'asterisk-port': { env: 'GAG_ASTERISK_PORT', default: '8765', what: "the gateway's Asterisk port", key: 'asterisk_addr' },
} as const;
export type PortOption = keyof typeof PORT_OPTIONS;

export const DEMO_USAGE = `Usage: npm start -- [options]     (or: node e2e/dist/demo/main.js [options])

The GAG demo on loopback: a gateway, a page with <gag-phone> (extension 1000) and an echo-test
caller, the fake CRM at /crm.html. No Asterisk or Redis needed.

  --port N            the demo page (default 8080; env GAG_DEMO_PORT)
  --gateway-port N    the gateway's browser port (default 8766; env GAG_GATEWAY_PORT)
  --asterisk-port N   the gateway's Asterisk port (default 8765; env GAG_ASTERISK_PORT)
  --lang ja|en        the page's language (default ja)
  --origin URL        also let pages from URL use the gateway (repeatable), e.g. http://localhost:3000
  -h, --help          this help
  -v, --version       print the version

Environment: GAG_JWT_SECRET signs the demo's tokens (random if unset), so your backend can mint
tokens for your own page.
`;

/** A mistake in the command line: its message is printed as one line (exit 2). */
export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

function port(option: PortOption, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    throw new DemoUsageError(`--${option} (${PORT_OPTIONS[option].env}) must be a port from 1 to 65535, got "${value}"`);
  }
  return n;
}

/**
 * Parse the demo's argv and environment.
 * @returns the options, or `help` / `version` to print.
 * @throws DemoUsageError for an unknown option or a bad value.
 */
export function parseDemoArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): DemoOptions | 'help' | 'version' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: env[PORT_OPTIONS.port.env] ?? PORT_OPTIONS.port.default },
        'gateway-port': { type: 'string', default: env[PORT_OPTIONS['gateway-port'].env] ?? PORT_OPTIONS['gateway-port'].default },
        'asterisk-port': { type: 'string', default: env[PORT_OPTIONS['asterisk-port'].env] ?? PORT_OPTIONS['asterisk-port'].default },
        lang: { type: 'string', default: 'ja' },
        origin: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (e) {
    throw new DemoUsageError(`${(e as Error).message} (npm start -- --help lists the options)`);
  }
  if (values.help === true) return 'help';
  if (values.version === true) return 'version';
  if (values.lang !== 'ja' && values.lang !== 'en') throw new DemoUsageError(`--lang must be ja or en, got "${values.lang}"`);
  for (const origin of values.origin) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new DemoUsageError(`--origin must be an origin like http://localhost:3000 (no path), got "${origin}"`);
  }
  return {
    port: port('port', values.port),
    gatewayPort: port('gateway-port', values['gateway-port']),
    asteriskPort: port('asterisk-port', values['asterisk-port']),
    lang: values.lang,
    origins: values.origin,
  };
}

/** The one line for a port the demo could not take: which option, which variable, what to do. */
export function portProblem(option: PortOption, portNumber: number, code: string | undefined): string {
  const { env, what } = PORT_OPTIONS[option];
  const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be used by this user' : 'cannot be used';
  return `port ${portNumber} (${what}) ${why}: stop what uses it (ss -ltnp 'sport = :${portNumber}') or pick another with --${option} N or ${env}=N`;
}

/** The e2e package's version, for `--version`. */
export function demoVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
