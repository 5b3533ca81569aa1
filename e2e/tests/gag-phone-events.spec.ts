/**
 * What a CRM page hears from `<gag-phone>` and can do with it: `gag-incoming` says whether the
 * call is the call back of the user's own click-to-call (and whom it dials), and the phone keeps
 * its call when the page moves it to another place in the document. And the example CRM page
 * does not let its query string choose where a script comes from.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.js';

test('gag-incoming says outbound and the number dialled for the call back of a click-to-call, and not for a call from outside', async ({ phone, gag, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka' });
  expect(await phone.expectRinging({ from: '0312345678' })).toMatchObject({ outbound: false, dialedNumber: null });
  await call.hangup();
  await phone.expectEnded({ reason: 'caller_hangup' });

  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  await phone.element.getByRole('textbox', { name: 'Number to call' }).fill('0355550100');
  await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
  const callBack = await (await gag.ami.nextOriginate()).call;
  const incoming = async (): Promise<Array<{ detail: Record<string, unknown> }>> => (await phone.events()).filter((e) => e.type === 'gag-incoming');
  await expect.poll(async () => (await incoming()).length).toBe(2);
  const [, back] = await incoming();
  expect(back?.detail).toMatchObject({ outbound: true, dialedNumber: '0355550100' });
  await phone.expectTalking();
  await callBack?.hangup();
  expect(await phone.expectEnded()).toMatchObject({ outbound: true, dialedNumber: '0355550100' });
});

test('moving the phone to another place in the page keeps its connection and its call', async ({ page, phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.answer();
  await call.expectAnswered();
  // A single-page CRM re-renders its layout: the element is taken out and put back elsewhere.
  const sameClient = await page.evaluate(async () => {
    const element = document.querySelector('gag-phone')!;
    const client = element.client;
    const corner = document.createElement('aside');
    document.body.append(corner);
    corner.append(element);
    await element.updateComplete;
    return element.client === client && element.client?.state === 'online';
  });
  expect(sameClient, 'the same connection, still online').toBe(true);
  await expect(phone.element.getByText('In call', { exact: true })).toBeVisible();
  expect(call.state).toBe('up');
  await phone.hangup();
  await call.expectHangup();
});

test('examples/crm.html loads the phone only from a gateway on this machine or its own host, whatever its query string says', async ({ page, gag }) => {
  gag.serve('/crm.html', 'text/html; charset=utf-8', readFileSync(new URL('../../examples/crm.html', import.meta.url), 'utf8'));
  await page.goto(`${gag.pageOrigin}/crm.html?${new URLSearchParams({ server: 'wss://gw.attacker.example', lang: 'en' })}`);
  await expect(page.locator('#crm-status')).toContainText('gw.attacker.example');
  expect(await page.locator('script[src]').evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).src))).toEqual([]);
});
