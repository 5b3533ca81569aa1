/**
 * GoAstGateway's webphone protocol, spoken by a browser page (tests/pages/legacy-webphone.html):
 * `/phone?token=…` with no subprotocol, RINGING / ANSWER / HANGUP / BUSY, raw slin16 both ways.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectTone, test, type GagEnv } from './fixtures.js';

const PAGE = readFileSync(new URL('./pages/legacy-webphone.html', import.meta.url), 'utf8');

/** Open the legacy webphone as `extension` and wait until the gateway has it online. */
async function openLegacyPhone(page: Page, gag: GagEnv, extension: string): Promise<void> {
  gag.serve('/legacy-webphone.html', 'text/html; charset=utf-8', PAGE);
  const query = new URLSearchParams({ server: gag.gatewayUrl, 'token-url': gag.tokenUrl(extension) });
  await page.goto(`${gag.pageOrigin}/legacy-webphone.html?${query}`);
  await expect(page.getByRole('status')).toHaveText('online');
  await expect.poll(() => gag.gateway.registry.sessionsFor(extension).map((s) => s.protocol)).toEqual(['legacy']);
}

const words = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { legacyWords: string[] }).legacyWords);

test('a legacy webphone page gets RINGING, answers with ANSWER, talks both ways, and hears HANGUP when the caller leaves', async ({ page, gag, asterisk }) => {
  await openLegacyPhone(page, gag, '2101');
  const call = await asterisk.call('2101', { from: '0312345678', play: 440 });
  await expect(page.getByRole('status')).toHaveText('ringing');
  await page.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();

  await call.expectAudio({ hz: 1_000 }); // the page's microphone, at 16 kHz, re-framed by the gateway
  expect(call.received.oddSizedMessages).toBe(0);
  await expectTone('legacy page plays', async () => ({ samples: await page.evaluate(() => (window as unknown as { legacyPlayed(): number[] }).legacyPlayed()), rateHz: 16_000 }), { hz: 440 });

  await call.hangup();
  await expect(page.getByRole('status')).toHaveText('idle');
  expect(await words(page)).toEqual(['RINGING', 'HANGUP']);
});

test('a legacy webphone rejects a ringing call with HANGUP, and a second login for its extension gets BUSY', async ({ page, gag, asterisk, context }) => {
  await openLegacyPhone(page, gag, '2102');
  const call = await asterisk.call('2102');
  await expect(page.getByRole('status')).toHaveText('ringing');
  await page.getByRole('button', { name: 'Hang up' }).click();
  await call.expectHangup();
  expect(call.commands).toEqual(['HANGUP']);

  const second = await context.newPage();
  gag.serve('/legacy-webphone.html', 'text/html; charset=utf-8', PAGE);
  await second.goto(`${gag.pageOrigin}/legacy-webphone.html?${new URLSearchParams({ server: gag.gatewayUrl, 'token-url': gag.tokenUrl('2102') })}`);
  await expect(second.getByRole('status')).toHaveText('closed 1008');
  expect(await words(second)).toEqual(['BUSY']);
  await expect(page.getByRole('status')).toHaveText('idle'); // the first one stays
  expect(gag.gateway.registry.sessionsFor('2102')).toHaveLength(1);
});
