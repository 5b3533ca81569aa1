/**
 * `<gag-phone>` for an agent who works in it all day (issue 19), in Chromium: errors that say
 * what happened and what to do (a page origin the gateway does not allow, each reason a token is
 * refused); the page's own content when the script or its words cannot load; one width in every
 * state with balanced spacing; a phone screen (390 px) with 44 px targets, on the CRM example
 * too; Mute shown as a state; and the small things (stale notes, Reconnect now, numbers written
 * as people write them). The focus on a ring is in gag-phone-keyboard.spec.ts.
 */
import type { Locator, Page } from '@playwright/test';
import { SignJWT } from 'jose';
import type { GagEnv } from '../src/playwright/index.js';
import { componentScriptUrl } from '../src/phone-page.js';
import { expectNoViolations } from './axe-scan.js';
import { openCrmExample } from './crm-example.js';
import { expect, test } from './fixtures.js';

/** A CRM-like page with `phones` (each an element's attributes and what is inside it), served at the page origin. */
function crmHtml(gag: GagEnv, phones: readonly string[], script = componentScriptUrl(gag.gatewayUrl)): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CRM</title><link rel="icon" href="data:,"><script src="${script}"></script></head>
<body><main><h1>CRM</h1>${phones.map((p) => `<gag-phone server="${gag.gatewayUrl}" ${p}</gag-phone>`).join('\n')}</main></body></html>`;
}

async function openCrm(page: Page, gag: GagEnv, phones: readonly string[], script?: string): Promise<Locator> {
  const path = `/agent-${Math.random().toString(36).slice(2)}.html`;
  gag.serve(path, 'text/html; charset=utf-8', crmHtml(gag, phones, script));
  await page.goto(`${gag.pageOrigin}${path}`);
  return page.locator('gag-phone');
}

/** Every `gag-error` detail and every console warning of the page, from its first script on. */
async function recordErrors(page: Page): Promise<{ events: () => Promise<unknown[]>; warnings: string[] }> {
  const warnings: string[] = [];
  page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
  await page.addInitScript(() => {
    const w = window as unknown as { __gagErrors: unknown[] };
    w.__gagErrors = [];
    document.addEventListener('gag-error', (e) => w.__gagErrors.push((e as CustomEvent).detail), true);
  });
  return { events: () => page.evaluate(() => (window as unknown as { __gagErrors: unknown[] }).__gagErrors), warnings };
}

/** A token for 2001 with `claims` and `secret` (default the gateway's), as a CRM backend would get wrong. */
async function token(gag: GagEnv, claims: Record<string, unknown>, secret = gag.gateway.config.jwt_secret): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({ ext: '2001', iat: nowS, exp: nowS + 600, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

test('a page whose origin the gateway does not allow says so and names the setting, and the exact reason reaches gag-error and the console once', async ({ page, gag }) => {
  const errors = await recordErrors(page);
  // The page server, under a name the gateway's allowed_origins does not list (*.localhost is
  // loopback; a new one each run, as an allowed origin stays for the rest of the worker).
  const origin = gag.pageOrigin.replace(/\/\/[^:]+:/, `//crm-${Math.random().toString(36).slice(2)}.localhost:`);
  gag.serve('/crm-elsewhere.html', 'text/html; charset=utf-8', crmHtml(gag, [`token="${await gag.mintToken('2001')}">`]));
  await page.goto(`${origin}/crm-elsewhere.html`);
  const phone = page.locator('gag-phone');
  await expect(phone.getByRole('alert')).toHaveText(`The phone server refused this page (${origin}). Administrator: add ${origin} to allowed_origins in goastgateway.json. Retrying…`);
  await expect(phone.getByRole('alert')).not.toContainText('network');
  expect(await errors.events()).toEqual([{ code: 'GAG_REFUSED', message: expect.stringContaining('allowed_origins'), reason: expect.stringContaining('allowed_origins') }]);
  expect(errors.warnings.filter((w) => w.includes('<gag-phone>'))).toEqual([expect.stringContaining('GAG_REFUSED')]);
  await expectNoViolations(page, 'origin refused');

  // The administrator adds the origin: the phone, still trying, comes online by itself.
  await gag.allowOrigin(origin);
  await expect(phone.getByRole('status')).toHaveText('Ready', { timeout: 20_000 });
  await expect(phone.getByRole('alert')).toHaveCount(0);
});

