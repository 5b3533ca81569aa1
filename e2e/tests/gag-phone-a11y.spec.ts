/**
 * `<gag-phone>` under axe-core, in every state a test reaches cheaply (ready, ringing, in a call,
 * keypad open, audio panel open, ended, and the errors: a blocked microphone, the server
 * unreachable, a refused token, the phone updated on the server), in English and Japanese, light and dark (`theme="dark"`, and
 * `theme="auto"` under a dark `prefers-color-scheme`). Each state is checked by role and text
 * first, then scanned: WCAG 2.x A/AA and axe's best practices, open shadow DOM included, must
 * find nothing.
 */
import type { Locator, Page } from '@playwright/test';
import type { GagEnv } from '../src/playwright/index.js';
import { componentScriptUrl } from '../src/phone-page.js';
import { expectNoViolations } from './axe-scan.js';
import { expect, test } from './fixtures.js';

type Lang = 'en' | 'ja';
type Theme = 'light' | 'dark' | 'auto';

/** What the phone says, per language (labels/en.ts and labels/ja.ts). */
const TEXT = {
  en: {
    ready: 'Ready',
    ringing: 'Incoming call',
    talking: 'In call',
    offline: 'Offline',
    reconnecting: 'Reconnecting…',
    answer: 'Answer',
    hangup: 'Hang up',
    keypad: 'Keypad',
    audio: 'Audio',
    volume: 'Volume',
    microphone: 'Microphone',
    retry: 'Try again',
    callerName: 'Emily Carter',
    remoteHangup: 'The other party hung up',
    callerHangup: 'The caller hung up',
    micBlocked: /^The microphone is blocked for this site\. .*allow the microphone, then answer again\.$/,
    unreachable: /^Cannot reach the phone server\. Retrying…/,
    token: /^The phone server does not accept this site's sign-in: it is signed with another key\. Administrator: .*jwt_secret/,
    outdated: /^The phone was updated: reload the page/,
    reload: 'Reload the page',
  },
  ja: {
    ready: '待受中',
    ringing: '着信中',
    talking: '通話中',
    offline: 'オフライン',
    reconnecting: '再接続中…',
    answer: '応答',
    hangup: '切断',
    keypad: 'キーパッド',
    audio: '音声設定',
    volume: '音量',
    microphone: 'マイク',
    retry: '再試行',
    callerName: '田中 一郎',
    remoteHangup: '相手が切断しました',
    callerHangup: '発信者が切断しました',
    micBlocked: /^このサイトではマイクがブロックされています。.*マイクを許可し、もう一度応答してください。$/,
    unreachable: /^電話サーバに接続できません。再試行しています…/,
    token: /^電話サーバがこのサイトのサインインを受け付けません.*jwt_secret/,
    outdated: /^電話機が更新されました。ページを再読み込みしてください。$/,
    reload: 'ページを再読み込み',
  },
} as const;

/** The box's background in each theme (styles.ts defaults). */
const BACKGROUND = { light: 'rgb(255, 255, 255)', dark: 'rgb(27, 31, 39)' } as const;

/**
 * A CRM-like page (a landmark and a heading, as a real page has) with the phone from the
 * gateway's `/gag-phone.js`, its token from the page server's token URL (`token-url`).
 */
