/**
 * What the supervisor specs share (issue 21): a second Chromium whose fake microphone is 700 Hz
 * (the supervisor's voice; the agent's browser keeps the config's 1 kHz), the page with
 * `<gag-board>` (its built script and the files it loads next to it, served by the page server),
 * a supervisor's token, the gateway's `supervisors` config, and two probes: what a page's
 * WebSocket received (every audio frame's level, on the wire, before the SDK plays it) and what
 * the board plays out.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import { mintToken } from '@gag/gateway';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { FRAME_MS } from '@gag/sdk/protocol';
import { GagPhone, TONE_DBFS, expect, gagLaunchOptions, test as base, type AsteriskCall, type GagEnv, type GroupsInput } from '../src/playwright/index.js';
import { PHONE_EVENTS, installProbe } from '../src/playwright/page-probe.js';
import { goertzelAmplitude } from '../src/tones.js';

/** The supervisor's extension and its voice. */
export const SUPERVISOR = '9000';
export const SUPERVISOR_HZ = 700;
/** The tones on a call: the caller (fake Asterisk) and the agent (the browser's fake microphone). */
export const CALLER_HZ = 440;
export const AGENT_HZ = 1_000;
/** A tone that is not there: its Goertzel level at most this, dBFS (a present one is about −9). */
export const ABSENT_DBFS = -40;
/** The calls' codec here (the fake Asterisk dials slin16) and how much of it a check analyses. */
const WIRE_RATE_HZ = 16_000;
const LISTEN_MS = 500;

const DIST = fileURLToPath(new URL('../../web-components/dist/', import.meta.url));

/** A Chromium whose microphone is the supervisor's 700 Hz (the fake microphone is per browser). */
export async function launchSupervisorBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('No Chromium: run `node e2e/scripts/chromium.mjs` or set GAG_CHROMIUM');
  return chromium.launch({ headless: true, ...gagLaunchOptions({ executablePath, args: CHROMIUM_ARGS, micTone: { hz: SUPERVISOR_HZ, amplitude: 0.5 } }) });
}

/**
 * The fixtures and `supervisorPage`: a page in a browser of its own whose microphone is the
 * supervisor's 700 Hz (one browser per worker, a fresh context per test).
 */