test('each reason the gateway refuses a token has its own message and stops retrying, and gag-error says the reason', async ({ page, gag }) => {
  const errors = await recordErrors(page);
  const nowS = Math.floor(Date.now() / 1000);
  const tokens = {
    signature: await token(gag, {}, 'another secret, not the gateway one, 32+ chars'),
    expired: await token(gag, { iat: nowS - 7_200, exp: nowS - 3_600 }),
    not_yet_valid: await token(gag, { nbf: nowS + 3_600 }),
    claims: await token(gag, { ext: undefined }),
  };
  const phones = await openCrm(page, gag, Object.values(tokens).map((t) => `token="${t}">`));
  const expected = [
    /^The phone server does not accept this site's sign-in: it is signed with another key\. Administrator: sign tokens with the gateway's jwt_secret/,
    /^The phone server says your sign-in has expired\. Sign in again, then press Try again/,
    /^The phone server says your sign-in is not valid yet: the clocks/,
    /^The phone server does not accept what your sign-in says \(no extension/,
  ];
  for (const [i, message] of expected.entries()) {
    const phone = phones.nth(i);
    await expect(phone.getByRole('alert')).toHaveText(message);
    await expect(phone.getByRole('status')).toHaveText('Offline');
    await expect(phone.getByRole('button', { name: 'Try again' })).toBeVisible();
  }
  const events = (await errors.events()) as Array<{ code: string; tokenRefusal?: string; reason: string }>;
  expect(events.map((e) => e.tokenRefusal).sort()).toEqual(Object.keys(tokens).sort());
  expect(events.every((e) => e.code === 'GAG_TOKEN_INVALID' && e.reason.startsWith('token refused: '))).toBe(true);
  expect(errors.warnings.filter((w) => w.includes('<gag-phone>'))).toHaveLength(4);
  await expectNoViolations(page, 'tokens refused');
  for (const t of Object.values(tokens)) expect(errors.warnings.join('\n'), 'never a token on the console').not.toContain(t);
});

test('what the page puts inside <gag-phone> shows when its script cannot load, or its words cannot, and is gone once the phone is ready', async ({ page, gag }) => {
  const inside = `token-url="${gag.tokenUrl('2001')}"><p>The phone could not load: reload the page.</p>`;
  const dead = await openCrm(page, gag, [inside], 'http://127.0.0.1:9/gag-phone.js');
  await expect(dead.getByText('The phone could not load: reload the page.')).toBeVisible();

  await page.route('**/labels-*.js', (route) => route.abort());
  const wordless = await openCrm(page, gag, [inside]);
  await expect(wordless.getByText('The phone could not load: reload the page.')).toBeVisible();
  await page.unroute('**/labels-*.js');

  const ready = await openCrm(page, gag, [inside]);
  await expect(ready.getByRole('status')).toHaveText('Ready');
  await expect(ready.getByText('The phone could not load: reload the page.')).toBeHidden();
});

/** The phone box's width, and the space above its first line and below its last. */
const boxOf = (phone: Locator): Promise<{ width: number; top: number; bottom: number }> =>
  phone.getByRole('group', { name: 'Phone' }).evaluate((box) => {
    const r = box.getBoundingClientRect();
    const lines = [...box.children].map((c) => c.getBoundingClientRect()).filter((c) => c.height > 0);
    return { width: Math.round(r.width), top: Math.round(lines[0]!.top - r.top), bottom: Math.round(r.bottom - lines.at(-1)!.bottom) };
  });

test('the phone keeps one width when ready, ringing, in a call and showing an error, with as much space below its content as above', async ({ page, gag, asterisk }) => {
  await page.addInitScript(() => {
    MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  const phone = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}">`]);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  const ready = await boxOf(phone);
  expect(Math.abs(ready.top - ready.bottom), `top ${ready.top} px, bottom ${ready.bottom} px`).toBeLessThanOrEqual(1);

  const call = await asterisk.call('2001', { from: '0312345678', name: 'Emily Carter' });
  await expect(phone.getByRole('status')).toHaveText('Incoming call');
  const ringing = await boxOf(phone);
  await phone.getByRole('button', { name: 'Answer' }).click();
  await expect(phone.getByRole('alert')).toContainText('The microphone is blocked');
  const error = await boxOf(phone);
  expect({ ringing: ringing.width, error: error.width }).toEqual({ ringing: ready.width, error: ready.width });
  expect(Math.abs(error.top - error.bottom)).toBeLessThanOrEqual(1);
  await call.hangup();
  await expect(phone.getByRole('status')).toHaveText('Ready');
  expect((await boxOf(phone)).width).toBe(ready.width);
});

test.describe('on a phone screen (390 px)', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

  test('every control of a call fits on the screen, 44 px high or more, with Hang up on a row of its own', async ({ page, gag, asterisk }) => {
    const phone = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}" lang="ja">`]);
    await expect(phone.getByRole('status')).toHaveText('待受中');
    const call = await asterisk.call('2001', { from: '0312345678', name: '田中 一郎' });
    await phone.getByRole('button', { name: '応答' }).click();
    await call.expectAnswered();
    await phone.getByRole('button', { name: 'キーパッド' }).click();
    const buttons = phone.getByRole('button');
    await expect(phone.getByRole('button', { name: '#' })).toBeVisible();
    for (const box of await Promise.all((await buttons.all()).map((b) => b.boundingBox()))) {
      expect(box!.height, 'a touch target').toBeGreaterThanOrEqual(44);
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    const [mute, hangup] = [await phone.getByRole('button', { name: 'ミュート' }).boundingBox(), await phone.getByRole('button', { name: '切断' }).boundingBox()];
    expect(hangup!.y, 'Hang up below the other buttons').toBeGreaterThan(mute!.y + mute!.height);
    expect(hangup!.width, 'across the phone, not a lone wrapped button').toBeGreaterThan(200);
    await expectNoViolations(page, 'mobile, in a call with the keypad');
    await call.hangup();
  });

  test('on the CRM example the ringing phone stays clear of the caller\'s record', async ({ page, gag, asterisk }) => {
    await openCrmExample(page, gag, 'en');
    const phone = page.locator('gag-phone');
    await expect(phone.getByRole('status')).toHaveText('Ready');
    await asterisk.call('2001', { from: '0452223344', name: 'Miller' });
    await expect(phone.getByRole('button', { name: 'Answer' })).toBeVisible();
    const pop = page.locator('#record .pop');
    await expect(pop).toContainText('Incoming call');
    await expect(pop).toBeInViewport();
    const [p, r] = [(await phone.boundingBox())!, (await pop.boundingBox())!];
    expect(r.y >= p.y + p.height || r.y + r.height <= p.y, `the record (${r.y}–${r.y + r.height}) and the phone (${p.y}–${p.y + p.height}) do not overlap`).toBe(true);
    await expectNoViolations(page, 'mobile CRM, ringing');
  });
});

test('Mute shows the call muted (pressed, struck microphone, "Microphone off"), unlike an open panel', async ({ page, gag, asterisk }) => {
  const phone = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}">`]);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();
  const mute = phone.getByRole('button', { name: 'Mute' });
  const keypad = phone.getByRole('button', { name: 'Keypad' });
  await keypad.click();
  await expect(keypad).toHaveAttribute('aria-expanded', 'true');
  await expect(phone.getByText('Microphone off')).toHaveCount(0);
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(phone.getByText('Microphone off')).toBeVisible();
  await expectNoViolations(page, 'muted with the keypad');
  const background = (l: Locator) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await background(mute), 'muted is not drawn like an open panel').not.toBe(await background(keypad));
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await expect(phone.getByText('Microphone off')).toHaveCount(0);
  await call.hangup();
});