function crmPage(gag: GagEnv, lang: Lang, attributes: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>CRM</title><link rel="icon" href="data:,">
<script src="${componentScriptUrl(gag.gatewayUrl)}"></script></head>
<body><main><h1>CRM</h1><gag-phone server="${gag.gatewayUrl}" ${attributes}></gag-phone></main></body>
</html>`;
}

async function openCrm(page: Page, gag: GagEnv, lang: Lang, attributes: string): Promise<Locator> {
  const path = `/a11y-${lang}-${Math.random().toString(36).slice(2)}.html`;
  gag.serve(path, 'text/html; charset=utf-8', crmPage(gag, lang, attributes));
  await page.goto(`${gag.pageOrigin}${path}`);
  return page.locator('gag-phone');
}

const CASES: ReadonlyArray<{ lang: Lang; theme: Theme }> = [
  { lang: 'en', theme: 'light' },
  { lang: 'ja', theme: 'light' },
  { lang: 'en', theme: 'dark' },
  { lang: 'ja', theme: 'auto' },
];

for (const { lang, theme } of CASES) {
  test(`${lang}, ${theme} theme: ready, ringing, in a call, keypad, audio panel and ended are shown by role and text, with no axe violations`, async ({ page, gag, asterisk }) => {
    const t = TEXT[lang];
    if (theme === 'auto') await page.emulateMedia({ colorScheme: 'dark' });
    const phone = await openCrm(page, gag, lang, `token-url="${gag.tokenUrl('2001')}" theme="${theme}"`);
    await expect(phone.getByRole('status')).toHaveText(t.ready);
    const box = phone.getByRole('group', { name: lang === 'en' ? 'Phone' : '電話' });
    expect(await box.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(BACKGROUND[theme === 'light' ? 'light' : 'dark']);
    await expectNoViolations(page, 'ready');

    const call = await asterisk.call('2001', { from: '0312345678', name: t.callerName, play: 440 });
    await expect(phone.getByRole('status')).toHaveText(t.ringing);
    await expect(phone.getByText('03-1234-5678')).toBeVisible();
    await expect(phone.getByText(t.callerName)).toBeVisible();
    await expect(phone.getByRole('button', { name: t.answer })).toBeFocused();
    await expectNoViolations(page, 'ringing');

    await phone.getByRole('button', { name: t.answer }).click();
    await call.expectAnswered();
    await expect(phone.getByRole('status')).toHaveText(t.talking);
    await expect(phone.getByRole('timer')).toHaveText(/^0:\d\d$/);
    await expectNoViolations(page, 'in call');

    await phone.getByRole('button', { name: t.keypad }).click();
    await expect(phone.getByRole('group', { name: t.keypad }).getByRole('button', { name: '#' })).toBeVisible();
    await expectNoViolations(page, 'keypad');

    await phone.getByRole('button', { name: t.audio }).click();
    await expect(phone.getByRole('slider', { name: t.volume })).toBeVisible();
    await expect(phone.getByRole('combobox', { name: t.microphone })).toBeVisible();
    await expectNoViolations(page, 'audio panel');

    await call.hangup();
    await expect(phone.getByText(t.remoteHangup)).toBeVisible();
    await expect(phone.getByRole('status')).toHaveText(t.ready);
    await expectNoViolations(page, 'ended');
  });
}

for (const lang of ['en', 'ja'] as const) {
  test(`${lang}: a blocked microphone, an unreachable server and a refused token each say what to do, with no axe violations`, async ({ page, gag, asterisk }) => {
    const t = TEXT[lang];
    // The user said no to the microphone prompt (Chromium's fake prompt always says yes).
    await page.addInitScript(() => {
      MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const phone = await openCrm(page, gag, lang, `token-url="${gag.tokenUrl('2001')}"`);
    await expect(phone.getByRole('status')).toHaveText(t.ready);

    const call = await asterisk.call('2001', { from: '0312345678' });
    await phone.getByRole('button', { name: t.answer }).click();
    await expect(phone.getByRole('alert')).toHaveText(t.micBlocked);
    await expect(phone.getByRole('button', { name: t.answer }), 'the call still rings: allow the microphone and answer again').toBeVisible();
    await expectNoViolations(page, 'microphone blocked');
    await call.hangup();
    await expect(phone.getByText(t.callerHangup)).toBeVisible();

    gag.network.cut();
    await expect(phone.getByRole('status')).toHaveText(t.reconnecting);
    await expect(phone.getByRole('alert')).toHaveText(t.unreachable);
    await expectNoViolations(page, 'server unreachable');
    gag.network.restore();
    await expect(phone.getByRole('status')).toHaveText(t.ready);
    await expect(phone.getByRole('alert')).toHaveCount(0);

    const refused = await openCrm(page, gag, lang, 'token="not-a-token"');
    await expect(refused.getByRole('alert')).toHaveText(t.token);
    await expect(refused.getByRole('status')).toHaveText(t.offline);
    await expect(refused.getByRole('button', { name: t.retry })).toBeVisible();
    await expectNoViolations(page, 'token refused');
  });
}

for (const lang of ['en', 'ja'] as const) {
  test(`${lang}: a page older than the gateway (its call code gone) says reload the page and offers a button for it, with no axe violations`, async ({ page, gag, asterisk }) => {
    const t = TEXT[lang];
    await page.route('**/call-media.*.js', (route) => route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'not built' }));
    const phone = await openCrm(page, gag, lang, `token-url="${gag.tokenUrl('2001')}"`);
    await expect(phone.getByRole('status')).toHaveText(t.ready);
    await asterisk.call('2001', { from: '0312345678' });
    await phone.getByRole('button', { name: t.answer }).click();
    await expect(phone.getByRole('alert')).toHaveText(t.outdated);
    await expect(phone.getByRole('button', { name: t.reload })).toBeVisible();
    await expectNoViolations(page, 'phone updated on the server');
  });
}
