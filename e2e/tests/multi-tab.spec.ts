/**
 * Many CRM tabs, one phone (issue #6): two pages of one browser context hold `<gag-phone>` for
 * the same extension. Only one of them connects and rings; the other mirrors it and can take the
 * phone over; closing the tab that holds it hands it to the other; the other dials (its dialer,
 * its page's `tel:` links) through the tab that holds it.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { analyseTone, tone } from '../src/index.js';
import { componentScriptUrl } from '../src/phone-page.js';
import { readPlayback } from '../src/playwright/page-probe.js';
import { TONE_DBFS, expect, expectTone, test } from './fixtures.js';

const EXTENSION = '2001';
const WIRE_RATE_HZ = 16_000;

async function openTab(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/?ext=${EXTENSION}`);
  return page;
}

const phoneOf = (page: Page) => page.locator('gag-phone');
const readyHere = (page: Page) => phoneOf(page).getByText('Ready', { exact: true });
const answer = (page: Page) => phoneOf(page).getByRole('button', { name: 'Answer', exact: true });

test('of two tabs only one rings; Answer here takes the call with its audio; closing that tab hands the phone back', async ({ context, gag, asterisk }) => {
  const sessions = (): number => gag.gateway.registry.sessionsFor(EXTENSION).length;
  const first = await openTab(context, gag.pageOrigin);
  await expect(readyHere(first)).toBeVisible();
  const second = await openTab(context, gag.pageOrigin);
  await expect(phoneOf(second).getByText('Ready in another tab')).toBeVisible();
  expect(sessions()).toBe(1);

  const call = await asterisk.fake.call(`ws-ext-${EXTENSION}`, { params: { from: '0312345678', name: 'Tanaka' } });
  await expect(answer(first)).toBeVisible();
  await expect(phoneOf(second).getByText('Ringing in another tab')).toBeVisible();
  await expect(phoneOf(second).getByText('03-1234-5678')).toBeVisible();
  await expect(phoneOf(second).getByText('Tanaka')).toBeVisible();
  await expect(answer(second)).toHaveCount(0);
  expect(sessions()).toBe(1);
  expect(gag.gateway.router.calls.map((c) => c.ringing.length)).toEqual([1]);

  // Answer here: the second tab logs in as a second phone, the gateway rings it with the same
  // call, it answers, and the first tab lets go of its connection.
  call.play(tone(440, { amplitude: 0.5 }));
  await phoneOf(second).getByRole('button', { name: 'Answer here' }).click();
  await call.answered;
  await expect(phoneOf(second).getByText('In call', { exact: true })).toBeVisible();
  await expect(phoneOf(first).getByText('In a call in another tab')).toBeVisible();
  await expect.poll(sessions).toBe(1);
  expect(call.commands).toEqual(['ANSWER']);

  // Audio both ways in the tab that took the call: the fake microphone's 1 kHz up, 440 Hz down.
  await expect.poll(() => call.received.frames, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
  const up = analyseTone(call.received.samples({ fromMs: 1_000, toMs: 2_000 }), WIRE_RATE_HZ);
  expect(Math.abs(up.hz - 1_000)).toBeLessThanOrEqual(20);
  expect(Math.abs(up.levelDbfs - TONE_DBFS)).toBeLessThanOrEqual(3);
  await expectTone('downlink tone', () => phoneOf(second).first().evaluate(readPlayback), { hz: 440, dbfs: TONE_DBFS });

  await phoneOf(second).getByRole('button', { name: 'Hang up' }).click();
  expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  await expect(phoneOf(first).getByText('Ready in another tab')).toBeVisible();

  // Closing the tab that holds the phone: the first one takes it and rings for the next call.
  await second.close();
  await expect(readyHere(first)).toBeVisible();
  await expect.poll(sessions).toBe(1);
  const next = await asterisk.fake.call(`ws-ext-${EXTENSION}`, { params: { from: '0399998888' } });
  await expect(phoneOf(first).getByText('03-9999-8888')).toBeVisible();
  await answer(first).click();
  await next.answered;
  await next.hangup();
  await expect(readyHere(first)).toBeVisible();
});

test('Use this tab moves an idle phone; a call in progress stays in the tab that answered it', async ({ context, gag, asterisk }) => {
  const sessions = (): number => gag.gateway.registry.sessionsFor(EXTENSION).length;
  const first = await openTab(context, gag.pageOrigin);
  await expect(readyHere(first)).toBeVisible();
  const second = await openTab(context, gag.pageOrigin);
  await phoneOf(second).getByRole('button', { name: 'Use this tab' }).click();
  await expect(readyHere(second)).toBeVisible();
  await expect(phoneOf(first).getByText('Ready in another tab')).toBeVisible();
  await expect.poll(sessions).toBe(1);

  const call = await asterisk.fake.call(`ws-ext-${EXTENSION}`, { params: { from: '0312345678' } });
  await expect(phoneOf(first).getByText('Ringing in another tab')).toBeVisible();
  await answer(second).click();
  await call.answered;
  await expect(phoneOf(first).getByText('In a call in another tab')).toBeVisible();
  await expect(phoneOf(first).getByText('The call stays in the tab where it was answered.')).toBeVisible();
  await expect(phoneOf(first).getByRole('button')).toHaveCount(0);
  await call.hangup();
  await expect(phoneOf(first).getByText('Ready in another tab')).toBeVisible();
  expect(sessions()).toBe(1);
});

test('a tab that does not hold the phone fires gag-incoming with the caller (here: false), and gag-ended once the call is over', async ({ context, gag, asterisk }) => {
  const first = await openTab(context, gag.pageOrigin);
  await expect(readyHere(first)).toBeVisible();
  const second = await openTab(context, gag.pageOrigin);
  await expect(phoneOf(second).getByText('Ready in another tab')).toBeVisible();
  await second.evaluate(() => {
    const w = window as unknown as { __heard: Array<{ type: string; detail: unknown }> };
    w.__heard = [];
    for (const type of ['gag-incoming', 'gag-answered', 'gag-ended']) document.addEventListener(type, (e) => w.__heard.push({ type, detail: (e as CustomEvent).detail }));
  });
  const heard = () => second.evaluate(() => (window as unknown as { __heard: Array<{ type: string; detail: Record<string, unknown> }> }).__heard);

  const call = await asterisk.fake.call(`ws-ext-${EXTENSION}`, { params: { from: '0312345678', name: 'Tanaka' } });
  await expect.poll(heard).toEqual([{ type: 'gag-incoming', detail: expect.objectContaining({ callerNumber: '0312345678', callerName: 'Tanaka', outbound: false, here: false }) }]);
  await answer(first).click();
  await call.answered;
  await expect(phoneOf(second).getByRole('timer')).toHaveText(/^0:0\d$/);
  await call.hangup();
  await expect.poll(async () => (await heard()).map((e) => `${e.type} ${String(e.detail['here'])} ${String(e.detail['reason'] ?? '')}`)).toEqual([
    'gag-incoming false ',
    'gag-answered false ',
    'gag-ended false remote_hangup',
  ]);
});

test("a tel: link clicked in a tab that does not hold the phone dials through the tab that does, where the call back answers itself", async ({ context, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  const sessions = (): number => gag.gateway.registry.sessionsFor(EXTENSION).length;
  const path = `/tabs-tel-${Math.random().toString(36).slice(2)}.html`;
  gag.serve(
    path,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM</title><link rel="icon" href="data:,">
<script src="${componentScriptUrl(gag.gatewayUrl)}"></script></head>
<body><main><h1>CRM</h1><a id="tel" href="tel:03-1234-5678">03-1234-5678</a>
<gag-phone server="${gag.gatewayUrl}" token-url="${gag.tokenUrl(EXTENSION)}" tel-links></gag-phone></main></body></html>`,
  );
  const first = await context.newPage();
  await first.goto(`${gag.pageOrigin}${path}`);
  await expect(readyHere(first)).toBeVisible();
  const second = await context.newPage();
  await second.goto(`${gag.pageOrigin}${path}`);
  await expect(phoneOf(second).getByText('Ready in another tab')).toBeVisible();
  // The gateway of the tab holding the phone offers dial: this tab shows the dialer too.
  await expect(phoneOf(second).getByRole('textbox', { name: 'Number to call' })).toBeVisible();

  const before = gag.ami.originates.length;
  await second.evaluate(() => document.addEventListener('click', (e) => ((window as unknown as { __telPrevented: boolean }).__telPrevented = e.defaultPrevented), { once: true }));
  await second.locator('#tel').click();
  expect(await second.evaluate(() => (window as unknown as { __telPrevented: boolean }).__telPrevented), 'the system phone app does not open').toBe(true);
  const originate = await gag.ami.nextOriginate();
  expect(originate).toMatchObject({ channel: `Local/${EXTENSION}@inhouse`, exten: '0312345678' });
  expect(gag.ami.originates.length).toBe(before + 1);
  expect(sessions(), 'the tab that dialed connected nothing').toBe(1);

  const callBack = await originate.call;
  if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
  await callBack.answered; // by itself, in the tab holding the phone
  await expect(phoneOf(first).getByText('In call', { exact: true })).toBeVisible();
  await expect(phoneOf(first).getByText('03-1234-5678')).toBeVisible();
  await expect(phoneOf(second).getByText('In a call in another tab')).toBeVisible();
  await expect(phoneOf(second).getByRole('alert')).toHaveCount(0);
  await callBack.hangup();
  await expect(phoneOf(second).getByText('Ready in another tab')).toBeVisible();

  // A refusal comes back to the tab that dialed, in the words the other tab would use.
  await phoneOf(second).getByRole('textbox', { name: 'Number to call' }).fill('+1 555 0100');
  await phoneOf(second).getByRole('button', { name: 'Call', exact: true }).click();
  await expect(phoneOf(second).getByRole('alert')).toHaveText('This number cannot be called from here.');
  expect(gag.ami.originates.length).toBe(before + 1);
});
