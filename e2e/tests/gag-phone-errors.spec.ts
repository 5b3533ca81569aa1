/**
 * `<gag-phone>` when something it needs is not there: the files it loads for a call (next to
 * gag-phone.js) gone after a gateway upgrade, or not downloadable; a gateway that cannot be
 * reached. Each time the phone says what to do, and the page hears `gag-error` once per error.
 */
import type { Page, Route } from '@playwright/test';
import { componentScriptUrl } from '../src/phone-page.js';
import { expect, test } from './fixtures.js';

/** The file `gag-phone.js` loads when a call rings (it loads the audio worklet when the call is answered). */
const CALL_MEDIA = '**/call-media.*.js';

/** What a gateway upgraded since the page loaded answers for a file of the older build (HEAD too). */
const gone = (route: Route): Promise<void> => route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'not built' });

const errorsOf = async (page: Page): Promise<Array<Record<string, unknown>>> =>
  (await page.evaluate(() => (window as unknown as { __gagEvents: Array<{ type: string; detail: Record<string, unknown> }> }).__gagEvents))
    .filter((e) => e.type === 'gag-error')
    .map((e) => e.detail);

test('a page older than the gateway, whose call code is gone, says the phone was updated and reloads with a click; then calls work', async ({ page, phone, asterisk }) => {
  await page.route(CALL_MEDIA, gone);
  let call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.button('answer').click();
  await expect(phone.element.getByRole('alert')).toHaveText(/The phone was updated.*reload the page/i);
  expect(await errorsOf(page)).toEqual([{ code: 'GAG_OUTDATED', message: expect.stringMatching(/updated/), reason: expect.stringMatching(/is gone/) }]);
  await call.hangup();

  await page.unroute(CALL_MEDIA);
  await phone.element.getByRole('button', { name: 'Reload the page' }).click();
  await expect(phone.element.getByRole('status')).toHaveText('Ready');
  call = await asterisk.call('2001', { from: '0312345678' });
  await phone.button('answer').click();
  await call.expectAnswered();
});

test('a gone audio worklet says the same, not that the microphone is busy', async ({ page, phone, asterisk }) => {
  // The call code of a build whose worklet the gateway does not have: its real 404 (and CORS on it, for the check).
  await page.route(CALL_MEDIA, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/processors\.worklet\.[0-9a-f]{16}\.js/, `processors.worklet.${'0'.repeat(16)}.js`);
    await route.fulfill({ response, body });
  });
  await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.button('answer').click();
  await expect(phone.element.getByRole('alert')).toHaveText(/The phone was updated.*reload the page/i);
  expect(await errorsOf(page)).toEqual([{ code: 'GAG_OUTDATED', message: expect.stringMatching(/updated/), reason: expect.stringMatching(/is gone/) }]);
});

test('call code that cannot be downloaded says to check the network; answering again once it can works', async ({ page, phone, asterisk }) => {
  await page.route(CALL_MEDIA, (route) => route.abort('internetdisconnected'));
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.button('answer').click();
  await expect(phone.element.getByRole('alert')).toHaveText(/check your network/i);
  expect(call.commands).not.toContain('ANSWER');

  await page.unroute(CALL_MEDIA);
  await phone.button('answer').click();
  await call.expectAnswered();
  await expect(phone.element.getByRole('alert')).toHaveCount(0);
});

test('while the gateway cannot be reached the page hears gag-error once, not at every retry; once online the error is gone', async ({ page, gag }) => {
  await page.goto(`${gag.pageOrigin}/?ext=2001`);
  await expect(page.locator('gag-phone').getByRole('status')).toHaveText('Ready');
  // A second phone element that starts while the network to the gateway is down.
  gag.network.cut();
  let attempts = 0;
  page.on('websocket', () => attempts++);
  const token = await gag.mintToken('2002');
  await page.evaluate(({ server, token }) => {
    const phone = document.createElement('gag-phone');
    phone.id = 'second';
    phone.setAttribute('lang', 'en');
    phone.setAttribute('server', server);
    (phone as unknown as { token: string }).token = token;
    const errors: unknown[] = [];
    (window as unknown as { __secondErrors: unknown[] }).__secondErrors = errors;
    phone.addEventListener('gag-error', (e) => errors.push((e as CustomEvent).detail));
    document.body.append(phone);
  }, { server: gag.gatewayUrl, token });
  const second = page.locator('#second');
  await expect.poll(() => attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
  await expect(second.getByRole('alert')).toHaveText(/Cannot reach the phone server/);
  expect(await page.evaluate(() => (window as unknown as { __secondErrors: unknown[] }).__secondErrors)).toEqual([
    { code: 'GAG_NOT_CONNECTED', message: expect.stringMatching(/Cannot reach/), reason: expect.stringMatching(/unreachable/) },
  ]);

  gag.network.restore();
  await expect(second.getByRole('status')).toHaveText('Ready', { timeout: 20_000 });
  await expect(second.getByRole('alert')).toHaveCount(0);
});

test('a token-url that fails for a moment (the CRM backend restarting) is tried again, not taken for a refused sign-in', async ({ page, gag }) => {
  let refused = 0;
  await page.route('**/token?**', (route) => (refused++ < 3 ? route.fulfill({ status: 503, body: 'restarting' }) : route.fallback()));
  gag.serve('/token-url-flaky.html', 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM</title>
<script src="${componentScriptUrl(gag.gatewayUrl)}"></script></head>
<body><gag-phone server="${gag.gatewayUrl}" token-url="${gag.tokenUrl('2001')}"></gag-phone></body></html>`);
  await page.goto(`${gag.pageOrigin}/token-url-flaky.html`);
  const phone = page.locator('gag-phone');
  await expect(phone.getByRole('status')).toHaveText('Ready', { timeout: 15_000 });
  expect(refused).toBeGreaterThanOrEqual(3);
  await expect(phone.getByRole('alert')).toHaveCount(0);
});