export const test = base.extend<{ supervisorPage: Page }, { supervisorBrowser: Browser }>({
  supervisorBrowser: [
    async ({}, use) => {
      const browser = await launchSupervisorBrowser();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  supervisorPage: async ({ supervisorBrowser, viewport, deviceScaleFactor, hasTouch }, use) => {
    const context = await supervisorBrowser.newContext({ viewport, ...(deviceScaleFactor === undefined ? {} : { deviceScaleFactor }), hasTouch });
    await use(await context.newPage());
    await context.close();
  },
});

/** The calls table's row of the call `agent` talks in. */
export const callRow = (board: Locator, agent: string): Locator =>
  board.locator('tr[data-call]').filter({ has: board.page().getByRole('rowheader', { name: agent, exact: true }) });

/** Supervisor 9000 may see and join 2001, 2002 and the group `sales` (with these `groups`, when given). */
export async function configureSupervisors(gag: GagEnv, groups?: GroupsInput): Promise<void> {
  await gag.configure({ config: { supervisors: { [SUPERVISOR]: { extensions: ['2001', '2002'], groups: ['sales'] } } }, ...(groups === undefined ? {} : { groups }) });
}

/** A token of `extension` with `gag_role: "supervisor"`. */
export function supervisorToken(gag: GagEnv, extension = SUPERVISOR): Promise<string> {
  const secret = gag.gateway.config.jwt_secret;
  if (secret === undefined) throw new Error('the fixtures\' gateway has no jwt_secret');
  return mintToken({ secret, extension, ttlSeconds: 600, supervisor: true });
}

/** Serve web-components/dist's drop-in files (gag-board.js and what it loads next to itself) from the page origin. */
function serveBoardFiles(gag: GagEnv): void {
  for (const name of readdirSync(DIST).filter((f) => f.endsWith('.js'))) gag.serve(`/${name}`, 'text/javascript; charset=utf-8', readFileSync(`${DIST}${name}`));
}

/** A page with `<gag-board>` as a supervisor's web page has it: one script tag and the element. */
export function boardPageHtml(options: { gatewayUrl: string; token: string; lang: 'ja' | 'en'; attributes?: string }): string {
  return `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Supervisor</title><link rel="icon" href="data:,"><script src="/gag-board.js"></script>
<style>body { margin: 16px; background: #f5f7fa; font: 15px system-ui, sans-serif; } main { max-width: 60rem; }</style></head>
<body><main><gag-board server="${options.gatewayUrl}" ${options.attributes ?? ''}></gag-board></main>
<script>document.querySelector('gag-board').token = ${JSON.stringify(options.token)};</script></body></html>`;
}

/** Open the board on `page` as the supervisor (`lang`), recording its received audio frames. */
export async function openBoard(page: Page, gag: GagEnv, options: { lang?: 'ja' | 'en'; token?: string; attributes?: string } = {}): Promise<void> {
  serveBoardFiles(gag);
  const path = `/board-${Math.random().toString(36).slice(2)}.html`;
  const token = options.token ?? (await supervisorToken(gag));
  gag.serve(path, 'text/html; charset=utf-8', boardPageHtml({ gatewayUrl: gag.gatewayUrl, token, lang: options.lang ?? 'en', ...(options.attributes === undefined ? {} : { attributes: options.attributes }) }));
  await page.addInitScript(recordWireAudio);
  await page.goto(`${gag.pageOrigin}${path}`);
}

/**
 * In the page, before its scripts: a copy of every BINARY message its WebSockets receive (the
 * call's slin16 audio) with its time, in `window.__gagWire`, taken before the SDK hands the buffer
 * on (a listener added in the constructor runs before the SDK's `onmessage`).
 */
export function recordWireAudio(): void {
  const frames: { atMs: number; pcm: Int16Array }[] = [];
  (window as unknown as { __gagWire: typeof frames }).__gagWire = frames;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (e.data instanceof ArrayBuffer) frames.push({ atMs: performance.now(), pcm: new Int16Array(e.data.slice(0, e.data.byteLength & ~1)) });
      });
    }
  };
}

/** The audio a page received from `fromMs` (its clock) on: the samples (−1…1) and each message's time and RMS. */
export interface WireStretch {
  readonly samples: number[];
  readonly messages: { readonly atMs: number; readonly rms: number }[];
  /** The page's clock when read. */
  readonly nowMs: number;
}

/** What `page` received (its {@link recordWireAudio} record) from `fromMs` on, and its clock now. */
export const wireSince = (page: Page, fromMs: number): Promise<WireStretch> =>
  page.evaluate((from) => {
    const all = (window as unknown as { __gagWire?: { atMs: number; pcm: Int16Array }[] }).__gagWire ?? [];
    const samples: number[] = [];
    const messages: { atMs: number; rms: number }[] = [];
    for (const { atMs, pcm } of all) {
      if (atMs < from) continue;
      let sum = 0;
      for (const v of pcm) {
        samples.push(v / 32768);
        sum += (v / 32768) ** 2;
      }
      messages.push({ atMs, rms: Math.sqrt(sum / Math.max(pcm.length, 1)) });
    }
    return { samples, messages, nowMs: performance.now() };
  }, fromMs);

/** The page's clock now, ms (to mark where a stretch of {@link wireSince} starts). */
export const pageNow = (page: Page): Promise<number> => page.evaluate(() => performance.now());

/**
 * The agent's page (the built-in page with `<gag-phone>`, extension `extension`) on `page`, with
 * the fixtures' probe and the wire recorder, once its phone is online.
 */
