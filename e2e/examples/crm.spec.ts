/**
 * How an integrator tests their own page: examples/crm.html, a CRM with `<gag-phone>` in a
 * corner, tested with nothing but the published fixtures (`@gag/e2e/playwright`). No Asterisk,
 * no SIP: the fixtures run a gateway, ring the page from a fake Asterisk, and check the audio.
 *
 * The page learns where the gateway is from its query string (`server`, `ext`, `token-url`),
 * which the fixtures add to `gagPage`; its phone fetches a token from `token-url`.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from '@gag/e2e/playwright';

test.use({
  // The folder the page server serves, and the page under test in it.
  gagStaticDir: fileURLToPath(new URL('../../examples/', import.meta.url)),
  gagPage: '/crm.html?lang=en',
  gagExtension: '2001',
});

test('a known customer calling opens their record; the call is logged when they hang up', async ({ page, phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka Ichiro', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  const record = page.locator('#record');
  await expect(record).toHaveAttribute('data-customer', 'tanaka');
  await expect(record.locator('.pop')).toHaveText('Incoming call: 田中 一郎 (03-1234-5678)');

  await phone.answer();
  await call.expectAnswered();
  await expect(record.locator('.pop')).toHaveText('In call: 田中 一郎 (03-1234-5678)');
  await call.expectAudio({ hz: 1_000 }); // the agent's microphone reaches the caller
  await phone.expectAudio({ hz: 440 }); // and the caller is heard

  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
  await expect(record.locator('.pop')).toHaveText('Call ended: 田中 一郎 (03-1234-5678)');
  await expect(page.locator('#history li').first()).toContainText('incoming');
  await expect(page.locator('#history li').first()).toContainText('they hung up');
});

test('a caller the CRM does not know shows as unknown, and a missed call is logged as not answered', async ({ page, phone, asterisk }) => {
  await asterisk.call('2001', { from: '08011112222' });
  await phone.expectRinging({ from: '08011112222' });
  await expect(page.locator('#record')).toHaveAttribute('data-customer', 'unknown');
  await expect(page.locator('#record .details')).toContainText('No customer has this number.');
  await phone.reject();
  await phone.expectEnded({ reason: 'rejected' });
  await expect(page.locator('#history li').first()).toContainText('not answered');
});

test("clicking a customer's number calls them back through the phone (click-to-call)", async ({ page, phone, gag }) => {
  await phone.expectOnline();
  await page.locator('tr[data-customer="carter"] a[href^="tel:"]').click();
  const originate = await gag.ami.nextOriginate();
  expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', exten: '0355550100' });
  await phone.expectTalking(); // the call back is answered by the phone itself
  await expect(page.locator('#record')).toHaveAttribute('data-customer', 'carter');
  await expect(page.locator('#record .pop')).toHaveText('In call: Emily Carter (03-5555-0100)');
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
});
