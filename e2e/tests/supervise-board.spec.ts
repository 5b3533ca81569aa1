/**
 * `<gag-board>` as a supervisor uses it (issue 21), in English and Japanese, on a desktop and on a
 * phone-sized screen: the agents with their presence and time, the `sales` queue with its waiting
 * calls, the call in progress with Listen / Whisper / Barge; joined, switched and left by keyboard
 * (the focus stays on the mode pressed, `aria-pressed` says which, the polite live line says it
 * once), axe-core finds nothing in each state; and an agent's own token sending the supervisor's
 * messages is refused by the gateway. With GAG_UPDATE_SCREENSHOTS=1 it writes
 * docs/screenshots/board-{en,ja}.png and board-mobile-ja.png.
 */
import type { Locator, Page } from '@playwright/test';
import { SUBPROTOCOL, PHONE_PATH } from '@gag/sdk/protocol';
import { expectNoViolations } from './axe-scan.js';
import { expect } from './fixtures.js';
import { UPDATE_SCREENSHOTS, requireJapaneseFont, shoot } from './screenshot-files.js';
import { CALLER_HZ, callRow, configureSupervisors, openAgent, openBoard, test } from './supervise-world.js';

/** What the board says (web-components/src/labels/board-{en,ja}.ts). */
const TEXT = {
  en: { ready: 'Ready', talking: 'Talking', ringing: 'Ringing', offline: 'Offline', listen: 'Listen', whisper: 'Whisper', barge: 'Barge', leave: 'Leave', listening: 'Listening to 2001 · 03-1234-5678', whispering: 'Whispering to 2001 · 03-1234-5678', left: 'Left the call with 2001 · 03-1234-5678', waiting: '1 waiting', calls: 'Calls in progress', noCalls: 'No calls in progress.' },
  ja: { ready: '待受中', talking: '通話中', ringing: '着信中', offline: 'オフライン', listen: 'モニター', whisper: 'ウィスパー', barge: '割り込み', leave: '退出', listening: '2001 · 03-1234-5678 をモニター中', whispering: '2001 · 03-1234-5678 にウィスパー中', left: '2001 · 03-1234-5678 から退出しました', waiting: '1 件待ち', calls: '通話中の呼', noCalls: '通話中の呼はありません。' },
} as const;

/** In the page: every change of the board's live line (`part="now"`), in order, in `window.__gagNow`. */
function watchNow(element: Element): void {
  const seen: string[] = [];
  (window as unknown as { __gagNow: string[] }).__gagNow = seen;
  const line = element.shadowRoot!.querySelector('[part="now"]')!;
  new MutationObserver(() => {
    const text = (line.textContent ?? '').trim();
    if (text !== '' && seen.at(-1) !== text) seen.push(text);
  }).observe(line, { subtree: true, childList: true, characterData: true });
}
const nowLines = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __gagNow?: string[] }).__gagNow ?? []);

/** The shadow root's focused element, as `mode` data or text. */
const focused = (board: Locator): Promise<string> =>
  board.evaluate((element) => {
    const active = element.shadowRoot?.activeElement;
    return active === null || active === undefined ? 'nothing' : `${active.tagName.toLowerCase()} ${active.getAttribute('data-mode') ?? active.textContent?.trim() ?? ''}`;
  });

