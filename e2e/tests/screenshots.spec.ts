/**
 * The README's screenshots: `<gag-phone>` on the fake CRM page (examples/crm.html), ringing and in
 * a call, in Japanese and English. Every run reaches each state and checks it by role and text
 * (and the screen-pop by the record shown); with `GAG_UPDATE_SCREENSHOTS=1` it also writes
 * docs/screenshots/{ringing,in-call,crm-ringing}-{ja,en}.png. Japanese needs a CJK font
 * (Debian: fonts-noto-cjk), checked before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

const UPDATE = process.env['GAG_UPDATE_SCREENSHOTS'] === '1';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url);
const CRM_PAGE = readFileSync(new URL('../../examples/crm.html', import.meta.url), 'utf8');

/** What each language shows, and the customer who calls (a row of crm.html). */
const CASES = {
  ja: {
    ready: '待受中',
    ringing: '着信中',
    answer: '応答',
    talking: '通話中',
    mute: 'ミュート',
    hangup: '切断',
    caller: { id: 'tanaka', number: '0312345678', written: '03-1234-5678', name: '田中 一郎', shown: '田中 一郎 (03-1234-5678)' },
    pop: { ringing: '着信中: ', talking: '通話中: ', ended: '通話終了: ' },
  },
  en: {
    ready: 'Ready',
    ringing: 'Incoming call',
    answer: 'Answer',
    talking: 'In call',
    mute: 'Mute',
    hangup: 'Hang up',
    caller: { id: 'carter', number: '0355550100', written: '03-5555-0100', name: 'Emily Carter', shown: 'Emily Carter (03-5555-0100)' },
    pop: { ringing: 'Incoming call: ', talking: 'In call: ', ended: 'Call ended: ' },
  },
} as const;

/** Without a CJK font Chromium draws Japanese as boxes: refuse to write such screenshots. */
function requireJapaneseFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig: the check below says what to install
  }
  if (families.trim() === '') throw new Error('No Japanese font for the screenshots: install one (Debian: apt-get install fonts-noto-cjk)');
}

/**
 * With GAG_UPDATE_SCREENSHOTS=1, write what `target` shows to docs/screenshots/`name`.png: the
 * phone at device scale 2 (sharp and small), the page's viewport at scale 1 (the file stays small).
 */
async function shoot(target: Locator | Page, name: string): Promise<void> {
  if (!UPDATE) return;
  const path = fileURLToPath(new URL(`${name}.png`, SHOTS));
  await target.screenshot({ path, animations: 'disabled', caret: 'hide', scale: 'url' in target ? 'css' : 'device' });
}

test.use({ deviceScaleFactor: 2, viewport: { width: 1280, height: 720 } });

for (const lang of ['ja', 'en'] as const) {
  const t = CASES[lang];
  test(`(${lang}) a customer calls the CRM page: the phone rings with the caller, the record pops up, the call is answered and hung up`, async ({ page, gag, asterisk }) => {
    if (UPDATE && lang === 'ja') requireJapaneseFont();
    gag.serve('/crm.html', 'text/html; charset=utf-8', CRM_PAGE);
    const server = gag.gateway.browserUrl.replace('127.0.0.1', 'localhost');
    await page.goto(`${gag.pageOrigin}/crm.html?${new URLSearchParams({ server, ext: '2001', 'token-url': '/token?ext=2001', lang })}`);
    const phone = page.locator('gag-phone');
    const record = page.locator('#record');
    await expect(phone.getByRole('status')).toContainText(t.ready);

    const call = await asterisk.fake.call('ws-ext-2001', { params: { from: t.caller.number, name: t.caller.name } });
    await expect(phone.getByRole('status')).toContainText(t.ringing);
    await expect(phone.getByText(t.caller.written)).toBeVisible();
    await expect(phone.getByText(t.caller.name)).toBeVisible();
    await expect(phone.getByRole('button', { name: t.answer })).toBeFocused();
    await expect(record).toHaveAttribute('data-customer', t.caller.id);
    await expect(record.locator('.pop')).toHaveText(t.pop.ringing + t.caller.shown);
    await shoot(phone, `ringing-${lang}`);
    await shoot(page, `crm-ringing-${lang}`);

    await phone.getByRole('button', { name: t.answer }).click();
    await call.answered;
    await expect(phone.getByRole('status')).toContainText(t.talking);
    await expect(phone.getByRole('button', { name: t.mute })).toBeVisible();
    await expect(record.locator('.pop')).toHaveText(t.pop.talking + t.caller.shown);
    await shoot(phone, `in-call-${lang}`);

    await phone.getByRole('button', { name: t.hangup }).click();
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    await expect(record.locator('.pop')).toHaveText(t.pop.ended + t.caller.shown);
    await expect(page.locator('#history li')).toHaveCount(1);
    await expect(phone.getByRole('status')).toContainText(t.ready);
  });
}
