/**
 * A gateway on loopback port 0 for one test, with its log lines captured, a token minter and a
 * fake Asterisk pointed at it; `stop()` closes everything. `gatewayPerTest()` and
 * `gatewayPerTestOnDemand()` give each test its own and check, after it, that no call and no
 * session is left over: the preamble gateway test files would otherwise each copy.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect } from 'vitest';
import { FakeAsterisk } from '@gag/e2e';
import { createLogger, devConfig, mintToken, startGateway, type Gateway, type GatewayConfig, type GatewayConfigInput, type GroupsConfig } from '@gag/gateway';
import { TEST_ORIGIN, TestPhone } from './phone.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestGateway {
  readonly gw: Gateway;
  readonly asterisk: FakeAsterisk;
  /** Every log line, parsed. */
  readonly logs: Array<Record<string, unknown> & { msg: string }>;
  token(extension: string, ttlSeconds?: number): Promise<string>;
  /** A logged-in browser peer for `extension`. */
  phone(extension: string): Promise<TestPhone>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly groups?: GroupsConfig;
  readonly heartbeatIntervalMs?: number;
  /** Bound on an upgrade's headers on the Asterisk port. */
  readonly asteriskHeadersTimeoutMs?: number;
  /** What the fake Asterisk sends as Basic credentials (websocket_client.conf username/password). */
  readonly asteriskCredentials?: { readonly username: string; readonly password: string };
}

/** Every log line a gateway writes to `sink`, parsed, in `logs`. */
export function captureLogs(): { logs: TestGateway['logs']; sink: Writable } {
  const logs: TestGateway['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  return { logs, sink };
}

/** The dev config on loopback port 0, the test origin and secret, debug logs, plus `overrides`. */
export function testConfig(overrides: Partial<GatewayConfigInput> = {}): GatewayConfig {
  return devConfig({
    asterisk_addr: '127.0.0.1:0',
    browser_addr: '127.0.0.1:0',
    allowed_origins: [TEST_ORIGIN],
    jwt_secret: TEST_SECRET,
    log_level: 'debug',
    ...overrides,
  });
}

export async function startTestGateway(overrides: Partial<GatewayConfigInput> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const { logs, sink } = captureLogs();
  const config = testConfig(overrides);
  const gw = await startGateway(config, { log: createLogger('debug', sink), ...(options.groups === undefined ? {} : { groups: options.groups }), ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }), ...(options.asteriskHeadersTimeoutMs === undefined ? {} : { asteriskHeadersTimeoutMs: options.asteriskHeadersTimeoutMs }) });
  const asterisk = new FakeAsterisk({ url: gw.asteriskUrl, ...options.asteriskCredentials });
  const phones: TestPhone[] = [];
  const token = (extension: string, ttlSeconds = 60): Promise<string> => mintToken({ secret: TEST_SECRET, extension, ttlSeconds, issuer: config.jwt_issuer, audience: config.jwt_audience });
  return {
    gw,
    asterisk,
    logs,
    token,
    async phone(extension) {
      const phone = await TestPhone.login(gw.browserUrl, await token(extension));
      phones.push(phone);
      return phone;
    },
    async stop() {
      await asterisk.close();
      for (const p of phones) p.close();
      await gw.close();
    },
  };
}

/** This test's gateway, from {@link gatewayPerTest} or {@link gatewayPerTestOnDemand}. */
export interface PerTestGateway extends TestGateway {
  /** Start this test's gateway with `overrides`, stopping the one running (if any) first. */
  start(overrides?: Partial<GatewayConfigInput>, options?: TestGatewayOptions): Promise<void>;
}

/**
 * A fresh gateway for every test of the calling file (or `describe`): started before each test,
 * stopped after it, and then checked to hold no call and no session. The returned object stands
 * for the current test's gateway, so helpers at the top of a file can use it too. A file's own
 * `afterEach` (registered after this call) runs before the stop.
 *
 * @example
 * const t = gatewayPerTest();
 * test('a call rings the phone', async () => {
 *   const phone = await t.phone('2001');
 *   await t.asterisk.call('ws-ext-2001');
 *   await phone.next('incoming');
 * });
 */
export function gatewayPerTest(overrides: Partial<GatewayConfigInput> = {}, options: TestGatewayOptions = {}): PerTestGateway {
  const t = perTest();
  beforeEach(() => t.start(overrides, options));
  return t;
}

/**
 * As {@link gatewayPerTest}, for files whose tests each start their gateway with their own
 * settings: nothing runs until a test calls `t.start(…)`; stopped and checked after each test.
 *
 * @example
 * const t = gatewayPerTestOnDemand();
 * test('a token without the issuer is refused', async () => {
 *   await t.start({ jwt_issuer: 'https://crm.test' });
 *   …
 * });
 */
export function gatewayPerTestOnDemand(): PerTestGateway {
  return perTest();
}

/** The per-test gateway: registers the stop-and-check after each test; started by `start()`. */
function perTest(): PerTestGateway {
  let current: TestGateway | undefined;
  afterEach(async () => {
    const t = current;
    current = undefined;
    if (t === undefined) return;
    await t.stop();
    expect(t.gw.router.calls).toHaveLength(0);
    await expect.poll(() => t.gw.registry.all(), { timeout: 2_000 }).toHaveLength(0); // every session let go of its socket
  });
  const now = (): TestGateway => {
    if (current === undefined) throw new Error('no gateway: it exists only while a test runs, once started');
    return current;
  };
  return {
    get gw() {
      return now().gw;
    },
    get asterisk() {
      return now().asterisk;
    },
    get logs() {
      return now().logs;
    },
    token: (extension, ttlSeconds) => now().token(extension, ttlSeconds),
    phone: (extension) => now().phone(extension),
    stop: () => now().stop(),
    async start(overrides = {}, options = {}) {
      const running = current;
      current = undefined;
      await running?.stop();
      current = await startTestGateway(overrides, options);
    },
  };
}