test('numbers are written as people write them, or as the page says with format-number', async ({ page, gag, asterisk }) => {
  const phones = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}">`, `token-url="${gag.tokenUrl('2002')}" format-number="none">`, `token-url="${gag.tokenUrl('2003')}">`]);
  await phones.nth(2).evaluate((el) => ((el as HTMLElement & { formatNumber: (n: string) => string }).formatNumber = (n) => `tel ${n.slice(0, 3)} ${n.slice(3)}`));
  for (const i of [0, 1, 2]) await expect(phones.nth(i).getByRole('status')).toHaveText('Ready');
  await Promise.all(['2001', '2002', '2003'].map((ext) => asterisk.call(ext, { from: '09012345678' })));
  await expect(phones.nth(0).getByText('090-1234-5678', { exact: true })).toBeVisible();
  await expect(phones.nth(1).getByText('09012345678', { exact: true })).toBeVisible();
  await expect(phones.nth(2).getByText('tel 090 12345678', { exact: true })).toBeVisible();
});

test('while the phone waits to reconnect it offers Reconnect now, which starts a fresh connection at once', async ({ page, gag }) => {
  const phone = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}">`]);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  await expect(phone.getByRole('button', { name: 'Reconnect now' })).toHaveCount(0);
  gag.network.cut();
  await expect(phone.getByRole('status')).toHaveText('Reconnecting…');
  await expect(phone.getByRole('button', { name: 'Reconnect now' })).toBeVisible();
  await expectNoViolations(page, 'reconnecting');
  // What the phone shows from now on: its own retries only ever say "reconnecting"; a fresh start says "connecting".
  await phone.evaluate((el) => {
    const w = window as unknown as { __states: string[] };
    w.__states = [];
    el.addEventListener('gag-state', (e) => w.__states.push((e as CustomEvent<{ state: string }>).detail.state));
  });
  await phone.getByRole('button', { name: 'Reconnect now' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __states: string[] }).__states)).toContain('connecting');
  gag.network.restore();
  await expect(phone.getByRole('status')).toHaveText('Ready', { timeout: 20_000 });
  await expect(phone.getByRole('button', { name: 'Reconnect now' })).toHaveCount(0);
});

