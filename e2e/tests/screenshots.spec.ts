/**
 * The README's screenshots: `<gag-phone>` on the fake CRM page (examples/crm.html), ringing and in
 * a call, in Japanese and English, and on a phone screen; the phone idle, muted with its keypad,
 * in the dark theme and in each error state. Every run reaches each state and checks it by role
 * and text (and the screen-pop by the record shown); with `GAG_UPDATE_SCREENSHOTS=1` it also
 * writes docs/screenshots/*.png. Japanese needs a CJK font (Debian: fonts-noto-cjk or
 * fonts-ipafont-gothic), checked before anything is written.
 */
import type { Locator, Page } from '@playwright/test';
import type { GagEnv } from '../src/playwright/index.js';
import { componentScriptUrl } from '../src/phone-page.js';
import { openCrmExample } from './crm-example.js';
import { expect, test } from './fixtures.js';
import { UPDATE_SCREENSHOTS as UPDATE, requireJapaneseFont, shoot } from './screenshot-files.js';

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

test.use({ deviceScaleFactor: 2, viewport: { width: 1280, height: 720 } });

for (const lang of ['ja', 'en'] as const) {
  const t = CASES[lang];
  test(`(${lang}) a customer calls the CRM page: the phone rings with the caller, the record pops up, the call is answered and hung up`, async ({ page, gag, asterisk }) => {
    if (UPDATE && lang === 'ja') requireJapaneseFont();
    await openCrmExample(page, gag, lang);
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

/** A plain page with one phone (`attributes`), for the states the CRM example does not reach by itself. */
async function openPhone(page: Page, gag: GagEnv, attributes: string, origin = gag.pageOrigin): Promise<Locator> {
  const path = `/shot-${Math.random().toString(36).slice(2)}.html`;
  gag.serve(
    path,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM</title><link rel="icon" href="data:,"><script src="${componentScriptUrl(gag.gatewayUrl)}"></script>
<style>body { margin: 16px; background: #f5f7fa; font: 15px system-ui, sans-serif; }</style></head><body><gag-phone server="${gag.gatewayUrl}" ${attributes}></gag-phone></body></html>`,
  );
  await page.goto(`${origin}${path}`);
  return page.locator('gag-phone');
}

test('(en) the phone idle, muted with the keypad, in the dark theme, and in each error state', async ({ page, gag, asterisk }) => {
  const tokenUrl = `token-url="${gag.tokenUrl('2001')}"`;
  let phone = await openPhone(page, gag, tokenUrl);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  await shoot(phone, 'idle-en');

  let call = await asterisk.call('2001', { from: '0355550100', name: 'Emily Carter' });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();
  await phone.getByRole('button', { name: 'Mute' }).click();
  await phone.getByRole('button', { name: 'Keypad' }).click();
  await page.keyboard.type('123#');
  await expect(phone.getByText('Microphone off')).toBeVisible();
  await expect(phone.getByRole('group', { name: 'Keypad' }).getByRole('status')).toHaveText('123#');
  await shoot(phone, 'muted-keypad-en');
  await call.hangup();

  gag.network.cut();
  await expect(phone.getByRole('button', { name: 'Reconnect now' })).toBeVisible();
  await shoot(phone, 'error-unreachable-en');
  gag.network.restore();
  await expect(phone.getByRole('status')).toHaveText('Ready', { timeout: 20_000 });

  phone = await openPhone(page, gag, `${tokenUrl} theme="dark"`);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka Ichiro' });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();
  await expect(phone.getByRole('status')).toHaveText('In call');
  await shoot(phone, 'dark-in-call-en');
  await call.hangup();

  await page.addInitScript(() => {
    MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  phone = await openPhone(page, gag, tokenUrl);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  call = await asterisk.call('2001', { from: '09012345678' });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await expect(phone.getByRole('alert')).toContainText('The microphone is blocked');
  await shoot(phone, 'error-microphone-en');
  await call.hangup();

  phone = await openPhone(page, gag, 'token="not-a-token"');
  await expect(phone.getByRole('alert')).toContainText("does not accept this site's sign-in");
  await shoot(phone, 'error-token-en');

  // A name the gateway does not allow (*.localhost is loopback; a new one each run: allowed origins stay for the worker).
  const elsewhere = gag.pageOrigin.replace(/\/\/[^:]+:/, `//crm-${Math.random().toString(36).slice(2)}.localhost:`);
  phone = await openPhone(page, gag, `token="${await gag.mintToken('2001')}"`, elsewhere);
  await expect(phone.getByRole('alert')).toContainText('refused this page');
  await shoot(phone, 'error-origin-en');
});

test.describe('on a phone screen', () => {
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true });

  test('(ja) the CRM example on a phone: the ringing phone at the top, the caller\'s record below it', async ({ page, gag, asterisk }) => {
    if (UPDATE) requireJapaneseFont();
    await openCrmExample(page, gag, 'ja');
    const phone = page.locator('gag-phone');
    await expect(phone.getByRole('status')).toHaveText('待受中');
    await asterisk.call('2001', { from: '0312345678', name: '田中 一郎' });
    await expect(phone.getByRole('button', { name: '応答' })).toBeVisible();
    await expect(page.locator('#record .pop')).toHaveText('着信中: 田中 一郎 (03-1234-5678)');
    await expect(page.locator('#record .pop')).toBeInViewport();
    await shoot(page, 'mobile-crm-ringing-ja');
  });
});
