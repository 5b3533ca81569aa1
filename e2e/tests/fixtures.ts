/**
 * Playwright fixtures: a gateway and a page server per worker, a fake Asterisk and a phone page
 * per test. Setup and teardown live together; every test ends with no call left over.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type Page } from '@playwright/test';
import { createLogger, devConfig, mintToken, startGateway, type Gateway } from '@gag/gateway';
import { FakeAmi, FakeAsterisk, analyseTone, type ToneAnalysis } from '../src/index.js';
import { phonePageHtml } from '../src/phone-page.js';

interface GagEnv {
  /** The gateway now (a new object after `restart()`). */
  readonly gateway: Gateway;
  /** Stop the gateway and start a new one on the same ports with the same secret, as a service restart would. */
  restart(): Promise<void>;
  /** The fake AMI the gateway originates click-to-calls through (its call backs ring via a FakeAsterisk). */
  readonly ami: FakeAmi;
  /** Origin of the page server, e.g. http://localhost:41234. */
  readonly pageOrigin: string;
  /**
   * Serve `body` at `path` from the page origin, for pages a test builds itself (the SDK example).
   * A real server, not `page.route`: Chromium lets only a page it fetched from loopback reach the
   * loopback gateway (Local Network Access).
   */
  serve(path: string, contentType: string, body: string): void;
}

/** The phone page of one extension, with the `gag-*` events it dispatched. */
export interface PhonePage {
  readonly page: Page;
  readonly extension: string;
  /** `gag-*` events seen so far, in order. */
  events(): Promise<Array<{ type: string; detail: Record<string, unknown> }>>;
}

const GAG_EVENTS = ['gag-incoming', 'gag-answered', 'gag-ended', 'gag-state', 'gag-error'];

export const test = base.extend<{ fakeAsterisk: FakeAsterisk; phonePage: PhonePage }, { gag: GagEnv }>({
  gag: [
    async ({}, use) => {
      let gateway: Gateway | undefined;
      let secret = '';
      const served = new Map<string, { contentType: string; body: string }>();
      const pages: Server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const file = served.get(url.pathname);
        if (file !== undefined) {
          res.writeHead(200, { 'Content-Type': file.contentType, 'Cache-Control': 'no-store' }).end(file.body);
          return;
        }
        const extension = url.searchParams.get('ext') ?? '2001';
        if (url.pathname === '/token') {
          // What a CRM backend does for a custom UI built on the SDK: a fresh token for each connection (`getToken`).
          void mintToken({ secret, extension, ttlSeconds: 600 }).then((token) =>
            res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(token),
          );
          return;
        }
        const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
        void mintToken({ secret, extension, ttlSeconds: 600 }).then((token) =>
          res
            .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
            .end(phonePageHtml({ gatewayUrl: gateway!.browserUrl.replace('127.0.0.1', 'localhost'), token, lang })),
        );
      });
      await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
      const pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
      const log = createLogger(process.env['GAG_LOG'] === '1' ? 'debug' : 'warn');
      const amiSecret = 'e2e-ami-secret';
      const ami = await FakeAmi.start({ secret: amiSecret });
      const originate = { originate: 'ami', ami_port: ami.port, ami_username: 'gag', ami_secret: amiSecret } as const;
      const first = devConfig({ asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', allowed_origins: [pageOrigin], ...originate });
      secret = first.jwt_secret;
      gateway = await startGateway(first, { log });
      const callBacks = new FakeAsterisk({ url: gateway.asteriskUrl });
      ami.asterisk = callBacks;
      const port = (url: string): string => new URL(url).port;
      const again = devConfig({
        asterisk_addr: `127.0.0.1:${port(gateway.asteriskUrl)}`,
        browser_addr: `127.0.0.1:${port(gateway.browserUrl)}`,
        allowed_origins: [pageOrigin],
        jwt_secret: secret,
        ...originate,
      });
      await use({
        get gateway() {
          return gateway!;
        },
        ami,
        pageOrigin,
        serve: (path, contentType, body) => void served.set(path, { contentType, body }),
        async restart() {
          await gateway!.close();
          gateway = await startGateway(again, { log });
        },
      });
      await callBacks.close();
      await gateway.close();
      await ami.close();
      pages.close();
    },
    { scope: 'worker' },
  ],
  fakeAsterisk: async ({ gag }, use) => {
    const asterisk = new FakeAsterisk({ url: gag.gateway.asteriskUrl });
    await use(asterisk);
    await asterisk.close();
    await expect.poll(() => gag.gateway.router.calls.length, { message: 'calls left over' }).toBe(0);
  },
  phonePage: async ({ page, gag }, use) => {
    const extension = '2001';
    await page.addInitScript((types) => {
      const seen: unknown[] = [];
      (window as unknown as { __gagEvents: unknown[] }).__gagEvents = seen;
      for (const type of types) document.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
    }, GAG_EVENTS);
    await page.goto(`${gag.pageOrigin}/?ext=${extension}`);
    await use({
      page,
      extension,
      events: () => page.evaluate(() => (window as unknown as { __gagEvents: never[] }).__gagEvents),
    });
  },
});

/** What the page's `<gag-phone>` is playing out right now, from the SDK's diagnostics tap. */
export async function playback(phone: PhonePage): Promise<{ samples: number[]; rateHz: number }> {
  return phone.page.evaluate(() => {
    const audio = document.querySelector('gag-phone')?.activeCall?.audio;
    if (audio === undefined) throw new Error('no call audio');
    const analyser = audio.diagnostics.playback;
    const buf = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(buf);
    return { samples: Array.from(buf), rateHz: audio.sampleRateHz };
  });
}

/** Level of a sine at amplitude 0.5, the level of the test tones both ways: RMS 0.354. */
export const TONE_DBFS = 20 * Math.log10(0.5 / Math.SQRT2);

/**
 * Wait (bounded) until what `read` returns carries `hz` (±20 Hz) at {@link TONE_DBFS} (±3 dB) as a
 * clean tone (purity > 0.9), i.e. once playout is steady; records and returns the analysis.
 */
export async function expectPlaysTone(read: () => Promise<{ samples: number[]; rateHz: number }>, hz: number): Promise<ToneAnalysis> {
  let heard: ToneAnalysis | undefined;
  await expect
    .poll(async () => {
      const { samples, rateHz } = await read();
      heard = analyseTone(samples, rateHz);
      return Math.abs(heard.hz - hz) <= 20 && Math.abs(heard.levelDbfs - TONE_DBFS) <= 3 && heard.purity > 0.9;
    }, { timeout: 5_000, message: `the page plays the ${hz} Hz tone` })
    .toBe(true);
  test.info().annotations.push({ type: 'downlink tone', description: JSON.stringify(heard) });
  return heard!;
}

export { expect };