for (const [lang, width] of [['en', 1280], ['ja', 1280], ['ja', 390]] as const) {
  const t = TEXT[lang];
  const mobile = width < 600;
  test.describe(`${lang} at ${width} px`, () => {
    test.use({ viewport: { width, height: mobile ? 844 : 800 }, deviceScaleFactor: mobile ? 2 : 1, hasTouch: mobile });

    test(`(${lang}, ${width} px) agents, the queue and the call in progress; joined, switched and left by keyboard with the focus kept and one announcement each; axe finds nothing`, async ({ page, gag, asterisk, openPhone, supervisorPage }) => {
      if (UPDATE_SCREENSHOTS && lang === 'ja') requireJapaneseFont();
      await configureSupervisors(gag, { sales: { strategy: 'ringall', members: ['2002', '2003'] } });
      const agent = await openAgent(page, gag);
      const ringing = await openPhone({ extension: '2002' });
      const call = await asterisk.call('2001', { from: '0312345678', play: CALLER_HZ });
      await agent.expectRinging();
      await agent.answer();
      await call.expectAnswered();
      // A call for `sales` rings its member 2002 (2003 is offline) and waits there.
      await asterisk.call('sales', { from: '0355550100', name: 'Emily Carter' });
      await ringing.expectRinging({ from: '0355550100' });

      await openBoard(supervisorPage, gag, { lang });
      const board = supervisorPage.locator('gag-board');
      await expect(board.getByRole('status')).toHaveText(t.ready);
      const agents = board.getByRole('table', { name: lang === 'en' ? 'Agents' : 'エージェント' });
      await expect(agents.getByRole('row').filter({ hasText: '2001' })).toContainText(t.talking);
      await expect(agents.getByRole('row').filter({ hasText: '2002' })).toContainText(t.ringing);
      await expect(agents.getByRole('row').filter({ hasText: '2003' })).toContainText(t.offline);
      await expect(board.getByRole('table', { name: /sales/ })).toContainText(t.waiting);
      const row = callRow(board, '2001');
      await expect(row).toContainText('03-1234-5678');
      await expectNoViolations(supervisorPage, `board ${lang} ${width}px`, 'gag-board');
      await board.evaluate(watchNow);

      // Keyboard only: Tab to Listen, Enter; the focus stays on the mode pressed.
      const listen = row.getByRole('button', { name: t.listen });
      await listen.focus();
      await supervisorPage.keyboard.press('Enter');
      await expect(listen).toHaveAttribute('aria-pressed', 'true');
      await expect.poll(() => focused(board)).toBe('button listen');
      await expect(board.getByText(t.listening)).toBeVisible();
      await supervisorPage.keyboard.press('Tab');
      await supervisorPage.keyboard.press('Enter');
      await expect(row.getByRole('button', { name: t.whisper })).toHaveAttribute('aria-pressed', 'true');
      await expect(listen).toHaveAttribute('aria-pressed', 'false');
      await expect.poll(() => focused(board)).toBe('button whisper');
      await expect(board.getByText(t.whispering)).toBeVisible();
      await expectNoViolations(supervisorPage, `board ${lang} ${width}px whispering`, 'gag-board');
      await shoot(mobile ? supervisorPage : board, mobile ? `board-mobile-${lang}` : `board-${lang}`);

      await row.getByRole('button', { name: t.leave }).focus();
      await supervisorPage.keyboard.press('Enter');
      await expect(row.getByRole('button', { name: t.leave })).toBeHidden();
      await expect.poll(() => focused(board)).toBe('button listen');
      await expect(board.getByText(t.left)).toBeVisible();
      // One announcement per change, none for the ticking times.
      expect(await nowLines(supervisorPage)).toEqual([t.listening, t.whispering, t.left]);
      await call.hangup();
      await expect(row).toBeHidden();
    });
  });
}

test('an agent\'s own token sending board, supervise and unsupervise is refused with not_supervisor, and its call goes on', async ({ page, gag, asterisk }) => {
  await configureSupervisors(gag);
  const agent = await openAgent(page, gag);
  const call = await asterisk.call('2001', { from: '0312345678', play: CALLER_HZ });
  const incoming = await agent.expectRinging();
  await agent.answer();
  await call.expectAnswered();
  const callId = String(incoming['callId']);
  const answers = await page.evaluate(
    async ({ url, token, callId, subprotocol }) => {
      const ws = new WebSocket(url, subprotocol);
      const got: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { type: string };
          got.push(m);
          if (m.type === 'welcome') {
            ws.send(JSON.stringify({ type: 'board', watch: true }));
            ws.send(JSON.stringify({ type: 'supervise', callId, mode: 'barge' }));
            ws.send(JSON.stringify({ type: 'unsupervise', callId }));
          }
          if (got.filter((g) => (g as { type: string }).type === 'supervisor_refused').length === 3) resolve();
        };
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }));
        ws.onclose = (e) => reject(new Error(`closed ${e.code} ${e.reason}`));
      });
      const open = ws.readyState === WebSocket.OPEN;
      ws.close();
      return { got, open };
    },
    { url: `${gag.gatewayUrl}${PHONE_PATH}`, token: await gag.mintToken('2001'), callId, subprotocol: SUBPROTOCOL },
  );
  expect((answers.got[0] as { features?: string[] }).features ?? []).not.toContain('supervise');
  expect(answers.got.filter((m) => (m as { type: string }).type === 'supervisor_refused')).toEqual([
    expect.objectContaining({ request: 'board', code: 'not_supervisor' }),
    expect.objectContaining({ request: 'supervise', callId, code: 'not_supervisor' }),
    expect.objectContaining({ request: 'unsupervise', callId, code: 'not_supervisor' }),
  ]);
  expect(answers.open, 'the refused session stays open').toBe(true);
  await agent.expectAudio({ hz: CALLER_HZ });
  await call.expectAudio({ hz: 1_000 });
  await call.hangup();
});