test('how the last call ended does not stay under Offline, nor beside the error of a new dial', async ({ page, gag, asterisk }) => {
  const phone = await openCrm(page, gag, [`token-url="${gag.tokenUrl('2001')}">`]);
  await expect(phone.getByRole('status')).toHaveText('Ready');
  let call = await asterisk.call('2001', { from: '0312345678' });
  await call.hangup();
  await expect(phone.getByText('The caller hung up')).toBeVisible();
  // A refused dial (not a Japanese national number: dial_number_pattern): its reason, without the last call's note beside it.
  await phone.getByRole('textbox', { name: 'Number to call' }).fill('999');
  await phone.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(phone.getByRole('alert')).toHaveText('This number cannot be called from here.');
  await expect(phone.getByText('The caller hung up')).toHaveCount(0);

  // The phone stops (its token is refused after a restart): no note of the old connection under Offline.
  call = await asterisk.call('2001', { from: '0312345678' });
  await call.hangup();
  await expect(phone.getByText('The caller hung up')).toBeVisible();
  await phone.evaluate((el, bad) => {
    el.removeAttribute('token-url');
    (el as HTMLElement & { token: string }).token = bad;
  }, await token(gag, {}, 'another secret, not the gateway one, 32+ chars'));
  await gag.restart();
  await expect(phone.getByRole('status')).toHaveText('Offline');
  await expect(phone.getByText('The caller hung up')).toHaveCount(0);
});
