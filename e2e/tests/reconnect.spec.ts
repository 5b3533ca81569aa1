import { tone } from '../src/index.js';
import { expect, test } from './fixtures.js';

test('after a gateway restart the page is back online by itself, without a reload, and takes calls', async ({ phonePage, fakeAsterisk, gag }) => {
  const phone = phonePage.page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();
  const before = await phonePage.page.evaluate(() => performance.timeOrigin);

  await gag.restart();
  // The gateway closed with 1001 (going away): the SDK reconnects with its back-off.
  await expect(phone.getByText('Ready')).toBeVisible({ timeout: 5_000 });
  const states = (await phonePage.events()).filter((e) => e.type === 'gag-state').map((e) => e.detail['state']);
  expect(states).toContain('reconnecting');
  expect(await phonePage.page.evaluate(() => performance.timeOrigin)).toBe(before); // same document: no reload

  const call = await fakeAsterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
  call.play(tone(440));
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.answered;
  await call.hangup();
  await expect(phone.getByText('Ready')).toBeVisible();
});
