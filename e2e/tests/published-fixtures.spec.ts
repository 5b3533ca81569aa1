/**
 * What the published fixtures (`@gag/e2e/playwright`) promise an integrator beyond the call
 * flows: a page that reloads is followed, nothing one test leaves in the shared fake AMI reaches
 * the next, and a page whose phone cannot come online fails with what the page said.
 */
import { expect, test, type GagEnv, type GagPhone } from './fixtures.js';

test('a page that reloads (a CRM navigating) is followed: the next call rings the new page', async ({ page, phone, asterisk }) => {
  const first = await asterisk.call('2001', { from: '0311111111' });
  await phone.expectRinging({ from: '0311111111' });
  await phone.reject();
  await first.expectHangup();
  await phone.expectEnded({ reason: 'rejected' });

  await page.reload();
  await phone.expectOnline();
  const second = await asterisk.call('2001', { from: '0322222222' });
  await phone.expectRinging({ from: '0322222222' });
  await phone.answer();
  await second.expectAnswered();
  await phone.expectTalking();
  await second.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});

/** Dial `number` from the phone's own field; the call back rings the phone, which answers it by itself. */
async function dialFromPhone(phone: GagPhone, gag: GagEnv, number: string): Promise<void> {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  await phone.element.getByRole('textbox', { name: 'Number to call' }).fill(number);
  await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
}

// These two run in this order: the first leaves its Originate untaken, as a spec that checks only
// the page does; the second must get its own from nextOriginate().
test('a click-to-call whose Originate the test never looks at', async ({ phone, gag }) => {
  await dialFromPhone(phone, gag, '0311110000');
  await phone.expectTalking();
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
});

test("nextOriginate() gives this test's own Originate, never one an earlier test left", async ({ phone, gag }) => {
  await dialFromPhone(phone, gag, '0322220000');
  expect(await gag.ami.nextOriginate()).toMatchObject({ exten: '0322220000' });
  await phone.expectTalking();
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
});

test('a page under test that is not there fails at once with its HTTP status', async ({ openPhone }) => {
  await expect(openPhone({ url: '/no-such-page.html' })).rejects.toThrow(/\/no-such-page\.html answered HTTP 404/);
});

test('a phone that cannot log in fails with what the page said (its gag-error)', async ({ openPhone, gag }) => {
  gag.serve(
    '/bad-token.html',
    'text/html; charset=utf-8',
    `<!doctype html><script src="${gag.gatewayUrl.replace(/^ws/, 'http')}/gag-phone.js"></script>
<gag-phone server="${gag.gatewayUrl}"></gag-phone><script>document.querySelector('gag-phone').token = 'not-a-token';</script>`,
  );
  const failed = openPhone({ url: '/bad-token.html' }).then(
    () => new Error('it came online'),
    (e: unknown) => e as Error,
  );
  const error = await failed;
  expect(error.message).toContain('did not come online as 2001');
  expect(error.message).toMatch(/gag-error .*"code":"/);
  test.info().annotations.push({ type: 'the message', description: error.message });
});

test.describe('with context options in the config', () => {
  test.use({ locale: 'ja-JP', extraHTTPHeaders: { 'X-Crm-Tenant': 'acme' } });

  test("openPhone()'s other device gets the config's context options too (locale, headers)", async ({ openPhone, gag }) => {
    let tenant: string | undefined;
    gag.serve('/tenant-check.html', 'text/html; charset=utf-8', '<!doctype html><title>tenant</title>');
    const laptop = await openPhone({ url: '/', waitOnline: true });
    expect(await laptop.page.evaluate(() => navigator.language)).toBe('ja-JP');
    laptop.page.on('request', (r) => void (tenant ??= r.headers()['x-crm-tenant']));
    await laptop.page.goto(`${gag.pageOrigin}/tenant-check.html`);
    expect(tenant).toBe('acme');
  });
});