test('(en, dark theme) the caller hanging up ends the supervision: said once, gag-supervise with call_ended, the focus on the calls heading; axe finds nothing', async ({ page, gag, asterisk, supervisorPage }) => {
  await configureSupervisors(gag);
  const agent = await openAgent(page, gag);
  const call = await asterisk.call('2001', { from: '0312345678', play: CALLER_HZ });
  await agent.expectRinging();
  await agent.answer();
  await call.expectAnswered();
  await supervisorPage.addInitScript(() => {
    const seen: unknown[] = [];
    (window as unknown as { __gagSupervise: unknown[] }).__gagSupervise = seen;
    document.addEventListener('gag-supervise', (e) => seen.push((e as CustomEvent<unknown>).detail));
  });
  await openBoard(supervisorPage, gag, { lang: 'en', attributes: 'theme="dark"' });
  const board = supervisorPage.locator('gag-board');
  const row = callRow(board, '2001');
  await row.getByRole('button', { name: 'Barge' }).click();
  await expect(row.getByRole('button', { name: 'Barge' })).toHaveAttribute('aria-pressed', 'true');
  await expect(agent.element.getByText('Supervisor joined the call')).toBeVisible();
  await expectNoViolations(supervisorPage, 'board en dark barging', 'gag-board');
  await board.evaluate(watchNow);

  await call.hangup();
  await expect(board.getByText('The call with 2001 · 03-1234-5678 ended')).toBeVisible();
  expect(await nowLines(supervisorPage)).toEqual(['The call with 2001 · 03-1234-5678 ended']);
  await expect(row).toBeHidden();
  await expect(board.getByText(TEXT.en.noCalls)).toBeVisible();
  await expect.poll(() => focused(board)).toBe(`h3 ${TEXT.en.calls}`);
  const events = await supervisorPage.evaluate(() => (window as unknown as { __gagSupervise: unknown[] }).__gagSupervise);
  expect(events).toEqual([expect.objectContaining({ mode: 'barge' }), expect.objectContaining({ mode: null, reason: 'call_ended' })]);
  await agent.expectEnded({ reason: 'remote_hangup' });
  await expectNoViolations(supervisorPage, 'board en dark after the call', 'gag-board');
});

test('(en) after the network comes back the board is watched again: a call that rings then shows on it', async ({ page, gag, asterisk, supervisorPage }) => {
  await configureSupervisors(gag);
  const agent = await openAgent(page, gag);
  await openBoard(supervisorPage, gag, { lang: 'en' });
  const board = supervisorPage.locator('gag-board');
  const agents = board.getByRole('table', { name: 'Agents' });
  await expect(agents.getByRole('row').filter({ hasText: '2001' })).toContainText('Available');

  gag.network.cut();
  await expect(board.getByRole('status')).toHaveText('Reconnecting…');
  gag.network.restore();
  await expect(board.getByRole('status')).toHaveText(TEXT.en.ready, { timeout: 20_000 });
  await agent.expectOnline();

  const call = await asterisk.call('2001', { from: '0312345678' });
  await agent.expectRinging({ from: '0312345678' });
  await expect(agents.getByRole('row').filter({ hasText: '2001' })).toContainText(TEXT.en.ringing);
  await call.hangup();
  await expect(agents.getByRole('row').filter({ hasText: '2001' })).toContainText('Available');
});
