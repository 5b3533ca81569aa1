/**
 * `@gag/e2e/playwright`: Playwright fixtures to test a page with a GAG phone in it (your CRM)
 * without an Asterisk. Each worker runs a gateway on free loopback ports; each test gets a fake
 * Asterisk that rings extensions, and the page under test, opened and logged in.
 *
 * @example
 * import { test, expect } from '@gag/e2e/playwright';
 *
 * test.use({ gagStaticDir: 'public', gagPage: '/crm.html' });
 *
 * test('an incoming call opens the customer record', async ({ page, phone, asterisk }) => {
 *   const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka', play: 440 });
 *   await phone.expectRinging({ from: '0312345678' });
 *   await expect(page.locator('#record')).toContainText('Tanaka');
 *   await phone.answer();
 *   await call.expectAudio({ hz: 1000 }); // the browser's fake microphone reaches Asterisk
 *   await phone.expectAudio({ hz: 440 }); // and the caller's tone reaches the browser
 *   await call.hangup();
 *   await phone.expectEnded({ reason: 'remote_hangup' });
 * });
 * @module @gag/e2e/playwright
 */
import { test as base, expect, type BrowserContext, type ConsoleMessage, type Page, type Request as PageRequest, type Response as PageResponse } from '@playwright/test';
import { GagError } from '@gag/sdk/protocol';
import type { GatewayConfigInput } from '@gag/gateway';
import { GagAsterisk } from './asterisk.js';
import type { FakeForkReceiver } from '../fake-fork/receiver.js';
import { startGagEnv, type GagEnv, type GagEnvControl, type GroupsInput } from './gag-env.js';
import { withForkReceiver, withRecordingDir } from './media-fixtures.js';
import { describePhone, installProbe, PHONE_EVENTS, type GagPageConfig } from './page-probe.js';
import { GagPhone } from './phone.js';

export { expect };
export { AsteriskCall, GagAsterisk, TONE_DBFS, type CallOptions } from './asterisk.js';
export { expectTone, isTone, type ToneExpectation } from './audio-expect.js';
export type { GagEnv, GatewayChanges, GroupsInput } from './gag-env.js';
export { DEFAULT_MIC_TONE, gagLaunchOptions, micToneWav, type GagLaunchOptions, type MicTone } from './launch.js';
export { NetworkLink } from './network-link.js';
export type { GagPageConfig, PhoneEvent } from './page-probe.js';
export { GagPhone, type CallerExpectation, type EndReason } from './phone.js';
export type { FakeForkReceiver, ForkEvent, ForkStream, ForkTrack } from '../fake-fork/receiver.js';

/**
 * Options for the whole worker (`test.use({ … })` at the top of a file, or `use` in the config).
 * @example test.use({ gagGateway: { ring_timeout_ms: 20_000 }, gagGroups: { sales: { strategy: 'ringall', members: ['2001', '2002'] } } });
 */