export async function openAgent(page: Page, gag: GagEnv, extension = '2001'): Promise<GagPhone> {
  const config = { server: gag.gatewayUrl, extension, tokenUrl: gag.tokenUrl(extension), token: await gag.mintToken(extension) };
  await page.addInitScript(installProbe, { config, types: PHONE_EVENTS });
  await page.addInitScript(recordWireAudio);
  await page.goto(`${gag.pageOrigin}/?ext=${extension}`);
  const phone = new GagPhone(page, extension);
  await phone.expectOnline();
  return phone;
}

/** What an element's analyser plays right now: one window of samples and its rate. */
export interface Played {
  readonly samples: number[];
  readonly rateHz: number;
}

/** What the board plays out now (`playback`) or takes from the microphone (`capture`): its supervision's taps; undefined outside a call. */
export const boardTap = (page: Page, tap: 'playback' | 'capture'): Promise<Played | undefined> =>
  page.locator('gag-board').evaluate((element, which) => {
    type Board = { board?: { supervision?: { audio?: { diagnostics: Record<'playback' | 'capture', AnalyserNode>; sampleRateHz: number } } } };
    const audio = (element as unknown as Board).board?.supervision?.audio;
    if (audio === undefined) return undefined;
    const analyser = audio.diagnostics[which];
    const buffer = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(buffer);
    return { samples: Array.from(buffer), rateHz: audio.sampleRateHz };
  }, tap);

/** The last `ms` of what `page` received on its WebSockets, as one stretch of slin16. */
export async function wireLast(page: Page, ms = LISTEN_MS): Promise<Played> {
  const from = await page.evaluate((back) => performance.now() - back, ms);
  return { samples: (await wireSince(page, from)).samples, rateHz: WIRE_RATE_HZ };
}

/** The last `ms` of what the fake Asterisk received from the gateway (undefined before there is that much). */
export function asteriskLast(call: AsteriskCall, ms = LISTEN_MS): Played | undefined {
  const totalMs = call.received.frames * FRAME_MS;
  return totalMs < ms ? undefined : { samples: Array.from(call.received.samples({ fromMs: totalMs - ms })), rateHz: WIRE_RATE_HZ };
}

/**
 * Wait (bounded) until what `read` returns carries each of `present` at the test tones' level
 * (±3 dB of −9 dBFS) and none of `absent` (at most {@link ABSENT_DBFS}); the levels are noted on
 * the test as an annotation.
 * @example await expectTones('Asterisk hears', () => asteriskLast(call), { present: [AGENT_HZ], absent: [SUPERVISOR_HZ] });
 */
export async function expectTones(what: string, read: () => Promise<Played | undefined> | Played | undefined, tones: { present: readonly number[]; absent: readonly number[] }): Promise<void> {
  let levels: Record<number, number> = {};
  await expect
    .poll(
      async () => {
        levels = toneLevels(await read(), [...tones.present, ...tones.absent]);
        const ok = tones.present.every((hz) => Math.abs((levels[hz] ?? -120) - TONE_DBFS) <= 3) && tones.absent.every((hz) => (levels[hz] ?? -120) <= ABSENT_DBFS);
        return ok ? 'as expected' : JSON.stringify(levels);
      },
      { timeout: 10_000, message: `${what}: ${tones.present.join(' + ')} Hz at ${TONE_DBFS.toFixed(1)} dBFS, no ${tones.absent.join(' or ') || '-'} Hz` },
    )
    .toBe('as expected');
  test.info().annotations.push({ type: what, description: JSON.stringify(Object.fromEntries(Object.entries(levels).map(([hz, db]) => [hz, Number(db.toFixed(1))]))) });
}

/** The level of each of `hzs` in `played` (Goertzel), dBFS; −120 for nothing played. */
export function toneLevels(played: Played | undefined, hzs: readonly number[]): Record<number, number> {
  const levels: Record<number, number> = {};
  for (const hz of hzs) {
    const amplitude = played === undefined ? 0 : goertzelAmplitude(played.samples, hz, played.rateHz);
    levels[hz] = amplitude <= 0 ? -120 : 20 * Math.log10(amplitude / Math.SQRT2);
  }
  return levels;
}
