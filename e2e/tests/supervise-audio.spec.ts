/**
 * Supervisors in real Chromium (issue 21), three parties: the caller (the fake Asterisk, 440 Hz),
 * the agent (`<gag-phone>`, its browser's microphone 1 kHz) and the supervisor (`<gag-board>` in a
 * second browser whose microphone is 700 Hz). What each party hears is measured by tone level:
 * Asterisk from what it receives, the agent and the supervisor from what their WebSockets receive
 * (before the SDK plays it) and the board also at its playback tap.
 */
import type { Page } from '@playwright/test';
import { TONE_DBFS, expect, type AsteriskCall, type GagAsterisk, type GagEnv } from './fixtures.js';
import {
  AGENT_HZ,
  CALLER_HZ,
  SUPERVISOR_HZ,
  asteriskLast,
  boardTap,
  callRow,
  configureSupervisors,
  expectTones,
  launchSupervisorBrowser,
  openAgent,
  openBoard,
  pageNow,
  test,
  wireLast,
  wireSince,
} from './supervise-world.js';

/** The most two messages may be apart (20 ms packets; what the jitter buffer absorbs on a loaded machine). */
const MAX_GAP_MS = 250;
/** Messages a stretch may be short of its length in 20 ms packets (where its two ends fall). */
const MISSING_SLACK = 3;
/** A 20 ms frame quieter than this is silence (a −9 dBFS tone is 0.35). */
const SILENT_RMS = 0.05;

/** Supervisors configured, the agent's page online as 2001, and a call from the caller's 440 Hz answered there with audio both ways. */
async function talkingCall(page: Page, gag: GagEnv, asterisk: GagAsterisk): Promise<{ agent: Awaited<ReturnType<typeof openAgent>>; call: AsteriskCall }> {
  await configureSupervisors(gag);
  const agent = await openAgent(page, gag);
  const call = await asterisk.call('2001', { from: '0312345678', play: CALLER_HZ });
  await agent.expectRinging({ from: '0312345678' });
  await agent.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: AGENT_HZ, dbfs: TONE_DBFS });
  await agent.expectAudio({ hz: CALLER_HZ, dbfs: TONE_DBFS });
  return { agent, call };
}

test('listen hears both tones and gives nothing of the supervisor to anyone; whisper reaches the agent and not Asterisk; barge reaches both', async ({ page, gag, asterisk, supervisorPage }) => {
  const { agent, call } = await talkingCall(page, gag, asterisk);
  await openBoard(supervisorPage, gag);
  const board = supervisorPage.locator('gag-board');
  const row = callRow(board, '2001');
  await expect(row).toContainText('03-1234-5678');

  await row.getByRole('button', { name: 'Listen' }).click();
  await expect(row.getByRole('button', { name: 'Listen' })).toHaveAttribute('aria-pressed', 'true');
  await expect(board.getByText('Listening to 2001 · 03-1234-5678')).toBeVisible();
  // The supervisor's microphone is live (700 Hz at its tap), and nobody gets it.
  await expectTones('the supervisor\'s microphone', () => boardTap(supervisorPage, 'capture'), { present: [SUPERVISOR_HZ], absent: [] });
  await expectTones('listen: the supervisor receives', () => wireLast(supervisorPage), { present: [CALLER_HZ, AGENT_HZ], absent: [SUPERVISOR_HZ] });
  await expectTones('listen: the supervisor plays', () => boardTap(supervisorPage, 'playback'), { present: [CALLER_HZ, AGENT_HZ], absent: [SUPERVISOR_HZ] });
  await expectTones('listen: Asterisk receives', () => asteriskLast(call), { present: [AGENT_HZ], absent: [SUPERVISOR_HZ, CALLER_HZ] });
  await expectTones('listen: the agent receives', () => wireLast(page), { present: [CALLER_HZ], absent: [SUPERVISOR_HZ, AGENT_HZ] });

  await row.getByRole('button', { name: 'Whisper' }).click();
  await expect(row.getByRole('button', { name: 'Whisper' })).toHaveAttribute('aria-pressed', 'true');
  await expect(row.getByRole('button', { name: 'Listen' })).toHaveAttribute('aria-pressed', 'false');
  await expectTones('whisper: the agent receives', () => wireLast(page), { present: [CALLER_HZ, SUPERVISOR_HZ], absent: [AGENT_HZ] });
  await expectTones('whisper: the agent plays', () => agent.playback(), { present: [CALLER_HZ, SUPERVISOR_HZ], absent: [AGENT_HZ] });
  await expectTones('whisper: Asterisk receives', () => asteriskLast(call), { present: [AGENT_HZ], absent: [SUPERVISOR_HZ, CALLER_HZ] });
  await expectTones('whisper: the supervisor receives', () => wireLast(supervisorPage), { present: [CALLER_HZ, AGENT_HZ], absent: [SUPERVISOR_HZ] });
  await expect(agent.element.getByText('Supervisor is whispering')).toBeVisible();

  await row.getByRole('button', { name: 'Barge' }).click();
  await expect(row.getByRole('button', { name: 'Barge' })).toHaveAttribute('aria-pressed', 'true');
  await expectTones('barge: Asterisk receives', () => asteriskLast(call), { present: [AGENT_HZ, SUPERVISOR_HZ], absent: [CALLER_HZ] });
  await expectTones('barge: the agent receives', () => wireLast(page), { present: [CALLER_HZ, SUPERVISOR_HZ], absent: [AGENT_HZ] });
  await expectTones('barge: the supervisor receives', () => wireLast(supervisorPage), { present: [CALLER_HZ, AGENT_HZ], absent: [SUPERVISOR_HZ] });
  await expect(agent.element.getByText('Supervisor joined the call')).toBeVisible();

  await row.getByRole('button', { name: 'Leave' }).click();
  await expect(board.getByText('Left the call with 2001 · 03-1234-5678')).toBeVisible();
  await expectTones('after leave: Asterisk receives', () => asteriskLast(call), { present: [AGENT_HZ], absent: [SUPERVISOR_HZ] });
  await expectTones('after leave: the agent receives', () => wireLast(page), { present: [CALLER_HZ], absent: [SUPERVISOR_HZ] });
  await call.hangup();
  await agent.expectEnded({ reason: 'remote_hangup' });
});