export interface GagWorkerOptions {
  /**
   * Gateway config on top of the test defaults, e.g. `{ ring_timeout_ms: 20_000 }`. Click-to-call
   * goes through a fake AMI unless this sets `originate` and its `ami_*` / `ari_*` keys (a real Asterisk).
   */
  gagGateway: Partial<GatewayConfigInput>;
  /** Groups as in `gag_groups.json`, e.g. `{ sales: { strategy: 'ringall', members: ['2001', '2002'] } }` (`timeout` 30 s unless given). */
  gagGroups: GroupsInput;
  /** A folder the fixtures' page server serves at `/`, e.g. your built front end. */
  gagStaticDir: string | undefined;
  /** Origins of your own server besides the page server's, allowed to open phones (`allowed_origins`). */
  gagAllowedOrigins: string[];
  /** The gateway's log level on stderr (default `warn`). */
  gagLogLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Options per test.
 * @example test.use({ gagPage: '/crm.html', gagExtension: '2002' });
 */
export interface GagTestOptions {
  /**
   * The page under test: a path on the page server (a file of `gagStaticDir`) or the URL of your
   * own server. Default `/`: a built-in page with `<gag-phone>`.
   */
  gagPage: string;
  /** The extension the page's phone logs in as (default `2001`). */
  gagExtension: string;
  /** Add `server`, `ext` and `token-url` to the page's query string (default true; never replaces ones already there). */
  gagPageQuery: boolean;
}

/**
 * How {@link GagFixtures.openPhone} opens another phone.
 * @example const desk = await openPhone({ extension: '2002', url: '/desk.html' });
 */
export interface OpenPhoneOptions {
  /** Default: `gagExtension`. */
  readonly extension?: string;
  /** Default: `gagPage`. */
  readonly url?: string;
  /** Wait until the gateway has the phone online (default true). */
  readonly waitOnline?: boolean;
}

/**
 * The test fixtures.
 * @example test('rings', async ({ asterisk, phone }) => { await asterisk.call('2001'); await phone.expectRinging(); });
 */
export interface GagFixtures {
  /** The fake Asterisk: `await asterisk.call('2001', { from, name })`. Every call is hung up after the test. */
  asterisk: GagAsterisk;
  /** The page under test on `page`, its phone online as `gagExtension`. */
  phone: GagPhone;
  /** Another device: a new browser context (its own storage, its own tabs) with the page under test, online. */
  openPhone(options?: OpenPhoneOptions): Promise<GagPhone>;
  /**
   * A fake speech or AI service on loopback, the gateway's `fork_url` for this test: fork calls with
   * a rule (`await gag.configure({ config: { fork_all_calls: true } })`) or the API, then
   * `await forkReceiver.nextStream()` (docs/fork-and-record.md#live-forks).
   */
  forkReceiver: FakeForkReceiver;
  /**
   * A fresh folder, the gateway's `recording_dir` for this test: record calls with a rule
   * (`record_all_calls`, `record_extensions`) or the API; removed after the test, once every
   * recording has finished its files.
   */
  recordingDir: string;
}

/** @internal Fixtures of the fixtures: not for tests. */
export interface GagInternalFixtures {
  /** The phones a test opened, closed after it, in one place so their teardown waits for every one. */
  _gagPhones: PhoneTracker;
  _gagReset: void;
}

/**
 * The worker fixtures.
 * @example test('the gateway is up', async ({ gag }) => { expect(gag.gatewayUrl).toMatch(/^ws:/); });
 */
export interface GagWorkerFixtures {
  /** The gateway, page server and network of this worker. */
  gag: GagEnv;
  /** @internal */
  _gagEnv: GagEnvControl;
}

/** @internal The pages and contexts of a test's phones. */
export interface PhoneTracker {
  open(page: Page, options: Required<OpenPhoneOptions> & { query: boolean }): Promise<GagPhone>;
  newContext(): Promise<BrowserContext>;
}

/** What a page reports while its phone comes online, kept short for an error message. */
const MAX_PAGE_PROBLEMS = 10;

/**
 * Open the page under test in `page`, with its config, and wait until its phone is online.
 * @throws GagError `GAG_OPTIONS_INVALID` when the page answers an HTTP error; `GAG_NOT_CONNECTED`
 * when its phone does not come online, with what the page showed and reported.
 */
async function openOn(gag: GagEnv, page: Page, options: Required<OpenPhoneOptions> & { query: boolean }): Promise<GagPhone> {
  const { extension } = options;
  const target = new URL(options.url, gag.pageOrigin);
  /** The page as the test named it, for messages (the query added below is the fixtures' own). */
  const named = redact(target.href);
  if (target.origin !== gag.pageOrigin) await gag.allowOrigin(target.origin);
  const config: GagPageConfig = { server: gag.gatewayUrl, extension, tokenUrl: gag.tokenUrl(extension), token: await gag.mintToken(extension) };
  if (options.query) {
    for (const [key, value] of [['server', config.server], ['ext', extension], ['token-url', config.tokenUrl]] as const) {
      if (!target.searchParams.has(key)) target.searchParams.set(key, value);
    }
  }
  await page.addInitScript(installProbe, { config, types: PHONE_EVENTS });
  const sessions = (): string[] => gag.gateway.registry.sessionsFor(extension).map((s) => s.id);
  const before = new Set(sessions());
  const problems = watchProblems(page);
  try {
    const response = await page.goto(target.href);
    if (response !== null && !response.ok()) {
      const where = target.origin === gag.pageOrigin ? ' (is the file in gagStaticDir?)' : '';
      throw new GagError('GAG_OPTIONS_INVALID', `the page under test ${named} answered HTTP ${response.status()}${where}`);
    }
    if (!options.waitOnline) return new GagPhone(page, extension);
    try {
      await expect.poll(() => sessions().some((id) => !before.has(id)), { message: `the page's phone is online as ${extension}` }).toBe(true);
    } catch (e) {
      const shown = await page.evaluate(describePhone).catch((err: unknown) => `the page could not be read: ${String(err)}`);
      const reported = problems.list.length === 0 ? '' : `\n${problems.list.join('\n')}`;
      throw new GagError('GAG_NOT_CONNECTED', `the phone of ${named} did not come online as ${extension}: ${shown}${reported}`, { cause: e });
    }
    return new GagPhone(page, extension);
  } finally {
    problems.stop();
  }
}

/** Tokens stay out of test output (a legacy URL carries one in `?token=`). */
const redact = (text: string): string => text.replace(/([?&]token=)[^&\s'"]+/g, '$1…');

/** Collect what goes wrong on `page` (script errors, console errors, failed or refused requests) until `stop()`. */
function watchProblems(page: Page): { readonly list: string[]; stop(): void } {
  const list: string[] = [];
  const note = (line: string): void => void (list.length < MAX_PAGE_PROBLEMS && list.push(redact(line)));
  const onError = (e: Error): void => note(`page error: ${e.message}`);
  const onConsole = (m: ConsoleMessage): void => void (m.type() === 'error' && note(`console: ${m.text()}`));
  const onResponse = (r: PageResponse): void => void (r.status() >= 400 && note(`HTTP ${r.status()}: ${r.url()}`));
  const onFailed = (r: PageRequest): void => note(`request failed (${r.failure()?.errorText ?? 'unknown'}): ${r.url()}`);
  page.on('pageerror', onError).on('console', onConsole).on('response', onResponse).on('requestfailed', onFailed);
  return {
    list,
    stop: () => void page.off('pageerror', onError).off('console', onConsole).off('response', onResponse).off('requestfailed', onFailed),
  };
}

/**
 * `test` with the GAG fixtures: `gag` (worker), `asterisk`, `phone`, `openPhone`. Config changes
 * made with `gag.configure()` are undone after each test.
 * @example
 * test('an answered call carries audio both ways', async ({ asterisk, phone }) => {
 *   await asterisk.call('2001', { play: 440 });
 *   await phone.answer();
 *   await phone.expectAudio({ hz: 440 });
 * });
 */
export const test = base.extend<GagTestOptions & GagFixtures & GagInternalFixtures, GagWorkerOptions & GagWorkerFixtures>({
  gagGateway: [{}, { scope: 'worker', option: true }],
  gagGroups: [{}, { scope: 'worker', option: true }],
  gagStaticDir: [undefined, { scope: 'worker', option: true }],
  gagAllowedOrigins: [[], { scope: 'worker', option: true }],
  gagLogLevel: ['warn', { scope: 'worker', option: true }],
  gagPage: ['/', { option: true }],
  gagExtension: ['2001', { option: true }],
  gagPageQuery: [true, { option: true }],

  _gagEnv: [
    async ({ gagGateway, gagGroups, gagStaticDir, gagAllowedOrigins, gagLogLevel }, use) => {
      const env = await startGagEnv({ config: gagGateway, groups: gagGroups, staticDir: gagStaticDir, allowedOrigins: gagAllowedOrigins, logLevel: gagLogLevel });
      await use(env);
      await env.close();
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  gag: [async ({ _gagEnv }, use) => use(_gagEnv), { scope: 'worker' }],
  _gagReset: [
    async ({ _gagEnv }, use) => {
      await use();
      _gagEnv.network.restore();
      await _gagEnv.reset();
    },
    { auto: true },
  ],
  _gagPhones: async ({ gag, context }, use) => {
    const pages: Page[] = [];
    const contexts: BrowserContext[] = [];
    const extensions = new Set<string>();
    await use({
      async open(page, options) {
        pages.push(page);
        extensions.add(options.extension);
        return openOn(gag, page, options);
      },
      async newContext() {
        // The browser of the test's own context: a project that runs its pages in another browser gets its devices there too.
        const owner = context.browser();
        if (owner === null) throw new GagError('GAG_OPTIONS_INVALID', 'openPhone() needs a browser that can open a new context (not a persistent context)');
        const device = await owner.newContext();
        contexts.push(device);
        return device;
      },
    });
    await Promise.all([...pages.map((p) => p.close()), ...contexts.map((c) => c.close())]);
    const left = (): number => [...extensions].reduce((n, e) => n + gag.gateway.registry.sessionsFor(e).length, 0);
    await expect.poll(left, { message: 'phones still online after their pages closed' }).toBe(0);
  },
  phone: async ({ page, gagPage, gagExtension, gagPageQuery, _gagPhones }, use) => {
    await use(await _gagPhones.open(page, { extension: gagExtension, url: gagPage, waitOnline: true, query: gagPageQuery }));
  },
  openPhone: async ({ gagPage, gagExtension, gagPageQuery, _gagPhones }, use) => {
    await use(async (options = {}) => {
      const context = await _gagPhones.newContext();
      const page = await context.newPage();
      return _gagPhones.open(page, {
        extension: options.extension ?? gagExtension,
        url: options.url ?? gagPage,
        waitOnline: options.waitOnline ?? true,
        query: gagPageQuery,
      });
    });
  },
  forkReceiver: async ({ gag }, use) => withForkReceiver(gag, use),
  recordingDir: async ({ gag, asterisk }, use) => withRecordingDir(gag, asterisk, use),
  asterisk: async ({ gag }, use) => {
    const asterisk = new GagAsterisk(gag.gateway.asteriskUrl);
    await use(asterisk);
    await asterisk.close();
    await expect.poll(() => gag.gateway.router.calls.length, { message: 'calls left over in the gateway' }).toBe(0);
  },
});
