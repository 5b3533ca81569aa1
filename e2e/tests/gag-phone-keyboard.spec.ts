/**
 * `<gag-phone>` without a mouse, and away from the screen: keyboard-only answer, keypad and hang
 * up; Escape rejects; the opt-in page-wide shortcuts; a `tel:` link followed from the keyboard
 * dials through the phone (`tel-links`); a desktop notification when the tab is hidden, whose
 * click brings the tab forward; the notification permission asked only from a click.
 */
import type { Page } from '@playwright/test';
import type { GagEnv } from '../src/playwright/index.js';
import { componentScriptUrl } from '../src/phone-page.js';
import { expect, test } from './fixtures.js';

/** A page with a text field (where the agent types notes), a tel: link, and the phone with `attributes`. */
async function openCrm(page: Page, gag: GagEnv, attributes: string): Promise<void> {
  const path = `/keyboard-${Math.random().toString(36).slice(2)}.html`;
  gag.serve(
    path,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM</title><link rel="icon" href="data:,">
<script src="${componentScriptUrl(gag.gatewayUrl)}"></script></head>
<body><main><h1>CRM</h1><label>Notes <input id="notes"></label> <a id="tel" href="tel:03-1234-5678">03-1234-5678</a>
<gag-phone server="${gag.gatewayUrl}" token-url="${gag.tokenUrl('2001')}" ${attributes}></gag-phone></main></body></html>`,
  );
  await page.goto(`${gag.pageOrigin}${path}`);
  await expect(page.locator('gag-phone').getByRole('status')).toHaveText('Ready');
}

/** What the page did with notifications: every `new Notification()` (and whether it was closed), permission requests, `window.focus()` calls. */
interface NotificationLog {
  readonly shown: Array<{ title: string; body: string; tag: string; closed: boolean }>;
  readonly requests: number;
  readonly focused: number;
}

/** Record notifications (a subclass of the real Notification, so the page gets real objects), and pretend the tab is hidden when `hidden()`. */
function recordNotifications(): void {
  const log = { shown: [] as Array<{ title: string; body: string; tag: string; closed: boolean }>, requests: 0, focused: 0 };
  const w = window as unknown as { __notifications: typeof log; __instances: Notification[] };
  w.__notifications = log;
  w.__instances = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, options: NotificationOptions = {}) {
      super(title, options);
      const entry = { title, body: options.body ?? '', tag: options.tag ?? '', closed: false };
      log.shown.push(entry);
      w.__instances.push(this);
      this.close = () => {
        entry.closed = true;
        Real.prototype.close.call(this);
      };
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args: Parameters<typeof Real.requestPermission>) => {
    log.requests++;
    return Real.requestPermission(...args);
  };
  window.Notification = Recorded as unknown as typeof Notification;
  const focus = window.focus.bind(window);
  window.focus = () => {
    log.focused++;
    focus();
  };
}

/** The tab goes to the background as far as the page can tell (headless Chromium never hides a page by itself). */
async function hideTab(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

const notificationLog = (page: Page): Promise<NotificationLog> =>
  page.evaluate(() => (window as unknown as { __notifications: NotificationLog }).__notifications);

test('keyboard only: with the focus in the phone, the focus is on Answer when a call rings, Enter answers, the keypad sends keys typed on the keyboard, Space on Hang up ends the call and leaves a visible focus in the phone', async ({ page, gag, asterisk }) => {
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  await phone.getByRole('textbox', { name: 'Number to call' }).focus();

  const call = await asterisk.call('2001', { from: '0312345678', name: 'Emily Carter' });
  const answer = phone.getByRole('button', { name: 'Answer' });
  await expect(answer).toBeFocused();
  await page.keyboard.press('Enter');
  await call.expectAnswered();
  await expect(phone.getByRole('button', { name: 'Hang up' })).toBeFocused();

  // Shift+Tab back to Keypad (Mute, Keypad, Audio, Hang up), open it: the focus goes to its first key.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(phone.getByRole('button', { name: 'Keypad' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(phone.getByRole('button', { name: 'Keypad' })).toHaveAttribute('aria-expanded', 'true');
  await expect(phone.getByRole('button', { name: '1', exact: true })).toBeFocused();
  await page.keyboard.type('12#');
  await call.expectDtmfOutOfBand('12#'); // the fixtures' gateway has AMI: keys go as PlayDTMF
  await expect(phone.getByRole('group', { name: 'Keypad' }).getByRole('status')).toHaveText('12#');

  // Escape closes the keypad and gives the focus back to its button.
  await page.keyboard.press('Escape');
  await expect(phone.getByRole('button', { name: 'Keypad' })).toBeFocused();
  await expect(phone.getByRole('button', { name: 'Keypad' })).toHaveAttribute('aria-expanded', 'false');
  expect(call.state, 'Escape in a call only closes the panel').toBe('up');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(phone.getByRole('button', { name: 'Hang up' })).toBeFocused();
  await page.keyboard.press('Space');
  await call.expectHangup();
  await expect(phone.getByText('Call ended')).toBeVisible();
  await expect(phone.getByRole('status')).toHaveText('Ready');
  const box = phone.getByRole('group', { name: 'Phone' });
  await expect(box, 'the focus stays in the phone').toBeFocused();
  expect(await box.evaluate((e) => getComputedStyle(e).outlineStyle), 'where the focus is can be seen').toBe('solid');
});

test('a call ringing while the agent types in the page leaves the focus and every keystroke in the page: nothing is answered or hung up', async ({ page, gag, asterisk }) => {
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  const notes = page.locator('#notes');
  await notes.focus();
  await page.keyboard.type('Customer asks about ');
  const call = await asterisk.call('2001', { from: '0312345678', name: 'Emily Carter' });
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeVisible();
  await expect(phone.locator('[aria-live=assertive]'), 'the ring is announced (a live region)').toContainText('Emily Carter');
  await page.keyboard.type('the invoice sent on 3 May. ');
  await page.keyboard.press('Enter');
  await page.keyboard.type('More text');
  await expect(notes).toBeFocused();
  await expect(notes).toHaveValue('Customer asks about the invoice sent on 3 May. More text');
  await expect(phone.getByRole('status')).toHaveText('Incoming call');
  expect(call.state, 'still ringing: no space or Enter reached the phone').toBe('ringing');
  expect(call.commands).not.toContain('ANSWER');

  // A click answers; the focus still stays where the agent types.
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();
  await notes.focus();
  await page.keyboard.type(' and space');
  await expect(phone.getByRole('status')).toHaveText('In call');
  expect(call.state).toBe('up');
  await call.hangup();
});

test('Escape rejects a ringing call while the focus is in the phone; a focus elsewhere leaves it ringing', async ({ page, gag, asterisk }) => {
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  const call = await asterisk.call('2001', { from: '0312345678' });
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeFocused();
  await phone.getByRole('button', { name: 'Reject' }).focus();
  await page.locator('#notes').focus();
  await page.keyboard.press('Escape');
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeVisible();
  expect(call.state).toBe('ringing');

  await phone.getByRole('button', { name: 'Answer' }).focus();
  await page.keyboard.press('Escape');
  await expect(phone.getByText('Call rejected')).toBeVisible();
  await expect.poll(() => call.state).toBe('ended');
  expect(call.commands).not.toContain('ANSWER');
});

test('with `shortcuts`, Alt+Shift+Y answers and Alt+Shift+H hangs up from anywhere on the page (announced in aria-keyshortcuts); without it they do nothing', async ({ page, gag, asterisk }) => {
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  let call = await asterisk.call('2001', { from: '0312345678' });
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeFocused();
  await page.locator('#notes').focus();
  await page.keyboard.press('Alt+Shift+KeyY');
  expect(call.state, 'no shortcuts unless the page asks for them').toBe('ringing');
  await call.hangup();
  await expect(phone.getByText('The caller hung up')).toBeVisible();

  await phone.evaluate((el) => el.setAttribute('shortcuts', ''));
  call = await asterisk.call('2001', { from: '0312345678' });
  await expect(phone.getByRole('button', { name: 'Answer' })).toHaveAttribute('aria-keyshortcuts', 'Alt+Shift+Y');
  await page.locator('#notes').focus();
  await page.keyboard.press('Alt+Shift+KeyY');
  await call.expectAnswered();
  await expect(phone.getByRole('button', { name: 'Hang up' })).toHaveAttribute('aria-keyshortcuts', 'Alt+Shift+H');
  await expect(page.locator('#notes'), 'the agent keeps typing where they were').toBeFocused();
  await page.keyboard.press('Alt+Shift+KeyH');
  await call.expectHangup();
  await expect(phone.getByText('Call ended')).toBeVisible();
});

test('with `tel-links`, a tel: link followed with Enter dials its number through the phone; without it the link is left alone', async ({ page, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  await openCrm(page, gag, '');
  /** Focus the link, press Enter: whether the phone kept the system's phone app from opening (the test then keeps it from opening either way). */
  const followLink = async (): Promise<boolean> => {
    await page.evaluate(() => {
      const w = window as unknown as { __telPrevented?: boolean };
      delete w.__telPrevented;
      const record = (e: Event): void => {
        w.__telPrevented = e.defaultPrevented; // listening after the phone: its decision is made
        e.preventDefault();
      };
      document.addEventListener('click', record, { once: true });
      document.getElementById('tel')!.focus();
    });
    await page.keyboard.press('Enter');
    let prevented: boolean | undefined;
    await expect.poll(async () => (prevented = await page.evaluate(() => (window as unknown as { __telPrevented?: boolean }).__telPrevented))).not.toBeUndefined();
    return prevented!;
  };
  const before = gag.ami.originates.length;
  expect(await followLink(), 'without tel-links the link opens the system phone app').toBe(false);
  expect(gag.ami.originates).toHaveLength(before);

  await page.locator('gag-phone').evaluate((el) => el.setAttribute('tel-links', ''));
  expect(await followLink()).toBe(true);
  const originate = await gag.ami.nextOriginate();
  expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', exten: '0312345678' });
  const callBack = await originate.call;
  await expect(page.locator('gag-phone').getByText(/^(Calling )?03-1234-5678$/)).toBeVisible();
  await callBack?.hangup();
});

test('a call ringing while the tab is hidden shows a desktop notification with the caller; its click brings the tab forward with the focus on Answer', async ({ page, context, gag, asterisk }) => {
  await context.grantPermissions(['notifications'], { origin: gag.pageOrigin });
  await page.addInitScript(recordNotifications);
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  await expect(phone.getByRole('button', { name: 'Turn on desktop notifications' }), 'already allowed: nothing to ask').toHaveCount(0);

  // Visible tab: the phone rings on screen only.
  let call = await asterisk.call('2001', { from: '0312345678', name: 'Emily Carter' });
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeVisible();
  await call.hangup();
  await expect(phone.getByText('The caller hung up')).toBeVisible();
  expect((await notificationLog(page)).shown).toEqual([]);

  await hideTab(page);
  await page.locator('#notes').focus();
  call = await asterisk.call('2001', { from: '0312345678', name: 'Emily Carter' });
  await expect.poll(async () => (await notificationLog(page)).shown).toEqual([{ title: 'Incoming call', body: '03-1234-5678\nEmily Carter', tag: expect.any(String), closed: false }]);
  await page.locator('#notes').focus();
  await page.evaluate(() => (window as unknown as { __instances: Notification[] }).__instances[0]!.dispatchEvent(new Event('click')));
  expect((await notificationLog(page)).focused).toBe(1);
  await expect(phone.getByRole('button', { name: 'Answer' })).toBeFocused();
  expect((await notificationLog(page)).shown[0]?.closed, 'clicked: closed').toBe(true);
  await call.hangup();
  await expect(phone.getByText('The caller hung up')).toBeVisible();

  // A notification nobody clicked goes away when the call stops ringing.
  call = await asterisk.call('2001', { from: '0399998888' });
  await expect.poll(async () => (await notificationLog(page)).shown.length).toBe(2);
  await call.hangup();
  await expect.poll(async () => (await notificationLog(page)).shown[1]?.closed).toBe(true);
});

test('"Turn on desktop notifications" is offered after a missed call, not in the idle phone, and the permission is asked only when the user clicks it', async ({ page, gag, asterisk }) => {
  await page.addInitScript(recordNotifications);
  await openCrm(page, gag, '');
  const phone = page.locator('gag-phone');
  const notify = phone.getByRole('button', { name: 'Turn on desktop notifications' });
  await expect(notify, 'the idle phone does not nag').toHaveCount(0);
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.expectAnswered();
  await phone.getByRole('button', { name: 'Hang up' }).click();
  await call.expectHangup();
  expect((await notificationLog(page)).requests, 'no prompt from answering or hanging up').toBe(0);
  await expect(notify, 'nothing missed: nothing offered').toHaveCount(0);

  await gag.configure({ config: { ring_timeout_ms: 1_000 } });
  const missed = await asterisk.call('2001', { from: '0312345678' });
  await expect(phone.getByText('Missed call')).toBeVisible();
  await expect.poll(() => missed.state).toBe('ended');
  await notify.click();
  await expect.poll(async () => (await notificationLog(page)).requests).toBe(1);
});