test('switching listen → whisper → barge → listen and leaving keep the caller and the agent hearing each other, at their level, without a silent frame', async ({ page, gag, asterisk, supervisorPage }) => {
  const { agent, call } = await talkingCall(page, gag, asterisk);
  await openBoard(supervisorPage, gag);
  const board = supervisorPage.locator('gag-board');
  const row = callRow(board, '2001');
  await expect(row).toBeVisible();

  const fromAgentMs = await pageNow(page);
  const fromSupervisorMs = await pageNow(supervisorPage);
  const fromAsteriskFrame = call.received.frames;
  for (const [mode, pressed] of [['Listen', 'listen'], ['Whisper', 'whisper'], ['Barge', 'barge'], ['Listen', 'listen']] as const) {
    await row.getByRole('button', { name: mode }).click();
    await expect(row.getByRole('button', { name: mode })).toHaveAttribute('aria-pressed', 'true');
    // Each mode holds until its sound is there, so every switch happens in a call that is flowing.
    await expectTones(`${pressed}: the supervisor receives`, () => wireLast(supervisorPage), { present: [CALLER_HZ, AGENT_HZ], absent: [SUPERVISOR_HZ] });
    await expectTones(`${pressed}: the agent receives`, () => wireLast(page), pressed === 'listen' ? { present: [CALLER_HZ], absent: [SUPERVISOR_HZ] } : { present: [CALLER_HZ, SUPERVISOR_HZ], absent: [] });
  }
  const supervised = await wireSince(supervisorPage, fromSupervisorMs);
  await row.getByRole('button', { name: 'Leave' }).click();
  await expect(row.getByRole('button', { name: 'Leave' })).toBeHidden();
  await expectTones('after leave: Asterisk receives', () => asteriskLast(call), { present: [AGENT_HZ], absent: [SUPERVISOR_HZ, CALLER_HZ] });
  await expectTones('after leave: the agent receives', () => wireLast(page), { present: [CALLER_HZ], absent: [SUPERVISOR_HZ, AGENT_HZ] });
  await expectTones('after leave: the agent plays', () => agent.playback(), { present: [CALLER_HZ], absent: [SUPERVISOR_HZ] });

  // Through all of it: no silent frame and no gap in what the agent got (the caller) and what
  // Asterisk got (the agent), and none in what the supervisor got while in the call.
  const heard = await wireSince(page, fromAgentMs);
  expectUnbroken('the agent receives', heard.messages);
  expectUnbroken('the supervisor receives', supervised.messages);
  const up = call.received.samples({ fromMs: fromAsteriskFrame * 20 });
  const frame = 320;
  expect(up.length, 'Asterisk received through the switches').toBeGreaterThan(50 * frame);
  for (let i = 0; i + frame <= up.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += up[j]! ** 2;
    expect(Math.sqrt(sum / frame), `Asterisk's frame ${i / frame} after the first switch is silent`).toBeGreaterThan(SILENT_RMS);
  }
  test.info().annotations.push({ type: 'unbroken', description: `agent ${heard.messages.length} messages, supervisor ${supervised.messages.length}, Asterisk ${up.length / frame} frames` });
  await call.hangup();
  await agent.expectEnded({ reason: 'remote_hangup' });
});

/**
 * Every message at the tone's level, as many as the stretch lasts in 20 ms packets (none lost), and
 * none further than {@link MAX_GAP_MS} from the one before.
 */
function expectUnbroken(what: string, messages: readonly { atMs: number; rms: number }[]): void {
  expect(messages.length, `${what}: messages`).toBeGreaterThan(50);
  const spanMs = messages.at(-1)!.atMs - messages[0]!.atMs;
  expect(messages.length, `${what}: messages in ${spanMs.toFixed(0)} ms of 20 ms packets`).toBeGreaterThanOrEqual(Math.floor(spanMs / 20) + 1 - MISSING_SLACK);
  let quietest = Infinity;
  let widestGapMs = 0;
  for (let i = 0; i < messages.length; i++) {
    quietest = Math.min(quietest, messages[i]!.rms);
    if (i > 0) widestGapMs = Math.max(widestGapMs, messages[i]!.atMs - messages[i - 1]!.atMs);
  }
  test.info().annotations.push({ type: what, description: `quietest message RMS ${quietest.toFixed(3)}, widest gap ${widestGapMs.toFixed(0)} ms` });
  expect(quietest, `${what}: the quietest message`).toBeGreaterThan(SILENT_RMS);
  expect(widestGapMs, `${what}: the widest gap between messages`).toBeLessThan(MAX_GAP_MS);
}
