/**
 * `<gag-phone>` tells the agent who else hears the call (issues 20, 21), on a phone-sized screen
 * (390 px), in English and Japanese: a call recorded by a config rule shows the recording badge
 * (in a polite live region), pausing and resuming through the operations API shows on it, and
 * stopping says so; the supervisor's notice follows the `supervised` notices the
 * gateway sends on the phone's own connection (through the wire and the SDK as the supervisor
 * feature will send them). Each change is one change of one live region (one announcement), and
 * axe finds nothing with the notices shown, in the light and the dark theme. With
 * GAG_UPDATE_SCREENSHOTS=1 it writes docs/screenshots/recorded-call-{ja,en}.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import type { SuperviseMode } from '@gag/sdk/protocol';
import { phonePageHtml } from '../src/phone-page.js';
import { expectNoViolations } from './axe-scan.js';
import { expect, test } from './fixtures.js';
import { UPDATE_SCREENSHOTS, requireJapaneseFont, shoot } from './screenshot-files.js';

/** What the phone says (web-components/src/labels/{en,ja}.ts). */
const TEXT = {
  en: { ready: 'Ready', talking: 'In call', answer: 'Answer', recording: 'Recording', paused: 'Recording paused', stopped: 'Recording stopped', listen: 'Supervisor is listening', whisper: 'Supervisor is whispering', barge: 'Supervisor joined the call', left: 'Supervisor left the call' },
  ja: { ready: '待受中', talking: '通話中', answer: '応答', recording: '録音中', paused: '録音一時停止', stopped: '録音停止', listen: '管理者がモニター中', whisper: '管理者がささやいています', barge: '管理者が通話に参加しています', left: '管理者が退出しました' },
} as const;

/**
 * In the page: note every change of the phone's notices (each notice's `part` and text, inside its
 * polite live region), in order, in `window.__gagNotices`: what a screen reader announces.
 */
function watchNotices(element: Element): void {
  const root = element.shadowRoot!;
  const seen: string[] = [];
  (window as unknown as { __gagNotices: string[] }).__gagNotices = seen;
  const last = new Map<string, string>();
  new MutationObserver(() => {
    for (const part of ['recording', 'supervised']) {
      const text = (root.querySelector(`[aria-live="polite"] > [part="${part}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
      if ((last.get(part) ?? '') !== text) seen.push(`${part}: ${text}`);
      last.set(part, text);
    }
  }).observe(root, { subtree: true, childList: true, characterData: true });
}

test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true });

for (const { lang, theme } of [{ lang: 'en', theme: 'light' }, { lang: 'ja', theme: 'light' }, { lang: 'en', theme: 'dark' }] as const) {
  const t = TEXT[lang];
  test(`(${lang}, ${theme}) a call recorded by rule shows the recording badge, paused and resumed through the API; the supervisor's notice follows the gateway; one announcement per change; no axe violations`, async ({ page, gag, asterisk }) => {
    if (UPDATE_SCREENSHOTS && lang === 'ja') requireJapaneseFont();
    const dir = mkdtempSync(join(tmpdir(), 'gag-e2e-notices-'));
    try {
      await gag.configure({ config: { recording_dir: dir, record_extensions: ['2001'] } });
      const path = `/notices-${lang}-${Math.random().toString(36).slice(2)}.html`;
      gag.serve(path, 'text/html; charset=utf-8', phonePageHtml({ gatewayUrl: gag.gatewayUrl, tokenUrl: gag.tokenUrl('2001'), lang, title: 'CRM', before: '<main><h1>CRM</h1>', body: '</main>' }));
      await page.goto(`${gag.pageOrigin}${path}`);
      const phone = page.locator('gag-phone');
      await phone.evaluate((e, value) => e.setAttribute('theme', value), theme);
      await expect(phone.getByRole('status')).toHaveText(t.ready);
      await phone.evaluate(watchNotices);

      const call = await asterisk.call('2001', { from: '0312345678', name: lang === 'en' ? 'Emily Carter' : '田中 一郎', play: 440 });
      await phone.getByRole('button', { name: t.answer }).click();
      await call.expectAnswered();
      await expect(phone.getByRole('status')).toHaveText(t.talking); // the notices add no second status: the page's tests find one
      const callId = gag.gateway.router.calls[0]!.id;
      const badge = phone.locator('[part="recording"]');
      const supervised = phone.locator('[part="supervised"]');

      // Recorded by the rule from the answer on.
      await expect(badge).toHaveText(`● ${t.recording}`);
      await expect(phone.locator('[aria-live="polite"] > [part="recording"]')).toBeVisible(); // announced, politely
      await expectFits(badge, phone);

      const api = (suffix: string, method = 'POST'): Promise<number> =>
        fetch(`${gag.gateway.browserUrl.replace(/^ws/, 'http')}/api/calls/${callId}/recording${suffix}`, { method }).then((r) => r.status);
      expect(await api('/pause')).toBe(200);
      await expect(badge).toHaveText(`● ${t.paused}`);
      expect(await api('/resume')).toBe(200);
      await expect(badge).toHaveText(`● ${t.recording}`);

      // The supervisor's notices, as the gateway sends them on this phone's connection.
      const tell = (mode: SuperviseMode | null): void => {
        for (const session of gag.gateway.registry.sessionsFor('2001')) session.send({ type: 'supervised', callId, mode });
      };
      tell('whisper');
      await expect(supervised).toHaveText(t.whisper);
      await expect(phone.locator('[aria-live="polite"] > [part="supervised"]')).toBeVisible();
      await expectFits(supervised, phone);
      await expectNoViolations(page, 'recorded call, supervisor whispering');
      if (theme === 'light') await shoot(phone, `recorded-call-${lang}`);
      tell('barge');
      await expect(supervised).toHaveText(t.barge);
      tell('listen');
      await expect(supervised).toHaveText(t.listen);
      tell(null);
      await expect(supervised).toHaveText(t.left);

      expect(await api('', 'DELETE')).toBe(200);
      await expect(badge).toHaveText(t.stopped);
      await expectNoViolations(page, 'recording stopped, supervisor left');

      // Each notice changed one live region once: one polite announcement each, nothing else.
      expect(await page.evaluate(() => (window as unknown as { __gagNotices: string[] }).__gagNotices)).toEqual([
        `recording: ● ${t.recording}`,
        `recording: ● ${t.paused}`,
        `recording: ● ${t.recording}`,
        `supervised: ${t.whisper}`,
        `supervised: ${t.barge}`,
        `supervised: ${t.listen}`,
        `supervised: ${t.left}`,
        `recording: ${t.stopped}`,
      ]);
      await call.hangup();
      await expect(badge).toHaveCount(0);
      await expect(phone.getByRole('status')).toHaveText(t.ready);
      await expect.poll(() => gag.gateway.router.calls.length).toBe(0); // the recording's files are complete
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** `inner` is shown whole inside the phone's box (nothing cut off at 390 px). */
async function expectFits(inner: Locator, phone: Locator): Promise<void> {
  await expect(inner).toBeInViewport({ ratio: 1 });
  const [a, b] = await Promise.all([inner.boundingBox(), phone.boundingBox()]);
  expect(a!.x).toBeGreaterThanOrEqual(b!.x);
  expect(a!.x + a!.width).toBeLessThanOrEqual(b!.x + b!.width);
}
